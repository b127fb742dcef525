// Pure path checks used by the executor: normalised absolute paths, containment, protection.
import * as os from 'os';
import * as path from 'path';
import { promises as fsp } from 'fs';

/** The path without a trailing slash, or undefined when it is not a clean absolute path. */
export function cleanAbsolute(p: string): string | undefined {
  if (typeof p !== 'string' || p.length === 0 || p.includes('\0') || !path.isAbsolute(p)) return undefined;
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') || '/' : p;
  // Reject '..', '.', and '//' segments instead of normalising them away: a plan from our own
  // scans never has them, so one that does was not made by us.
  return path.normalize(trimmed) === trimmed ? trimmed : undefined;
}

/** True when `p` is `dir` or lies below it (both clean absolute paths). */
export function isSameOrInside(p: string, dir: string): boolean {
  if (dir === '/') return p.startsWith('/');
  return p === dir || p.startsWith(dir + '/');
}

/** True when `p` lies below `dir`, not `dir` itself (both clean absolute paths). */
export function isStrictlyInside(p: string, dir: string): boolean {
  return p !== dir && isSameOrInside(p, dir);
}

/** Relative part of `p` below `dir` ('' for dir itself), or undefined when it is not inside. */
export function relativeInside(p: string, dir: string): string | undefined {
  if (p === dir) return '';
  if (dir === '/') return p.startsWith('/') ? p.slice(1) : undefined;
  return p.startsWith(dir + '/') ? p.slice(dir.length + 1) : undefined;
}

/**
 * Paths that must never be deleted, nor anything that contains them: the ones given plus '/', the
 * home folder and the conda env this process runs in, each as written and resolved through symlinks.
 */
export async function resolveProtectedPaths(given: readonly string[] = []): Promise<string[]> {
  const out = new Set<string>(['/']);
  for (const raw of [...given, os.homedir(), process.env.HOME ?? '', process.env.CONDA_PREFIX ?? '']) {
    const clean = cleanAbsolute(raw) ?? (raw && path.isAbsolute(raw) ? path.resolve(raw) : undefined);
    if (!clean) continue;
    out.add(clean);
    try {
      out.add(await fsp.realpath(clean));
    } catch {
      // A protected path that does not exist (yet) is still protected as written.
    }
  }
  return [...out];
}

/** The protected path that `p` is or contains, if any. */
export function protectedBy(p: string, protectedPaths: readonly string[]): string | undefined {
  return protectedPaths.find((prot) => isSameOrInside(prot, p));
}
