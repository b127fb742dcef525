// Real temp trees for deletion tests, and plans built from real lstat identities.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DeletionPlan, DeletionTarget, TargetType } from '../../src/core/plan/types';
import { tempFolder } from './tempFolder';

export interface Sandbox {
  /** The temp folder holding everything (snapshot this). */
  dir: string;
  /** The scanned root. */
  root: string;
  /** A folder outside the root (symlink targets, swapped-in folders). */
  outside: string;
  cleanup(): void;
}

export function makeSandbox(prefix = 'mlds-exec-', base = os.tmpdir()): Sandbox {
  const { dir, cleanup } = tempFolder(prefix, base);
  const root = path.join(dir, 'root');
  const outside = path.join(dir, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  return {
    dir, root, outside,
    cleanup,
  };
}

/** Writes a file (creating parents) with `size` bytes of deterministic content, or the given text. */
export function writeFile(p: string, content: string | number = 'x'): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, typeof content === 'number' ? Buffer.alloc(content, path.basename(p)) : content);
  return p;
}

export function typeOfStat(st: fs.Stats): TargetType {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  return 'file';
}

/** Disk usage of a path as the walker counts it (blocks x 512, links not followed). */
export function diskBytes(p: string): number {
  const st = fs.lstatSync(p);
  let sum = st.blocks * 512;
  if (st.isDirectory()) for (const name of fs.readdirSync(p)) sum += diskBytes(path.join(p, name));
  return sum;
}

/** A target with the identity the path has right now (as a scan would record it). */
export function targetOf(p: string, root: string, extra: Partial<DeletionTarget> = {}): DeletionTarget {
  const st = fs.lstatSync(p);
  return { path: p, root, dev: st.dev, ino: st.ino, type: typeOfStat(st), bytes: diskBytes(p), ...extra };
}

export function planOf(targets: DeletionTarget[], extra: Partial<DeletionPlan> = {}): DeletionPlan {
  return { title: 'test plan', scannedAt: Date.now(), targets, bytes: targets.reduce((s, t) => s + t.bytes, 0), ...extra };
}

export const exists = (p: string) => {
  try { fs.lstatSync(p); return true; } catch { return false; }
};
