// Deletion plans for conda: remove envs (never base, never the active one), clean tarballs and
// clean unused packages (the selection `conda clean -t -p` makes, re-checked when the plan is made:
// a package an env has linked since the scan is in use and stays).

import * as path from 'path';
import { existingDir } from '../../scan/walkHelpers';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../../plan/builder';
import { formatCount } from '../../format';
import { findItem, type Item, type ScanModel } from '../../model';
import type { DeletionPlan } from '../../plan/types';
import type { PlanContext } from '../../plan/context';
import { CONDA_CATEGORY_ID } from './scanner';
import { isCondaPrefix, looksLikeInstallRoot, softlinkedPackages } from './discover';
import { t } from '../../l10n';

function condaCategory(model: ScanModel) {
  const category = model.categories.find((c) => c.id === CONDA_CATEGORY_ID);
  if (!category) throw new PlanRefusedError(t('the last scan found no conda installation'));
  return category;
}

/**
 * Removes env folders. Refused for base (an install root: it holds envs/, pkgs/ or condabin/, now
 * or at scan time) and for the active env (CONDA_PREFIX now or at scan time); such envs are listed
 * in `keep`. The env's line in ~/.conda/environments.txt stays; conda skips prefixes that no longer exist.
 */
export async function planCondaRemoveEnvs(model: ScanModel, envItemIds: string[], ctx: PlanContext, signal?: AbortSignal): Promise<DeletionPlan> {
  const activeNow = ctx.env.CONDA_PREFIX ? await existingDir(ctx.env.CONDA_PREFIX) : undefined;
  const roots = (condaCategory(model).fields?.roots as string[] | undefined) ?? [];
  const paths: PlannedPath[] = [];
  const keep: { path: string; reason: string }[] = [];
  const names: string[] = [];
  for (const id of envItemIds) {
    const found = findItem(model, id);
    if (!found || found.category.id !== CONDA_CATEGORY_ID || found.item.kind !== 'conda-env' || !found.item.path) {
      throw new PlanRefusedError(t('not a conda environment of the last scan: {0}', id));
    }
    const item = found.item;
    const prefix = item.path!;
    const reason = await refusal(item, prefix, roots, activeNow);
    if (reason) {
      keep.push({ path: prefix, reason });
      continue;
    }
    names.push(item.label);
    paths.push({ path: prefix, root: path.dirname(prefix), label: t('conda env {0}', item.label), itemId: item.id });
  }
  if (!paths.length) throw new PlanRefusedError(keep.map((k) => `${k.path}: ${k.reason}`).join('; '));
  return buildPlan({
    title: names.length === 1 ? t('Remove conda environment {0}', names[0]) : t('Remove {0}', formatCount(names.length, 'conda environment')),
    scannedAt: model.scannedAt,
    paths,
    keep,
    signal,
  });
}

async function refusal(item: Item, prefix: string, roots: string[], activeNow: string | undefined): Promise<string | undefined> {
  if (item.fields?.base === true || roots.includes(prefix)) return t('the base environment is never removed');
  if (item.fields?.active === true || prefix === activeNow) return t('the active environment (CONDA_PREFIX) is never removed');
  if (await looksLikeInstallRoot(prefix)) return t('it holds envs/, pkgs/ or condabin/: an install root, never removed');
  if (!(await isCondaPrefix(prefix))) return t('it no longer holds conda-meta/: not a conda environment now');
  return undefined;
}

/**
 * The install a package cache belongs to: `<root>/pkgs` -> the root; any other package cache
 * (~/.conda/pkgs, CONDA_PKGS_DIRS) stands for itself. `conda clean` only touches the package
 * caches of the install it runs from, so plans are made per install.
 */
export function installOfPkgsDir(model: ScanModel, pkgsDir: string): string {
  const roots = (condaCategory(model).fields?.roots as string[] | undefined) ?? [];
  const parent = path.dirname(pkgsDir);
  return path.basename(pkgsDir) === 'pkgs' && roots.includes(parent) ? parent : pkgsDir;
}

function installLabel(model: ScanModel, pkgsDir: string, label: string): string {
  return t('{0} (install {1})', label, installOfPkgsDir(model, pkgsDir));
}

function installsNote(model: ScanModel, pkgsDir?: string): string {
  const installs = new Set(pkgsItems(model, pkgsDir).map((p) => installOfPkgsDir(model, p.path!)));
  return installs.size === 1 ? ` in ${[...installs][0]}` : '';
}

function pkgsItems(model: ScanModel, pkgsDir?: string): Item[] {
  const items = condaCategory(model).items.filter((i) => i.kind === 'conda-pkgs' && (!pkgsDir || i.path === pkgsDir));
  if (pkgsDir && !items.length) throw new PlanRefusedError(t('not a package cache of the last scan: {0}', pkgsDir));
  if (!pkgsDir) {
    const installs = [...new Set(items.map((i) => installOfPkgsDir(model, i.path!)))];
    if (installs.length > 1) {
      throw new PlanRefusedError(t('the scan found package caches of {0} conda installs ({1}); conda clean works on one install at a time: add the package cache to the id, e.g. conda:tarballs:{2}', installs.length, installs.join(', '), items[0].path));
    }
  }
  return items;
}

