// Removes a folder and everything below it without following symlinks (a link is removed as a
// link; what it points to is untouched) and without leaving the mount of the target: a nested
// mount point (another device, or a same-device bind mount, even one made while the deletion
// runs) is skipped and reported, never entered. Every folder is opened by descriptor and
// re-checked before anything inside it is touched: same device and inode as the lstat that found
// it, and the same mount id as the target's folder, read from the descriptor just opened (Linux). Per-entry errors are
// collected, not thrown.
//
// The calls are synchronous: this runs in a worker thread (treeRemover.ts), where a sync call
// costs a few microseconds against a promise round trip per entry, so deleting keeps pace with
// `rm -rf` while the caller's event loop (the extension host) stays free. Between entries it
// asks whether it was cancelled and, now and then, reports the entry just removed; the worker
// waits there until the main thread has seen it (treeRemover.ts).
import { lstatSync, readdirSync, rmdirSync, unlinkSync, type Dirent, type Stats } from 'fs';
import { joinDisplay } from './dirHandle';
import { entryOf, SyncDir, type DirRef, type EntryName } from './syncDirHandle';

export interface EntryError {
  path: string;
  /** errno code (EACCES, EBUSY, EPERM, ELOOP, ...) or ours: 'mount-point', 'changed'. */
  code: string;
  message: string;
}

/** The guards a deletion works under, fixed when its target was re-validated. */
export interface RemoveGuards {
  /** Device of the scanned root: nothing on another device is touched. */
  rootDev: number;
  /** Mount id of the folder holding the target: every folder entered must be on it (Linux). */
  rootMountId: number | undefined;
  /** Only where mount ids are unavailable: mount points read from the mount table. */
  mountPoints?: ReadonlySet<string>;
}

export interface RemoveContext extends RemoveGuards {
  signal?: AbortSignal;
  /**
   * Called with an entry just removed, at most every `progressIntervalMs` (0: every entry); the
   * remover goes on only after it returns, so what it sees (and a cancel it causes) is exact.
   */
  onEntry?: (displayPath: string) => void;
  progressIntervalMs?: number;
}

/** What the synchronous remover asks of whoever runs it. */
export interface RemoveHooks {
  /** Checked before every entry: true stops the deletion there. */
  cancelled(): boolean;
  /**
   * Called after each entry removed (the runner throttles and may pause here): entry `name` of
   * folder `dir` (display paths), or folder `dir` itself when `name` is undefined. The path is
   * joined only when the runner reports it: a string per entry costs.
   */
  removed(dir: string, name?: EntryName): void;
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

class Run {
  removedEntries = 0;
  errors: EntryError[] = [];
  errorCount = 0;
  private stopped = false;
  constructor(
    readonly ctx: RemoveGuards,
    private readonly hooks: RemoveHooks,
  ) {}

  get cancelled(): boolean {
    if (!this.stopped && this.hooks.cancelled()) this.stopped = true;
    return this.stopped;
  }

  fail(path: string, err: unknown, code?: string): void {
    this.errorCount++;
    if (this.errors.length >= MAX_KEPT_ERRORS) return;
    const e = err as NodeJS.ErrnoException;
    this.errors.push({ path, code: code ?? e?.code ?? 'EUNKNOWN', message: withPath(e?.message ?? String(err), path) });
  }

