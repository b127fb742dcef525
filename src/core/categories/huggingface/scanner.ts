// The "Hugging Face" category: the hub cache (repos -> revisions -> files), the `datasets`
// library cache (downloads/ and downloads/extracted/ apart, then one item per dataset folder) and
// the xet cache (by folder).
//
// Numbers: the hub cache is walked once with the shared walker (disk usage, hard links counted
// once across categories); each repo's blobs come from that walk and its snapshots and refs are
// read by hf/parseRepo.ts. A repo item's bytes are its whole folder (blobs, snapshot symlinks,
// refs, .no_exist: what `du` sees). A revision item's bytes are the blobs it links to, each once,
// like huggingface_hub's revision size_on_disk: revisions share blobs, so revision items of one
// repo sum to more than the repo (fields.childrenOverlap says so); `exclusiveBytes` is what
// deleting that revision alone frees.

import * as fs from 'fs';
import * as path from 'path';
import { existingDir, ALL_CHILDREN, childNamed, reportWalkErrors } from '../../scan/walkHelpers';
import { createLimiter } from '../../limit';
import { formatAge, formatBytes, formatCount } from '../../format';
import { listRepos } from './listPool';
import { parseHfRepo } from './parseRepo';
import type { RepoListing } from './repoListing';
import { HF_CACHE_HOUSEKEEPING, parseRepoFolderName } from './names';
import { readSharedStore, type SharedStore } from './sharedStore';
import { repoStoreShare, storeItem, storeLinkRefs, storeUsage } from './storeItems';
import { storeDecision } from './storeStrategy';
import { deleteRevisionsStrategy, pruneStrategy, storeLinksRemoved, type HfDeletePaths } from './strategy';
import type { HfEntryStat, HfRepo, HfRevision } from './types';
import { cacheLocations } from '../../locations';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { t } from '../../l10n';

export const HF_CATEGORY_ID = 'huggingface';
export const HF_CATEGORY_LABEL = 'Hugging Face';

export const hfRepoItemId = (repoPath: string) => `${HF_CATEGORY_ID}:repo:${repoPath}`;
export const hfRevisionItemId = (repoPath: string, commit: string) => `${HF_CATEGORY_ID}:revision:${repoPath}@${commit}`;
export const hfIncompleteItemId = (repoPath: string) => `${HF_CATEGORY_ID}:incomplete:${repoPath}`;
export const hfUnreferencedItemId = (repoPath: string) => `${HF_CATEGORY_ID}:unreferenced:${repoPath}`;
export const hfDatasetsCacheItemId = (root: string) => `${HF_CATEGORY_ID}:datasets-cache:${root}`;
export const hfDatasetsDownloadsItemId = (downloads: string) => `${HF_CATEGORY_ID}:datasets-downloads:${downloads}`;
export const hfXetCacheItemId = (root: string) => `${HF_CATEGORY_ID}:xet-cache:${root}`;
/** Plan ids: prune everything / one repo. */
export const HF_PRUNE_ID = `${HF_CATEGORY_ID}:prune`;
export const hfRepoPruneId = (repoPath: string) => `${HF_CATEGORY_ID}:prune:${repoPath}`;

/** A blob changed this recently may be a download in progress: prune keeps it. */
export function recentDownloadMs(activeRunMinutes: number): number {
  return Math.max(1, activeRunMinutes) * 60_000;
}

/** Files listed under a revision item (the largest); the rest are counted in fields.omittedFiles. */
const MAX_FILES_PER_REVISION = 200;

function blobsFromNode(repoNode: WalkNode): Map<string, HfEntryStat> | undefined {
  const blobsNode = childNamed(repoNode, 'blobs');
  if (!blobsNode) return new Map();
  if (blobsNode.type !== 'dir') return new Map();
  if (blobsNode.omitted?.count || (blobsNode.files > 0 && !blobsNode.children)) return undefined;
  const map = new Map<string, HfEntryStat>();
  for (const c of blobsNode.children ?? []) {
    map.set(c.name, {
      name: c.name, path: c.path,
      type: c.type === 'other' ? 'other' : c.type,
      // The blob's own disk usage, even when its blocks were counted first elsewhere (a hard link).
      bytes: c.bytes + c.sharedBytes,
      apparentBytes: c.apparentBytes,
      dev: c.dev, ino: c.ino, mtimeMs: c.mtimeMs, atimeMs: c.atimeMs,
    });
  }
  return map;
}

