// Which mount an open file descriptor lies on. Linux shows it as `mnt_id:` in
// /proc/self/fdinfo/<fd> (since 3.15). A bind mount of a folder from the same filesystem keeps
// st_dev and inode numbers that look ordinary, and a mount table read earlier does not list a
// mount made since; the mount id of a folder *as opened* tells, at that moment, whether it is
// still on the mount the deletion started from. Undefined where the platform has no fdinfo.
import { promises as fsp, readFileSync } from 'fs';

const MNT_ID = /^mnt_id:\s*(\d+)\s*$/m;

export function parseMountId(fdinfo: string): number | undefined {
  const m = MNT_ID.exec(fdinfo);
  return m ? Number(m[1]) : undefined;
}

export async function mountIdOf(fd: number): Promise<number | undefined> {
  try {
    return parseMountId(await fsp.readFile(`/proc/self/fdinfo/${fd}`, 'latin1'));
  } catch {
    return undefined;
  }
}

let available: Promise<boolean> | undefined;

/** Whether this platform shows mount ids (checked once, on a descriptor of '/'). */
export function mountIdsAvailable(): Promise<boolean> {
  available ??= fsp.open('/', 'r').then(async (h) => {
    try { return (await mountIdOf(h.fd)) !== undefined; } finally { await h.close(); }
  }, () => false);
  return available;
}

/** mountIdOf for synchronous code (the remover's worker thread). */
export function mountIdOfSync(fd: number): number | undefined {
  try {
    return parseMountId(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
  } catch {
    return undefined;
  }
}
