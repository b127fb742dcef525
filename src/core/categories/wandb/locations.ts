// Where Weights & Biases keeps things, decided as wandb decides (wandb/env.py, wandb_settings.py):
//   - the artifact cache: WANDB_CACHE_DIR, else platformdirs.user_cache_dir("wandb")
//     ($XDG_CACHE_HOME/wandb or ~/.cache/wandb; ~/Library/Caches/wandb on macOS);
//   - the data dir: WANDB_DATA_DIR, else platformdirs.user_data_dir("wandb") ($XDG_DATA_HOME/wandb
//     or ~/.local/share/wandb; ~/Library/Application Support/wandb on macOS); artifact files wait
//     for upload in <data dir>/artifacts/staging;
//   - run folders: <dir>/wandb/ (or <dir>/.wandb/ when that exists), where <dir> is WANDB_DIR or
//     the folder the script ran in.
// Pure functions of the environment; the scanner checks what exists.
import * as fs from 'fs';
import * as path from 'path';
import { expandHome, xdgCacheHome, type Env } from '../../locations';

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}

/** `~` expanded; a relative value is anchored at HOME (the script's folder is unknown to us). */
function resolved(value: string, homeDir: string): string {
  const expanded = expandHome(value, homeDir, 'linux');
  return path.normalize(path.isAbsolute(expanded) ? expanded : path.join(homeDir, expanded));
}

export function wandbCacheDir(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'WANDB_CACHE_DIR');
  if (v) return resolved(v, homeDir);
  if (platform === 'darwin') return path.join(homeDir, 'Library', 'Caches', 'wandb');
  return path.join(xdgCacheHome(env, homeDir, platform), 'wandb');
}

export function wandbDataDir(env: Env, homeDir: string, platform: NodeJS.Platform): string {
  const v = envValue(env, 'WANDB_DATA_DIR');
  if (v) return resolved(v, homeDir);
  if (platform === 'darwin') return path.join(homeDir, 'Library', 'Application Support', 'wandb');
  const xdg = envValue(env, 'XDG_DATA_HOME');
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homeDir, '.local', 'share'), 'wandb');
}

/** wandb's artifact staging folder inside the data dir (wandb/sdk/artifacts/staging.py). */
export function wandbStagingDir(dataDir: string): string {
  return path.join(dataDir, 'artifacts', 'staging');
}

/** Names of sub-folders not looked into for run folders (they never hold a script's working folder). */
const SKIPPED_CHILDREN = new Set(['node_modules', '__pycache__', 'site-packages']);
/** A folder with more entries than this is not searched one level down (a dataset folder, not a project). */
const MAX_CHILDREN_LISTED = 2000;

/**
 * Folders that may hold run folders: <WANDB_DIR>/wandb and /.wandb, and for each workspace root
 * <root>/wandb, <root>/.wandb and <root>/<child>/wandb (scripts started from a sub-folder such as
 * scripts/ or outputs/). Deeper ones are counted in the workspace category like any folder.
 */
export async function wandbRunDirCandidates(env: Env, homeDir: string, roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const wandbDir = envValue(env, 'WANDB_DIR');
  if (wandbDir) {
    const base = resolved(wandbDir, homeDir);
    out.push(path.join(base, 'wandb'), path.join(base, '.wandb'));
  }
  for (const root of roots) {
    out.push(path.join(root, 'wandb'), path.join(root, '.wandb'));
    let entries: fs.Dirent[] = [];
    try {
      const dir = await fs.promises.opendir(root);
      for await (const e of dir) {
        entries.push(e);
        if (entries.length > MAX_CHILDREN_LISTED) { entries = []; break; }
      }
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIPPED_CHILDREN.has(e.name) && e.name !== 'wandb') out.push(path.join(root, e.name, 'wandb'));
    }
  }
  return [...new Set(out)];
}
