// ML Disk Space: Remove Docker Volumes… — unused ones only, with the data-loss warning in the confirmation.
import { planRemoveVolumes } from '../../core/categories/docker/dockerPlans';
import { runDockerCommand } from '../docker/runPlan';
import { pickUnusedVolumes, selectedDockerIds } from '../docker/selection';
import type { CommandSpec } from '../services';

export const dockerRemoveVolumesCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.removeVolumes',
  run(s, clicked, selection) {
    const selected = selectedDockerIds(s, 'docker-volume', clicked, selection);
    return runDockerCommand(s, async (du) => {
      const names = selected.length ? selected : await pickUnusedVolumes(du);
      return names && planRemoveVolumes(du, names);
    });
  },
};