function groupOf(pkgs: Item, kind: string): Item[] {
  return pkgs.children?.find((c) => c.kind === kind)?.children ?? [];
}

/** `conda clean --tarballs` over every package cache of the scan (or one). */
export async function planCondaCleanTarballs(model: ScanModel, pkgsDir?: string, signal?: AbortSignal): Promise<DeletionPlan> {
  const paths: PlannedPath[] = [];
  for (const pkgs of pkgsItems(model, pkgsDir)) {
    for (const t of groupOf(pkgs, 'conda-tarballs')) paths.push({ path: t.path!, root: pkgs.path!, label: installLabel(model, pkgs.path!, t.label), itemId: t.id });
  }
  return buildPlan({
    title: t('Clean conda tarballs: {0}{1}', formatCount(paths.length, 'archive'), installsNote(model, pkgsDir)),
    scannedAt: model.scannedAt,
    paths,
    signal,
  });
}

/** Packages envs of the scan use through softlinks now (re-read: an env may have been created since). */
async function softlinkedNow(model: ScanModel): Promise<Map<string, string[]>> {
  const envs = condaCategory(model).items.filter((i) => i.kind === 'conda-env' && i.path).map((i) => i.path!);
  return softlinkedPackages(envs);
}

function withoutSoftlinked(paths: PlannedPath[], soft: Map<string, string[]>, keep: { path: string; reason: string }[]): PlannedPath[] {
  return paths.filter((p) => {
    const envs = soft.get(p.path);
    if (envs) keep.push({ path: p.path, reason: t('softlinked into {0}: removing it would break that env', envs.join(', ')) });
    return !envs;
  });
}

/** `conda clean --packages`: extracted packages no env links to (hard links or softlinks), re-checked now. */
export async function planCondaCleanPackages(model: ScanModel, pkgsDir?: string, signal?: AbortSignal): Promise<DeletionPlan> {
  const wanted: PlannedPath[] = [];
  for (const pkgs of pkgsItems(model, pkgsDir)) {
    for (const p of groupOf(pkgs, 'conda-unused-packages')) wanted.push({ path: p.path!, root: pkgs.path!, label: installLabel(model, pkgs.path!, p.label), itemId: p.id });
  }
  const keep: { path: string; reason: string }[] = [];
  const paths = withoutSoftlinked(wanted, await softlinkedNow(model), keep);
  return buildPlan({
    title: t('Clean unused conda packages: {0}{1}', formatCount(paths.length, 'package'), installsNote(model, pkgsDir)),
    scannedAt: model.scannedAt,
    paths,
    keep,
    skipIfLinkedOutside: t('in use now: an environment hard-links its files'),
    signal,
  });
}

/** Single tarballs or unused packages picked in the tree. */
export async function planCondaPkgsEntries(model: ScanModel, ids: string[], signal?: AbortSignal): Promise<DeletionPlan> {
  const paths: PlannedPath[] = [];
  for (const id of ids) {
    const found = findItem(model, id);
    const pkgs = found?.parents.find((p) => p.kind === 'conda-pkgs');
    if (!found || !pkgs?.path || !found.item.path || !found.item.reclaimable) throw new PlanRefusedError(t('not a removable tarball or unused package of the last scan: {0}', id));
    paths.push({ path: found.item.path, root: pkgs.path, label: found.item.label, itemId: id });
  }
  const keep: { path: string; reason: string }[] = [];
  const kept = withoutSoftlinked(paths, await softlinkedNow(model), keep);
  return buildPlan({
    title: kept.length === 1 ? t('Delete {0} conda package cache entry', kept.length) : t('Delete {0} conda package cache entries', kept.length),
    scannedAt: model.scannedAt,
    paths: kept,
    keep,
    skipIfLinkedOutside: t('in use now: an environment hard-links its files'),
    signal,
  });
}

/**
 * Paths the executor must never delete (nor anything holding them), for its `protectedPaths`:
 * every install root and base env of the scan, the env active at scan time and CONDA_PREFIX now.
 */
export function condaProtectedPaths(model: ScanModel, env: Record<string, string | undefined>): string[] {
  const category = model.categories.find((c) => c.id === CONDA_CATEGORY_ID);
  const out = new Set<string>();
  for (const r of (category?.fields?.roots as string[] | undefined) ?? []) out.add(r);
  for (const item of category?.items ?? []) {
    if (item.kind === 'conda-env' && item.path && (item.fields?.base === true || item.fields?.active === true)) out.add(item.path);
  }
  if (env.CONDA_PREFIX) out.add(path.resolve(env.CONDA_PREFIX));
  return [...out];
}
