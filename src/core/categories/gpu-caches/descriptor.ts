// The "GPU compile caches" category: Triton, CUDA JIT, PyTorch Inductor / kernels / extensions and
// vLLM caches, one item each. Every cache is purgeable on its own (`gpu-caches:<name>`) and all of
// them in one step (`gpu-caches:clean`): a cache's entries are deleted, its folder stays.
import type { CategoryDescriptor } from '../descriptor';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../../plan/builder';
import { categoryOf, folderEntries, itemOf, planScannedItems } from '../../plan/fromModel';
import type { DeletionPlan } from '../../plan/types';
import type { Item, ScanModel } from '../../model';
import { t } from '../../l10n';
import { GPU_CACHE_NAMES, type GpuCacheName } from './locations';
import {
  GPU_CACHES_CATEGORY_ID, GPU_CACHES_CLEAN_ID, gpuCachePurgeId, scanGpuCaches,
} from './scanner';

const CACHE_ITEM_PREFIX = `${GPU_CACHES_CATEGORY_ID}:cache:`;

function cacheItems(model: ScanModel): Item[] {
  return categoryOf(model, GPU_CACHES_CATEGORY_ID).items.filter((i) => i.kind === 'gpu-cache');
}

/** The cache item a purge id or cache item id names. */
function cacheItemFor(id: string, model: ScanModel): Item | undefined {
  if (id.startsWith(CACHE_ITEM_PREFIX)) return itemOf(model, id, GPU_CACHES_CATEGORY_ID).item;
  const name = id.slice(GPU_CACHES_CATEGORY_ID.length + 1) as GpuCacheName;
  if (!GPU_CACHE_NAMES.includes(name)) return undefined;
  const item = cacheItems(model).find((i) => i.fields?.cache === name);
  if (!item) throw new PlanRefusedError(t('the last scan found no {0} cache', name));
  return item;
}

/** Every entry of each cache folder, as it is now (the folders themselves stay). */
async function entriesOf(items: Item[]): Promise<PlannedPath[]> {
  const paths: PlannedPath[] = [];
  for (const item of items) {
    const root = String(item.fields!.cacheRoot);
    for (const entry of await folderEntries(root, root)) paths.push({ ...entry, label: `${item.label}: ${entry.label}`, itemId: item.id });
  }
  return paths;
}

async function gpuCachePlan(ids: string[], model: ScanModel, signal?: AbortSignal): Promise<DeletionPlan> {
  if (ids.includes(GPU_CACHES_CLEAN_ID)) {
    return buildPlan({ title: t('Clean the GPU compile caches'), scannedAt: model.scannedAt, paths: await entriesOf(cacheItems(model)), signal });
  }
  const caches: Item[] = [];
  const entries: string[] = [];
  for (const id of ids) {
    const cache = cacheItemFor(id, model);
    if (cache) caches.push(cache);
    else entries.push(id);
  }
  if (!caches.length) return planScannedItems(model, GPU_CACHES_CATEGORY_ID, entries, signal);
  // Single entries inside a cache that is cleaned anyway go with it (buildPlan drops nested paths).
  const paths = await entriesOf([...new Set(caches)]);
  for (const id of entries) {
    const { item } = itemOf(model, id, GPU_CACHES_CATEGORY_ID);
    if (!item.reclaimable || !item.path) throw new PlanRefusedError(t('{0} cannot be deleted from here', item.label));
    paths.push({ path: item.path, root: String(item.fields?.cacheRoot), label: item.label, itemId: item.id });
  }
  const title = caches.length === 1 && !entries.length ? t('Clean the {0}', caches[0].label) : t('Clean {0} GPU compile caches', caches.length);
  return buildPlan({ title, scannedAt: model.scannedAt, paths, signal });
}

export const gpuCachesCategory: CategoryDescriptor = {
  id: GPU_CACHES_CATEGORY_ID,
  get label() { return t('GPU compile caches'); },
  // Before the checkpoints and the workspace walk: a cache inside a workspace folder is not walked twice.
  order: 47,
  icon: 'circuit-board',
  cache: true,
  scan: scanGpuCaches,
  planFor: (ids, model, ctx) => gpuCachePlan(ids, model, ctx.signal),
  purgeIds: {
    get [GPU_CACHES_CLEAN_ID]() { return t('GPU compile caches: empty every one (Triton, CUDA JIT, Inductor, torch kernels and extensions, vLLM)'); },
    get [gpuCachePurgeId('triton')]() { return t('GPU compile caches: empty the Triton kernel cache (TRITON_CACHE_DIR or ~/.triton/cache)'); },
    get [gpuCachePurgeId('cuda')]() { return t('GPU compile caches: empty the CUDA JIT cache (CUDA_CACHE_PATH or ~/.nv/ComputeCache)'); },
    get [gpuCachePurgeId('inductor')]() { return t('GPU compile caches: empty the PyTorch Inductor cache (TORCHINDUCTOR_CACHE_DIR or /tmp/torchinductor_<user>)'); },
    get [gpuCachePurgeId('torch-kernels')]() { return t('GPU compile caches: empty the PyTorch kernel cache (~/.cache/torch/kernels)'); },
    get [gpuCachePurgeId('torch-extensions')]() { return t('GPU compile caches: empty the PyTorch extensions build folder (TORCH_EXTENSIONS_DIR or ~/.cache/torch_extensions)'); },
    get [gpuCachePurgeId('vllm')]() { return t('GPU compile caches: empty the vLLM cache (VLLM_CACHE_ROOT or ~/.cache/vllm)'); },
  },
  kinds: {
    'gpu-cache': { get label() { return t('GPU compile cache'); }, icon: 'circuit-board' },
    'gpu-cache-entry': { get label() { return t('Compile cache folder'); }, icon: 'folder' },
    'gpu-cache-file': { get label() { return t('Compile cache file'); }, icon: 'file-binary' },
  },
};
