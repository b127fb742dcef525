// Plans for the cache categories (Hugging Face, conda, pip, uv, torch hub) by id: the CLI's
// `ml-disk-space purge <id>` and the editor's delete commands ask here. An id is either a purge id
// (huggingface:prune, conda:tarballs, conda:unused-packages, conda:clean, pip:purge, uv:clean,
// torch:clean) or the id of an item of the last scan (a repo, a revision, an env, a folder...).
// Several item ids make one plan (multi-select in the tree).

import * as fs from 'fs';
import * as path from 'path';
import { planCondaCleanPackages, planCondaCleanTarballs, planCondaPkgsEntries, planCondaRemoveEnvs } from './conda/plans';
import { planHfDeleteRepos, planHfDeleteRevisions, planHfLooseBlobs, planHfPrune, planHfStoreOrphans } from './huggingface/plans';
import { isHfFriendlyId, resolveHfFriendlyId } from './huggingface/friendlyIds';
import { findItem, type Item, type ScanModel } from '../model';
import { planBytes, type DeletionPlan } from '../plan/types';
import type { PlanContext, PlanProvider } from './plans';
import { CONDA_CATEGORY_ID, CONDA_CLEAN_PACKAGES_ID, CONDA_CLEAN_TARBALLS_ID } from './conda/scanner';
import { HF_CATEGORY_ID, HF_PRUNE_ID } from './huggingface/scanner';
import { PIP_CATEGORY_ID, PIP_PURGE_ID, PIP_PURGED_FOLDERS } from './pip/scanner';
import { TORCH_CATEGORY_ID, TORCH_CLEAN_ID } from './torch/scanner';
import { UV_CATEGORY_ID, UV_CLEAN_ID } from './uv/scanner';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../plan/builder';

export const CONDA_CLEAN_ID = `${CONDA_CATEGORY_ID}:clean`;

/** Purge ids, with what each does (for `ml-disk-space purge --help` and command titles). */
export const CACHE_PURGE_IDS: Record<string, string> = {
  [HF_PRUNE_ID]: 'Hugging Face: delete detached revisions, interrupted downloads and unreferenced blobs (hf cache prune)',
  [CONDA_CLEAN_TARBALLS_ID]: 'conda: delete package tarballs (conda clean --tarballs)',
  [CONDA_CLEAN_PACKAGES_ID]: 'conda: delete extracted packages no env uses (conda clean --packages)',
  [CONDA_CLEAN_ID]: 'conda: both of the above (conda clean -t -p)',
  [PIP_PURGE_ID]: 'pip: empty the cache (pip cache purge)',
  [UV_CLEAN_ID]: 'uv: empty the cache (uv cache clean)',
  [TORCH_CLEAN_ID]: 'torch hub: delete every downloaded repo and checkpoint',
};

const MY_CATEGORIES = new Set([HF_CATEGORY_ID, CONDA_CATEGORY_ID, PIP_CATEGORY_ID, UV_CATEGORY_ID, TORCH_CATEGORY_ID]);

export function isCacheId(id: string): boolean {
  const colon = id.indexOf(':');
  return colon > 0 && MY_CATEGORIES.has(id.slice(0, colon));
}

function category(model: ScanModel, id: string) {
  const c = model.categories.find((x) => x.id === id);
  if (!c) throw new PlanRefusedError(`the last scan has no ${id} category`);
  return c;
}

/** The cache root recorded by the scan for an item (its own fields or its nearest ancestor's). */
function cacheRootOf(item: Item, parents: Item[]): string {
  for (const it of [item, ...[...parents].reverse()]) {
    const root = it.fields?.cacheRoot;
    if (typeof root === 'string') return root;
  }
  throw new PlanRefusedError(`the scan did not record which cache ${item.path ?? item.id} belongs to`);
}

/** The entries of a folder now, as paths to delete (the folder itself stays). */
async function folderEntries(dir: string, root: string, except: string[] = []): Promise<PlannedPath[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    throw new PlanRefusedError(`cannot list ${dir}: ${(err as NodeJS.ErrnoException).code}`);
  }
  return names.filter((n) => !except.includes(n)).sort().map((n) => ({ path: path.join(dir, n), root, label: path.relative(root, path.join(dir, n)) || n }));
}

