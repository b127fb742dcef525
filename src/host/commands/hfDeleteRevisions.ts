// ML Disk Space: Delete Hugging Face Revisions… — the selected revisions (multi-select, across
// repos), or a quick pick from the palette. Frees only the blobs no remaining revision links to;
// every revision of a repo selected -> the whole repo. Deletion order as huggingface_hub does it.
import { planHfDeleteRevisions } from '../../core/categories/huggingface/plans';
import { HF_CATEGORY_ID } from '../../core/categories/huggingface/ids';
import { lastScanWith } from '../caches/lastScan';
import { runCachePlan } from '../caches/runCachePlan';
import { pickCacheItems, selectedCacheItems } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

const KIND = 'hf-revision';

export const hfDeleteRevisionsCommand: CommandSpec = {
  id: 'mlDiskSpace.hf.deleteRevisions',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const selected = selectedCacheItems(s, clicked, selection, (item, c) => c.id === HF_CATEGORY_ID && item.kind === KIND).items.map((i) => i.id);
    const model = await lastScanWith(s, HF_CATEGORY_ID, t('no Hugging Face cache'));
    if (!model) return undefined;
    const ids = selected.length ? selected : await pickCacheItems(s, model, HF_CATEGORY_ID, (item) => item.kind === KIND, {
      title: t('Delete Hugging Face Revisions'),
      placeHolder: t('Revisions to delete (each frees the blobs no other revision uses)'),
      none: t('the last scan found no revisions.'),
      label: (item, parents) => `${parents[0]?.label ?? ''} ${item.label}`.trim(),
    });
    if (!ids) return undefined;
    return runCachePlan(s, t('Delete Hugging Face revisions'), (signal) => planHfDeleteRevisions(model, ids, signal));
  },
};
