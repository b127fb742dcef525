// Where pip keeps its cache, decided the way pip decides it (`pip config debug` lists the order):
// configuration files first, later ones overriding earlier ones -
//   global: each $XDG_CONFIG_DIRS entry (default /etc/xdg) + /pip/pip.conf, then /etc/pip.conf;
//   user:   ~/.pip/pip.conf (legacy), then $XDG_CONFIG_HOME/pip/pip.conf (~/.config/pip/pip.conf),
//           skipped when PIP_CONFIG_FILE names an existing file;
//   site:   $VIRTUAL_ENV/pip.conf;
//   env:    the file PIP_CONFIG_FILE names (PIP_CONFIG_FILE=/dev/null: no file is read at all);
// then the environment: PIP_CACHE_DIR, and PIP_NO_CACHE_DIR (any value disables the cache, as in
// pip). In a file, `[global]` is read and then `[cache]` (the section of the `pip cache` command,
// which is what `pip cache dir` shows); keys are matched like pip (case, `_` for `-`, `--` prefix).
// macOS and Windows use their own user folders (~/Library/Application Support/pip, %APPDATA%\pip).

import * as fs from 'fs';
import { safeReadTextSync } from '../../safeRead';
import * as path from 'path';
import { expandHome, pipCache, type Env } from '../../locations';
import { t } from '../../l10n';

export interface PipCacheSetting {
  /** The cache folder pip uses, or undefined when the cache is disabled. */
  dir?: string;
  /** Why the cache is off (PIP_NO_CACHE_DIR or no-cache-dir in a file). */
  disabledBy?: string;
  /** Where the setting came from: a file path, an environment variable, or 'default'. */
  source: string;
}

const MAX_CONFIG_BYTES = 256 * 1024;
/** Values pip's strtobool accepts; any of them in PIP_NO_CACHE_DIR disables the cache. */
const BOOL_WORDS = new Set(['y', 'yes', 't', 'true', 'on', '1', 'n', 'no', 'f', 'false', 'off', '0']);

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v !== undefined && v !== '' ? v : undefined;
}

/** pip's key normalisation: lower case, '_' -> '-', no leading '--'. */
function normalizeKey(key: string): string {
  const k = key.trim().toLowerCase().replace(/_/g, '-');
  return k.startsWith('--') ? k.slice(2) : k;
}

/** An INI file as configparser reads it: sections -> keys -> values (continuation lines joined). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) { lastKey = raw.trim() === '' ? undefined : lastKey; continue; }
    const section = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      current = sections.get(section[1]) ?? new Map();
      sections.set(section[1], current);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey)}\n${raw.trim()}`.trim());
      continue;
    }
    const kv = /^([^=:]+)[=:](.*)$/.exec(raw);
    if (!kv || !current) continue;
    lastKey = normalizeKey(kv[1]);
    current.set(lastKey, kv[2].trim());
  }
  return sections;
}

function readSmallFile(p: string): string | undefined {
  try {
    return safeReadTextSync(p, { maxBytes: MAX_CONFIG_BYTES, overCap: 'truncate' });
  } catch {
    return undefined;
  }
}

/** The configuration files pip reads, in the order it reads them (later ones win). */
export function pipConfigFiles(env: Env, homeDir: string, platform: NodeJS.Platform): string[] {
  const configFile = envValue(env, 'PIP_CONFIG_FILE');
  if (configFile === '/dev/null' || (platform === 'win32' && configFile?.toLowerCase() === 'nul')) return [];
  const api = platform === 'win32' ? path.win32 : path.posix;
  const files: string[] = [];
  if (platform === 'win32') {
    files.push(api.join(envValue(env, 'ProgramData') ?? 'C:\\ProgramData', 'pip', 'pip.ini'));
  } else if (platform === 'darwin') {
    files.push('/Library/Application Support/pip/pip.conf');
  } else {
    const dirs = (envValue(env, 'XDG_CONFIG_DIRS') ?? '/etc/xdg').split(':').filter(Boolean);
    for (const d of dirs) files.push(api.join(d, 'pip', 'pip.conf'));
    files.push('/etc/pip.conf');
  }
  const envFileExists = configFile !== undefined && fs.existsSync(configFile);
  if (!envFileExists) {
    const name = platform === 'win32' ? 'pip.ini' : 'pip.conf';
    files.push(api.join(homeDir, platform === 'win32' ? 'pip' : '.pip', name));
    if (platform === 'win32') files.push(api.join(envValue(env, 'APPDATA') ?? api.join(homeDir, 'AppData', 'Roaming'), 'pip', name));
    else if (platform === 'darwin') files.push(api.join(homeDir, 'Library', 'Application Support', 'pip', name));
    else files.push(api.join(envValue(env, 'XDG_CONFIG_HOME') ?? api.join(homeDir, '.config'), 'pip', name));
  }
  const venv = envValue(env, 'VIRTUAL_ENV');
  if (venv) files.push(api.join(venv, platform === 'win32' ? 'pip.ini' : 'pip.conf'));
  if (configFile !== undefined) files.push(configFile);
  return files;
}

/** pip's cache folder (or that it is off), from its config files and environment. */
export function pipCacheSetting(env: Env, homeDir: string, platform: NodeJS.Platform): PipCacheSetting {
  let setting: PipCacheSetting = { dir: pipCache({ ...env, PIP_CACHE_DIR: undefined }, homeDir, platform), source: 'default' };
  const apply = (key: string, value: string, source: string) => {
    if (key === 'cache-dir' && value) setting = { dir: path.resolve(homeDir, expandHome(value, homeDir, platform)), source };
    else if (key === 'no-cache-dir') setting = { disabledBy: t('no-cache-dir in {0}', source), source };
  };
  for (const file of pipConfigFiles(env, homeDir, platform)) {
    const text = readSmallFile(file);
    if (text === undefined) continue;
    const ini = parseIni(text);
    for (const section of ['global', 'cache']) {
      for (const [key, value] of ini.get(section) ?? []) apply(key, value, file);
    }
  }
  const cacheDir = envValue(env, 'PIP_CACHE_DIR');
  if (cacheDir) apply('cache-dir', cacheDir, 'PIP_CACHE_DIR');
  const noCache = envValue(env, 'PIP_NO_CACHE_DIR');
  if (noCache !== undefined && BOOL_WORDS.has(noCache.trim().toLowerCase())) setting = { disabledBy: 'PIP_NO_CACHE_DIR', source: 'PIP_NO_CACHE_DIR' };
  return setting;
}
