// The numbers `docker system df` shows, and what removing images frees, computed from one
// DockerDiskUsage. Kept apart from the scanner so plans, scanner and tests share one formula.
//
// Images: SIZE is `LayersSize`, every layer counted once (an image's own `Size` includes layers it
// shares with other images, so summing images would double-count). RECLAIMABLE has had two
// formulas in docker's own code:
//   - docker CLI up to 28: LayersSize - sum(unique size of images used by a container). It counts
//     the shared base layers of in-use images as reclaimable, so an engine whose only in-use image
//     is a base every other image builds on shows "100%" although `image prune -a` cannot free it.
//   - moby's client since the API 1.52 rewrite: sum(unique size of images no container uses).
//     Never more than prune frees, but blind to layers shared only among unused images.
// We show a figure that is just as safe and tighter: the larger of that sum and
// `LayersSize - sum(Size of used images)` (whatever used images hold is at most the sum of their
// sizes, so the rest is freed by pruning every unused image), plus an "up to" figure. Both docker
// formulas also miss that layers of BuildKit-built images are build-cache records too (`Shared`):
// removing such an image moves those bytes to the build cache instead of freeing them (seen on
// 20.10: SpaceReclaimed leaves them out), so the sure figure subtracts the shared records' bytes.
//
// Containers: writable layers only (`SizeRw`); image layers are counted under Images.
// Volumes: sizes the engine knows (local driver); reclaimable = those with no container (RefCount 0).
// Build cache: records not `Shared` (shared ones are image layers, counted under Images);
// reclaimable = those neither in use nor shared. This is what `docker system df` shows.

import { ACTIVE_CONTAINER_STATES, type DockerContainer, type DockerDiskUsage, type DockerImage } from './types';

export interface DockerGroupTotals {
  count: number;
  /** Images used by a container, running containers, volumes in use, build-cache records in use. */
  active: number;
  bytes: number;
  /** What a prune of this group is sure to free. */
  reclaimableBytes: number;
  /** The most a prune of this group could free (equal to reclaimableBytes where the figure is exact). */
  reclaimableUpToBytes: number;
}

export interface DockerTotals {
  images: DockerGroupTotals;
  containers: DockerGroupTotals;
  volumes: DockerGroupTotals & { unknownSizeCount: number };
  buildCache: DockerGroupTotals;
  bytes: number;
  reclaimableBytes: number;
}

export function isActiveContainer(container: DockerContainer): boolean {
  return ACTIVE_CONTAINER_STATES.includes(container.state);
}

/** Images a container uses. The engine's own count, or our count when the engine gave none (-1). */
export function containersUsing(du: DockerDiskUsage, image: DockerImage): DockerContainer[] {
  return du.containers.filter((c) => c.imageId === image.id);
}

export function isImageInUse(du: DockerDiskUsage, image: DockerImage): boolean {
  return image.containers > 0 || (image.containers < 0 && containersUsing(du, image).length > 0);
}

/** Total bytes of the image layers, each counted once. Falls back when the engine reports no LayersSize (Podman). */
export function imageLayersBytes(du: DockerDiskUsage): number {
  if (du.layersBytes > 0 || du.images.length === 0) return du.layersBytes;
  // Without LayersSize: every unique byte plus the largest shared part, a lower bound of the truth.
  const unique = du.images.reduce((s, i) => s + i.uniqueBytes, 0);
  const shared = du.images.reduce((m, i) => Math.max(m, i.sharedBytes), 0);
  return unique + shared;
}

export interface ImageRemovalBounds {
  /** Bytes removing the images is sure to free. */
  atLeast: number;
  /** The most it could free; equal to atLeast when exact. */
  upTo: number;
}

/**
 * What removing `removedIds` frees on disk, given that every other image stays. Bounded, because
 * the API does not say which images share which layers: a layer shared only among removed images
 * is freed, one shared with a kept image is not, and one the build cache also holds stays (see
 * below). Exact (the image's unique size) for one image when no build-cache record is shared.
 */
