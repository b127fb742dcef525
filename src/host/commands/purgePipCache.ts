// ML Disk Space: Clean pip Cache… — `pip cache purge`: http-v2/, http/ and wheels/ of pip's cache
// (PIP_CACHE_DIR or the platform default). pip recreates them on its next download.
import { PIP_CATEGORY_ID, PIP_PURGE_ID } from '../../core/categories/pip/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const purgePipCacheCommand: CommandSpec = {
  id: 'mlDiskSpace.pip.purge',
  async run(s): Promise<ReclaimResult | undefined> {
    const model = await lastScanWith(s, PIP_CATEGORY_ID, t('no pip cache'));
    if (!model) return undefined;
    return runCacheIds(s, t('Purge the pip cache'), model, [PIP_PURGE_ID]);
  },
};
