// "Analysis cancelled — click to analyze again" under an image's Largest folders: forgets the
// cancellation and has the tree ask for that row's contents again (which starts the analysis).
import { dockerServices } from '../docker/dockerServices';
import type { CommandSpec } from '../services';

export const dockerRetryImageAnalysisCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.retryImageAnalysis',
  run(s, analysisKey, rowTreeId) {
    if (typeof analysisKey !== 'string' || typeof rowTreeId !== 'string') return;
    dockerServices(s).analyses.retry(analysisKey);
    // The retry row sits below the row to load again.
    s.tree.refresh(rowTreeId);
  },
};