export function imageRemovalBounds(du: DockerDiskUsage, removedIds: Iterable<string>): ImageRemovalBounds {
  const removed = new Set(removedIds);
  const gone = du.images.filter((i) => removed.has(i.id));
  const kept = du.images.filter((i) => !removed.has(i.id));
  if (gone.length === 0) return { atLeast: 0, upTo: 0 };
  const uniqueSum = gone.reduce((s, i) => s + i.uniqueBytes, 0);
  // Layers of BuildKit-built images are also build-cache records (`Shared`). Removing the image
  // leaves those bytes on disk, owned by the build cache, until the cache is pruned. The API does
  // not say which image they belong to, so the sure figure leaves all of them out.
  const heldByCache = du.buildCache.filter((b) => b.shared).reduce((s, b) => s + b.bytes, 0);
  if (gone.length === 1) return { atLeast: Math.max(0, uniqueSum - heldByCache), upTo: uniqueSum };

  const layers = imageLayersBytes(du);
  const keptSum = kept.reduce((s, i) => s + i.bytes, 0);
  const keptMax = kept.reduce((m, i) => Math.max(m, i.bytes), 0);
  const sharedSum = gone.reduce((s, i) => s + i.sharedBytes, 0);
  const goneSum = gone.reduce((s, i) => s + i.bytes, 0);

  const atLeast = Math.max(0, Math.max(uniqueSum, du.layersBytes > 0 ? layers - keptSum : 0) - heldByCache);
  // A layer shared only among removed images is in at least two of them: at most half their shared bytes.
  let upTo = Math.min(goneSum, uniqueSum + Math.floor(sharedSum / 2));
  if (du.layersBytes > 0) upTo = Math.min(upTo, layers - keptMax);
  return { atLeast, upTo: Math.max(atLeast, upTo) };
}

export function dockerTotals(du: DockerDiskUsage): DockerTotals {
  const usedImages = du.images.filter((i) => isImageInUse(du, i));
  const unusedIds = du.images.filter((i) => !isImageInUse(du, i)).map((i) => i.id);
  const imageBounds = imageRemovalBounds(du, unusedIds);
  const images: DockerGroupTotals = {
    count: du.images.length,
    active: usedImages.length,
    bytes: imageLayersBytes(du),
    reclaimableBytes: imageBounds.atLeast,
    reclaimableUpToBytes: imageBounds.upTo,
  };

  const containerBytes = du.containers.reduce((s, c) => s + c.writableBytes, 0);
  const stoppedBytes = du.containers.filter((c) => !isActiveContainer(c)).reduce((s, c) => s + c.writableBytes, 0);
  const containers: DockerGroupTotals = {
    count: du.containers.length,
    active: du.containers.filter(isActiveContainer).length,
    bytes: containerBytes,
    reclaimableBytes: stoppedBytes,
    reclaimableUpToBytes: stoppedBytes,
  };

  const volumeBytes = du.volumes.reduce((s, v) => s + (v.bytes ?? 0), 0);
  const unusedVolumeBytes = du.volumes.filter((v) => v.refCount === 0).reduce((s, v) => s + (v.bytes ?? 0), 0);
  const volumes = {
    count: du.volumes.length,
    active: du.volumes.filter((v) => v.inUse).length,
    bytes: volumeBytes,
    reclaimableBytes: unusedVolumeBytes,
    reclaimableUpToBytes: unusedVolumeBytes,
    unknownSizeCount: du.volumes.filter((v) => v.bytes === null).length,
  };

  const cacheBytes = du.buildCache.filter((b) => !b.shared).reduce((s, b) => s + b.bytes, 0);
  const cacheReclaimable = du.buildCache.filter((b) => !b.shared && !b.inUse).reduce((s, b) => s + b.bytes, 0);
  const buildCache: DockerGroupTotals = {
    count: du.buildCache.length,
    active: du.buildCache.filter((b) => b.inUse).length,
    bytes: cacheBytes,
    reclaimableBytes: cacheReclaimable,
    reclaimableUpToBytes: cacheReclaimable,
  };

  return {
    images,
    containers,
    volumes,
    buildCache,
    bytes: images.bytes + containers.bytes + volumes.bytes + buildCache.bytes,
    reclaimableBytes: images.reclaimableBytes + containers.reclaimableBytes + volumes.reclaimableBytes + buildCache.reclaimableBytes,
  };
}

/**
 * The RECLAIMABLE `docker system df` prints for Images, by both of its formulas (see the file
 * comment), so the tree can show it beside ours: `classic` (CLI up to 28), `current` (later).
 */
export function dockerDfImagesReclaimable(du: DockerDiskUsage): { classic: number; current: number } {
  const used = du.images.filter((i) => isImageInUse(du, i));
  const unused = du.images.filter((i) => !isImageInUse(du, i));
  return {
    classic: Math.max(0, imageLayersBytes(du) - used.reduce((s, i) => s + i.uniqueBytes, 0)),
    current: unused.reduce((s, i) => s + i.uniqueBytes, 0),
  };
}
