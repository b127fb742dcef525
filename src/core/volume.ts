// Free / total space of the volume holding a path (statfs).
import * as fs from 'fs';
import type { VolumeInfo } from './model';

export async function volumeOf(p: string): Promise<VolumeInfo> {
  const s = await fs.promises.statfs(p);
  return {
    path: p,
    totalBytes: s.blocks * s.bsize,
    freeBytes: s.bfree * s.bsize,
    availableBytes: s.bavail * s.bsize,
  };
}

export function percentUsed(v: VolumeInfo): number {
  // Like df: used / (used + available), so reserved blocks count as unavailable.
  const used = v.totalBytes - v.freeBytes;
  const denominator = used + v.availableBytes;
  return denominator > 0 ? (used / denominator) * 100 : 0;
}
