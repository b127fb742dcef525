// Where uv keeps its cache, with uv's precedence: UV_CACHE_DIR, else `cache-dir` from its
// configuration - the project's (the nearest uv.toml, or pyproject.toml with [tool.uv], looking up
// from a scanned folder; uv.toml wins in the same folder), else the user's
// ($XDG_CONFIG_HOME/uv/uv.toml, ~/.config/uv/uv.toml), else the system's ($XDG_CONFIG_DIRS/uv/uv.toml,
// /etc/uv/uv.toml) - else the platform default. UV_CONFIG_FILE names the only file to read;
// UV_NO_CONFIG reads none. UV_NO_CACHE makes uv use a throwaway cache: the folder stays, and the
// scan says uv does not use it now.

import { safeReadTextSync } from '../../safeRead';
import * as path from 'path';
import { expandHome, uvCache, type Env } from '../../locations';

export interface UvCacheSetting {
  dir: string;
  /** A file path, 'UV_CACHE_DIR' or 'default'. */
  source: string;
  /** UV_NO_CACHE is set: uv does not read or write this cache now. */
  noCache: boolean;
}

const MAX_CONFIG_BYTES = 256 * 1024;
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on', 't', 'y']);

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

function readSmall(p: string): string | undefined {
  try {
    return safeReadTextSync(p, { maxBytes: MAX_CONFIG_BYTES, overCap: 'truncate' });
  } catch {
    return undefined;
  }
}

/** A TOML string value (basic "…" with \\ and \" escapes, or literal '…'). */
function tomlString(raw: string): string | undefined {
  const v = raw.trim();
  const basic = /^"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(v);
  if (basic) return basic[1].replace(/\\(["\\])/g, '$1');
  const literal = /^'([^']*)'\s*(#.*)?$/.exec(v);
  return literal ? literal[1] : undefined;
}

/**
 * `cache-dir` of a uv config file: top level of uv.toml, `[tool.uv]` of pyproject.toml. A
 * pyproject.toml without [tool.uv] is not a uv config (undefined, and `isUvConfig` false).
 */
export function uvCacheDirFromToml(text: string, table: '' | 'tool.uv'): { isUvConfig: boolean; cacheDir?: string } {
  let current = '';
  let isUvConfig = table === '';
  let cacheDir: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$/.exec(line);
    if (header) {
      current = header[1].replace(/\s/g, '');
      if (current === table || current.startsWith(`${table}.`)) isUvConfig = true;
      continue;
    }
    if (current !== table) continue;
    const kv = /^\s*("cache-dir"|cache-dir)\s*=\s*(.*)$/.exec(line);
    if (kv) cacheDir = tomlString(kv[2]);
  }
  return { isUvConfig, cacheDir };
}

/** The project config uv would use for a folder: the nearest folder up with uv.toml or a pyproject.toml holding [tool.uv]. */
function projectConfig(start: string): { file: string; cacheDir?: string } | undefined {
  let dir = start;
  for (;;) {
    const uvToml = readSmall(path.join(dir, 'uv.toml'));
    if (uvToml !== undefined) return { file: path.join(dir, 'uv.toml'), cacheDir: uvCacheDirFromToml(uvToml, '').cacheDir };
    const pyproject = readSmall(path.join(dir, 'pyproject.toml'));
    if (pyproject !== undefined) {
      const r = uvCacheDirFromToml(pyproject, 'tool.uv');
      if (r.isUvConfig) return { file: path.join(dir, 'pyproject.toml'), cacheDir: r.cacheDir };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** uv's cache folder for a scan of `roots` (the first root holding a project config decides). */
export function uvCacheSetting(env: Env, homeDir: string, platform: NodeJS.Platform, roots: string[]): UvCacheSetting {
  const noCache = TRUE_WORDS.has((envValue(env, 'UV_NO_CACHE') ?? '').toLowerCase());
  const resolve = (v: string, base: string) => path.resolve(base, expandHome(v, homeDir, platform));
  const fromEnv = envValue(env, 'UV_CACHE_DIR');
  if (fromEnv) return { dir: resolve(fromEnv, homeDir), source: 'UV_CACHE_DIR', noCache };
  const noConfig = TRUE_WORDS.has((envValue(env, 'UV_NO_CONFIG') ?? '').toLowerCase());
  const files: { file: string; cacheDir?: string }[] = [];
  const configFile = envValue(env, 'UV_CONFIG_FILE');
  if (configFile) {
    const text = readSmall(configFile);
    if (text !== undefined) files.push({ file: configFile, cacheDir: uvCacheDirFromToml(text, '').cacheDir });
  } else if (!noConfig) {
    for (const root of roots) {
      const p = projectConfig(root);
      if (p) { files.push(p); break; }
    }
    const user = path.join(envValue(env, 'XDG_CONFIG_HOME') ?? path.join(homeDir, '.config'), 'uv', 'uv.toml');
    const system = [...(envValue(env, 'XDG_CONFIG_DIRS') ?? '/etc/xdg').split(':').filter(Boolean).map((d) => path.join(d, 'uv', 'uv.toml')), '/etc/uv/uv.toml'];
    for (const f of [user, ...system]) {
      const text = readSmall(f);
      if (text !== undefined) files.push({ file: f, cacheDir: uvCacheDirFromToml(text, '').cacheDir });
    }
  }
  const first = files.find((f) => f.cacheDir);
  if (first) return { dir: resolve(first.cacheDir!, path.dirname(first.file)), source: first.file, noCache };
  return { dir: uvCache({ ...env, UV_CACHE_DIR: undefined }, homeDir, platform), source: 'default', noCache };
}
