// The "GPU compile caches" category: what Triton, the CUDA driver, PyTorch (Inductor, its NVRTC
// kernel cache, C++/CUDA extensions) and vLLM compile once and keep, often GBs after a few
// torch.compile runs. All of it is rebuilt on demand (the next run compiles again, slower once),
// so every cache is reclaimable: its entries are deleted, the cache folder itself stays.
import * as fs from 'fs';
import { existingDir, reportWalkErrors } from '../../scan/walkHelpers';
import { formatAge, formatCount } from '../../format';
import { t } from '../../l10n';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import { isSameOrInside } from '../../safety/pathGuards';
import type { CategoryResult, ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { gpuCacheLocations, type GpuCacheLocation, type GpuCacheName } from './locations';

export const GPU_CACHES_CATEGORY_ID = 'gpu-caches';
export const GPU_CACHES_LABEL = 'GPU compile caches';
/** Purge id of the whole category. */
export const GPU_CACHES_CLEAN_ID = `${GPU_CACHES_CATEGORY_ID}:clean`;
/** Purge id of one cache (`gpu-caches:triton`, ...). */
export const gpuCachePurgeId = (name: GpuCacheName) => `${GPU_CACHES_CATEGORY_ID}:${name}`;
export const gpuCacheItemId = (dir: string) => `${GPU_CACHES_CATEGORY_ID}:cache:${dir}`;
export const gpuCacheEntryItemId = (p: string) => `${GPU_CACHES_CATEGORY_ID}:entry:${p}`;

/**
 * The caches that exist, as real paths. A cache inside another one (TRITON_CACHE_DIR pointed into
 * the Inductor cache), or the same folder named twice, is counted once, with the outer one.
 */
export async function foundGpuCaches(ctx: Pick<ScanContext, 'env' | 'homeDir' | 'platform'>): Promise<GpuCacheLocation[]> {
  const found: GpuCacheLocation[] = [];
  for (const loc of gpuCacheLocations(ctx.env, ctx.homeDir, ctx.platform)) {
    const dir = await existingDir(loc.dir);
    if (dir) found.push({ ...loc, dir });
  }
  return found.filter((c, i) => !found.some((o, j) => j !== i && isSameOrInside(c.dir, o.dir) && (c.dir !== o.dir || j < i)));
}

/** Disk usage of a folder's own entry (it stays when its cache is cleaned). */
async function ownBlocks(dir: string): Promise<number> {
  try {
    return (await fs.promises.lstat(dir)).blocks * 512;
  } catch {
    return 0;
  }
}

function cacheItem(loc: GpuCacheLocation, node: WalkNode, now: number): Item {
  const item = nodeToItem(node, GPU_CACHES_CATEGORY_ID);
  item.id = gpuCacheItemId(loc.dir);
  item.kind = 'gpu-cache';
  item.label = loc.label;
  const files = formatCount(node.files, 'file');
  const when = node.mtimeMs ? ` · ${t('last written {0}', formatAge(node.mtimeMs, now))}` : '';
  item.description = `${files} · ${loc.about}${when}`;
  item.fields = { ...item.fields, cache: loc.name, cacheRoot: loc.dir, configuredBy: loc.configuredBy, purgeId: gpuCachePurgeId(loc.name) };
  // Its largest entries, each deletable on its own (the walk kept the top ones; `omitted` the rest).
  item.children = (node.children ?? []).map((child) => {
    const c = nodeToItem(child, GPU_CACHES_CATEGORY_ID);
    delete c.children;
    c.id = gpuCacheEntryItemId(child.path);
    c.kind = child.type === 'dir' ? 'gpu-cache-entry' : 'gpu-cache-file';
    if (child.type === 'dir') c.description = formatCount(child.files, 'file');
    c.fields = { ...c.fields, cacheRoot: loc.dir };
    return c;
  });
  return item;
}

export async function scanGpuCaches(ctx: ScanContext): Promise<CategoryResult | undefined> {
  const caches = await foundGpuCaches(ctx);
  if (!caches.length) return undefined;
  const label = t(GPU_CACHES_LABEL);
  ctx.progress(label);
  // One cache after another: a file hard-linked between two of them is counted in the first.
  const items: Item[] = [];
  let reclaimable = 0;
  for (const loc of caches) {
    if (ctx.signal.aborted) break;
    const result = await ctx.walker.walk([loc.dir], {
      signal: ctx.signal,
      topN: ctx.settings.topN,
      detailDepth: 1,
      onProgress: (p) => ctx.progress(label, p),
    });
    reportWalkErrors(ctx, result, GPU_CACHES_CATEGORY_ID);
    const node = result.roots[0];
    items.push(cacheItem(loc, node, ctx.now));
    reclaimable += Math.max(0, node.bytes - (await ownBlocks(loc.dir)));
  }
  const category: Category = {
    id: GPU_CACHES_CATEGORY_ID,
    label,
    bytes: items.reduce((s, i) => s + i.bytes, 0),
    apparentBytes: items.reduce((s, i) => s + i.apparentBytes, 0),
    reclaimableBytes: reclaimable,
    items: sortBySizeDesc(items),
    fields: {
      caches: Object.fromEntries(caches.map((c) => [c.name, c.dir])),
      reclaimableMeans: t('everything inside the caches (the folders stay); each tool compiles again what it needs'),
    },
  };
  return { category, claimedPaths: caches.map((c) => c.dir) };
}
