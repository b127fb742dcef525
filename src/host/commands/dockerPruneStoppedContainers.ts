// ML Disk Space: Prune Stopped Containers — `docker container prune`, one container at a time, each re-checked by the engine.
import { planPruneStoppedContainers } from '../../core/categories/docker/dockerPlans';
import { runDockerCommand } from '../docker/runPlan';
import type { CommandSpec } from '../services';

export const dockerPruneStoppedContainersCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.pruneStoppedContainers',
  run: (s) => runDockerCommand(s, planPruneStoppedContainers),
};
