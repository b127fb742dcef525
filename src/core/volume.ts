// Free / total space of the volume holding a path (statfs), and every limit on it (headroom/).
import * as fs from 'fs';
import type { VolumeInfo } from './model';
import { bindingLimit, statfsLimits } from './headroom/limits';
import { readQuotas } from './headroom/quotaRead';

export async function volumeOf(p: string): Promise<VolumeInfo> {
  const s = await fs.promises.statfs(p);
  const limits = statfsLimits(s);
  return {
    path: p,
    totalBytes: s.blocks * s.bsize,
    freeBytes: s.bfree * s.bsize,
    availableBytes: s.bavail * s.bsize,
    limits,
    binding: bindingLimit(limits),
  };
}

/** volumeOf plus the user's, group's and project's quotas on that volume (runs the quota tools found). */
export async function volumeWithQuotas(p: string): Promise<VolumeInfo> {
  const v = await volumeOf(p);
  const quotas = await readQuotas(p);
  const limits = [...(v.limits ?? []), ...quotas.limits];
  return { ...v, limits, binding: bindingLimit(limits), ...(quotas.notes.length ? { limitNotes: quotas.notes } : {}) };
}

export function percentUsed(v: VolumeInfo): number {
  // Like df: used / (used + available), so reserved blocks count as unavailable.
  const used = v.totalBytes - v.freeBytes;
  const denominator = used + v.availableBytes;
  return denominator > 0 ? (used / denominator) * 100 : 0;
}

export interface VolumeFullness {
  totalBytes: number;
  freeBytes: number;
  availableBytes: number;
  /** Of the file system or of its binding limit (a quota full first), whichever is fuller. */
  percentUsed: number;
}

/** How full the volume at `mountPoint` is; undefined when it cannot be read (unmounted since). */
export async function volumeFullness(mountPoint: string): Promise<VolumeFullness | undefined> {
  try {
    const v = await volumeOf(mountPoint);
    return { totalBytes: v.totalBytes, freeBytes: v.freeBytes, availableBytes: v.availableBytes, percentUsed: Math.max(percentUsed(v), v.binding?.percentUsed ?? 0) };
  } catch {
    return undefined;
  }
}
