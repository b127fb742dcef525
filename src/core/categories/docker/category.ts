// The Docker category: Images / Containers / Volumes / Build cache from one GET /system/df.
//
// Numbers follow `docker system df` (see core/categories/docker/diskUsageMath.ts for the formulas and where we
// differ): the category total is image layers counted once + container writable layers + volume
// data + build cache not shared with images, so no byte is counted twice inside the category.
// Sizes are the engine's: apparent sizes (it sums st_size), which the category's fields say.
//
// An image child's `bytes` is its full size (like `docker images`), so image children sum to more
// than the Images item (which counts shared layers once); `uniqueBytes` and `sharedBytes` say how much.
//
// The engine being down, absent or forbidden is not a scan failure: the category then carries
// `error` and a single 'docker-error' item with the message, and the other categories go on.

import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import { formatAge, formatBytes, formatCount } from '../../format';
import type { DockerClient } from './client';
import { imageLabelOf, shortDockerId } from './labels';
import { containersUsing, dockerDfImagesReclaimable, dockerTotals, isActiveContainer, isImageInUse, type DockerGroupTotals } from './diskUsageMath';
import {
  isAbortError,
  isDockerEngineError,
  type DockerBuildCacheEntry,
  type DockerContainer,
  type DockerDiskUsage,
  type DockerVolume,
} from './types';
import { t } from '../../l10n';

export const DOCKER_CATEGORY_ID = 'docker';
export const DOCKER_CATEGORY_LABEL = 'Docker';
/** How the engine measures: it sums file sizes, so its figures are apparent sizes. */
export const DOCKER_SIZE_NOTE = 'apparent sizes, as reported by the Docker engine';

/** Item ids of the four groups, also used by the host to find them. */
export const DOCKER_ITEM_IDS = {
  images: 'docker:images',
  containers: 'docker:containers',
  volumes: 'docker:volumes',
  buildCache: 'docker:build-cache',
  error: 'docker:error',
} as const;

export const dockerImageItemId = (id: string) => `docker:image:${id}`;
export const dockerContainerItemId = (id: string) => `docker:container:${id}`;
export const dockerVolumeItemId = (name: string) => `docker:volume:${name}`;
export const dockerBuildCacheTypeItemId = (type: string) => `docker:build-cache:${type}`;

/**
 * Scans the engine behind `client`. Never rejects for engine trouble (the category then carries
 * the error); rejects only with an AbortError when `signal` fires.
 */
export async function scanDocker(client: DockerClient, signal?: AbortSignal, now = Date.now()): Promise<Category> {
  // Which disk the engine fills: its data root, when the engine runs on this machine (a socket),
  // asked beside the disk usage. Not knowing it costs nothing but the volume line: an engine that
  // will not say is no error.
  const dataRoot = client.endpoint.startsWith('unix://') ? client.dataRoot({ signal }).catch(() => undefined) : undefined;
  let du: DockerDiskUsage;
  try {
    du = await client.diskUsage({ signal });
  } catch (error) {
    if (isAbortError(error) || signal?.aborted) throw error;
    return dockerErrorCategory(error, client.endpoint);
  }
  const category = dockerCategoryFromUsage(du, now);
  const root = await dataRoot;
  signal?.throwIfAborted();
  if (root) category.fields = { ...category.fields, dataRoot: root };
  return category;
}

/** The category for an engine that could not be asked: one item saying why. */
export function dockerErrorCategory(error: unknown, endpoint: string): Category {
  const message = isDockerEngineError(error)
    ? error.message
    : t('Docker scan failed at {0}: {1}', endpoint, error instanceof Error ? error.message : String(error));
  const errorKind = isDockerEngineError(error) ? error.kind : 'api';
  const code = isDockerEngineError(error) ? (error.code ?? null) : null;
  return {
    id: DOCKER_CATEGORY_ID,
    label: DOCKER_CATEGORY_LABEL,
    bytes: 0,
    apparentBytes: 0,
    items: [
      {
        id: DOCKER_ITEM_IDS.error,
        label: message,
        kind: 'docker-error',
        bytes: 0,
        apparentBytes: 0,
        reclaimable: false,
        fields: { errorKind, endpoint, code },
      },
    ],
    error: message,
    fields: { endpoint, errorKind },
  };
}

