// DirHandle (dirHandle.ts) for synchronous code: the remover's worker thread, where blocking
// calls cost nothing to the editor and a sync call costs far less than a promise round trip.
// Same rules: a folder is opened by descriptor without following a symlink, checked to be the
// folder that was seen (device and inode), and its entries are addressed through
// /proc/self/fd/<fd>/<name> when the parent was (descriptors belong to the process, so one
// opened on the main thread anchors the worker's calls too). Its mount id is read from the
// descriptor just opened.
import { closeSync, constants, fstatSync, openSync, type Stats } from 'fs';
import { joinDisplay } from './dirHandle';
import { mountIdOfSync } from './mountId';

const SLASH = Buffer.from('/');
const DIR_NOFOLLOW = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** A folder whose entries can be addressed: one held by the main thread, or a SyncDir. */
export interface DirRef {
  /** Prefix that addresses entries of this folder ('/proc/self/fd/N' or the real path). */
  readonly base: Buffer;
  /** `base` as text, where it is valid UTF-8: string paths cost less per call than Buffer ones. */
  readonly baseText?: string;
  /** Real path of the folder (for messages and the mount-point check). */
  readonly displayPath: string;
  readonly anchored: boolean;
}

/** An entry name as read: text where it is valid UTF-8 (the usual case), else its bytes. */
export type EntryName = string | Buffer;

/** Address of an entry of `dir`, usable with any fs call. */
export function entryOf(dir: DirRef, name: EntryName): string | Buffer {
  if (typeof name === 'string') {
    if (dir.baseText !== undefined) return `${dir.baseText}/${name}`;
    return Buffer.concat([dir.base, SLASH, Buffer.from(name)]);
  }
  return Buffer.concat([dir.base, SLASH, name]);
}

/** `base` as text when it round-trips (always for /proc/self/fd/N). */
export function textOf(base: Buffer): string | undefined {
  const text = base.toString();
  return Buffer.byteLength(text) === base.length && !text.includes('\ufffd') ? text : undefined;
}

export class SyncDir implements DirRef {
  readonly baseText: string | undefined;

  private constructor(
    readonly fd: number,
    readonly base: Buffer,
    readonly displayPath: string,
    readonly anchored: boolean,
    /** Mount id of the opened folder (Linux), read from its descriptor; undefined elsewhere. */
    readonly mountId: number | undefined,
  ) {
    this.baseText = textOf(base);
  }

  entry(name: EntryName): string | Buffer {
    return entryOf(this, name);
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed: nothing held
    }
  }

  /**
   * Opens entry `name` of `parent` as a folder without following a symlink and checks it is the
   * folder that was seen (same device and inode). Throws ELOOP/ENOTDIR when a symlink or a file
   * is there now; returns undefined when another folder took its place. A mount on `name` is
   * crossed by the open like by any path lookup: compare `mountId`.
   */
  static openChild(parent: DirRef, name: EntryName, expect: Pick<Stats, 'dev' | 'ino'>): SyncDir | undefined {
    const fd = openSync(entryOf(parent, name), DIR_NOFOLLOW);
    let st: Stats;
    try {
      st = fstatSync(fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    if (st.dev !== expect.dev || st.ino !== expect.ino) {
      closeSync(fd);
      return undefined;
    }
    const displayPath = joinDisplay(parent.displayPath, name);
    const entry = entryOf(parent, name);
    const base = parent.anchored ? Buffer.from(`/proc/self/fd/${fd}`) : Buffer.isBuffer(entry) ? entry : Buffer.from(entry);
    const mountId = parent.anchored ? mountIdOfSync(fd) : undefined;
    return new SyncDir(fd, base, displayPath, parent.anchored, mountId);
  }

  /**
   * The mount id of folder `name` of `parent` right now (opened and closed again), or undefined
   * when it cannot be opened as a folder or the platform cannot tell.
   */
  static mountIdAt(parent: DirRef, name: EntryName): number | undefined {
    if (!parent.anchored) return undefined;
    let fd: number;
    try {
      fd = openSync(entryOf(parent, name), DIR_NOFOLLOW);
    } catch {
      return undefined;
    }
    try {
      return mountIdOfSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
