// Our own view of a Docker engine's disk usage, in camelCase, independent of dockerode and of the
// Engine API's spelling. Sizes are what the engine reports: apparent sizes of layer, container and
// volume directories (the engine sums st_size), in bytes.

export interface DockerImage {
  /** Full image id, `sha256:…`. */
  id: string;
  /** `repo:tag` references; empty for a dangling image (the engine's `<none>:<none>` is dropped). */
  tags: string[];
  /** No tag at all: what `docker image prune` removes. */
  dangling: boolean;
  /** Size of all the image's layers (`Size`). */
  bytes: number;
  /** Bytes of layers also used by another image (`SharedSize`; 0 when the engine did not compute it). */
  sharedBytes: number;
  /** Bytes only this image holds: `bytes - sharedBytes`. */
  uniqueBytes: number;
  /** Containers (running or not) using the image; -1 when the engine did not count them. */
  containers: number;
  createdMs: number;
  /** Parent image id (legacy builder); empty when none. */
  parentId: string;
}

/** Engine states that keep a container's writable layer in use (`docker system df` calls them active). */
export const ACTIVE_CONTAINER_STATES: readonly string[] = ['running', 'paused', 'restarting'];

export interface DockerContainer {
  /** Full container id (64 hex characters). */
  id: string;
  /** Name without the leading slash. */
  name: string;
  /** The image reference the container was created from, as the engine shows it. */
  image: string;
  imageId: string;
  /** 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'. */
  state: string;
  /** Size of the container's writable layer (`SizeRw`; the engine omits it when 0). */
  writableBytes: number;
  createdMs: number;
}

export interface DockerVolume {
  name: string;
  /** Size of the volume's data; null when the engine does not know (remote drivers, Size -1). */
  bytes: number | null;
  /** Containers referencing the volume; -1 when unknown. */
  refCount: number;
  inUse: boolean;
  mountpoint?: string;
  driver?: string;
  /** When the volume was created (ms since epoch), where the engine says. */
  createdMs?: number;
}

export interface DockerBuildCacheEntry {
  id: string;
  /** 'regular' | 'source.local' | 'source.git.checkout' | 'exec.cachemount' | 'internal' | 'frontend' | … */
  type: string;
  description: string;
  bytes: number;
  inUse: boolean;
  /** The record's data is shared with image layers: pruning the record frees none of it. */
  shared: boolean;
  lastUsedMs: number | null;
  createdMs: number | null;
}

export interface DockerDiskUsage {
  /** The endpoint the figures came from, e.g. `unix:///var/run/docker.sock`. */
  endpoint: string;
  /** Engine API version, e.g. '1.41', where known. */
  apiVersion?: string;
  /** Size of all image layers, each counted once (`LayersSize`; 0 on engines that do not report it, e.g. Podman). */
  layersBytes: number;
  images: DockerImage[];
  containers: DockerContainer[];
  volumes: DockerVolume[];
  buildCache: DockerBuildCacheEntry[];
  /** When the engine answered (ms since epoch, our clock). */
  fetchedAt: number;
}

export interface PruneResult {
  /** `SpaceReclaimed` as the engine reports it. */
  spaceReclaimed: number;
  /** Ids (images, layers, build-cache records) or names (containers, volumes) the engine deleted. */
  deleted: string[];
  /** Image references the engine untagged (image prune only). */
  untagged?: string[];
}

/** One row of `docker image history`. */
export interface DockerImageHistoryEntry {
  /** Image id of the layer's image, or '<missing>' for layers built elsewhere. */
  id: string;
  createdMs: number;
  createdBy: string;
  bytes: number;
  tags: string[];
  comment: string;
}

export type DockerEngineErrorKind = 'unreachable' | 'permission' | 'timeout' | 'api';

/** Any failure talking to the engine, with a message meant for the user. */
export class DockerEngineError extends Error {
  readonly kind: DockerEngineErrorKind;
  /** The endpoint the call went to, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** errno code (ECONNREFUSED, ENOENT, EACCES, …) where the failure was a socket error. */
  readonly code?: string;
  /** HTTP status where the engine answered with an error (404, 409, 500, …). */
  readonly statusCode?: number;
  /** The engine's own error text for 'api' errors. */
  readonly engineMessage?: string;

  constructor(
    kind: DockerEngineErrorKind,
    message: string,
    details: { endpoint: string; code?: string; statusCode?: number; engineMessage?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DockerEngineError';
    this.kind = kind;
    this.endpoint = details.endpoint;
    this.code = details.code;
    this.statusCode = details.statusCode;
    this.engineMessage = details.engineMessage;
  }
}

export function isDockerEngineError(error: unknown): error is DockerEngineError {
  return error instanceof DockerEngineError;
}

/** True for the error a call raises when the caller's AbortSignal fired. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
