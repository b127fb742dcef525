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

/** The thresholds' defaults (the extension's settings mlDiskSpace.warnAtPercentUsed / criticalAtPercentUsed; the CLI's). */
export const DEFAULT_VOLUME_THRESHOLDS: VolumeThresholds = { warnAtPercentUsed: 90, criticalAtPercentUsed: 98 };

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
 * after; the order within each group is kept (it is the user's sort). `volumesOf` says where an
 * entry lies (a category: its own volume and its items'; it counts for the most urgent of them).
 */
export function leadWithFilling<T extends { volume?: string }>(
  list: readonly T[],
  filling: readonly FillingVolume[],
  volumesOf: (x: T) => readonly (string | undefined)[] = (x) => [x.volume],
): T[] {
  if (!filling.length) return [...list];
  const rankOf = (x: T) => {
    let rank = filling.length;
    for (const v of volumesOf(x)) {
      const i = v === undefined ? -1 : filling.findIndex((f) => f.mountPoint === v);
      if (i >= 0 && i < rank) rank = i;
    }
    return rank;
  };
  return list.map((x, index) => ({ x, index, rank: rankOf(x) })).sort((a, b) => a.rank - b.rank || a.index - b.index).map((e) => e.x);
}

/** Where a category lies: its own volume and its items'. */
export function categoryVolumes(category: { volume?: string; items: readonly { volume?: string }[] }): (string | undefined)[] {
  return [category.volume, ...category.items.map((i) => i.volume)];
}

/**
 * The filling volume that deleting something on `volumes` does not help: the most urgent one, when
 * where it lies is known and none of it is on a filling volume. Undefined when nothing is filling,
 * or when where it lies is not known (Docker's images: no path).
 */
export function freesNothingOn(volumes: readonly (string | undefined)[], filling: readonly FillingVolume[]): string | undefined {
  const known = volumes.filter((v): v is string => v !== undefined);
  if (!known.length || !filling.length || known.some((v) => filling.some((f) => f.mountPoint === v))) return undefined;
  return filling[0].mountPoint;
}
