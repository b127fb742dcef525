// ML Disk Space: Clean GPU Compile Caches — `gpu-caches:clean`: every entry of every GPU compile
// cache the last scan found (Triton, CUDA JIT, Inductor, torch kernels and extensions, vLLM); the
// cache folders stay. One plan, one confirmation.
import { GPU_CACHES_CATEGORY_ID, GPU_CACHES_CLEAN_ID } from '../../core/categories/gpu-caches/scanner';
import { lastScanWith } from '../caches/lastScan';
import { runCacheIds } from '../caches/runCachePlan';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';

export const gpuCachesCleanCommand: CommandSpec = {
  id: 'mlDiskSpace.gpuCaches.clean',
  async run(s): Promise<ReclaimResult | undefined> {
    const model = await lastScanWith(s, GPU_CACHES_CATEGORY_ID, 'no GPU compile cache');
    if (!model) return undefined;
    return runCacheIds(s, 'Clean the GPU compile caches', model, [GPU_CACHES_CLEAN_ID]);
  },
};
