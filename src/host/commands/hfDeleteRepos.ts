// ML Disk Space: Delete Hugging Face Repos… — whole repo folders of the hub cache (every
// revision, blob and ref; corrupted repos too): the selected repos, or a quick pick from the palette.
import { planHfDeleteRepos } from '../../core/categories/huggingface/plans';
import { HF_CATEGORY_ID } from '../../core/categories/huggingface/ids';
import { lastScanWith } from '../caches/lastScan';
import { runCachePlan } from '../caches/runCachePlan';
import { pickCacheItems, selectedCacheItems } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

const KIND = 'hf-repo';

export const hfDeleteReposCommand: CommandSpec = {
  id: 'mlDiskSpace.hf.deleteRepos',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const selected = selectedCacheItems(s, clicked, selection, (item, c) => c.id === HF_CATEGORY_ID && item.kind === KIND).items.map((i) => i.id);
    const model = await lastScanWith(s, HF_CATEGORY_ID, t('no Hugging Face cache'));
    if (!model) return undefined;
    const ids = selected.length ? selected : await pickCacheItems(s, model, HF_CATEGORY_ID, (item) => item.kind === KIND, {
      title: t('Delete Hugging Face Repos'),
      placeHolder: t('Repos to delete from the cache, with every revision (largest first)'),
      none: t('the last scan found no repos.'),
    });
    if (!ids) return undefined;
    return runCachePlan(s, t('Delete Hugging Face repos'), (signal) => planHfDeleteRepos(model, ids, signal));
  },
};