/** The hub's shared blob store as the scan saw it (huggingface_hub 2.x). */
export interface StoreScan {
  store: SharedStore;
  /** Payload key -> repos linking to it. */
  usage: Map<string, Set<string>>;
  /** Payload key -> links into it. */
  refs: Map<string, string[]>;
}

/** Disk bytes the given deletion frees, estimated from the scan (the plan measures it exactly). */
function estimate(paths: HfDeletePaths, repo: HfRepo, repoNode: WalkNode, store?: StoreScan, prune = false): number {
  let bytes = 0;
  if (store) {
    // Payloads left with no link go too (a delete needs their manifest, as huggingface_hub; prune does not).
    const d = storeDecision({ store: store.store, references: store.refs, removedLinks: storeLinksRemoved(repo, paths), manifestReadable: prune ? undefined : (p) => !!p.manifest });
    for (const key of d.freed) {
      const p = store.store.payloads.get(key)!;
      bytes += p.bytes + (p.manifest?.bytes ?? 0) + (p.lock?.bytes ?? 0);
    }
  }
  if (paths.repos.length) return bytes + repoNode.bytes;
  const snapshots = childNamed(repoNode, 'snapshots');
  for (const p of paths.snapshots) bytes += childNamed(snapshots, path.basename(p))?.bytes ?? 0;
  for (const p of paths.refs) bytes += repo.refs.find((r) => r.path === p)?.bytes ?? 0;
  for (const p of paths.blobs) {
    const b = repo.blobs.get(path.basename(p));
    if (b) bytes += b.payload ? b.linkBytes ?? 0 : b.bytes;
  }
  return bytes;
}

function iso(ms: number): string | null {
  return ms > 0 ? new Date(ms).toISOString() : null;
}

function revisionLabel(rev: HfRevision): string {
  return `${rev.commit.slice(0, 8)} ${rev.refs.length ? `(${rev.refs.join(', ')})` : '(detached)'}`;
}

function revisionItem(repo: HfRepo, rev: HfRevision, exclusiveBytes: number, cacheRoot: string, now: number): Item {
  const files = [...rev.files].sort((a, b) => b.bytes - a.bytes || a.relPath.localeCompare(b.relPath));
  const shown = files.slice(0, MAX_FILES_PER_REVISION);
  const item: Item = {
    id: hfRevisionItemId(repo.path, rev.commit),
    label: revisionLabel(rev),
    kind: 'hf-revision',
    path: rev.path,
    bytes: rev.bytes,
    apparentBytes: rev.apparentBytes,
    reclaimable: true,
    modifiedMs: rev.lastModifiedMs || undefined,
    description: t('{0} · frees {1} alone · {2}', formatCount(rev.files.length, 'file'), formatBytes(exclusiveBytes), formatAge(rev.lastModifiedMs, now)),
    fields: {
      commit: rev.commit,
      refs: rev.refs,
      detached: rev.detached,
      exclusiveBytes,
      files: rev.files.length,
      repoPath: repo.path,
      cacheRoot,
      ...(files.length > shown.length ? { omittedFiles: files.length - shown.length } : {}),
    },
    children: shown.map((f) => ({
      id: `${HF_CATEGORY_ID}:file:${f.path}`,
      label: f.relPath,
      kind: 'hf-file',
      path: f.path,
      bytes: f.bytes,
      apparentBytes: f.apparentBytes,
      reclaimable: false,
      fields: { link: f.kind, ...(f.blob ? { blob: f.blob } : {}) },
    })),
  };
  if (rev.detached) item.badges = ['detached'];
  return item;
}

