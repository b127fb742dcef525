// The one way the rest of the extension talks to a Docker engine. The implementation on dockerode
// lives in dockerodeClient.ts; nothing else imports dockerode.
//
// Every call takes an optional AbortSignal and runs under a timeout. Failures are
// DockerEngineError (kind 'unreachable' | 'permission' | 'timeout' | 'api', with a user-facing
// message); a call cancelled through its signal rejects with an error named 'AbortError'.

import type { Readable } from 'node:stream';
import type { DockerDiskUsage, DockerImageHistoryEntry, PruneResult } from './types';

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's default timeout for this call (ms). */
  timeoutMs?: number;
}

export interface RemoveImageResult {
  /** References the engine untagged. */
  untagged: string[];
  /** Image ids the engine deleted (the image and parents that became unused). */
  deleted: string[];
}

export interface DockerClient {
  /** Where the client connects, e.g. `unix:///var/run/docker.sock`; used in messages. */
  readonly endpoint: string;

  /** GET /_ping: resolves when the engine answers. */
  ping(options?: CallOptions): Promise<void>;

  /** The engine's API version ('1.41'), fetched once and remembered. */
  apiVersion(options?: CallOptions): Promise<string>;

  /**
   * GET /info's DockerRootDir: the folder the engine keeps images, containers and volumes in, on
   * the engine's machine (undefined when the engine does not say).
   */
  dataRoot(options?: CallOptions): Promise<string | undefined>;

  /** GET /system/df: images, containers, volumes and build cache in one call. */
  diskUsage(options?: CallOptions): Promise<DockerDiskUsage>;

  /**
   * DELETE /images/{ref}. `ref` is an image id or a `repo:tag`. Without force the engine refuses
   * (HTTP 409) an image used by a container or, by id, one referenced by several tags.
   */
  removeImage(ref: string, options?: CallOptions & { force?: boolean }): Promise<RemoveImageResult>;

  /** DELETE /containers/{id} without force: the engine refuses (409) a running container. Volumes are kept. */
  removeContainer(id: string, options?: CallOptions): Promise<void>;

  /** DELETE /volumes/{name} without force: the engine refuses (409) a volume in use. */
  removeVolume(name: string, options?: CallOptions): Promise<void>;

  /**
   * POST /images/prune. `danglingOnly` false prunes every image no container uses.
   * `createdBefore` (ms) passes the `until` filter: images created at or after it are kept.
   */
  pruneImages(options: CallOptions & { danglingOnly: boolean; createdBefore?: number }): Promise<PruneResult>;

  /** POST /containers/prune: every stopped container. */
  pruneContainers(options?: CallOptions): Promise<PruneResult>;

  /**
   * POST /volumes/prune: every volume no container uses. Engines with API >= 1.42 prune only
   * anonymous volumes unless `all` is sent; this call sends it there so all engines behave alike.
   */
  pruneVolumes(options?: CallOptions): Promise<PruneResult>;

  /** POST /build/prune. `all` also removes cache still referenced by images' build history (like `docker builder prune -a`). */
  pruneBuildCache(options: CallOptions & { all: boolean }): Promise<PruneResult>;

  /** GET /images/{id}/history: the image's layers, newest first. */
  imageHistory(id: string, options?: CallOptions): Promise<DockerImageHistoryEntry[]>;

  /**
   * GET /images/{id}/get: the image as a `docker save` tar stream. The timeout covers the start of
   * the response; the caller's signal also ends the stream.
   */
  exportImage(id: string, options?: CallOptions): Promise<Readable>;
}

/** Default timeouts (ms). /system/df walks every container and volume, so it gets the most. */
export interface DockerTimeouts {
  ping: number;
  /** GET /system/df and other reads. */
  read: number;
  /** Removal of one object. */
  remove: number;
  /** Prunes, which may delete many gigabytes. */
  prune: number;
}

export const DEFAULT_DOCKER_TIMEOUTS: DockerTimeouts = {
  ping: 5_000,
  read: 120_000,
  remove: 60_000,
  prune: 600_000,
};
