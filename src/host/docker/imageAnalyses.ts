// Image anatomy for the tree and the chart: layers from GET /images/{id}/history (quick), and the
// folders inside the image from its `docker save` stream (slow: the whole image is read), each
// only when asked, the slow one with cancellable progress. Results are kept per engine and image
// id (an id names immutable content); one analysis per image runs at a time, later askers share it.
import { createHash } from 'crypto';
import * as vscode from 'vscode';
import type { DockerClient } from '../../core/categories/docker/client';
import { analyzeImageCached, imageLayers, type ImageAnatomy, type ImageLayer } from '../../core/categories/docker/imageAnatomy';
import { isAbortError } from '../../core/categories/docker/types';
import { formatBytes } from '../../core/format';
import type { Log } from '../log';
import { displayText } from '../../core/displayText';

/** What to analyze. */
export interface ImageRef {
  client: DockerClient;
  /** Full image id (`sha256:…`). */
  imageId: string;
  /** As the tree shows it (`app:1`, `<none> (abc…)`). */
  label: string;
  /** The image's size, for "x of about y read". */
  bytes: number;
  /** The other local images, to mark the layers they share. */
  otherImageIds: string[];
}

/** Enough entries for a folder hierarchy several levels deep (the core's default of 30 is for a flat list). */
export const ANALYSIS_OPTIONS = { limit: 2000, maxDepth: 8 } as const;

const KEEP = 32;

export class ImageAnalyses implements vscode.Disposable {
  private readonly anatomies = new Map<string, ImageAnatomy>();
  private readonly layerLists = new Map<string, ImageLayer[]>();
  private readonly running = new Map<string, { promise: Promise<ImageAnatomy>; controller: AbortController }>();
  private readonly cancelledKeys = new Set<string>();
  /** How often the engine was really asked; the integration tests check laziness and caching with it. */
  readonly counts = { analyses: 0, layerReads: 0 };

  constructor(private readonly log: Log) {}

  static key(client: DockerClient, imageId: string): string {
    return `${client.endpoint}|${imageId}`;
  }

  cached(ref: Pick<ImageRef, 'client' | 'imageId'>): ImageAnatomy | undefined {
    return this.anatomies.get(ImageAnalyses.key(ref.client, ref.imageId));
  }

  /** The user cancelled this image's analysis: it is not started again until they ask (see retry). */
  wasCancelled(ref: Pick<ImageRef, 'client' | 'imageId'>): boolean {
    return this.cancelledKeys.has(ImageAnalyses.key(ref.client, ref.imageId));
  }

  /** Forgets a cancellation, so the next expand analyzes again. */
  retry(key: string): void {
    this.cancelledKeys.delete(key);
  }

  isRunning(ref: Pick<ImageRef, 'client' | 'imageId'>): boolean {
    return this.running.has(ImageAnalyses.key(ref.client, ref.imageId));
  }

  /** The image's layers, oldest first, with `shared` set for layers another local image has. */
  async layers(ref: ImageRef): Promise<ImageLayer[]> {
    const key = layersKey(ref);
    const hit = this.layerLists.get(key);
    if (hit) return hit;
    this.counts.layerReads++;
    const layers = await imageLayers(ref.client, ref.imageId, ref.otherImageIds);
    remember(this.layerLists, key, layers);
    return layers;
  }

  cachedLayers(ref: ImageRef): ImageLayer[] | undefined {
    return this.layerLists.get(layersKey(ref));
  }

  /** The whole anatomy (reads the image): cached, or joined when running, else started with cancellable progress. */
  analyze(ref: ImageRef): Promise<ImageAnatomy> {
    const key = ImageAnalyses.key(ref.client, ref.imageId);
    const hit = this.anatomies.get(key);
    if (hit) return Promise.resolve(hit);
    const running = this.running.get(key);
    if (running) return running.promise;
    this.cancelledKeys.delete(key);
    const controller = new AbortController();
    this.counts.analyses++;
    const started = Date.now();
    this.log.info(`Analyzing image ${ref.label} (${ref.imageId}) at ${ref.client.endpoint}`);
    const promise = Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: displayText(vscode.l10n.t('ML Disk Space: analyzing image {0}', ref.label)), cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let lastReport = 0;
          let lastPercent = 0;
          return analyzeImageCached(ref.client, ref.imageId, ref.otherImageIds, {
            ...ANALYSIS_OPTIONS,
            signal: controller.signal,
            onProgress: (bytesRead) => {
              const now = Date.now();
              if (now - lastReport < 250) return;
              lastReport = now;
              const percent = ref.bytes > 0 ? Math.min(99, (bytesRead / ref.bytes) * 100) : 0;
              progress.report({ message: vscode.l10n.t('{0} of about {1} read', formatBytes(bytesRead), formatBytes(ref.bytes)), increment: Math.max(0, percent - lastPercent) });
              lastPercent = Math.max(lastPercent, percent);
            },
          });
        },
      ),
    ).then(
      (anatomy) => {
        remember(this.anatomies, key, anatomy);
        this.log.info(`Analyzed image ${ref.label} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${anatomy.layers.length} layers, ${anatomy.paths.length} folders`);
        return anatomy;
      },
      (err: unknown) => {
        if (controller.signal.aborted || isAbortError(err)) {
          this.cancelledKeys.add(key);
          this.log.info(`Analysis of image ${ref.label} cancelled`);
          throw Object.assign(new Error('the analysis was cancelled'), { name: 'AbortError' });
        }
        this.log.warn(`Analysis of image ${ref.label} failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      },
    );
    const entry = { promise, controller };
    this.running.set(key, entry);
    void promise.finally(() => this.running.delete(key)).catch(() => undefined);
    return promise;
  }

  /** Stops every running analysis (as if the user pressed Cancel on each). */
  cancelAll(): number {
    const n = this.running.size;
    for (const r of this.running.values()) r.controller.abort();
    return n;
  }

  stats(): { analyses: number; layerReads: number; cached: string[]; running: string[]; cancelled: string[] } {
    return { ...this.counts, cached: [...this.anatomies.keys()], running: [...this.running.keys()], cancelled: [...this.cancelledKeys] };
  }

  dispose(): void {
    this.cancelAll();
  }
}

/** Which layers are shared depends on the other images too: they are part of the key. */
function layersKey(ref: ImageRef): string {
  const others = ref.otherImageIds.filter((id) => id !== ref.imageId).sort();
  return `${ImageAnalyses.key(ref.client, ref.imageId)}|${createHash('sha1').update(others.join(',')).digest('hex')}`;
}

/** Keeps the newest KEEP entries. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > KEEP) map.delete(map.keys().next().value!);
}
