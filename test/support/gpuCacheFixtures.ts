// GPU compile caches built by hand, laid out as the tools write them: Triton's per-kernel hash
// folders (.cubin, .ptx, .json, __grp__ groups), the CUDA driver's ComputeCache (index file and
// two-level hex folders), an Inductor cache (fxgraph/, triton/<device>/, aotautograd/, two-letter
// code folders), PyTorch's NVRTC kernel cache, a cpp_extension build folder, and vLLM's
// torch_compile_cache. Sizes are multiples of 4 KiB of random data; tests measure with du.
import * as fs from 'fs';
import * as path from 'path';
import { writeRealFile, writeTextFile } from '../integration/fixture';

export const KiB = 1024;

export interface GpuCacheFixture {
  /** Cache name (as in gpu-caches:<name>) -> its folder. */
  dirs: Record<string, string>;
  /** Environment pointing every tool at the fixture (HOME, TMPDIR, USER and the variables the test chose). */
  env: Record<string, string>;
}

function triton(dir: string): void {
  for (const [hash, kb] of [['0f3a9c6d7e', 24], ['5b71e2aa90', 16]] as const) {
    const k = path.join(dir, `${hash}c4d2b8e1f0a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3`);
    writeRealFile(path.join(k, 'triton_poi_fused_add_0.cubin'), kb * KiB);
    writeRealFile(path.join(k, 'triton_poi_fused_add_0.ptx'), 8 * KiB);
    writeTextFile(path.join(k, 'triton_poi_fused_add_0.json'), '{"name": "triton_poi_fused_add_0", "num_warps": 4}\n');
    writeTextFile(path.join(k, `__grp__triton_poi_fused_add_0.json`), '{"child_paths": {}}\n');
  }
}

function computeCache(dir: string): void {
  writeRealFile(path.join(dir, 'index'), 4 * KiB);
  writeRealFile(path.join(dir, '3', 'a', '3a7c2e9d0b4f6e1a'), 36 * KiB);
  writeRealFile(path.join(dir, 'f', '1', 'f10b9e8d7c6a5b4c'), 12 * KiB);
}

function inductor(dir: string): void {
  writeRealFile(path.join(dir, 'fxgraph', 'ab', 'fab3c9d0e1f2', 'fab3c9d0e1f2a3b4'), 20 * KiB);
  writeRealFile(path.join(dir, 'triton', '0', '7c9e1d2f3a4b5c6d', 'triton_.cubin'), 28 * KiB);
  writeRealFile(path.join(dir, 'aotautograd', 'a1', 'entry'), 8 * KiB);
  writeRealFile(path.join(dir, 'cq', 'ccqx3h2xk5bqjnd2mwk.py'), 12 * KiB);
  // Compiled C++ wrappers are shared objects; a hard link inside the cache counts once.
  const so = writeRealFile(path.join(dir, 'cq', 'ccqx3h2xk5bqjnd2mwk.so'), 16 * KiB);
  fs.linkSync(so, path.join(dir, 'cq', 'ccqx3h2xk5bqjnd2mwk.so.1'));
  fs.symlinkSync('cq', path.join(dir, 'latest-code'));
}

function torchKernels(dir: string): void {
  writeRealFile(path.join(dir, 'kernel_add_float_1_0_c8c4b6ba1e', 'kernel.cubin'), 12 * KiB);
  writeRealFile(path.join(dir, 'kernel_mul_half_2_1_9d7f2e'), 8 * KiB);
}

function torchExtensions(dir: string): void {
  const build = path.join(dir, 'py311_cu121', 'fused_adam');
  writeRealFile(path.join(build, 'fused_adam.so'), 40 * KiB);
  writeRealFile(path.join(build, 'fused_adam.cuda.o'), 24 * KiB);
  writeTextFile(path.join(build, 'build.ninja'), 'ninja_required_version = 1.3\n');
  writeTextFile(path.join(build, 'lock'), '');
}

function vllm(dir: string): void {
  writeRealFile(path.join(dir, 'torch_compile_cache', '0c1d2e3f4a', 'rank_0_0', 'inductor_cache', 'fxgraph', 'x'), 32 * KiB);
  writeTextFile(path.join(dir, 'torch_compile_cache', '0c1d2e3f4a', 'rank_0_0', 'computation_graph.py'), 'def forward(self):\n    pass\n');
  writeRealFile(path.join(dir, 'modelinfos', 'meta-llama_Llama-3.1-8B.json'), 4 * KiB);
}

export const GPU_CACHE_BUILDERS: Record<string, (dir: string) => void> = {
  triton, cuda: computeCache, inductor, 'torch-kernels': torchKernels, 'torch-extensions': torchExtensions, vllm,
};

/**
 * Every cache at its default place in a fake HOME (`home`) and temp folder (`tmp`, for Inductor's
 * /tmp/torchinductor_<user>), the way a user with no variables set has them.
 */
export function buildGpuCachesAtDefaults(home: string, tmp: string, user = 'trainer'): GpuCacheFixture {
  const dirs: Record<string, string> = {
    triton: path.join(home, '.triton', 'cache'),
    cuda: path.join(home, '.nv', 'ComputeCache'),
    inductor: path.join(tmp, `torchinductor_${user}`),
    'torch-kernels': path.join(home, '.cache', 'torch', 'kernels'),
    'torch-extensions': path.join(home, '.cache', 'torch_extensions'),
    vllm: path.join(home, '.cache', 'vllm'),
  };
  for (const [name, dir] of Object.entries(dirs)) GPU_CACHE_BUILDERS[name](dir);
  // Triton also keeps dump/ and override/ beside cache/: not part of the cache.
  writeTextFile(path.join(home, '.triton', 'dump', 'README'), 'not a cache\n');
  return { dirs, env: { HOME: home, TMPDIR: tmp, USER: user, LOGNAME: user } };
}
