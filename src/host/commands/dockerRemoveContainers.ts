// ML Disk Space: Remove Docker Containers… — stopped ones only (the plan leaves running ones out and says so).
import { planRemoveContainers } from '../../core/categories/docker/dockerPlans';
import { runDockerCommand } from '../docker/runPlan';
import { pickStoppedContainers, selectedDockerIds } from '../docker/selection';
import type { CommandSpec } from '../services';

export const dockerRemoveContainersCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.removeContainers',
  run(s, clicked, selection) {
    const selected = selectedDockerIds(s, 'docker-container', clicked, selection);
    return runDockerCommand(s, async (du) => {
      const ids = selected.length ? selected : await pickStoppedContainers(du);
      return ids && planRemoveContainers(du, ids);
    });
  },
};
