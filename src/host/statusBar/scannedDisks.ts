// The disks the status bar watches: the one of the folder it always showed (first workspace folder,
// else HOME), HOME's (where the ML caches live by default), and every disk the last scan found
// something on. Each is read fresh (one statfs); the status bar shows the fullest.
import type { ScanModel } from '../../core/model';
import { volumeFullness } from '../../core/volume';
import { createVolumeResolver } from '../../core/volumeResolver';
import type { DiskLine } from './statusLogic';

export interface ScannedDisks {
  disks: DiskLine[];
  /** The disk of the first path (the folder the status bar always showed), when it could be read. */
  first?: DiskLine;
}

export async function readScannedDisks(paths: readonly string[], model: ScanModel | undefined): Promise<ScannedDisks> {
  const resolver = createVolumeResolver();
  const holds = new Map<string, string[]>();
  let firstMount: string | undefined;
  for (const p of paths) {
    const mountPoint = await resolver.volumeOf(p).catch(() => '');
    firstMount ??= mountPoint;
    if (mountPoint && !holds.has(mountPoint)) holds.set(mountPoint, []);
  }
  for (const v of model?.volumes ?? []) {
    const labels = v.categories.map((id) => model!.categories.find((c) => c.id === id)?.label ?? id);
    holds.set(v.mountPoint, [...(holds.get(v.mountPoint) ?? []), ...labels]);
  }
  const disks: DiskLine[] = [];
  for (const [mountPoint, names] of holds) {
    // Unmounted since the scan: nothing on it to show.
    const v = await volumeFullness(mountPoint);
    if (v) disks.push({ mountPoint, totalBytes: v.totalBytes, availableBytes: v.availableBytes, percentUsed: v.percentUsed, holds: names });
  }
  return { disks, first: disks.find((d) => d.mountPoint === firstMount) };
}
