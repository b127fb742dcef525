// ML Disk Space: Delete from Cache… (tree only) — the selected reclaimable rows of the cache
// categories that have no command of their own: HF interrupted downloads and unreferenced blobs,
// the datasets and xet caches, single conda tarballs and unused packages, pip and uv cache
// folders. Each plan comes from the
// category's descriptor through src/core/categories/planFor.ts (re-measured, identity checked).
import { isCacheId } from '../../core/categories';
import { planForIds } from '../../core/categories/planFor';
import { lastScanWith } from '../caches/lastScan';
import { planContextOf, runCachePlan } from '../caches/runCachePlan';
import { selectedCacheItems } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const cacheDeleteItemsCommand: CommandSpec = {
  id: 'mlDiskSpace.caches.deleteItems',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const items = selectedCacheItems(s, clicked, selection, (item) => item.reclaimable === true && isCacheId(item.id)).items;
    if (!items.length) {
      void s.prompts.notifier.info(t('Select the cache items to delete in the ML Disk Space view.'));
      return undefined;
    }
    const categoryId = items[0].id.slice(0, items[0].id.indexOf(':'));
    const model = await lastScanWith(s, categoryId, t('no {0} cache', categoryId));
    if (!model) return undefined;
    const ids = items.map((i) => i.id);
    return runCachePlan(s, items.length === 1 ? t('Delete {0}', items[0].label) : t('Delete {0} cache items', items.length), (signal) => planForIds(ids, model, { ...planContextOf(s), signal }));
  },
};
