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
    const lines = heldByStopped.map((i) => `• ${imageLabelOf(i)}: used by ${containersUsing(du, i).map((c) => `${c.name} (${c.state})`).join(', ')}`);
    removeContainers = await s.prompts.confirmer.confirm({
      kind: 'include',
      message: `${formatCount(heldByStopped.length, 'selected image')} ${heldByStopped.length === 1 ? 'is' : 'are'} used by stopped containers. Remove ${containers.length === 1 ? 'that container' : `those ${containers.length} containers`} too?`,
      detail: [
        ...lines,
        '',
        `Their writable layers (${formatBytes(writable)} of files written inside them) would be lost; their volumes are kept.`,
        `Otherwise ${heldByStopped.length === 1 ? 'this image is' : 'these images are'} left out. Nothing is removed before the next confirmation.`,
      ].join('\n'),
      confirmLabel: 'Also Remove Their Stopped Containers',
      bytes: writable,
    });
    s.log.info(`Remove images: ${removeContainers ? 'also removing' : 'not removing'} the stopped containers of ${heldByStopped.map(imageLabelOf).join(', ')}`);
  }
  return planRemoveImages(du, imageIds, { removeContainers });
}
