// The "conda" category: environments (conda, mamba, micromamba) and package caches.
//
// Numbers: every pkgs/ folder is walked first with the shared walker, then every env. conda envs
// hard-link their files from pkgs/, so those files are counted once, in the package cache, and
// an env's `bytes` is what it does not share with pkgs/ (its `sharedBytes`: "shared with conda
// package cache"). Removing an env frees about its `bytes`; the plan measures it exactly.
// The package cache is split like `conda clean`: tarballs, unused packages (no file with a link
// count > 1), in-use packages; `reclaimableBytes` is what `conda clean -t -p` would free.

import * as path from 'path';
import { ALL_CHILDREN, reportWalkErrors } from '../../scan/walkHelpers';
import { discoverConda, pythonVersionOf, softlinkedPackages, type CondaEnv } from './discover';
import { splitPkgs } from './pkgs';
import { formatAge, formatBytes, formatCount } from '../../format';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { t } from '../../l10n';

export const CONDA_CATEGORY_ID = 'conda';
export const CONDA_SHARED_WITH = 'conda package cache';

export const condaEnvItemId = (prefix: string) => `${CONDA_CATEGORY_ID}:env:${prefix}`;
export const condaPkgsItemId = (dir: string) => `${CONDA_CATEGORY_ID}:pkgs:${dir}`;
export const condaTarballsItemId = (dir: string) => `${CONDA_CATEGORY_ID}:tarballs:${dir}`;
export const condaUnusedItemId = (dir: string) => `${CONDA_CATEGORY_ID}:unused-packages:${dir}`;
export const condaInUseItemId = (dir: string) => `${CONDA_CATEGORY_ID}:in-use-packages:${dir}`;
/** Plan ids over every package cache: `conda clean -t` and `conda clean -p`. */
export const CONDA_CLEAN_TARBALLS_ID = `${CONDA_CATEGORY_ID}:tarballs`;
export const CONDA_CLEAN_PACKAGES_ID = `${CONDA_CATEGORY_ID}:unused-packages`;

function sum(nodes: WalkNode[]): { bytes: number; apparentBytes: number } {
  return { bytes: nodes.reduce((s, n) => s + n.bytes, 0), apparentBytes: nodes.reduce((s, n) => s + n.apparentBytes, 0) };
}

function leafItems(nodes: WalkNode[], kind: string, reclaimable: boolean, badge?: string): Item[] {
  return sortBySizeDesc(nodes.map((n) => {
    const item: Item = {
      id: `${CONDA_CATEGORY_ID}:${kind}:${n.path}`,
      label: n.name,
      kind,
      path: n.path,
      bytes: n.bytes,
      apparentBytes: n.apparentBytes,
      reclaimable,
      modifiedMs: n.mtimeMs || undefined,
      fields: { files: n.files, hardLinkedFiles: n.hardLinkedFiles, dev: n.dev, ino: n.ino },
    };
    if (n.sharedBytes) item.sharedBytes = n.sharedBytes;
    if (badge) item.badges = [badge];
    return item;
  }));
}

function group(id: string, label: string, kind: string, nodes: WalkNode[], reclaimable: boolean, children: Item[], note: string): Item {
  const t = sum(nodes);
  return {
    id, label, kind,
    bytes: t.bytes,
    apparentBytes: t.apparentBytes,
    reclaimable: reclaimable && nodes.length > 0,
    description: `${formatCount(nodes.length, kind === 'conda-tarballs' ? 'tarball' : 'package')} · ${note}`,
    fields: { count: nodes.length },
    children,
  };
}

function pkgsItem(node: WalkNode, softlinked: Map<string, string[]>): { item: Item; reclaimable: number } {
  const split = splitPkgs(node);
  // conda's rule misses packages an env uses through softlinks (conda-meta link type 2): in use.
  const soft = split.unused.filter((n) => softlinked.has(n.path));
  split.unused = split.unused.filter((n) => !softlinked.has(n.path));
  split.inUse.push(...soft);
  const dir = node.path;
  const tarballs = group(condaTarballsItemId(dir), t('Tarballs'), 'conda-tarballs', split.tarballs, true,
    leafItems(split.tarballs, 'conda-tarball', true), t('downloaded archives (.tar.bz2, .conda); conda clean -t'));
  const unused = group(condaUnusedItemId(dir), t('Unused packages'), 'conda-unused-packages', split.unused, true,
    leafItems(split.unused, 'conda-package', true, 'unused'), t('no env links to them; conda clean -p'));
  const inUseItems = leafItems(split.inUse, 'conda-package', false, 'in use');
  for (const it of inUseItems) {
    const envs = softlinked.get(it.path!);
    if (!envs || it.fields?.hardLinkedFiles) continue;
    it.badges = ['in use', 'softlinked'];
    it.description = t('softlinked into {0}: removing it would break {1}', envs.map((e) => path.basename(e)).join(', '), envs.length === 1 ? t('that env') : t('those envs'));
    it.fields = { ...it.fields, softlinkedBy: envs };
  }
  const inUse = group(condaInUseItemId(dir), t('In-use packages'), 'conda-in-use-packages', split.inUse, false,
    inUseItems, t('linked into envs (hard links or softlinks): their space is counted here, not in the envs'));
  const otherNodes = split.other;
  const other: Item = {
    id: `${CONDA_CATEGORY_ID}:pkgs-other:${dir}`,
    label: t('Other (index cache, urls, the folder itself)'),
    kind: 'conda-pkgs-other',
    bytes: sum(otherNodes).bytes + split.folderBytes,
    apparentBytes: sum(otherNodes).apparentBytes + split.folderApparentBytes,
    reclaimable: false,
    children: otherNodes.map((n) => nodeToItem(n, CONDA_CATEGORY_ID, false)),
  };
  const reclaimable = tarballs.bytes + unused.bytes;
  const item: Item = {
    id: condaPkgsItemId(dir),
    label: t('Package cache {0}', dir),
    kind: 'conda-pkgs',
    path: dir,
    bytes: node.bytes,
    apparentBytes: node.apparentBytes,
    reclaimable: reclaimable > 0,
    modifiedMs: node.mtimeMs || undefined,
    description: t('{0} reclaimable (tarballs + unused packages)', formatBytes(reclaimable)),
    fields: {
      pkgsDir: dir,
      tarballBytes: tarballs.bytes,
      tarballs: split.tarballs.length,
      unusedPackageBytes: unused.bytes,
      unusedPackages: split.unused.length,
      inUsePackageBytes: inUse.bytes,
      inUsePackages: split.inUse.length,
    },
    children: [tarballs, unused, inUse, other],
  };
  if (node.sharedBytes) item.sharedBytes = node.sharedBytes;
  return { item, reclaimable };
}

