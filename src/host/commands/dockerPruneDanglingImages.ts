// ML Disk Space: Prune Dangling Images — `docker image prune`: untagged images no container uses.
import { planPruneDanglingImages } from '../../core/categories/docker/dockerPlans';
import { runDockerCommand } from '../docker/runPlan';
import type { CommandSpec } from '../services';

export const dockerPruneDanglingImagesCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.pruneDanglingImages',
  run: (s) => runDockerCommand(s, planPruneDanglingImages),
};
