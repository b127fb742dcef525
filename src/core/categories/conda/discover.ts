// Finds conda / mamba / micromamba environments and package caches on disk, from the candidate
// locations of locations.ts: install roots (base prefixes), every envs dir, the envs conda
// registered in ~/.conda/environments.txt, and the active CONDA_PREFIX. An env is a folder holding
// conda-meta/. Reads only folder listings and one small text file.

import * as fs from 'fs';
import * as path from 'path';
import { existingDir } from '../../scan/walkHelpers';
import { condaLocations, type Env } from '../../locations';
import { condarcPkgsDirs } from './condarc';
import { readErrorCode, safeReadText, SafeReadError } from '../../safeRead';
import { t } from '../../l10n';

export interface CondaEnv {
  /** Real path of the prefix. */
  prefix: string;
  /** 'base' for an install root, else the folder name (conda's env name). */
  name: string;
  /** An install root (it holds envs/, pkgs/ or condabin/): never removed. */
  isBase: boolean;
  /** The env CONDA_PREFIX names: never removed. */
  isActive: boolean;
  /** Where the env was found: 'root', 'envs dir', 'environments.txt', 'CONDA_PREFIX'. */
  foundBy: string[];
}

export interface CondaInstall {
  envs: CondaEnv[];
  /** Existing package caches (real paths). */
  pkgsDirs: string[];
  /** Existing install roots (real paths), base env or not (a micromamba root often has no base env). */
  roots: string[];
  /** Real path of CONDA_PREFIX when it exists. */
  activePrefix?: string;
  problems: { path: string; message: string }[];
}

const MAX_ENVIRONMENTS_TXT = 1024 * 1024;

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.promises.lstat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** True when `prefix` holds conda-meta/ (a real folder, not a symlink). */
export async function isCondaPrefix(prefix: string): Promise<boolean> {
  return isDir(path.join(prefix, 'conda-meta'));
}

/** An install root holds other envs, a package cache or conda's own launcher folder. */
export async function looksLikeInstallRoot(prefix: string): Promise<boolean> {
  for (const sub of ['envs', 'pkgs', 'condabin']) if (await isDir(path.join(prefix, sub))) return true;
  return false;
}

