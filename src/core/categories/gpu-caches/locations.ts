// Where each GPU compile cache lives, decided the way the tool that writes it decides (pure
// functions of the environment: nothing here touches the disk). docs/CACHES.md, "GPU compile caches".
import * as os from 'os';
import * as path from 'path';
import { t } from '../../l10n';
import { expandHome, xdgCacheHome, type Env } from '../../locations';

export type GpuCacheName = 'triton' | 'cuda' | 'inductor' | 'torch-kernels' | 'torch-extensions' | 'vllm';

export interface GpuCacheLocation {
  name: GpuCacheName;
  /** What the cache is, in the tool's words (translated). */
  label: string;
  /** What fills it. */
  about: string;
  dir: string;
  /** The variable that chose the folder, or 'default'. */
  configuredBy: string;
}

/** The caches in the order they are listed and purged. */
export const GPU_CACHE_NAMES: readonly GpuCacheName[] = ['triton', 'cuda', 'inductor', 'torch-kernels', 'torch-extensions', 'vllm'];

/** Built when a location is made (translated then, not at import). */
const LABELS: Record<GpuCacheName, () => { label: string; about: string }> = {
  triton: () => ({ label: t('Triton kernel cache'), about: t('compiled Triton kernels') }),
  cuda: () => ({ label: t('CUDA JIT cache (ComputeCache)'), about: t('PTX the CUDA driver compiled for this GPU') }),
  inductor: () => ({ label: t('PyTorch Inductor cache'), about: t('torch.compile graphs and kernels') }),
  'torch-kernels': () => ({ label: t('PyTorch CUDA kernel cache'), about: t('kernels PyTorch compiled at run time (NVRTC)') }),
  'torch-extensions': () => ({ label: t('PyTorch C++/CUDA extensions'), about: t('extensions built by torch.utils.cpp_extension.load') }),
  vllm: () => ({ label: t('vLLM cache'), about: t("vLLM's torch.compile cache and model info") }),
};

/** A variable's value, or undefined when unset or blank. */
function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

/** `~` expanded; a relative value is anchored at HOME (the tool's working folder is unknown to us). */
function resolved(value: string, homeDir: string): string {
  const expanded = expandHome(value, homeDir, 'linux');
  return path.normalize(path.isAbsolute(expanded) ? expanded : path.join(homeDir, expanded));
}

/** Python's tempfile.gettempdir(): TMPDIR, TEMP, TMP, else /tmp. */
export function pythonTempDir(env: Env): string {
  for (const name of ['TMPDIR', 'TEMP', 'TMP']) {
    const v = envValue(env, name);
    if (v && path.isAbsolute(v)) return path.normalize(v);
  }
  return '/tmp';
}

/** Python's getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, else the account name. */
export function pythonUser(env: Env): string {
  for (const name of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const v = envValue(env, name);
    if (v) return v;
  }
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}

function location(name: GpuCacheName, env: Env, variable: string, fallback: () => string, homeDir: string): GpuCacheLocation {
  const v = envValue(env, variable);
  return { name, ...LABELS[name](), dir: v ? resolved(v, homeDir) : fallback(), configuredBy: v ? variable : 'default' };
}

/** Every GPU compile cache location (Linux and macOS rules; existing or not). */
export function gpuCacheLocations(env: Env, homeDir: string, platform: NodeJS.Platform): GpuCacheLocation[] {
  const cache = xdgCacheHome(env, homeDir, platform);
  // Triton: TRITON_CACHE_DIR, else <TRITON_HOME or HOME>/.triton/cache.
  const tritonHome = envValue(env, 'TRITON_HOME');
  const triton = location('triton', env, 'TRITON_CACHE_DIR', () => path.join(tritonHome ? resolved(tritonHome, homeDir) : homeDir, '.triton', 'cache'), homeDir);
  // The CUDA driver: CUDA_CACHE_PATH, else ~/.nv/ComputeCache.
  const cuda = location('cuda', env, 'CUDA_CACHE_PATH', () => path.join(homeDir, '.nv', 'ComputeCache'), homeDir);
  // torch._inductor: TORCHINDUCTOR_CACHE_DIR, else <tempdir>/torchinductor_<user> (characters
  // Windows forbids in names replaced by `_`, as inductor does).
  const inductor = location('inductor', env, 'TORCHINDUCTOR_CACHE_DIR',
    () => path.join(pythonTempDir(env), `torchinductor_${pythonUser(env).replace(/[\\/:*?"<>|]/g, '_')}`), homeDir);
  // ATen's NVRTC kernel cache: PYTORCH_KERNEL_CACHE_PATH, else $XDG_CACHE_HOME/torch/kernels
  // (not TORCH_HOME: the torch hub category's folder is <TORCH_HOME>/hub, so the two never overlap).
  const kernels = location('torch-kernels', env, 'PYTORCH_KERNEL_CACHE_PATH', () => path.join(cache, 'torch', 'kernels'), homeDir);
  // torch.utils.cpp_extension: TORCH_EXTENSIONS_DIR, else the user cache dir + torch_extensions.
  const userCache = platform === 'darwin' ? path.join(homeDir, 'Library', 'Caches') : cache;
  const extensions = location('torch-extensions', env, 'TORCH_EXTENSIONS_DIR', () => path.join(userCache, 'torch_extensions'), homeDir);
  // vLLM: VLLM_CACHE_ROOT, else $XDG_CACHE_HOME/vllm.
  const vllm = location('vllm', env, 'VLLM_CACHE_ROOT', () => path.join(cache, 'vllm'), homeDir);
  return [triton, cuda, inductor, kernels, extensions, vllm];
}
