// ML Disk Space: Clean Unused conda Packages… — `conda clean --packages`: extracted packages no env
// links to (no file with a link count > 1), re-checked when the plan is made, of every package
// cache or of the selected one.
import { CONDA_CATEGORY_ID, CONDA_CLEAN_PACKAGES_ID, condaUnusedItemId } from '../../core/categories/conda/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import { selectedCondaPkgsDirs } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const condaCleanPackagesCommand: CommandSpec = {
  id: 'mlDiskSpace.conda.cleanPackages',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const dirs = selectedCondaPkgsDirs(s, clicked, selection, 'conda-unused-packages');
    const model = await lastScanWith(s, CONDA_CATEGORY_ID, t('no conda package cache'));
    if (!model) return undefined;
    return runCacheIds(s, t('Clean unused conda packages'), model, dirs.length ? dirs.map(condaUnusedItemId) : [CONDA_CLEAN_PACKAGES_ID]);
  },
};