async function pipPurge(model: ScanModel, signal?: AbortSignal): Promise<DeletionPlan> {
  const c = category(model, PIP_CATEGORY_ID);
  const root = String(c.fields!.cacheDir);
  const paths = PIP_PURGED_FOLDERS
    .map((name) => c.items.find((i) => i.kind === 'pip-cache-folder' && i.path === path.join(root, name)))
    .filter((i): i is Item => !!i)
    .map((i) => ({ path: i.path!, root, label: `pip cache ${path.basename(i.path!)}/`, itemId: i.id }));
  return buildPlan({ title: 'Purge the pip cache', scannedAt: model.scannedAt, paths, signal });
}

async function uvClean(model: ScanModel, signal?: AbortSignal): Promise<DeletionPlan> {
  const c = category(model, UV_CATEGORY_ID);
  const root = String(c.fields!.cacheDir);
  return buildPlan({ title: 'Clean the uv cache', scannedAt: model.scannedAt, paths: await folderEntries(root, root), signal });
}

async function torchClean(model: ScanModel, signal?: AbortSignal): Promise<DeletionPlan> {
  const c = category(model, TORCH_CATEGORY_ID);
  const root = String(c.fields!.hubDir);
  const paths = c.items.filter((i) => i.reclaimable && i.path).map((i) => ({ path: i.path!, root, label: i.label, itemId: i.id }));
  return buildPlan({ title: 'Delete the torch hub downloads', scannedAt: model.scannedAt, paths, signal });
}

async function condaClean(model: ScanModel, pkgsDir: string | undefined, signal?: AbortSignal): Promise<DeletionPlan> {
  const [t, p] = [await planCondaCleanTarballs(model, pkgsDir, signal), await planCondaCleanPackages(model, pkgsDir, signal)];
  return mergePlans('Clean the conda package cache (tarballs and unused packages)', [t, p]);
}

/** Plans over distinct files (different caches) joined in order. */
export function mergePlans(title: string, plans: DeletionPlan[]): DeletionPlan {
  if (plans.length === 1) return plans[0];
  const targets = plans.flatMap((p) => p.targets);
  const keep = plans.flatMap((p) => p.keep ?? []);
  const warnings = plans.flatMap((p) => p.warnings ?? []);
  const merged: DeletionPlan = {
    title,
    scannedAt: Math.min(...plans.map((p) => p.scannedAt)),
    targets,
    bytes: planBytes(targets),
  };
  if (keep.length) merged.keep = keep;
  if (warnings.length) merged.warnings = [...new Set(warnings)];
  if (plans.some((p) => p.allowRootTargets)) merged.allowRootTargets = true;
  const edits = plans.flatMap((p) => p.hfManifestEdits ?? []);
  if (edits.length) merged.hfManifestEdits = edits;
  return merged;
}

type Handler = 'hf-repo' | 'hf-revision' | 'hf-loose' | 'hf-store-orphan' | 'conda-env' | 'conda-entry' | 'generic';

/**
 * One plan for the given ids (all from the cache categories). Purge ids cannot be mixed with item
 * ids. Returns undefined when an id is not a cache id. Throws PlanRefusedError for ids the last
 * scan does not have or that may not be deleted.
 */
