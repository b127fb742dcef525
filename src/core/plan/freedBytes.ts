// Exactly how many bytes deleting a set of paths frees. A file's blocks come back only when its
// last link goes: a conda env's files hard-linked from pkgs/, a uv venv's files hard-linked from
// the uv cache, stay on disk when only one side is deleted. So every inode is counted once, and
// an inode with nlink > 1 is freed only when all its links lie inside the deleted paths.
//
// Used when a plan is made (not during the scan): it re-reads the targets, so a plan's bytes
// and identities are those of the disk right now, and a target that changed since the scan is
// measured as it is. Asynchronous with a bounded number of syscalls in flight: it never blocks
// the extension host's event loop, at the price of being slower than the walker's workers; a
// plan covers a few folders, not the whole disk.

import * as fs from 'fs';
import * as path from 'path';
import { formatBytes, formatCount } from '../format';
import { planBytes, type DeletionPlan, type TargetType } from './types';
import { isStrictlyInside } from '../safety/pathGuards';
import { t } from '../l10n';

export interface MeasuredTarget {
  path: string;
  type: TargetType;
  dev: number;
  ino: number;
  /** Disk bytes (st_blocks x 512) this target frees, given all the other targets are deleted too. */
  bytes: number;
  apparentBytes: number;
  files: number;
  /** Disk bytes of files below it that stay on disk because another link lives outside the targets. */
  keptByLinksBytes: number;
  keptByLinksFiles: number;
  /** Set when the path could not be read (it is then not a target): errno code. */
  error?: string;
}

export interface MeasureOptions {
  signal?: AbortSignal;
  /** lstat calls in flight (default 32). */
  concurrency?: number;
}

interface LinkedInode {
  nlink: number;
  seen: number;
  disk: number;
  size: number;
  owner: number;
}

function typeOf(st: fs.Stats): TargetType | undefined {
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFile()) return 'file';
  return undefined;
}

/**
 * Measures each path (not following symlinks) and returns one entry per path, in the same order.
 * Paths inside another given path are measured as part of the outer one only (their entry has 0 bytes).
 */
export async function measureTargets(paths: string[], options: MeasureOptions = {}): Promise<MeasuredTarget[]> {
  const results: MeasuredTarget[] = paths.map((p) => ({
    path: p, type: 'file', dev: 0, ino: 0, bytes: 0, apparentBytes: 0, files: 0, keptByLinksBytes: 0, keptByLinksFiles: 0,
  }));
  const linked = new Map<string, LinkedInode>();
  const concurrency = options.concurrency ?? 32;
  const signal = options.signal;
  const normalized = paths.map((p) => path.resolve(p));
  const nested = normalized.map((p, i) => normalized.some((q, j) => j !== i && isStrictlyInside(p, q)));
  // A path given twice counts once.
  const firstIndex = new Map<string, number>();
  normalized.forEach((p, i) => { if (!firstIndex.has(p)) firstIndex.set(p, i); });

  // Work queue of [owner index, path]; each item is lstat-ed and, when a folder, listed.
  const queue: { owner: number; p: string; top: boolean }[] = [];
  normalized.forEach((p, i) => { if (!nested[i] && firstIndex.get(p) === i) queue.push({ owner: i, p, top: true }); });

  const count = (owner: number, st: fs.Stats) => {
    const r = results[owner];
    const disk = st.blocks * 512;
    if (st.isDirectory() || st.nlink <= 1) {
      r.bytes += disk;
      r.apparentBytes += st.size;
      if (!st.isDirectory()) r.files++;
      return;
    }
    r.files++;
    const key = `${st.dev}:${st.ino}`;
    const entry = linked.get(key);
    // A file linked from several targets is credited to the first of them in the given order (deterministic).
    if (entry) {
      entry.seen++;
      entry.owner = Math.min(entry.owner, owner);
    } else linked.set(key, { nlink: st.nlink, seen: 1, disk, size: st.size, owner });
  };

  const visit = async (item: { owner: number; p: string; top: boolean }) => {
    let st: fs.Stats;
    try {
      st = await fs.promises.lstat(item.p);
    } catch (err) {
      if (item.top) results[item.owner].error = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      return; // vanished below a target: nothing to free there
    }
    if (item.top) {
      const r = results[item.owner];
      const type = typeOf(st);
      if (!type) { r.error = 'EINVAL'; return; }
      r.type = type;
      r.dev = st.dev;
      r.ino = st.ino;
    }
    count(item.owner, st);
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await fs.promises.readdir(item.p);
    } catch (err) {
      if (item.top) results[item.owner].error = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      return;
    }
    for (const name of names) queue.push({ owner: item.owner, p: path.join(item.p, name), top: false });
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = () => {
      if (signal?.aborted) queue.length = 0;
      while (running < concurrency && queue.length) {
        const item = queue.pop()!;
        running++;
        void visit(item).finally(() => { running--; pump(); });
      }
      if (running === 0 && queue.length === 0) resolve();
    };
    pump();
  });
  if (signal?.aborted) throw Object.assign(new Error('measuring the plan was cancelled'), { name: 'AbortError' });

  for (const entry of linked.values()) {
    const r = results[entry.owner];
    if (entry.seen >= entry.nlink) {
      r.bytes += entry.disk;
      r.apparentBytes += entry.size;
    } else {
      r.keptByLinksBytes += entry.disk;
      r.keptByLinksFiles++;
    }
  }
  return results;
}

/**
 * The plan with each target's bytes (and the plan's total) set to what deleting it frees now: a
 * file hard-linked from outside the plan (a `cp -al` backup, a conda env) counts for nothing, and
 * a warning says how much stays on disk. Every category's plans go through this (cache plans are
 * measured when built and carry `bytesMeasured`); the plan's title, when it names the old total,
 * names the new one. A target that cannot be read now keeps 0 bytes (the executor skips it).
 */
export async function withFreedBytes<T extends DeletionPlan>(plan: T, options: MeasureOptions = {}): Promise<T> {
  if (plan.bytesMeasured || !plan.targets.length) return plan;
  const measured = await measureTargets(plan.targets.map((t) => t.path), options);
  const targets = plan.targets.map((t, i) => ({ ...t, bytes: measured[i].error ? 0 : measured[i].bytes }));
  const bytes = planBytes(targets);
  const keptBytes = measured.reduce((s, m) => s + m.keptByLinksBytes, 0);
  const keptFiles = measured.reduce((s, m) => s + m.keptByLinksFiles, 0);
  const warnings = [...(plan.warnings ?? [])];
  if (keptFiles > 0) {
    warnings.push(
      t('{0} in {1} {2}.', formatBytes(keptBytes), formatCount(keptFiles, 'file'), bytes === 0 ? t('are shared with hard links outside this plan: deleting frees nothing') : t('stay on disk: they are hard-linked from outside this plan (a backup made with cp -al, an environment), so deleting frees nothing there')),
    );
  }
  const oldText = formatBytes(plan.bytes);
  const title = plan.bytes !== bytes && plan.title.includes(oldText) ? plan.title.replace(oldText, formatBytes(bytes)) : plan.title;
  return { ...plan, title, targets, bytes, warnings, bytesMeasured: true };
}
