// Engine API JSON -> our own types. Pure functions over untrusted input: every field is checked,
// engine quirks are absorbed here (seen on API 1.41 and Podman's compat API):
//   - `BuildCache` is null, not [], when empty; `Images`/`Containers`/`Volumes` may be null too;
//   - `SizeRw` is omitted when 0;
//   - a dangling image's `RepoTags` is ["<none>:<none>"] (or null);
//   - `SharedSize`/`Size`/`Containers` are -1 when the engine did not compute them;
//   - Podman lists one row per tag (same Id), ids without `sha256:`, and `LayersSize` 0.

import type {
  DockerBuildCacheEntry,
  DockerContainer,
  DockerDiskUsage,
  DockerImage,
  DockerImageHistoryEntry,
  DockerVolume,
  PruneResult,
} from './types';

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const asNumber = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const asStrings = (v: unknown): string[] => asArray(v).filter((s): s is string => typeof s === 'string');

/** Seconds since epoch (API `Created` of images and containers) -> ms. */
const secondsToMs = (v: unknown): number => asNumber(v, 0) * 1000;

/** RFC 3339 time -> ms; null for missing, unparsable or Go's zero time. */
function isoToMs(v: unknown): number | null {
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/** A real `repo:tag` reference (not the engine's placeholder for "no tag"). */
export function isRealTag(tag: string): boolean {
  return tag !== '' && tag !== '<none>:<none>' && !tag.endsWith(':<none>') && !tag.startsWith('<none>');
}

export function imageFromApi(raw: unknown): DockerImage | undefined {
  const o = asObject(raw);
  const id = o && asString(o.Id);
  if (!o || !id) return undefined;
  const tags = asStrings(o.RepoTags).filter(isRealTag);
  const bytes = Math.max(0, asNumber(o.Size, 0));
  const sharedBytes = Math.min(bytes, Math.max(0, asNumber(o.SharedSize, 0)));
  return {
    id,
    tags,
    dangling: tags.length === 0,
    bytes,
    sharedBytes,
    uniqueBytes: bytes - sharedBytes,
    containers: asNumber(o.Containers, -1),
    createdMs: secondsToMs(o.Created),
    parentId: asString(o.ParentId),
  };
}

export function containerFromApi(raw: unknown): DockerContainer | undefined {
  const o = asObject(raw);
  const id = o && asString(o.Id);
  if (!o || !id) return undefined;
  const name = asStrings(o.Names)[0] ?? '';
  // Very old engines sent State as an object; every engine we support sends a string.
  const state = typeof o.State === 'string' ? o.State : asString(asObject(o.State)?.Status, 'unknown');
  return {
    id,
    name: name.replace(/^\//, ''),
    image: asString(o.Image),
    imageId: asString(o.ImageID),
    state,
    writableBytes: Math.max(0, asNumber(o.SizeRw, 0)),
    createdMs: secondsToMs(o.Created),
  };
}

export function volumeFromApi(raw: unknown): DockerVolume | undefined {
  const o = asObject(raw);
  const name = o && asString(o.Name);
  if (!o || !name) return undefined;
  const usage = asObject(o.UsageData);
  const size = usage ? asNumber(usage.Size, -1) : -1;
  const refCount = usage ? asNumber(usage.RefCount, -1) : -1;
  const volume: DockerVolume = { name, bytes: size >= 0 ? size : null, refCount, inUse: refCount > 0 };
  const mountpoint = asString(o.Mountpoint);
  if (mountpoint) volume.mountpoint = mountpoint;
  const driver = asString(o.Driver);
  if (driver) volume.driver = driver;
  const created = isoToMs(o.CreatedAt);
  if (created !== null) volume.createdMs = created;
  return volume;
}

export function buildCacheEntryFromApi(raw: unknown): DockerBuildCacheEntry | undefined {
  const o = asObject(raw);
  const id = o && asString(o.ID);
  if (!o || !id) return undefined;
  return {
    id,
    type: asString(o.Type, 'unknown') || 'unknown',
    description: asString(o.Description),
    bytes: Math.max(0, asNumber(o.Size, 0)),
    inUse: o.InUse === true,
    shared: o.Shared === true,
    lastUsedMs: isoToMs(o.LastUsedAt),
    createdMs: isoToMs(o.CreatedAt),
  };
}

function defined<T>(list: (T | undefined)[]): T[] {
  return list.filter((x): x is T => x !== undefined);
}

/** Podman's compat API lists an image once per tag: merge rows with the same id, keeping every tag. */
function mergeImagesById(images: DockerImage[]): DockerImage[] {
  const byId = new Map<string, DockerImage>();
  for (const image of images) {
    const seen = byId.get(image.id);
    if (!seen) {
      byId.set(image.id, image);
      continue;
    }
    for (const tag of image.tags) if (!seen.tags.includes(tag)) seen.tags.push(tag);
    seen.dangling = seen.tags.length === 0;
  }
  return [...byId.values()];
}

/** GET /system/df -> DockerDiskUsage. */
export function diskUsageFromApi(raw: unknown, endpoint: string, apiVersion?: string, fetchedAt = Date.now()): DockerDiskUsage {
  const o = asObject(raw) ?? {};
  return {
    endpoint,
    apiVersion,
    layersBytes: Math.max(0, asNumber(o.LayersSize, 0)),
    images: mergeImagesById(defined(asArray(o.Images).map(imageFromApi))),
    containers: defined(asArray(o.Containers).map(containerFromApi)),
    volumes: defined(asArray(o.Volumes).map(volumeFromApi)),
    buildCache: defined(asArray(o.BuildCache).map(buildCacheEntryFromApi)),
    fetchedAt,
  };
}

/** POST /images/prune -> PruneResult ({ImagesDeleted: [{Untagged}|{Deleted}], SpaceReclaimed}). */
export function imagePruneFromApi(raw: unknown): PruneResult {
  const o = asObject(raw) ?? {};
  const deleted: string[] = [];
  const untagged: string[] = [];
  for (const entry of asArray(o.ImagesDeleted)) {
    const e = asObject(entry);
    if (!e) continue;
    if (typeof e.Deleted === 'string' && e.Deleted) deleted.push(e.Deleted);
    if (typeof e.Untagged === 'string' && e.Untagged) untagged.push(e.Untagged);
  }
  return { spaceReclaimed: Math.max(0, asNumber(o.SpaceReclaimed, 0)), deleted, untagged };
}

/** POST /containers|volumes|build/prune -> PruneResult, reading the list under `listKey`. */
export function pruneFromApi(raw: unknown, listKey: 'ContainersDeleted' | 'VolumesDeleted' | 'CachesDeleted'): PruneResult {
  const o = asObject(raw) ?? {};
  return { spaceReclaimed: Math.max(0, asNumber(o.SpaceReclaimed, 0)), deleted: asStrings(o[listKey]) };
}

/** DELETE /images/{ref} -> what was untagged and deleted. */
export function imageRemovalFromApi(raw: unknown): { untagged: string[]; deleted: string[] } {
  const { deleted, untagged } = imagePruneFromApi({ ImagesDeleted: raw });
  return { deleted, untagged: untagged ?? [] };
}

export function historyFromApi(raw: unknown): DockerImageHistoryEntry[] {
  return defined(
    asArray(raw).map((entry) => {
      const e = asObject(entry);
      if (!e) return undefined;
      return {
        id: asString(e.Id, '<missing>') || '<missing>',
        createdMs: secondsToMs(e.Created),
        createdBy: asString(e.CreatedBy),
        bytes: Math.max(0, asNumber(e.Size, 0)),
        tags: asStrings(e.Tags).filter(isRealTag),
        comment: asString(e.Comment),
      };
    }),
  );
}

/** Compares Engine API versions ('1.41' < '1.42' < '1.100'). */
export function apiVersionAtLeast(version: string | undefined, wanted: string): boolean {
  if (!version) return false;
  const a = version.split('.').map((n) => Number(n));
  const b = wanted.split('.').map((n) => Number(n));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    if (x !== y) return x > y;
  }
  return true;
}
