// ML Disk Space: Clean conda Tarballs… — `conda clean --tarballs`: the downloaded package archives
// (.tar.bz2, .conda, partial downloads) of every package cache, or of the selected one.
import { CONDA_CATEGORY_ID, CONDA_CLEAN_TARBALLS_ID, condaTarballsItemId } from '../../core/categories/conda/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import { selectedCondaPkgsDirs } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const condaCleanTarballsCommand: CommandSpec = {
  id: 'mlDiskSpace.conda.cleanTarballs',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const dirs = selectedCondaPkgsDirs(s, clicked, selection, 'conda-tarballs');
    const model = await lastScanWith(s, CONDA_CATEGORY_ID, t('no conda package cache'));
    if (!model) return undefined;
    return runCacheIds(s, t('Clean conda tarballs'), model, dirs.length ? dirs.map(condaTarballsItemId) : [CONDA_CLEAN_TARBALLS_ID]);
  },
};

