// A folder held open by file descriptor while the executor works inside it. On Linux every
// entry is then addressed as /proc/self/fd/<fd>/<name>: the kernel resolves that from the folder
// we opened and checked, not from its path again, so renaming or swapping a parent for a symlink
// after the check cannot redirect a deletion elsewhere (the effect of unlinkat(2), which Node
// lacks). Paths stay short, so trees deeper than PATH_MAX can still be removed. Where /proc is
// missing (macOS) entries are addressed by their real path; identity is still checked at open.
import { constants, promises as fsp, type Stats } from 'fs';

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
  ) {}

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
      return new DirHandle(handle, Buffer.from(realPath), realPath, false);
    }
    if (now !== realPath) {
      await handle.close().catch(() => undefined);
      return undefined;
    }
    return new DirHandle(handle, Buffer.from(fdPath), realPath, true);
  }

  /**
   * Opens entry `name` of `parent` as a folder without following a symlink, and checks it is the
   * folder that was seen (same device and inode). Throws ELOOP/ENOTDIR when a symlink or a file
   * is there now; returns undefined when another folder took its place.
   */
  static async openChild(parent: DirHandle, name: Buffer, expect: Pick<Stats, 'dev' | 'ino'>): Promise<DirHandle | undefined> {
    const handle = await fsp.open(parent.entry(name), DIR_NOFOLLOW);
    const st = await handle.stat();
    if (st.dev !== expect.dev || st.ino !== expect.ino) {
      await handle.close().catch(() => undefined);
      return undefined;
    }
    const displayPath = joinDisplay(parent.displayPath, name);
    const base = parent.anchored ? Buffer.from(`/proc/self/fd/${handle.fd}`) : parent.entry(name);
    return new DirHandle(handle, base, displayPath, parent.anchored);
  }
}

/** Path for messages (a name that is not valid UTF-8 shows replacement characters). */
export function joinDisplay(dir: string, name: Buffer | string): string {
  return (dir === '/' ? '' : dir) + '/' + name.toString();
}
