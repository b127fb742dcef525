// ML Disk Space: Prune Unused Volumes — every volume no container references, with the data-loss
// warning in the confirmation (volumes hold data, not rebuildable layers).
import { planPruneUnusedVolumes } from '../../core/categories/docker/dockerPlans';
import { runDockerCommand } from '../docker/runPlan';
import type { CommandSpec } from '../services';

export const dockerPruneUnusedVolumesCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.pruneUnusedVolumes',
  run: (s) => runDockerCommand(s, planPruneUnusedVolumes),
};
