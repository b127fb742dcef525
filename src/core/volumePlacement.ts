// Which volume each category and top-level item is on, and how full each of those volumes is. A
// cache on another disk frees nothing on the disk that is filling, so the views need to know.
import { promises as fsp } from 'fs';
import type { Category, ScannedVolume } from './model';
import { volumeFullness } from './volume';
import { createVolumeResolver, type VolumeResolver } from './volumeResolver';

/**
 * Sets `volume` on every top-level item with a path and on each category (the volume holding most
 * of its bytes), and returns the volumes that hold something: those of the categories and of the
 * scan's roots (an empty workspace folder still lies on a volume the user cares about).
 */
export async function placeOnVolumes(
  categories: Category[],
  roots: readonly string[],
  resolver: VolumeResolver = createVolumeResolver(),
): Promise<ScannedVolume[]> {
  // One mount point per device: a walked item knows its st_dev, others cost one lstat; only the
  // first path seen on each device is resolved (realpath and the mount table), not every item.
  const byDevice = new Map<number, Promise<string>>();
  const mountOf = async (p: string, knownDev: unknown): Promise<string> => {
    const dev = typeof knownDev === 'number' ? knownDev : await fsp.lstat(p).then((st) => st.dev, () => undefined);
    if (dev === undefined) return resolver.volumeOf(p).catch(() => '');
    let mountPoint = byDevice.get(dev);
    if (!mountPoint) byDevice.set(dev, (mountPoint = resolver.volumeOf(p).catch(() => '')));
    return mountPoint;
  };
  const holders = new Map<string, string[]>();
  const hold = (mountPoint: string, categoryId?: string) => {
    const list = holders.get(mountPoint) ?? [];
    if (categoryId && !list.includes(categoryId)) list.push(categoryId);
    holders.set(mountPoint, list);
  };
  for (const category of categories) {
    const bytesOn = new Map<string, number>();
    for (const item of category.items) {
      if (!item.path) continue;
      const mountPoint = await mountOf(item.path, item.fields?.dev);
      if (!mountPoint) continue;
      item.volume = mountPoint;
      bytesOn.set(mountPoint, (bytesOn.get(mountPoint) ?? 0) + item.bytes);
    }
    // What has no paths (Docker's images) lies where its engine keeps its data.
    const dataRoot = category.fields?.dataRoot;
    if (!bytesOn.size && typeof dataRoot === 'string') {
      const mountPoint = await mountOf(dataRoot, undefined);
      if (mountPoint) {
        bytesOn.set(mountPoint, category.bytes);
        for (const item of category.items) item.volume = mountPoint;
      }
    }
    let most: string | undefined;
    for (const [mountPoint, bytes] of bytesOn) if (most === undefined || bytes > bytesOn.get(most)!) most = mountPoint;
    if (most === undefined) continue;
    category.volume = most;
    hold(most, category.id);
  }
  for (const root of roots) {
    const mountPoint = await resolver.volumeOf(root).catch(() => '');
    if (mountPoint) hold(mountPoint);
  }
  const volumes: ScannedVolume[] = [];
  for (const [mountPoint, categoryIds] of holders) {
    // A volume that cannot be read (gone since the walk) is left out; its categories keep their mount point.
    const v = await volumeFullness(mountPoint);
    if (v) volumes.push({ mountPoint, ...v, categories: categoryIds });
  }
  return volumes;
}
