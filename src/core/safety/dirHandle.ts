// A folder held open by file descriptor while the executor works inside it. On Linux every
// entry is then addressed as /proc/self/fd/<fd>/<name>: the kernel resolves that from the folder
// we opened and checked, not from its path again, so renaming or swapping a parent for a symlink
// after the check cannot redirect a deletion elsewhere (the effect of unlinkat(2), which Node
// lacks). Paths stay short, so trees deeper than PATH_MAX can still be removed. Where /proc is
// missing (macOS) entries are addressed by their real path; identity is still checked at open.
// Each handle also records the mount it was opened on (mountId.ts), so a mount that appears while
// the deletion runs is seen when the folder under it is opened, not from a list read earlier.
import { constants, promises as fsp, type Stats } from 'fs';
import { mountIdOf } from './mountId';

const SLASH = Buffer.from('/');
const DIR_NOFOLLOW = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const DIR_FOLLOW = constants.O_RDONLY | constants.O_DIRECTORY;

export class DirHandle {
  private constructor(
    private readonly handle: fsp.FileHandle,
    /** Prefix that addresses entries of this folder ('/proc/self/fd/N' or the real path). */
    readonly base: Buffer,
    /** Real path of the folder (for messages and the mount-point check). */
    readonly displayPath: string,
    readonly anchored: boolean,
    /** Mount id of the opened folder (Linux), read from its descriptor; undefined elsewhere. */
    readonly mountId: number | undefined,
  ) {}

  get fd(): number {
    return this.handle.fd;
  }

  stat(): Promise<Stats> {
    return this.handle.stat();
  }

  /** Address of an entry of this folder, usable with any fs call. */
  entry(name: Buffer): Buffer {
    return Buffer.concat([this.base, SLASH, name]);
  }

  close(): Promise<void> {
    return this.handle.close().catch(() => undefined);
  }

  /**
   * Opens an already resolved folder (no symlinks in `realPath`) and confirms that what was
   * opened is still at that path. Returns undefined when it moved in between.
   */
  static async openReal(realPath: string): Promise<DirHandle | undefined> {
    const handle = await fsp.open(realPath, DIR_FOLLOW);
    const fdPath = `/proc/self/fd/${handle.fd}`;
    let now: string | undefined;
    try {
      now = await fsp.readlink(fdPath);
    } catch {
      // No /proc: address entries by path.
      return new DirHandle(handle, Buffer.from(realPath), realPath, false, undefined);
    }
    if (now !== realPath) {
      await handle.close().catch(() => undefined);
      return undefined;
    }
    return new DirHandle(handle, Buffer.from(fdPath), realPath, true, await mountIdOf(handle.fd));
  }

  /**
   * Opens entry `name` of `parent` as a folder without following a symlink, and (when `expect` is
   * given) checks it is the folder that was seen (same device and inode). Throws ELOOP/ENOTDIR
   * when a symlink or a file is there now; returns undefined when another folder took its place.
   * A mount on `name` is crossed by the open like by any path lookup: compare `mountId`.
   */
  static async openChild(parent: DirHandle, name: Buffer, expect?: Pick<Stats, 'dev' | 'ino'>): Promise<DirHandle | undefined> {
    const handle = await fsp.open(parent.entry(name), DIR_NOFOLLOW);
    if (expect) {
      const st = await handle.stat();
      if (st.dev !== expect.dev || st.ino !== expect.ino) {
        await handle.close().catch(() => undefined);
        return undefined;
      }
    }
    const displayPath = joinDisplay(parent.displayPath, name);
    const base = parent.anchored ? Buffer.from(`/proc/self/fd/${handle.fd}`) : parent.entry(name);
    const mountId = parent.anchored ? await mountIdOf(handle.fd) : undefined;
    return new DirHandle(handle, base, displayPath, parent.anchored, mountId);
  }

  /**
   * The mount id of folder `name` of `parent` right now (opened and closed again), or undefined
   * when it cannot be opened as a folder or the platform cannot tell.
   */
  static async mountIdAt(parent: DirHandle, name: Buffer): Promise<number | undefined> {
    if (!parent.anchored) return undefined;
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(parent.entry(name), DIR_NOFOLLOW);
    } catch {
      return undefined;
    }
    try {
      return await mountIdOf(handle.fd);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

/** Path for messages (a name that is not valid UTF-8 shows replacement characters). */
export function joinDisplay(dir: string, name: Buffer | string): string {
  return (dir === '/' ? '' : dir) + '/' + name.toString();
}
