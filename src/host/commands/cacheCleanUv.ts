// ML Disk Space: Clean uv Cache… — `uv cache clean`: everything in uv's cache folder (UV_CACHE_DIR
// or the default). Files a venv still hard-links stay on disk; the plan counts only what is freed.
import { UV_CATEGORY_ID, UV_CLEAN_ID } from '../../core/categories/uv/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const cacheCleanUvCommand: CommandSpec = {
  id: 'mlDiskSpace.uv.clean',
  async run(s): Promise<ReclaimResult | undefined> {
    const model = await lastScanWith(s, UV_CATEGORY_ID, t('no uv cache'));
    if (!model) return undefined;
    return runCacheIds(s, t('Clean the uv cache'), model, [UV_CLEAN_ID]);
  },
};
