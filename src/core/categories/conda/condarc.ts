// `pkgs_dirs` from conda's configuration files, so a package cache the user moved in .condarc is
// found (and cleaned per install) like the default ones. conda reads its files in a fixed order
// (system, install root, XDG, ~/.config/conda, ~/.conda, ~/.condarc, the active env, $CONDARC),
// each as `.condarc`, `condarc` and `condarc.d/*.yml`; a list setting such as pkgs_dirs is merged,
// the later file's entries first. CONDA_PKGS_DIRS (read in locations.ts) comes before all of them.
// Paths may use `~` and `$VAR` / `${VAR}`, which conda expands.
import * as fs from 'fs';
import * as path from 'path';
import { load as parseYaml } from 'js-yaml';
import { expandHome, type Env } from '../../locations';
import { readErrorCode, safeReadTextSync, SafeReadError } from '../../safeRead';
import { t } from '../../l10n';

const MAX_CONDARC_BYTES = 256 * 1024;

export interface CondarcPkgsDirs {
  pkgsDirs: string[];
  problems: { path: string; message: string }[];
}

/** conda's search path, lowest precedence first, for the folders that can hold config files. */
function searchFolders(env: Env, homeDir: string, rootPrefixes: readonly string[]): string[] {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  return [
    '/etc/conda',
    '/var/lib/conda',
    ...rootPrefixes,
    ...(xdg ? [path.join(xdg, 'conda')] : []),
    path.join(homeDir, '.config', 'conda'),
    path.join(homeDir, '.conda'),
  ];
}

/** The config files conda reads (those in HOME and $CONDARC are the ones a user writes). */
export function condarcFiles(env: Env, homeDir: string, rootPrefixes: readonly string[] = []): string[] {
  const files: string[] = [];
  for (const dir of searchFolders(env, homeDir, rootPrefixes)) files.push(path.join(dir, '.condarc'), path.join(dir, 'condarc'));
  files.push(path.join(homeDir, '.condarc'));
  const prefix = env.CONDA_PREFIX?.trim();
  if (prefix) files.push(path.join(prefix, '.condarc'), path.join(prefix, 'condarc'));
  const condarc = env.CONDARC?.trim();
  if (condarc) files.push(condarc);
  return files;
}

/** `~`, `$VAR` and `${VAR}` as conda expands them in paths (an unknown variable stays as written). */
function expandCondaPath(p: string, env: Env, homeDir: string): string {
  const vars = p.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? whole);
  return path.resolve(homeDir, expandHome(vars, homeDir, 'linux'));
}

/** pkgs_dirs of every config file, highest precedence first; unreadable or malformed files are problems, never fatal. */
export function condarcPkgsDirs(env: Env, homeDir: string, rootPrefixes: readonly string[] = []): CondarcPkgsDirs {
  const problems: CondarcPkgsDirs['problems'] = [];
  const perFile: string[][] = [];
  const files = [...condarcFiles(env, homeDir, rootPrefixes)];
  // condarc.d/*.yml beside each search folder, after that folder's own files (conda's order).
  for (const dir of searchFolders(env, homeDir, rootPrefixes)) {
    const d = path.join(dir, 'condarc.d');
    let names: string[] = [];
    try {
      names = fs.readdirSync(d).filter((n) => /\.ya?ml$/.test(n)).sort();
    } catch {
      continue;
    }
    files.push(...names.map((n) => path.join(d, n)));
  }
  for (const file of files) {
    let text: string;
    try {
      text = safeReadTextSync(file, { maxBytes: MAX_CONDARC_BYTES });
    } catch (err) {
      const code = readErrorCode(err);
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES') problems.push({ path: file, message: err instanceof SafeReadError ? err.reason : t('cannot read: {0}', code) });
      continue;
    }
    let doc: unknown;
    try {
      doc = parseYaml(text, { filename: file, json: true });
    } catch (err) {
      problems.push({ path: file, message: t('not valid YAML: {0}', (err as Error).message.split('\n')[0]) });
      continue;
    }
    const list = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).pkgs_dirs : undefined;
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
      problems.push({ path: file, message: t('pkgs_dirs is not a list of paths: ignored') });
      continue;
    }
    perFile.push((list as string[]).map((p) => expandCondaPath(p.trim(), env, homeDir)));
  }
  return { pkgsDirs: [...new Set(perFile.reverse().flat())], problems };
}
