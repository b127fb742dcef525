// Why is an image big? Its layers (GET /images/{id}/history) and the largest folders inside it
// (its `docker save` archive read as a stream, whiteouts honoured), what it is made of in ML terms
// (composition by kind, per image and per layer), the waste each layer ships with its fix, plus
// facts worth knowing: the largest layer's instruction, Python packages and model weight files.
import type { DockerClient } from './client';
import type { DockerImageHistoryEntry } from './types';
import { applyLayers, readSaveArchive, type SaveArchive } from './imageFilesystem';
import { CompositionCounter, emptyComposition, type Composition } from './imageComposition';
import { findWaste, type WasteFinding, type WasteLayerRef } from './imageWaste';
import { formatBytes } from '../../format';
import { shortInstruction } from './layerLabel';
import { t } from '../../l10n';

export interface ImageLayer {
  createdBy: string;
  /** Short label of the step (layerLabel.ts), e.g. `RUN pip install …`, `COPY …/model.safetensors`. */
  instruction: string;
  bytes: number;
  createdMs: number;
  /** The same layer is part of another local image. */
  shared: boolean;
  /** What this layer's own files are, by kind, as shipped (files later layers hide included); set by analyzeImage. */
  composition?: Composition;
}

export interface ImagePath {
  path: string;
  bytes: number;
}

export interface ImageAnatomy {
  image: string;
  id: string;
  /** Sum of the layer sizes (apparent size of the image's content). */
  bytes: number;
  /** Oldest first, as they are applied. */
  layers: ImageLayer[];
  /** Largest folders inside the image's final filesystem, largest first. */
  paths: ImagePath[];
  /** Largest files (model weights first among equals), largest first. */
  largestFiles: ImagePath[];
  pythonPackages: ImagePath[];
  modelWeights: ImagePath[];
  /** Plain facts, no guesses. */
  hints: string[];
  /** The final filesystem by kind (bytes once: whiteouts and overwritten files do not count). */
  composition: Composition;
  /** Largest first; each byte in one finding at most. */
  waste: WasteFinding[];
  wasteBytes: number;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  onProgress?: (bytesRead: number) => void;
  /** Folders deeper than this are folded into their ancestor at this depth (default 8). */
  maxDepth?: number;
  /** Entries per list (default 30). */
  limit?: number;
  /** Files at least this large are hashed to find copies across layers (default 64 KiB). */
  minHashBytes?: number;
}

const WEIGHT_FILE = /\.(safetensors|bin|onnx|pt|pth|ckpt|gguf|h5|msgpack)$/i;
const PACKAGE_DIR = /\/(site|dist)-packages\/([^/]+)/;

const layerKey = (h: DockerImageHistoryEntry) => `${h.createdMs}|${h.createdBy}|${h.bytes}`;

/** Layers of `id`, oldest first, with `shared` set when another local image has the same layer. */
export async function imageLayers(client: DockerClient, id: string, otherImageIds: string[], signal?: AbortSignal): Promise<ImageLayer[]> {
  const history = (await client.imageHistory(id, { signal })).slice().reverse();
  const elsewhere = new Set<string>();
  for (const other of otherImageIds) {
    if (other === id) continue;
    try {
      for (const h of await client.imageHistory(other, { signal })) if (h.bytes > 0) elsewhere.add(layerKey(h));
    } catch {
      // An image removed meanwhile only means fewer known sharers.
    }
  }
  return history.map((h) => ({
    createdBy: h.createdBy,
    instruction: shortInstruction(h.createdBy),
    bytes: h.bytes,
    createdMs: h.createdMs,
    shared: h.bytes > 0 && elsewhere.has(layerKey(h)),
  }));
}

/** Folder totals of the visible files, folded at maxDepth, largest first. */
export function folderTotals(files: Map<string, number>, maxDepth: number): ImagePath[] {
  const totals = new Map<string, number>();
  for (const [file, size] of files) {
    if (!size) continue;
    const parts = file.split('/');
    let prefix = '';
    for (let i = 0; i < Math.min(parts.length - 1, maxDepth); i++) {
      prefix += '/' + parts[i];
      totals.set(prefix, (totals.get(prefix) ?? 0) + size);
    }
  }
  return [...totals].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
}

/**
 * For a flat listing: drops a folder whose bytes all sit in one subfolder (/opt, /opt/deep, …
 * above /opt/deep/a/b/c), so only the deepest folder of such a chain is shown.
 */
export function withoutPassThroughFolders(paths: ImagePath[]): ImagePath[] {
  const bytesOf = new Map(paths.map((p) => [p.path, p.bytes]));
  const passThrough = new Set<string>();
  for (const p of paths) {
    const parent = p.path.slice(0, p.path.lastIndexOf('/'));
    if (parent && bytesOf.get(parent) === p.bytes) passThrough.add(parent);
  }
  return paths.filter((p) => !passThrough.has(p.path));
}

