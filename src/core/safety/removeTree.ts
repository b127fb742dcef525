// Removes a folder and everything below it without following symlinks (a link is removed as a
// link; what it points to is untouched) and without leaving the mount of the target: a nested
// mount point (another device, or a same-device bind mount, even one made while the deletion
// runs) is skipped and reported, never entered. Every folder is opened by descriptor and
// re-checked before anything inside it is touched: same device and inode as the lstat that found
// it, and the same mount id as the target's folder, read from the descriptor just opened (Linux). Per-entry errors are
// collected, not thrown. All calls are fs.promises, so the event loop of the caller (the
// extension host) stays free; entries of one folder are removed a few at a time.
import { promises as fsp, type Dirent, type Stats } from 'fs';
import { DirHandle, joinDisplay } from './dirHandle';
import { t } from '../l10n';

export interface EntryError {
  path: string;
  /** errno code (EACCES, EBUSY, EPERM, ELOOP, ...) or ours: 'mount-point', 'changed'. */
  code: string;
  message: string;
}

export interface RemoveContext {
  /** Device of the scanned root: nothing on another device is touched. */
  rootDev: number;
  /** Mount id of the folder holding the target: every folder entered must be on it (Linux). */
  rootMountId: number | undefined;
  /** Only where mount ids are unavailable: mount points read from the mount table. */
  mountPoints?: ReadonlySet<string>;
  signal?: AbortSignal;
  /** Called for each entry removed (the caller throttles progress). */
  onEntry?: (displayPath: string) => void;
}

export interface RemoveResult {
  /** The folder itself is gone. */
  complete: boolean;
  /** Entries removed (files, links, folders). */
  removedEntries: number;
  errors: EntryError[];
  /** Errors beyond the kept ones are only counted. */
  errorCount: number;
  cancelled: boolean;
}

const MOUNTED_HERE = 'another filesystem or a bind mount is here; not entered, not deleted';
const MOUNTED_DURING = 'a mount was made here during the deletion; what is mounted was not entered, the folder is left';
const MAX_KEPT_ERRORS = 100;
/** Entries of one folder being lstat'ed/unlinked at the same time. */
const CONCURRENCY = 16;

class Run {
  removedEntries = 0;
  errors: EntryError[] = [];
  errorCount = 0;
  constructor(readonly ctx: RemoveContext) {}

  get cancelled(): boolean {
    return this.ctx.signal?.aborted === true;
  }

  fail(path: string, err: unknown, code?: string): void {
    this.errorCount++;
    if (this.errors.length >= MAX_KEPT_ERRORS) return;
    const e = err as NodeJS.ErrnoException;
    this.errors.push({ path, code: code ?? e?.code ?? 'EUNKNOWN', message: withPath(e?.message ?? String(err), path) });
  }

  removed(path: string): void {
    this.removedEntries++;
    this.ctx.onEntry?.(path);
  }
}

/**
 * Removes folder `name` of `parent`, which an lstat just before showed as `seen` (a folder).
 * Returns whether it is gone.
 */
export async function removeTree(parent: DirHandle, name: Buffer, seen: Stats, ctx: RemoveContext): Promise<RemoveResult> {
  const run = new Run(ctx);
  const complete = await removeDir(run, parent, name, seen);
  return { complete, removedEntries: run.removedEntries, errors: run.errors, errorCount: run.errorCount, cancelled: run.cancelled };
}

/** Node's message names the path it was given ('/proc/self/fd/N/x'); show the real one instead. */
export function withPath(message: string, displayPath: string): string {
  return message.replace(/'\/proc\/self\/fd\/.*'/, JSON.stringify(displayPath));
}