export function dockerCategoryFromUsage(du: DockerDiskUsage, now = Date.now()): Category {
  const totals = dockerTotals(du);
  const items: Item[] = [
    group(DOCKER_ITEM_IDS.images, t('Images'), 'docker-images', totals.images, 'image', imageItems(du, now), {
      reclaimableMeans: t('layers only unused images hold, each counted once, less those the build cache also holds; a layer shared with a kept image stays'),
      dockerSystemDf: dockerDfFigure(du),
    }),
    group(DOCKER_ITEM_IDS.containers, t('Containers'), 'docker-containers', totals.containers, 'container', containerItems(du, now), {
      reclaimableMeans: t('writable layers of stopped containers (docker container prune), as docker system df counts them'),
    }),
    group(DOCKER_ITEM_IDS.volumes, t('Volumes'), 'docker-volumes', totals.volumes, 'volume', volumeItems(du), {
      unknownSizeCount: totals.volumes.unknownSizeCount,
      reclaimableMeans: t('volumes no container uses (docker volume prune -a), as docker system df counts them'),
    }),
    group(DOCKER_ITEM_IDS.buildCache, t('Build cache'), 'docker-build-cache', totals.buildCache, 'record', buildCacheItems(du.buildCache), {
      reclaimableMeans: t('records neither in use nor part of an image (docker builder prune), as docker system df counts them'),
    }),
  ];
  return {
    id: DOCKER_CATEGORY_ID,
    label: DOCKER_CATEGORY_LABEL,
    bytes: totals.bytes,
    apparentBytes: totals.bytes,
    reclaimableBytes: totals.reclaimableBytes,
    items,
    fields: {
      endpoint: du.endpoint,
      apiVersion: du.apiVersion ?? null,
      sizes: t(DOCKER_SIZE_NOTE),
      fetchedAt: du.fetchedAt,
    },
  };
}

/** What `docker system df` prints as Images RECLAIMABLE: one figure, or both when its two formulas differ. */
function dockerDfFigure(du: DockerDiskUsage): string {
  const { classic, current } = dockerDfImagesReclaimable(du);
  if (classic === current) return t('{0} reclaimable', formatBytes(current));
  return t('{0} reclaimable (docker CLI 28 and older: {1})', formatBytes(current), formatBytes(classic));
}

function group(
  id: string,
  label: string,
  kind: string,
  totals: DockerGroupTotals,
  noun: string,
  children: Item[],
  extra: Record<string, unknown> = {},
): Item {
  const upTo = totals.reclaimableUpToBytes > totals.reclaimableBytes ? t(' (up to {0})', formatBytes(totals.reclaimableUpToBytes)) : '';
  return {
    id,
    label,
    kind,
    bytes: totals.bytes,
    apparentBytes: totals.bytes,
    reclaimable: totals.reclaimableBytes > 0,
    description: t('{0} · {1} reclaimable{2}', formatCount(totals.count, noun), formatBytes(totals.reclaimableBytes), upTo),
    fields: {
      count: totals.count,
      active: totals.active,
      reclaimableBytes: totals.reclaimableBytes,
      reclaimableUpToBytes: totals.reclaimableUpToBytes,
      ...extra,
    },
    children: sortBySizeDesc(children),
  };
}

function imageItems(du: DockerDiskUsage, now: number): Item[] {
  return du.images.map((image) => {
    const users = containersUsing(du, image);
    const containers = image.containers >= 0 ? image.containers : users.length;
    const running = users.some(isActiveContainer);
    const badges: string[] = [];
    if (image.dangling) badges.push('dangling');
    if (isImageInUse(du, image)) badges.push(running ? 'in use (running)' : 'in use');
    const parts = [
      t('{0} unique', formatBytes(image.uniqueBytes)),
      containers > 0 ? formatCount(containers, 'container') : t('unused'),
      t('created {0}', formatAge(image.createdMs, now)),
    ];
    return {
      id: dockerImageItemId(image.id),
      label: imageLabelOf(image),
      kind: 'docker-image',
      bytes: image.bytes,
      apparentBytes: image.bytes,
      sharedBytes: image.sharedBytes,
      sharedWith: image.sharedBytes > 0 ? t('other images (layers)') : undefined,
      // Removal is offered unless a running container needs it (stopped ones can be removed with it).
      reclaimable: !running,
      description: parts.join(' · '),
      badges,
      modifiedMs: image.createdMs,
      fields: {
        id: image.id,
        tags: image.tags,
        bytes: image.bytes,
        uniqueBytes: image.uniqueBytes,
        sharedBytes: image.sharedBytes,
        containers,
        dangling: image.dangling,
        createdMs: image.createdMs,
        reclaimableMeans: t('its unique layers (no other image has them); its shared layers stay while another image uses them'),
      },
    };
  });
}

