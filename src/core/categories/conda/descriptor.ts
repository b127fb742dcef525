// The conda category: environments of every install, and package caches (tarballs, unused and
// in-use extracted packages) with `conda clean`'s rules.
import type { CategoryDescriptor } from '../descriptor';
import { PlanRefusedError } from '../../plan/builder';
import { itemOf } from '../../plan/fromModel';
import { mergePlans } from '../../plan/merge';
import type { PlanContext } from '../../plan/context';
import type { DeletionPlan } from '../../plan/types';
import type { ScanModel } from '../../model';
import { planCondaCleanPackages, planCondaCleanTarballs, planCondaPkgsEntries, planCondaRemoveEnvs } from './plans';
import { CONDA_CATEGORY_ID, CONDA_CLEAN_PACKAGES_ID, CONDA_CLEAN_TARBALLS_ID, scanConda } from './scanner';
import { t as tr } from '../../l10n';

export const CONDA_CLEAN_ID = `${CONDA_CATEGORY_ID}:clean`;

async function condaClean(model: ScanModel, pkgsDir: string | undefined, signal?: AbortSignal): Promise<DeletionPlan> {
  const [t, p] = [await planCondaCleanTarballs(model, pkgsDir, signal), await planCondaCleanPackages(model, pkgsDir, signal)];
  return mergePlans(tr('Clean the conda package cache (tarballs and unused packages)'), [t, p]);
}

/** conda:tarballs, conda:unused-packages, conda:clean — for every install, or one package cache (`<id>:<pkgs dir>`). */
const PURGES: [string, (model: ScanModel, pkgsDir: string | undefined, signal?: AbortSignal) => Promise<DeletionPlan>][] = [
  [CONDA_CLEAN_TARBALLS_ID, planCondaCleanTarballs],
  [CONDA_CLEAN_PACKAGES_ID, planCondaCleanPackages],
  [CONDA_CLEAN_ID, condaClean],
];

async function planConda(ids: string[], model: ScanModel, ctx: PlanContext): Promise<DeletionPlan> {
  const signal = ctx.signal;
  if (ids.length === 1) {
    for (const [purgeId, plan] of PURGES) {
      if (ids[0] === purgeId) return plan(model, undefined, signal);
      const rest = ids[0].startsWith(`${purgeId}:`) ? ids[0].slice(purgeId.length + 1) : '';
      if (rest.startsWith('/')) return plan(model, rest, signal);
    }
  }
  const envs: string[] = [];
  const entries: string[] = [];
  const plans: DeletionPlan[] = [];
  for (const id of ids) {
    const { item, parents } = itemOf(model, id, CONDA_CATEGORY_ID);
    const pkgsDir = parents[parents.length - 1]?.path;
    switch (item.kind) {
      case 'conda-env': envs.push(id); break;
      case 'conda-tarballs': plans.push(await planCondaCleanTarballs(model, pkgsDir, signal)); break;
      case 'conda-unused-packages': plans.push(await planCondaCleanPackages(model, pkgsDir, signal)); break;
      case 'conda-pkgs': plans.push(await condaClean(model, item.path, signal)); break;
      case 'conda-tarball': case 'conda-package': entries.push(id); break;
      default: throw new PlanRefusedError(tr('{0} cannot be deleted from here', item.label));
    }
  }
  if (envs.length) plans.unshift(await planCondaRemoveEnvs(model, envs, ctx, signal));
  if (entries.length) plans.splice(envs.length ? 1 : 0, 0, await planCondaPkgsEntries(model, entries, signal));
  return mergePlans(tr('Delete {0} items', ids.length), plans);
}

export const condaCategory: CategoryDescriptor = {
  id: CONDA_CATEGORY_ID,
  label: 'conda',
  // First: its package caches own the hard-linked originals that environments share.
  order: 10,
  icon: 'package',
  cache: true,
  scan: scanConda,
  planFor: planConda,
  purgeIds: {
    get [CONDA_CLEAN_TARBALLS_ID]() { return tr('conda: delete package tarballs (conda clean --tarballs)'); },
    get [CONDA_CLEAN_PACKAGES_ID]() { return tr('conda: delete extracted packages no env uses (conda clean --packages)'); },
    get [CONDA_CLEAN_ID]() { return tr('conda: both of the above (conda clean -t -p)'); },
  },
  kinds: {
    'conda-env': { get label() { return tr('conda environment'); }, icon: 'symbol-namespace' },
    'conda-pkgs': { get label() { return tr('conda package cache'); }, icon: 'package' },
    'conda-pkgs-other': { get label() { return tr('conda package cache (other)'); } },
    'conda-tarballs': { get label() { return tr('Package tarballs'); }, icon: 'archive' },
    'conda-tarball': { get label() { return tr('Package tarball'); }, icon: 'archive' },
    'conda-unused-packages': { get label() { return tr('Packages no environment uses'); }, icon: 'trash' },
    'conda-in-use-packages': { get label() { return tr('Packages environments use'); }, icon: 'link' },
    'conda-package': { get label() { return tr('Extracted package'); }, icon: 'package' },
  },
};