export async function cachePlanForIds(ids: string[], model: ScanModel, ctx: PlanContext, signal?: AbortSignal): Promise<DeletionPlan | undefined> {
  if (!ids.length || !ids.every(isCacheId)) return undefined;
  // `huggingface:model/org/name@abc12345` and the like, as the CLI prints them.
  ids = ids.map((id) => {
    if (!isHfFriendlyId(id)) return id;
    try {
      return resolveHfFriendlyId(model, id);
    } catch (err) {
      throw new PlanRefusedError((err as Error).message);
    }
  });
  if (ids.length === 1) {
    const id = ids[0];
    if (id === HF_PRUNE_ID) return planHfPrune(model, ctx, undefined, signal);
    if (id.startsWith(`${HF_PRUNE_ID}:`)) return planHfPrune(model, ctx, [id.slice(HF_PRUNE_ID.length + 1)], signal);
    if (id === CONDA_CLEAN_TARBALLS_ID) return planCondaCleanTarballs(model, undefined, signal);
    if (id === CONDA_CLEAN_PACKAGES_ID) return planCondaCleanPackages(model, undefined, signal);
    if (id === CONDA_CLEAN_ID) return condaClean(model, undefined, signal);
    // One install's package cache: conda:tarballs:<pkgs dir>, conda:unused-packages:<pkgs dir>, conda:clean:<pkgs dir>.
    for (const [prefix, plan] of [
      [`${CONDA_CLEAN_TARBALLS_ID}:`, (d: string) => planCondaCleanTarballs(model, d, signal)],
      [`${CONDA_CLEAN_PACKAGES_ID}:`, (d: string) => planCondaCleanPackages(model, d, signal)],
      [`${CONDA_CLEAN_ID}:`, (d: string) => condaClean(model, d, signal)],
    ] as const) {
      if (id.startsWith(prefix) && id.slice(prefix.length).startsWith('/')) return plan(id.slice(prefix.length));
    }
    if (id === PIP_PURGE_ID) return pipPurge(model, signal);
    if (id === UV_CLEAN_ID) return uvClean(model, signal);
    if (id === TORCH_CLEAN_ID) return torchClean(model, signal);
  }
  const groups = new Map<Handler, string[]>();
  const generic: PlannedPath[] = [];
  const folderPlans: Promise<DeletionPlan>[] = [];
  for (const id of ids) {
    const found = findItem(model, id);
    if (!found || !MY_CATEGORIES.has(found.category.id)) throw new PlanRefusedError(`not in the last scan: ${id}`);
    const { item, parents } = found;
    let handler: Handler;
    switch (item.kind) {
      case 'hf-repo': handler = 'hf-repo'; break;
      case 'hf-revision': handler = 'hf-revision'; break;
      case 'hf-incomplete': case 'hf-unreferenced': case 'hf-incomplete-blob': case 'hf-unreferenced-blob': handler = 'hf-loose'; break;
      case 'hf-store-unreferenced': case 'hf-store-orphan': handler = 'hf-store-orphan'; break;
      case 'conda-env': handler = 'conda-env'; break;
      case 'conda-tarballs':
        folderPlans.push(planCondaCleanTarballs(model, parents[parents.length - 1]?.path, signal));
        continue;
      case 'conda-unused-packages':
        folderPlans.push(planCondaCleanPackages(model, parents[parents.length - 1]?.path, signal));
        continue;
      case 'conda-pkgs':
        folderPlans.push(condaClean(model, item.path, signal));
        continue;
      case 'conda-tarball': case 'conda-package': handler = 'conda-entry'; break;
      case 'hf-datasets-cache': case 'hf-xet-cache': {
        const root = cacheRootOf(item, parents);
        folderPlans.push(folderEntries(item.path!, root).then((paths) => buildPlan({ title: `Empty ${item.label}`, scannedAt: model.scannedAt, paths, signal })));
        continue;
      }
      case 'hf-datasets-downloads': {
        const root = cacheRootOf(item, parents);
        folderPlans.push(folderEntries(item.path!, root, ['extracted']).then((paths) => buildPlan({ title: 'Delete the datasets downloads (keeping downloads/extracted)', scannedAt: model.scannedAt, paths, signal })));
        continue;
      }
      default:
        handler = 'generic';
    }
    if (handler === 'generic') {
      if (!item.reclaimable || !item.path) throw new PlanRefusedError(`${item.label} cannot be deleted from here`);
      generic.push({ path: item.path, root: cacheRootOf(item, parents), label: item.label, itemId: item.id });
      continue;
    }
    groups.set(handler, [...(groups.get(handler) ?? []), id]);
  }
  const plans: DeletionPlan[] = [];
  for (const [handler, list] of groups) {
    if (handler === 'hf-repo') plans.push(await planHfDeleteRepos(model, list, signal));
    else if (handler === 'hf-revision') plans.push(await planHfDeleteRevisions(model, list, signal));
    else if (handler === 'hf-loose') plans.push(await planHfLooseBlobs(model, list, ctx, signal));
    else if (handler === 'hf-store-orphan') plans.push(await planHfStoreOrphans(model, list, ctx, signal));
    else if (handler === 'conda-env') plans.push(await planCondaRemoveEnvs(model, list, ctx, signal));
    else if (handler === 'conda-entry') plans.push(await planCondaPkgsEntries(model, list, signal));
  }
  for (const p of folderPlans) plans.push(await p);
  if (generic.length) {
    plans.push(await buildPlan({
      title: generic.length === 1 ? `Delete ${generic[0].label}` : `Delete ${generic.length} items`,
      scannedAt: model.scannedAt,
      paths: generic,
      signal,
    }));
  }
  return mergePlans(`Delete ${ids.length} items`, plans);
}

export const cachePlanProvider: PlanProvider = {
  planFor: (id, model, ctx) => cachePlanForIds([id], model, ctx),
};
