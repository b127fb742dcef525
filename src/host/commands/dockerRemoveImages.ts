// ML Disk Space: Remove Docker Images… — the selected image rows (multi-select), or a quick pick from the
// palette. Images used by stopped containers: see docker/imageRemoval.ts.
import { planImageRemoval } from '../docker/imageRemoval';
import { runDockerCommand } from '../docker/runPlan';
import { pickImages, selectedDockerIds } from '../docker/selection';
import type { CommandSpec } from '../services';

export const dockerRemoveImagesCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.removeImages',
  run(s, clicked, selection) {
    const selected = selectedDockerIds(s, 'docker-image', clicked, selection);
    return runDockerCommand(s, async (du) => {
      const ids = selected.length ? selected : await pickImages(du);
      return ids && planImageRemoval(s, du, ids);
    });
  },
};
