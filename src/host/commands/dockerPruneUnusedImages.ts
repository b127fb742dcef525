// ML Disk Space: Prune All Unused Images — `docker image prune -a`: every image no container uses, tagged or not.
import { planPruneUnusedImages } from '../../core/categories/docker/dockerPlans';
import { runDockerCommand } from '../docker/runPlan';
import type { CommandSpec } from '../services';

export const dockerPruneUnusedImagesCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.pruneUnusedImages',
  run: (s) => runDockerCommand(s, planPruneUnusedImages),
};