async function removeDir(run: Run, parent: DirHandle, name: Buffer, seen: Pick<Stats, 'dev' | 'ino'>): Promise<boolean> {
  const display = joinDisplay(parent.displayPath, name);
  if (run.cancelled) return false;
  if (seen.dev !== run.ctx.rootDev || run.ctx.mountPoints?.has(display)) {
    run.fail(display, { message: t(MOUNTED_HERE) }, 'mount-point');
    return false;
  }
  let dir: DirHandle | undefined;
  try {
    dir = await DirHandle.openChild(parent, name, seen);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true; // removed by someone else meanwhile
    run.fail(display, err);
    return false;
  }
  if (!dir) {
    // Another folder is there now; a mount made on it since the lstat looks the same way.
    if (await mountedNow(run, parent, name)) run.fail(display, { message: t(MOUNTED_HERE) }, 'mount-point');
    else run.fail(display, { message: t('replaced by another folder during deletion; left alone') }, 'changed');
    return false;
  }
  if (run.ctx.rootMountId !== undefined && dir.mountId !== run.ctx.rootMountId) {
    // A mount made here after the lstat above: the open crossed into it. Nothing was read yet.
    await dir.close();
    run.fail(display, { message: t(MOUNTED_HERE) }, 'mount-point');
    return false;
  }
  let complete = true;
  try {
    let entries: Dirent<Buffer>[];
    try {
      entries = await fsp.readdir(dir.base, { encoding: 'buffer', withFileTypes: true });
    } catch (err) {
      run.fail(display, err);
      return false;
    }
    const folders: { name: Buffer; st: Stats }[] = [];
    let next = 0;
    /** lstat of a folder entry: its device and inode are checked again when it is opened. */
    const queueFolder = async (entryName: Buffer, entry: Buffer): Promise<'queued' | 'not-a-folder' | 'gone' | 'failed'> => {
      try {
        const st = await fsp.lstat(entry);
        if (!st.isDirectory()) return 'not-a-folder';
        folders.push({ name: entryName, st });
        return 'queued';
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
        run.fail(joinDisplay(display, entryName), err);
        return 'failed';
      }
    };
    const removeLeaves = async () => {
      while (next < entries.length) {
        if (run.cancelled) { complete = false; return; }
        const dirent = entries[next++];
        const entryName = dirent.name;
        const entry = dir!.entry(entryName);
        if (dirent.isDirectory()) {
          const queued = await queueFolder(entryName, entry);
          if (queued === 'failed') complete = false;
          if (queued !== 'not-a-folder') continue;
        }
        try {
          // unlink never follows a symlink and fails on a folder (EISDIR) if one was swapped in.
          await fsp.unlink(entry);
          run.removed(joinDisplay(display, entryName));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') continue;
          if (code === 'EISDIR' || code === 'EPERM') {
            const queued = await queueFolder(entryName, entry);
            if (queued === 'queued' || queued === 'gone') continue;
            if (queued === 'failed') { complete = false; continue; }
          }
          run.fail(joinDisplay(display, entryName), err);
          complete = false;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, removeLeaves));
    // Sub-folders one at a time: descriptors held stay bounded by the depth of the tree.
    for (const folder of folders) {
      if (run.cancelled) { complete = false; break; }
      if (!(await removeDir(run, dir, folder.name, folder.st))) complete = false;
    }
  } finally {
    await dir.close();
  }
  if (!complete || run.cancelled) return false;
  try {
    await fsp.rmdir(parent.entry(name));
    run.removed(display);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EBUSY' && await mountedNow(run, parent, name)) {
      // Mounted over after we opened it: we emptied the folder underneath (through the
      // descriptor held from before), never what is mounted on top of it.
      run.fail(display, { message: t(MOUNTED_DURING) }, 'mount-point');
      return false;
    }
    run.fail(display, err);
    return false;
  }
}

async function mountedNow(run: Run, parent: DirHandle, name: Buffer): Promise<boolean> {
  if (run.ctx.rootMountId === undefined) return false;
  const id = await DirHandle.mountIdAt(parent, name);
  return id !== undefined && id !== run.ctx.rootMountId;
}
