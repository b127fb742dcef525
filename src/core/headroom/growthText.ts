// The growth forecast in words and in JSON: "full in ~5 h at the current rate (filling at ~2.1 GB/h)".
import { formatBytes } from '../format';
import { t } from '../l10n';
import type { VolumeGrowth } from './growth';

/** "~45 min", "~3 h", "~2 days": rough on purpose, the rate is an estimate. */
export function formatTimeLeft(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return t('< 1 min');
  if (minutes < 90) return t('~{0} min', Math.round(minutes));
  const hours = minutes / 60;
  if (hours < 48) return t('~{0} h', Math.round(hours));
  return t('~{0} days', Math.round(hours / 24));
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** One line per resource that runs out at the current rate (none when free space is steady or rising). */
export function growthSentences(g: VolumeGrowth): string[] {
  const out: string[] = [];
  if (g.fullInHours !== undefined && g.bytesPerHour !== undefined) {
    out.push(t('Full in {0} at the current rate (filling at ~{1}/h)', formatTimeLeft(g.fullInHours * 3600_000), formatBytes(g.bytesPerHour)));
  }
  if (g.inodesFullInHours !== undefined && g.inodesPerHour !== undefined) {
    out.push(t('Out of inodes in {0} at the current rate (~{1} files/h)', formatTimeLeft(g.inodesFullInHours * 3600_000), count(g.inodesPerHour)));
  }
  return out;
}

/** The CLI report's lines about the trend. */
export function growthLines(g: (VolumeGrowth & { problem?: string }) | undefined): string[] {
  if (!g) return [];
  const lines = growthSentences(g);
  if (!lines.length) {
    lines.push(g.points < 2
      ? t('Free-space trend: first reading kept; run the scan again later to see how fast the volume fills')
      : t('Free-space trend: no clear fill rate in {0} readings over {1} h', g.points, g.spanHours.toFixed(1)));
  }
  if (g.problem) lines.push(t('Note: {0}', g.problem));
  return lines;
}

/** `scan --json`'s volume.growth: the issue's fields, null when there is no clear trend. */
export function growthJson(g: VolumeGrowth & { problem?: string }): Record<string, unknown> {
  return {
    points: g.points,
    spanHours: g.spanHours,
    bytesPerHour: g.bytesPerHour ?? null,
    fullInHours: g.fullInHours ?? null,
    inodesPerHour: g.inodesPerHour ?? null,
    inodesFullInHours: g.inodesFullInHours ?? null,
    ...(g.problem ? { problem: g.problem } : {}),
  };
}