async function envItem(e: CondaEnv, node: WalkNode, now: number): Promise<Item> {
  const python = await pythonVersionOf(e.prefix);
  const badges: string[] = [];
  if (e.isBase) badges.push('base');
  if (e.isActive) badges.push('active');
  const protectedReason = e.isBase ? t('the base environment is never removed') : e.isActive ? t('the active environment (CONDA_PREFIX) is never removed') : undefined;
  const parts = [
    python ? `python ${python}` : '',
    node.sharedBytes ? t('+{0} shared with the package cache', formatBytes(node.sharedBytes)) : '',
    node.mtimeMs ? `changed ${formatAge(node.mtimeMs, now)}` : '',
  ].filter(Boolean);
  const item: Item = {
    id: condaEnvItemId(e.prefix),
    label: e.isBase ? t('base ({0})', e.prefix) : e.name,
    kind: 'conda-env',
    path: e.prefix,
    bytes: node.bytes,
    apparentBytes: node.apparentBytes,
    reclaimable: !protectedReason,
    modifiedMs: node.mtimeMs || undefined,
    accessedMs: node.atimeMs || undefined,
    description: parts.join(' · '),
    fields: {
      prefix: e.prefix,
      name: e.name,
      python: python ?? null,
      base: e.isBase,
      active: e.isActive,
      files: node.files,
      hardLinkedFiles: node.hardLinkedFiles,
      foundBy: e.foundBy,
      envsDir: path.dirname(e.prefix),
      ...(protectedReason ? { protected: protectedReason } : {}),
    },
  };
  if (badges.length) item.badges = badges;
  if (node.sharedBytes) {
    item.sharedBytes = node.sharedBytes;
    item.sharedWith = t(CONDA_SHARED_WITH);
  }
  return item;
}

export async function scanConda(ctx: ScanContext): Promise<{ category: Category; claimedPaths: string[] } | undefined> {
  ctx.progress(t('conda environments'));
  const install = await discoverConda(ctx.env, ctx.homeDir, ctx.platform);
  for (const p of install.problems) ctx.warn({ message: `${p.path}: ${p.message}`, path: p.path, category: CONDA_CATEGORY_ID });
  if (!install.envs.length && !install.pkgsDirs.length) return undefined;

  const items: Item[] = [];
  let reclaimable = 0;
  let bytes = 0;
  let apparentBytes = 0;
  const softlinked = await softlinkedPackages(install.envs.map((e) => e.prefix));
  if (install.pkgsDirs.length) {
    const result = await ctx.walker.walk(install.pkgsDirs, {
      signal: ctx.signal,
      topN: ALL_CHILDREN,
      detailDepth: 2,
      onProgress: (p) => ctx.progress(t('conda package cache'), p),
    });
    reportWalkErrors(ctx, result, CONDA_CATEGORY_ID);
    for (const node of result.roots) {
      const { item, reclaimable: r } = pkgsItem(node, softlinked);
      items.push(item);
      reclaimable += r;
      bytes += node.bytes;
      apparentBytes += node.apparentBytes;
    }
  }
  if (install.envs.length && !ctx.signal.aborted) {
    // An env never counts another env or a package cache lying inside it (base holds envs/ and pkgs/).
    const prefixes = install.envs.map((e) => e.prefix);
    const result = await ctx.walker.walk(prefixes, {
      signal: ctx.signal,
      topN: ctx.settings.topN,
      detailDepth: 0,
      excludePaths: [...prefixes, ...install.pkgsDirs],
      onProgress: (p) => ctx.progress(t('conda environments'), p),
    });
    reportWalkErrors(ctx, result, CONDA_CATEGORY_ID);
    for (let i = 0; i < install.envs.length; i++) {
      const node = result.roots[i];
      items.push(await envItem(install.envs[i], node, ctx.now));
      bytes += node.bytes;
      apparentBytes += node.apparentBytes;
    }
  }
  const category: Category = {
    id: CONDA_CATEGORY_ID,
    label: 'conda',
    bytes,
    apparentBytes,
    reclaimableBytes: reclaimable,
    items: sortBySizeDesc(items),
    fields: {
      roots: install.roots,
      pkgsDirs: install.pkgsDirs,
      activePrefix: install.activePrefix ?? null,
      envs: install.envs.length,
      reclaimableMeans: t('what conda clean -t -p frees: tarballs and unused packages'),
    },
  };
  return { category, claimedPaths: [...install.roots, ...install.envs.map((e) => e.prefix), ...install.pkgsDirs] };
}
