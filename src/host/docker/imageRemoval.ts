// Remove Image(s): an image a container uses cannot go alone. When the only users are stopped
// containers, the user is asked (once, for all of them) whether to remove those containers too;
// the plan then says so in its confirmation. Declining leaves those images out; images used by a
// running container are always left out (the plan names them).
import { containersUsing, isActiveContainer, isImageInUse } from '../../core/categories/docker/diskUsageMath';
import { planRemoveImages, type DockerPlan } from '../../core/categories/docker/dockerPlans';
import { imageLabelOf } from '../../core/categories/docker/labels';
import type { DockerDiskUsage, DockerImage } from '../../core/categories/docker/types';
import { formatBytes, formatCount } from '../../core/format';
import type { HostServices } from '../services';
import { t } from '../../core/l10n';

export async function planImageRemoval(s: HostServices, du: DockerDiskUsage, imageIds: string[]): Promise<DockerPlan> {
  const heldByStopped = imageIds
    .map((id) => du.images.find((i) => i.id === id))
    .filter((i): i is DockerImage => !!i && isImageInUse(du, i))
    .filter((i) => {
      const users = containersUsing(du, i);
      return users.length > 0 && !users.some(isActiveContainer);
    });
  let removeContainers = false;
  if (heldByStopped.length) {
    const containers = heldByStopped.flatMap((i) => containersUsing(du, i));
    const writable = containers.reduce((sum, c) => sum + c.writableBytes, 0);
    const lines = heldByStopped.map((i) => t('• {0}: used by {1}', imageLabelOf(i), containersUsing(du, i).map((c) => `${c.name} (${c.state})`).join(', ')));
    removeContainers = await s.prompts.confirmer.confirm({
      kind: 'include',
      message: (heldByStopped.length === 1 ? t('{0} is used by stopped containers. Remove {1} too?', formatCount(heldByStopped.length, 'selected image'), containers.length === 1 ? t('that container') : t('those {0} containers', containers.length)) : t('{0} are used by stopped containers. Remove {1} too?', formatCount(heldByStopped.length, 'selected image'), containers.length === 1 ? t('that container') : t('those {0} containers', containers.length))),
      detail: [
        ...lines,
        '',
        t('Their writable layers ({0} of files written inside them) would be lost; their volumes are kept.', formatBytes(writable)),
        t('Otherwise {0} left out. Nothing is removed before the next confirmation.', heldByStopped.length === 1 ? t('this image is') : t('these images are')),
      ].join('\n'),
      confirmLabel: t('Also Remove Their Stopped Containers'),
      bytes: writable,
    });
    s.log.info(`Remove images: ${removeContainers ? 'also removing' : 'not removing'} the stopped containers of ${heldByStopped.map(imageLabelOf).join(', ')}`);
  }
  return planRemoveImages(du, imageIds, { removeContainers });
}
