// ML Disk Space: Delete Media of Synced wandb Runs — `wandb:media`: files/media of runs the W&B
// server holds (online, or offline with the wandb sync marker). Never media of a run not synced.
import { WANDB_CATEGORY_ID, WANDB_MEDIA_PURGE_ID } from '../../core/categories/wandb/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';

export const wandbDeleteMediaCommand: CommandSpec = {
  id: 'mlDiskSpace.wandb.deleteSyncedMedia',
  async run(s): Promise<ReclaimResult | undefined> {
    const model = await lastScanWith(s, WANDB_CATEGORY_ID, 'no Weights & Biases data');
    if (!model) return undefined;
    return runCacheIds(s, 'Delete the media of synced W&B runs', model, [WANDB_MEDIA_PURGE_ID]);
  },
};