  removed(display: string, name?: EntryName): void {
    this.removedEntries++;
    this.hooks.removed(display, name);
  }
}

/**
 * Removes folder `name` of `parent`, which an lstat just before showed as `seen` (a folder),
 * synchronously (meant for a worker thread: treeRemover.ts runs it there).
 */
export function removeTreeSync(parent: DirRef, name: EntryName, seen: Pick<Stats, 'dev' | 'ino'>, ctx: RemoveGuards, hooks: RemoveHooks): RemoveResult {
  const run = new Run(ctx, hooks);
  const complete = removeDir(run, parent, name, seen);
  return { complete, removedEntries: run.removedEntries, errors: run.errors, errorCount: run.errorCount, cancelled: run.cancelled };
}

/** Node's message names the path it was given ('/proc/self/fd/N/x'); show the real one instead. */
export function withPath(message: string, displayPath: string): string {
  return message.replace(/'\/proc\/self\/fd\/.*'/, JSON.stringify(displayPath));
}

const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * The entries of a folder, named as text (cheaper to pass to every fs call) unless a name is not
 * valid UTF-8 (decoding shows U+FFFD): then the folder is listed again with names as bytes.
 */
function listEntries(base: Buffer): Dirent<EntryName>[] {
  const entries = readdirSync(base, { withFileTypes: true });
  for (const e of entries) if (e.name.includes('\ufffd')) return readdirSync(base, { encoding: 'buffer', withFileTypes: true });
  return entries;
}

function removeDir(run: Run, parent: DirRef, name: EntryName, seen: Pick<Stats, 'dev' | 'ino'>): boolean {
  const display = joinDisplay(parent.displayPath, name);
  if (run.cancelled) return false;
  if (seen.dev !== run.ctx.rootDev || run.ctx.mountPoints?.has(display)) {
    run.fail(display, { message: MOUNTED_HERE }, 'mount-point');
    return false;
  }
  let dir: SyncDir | undefined;
  try {
    dir = SyncDir.openChild(parent, name, seen);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return true; // removed by someone else meanwhile
    run.fail(display, err);
    return false;
  }
  if (!dir) {
    // Another folder is there now; a mount made on it since the lstat looks the same way.
    if (mountedNow(run, parent, name)) run.fail(display, { message: MOUNTED_HERE }, 'mount-point');
    else run.fail(display, { message: 'replaced by another folder during deletion; left alone' }, 'changed');
    return false;
  }
  if (run.ctx.rootMountId !== undefined && dir.mountId !== run.ctx.rootMountId) {
    // A mount made here after the lstat above: the open crossed into it. Nothing was read yet.
    dir.close();
    run.fail(display, { message: MOUNTED_HERE }, 'mount-point');
    return false;
  }
  let complete = true;
  try {
    let entries: Dirent<EntryName>[];
    try {
      entries = listEntries(dir.base);
    } catch (err) {
      run.fail(display, err);
      return false;
    }
    const folders: { name: EntryName; st: Stats }[] = [];
    /** lstat of a folder entry: its device and inode are checked again when it is opened. */
    const queueFolder = (entryName: EntryName, entry: string | Buffer): 'queued' | 'not-a-folder' | 'gone' | 'failed' => {
      try {
        const st = lstatSync(entry);
        if (!st.isDirectory()) return 'not-a-folder';
        folders.push({ name: entryName, st });
        return 'queued';
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') return 'gone';
        run.fail(joinDisplay(display, entryName), err);
        return 'failed';
      }
    };
    for (const dirent of entries) {
      if (run.cancelled) { complete = false; break; }
      const entryName = dirent.name;
      const entry = dir.entry(entryName);
      if (dirent.isDirectory()) {
        const queued = queueFolder(entryName, entry);
        if (queued === 'failed') complete = false;
        if (queued !== 'not-a-folder') continue;
      }
      try {
        // unlink never follows a symlink and fails on a folder (EISDIR) if one was swapped in.
        unlinkSync(entry);
        run.removed(display, entryName);
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'ENOENT') continue;
        if (code === 'EISDIR' || code === 'EPERM') {
          const queued = queueFolder(entryName, entry);
          if (queued === 'queued' || queued === 'gone') continue;
          if (queued === 'failed') { complete = false; continue; }
        }
        run.fail(joinDisplay(display, entryName), err);
        complete = false;
      }
    }
    // Sub-folders one at a time: descriptors held stay bounded by the depth of the tree.
    for (const folder of folders) {
      if (run.cancelled) { complete = false; break; }
      if (!removeDir(run, dir, folder.name, folder.st)) complete = false;
    }
  } finally {
    dir.close();
  }
  if (!complete || run.cancelled) return false;
  try {
    rmdirSync(entryOf(parent, name));
    run.removed(display);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EBUSY' && mountedNow(run, parent, name)) {
      // Mounted over after we opened it: we emptied the folder underneath (through the
      // descriptor held from before), never what is mounted on top of it.
      run.fail(display, { message: MOUNTED_DURING }, 'mount-point');
      return false;
    }
    run.fail(display, err);
    return false;
  }
}

function mountedNow(run: Run, parent: DirRef, name: EntryName): boolean {
  if (run.ctx.rootMountId === undefined) return false;
  const id = SyncDir.mountIdAt(parent, name);
  return id !== undefined && id !== run.ctx.rootMountId;
}