/** The prefixes listed in environments.txt: one per line; blank lines and '#' comments skipped. */
export function parseEnvironmentsTxt(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

export async function discoverConda(env: Env, homeDir: string, platform: NodeJS.Platform): Promise<CondaInstall> {
  const loc = condaLocations(env, homeDir, platform);
  const problems: CondaInstall['problems'] = [];
  const envs = new Map<string, CondaEnv>();
  const roots = new Set<string>();

  const realHome = (await existingDir(homeDir)) ?? homeDir;
  const addEnv = async (candidate: string, foundBy: string): Promise<void> => {
    const prefix = await existingDir(candidate);
    if (!prefix || !(await isCondaPrefix(prefix))) return;
    // A hand-edited environments.txt naming / or HOME (or a folder above HOME) is not an env to size or remove.
    if (prefix === path.parse(prefix).root || realHome === prefix || realHome.startsWith(prefix + path.sep)) {
      problems.push({ path: prefix, message: t('listed as a conda environment, but it is / or holds HOME: ignored') });
      return;
    }
    const existing = envs.get(prefix);
    if (existing) {
      if (!existing.foundBy.includes(foundBy)) existing.foundBy.push(foundBy);
      return;
    }
    envs.set(prefix, { prefix, name: path.basename(prefix), isBase: false, isActive: false, foundBy: [foundBy] });
  };

  for (const candidate of loc.rootPrefixes) {
    const root = await existingDir(candidate);
    if (!root) continue;
    if (!(await isCondaPrefix(root)) && !(await looksLikeInstallRoot(root))) continue;
    roots.add(root);
    await addEnv(root, 'root');
  }

  let listed: string[] = [];
  try {
    listed = parseEnvironmentsTxt(await safeReadText(loc.environmentsTxt, { maxBytes: MAX_ENVIRONMENTS_TXT }));
  } catch (err) {
    const code = readErrorCode(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') problems.push({ path: loc.environmentsTxt, message: err instanceof SafeReadError ? err.reason : t('cannot read: {0}', code) });
  }
  for (const p of listed) {
    if (!path.isAbsolute(p)) continue;
    await addEnv(p, 'environments.txt');
    // A listed prefix that is an install root brings its envs/ and pkgs/.
    const real = await existingDir(p);
    if (real && (await looksLikeInstallRoot(real))) roots.add(real);
  }

  const envsDirs = new Set(loc.envsDirs);
  for (const root of roots) envsDirs.add(path.join(root, 'envs'));
  for (const dir of envsDirs) {
    const real = await existingDir(dir);
    if (!real) continue;
    let names: string[] = [];
    try {
      names = await fs.promises.readdir(real);
    } catch (err) {
      problems.push({ path: real, message: t('cannot list: {0}', (err as NodeJS.ErrnoException).code) });
    }
    for (const name of names) await addEnv(path.join(real, name), 'envs dir');
  }

  const activePrefix = loc.activePrefix ? await existingDir(loc.activePrefix) : undefined;
  if (activePrefix) await addEnv(activePrefix, 'CONDA_PREFIX');

  for (const e of envs.values()) {
    e.isBase = roots.has(e.prefix) || (await looksLikeInstallRoot(e.prefix));
    if (e.isBase) {
      e.name = 'base';
      roots.add(e.prefix);
    }
    e.isActive = e.prefix === activePrefix;
  }

  // pkgs_dirs the user set in .condarc (a cache moved to a data disk) come first, as conda orders them.
  const condarc = condarcPkgsDirs(env, homeDir, [...roots]);
  problems.push(...condarc.problems);
  const pkgsCandidates = new Set([...condarc.pkgsDirs, ...loc.pkgsDirs]);
  for (const root of roots) pkgsCandidates.add(path.join(root, 'pkgs'));
  const pkgsDirs = new Set<string>();
  for (const p of pkgsCandidates) {
    const real = await existingDir(p);
    if (real) pkgsDirs.add(real);
  }
  const sortedEnvs = [...envs.values()].sort((a, b) => Number(b.isBase) - Number(a.isBase) || a.prefix.localeCompare(b.prefix));
  return { envs: sortedEnvs, pkgsDirs: [...pkgsDirs].sort(), roots: [...roots].sort(), activePrefix, problems };
}

/** python version from conda-meta/python-<version>-<build>.json (python_abi, python-dateutil... do not match). */
export async function pythonVersionOf(prefix: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await fs.promises.readdir(path.join(prefix, 'conda-meta'));
  } catch {
    return undefined;
  }
  for (const name of names) {
    const v = pythonVersionFromMetaName(name);
    if (v) return v;
  }
  return undefined;
}

export function pythonVersionFromMetaName(name: string): string | undefined {
  const m = /^python-(\d+(?:\.\d+)*[a-z0-9.+]*)-[^-]+\.json$/i.exec(name);
  return m ? m[1] : undefined;
}

const MAX_META_BYTES = 4 * 1024 * 1024;

/**
 * Packages environments use through softlinks: conda-meta/<record>.json says
 * `"link": {"source": <extracted package folder>, "type": 2}` (1 hard link, 2 softlink, 3 copy).
 * Such a package has no file with a link count > 1, so conda's own rule calls it unused, and
 * removing it leaves the env with dangling links. Returns package folder -> env prefixes.
 */
export async function softlinkedPackages(prefixes: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const prefix of prefixes) {
    const meta = path.join(prefix, 'conda-meta');
    let names: string[];
    try {
      names = (await fs.promises.readdir(meta)).filter((n) => n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      let text: string;
      try {
        text = await safeReadText(path.join(meta, name), { maxBytes: MAX_META_BYTES, followSymlinks: false });
      } catch {
        continue;
      }
      let link: unknown;
      try {
        link = (JSON.parse(text) as { link?: unknown })?.link;
      } catch {
        continue;
      }
      const l = link as { source?: unknown; type?: unknown } | undefined;
      if (!l || typeof l.source !== 'string' || Number(l.type) !== 2 || !path.isAbsolute(l.source)) continue;
      const source = (await existingDir(l.source)) ?? path.resolve(l.source);
      out.set(source, [...new Set([...(out.get(source) ?? []), prefix])]);
    }
  }
  return out;
}
