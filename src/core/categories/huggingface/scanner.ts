// The "Hugging Face" category: the hub cache (repos -> revisions -> files), the `datasets`
// library cache (downloads/ and downloads/extracted/ apart, then one item per dataset folder) and
// the xet cache (by folder).
//
// Numbers: the hub cache is walked once with the shared walker (disk usage, hard links counted
// once across categories); each repo's blobs come from that walk and its snapshots and refs are
// read by parseRepo.ts. A repo item's bytes are its whole folder (blobs, snapshot symlinks,
// refs, .no_exist: what `du` sees). A revision item's bytes are the blobs it links to, each once,
// like huggingface_hub's revision size_on_disk: revisions share blobs, so revision items of one
// repo sum to more than the repo (fields.childrenOverlap says so); `exclusiveBytes` is what
// deleting that revision alone frees.

import * as fs from 'fs';
import * as path from 'path';
import { t } from '../../l10n';
import { createLimiter } from '../../limit';
import { cacheLocations } from '../../locations';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { ScanContext } from '../../scan/types';
import { ALL_CHILDREN, childNamed, existingDir, reportWalkErrors } from '../../scan/walkHelpers';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { HF_CATEGORY_ID, HF_CATEGORY_LABEL, hfDatasetsCacheItemId, hfDatasetsDownloadsItemId, hfXetCacheItemId, recentDownloadMs } from './ids';
import { blobsFromNode, hfRepoItem, type StoreScan } from './items';
import { listRepos } from './listPool';
import { HF_CACHE_HOUSEKEEPING, parseRepoFolderName } from './names';
import { parseHfRepo } from './parseRepo';
import type { RepoListing } from './repoListing';
import { readSharedStore } from './sharedStore';
import { storeItem, storeLinkRefs, storeUsage } from './storeItems';

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
