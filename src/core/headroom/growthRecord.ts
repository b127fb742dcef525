// The CLI's use of the free-space history: each `scan` adds the volume's reading to
// $XDG_STATE_HOME/ml-disk-space/free-space-history.json and reports the trend (volume.growth).
import type { VolumeInfo } from '../model';
import { forecastGrowth, type GrowthPoint, type VolumeGrowth } from './growth';
import { cliGrowthFile, growthKeyOf, recordReading, type Reading } from './growthFile';

/** The reading the history keeps for a volume: bytes available to the user, and free inodes when counted. */
export function readingOf(v: VolumeInfo, key: string, now: number): Reading {
  const inodes = (v.limits ?? []).find((l) => l.kind === 'inodes');
  const point: GrowthPoint = { t: now, freeBytes: v.availableBytes };
  if (inodes?.freeInodes !== undefined) point.freeInodes = inodes.freeInodes;
  return { key, path: v.path, totalBytes: v.totalBytes, ...(inodes?.limitInodes ? { totalInodes: inodes.limitInodes } : {}), point };
}

export async function recordGrowth(
  v: VolumeInfo,
  env: Record<string, string | undefined>,
  now = Date.now(),
): Promise<VolumeGrowth & { problem?: string }> {
  const file = cliGrowthFile(env);
  let key: string;
  try {
    key = await growthKeyOf(v.path);
  } catch (err) {
    return { points: 0, spanHours: 0, problem: `cannot identify the volume of ${v.path}: ${(err as Error).message}` };
  }
  const reading = readingOf(v, key, now);
  const { volume, problem } = await recordReading(file, reading);
  const growth = forecastGrowth(volume.points, { totalBytes: reading.totalBytes, totalInodes: reading.totalInodes });
  delete growth.bytesTrend;
  return problem ? { ...growth, problem } : growth;
}
