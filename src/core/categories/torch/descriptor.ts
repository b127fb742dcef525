// The torch hub category: repos torch.hub downloaded and the checkpoints it fetched.
import type { CategoryDescriptor } from '../descriptor';
import { buildPlan } from '../../plan/builder';
import { categoryOf, planScannedItems } from '../../plan/fromModel';
import { TORCH_CATEGORY_ID, TORCH_CLEAN_ID, scanTorch } from './scanner';

export const torchCategory: CategoryDescriptor = {
  id: TORCH_CATEGORY_ID,
  label: 'torch hub',
  order: 45,
  icon: 'flame',
  cache: true,
  scan: scanTorch,
  async planFor(ids, model, ctx) {
    if (ids.length === 1 && ids[0] === TORCH_CLEAN_ID) {
      const c = categoryOf(model, TORCH_CATEGORY_ID);
      const root = String(c.fields!.hubDir);
      const paths = c.items.filter((i) => i.reclaimable && i.path).map((i) => ({ path: i.path!, root, label: i.label, itemId: i.id }));
      return buildPlan({ title: 'Delete the torch hub downloads', scannedAt: model.scannedAt, paths, signal: ctx.signal });
    }
    return planScannedItems(model, TORCH_CATEGORY_ID, ids, ctx.signal);
  },
  purgeIds: { [TORCH_CLEAN_ID]: 'torch hub: delete every downloaded repo and checkpoint' },
  kinds: {
    'torch-repo': { label: 'torch hub repo', icon: 'repo' },
    'torch-checkpoint': { label: 'Downloaded checkpoint', icon: 'file-binary' },
    'torch-partial': { label: 'Interrupted download', icon: 'cloud-download' },
    'torch-other': { label: 'torch hub (other)' },
  },
};
