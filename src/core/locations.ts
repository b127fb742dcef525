// Where each ML tool keeps its cache, from the environment and the platform, exactly as the tools
// themselves decide it (docs/CACHES.md). Pure functions of (env, homeDir, platform): nothing
// here touches the disk, so the rules are unit-tested without any cache present; the scanners
// check which of these paths exist.

import * as path from 'path';

export type Env = Record<string, string | undefined>;

export interface CacheLocations {
  /** Hugging Face hub cache: HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > $HF_HOME/hub. */
  hfHubCache: string;
  /** HF_HOME: $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface (on every platform, as huggingface_hub does). */
  hfHome: string;
  /** `datasets` library cache: HF_DATASETS_CACHE > $HF_HOME/datasets. */
  hfDatasetsCache: string;
  /** Xet chunk/shard cache: HF_XET_CACHE > $HF_HOME/xet. */
  hfXetCache: string;
  /** pip: PIP_CACHE_DIR, else the platform's user cache dir + pip. */
  pipCache: string;
  /** uv: UV_CACHE_DIR, else $XDG_CACHE_HOME/uv or ~/.cache/uv (%LOCALAPPDATA%\uv\cache on Windows). */
  uvCache: string;
  /** TORCH_HOME (default $XDG_CACHE_HOME/torch or ~/.cache/torch). */
  torchHome: string;
  /** torch.hub.get_dir(): $TORCH_HOME/hub. */
  torchHub: string;
  conda: CondaLocations;
}

export interface CondaLocations {
  /**
   * Candidate install roots (base prefixes): the ones named by the environment (CONDA_ROOT,
   * MAMBA_ROOT_PREFIX, CONDA_EXE, CONDA_PYTHON_EXE, CONDA_PREFIX_1) first, then the installers'
   * default folders in HOME. A candidate is a base env only if it exists and holds conda-meta/.
   */
  rootPrefixes: string[];
  /** Folders whose subfolders holding conda-meta/ are envs: <root>/envs, ~/.conda/envs, CONDA_ENVS_PATH/CONDA_ENVS_DIRS. */
  envsDirs: string[];
  /** Package caches: <root>/pkgs, ~/.conda/pkgs, CONDA_PKGS_DIRS. */
  pkgsDirs: string[];
  /** ~/.conda/environments.txt: one prefix per line, written by conda for every env it creates. */
  environmentsTxt: string;
  /** The activated env (CONDA_PREFIX), never offered for removal. */
  activePrefix?: string;
}

/** Installer default folders under HOME (Anaconda, Miniconda, Miniforge, Mambaforge, micromamba 1.x and 2.x). */
export const CONDA_HOME_ROOTS = [
  'miniconda3', 'miniconda', 'anaconda3', 'anaconda', 'miniforge3', 'miniforge', 'mambaforge',
  'micromamba', path.posix.join('.local', 'share', 'mamba'),
];

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** A variable's value, or undefined when unset or blank (an empty HF_HOME means "not set"). */
function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

/** `~` and `~/x` expand to HOME, as Python's os.path.expanduser does for these variables. */
export function expandHome(p: string, homeDir: string, platform: NodeJS.Platform): string {
  const api = pathApi(platform);
  if (p === '~') return homeDir;
  if (p.startsWith('~/') || (platform === 'win32' && p.startsWith('~\\'))) return api.join(homeDir, p.slice(2));
  return p;
}

function resolved(p: string, homeDir: string, platform: NodeJS.Platform): string {
  const api = pathApi(platform);
  const expanded = expandHome(p, homeDir, platform);
  // A relative value is relative to the process's folder for the tools; we cannot know it, so
  // we anchor it at HOME rather than at the editor's folder.
  return api.normalize(api.isAbsolute(expanded) ? expanded : api.join(homeDir, expanded));
}

/** $XDG_CACHE_HOME, else ~/.cache. huggingface_hub and torch use this on every platform. */
export function xdgCacheHome(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const xdg = envValue(env, 'XDG_CACHE_HOME');
  return xdg ? resolved(xdg, homeDir, platform) : pathApi(platform).join(homeDir, '.cache');
}

function localAppData(env: Env, homeDir: string): string {
  const v = envValue(env, 'LOCALAPPDATA');
  return v ? path.win32.normalize(v) : path.win32.join(homeDir, 'AppData', 'Local');
}

export function hfHome(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'HF_HOME');
  return v ? resolved(v, homeDir, platform) : pathApi(platform).join(xdgCacheHome(env, homeDir, platform), 'huggingface');
}

export function hfHubCache(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'HF_HUB_CACHE') ?? envValue(env, 'HUGGINGFACE_HUB_CACHE');
  return v ? resolved(v, homeDir, platform) : pathApi(platform).join(hfHome(env, homeDir, platform), 'hub');
}

export function hfDatasetsCache(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'HF_DATASETS_CACHE');
  return v ? resolved(v, homeDir, platform) : pathApi(platform).join(hfHome(env, homeDir, platform), 'datasets');
}

