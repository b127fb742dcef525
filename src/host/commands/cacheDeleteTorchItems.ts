// ML Disk Space: Delete torch hub Items… — downloaded hub repos and checkpoint files of
// $TORCH_HOME/hub: the selected ones, or a quick pick from the palette.
import { TORCH_CATEGORY_ID } from '../../core/categories/torch/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import { pickCacheItems, selectedCacheItems } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const cacheDeleteTorchItemsCommand: CommandSpec = {
  id: 'mlDiskSpace.torch.deleteItems',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const selected = selectedCacheItems(s, clicked, selection, (item, c) => c.id === TORCH_CATEGORY_ID && item.reclaimable === true && !!item.path)
      .items.map((i) => i.id);
    const model = await lastScanWith(s, TORCH_CATEGORY_ID, t('no torch hub cache'));
    if (!model) return undefined;
    const ids = selected.length ? selected : await pickCacheItems(s, model, TORCH_CATEGORY_ID, (item) => item.reclaimable === true && !!item.path, {
      title: t('Delete torch hub Items'),
      placeHolder: t('Downloaded repos and checkpoints to delete (largest first)'),
      none: t('the last scan found nothing to delete in the torch hub.'),
    });
    if (!ids) return undefined;
    return runCacheIds(s, t('Delete torch hub items'), model, ids);
  },
};
