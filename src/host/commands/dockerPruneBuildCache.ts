// ML Disk Space: Clean Docker Build Cache… — `docker builder prune -a`: every build-cache record not in use.
import { planPruneBuildCache } from '../../core/categories/docker/dockerPlans';
import { runDockerCommand } from '../docker/runPlan';
import type { CommandSpec } from '../services';

export const dockerPruneBuildCacheCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.pruneBuildCache',
  run: (s) => runDockerCommand(s, planPruneBuildCache),
};
