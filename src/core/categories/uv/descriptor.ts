// The uv category: uv's cache (wheels, sources, archives, interpreters' environments).
import type { CategoryDescriptor } from '../descriptor';
import { buildPlan } from '../../plan/builder';
import { categoryOf, folderEntries, planScannedItems } from '../../plan/fromModel';
import { UV_CATEGORY_ID, UV_CLEAN_ID, scanUv } from './scanner';
import { t } from '../../l10n';

export const uvCategory: CategoryDescriptor = {
  id: UV_CATEGORY_ID,
  label: 'uv',
  // Before the venvs that hard-link from it, so they show those bytes as shared.
  order: 20,
  icon: 'zap',
  cache: true,
  scan: scanUv,
  async planFor(ids, model, ctx) {
    if (ids.length === 1 && ids[0] === UV_CLEAN_ID) {
      // `uv cache clean`: every entry of the cache folder, the folder itself stays.
      const root = String(categoryOf(model, UV_CATEGORY_ID).fields!.cacheDir);
      return buildPlan({ title: t('Clean the uv cache'), scannedAt: model.scannedAt, paths: await folderEntries(root, root), signal: ctx.signal });
    }
    return planScannedItems(model, UV_CATEGORY_ID, ids, ctx.signal);
  },
  purgeIds: { get [UV_CLEAN_ID]() { return t('uv: empty the cache (uv cache clean)'); } },
  kinds: {
    'uv-cache-bucket': { get label() { return t('uv cache bucket'); }, icon: 'folder' },
    'uv-cache-file': { get label() { return t('uv cache file'); }, icon: 'file' },
  },
};
