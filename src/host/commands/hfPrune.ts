// ML Disk Space: Clean Unused Hugging Face Files… — detached revisions, interrupted downloads
// (blobs/*.incomplete) and unreferenced blobs, in every repo or in the selected repos (the
// `hf cache prune` selection). A blob written within mlDiskSpace.activeRunMinutes is kept: a
// download may be writing it.
import { planHfPrune } from '../../core/categories/huggingface/plans';
import { HF_CATEGORY_ID } from '../../core/categories/huggingface/ids';
import { lastScanWith } from '../caches/lastScan';
import { planContextOf, runCachePlan } from '../caches/runCachePlan';
import { selectedCacheItems } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const hfPruneCommand: CommandSpec = {
  id: 'mlDiskSpace.hf.prune',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const repos = selectedCacheItems(s, clicked, selection, (item, c) => c.id === HF_CATEGORY_ID && item.kind === 'hf-repo' && !!item.path)
      .items.map((i) => i.path!);
    const model = await lastScanWith(s, HF_CATEGORY_ID, t('no Hugging Face cache'));
    if (!model) return undefined;
    return runCachePlan(s, t('Prune the Hugging Face cache'), (signal) => planHfPrune(model, planContextOf(s), repos.length ? repos : undefined, signal));
  },
};
