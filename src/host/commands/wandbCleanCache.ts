// ML Disk Space: Clean wandb Artifact Cache — `wandb:cache`: the entries of wandb's artifact cache,
// and of its staging folder unless an offline run still waits to be synced. Never a run folder.
import { WANDB_CACHE_PURGE_ID, WANDB_CATEGORY_ID } from '../../core/categories/wandb/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';

export const wandbCleanCacheCommand: CommandSpec = {
  id: 'mlDiskSpace.wandb.cleanCache',
  async run(s): Promise<ReclaimResult | undefined> {
    const model = await lastScanWith(s, WANDB_CATEGORY_ID, 'no Weights & Biases data');
    if (!model) return undefined;
    return runCacheIds(s, 'Clean the W&B artifact cache', model, [WANDB_CACHE_PURGE_ID]);
  },
};
