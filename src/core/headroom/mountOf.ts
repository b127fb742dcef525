// The mount a path lives on (mount point, file-system type, source device), from
// /proc/self/mountinfo: quota tools name file systems by device (quota, repquota, xfs_quota) or
// by mount point (lfs), and which tool applies depends on the file-system type.
import { promises as fsp } from 'fs';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
}

const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountEntries(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 5 || right.length < 2) continue;
    out.push({ mountPoint: unescape(left[4]), fsType: right[0], source: unescape(right[1]) });
  }
  return out;
}

/** The innermost mount containing `realPath` (an absolute path with links resolved); later mounts on the same point win. */
export function mountContaining(entries: MountEntry[], realPath: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const e of entries) {
    const inside = e.mountPoint === '/' || realPath === e.mountPoint || realPath.startsWith(e.mountPoint + '/');
    if (inside && (!best || e.mountPoint.length >= best.mountPoint.length)) best = e;
  }
  return best;
}

export async function mountOf(p: string): Promise<MountEntry | undefined> {
  try {
    const [text, real] = await Promise.all([fsp.readFile('/proc/self/mountinfo', 'utf8'), fsp.realpath(p)]);
    return mountContaining(parseMountEntries(text), real);
  } catch {
    return undefined;
  }
}
