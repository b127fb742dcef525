// ML Disk Space: Clean torch hub Cache… — deletes every downloaded repo and checkpoint of $TORCH_HOME/hub
// (torch.hub downloads them again when a model is loaded).
import { TORCH_CATEGORY_ID, TORCH_CLEAN_ID } from '../../core/categories/torch/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const cacheCleanTorchCommand: CommandSpec = {
  id: 'mlDiskSpace.torch.clean',
  async run(s): Promise<ReclaimResult | undefined> {
    const model = await lastScanWith(s, TORCH_CATEGORY_ID, t('no torch hub cache'));
    if (!model) return undefined;
    return runCacheIds(s, t('Clean the torch hub'), model, [TORCH_CLEAN_ID]);
  },
};
