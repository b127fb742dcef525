// ML Disk Space: Remove conda Environments… — the selected envs, or a quick pick from the
// palette. Never base nor the active env (CONDA_PREFIX): the plan refuses them and says so.
// Files an env hard-links from pkgs/ stay (the package cache holds them); the plan counts only
// what is freed.
import { planCondaRemoveEnvs } from '../../core/categories/conda/plans';
import { CONDA_CATEGORY_ID } from '../../core/categories/conda/scanner';
import { lastScanWith } from '../caches/lastScan';
import { planContextOf, runCachePlan } from '../caches/runCachePlan';
import { pickCacheItems, selectedCacheItems } from '../caches/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

const KIND = 'conda-env';

export const condaRemoveEnvsCommand: CommandSpec = {
  id: 'mlDiskSpace.conda.removeEnvs',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const selected = selectedCacheItems(s, clicked, selection, (item, c) => c.id === CONDA_CATEGORY_ID && item.kind === KIND).items.map((i) => i.id);
    const model = await lastScanWith(s, CONDA_CATEGORY_ID, t('no conda installation'));
    if (!model) return undefined;
    const ids = selected.length ? selected : await pickCacheItems(s, model, CONDA_CATEGORY_ID, (item) => item.kind === KIND && item.reclaimable === true, {
      title: t('Remove conda Environments'),
      placeHolder: t('Environments to remove (base and the active environment are never removed)'),
      none: t('the last scan found no environment that may be removed (base and the active environment never are).'),
    });
    if (!ids) return undefined;
    return runCachePlan(s, t('Remove conda environments'), (signal) => planCondaRemoveEnvs(model, ids, planContextOf(s), signal));
  },
};