function blobGroupItem(id: string, label: string, kind: string, blobs: HfEntryStat[], note: string): Item {
  const bytes = blobs.reduce((s, b) => s + b.bytes, 0);
  return {
    id, label, kind,
    bytes,
    apparentBytes: blobs.reduce((s, b) => s + b.apparentBytes, 0),
    reclaimable: true,
    description: `${formatCount(blobs.length, 'file')} · ${note}`,
    children: sortBySizeDesc(blobs.map((b) => ({
      id: `${HF_CATEGORY_ID}:blob:${b.path}`,
      label: b.name,
      kind: `${kind}-blob`,
      path: b.path,
      bytes: b.bytes,
      apparentBytes: b.apparentBytes,
      modifiedMs: b.mtimeMs || undefined,
      reclaimable: true,
    }))),
  };
}

/** How users name a repo (`hf cache ls`): `model/org/name`. */
export function hfRepoDisplayName(repo: Pick<HfRepo, 'repoType' | 'repoId' | 'folderName'>): string {
  return repo.repoType && repo.repoId ? `${repo.repoType}/${repo.repoId}` : repo.folderName;
}

export function hfRepoItem(repo: HfRepo, repoNode: WalkNode, cacheRoot: string, now: number, recentMs: number, store?: StoreScan): { item: Item; pruneBytes: number } {
  const share = store ? repoStoreShare(repo, store.usage, store.store) : undefined;
  const base: Item = {
    id: hfRepoItemId(repo.path),
    label: repo.repoId ?? repo.folderName,
    kind: 'hf-repo',
    path: repo.path,
    // Payloads in the shared store that only this repo uses are this repo's bytes.
    bytes: repoNode.bytes + (share?.ownBytes ?? 0),
    apparentBytes: repoNode.apparentBytes + (share?.ownApparentBytes ?? 0),
    reclaimable: true,
    modifiedMs: repo.lastModifiedMs || undefined,
    accessedMs: repo.lastAccessedMs || undefined,
  };
  const shared = (repoNode.sharedBytes ?? 0) + (share?.sharedBytes ?? 0);
  if (shared) base.sharedBytes = shared;
  if (share?.sharedBytes) base.sharedWith = t('the shared blob store (also used by {0})', share.sharedWith.join(', '));
  const incompleteBytes = repo.incomplete.reduce((s, b) => s + b.bytes, 0);
  if (repo.corrupt) {
    base.badges = ['corrupted'];
    base.description = `corrupted: ${repo.corrupt.message}`;
    base.fields = {
      repoType: repo.repoType ?? null,
      repoId: repo.repoId ?? null,
      name: hfRepoDisplayName(repo),
      corrupt: repo.corrupt.message,
      corruptCode: repo.corrupt.code,
      lastAccessed: iso(repoNode.atimeMs),
      revisions: [],
      incompleteBytes,
      cacheRoot,
    };
    return { item: base, pruneBytes: 0 };
  }
  const revisions = repo.revisions.map((rev) => {
    const exclusive = estimate(deleteRevisionsStrategy(repo, [rev.commit]), repo, repoNode, store);
    return revisionItem(repo, rev, exclusive, cacheRoot, now);
  });
  const prune = pruneStrategy(repo, now, recentMs);
  const pruneBytes = estimate(prune.paths, repo, repoNode, store, true);
  const children: Item[] = [...revisions];
  if (repo.incomplete.length) {
    children.push(blobGroupItem(hfIncompleteItemId(repo.path), t('Incomplete downloads'), 'hf-incomplete', repo.incomplete, t('interrupted downloads (blobs/*.incomplete)')));
  }
  if (repo.unreferenced.length) {
    children.push(blobGroupItem(hfUnreferencedItemId(repo.path), t('Unreferenced blobs'), 'hf-unreferenced', repo.unreferenced, t('no revision links to them')));
  }
  const detached = repo.revisions.filter((r) => r.detached).length;
  const parts = [
    repo.repoType!,
    formatCount(repo.revisions.length, 'revision') + (detached ? t(' ({0} detached)', detached) : ''),
    repo.lastAccessedMs ? `used ${formatAge(repo.lastAccessedMs, now)}` : '',
    incompleteBytes ? `${formatBytes(incompleteBytes)} incomplete` : '',
  ].filter(Boolean);
  const item: Item = {
    ...base,
    description: parts.join(' · '),
    fields: {
      repoType: repo.repoType,
      repoId: repo.repoId,
      name: hfRepoDisplayName(repo),
      // What huggingface_hub reports for the repo (size_on_disk: file sizes of the blobs its revisions use, shared payloads included).
      hfSizeOnDisk: repo.blobApparentBytes,
      // The same files as disk usage: this repo's folder plus every payload it uses (shared ones too).
      sizeWithSharedBytes: repoNode.bytes + (share ? share.ownBytes + share.sharedBytes : 0),
      ...(share?.sharedBytes ? { sharedPayloadBytes: share.sharedBytes, sharesPayloadsWith: share.sharedWith } : {}),
      lastAccessed: iso(repo.lastAccessedMs),
      lastModified: iso(repo.lastModifiedMs),
      revisions: repo.revisions.map((r) => ({
        commit: r.commit, refs: r.refs, bytes: r.bytes, detached: r.detached,
        exclusiveBytes: revisions.find((x) => x.fields!.commit === r.commit)!.fields!.exclusiveBytes,
      })),
      refs: repo.refs.map((r) => r.name),
      blobBytes: repo.blobBytes,
      blobApparentBytes: repo.blobApparentBytes,
      nbFiles: repo.blobs.size - repo.incomplete.length - repo.unreferenced.length,
      incompleteBytes,
      incompleteFiles: repo.incomplete.length,
      unreferencedBytes: repo.unreferenced.reduce((s, b) => s + b.bytes, 0),
      pruneBytes,
      childrenOverlap: true,
      cacheRoot,
      ...(repo.warnings.length ? { warnings: repo.warnings.map((w) => w.message) } : {}),
    },
    children,
  };
  if (detached) item.badges = ['has detached'];
  return { item, pruneBytes };
}