export function hfXetCache(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'HF_XET_CACHE');
  return v ? resolved(v, homeDir, platform) : pathApi(platform).join(hfHome(env, homeDir, platform), 'xet');
}

/**
 * pip's cache (pip's appdirs.user_cache_dir('pip')): Linux $XDG_CACHE_HOME/pip or ~/.cache/pip,
 * macOS ~/Library/Caches/pip, Windows %LOCALAPPDATA%\pip\Cache.
 */
export function pipCache(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'PIP_CACHE_DIR');
  if (v) return resolved(v, homeDir, platform);
  if (platform === 'win32') return path.win32.join(localAppData(env, homeDir), 'pip', 'Cache');
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Caches', 'pip');
  return path.posix.join(xdgCacheHome(env, homeDir, platform), 'pip');
}

/** uv's cache: UV_CACHE_DIR, else $XDG_CACHE_HOME/uv or ~/.cache/uv (also on macOS), %LOCALAPPDATA%\uv\cache on Windows. */
export function uvCache(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'UV_CACHE_DIR');
  if (v) return resolved(v, homeDir, platform);
  if (platform === 'win32') return path.win32.join(localAppData(env, homeDir), 'uv', 'cache');
  return path.posix.join(xdgCacheHome(env, homeDir, platform), 'uv');
}

export function torchHome(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'TORCH_HOME');
  return v ? resolved(v, homeDir, platform) : pathApi(platform).join(xdgCacheHome(env, homeDir, platform), 'torch');
}

function splitList(value: string | undefined, separators: RegExp): string[] {
  return (value ?? '').split(separators).map((s) => s.trim()).filter(Boolean);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * conda / mamba / micromamba locations. conda reads CONDA_ENVS_PATH / CONDA_ENVS_DIRS split on
 * the path separator and CONDA_PKGS_DIRS split on commas (its SequenceParameter defaults);
 * .condarc (YAML) is read from the disk by conda/condarc.ts for pkgs_dirs; envs are found through environments.txt.
 */
export function condaLocations(env: Env, homeDir: string, platform: NodeJS.Platform): CondaLocations {
  const api = pathApi(platform);
  const r = (p: string) => resolved(p, homeDir, platform);
  const fromEnv: string[] = [];
  for (const name of ['CONDA_ROOT', 'MAMBA_ROOT_PREFIX']) {
    const v = envValue(env, name);
    if (v) fromEnv.push(r(v));
  }
  // CONDA_EXE = <root>/bin/conda (Windows <root>\Scripts\conda.exe); CONDA_PYTHON_EXE = <root>/bin/python (Windows <root>\python.exe).
  const condaExe = envValue(env, 'CONDA_EXE');
  if (condaExe) fromEnv.push(api.dirname(api.dirname(r(condaExe))));
  const condaPython = envValue(env, 'CONDA_PYTHON_EXE');
  if (condaPython) fromEnv.push(platform === 'win32' ? api.dirname(r(condaPython)) : api.dirname(api.dirname(r(condaPython))));
  // With an env activated on top of base, CONDA_PREFIX_1 is the prefix below it (usually base).
  const previous = envValue(env, 'CONDA_PREFIX_1');
  if (previous) fromEnv.push(r(previous));
  const homeRoots = CONDA_HOME_ROOTS.map((name) => api.join(homeDir, ...name.split('/')));
  const rootPrefixes = unique([...fromEnv, ...homeRoots]);

  const dotConda = api.join(homeDir, '.conda');
  const envsSeparator = platform === 'win32' ? /;/ : /:/;
  const envsDirs = unique([
    ...splitList(envValue(env, 'CONDA_ENVS_DIRS'), envsSeparator).map(r),
    ...splitList(envValue(env, 'CONDA_ENVS_PATH'), envsSeparator).map(r),
    ...rootPrefixes.map((root) => api.join(root, 'envs')),
    api.join(dotConda, 'envs'),
  ]);
  const pkgsDirs = unique([
    ...splitList(envValue(env, 'CONDA_PKGS_DIRS'), /,/).map(r),
    ...rootPrefixes.map((root) => api.join(root, 'pkgs')),
    api.join(dotConda, 'pkgs'),
  ]);
  const active = envValue(env, 'CONDA_PREFIX');
  return {
    rootPrefixes,
    envsDirs,
    pkgsDirs,
    environmentsTxt: api.join(dotConda, 'environments.txt'),
    activePrefix: active ? r(active) : undefined,
  };
}

export function cacheLocations(env: Env, homeDir: string, platform: NodeJS.Platform): CacheLocations {
  const th = torchHome(env, homeDir, platform);
  return {
    hfHubCache: hfHubCache(env, homeDir, platform),
    hfHome: hfHome(env, homeDir, platform),
    hfDatasetsCache: hfDatasetsCache(env, homeDir, platform),
    hfXetCache: hfXetCache(env, homeDir, platform),
    pipCache: pipCache(env, homeDir, platform),
    uvCache: uvCache(env, homeDir, platform),
    torchHome: th,
    torchHub: pathApi(platform).join(th, 'hub'),
    conda: condaLocations(env, homeDir, platform),
  };
}
