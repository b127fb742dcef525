// Which live processes use a file: a mapping in /proc/<pid>/maps or an open descriptor in
// /proc/<pid>/fd. A /dev/shm segment is in use while either exists (a DataLoader worker maps its
// batch; a process may hold the fd of a segment it has not mapped yet). Processes whose /proc
// entries cannot be read (another user's, without privileges) are listed, so callers can refuse
// to call a file unused when such a process might be the one using it.
import { promises as fsp } from 'fs';

export interface UnreadableProcess {
  pid: number;
  uid: number;
}

export interface FileUsers {
  /** "dev:ino" -> pids that map or hold the file. */
  users: Map<string, Set<number>>;
  unreadable: UnreadableProcess[];
}

export const fileKey = (dev: number, ino: number) => `${dev}:${ino}`;

/** The kernel's dev_t from the "MAJ:MIN" (hex) of a maps line (glibc makedev). */
export function devFromMaps(field: string): number {
  const [maj, min] = field.split(':').map((h) => parseInt(h, 16));
  if (!Number.isFinite(maj) || !Number.isFinite(min)) return NaN;
  return (min & 0xff) + (maj & 0xfff) * 256 + Math.floor(min / 256) * 0x100000 + Math.floor(maj / 0x1000) * 0x100000000;
}

async function uidOf(pid: number): Promise<number> {
  try {
    const status = await fsp.readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
  } catch {
    return -1;
  }
}

/**
 * Users of the files on device `dev` (st_dev of the folder inspected), from every process this
 * user may inspect. `procRoot` is for tests only.
 */
export async function findFileUsers(dev: number, procRoot = '/proc'): Promise<FileUsers> {
  const users = new Map<string, Set<number>>();
  const unreadable: UnreadableProcess[] = [];
  const add = (key: string, pid: number) => {
    let set = users.get(key);
    if (!set) users.set(key, (set = new Set()));
    set.add(pid);
  };
  let entries: string[];
  try {
    entries = await fsp.readdir(procRoot);
  } catch {
    return { users, unreadable };
  }
  const self = process.pid;
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === self) continue;
    let blocked = false;
    try {
      const maps = await fsp.readFile(`${procRoot}/${pid}/maps`, 'utf8');
      for (const line of maps.split('\n')) {
        // address perms offset dev inode [path]
        const f = line.split(/\s+/, 6);
        if (f.length < 5 || f[4] === '0') continue;
        if (devFromMaps(f[3]) === dev) add(fileKey(dev, Number(f[4])), pid);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') continue; // exited meanwhile
      blocked = true;
    }
    try {
      const fds = await fsp.readdir(`${procRoot}/${pid}/fd`);
      for (const fd of fds) {
        try {
          const st = await fsp.stat(`${procRoot}/${pid}/fd/${fd}`);
          if (st.dev === dev) add(fileKey(st.dev, st.ino), pid);
        } catch { /* closed meanwhile, or a socket/pipe we cannot stat */ }
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') continue;
      blocked = true;
    }
    if (blocked) unreadable.push({ pid, uid: await uidOf(pid) });
  }
  return { users, unreadable };
}