interface PartResult {
  items: Item[];
  bytes: number;
  apparentBytes: number;
  reclaimable: number;
}

/** Repo folders of the hub cache, listed up front so their refs and snapshots are read while the walker sizes them. */
async function repoFolders(hubRoot: string): Promise<string[]> {
  try {
    const entries = await fs.promises.readdir(hubRoot, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !('error' in parseRepoFolderName(e.name))).map((e) => path.join(hubRoot, e.name));
  } catch {
    return [];
  }
}

async function scanHub(ctx: ScanContext, hubRoot: string): Promise<PartResult> {
  ctx.progress(t('Hugging Face hub cache'));
  const listing = repoFolders(hubRoot).then((repos) => listRepos(repos, { signal: ctx.signal }));
  listing.catch(() => undefined); // awaited below; a cancelled listing must not surface as unhandled meanwhile
  const storeRead = readSharedStore(hubRoot).catch(() => undefined);
  const result = await ctx.walker.walk([hubRoot], {
    signal: ctx.signal,
    topN: ALL_CHILDREN,
    detailDepth: 3,
    onProgress: (p) => ctx.progress(t('Hugging Face hub cache'), p),
  });
  reportWalkErrors(ctx, result, HF_CATEGORY_ID);
  const root = result.roots[0];
  const out: PartResult = { items: [], bytes: root.bytes, apparentBytes: root.apparentBytes, reclaimable: 0 };
  const repoNodes: WalkNode[] = [];
  const others: WalkNode[] = [];
  for (const child of root.children ?? []) {
    if (child.type === 'dir' && !('error' in parseRepoFolderName(child.name))) repoNodes.push(child);
    else {
      others.push(child);
      if (!HF_CACHE_HOUSEKEEPING.has(child.name) && child.type === 'dir' && child.name !== 'blobs') {
        ctx.warn({ message: t('{0}: not a Hugging Face cache repo folder; counted, not parsed', child.path), path: child.path, code: 'hf-not-a-repo', category: HF_CATEGORY_ID });
      }
    }
  }
  let listings: Map<string, RepoListing> | undefined;
  try {
    ctx.progress(t('Hugging Face hub cache: reading revisions'));
    listings = await listing;
  } catch {
    // cancelled: fall through with what the walk gave
  }
  if (!listings || result.cancelled || ctx.signal.aborted) {
    out.items = (root.children ?? []).map((c) => nodeToItem(c, HF_CATEGORY_ID, false));
    return out;
  }
  const limit = createLimiter(64);
  const recentMs = recentDownloadMs(ctx.settings.activeRunMinutes);
  const store = await storeRead;
  const storeNode = childNamed(root, 'blobs');
  const withStore = store && store.payloads.size && storeNode?.type === 'dir' ? store : undefined;
  const repos = await Promise.all(repoNodes.map((node) => parseHfRepo(node.path, { blobs: blobsFromNode(node), listing: listings.get(node.path), limit, store: withStore })));
  const storeScan: StoreScan | undefined = withStore ? { store: withStore, usage: storeUsage(repos), refs: storeLinkRefs(repos) } : undefined;
  let storeBytes = 0, storeApparent = 0;
  if (storeScan && storeNode) {
    const s = storeItem(storeScan.store, storeNode, storeScan.usage, hubRoot);
    out.items.push(s.item);
    out.reclaimable += s.unreferencedBytes;
    storeBytes = storeNode.bytes;
    storeApparent = storeNode.apparentBytes;
  }
  repos.forEach((repo, i) => {
    const { item, pruneBytes } = hfRepoItem(repo, repoNodes[i], hubRoot, ctx.now, recentMs, storeScan);
    out.items.push(item);
    out.reclaimable += pruneBytes;
    if (repo.corrupt) {
      ctx.warn({ message: t('{0}: corrupted Hugging Face repo, listed with its size but without revisions (not parsed): {1}', repo.path, repo.corrupt.message), path: repo.corrupt.path, code: repo.corrupt.code, category: HF_CATEGORY_ID });
    }
    for (const w of repo.warnings) ctx.warn({ message: `${repo.path}: ${w.message}`, path: w.path, code: w.code, category: HF_CATEGORY_ID });
  });
  // Everything that is not a repo (.locks, CACHEDIR.TAG, the cache folder itself), so the items add up to the cache.
  // The shared blob store is its own item (its payloads used by one repo counted in that repo).
  if (storeScan) others.splice(others.findIndex((o) => o.name === 'blobs'), 1);
  const otherBytes = root.bytes - repoNodes.reduce((s, n) => s + n.bytes, 0) - storeBytes;
  const otherApparent = root.apparentBytes - repoNodes.reduce((s, n) => s + n.apparentBytes, 0) - storeApparent;
  if (otherBytes > 0 || others.length) {
    out.items.push({
      id: `${HF_CATEGORY_ID}:hub-other:${hubRoot}`,
      label: t('Other hub cache files'),
      kind: 'hf-other',
      path: hubRoot,
      bytes: otherBytes,
      apparentBytes: otherApparent,
      reclaimable: false,
      description: [...others.map((o) => o.name).slice(0, 5), others.length > 5 ? '…' : '', t('the cache folder itself')].filter(Boolean).join(', '),
      children: others.map((o) => nodeToItem(o, HF_CATEGORY_ID, false)),
    });
  }
  return out;
}

