// The pip category: pip's cache (http-v2/, http/, wheels/, selfcheck/), as `pip cache` sees it.
import * as path from 'path';
import type { CategoryDescriptor } from '../descriptor';
import { buildPlan } from '../../plan/builder';
import { categoryOf, planScannedItems } from '../../plan/fromModel';
import type { Item } from '../../model';
import { PIP_CATEGORY_ID, PIP_PURGE_ID, PIP_PURGED_FOLDERS, scanPip } from './scanner';
import { t } from '../../l10n';

export const pipCategory: CategoryDescriptor = {
  id: PIP_CATEGORY_ID,
  label: 'pip',
  order: 30,
  icon: 'package',
  cache: true,
  scan: scanPip,
  async planFor(ids, model, ctx) {
    if (ids.length === 1 && ids[0] === PIP_PURGE_ID) {
      // What `pip cache purge` removes: the http caches and the wheels, not selfcheck/.
      const c = categoryOf(model, PIP_CATEGORY_ID);
      const root = String(c.fields!.cacheDir);
      const paths = PIP_PURGED_FOLDERS
        .map((name) => c.items.find((i) => i.kind === 'pip-cache-folder' && i.path === path.join(root, name)))
        .filter((i): i is Item => !!i)
        .map((i) => ({ path: i.path!, root, label: t('pip cache {0}/', path.basename(i.path!)), itemId: i.id }));
      return buildPlan({ title: t('Purge the pip cache'), scannedAt: model.scannedAt, paths, signal: ctx.signal });
    }
    return planScannedItems(model, PIP_CATEGORY_ID, ids, ctx.signal);
  },
  purgeIds: { get [PIP_PURGE_ID]() { return t('pip: empty the cache (pip cache purge)'); } },
  kinds: { 'pip-cache-folder': { get label() { return t('pip cache folder'); }, icon: 'folder' } },
};
