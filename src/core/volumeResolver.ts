// Which volume (mount point) a path lies on, and that volume's size and free space. Paths are
// resolved to real paths first (a root may be a symlink to a data disk); a path that has gone since
// the scan is placed by its nearest existing parent. Used by the scan (each category's volume), the
// status bar and the metrics (the `volume` label).
import { promises as fsp } from 'fs';
import * as path from 'path';
import { readMountPoints } from './safety/mountPoints';

export interface VolumeStats {
  sizeBytes: number;
  /** f_bavail x f_bsize: what an unprivileged user can still write. */
  availableBytes: number;
}

export interface VolumeResolver {
  /** The mount point holding `p`, or '' when it cannot be told. */
  volumeOf(p: string): Promise<string>;
  stats(volume: string): Promise<VolumeStats>;
}

/** Longest mount point that is `real` or a parent of it. */
export function longestMountPrefix(real: string, mountPoints: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const m of mountPoints) {
    const inside = m === '/' || real === m || real.startsWith(m.endsWith(path.sep) ? m : m + path.sep);
    if (inside && (best === undefined || m.length > best.length)) best = m;
  }
  return best;
}

async function realPathOf(p: string): Promise<string | undefined> {
  let current = path.resolve(p);
  // A symlink's own bytes lie beside it: resolve its folder, not its target.
  try {
    if ((await fsp.lstat(current)).isSymbolicLink()) return path.join(await fsp.realpath(path.dirname(current)), path.basename(current));
  } catch { /* gone: walk up below */ }
  for (;;) {
    try {
      return await fsp.realpath(current);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

/** Where the mount table is not readable (macOS): the highest parent on the same device. */
async function mountPointByDevice(real: string): Promise<string> {
  const dev = (await fsp.stat(real)).dev;
  let current = real;
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) return current;
    try {
      if ((await fsp.stat(parent)).dev !== dev) return current;
    } catch {
      return current;
    }
    current = parent;
  }
}

export function createVolumeResolver(): VolumeResolver {
  let mountPoints: Promise<Set<string>> | undefined;
  const volumes = new Map<string, Promise<string>>();
  const stats = new Map<string, Promise<VolumeStats>>();
  const resolve = async (p: string): Promise<string> => {
    const real = await realPathOf(p);
    if (!real) return '';
    const points = await (mountPoints ??= readMountPoints());
    const byTable = points.size ? longestMountPrefix(real, points) : undefined;
    if (byTable) return byTable;
    try {
      return await mountPointByDevice(real);
    } catch {
      return '';
    }
  };
  return {
    volumeOf(p) {
      let v = volumes.get(p);
      if (!v) volumes.set(p, (v = resolve(p)));
      return v;
    },
    stats(volume) {
      let s = stats.get(volume);
      if (!s) {
        s = fsp.statfs(volume).then((st) => ({ sizeBytes: st.blocks * st.bsize, availableBytes: st.bavail * st.bsize }));
        stats.set(volume, s);
      }
      return s;
    },
  };
}