async function scanDatasets(ctx: ScanContext, root: string): Promise<PartResult> {
  ctx.progress(t('Hugging Face datasets cache'));
  const extracted = await existingDir(path.join(root, 'downloads', 'extracted'));
  const result = await ctx.walker.walk(extracted ? [root, extracted] : [root], {
    signal: ctx.signal,
    topN: ctx.settings.topN,
    detailDepth: 2,
    excludePaths: extracted ? [extracted] : [],
    onProgress: (p) => ctx.progress(t('Hugging Face datasets cache'), p),
  });
  reportWalkErrors(ctx, result, HF_CATEGORY_ID);
  const [rootNode, extractedNode] = result.roots;
  const children: Item[] = [];
  for (const child of rootNode.children ?? []) {
    if (child.name === 'downloads' && child.type === 'dir') {
      const item = nodeToItem(child, HF_CATEGORY_ID);
      item.id = hfDatasetsDownloadsItemId(child.path);
      item.kind = 'hf-datasets-downloads';
      item.label = t('downloads (without extracted/)');
      item.description = t('{0} files · downloaded archives and data files', child.files);
      children.push(item);
    } else {
      children.push(nodeToItem(child, HF_CATEGORY_ID));
    }
  }
  if (extractedNode) {
    const item = nodeToItem(extractedNode, HF_CATEGORY_ID);
    item.kind = 'hf-datasets-extracted';
    item.label = 'downloads/extracted';
    item.description = t('{0} files · archives unpacked by datasets', extractedNode.files);
    children.push(item);
  }
  const bytes = rootNode.bytes + (extractedNode?.bytes ?? 0);
  const apparentBytes = rootNode.apparentBytes + (extractedNode?.apparentBytes ?? 0);
  const item: Item = {
    id: hfDatasetsCacheItemId(root),
    label: t('Datasets cache'),
    kind: 'hf-datasets-cache',
    path: root,
    bytes,
    apparentBytes,
    reclaimable: true,
    modifiedMs: Math.max(rootNode.mtimeMs, extractedNode?.mtimeMs ?? 0) || undefined,
    description: t('HF_DATASETS_CACHE (the datasets library)'),
    fields: { cacheRoot: root, omitted: rootNode.omitted?.count ?? 0 },
    children: sortBySizeDesc(children),
  };
  if (rootNode.sharedBytes) item.sharedBytes = rootNode.sharedBytes + (extractedNode?.sharedBytes ?? 0);
  return { items: [item], bytes, apparentBytes, reclaimable: 0 };
}

