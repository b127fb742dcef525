// Which scanned volumes are filling (at the warning or critical threshold), and the order that
// leads with what is on them: deleting from another disk frees nothing where space is needed.
// Pure functions, shared by the tree, the chart and the status bar.

export type VolumeLevel = 'ok' | 'warn' | 'critical';

export interface VolumeThresholds {
  warnAtPercentUsed: number;
  criticalAtPercentUsed: number;
}

export interface FillingVolume {
  mountPoint: string;
  level: Exclude<VolumeLevel, 'ok'>;
  percentUsed: number;
}

export function volumeLevel(percentUsed: number, thresholds: VolumeThresholds): VolumeLevel {
  if (percentUsed >= thresholds.criticalAtPercentUsed) return 'critical';
  if (percentUsed >= thresholds.warnAtPercentUsed) return 'warn';
  return 'ok';
}

/** The volumes at warning or critical, the most urgent first (critical before warning, then fuller first). */
export function fillingVolumes(
  volumes: readonly { mountPoint: string; percentUsed: number }[],
  thresholds: VolumeThresholds,
): FillingVolume[] {
  const out: FillingVolume[] = [];
  for (const v of volumes) {
    const level = volumeLevel(v.percentUsed, thresholds);
    if (level !== 'ok') out.push({ mountPoint: v.mountPoint, level, percentUsed: v.percentUsed });
  }
  const rank = (l: FillingVolume['level']) => (l === 'critical' ? 0 : 1);
  return out.sort((a, b) => rank(a.level) - rank(b.level) || b.percentUsed - a.percentUsed);
}

/**
 * `list` with what lies on a filling volume first (the most urgent volume's first), everything else
 * after; the order within each group is kept (it is the user's sort).
 */
export function leadWithFilling<T extends { volume?: string }>(list: readonly T[], filling: readonly FillingVolume[]): T[] {
  if (!filling.length) return [...list];
  const rankOf = (x: T) => {
    const i = x.volume === undefined ? -1 : filling.findIndex((f) => f.mountPoint === x.volume);
    return i < 0 ? filling.length : i;
  };
  return list.map((x, index) => ({ x, index, rank: rankOf(x) })).sort((a, b) => a.rank - b.rank || a.index - b.index).map((e) => e.x);
}

/**
 * The filling volume that deleting something on `volume` does not help: the most urgent one, when
 * `volume` is known and is none of the filling volumes. Undefined when nothing is filling, or when
 * where it lies is not known (Docker's images: no path).
 */
export function freesNothingOn(volume: string | undefined, filling: readonly FillingVolume[]): string | undefined {
  if (volume === undefined || !filling.length || filling.some((f) => f.mountPoint === volume)) return undefined;
  return filling[0].mountPoint;
}