export async function analyzeImage(client: DockerClient, image: string, otherImageIds: string[], options: AnalyzeOptions = {}): Promise<ImageAnatomy> {
  const limit = options.limit ?? 30;
  const history = await client.imageHistory(image, { signal: options.signal });
  const id = history[0]?.id && history[0].id !== '<missing>' ? history[0].id : image;
  // `image` may be a name: compare with the other images by id, never with itself.
  const layers = await imageLayers(client, image, otherImageIds.filter((other) => other !== id), options.signal);
  const archive = await readSaveArchive(await client.exportImage(image, { signal: options.signal }), { onProgress: options.onProgress, signal: options.signal, minHashBytes: options.minHashBytes });
  const applied = applyLayers(archive);
  const files = new Map([...applied.visible].map(([path, f]) => [path, f.size]));
  const composition = new CompositionCounter();
  for (const [path, size] of files) composition.add(path, size);
  const historyIndexOf = archiveToHistory(archive, layers);
  archive.layerOrder.forEach((layerPath, i) => {
    const layer = layers[historyIndexOf[i]];
    const files = archive.layers.get(layerPath)?.files;
    if (!layer || !files) return;
    const counter = new CompositionCounter();
    for (const [path, size] of files) counter.add(path, size);
    layer.composition = counter.finish();
  });
  for (const layer of layers) layer.composition ??= emptyComposition();
  const layerRef = (i: number): WasteLayerRef => {
    const index = historyIndexOf[i] ?? -1;
    const layer = layers[index];
    return layer ? { index, createdBy: layer.createdBy, instruction: layer.instruction } : { index: -1, createdBy: '', instruction: t('(layer {0} of the archive)', i + 1) };
  };
  const waste = findWaste(applied, layerRef);
  const wasteBytes = waste.reduce((s, w) => s + w.bytes, 0);

  const paths = folderTotals(files, options.maxDepth ?? 8).slice(0, limit);
  const byFile = [...files].map(([path, bytes]) => ({ path: '/' + path, bytes })).sort((a, b) => b.bytes - a.bytes);
  const largestFiles = byFile.slice(0, limit);
  const modelWeights = byFile.filter((f) => WEIGHT_FILE.test(f.path)).slice(0, limit);
  const packages = new Map<string, number>();
  for (const f of byFile) {
    const m = f.path.match(PACKAGE_DIR);
    if (m) {
      const root = f.path.slice(0, (m.index ?? 0) + m[0].length);
      packages.set(root, (packages.get(root) ?? 0) + f.bytes);
    }
  }
  const pythonPackages = [...packages].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, limit);
  const bytes = layers.reduce((s, l) => s + l.bytes, 0);

  const hints: string[] = [];
  const largest = [...layers].sort((a, b) => b.bytes - a.bytes)[0];
  if (largest && bytes > 0) hints.push(t('Largest layer: {0} — {1} ({2} % of the image)', largest.instruction, formatBytes(largest.bytes), Math.round((largest.bytes / bytes) * 100)));
  const sharedBytes = layers.filter((l) => l.shared).reduce((s, l) => s + l.bytes, 0);
  if (sharedBytes > 0) hints.push(t('{0} ({1} %) is in layers shared with other local images (a common base is stored once)', formatBytes(sharedBytes), Math.round((sharedBytes / bytes) * 100)));
  const packageBytes = pythonPackages.reduce((s, p) => s + p.bytes, 0);
  if (packageBytes > 0) hints.push(t('Python packages: {0}; largest {1}', formatBytes(packageBytes), pythonPackages.slice(0, 3).map((p) => `${p.path.split('/').pop()} ${formatBytes(p.bytes)}`).join(', ')));
  const weightBytes = modelWeights.reduce((s, p) => s + p.bytes, 0);
  if (weightBytes > 0) hints.push(t('Model weight files: {0} in {1} file(s)', formatBytes(weightBytes), modelWeights.length));
  if (wasteBytes > 0) hints.push(t('Waste: {0} in {1} finding(s); largest: {2} in layer {3} ({4})', formatBytes(wasteBytes), waste.length, waste[0].what, waste[0].layer.index + 1, formatBytes(waste[0].bytes)));
  return { image, id, bytes, layers, paths, largestFiles, pythonPackages, modelWeights, hints, composition: composition.finish(), waste, wasteBytes };
}

/**
 * For each layer tar (in archive order), the index of its build step in `layers` (the history,
 * oldest first). The image config says which steps made no layer (`empty_layer`); without it,
 * the steps with bytes are matched in order, and failing that, none is (-1).
 */
export function archiveToHistory(archive: Pick<SaveArchive, 'layerOrder' | 'configHistory'>, layers: Pick<ImageLayer, 'bytes'>[]): number[] {
  const n = archive.layerOrder.length;
  const config = archive.configHistory;
  if (config && config.length === layers.length) {
    const steps = config.flatMap((h, i) => (h.emptyLayer ? [] : [i]));
    if (steps.length === n) return steps;
  }
  const withBytes = layers.flatMap((l, i) => (l.bytes > 0 ? [i] : []));
  if (withBytes.length === n) return withBytes;
  if (layers.length === n) return layers.map((_, i) => i);
  return new Array<number>(n).fill(-1);
}

/** Analyses are cached per image id: an image's content never changes under the same id. */
const analysisCache = new Map<string, ImageAnatomy>();
const CACHE_LIMIT = 32;

export async function analyzeImageCached(client: DockerClient, imageId: string, otherImageIds: string[], options: AnalyzeOptions = {}): Promise<ImageAnatomy> {
  const key = `${client.endpoint}|${imageId}|${options.maxDepth ?? 8}|${options.limit ?? 30}|${options.minHashBytes ?? ''}`;
  const hit = analysisCache.get(key);
  if (hit) return hit;
  const anatomy = await analyzeImage(client, imageId, otherImageIds, options);
  if (analysisCache.size >= CACHE_LIMIT) analysisCache.delete(analysisCache.keys().next().value!);
  analysisCache.set(key, anatomy);
  return anatomy;
}