async function scanXet(ctx: ScanContext, root: string): Promise<PartResult> {
  ctx.progress(t('Hugging Face xet cache'));
  const result = await ctx.walker.walk([root], {
    signal: ctx.signal,
    topN: ctx.settings.topN,
    detailDepth: 2,
    onProgress: (p) => ctx.progress(t('Hugging Face xet cache'), p),
  });
  reportWalkErrors(ctx, result, HF_CATEGORY_ID);
  const node = result.roots[0];
  const item = nodeToItem(node, HF_CATEGORY_ID);
  item.id = hfXetCacheItemId(root);
  item.kind = 'hf-xet-cache';
  item.label = t('Xet cache');
  item.description = t('HF_XET_CACHE (chunks and shards of Xet-stored files)');
  item.fields = { ...item.fields, cacheRoot: root };
  return { items: [item], bytes: node.bytes, apparentBytes: node.apparentBytes, reclaimable: 0 };
}

export async function scanHuggingface(ctx: ScanContext): Promise<{ category: Category; claimedPaths: string[] } | undefined> {
  const loc = cacheLocations(ctx.env, ctx.homeDir, ctx.platform);
  const hub = await existingDir(loc.hfHubCache);
  let datasets = await existingDir(loc.hfDatasetsCache);
  let xet = await existingDir(loc.hfXetCache);
  // A cache configured inside another one is counted with the outer one only.
  const inside = (p: string | undefined, outer: string | undefined) => !!p && !!outer && (p === outer || p.startsWith(outer + path.sep));
  if (inside(datasets, hub)) datasets = undefined;
  if (inside(xet, hub) || inside(xet, datasets)) xet = undefined;
  if (!hub && !datasets && !xet) return undefined;
  const parts: PartResult[] = [];
  if (hub) parts.push(await scanHub(ctx, hub));
  if (datasets && !ctx.signal.aborted) parts.push(await scanDatasets(ctx, datasets));
  if (xet && !ctx.signal.aborted) parts.push(await scanXet(ctx, xet));
  const items = parts.flatMap((p) => p.items);
  const category: Category = {
    id: HF_CATEGORY_ID,
    label: HF_CATEGORY_LABEL,
    bytes: parts.reduce((s, p) => s + p.bytes, 0),
    apparentBytes: parts.reduce((s, p) => s + p.apparentBytes, 0),
    reclaimableBytes: parts.reduce((s, p) => s + p.reclaimable, 0),
    items: sortBySizeDesc(items),
    fields: {
      hubCache: hub ?? null,
      datasetsCache: datasets ?? null,
      xetCache: xet ?? null,
      reclaimableMeans: t('what prune frees: detached revisions, incomplete downloads, unreferenced blobs and shared-store payloads no repo uses'),
    },
  };
  return { category, claimedPaths: [hub, datasets, xet].filter((p): p is string => !!p) };
}
