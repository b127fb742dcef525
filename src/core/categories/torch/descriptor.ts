// The torch hub category: repos torch.hub downloaded and the checkpoints it fetched.
import type { CategoryDescriptor } from '../descriptor';
import { buildPlan } from '../../plan/builder';
import { categoryOf, planScannedItems } from '../../plan/fromModel';
import { TORCH_CATEGORY_ID, TORCH_CLEAN_ID, scanTorch } from './scanner';
import { t } from '../../l10n';

export const torchCategory: CategoryDescriptor = {
  id: TORCH_CATEGORY_ID,
  get label() { return t('torch hub'); },
  order: 45,
  icon: 'flame',
  cache: true,
  scan: scanTorch,
  async planFor(ids, model, ctx) {
    if (ids.length === 1 && ids[0] === TORCH_CLEAN_ID) {
      const c = categoryOf(model, TORCH_CATEGORY_ID);
      const root = String(c.fields!.hubDir);
      const paths = c.items.filter((i) => i.reclaimable && i.path).map((i) => ({ path: i.path!, root, label: i.label, itemId: i.id }));
      return buildPlan({ title: t('Delete the torch hub downloads'), scannedAt: model.scannedAt, paths, signal: ctx.signal });
    }
    return planScannedItems(model, TORCH_CATEGORY_ID, ids, ctx.signal);
  },
  purgeIds: { get [TORCH_CLEAN_ID]() { return t('torch hub: delete every downloaded repo and checkpoint'); } },
  kinds: {
    'torch-repo': { get label() { return t('torch hub repo'); }, icon: 'repo' },
    'torch-checkpoint': { get label() { return t('Downloaded checkpoint'); }, icon: 'file-binary' },
    'torch-partial': { get label() { return t('Interrupted download'); }, icon: 'cloud-download' },
    'torch-other': { get label() { return t('torch hub (other)'); } },
  },
};