function containerItems(du: DockerDiskUsage, now: number): Item[] {
  return du.containers.map((c: DockerContainer) => {
    const active = isActiveContainer(c);
    return {
      id: dockerContainerItemId(c.id),
      label: c.name || shortDockerId(c.id),
      kind: 'docker-container',
      bytes: c.writableBytes,
      apparentBytes: c.writableBytes,
      reclaimable: !active,
      description: t('{0} · {1} · created {2}', c.state, c.image || shortDockerId(c.imageId), formatAge(c.createdMs, now)),
      badges: active ? [c.state] : [],
      modifiedMs: c.createdMs,
      fields: {
        id: c.id,
        name: c.name,
        image: c.image,
        imageId: c.imageId,
        state: c.state,
        bytes: c.writableBytes,
        running: active,
      },
    };
  });
}

function volumeItems(du: DockerDiskUsage): Item[] {
  return du.volumes.map((v: DockerVolume) => {
    const use = v.refCount < 0 ? t('use unknown') : v.inUse ? t('used by {0}', formatCount(v.refCount, 'container')) : t('unused');
    return {
      id: dockerVolumeItemId(v.name),
      label: v.name,
      kind: 'docker-volume',
      bytes: v.bytes ?? 0,
      apparentBytes: v.bytes ?? 0,
      reclaimable: v.refCount === 0,
      // The row leads with the size already; only an unknown one needs saying.
      description: v.bytes === null ? `${t('size unknown')} · ${use}` : use,
      badges: v.inUse ? ['in use'] : [],
      modifiedMs: v.createdMs,
      fields: {
        name: v.name,
        bytes: v.bytes,
        refCount: v.refCount,
        inUse: v.inUse,
        driver: v.driver ?? null,
        mountpoint: v.mountpoint ?? null,
      },
    };
  });
}

function buildCacheItems(entries: DockerBuildCacheEntry[]): Item[] {
  const byType = new Map<string, DockerBuildCacheEntry[]>();
  for (const entry of entries) {
    const list = byType.get(entry.type) ?? [];
    list.push(entry);
    byType.set(entry.type, list);
  }
  return [...byType.entries()].map(([type, list]) => {
    const own = list.filter((e) => !e.shared);
    const bytes = own.reduce((s, e) => s + e.bytes, 0);
    const reclaimableBytes = own.filter((e) => !e.inUse).reduce((s, e) => s + e.bytes, 0);
    const inUseBytes = own.filter((e) => e.inUse).reduce((s, e) => s + e.bytes, 0);
    const sharedBytes = list.filter((e) => e.shared).reduce((s, e) => s + e.bytes, 0);
    const lastUsed = list.reduce<number | null>((m, e) => (e.lastUsedMs !== null && (m === null || e.lastUsedMs > m) ? e.lastUsedMs : m), null);
    return {
      id: dockerBuildCacheTypeItemId(type),
      label: type,
      kind: 'docker-build-cache-type',
      bytes,
      apparentBytes: bytes,
      sharedBytes: sharedBytes > 0 ? sharedBytes : undefined,
      sharedWith: sharedBytes > 0 ? t('image layers (counted under Images)') : undefined,
      reclaimable: reclaimableBytes > 0,
      description: t('{0} · {1} reclaimable', formatCount(list.length, 'record'), formatBytes(reclaimableBytes)),
      accessedMs: lastUsed ?? undefined,
      fields: { type, count: list.length, bytes, reclaimableBytes, inUseBytes, sharedBytes },
    };
  });
}
