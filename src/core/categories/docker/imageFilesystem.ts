// Reads an image's filesystem from its `docker save` archive as a stream: each layer tar is
// parsed as it passes by (never buffered, except blobs of at most a few MiB, which may be the
// image config), keeping only (path -> size) per layer, a content hash of the larger files (to
// find copies of the same file) and its whiteouts; the layers are then applied in the manifest's
// order, as the engine's overlay does.
import { createHash } from 'node:crypto';
import { Readable as ReadableStream, type Readable } from 'node:stream';
import * as tar from 'tar-stream';

export interface LayerFiles {
  /** Regular files: path (no leading slash) -> apparent size. Hard links count 0 (same inode). */
  files: Map<string, number>;
  /** `.wh.<name>` entries: paths this layer deletes from the layers below. */
  deleted: string[];
  /** Folders holding `.wh..wh..opq`: everything below them from lower layers is hidden. */
  opaque: string[];
  /** sha256 (hex) of the files of at least ReadOptions.minHashBytes. */
  hashes: Map<string, string>;
}

/** The image config's `history` (oldest first): one entry per build step, `empty_layer` when it made no layer. */
export interface ConfigHistoryEntry {
  createdBy: string;
  emptyLayer: boolean;
}

export interface SaveArchive {
  /** Layer tar paths in application order (manifest.json `Layers`). */
  layerOrder: string[];
  layers: Map<string, LayerFiles>;
  /** Bytes read from the archive stream. */
  bytesRead: number;
  /** From the image config named by manifest.json `Config`; undefined when the archive has none readable. */
  configHistory?: ConfigHistoryEntry[];
}

export interface ReadOptions {
  onProgress?: (bytesRead: number) => void;
  signal?: AbortSignal;
  /** Files at least this large get a content hash, to find copies (default 64 KiB; 0 = none). */
  minHashBytes?: number;
}

/** Blobs up to this size are buffered: one of them is the image config (JSON), the others layer tars. */
const SMALL_BLOB = 4 * 1024 * 1024;
export const DEFAULT_MIN_HASH_BYTES = 64 * 1024;

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

function normalise(name: string): string {
  return name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

/** Parses one layer tar stream into its files and whiteouts. */
async function readLayer(stream: { pipe(destination: tar.Extract): unknown }, onBytes: (n: number) => void, minHashBytes: number): Promise<LayerFiles> {
  const layer: LayerFiles = { files: new Map(), deleted: [], opaque: [], hashes: new Map() };
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, entry, next) => {
      const name = normalise(header.name);
      const slash = name.lastIndexOf('/');
      const base = name.slice(slash + 1);
      const dir = slash >= 0 ? name.slice(0, slash) : '';
      if (base === OPAQUE) layer.opaque.push(dir);
      else if (base.startsWith(WHITEOUT)) layer.deleted.push((dir ? dir + '/' : '') + base.slice(WHITEOUT.length));
      const isFile = header.type === 'file' || header.type === 'contiguous-file';
      if (isFile && !base.startsWith(WHITEOUT)) layer.files.set(name, header.size ?? 0);
      // The bytes pass by anyway: hashing them as they do costs no second read.
      const hash = isFile && minHashBytes > 0 && (header.size ?? 0) >= minHashBytes ? createHash('sha256') : undefined;
      entry.on('data', (chunk: unknown) => {
        onBytes((chunk as Buffer).length);
        hash?.update(chunk as Buffer);
      });
      entry.on('end', () => {
        if (hash) layer.hashes.set(name, hash.digest('hex'));
        next();
      });
      entry.on('error', reject);
      entry.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await done;
  return layer;
}

/** Reads a `docker save` tar stream (legacy `<id>/layer.tar` or OCI `blobs/sha256/<digest>` layouts). */
export async function readSaveArchive(archive: Readable, options: ReadOptions = {}): Promise<SaveArchive> {
  const { onProgress, signal } = options;
  const minHashBytes = options.minHashBytes ?? DEFAULT_MIN_HASH_BYTES;
  const result: SaveArchive = { layerOrder: [], layers: new Map(), bytesRead: 0 };
  // Small JSON documents by archive path: the config is known only once manifest.json (often last) names it.
  const jsonDocs = new Map<string, string>();
  let configName: string | undefined;
  const count = (n: number) => { result.bytesRead += n; onProgress?.(result.bytesRead); };
  const extract = tar.extract();
  const abort = () => archive.destroy(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      extract.on('entry', (header, entry, next) => {
        const name = normalise(header.name);
        if (name === 'manifest.json') {
          const chunks: Buffer[] = [];
          entry.on('data', (c: unknown) => { chunks.push(c as Buffer); count((c as Buffer).length); });
          entry.on('end', () => {
            try {
              const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Layers?: string[]; Config?: string }[];
              result.layerOrder = (manifest[0]?.Layers ?? []).map(normalise);
              configName = manifest[0]?.Config ? normalise(manifest[0].Config) : undefined;
              next();
            } catch (err) {
              reject(new Error(`malformed manifest.json in the image archive: ${(err as Error).message}`));
            }
          });
          return;
        }
        const isBlob = name.startsWith('blobs/');
        if (header.type === 'file' && header.size && isBlob && header.size <= SMALL_BLOB) {
          // Small OCI blob: the config (JSON), an index, or a small layer tar. Buffered, then told apart.
          const chunks: Buffer[] = [];
          entry.on('data', (c: unknown) => chunks.push(c as Buffer));
          entry.on('end', () => {
            const body = Buffer.concat(chunks);
            if (body.subarray(0, 64).toString('latin1').trimStart().startsWith('{')) {
              count(body.length);
              jsonDocs.set(name, body.toString('utf8'));
              next();
              return;
            }
            readLayer(ReadableStream.from([body]), count, minHashBytes).then((layer) => { result.layers.set(name, layer); next(); }, () => next());
          });
          return;
        }
        if (header.type === 'file' && header.size && (name.endsWith('/layer.tar') || isBlob)) {
          // A layer tar (or, in OCI layout, a large blob, which can only be a layer).
          readLayer(entry, count, minHashBytes).then((layer) => { result.layers.set(name, layer); next(); }, () => { entry.resume(); next(); });
          return;
        }
        if (header.type === 'file' && !name.includes('/') && name.endsWith('.json') && (header.size ?? 0) <= SMALL_BLOB) {
          // Legacy layout: the config is `<id>.json` at the top.
          const chunks: Buffer[] = [];
          entry.on('data', (c: unknown) => { chunks.push(c as Buffer); count((c as Buffer).length); });
          entry.on('end', () => { jsonDocs.set(name, Buffer.concat(chunks).toString('utf8')); next(); });
          return;
        }
        entry.on('data', (c: unknown) => count((c as Buffer).length));
        entry.on('end', next);
        entry.resume();
      });
      extract.on('finish', resolve);
      extract.on('error', reject);
      archive.on('error', reject);
      archive.pipe(extract);
    });
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  if (!result.layerOrder.length) throw new Error('the image archive has no manifest.json with layers');
  result.configHistory = configName ? parseConfigHistory(jsonDocs.get(configName)) : undefined;
  return result;
}

function parseConfigHistory(json: string | undefined): ConfigHistoryEntry[] | undefined {
  if (!json) return undefined;
  try {
    const config = JSON.parse(json) as { history?: { created_by?: unknown; empty_layer?: unknown }[] };
    if (!Array.isArray(config.history)) return undefined;
    return config.history.map((h) => ({ createdBy: typeof h?.created_by === 'string' ? h.created_by : '', emptyLayer: h?.empty_layer === true }));
  } catch {
    return undefined;
  }
}

/** True when `path` or one of its ancestors is in `set` (ancestorsOnly: the path itself does not count). */
function hiddenBy(path: string, set: Set<string>, ancestorsOnly: boolean): boolean {
  if (!ancestorsOnly && set.has(path)) return true;
  if (set.has('')) return ancestorsOnly;
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    if (set.has(path.slice(0, i))) return true;
  }
  return false;
}

/** A file of the final filesystem: its size and the layer (index in layerOrder) it comes from. */
export interface VisibleFile {
  size: number;
  layer: number;
  hash?: string;
}

/** A file a layer shipped that a later layer deleted (whiteout) or replaced: its bytes are still in the image. */
export interface HiddenFile {
  path: string;
  size: number;
  /** Index in layerOrder of the layer that shipped it, and of the one that hid it. */
  layer: number;
  hiddenBy: number;
  how: 'deleted' | 'overwritten';
  /** Overwritten by a file with the same content (both hashed and equal). */
  sameContent: boolean;
}

export interface AppliedLayers {
  visible: Map<string, VisibleFile>;
  hidden: HiddenFile[];
}

/** Applies the layers in order (whiteouts remove lower files), remembering where each file came from and what was hidden. */
export function applyLayers(archive: SaveArchive): AppliedLayers {
  const visible = new Map<string, VisibleFile>();
  const hidden: HiddenFile[] = [];
  archive.layerOrder.forEach((layerPath, index) => {
    const layer = archive.layers.get(layerPath);
    if (!layer) return;
    if (layer.deleted.length || layer.opaque.length) {
      const deleted = new Set(layer.deleted);
      const opaque = new Set(layer.opaque);
      for (const [path, file] of visible) {
        if (hiddenBy(path, deleted, false) || hiddenBy(path, opaque, true)) {
          visible.delete(path);
          if (file.size > 0) hidden.push({ path, size: file.size, layer: file.layer, hiddenBy: index, how: 'deleted', sameContent: false });
        }
      }
    }
    for (const [path, size] of layer.files) {
      const hash = layer.hashes.get(path);
      const below = visible.get(path);
      if (below && below.size > 0) {
        hidden.push({ path, size: below.size, layer: below.layer, hiddenBy: index, how: 'overwritten', sameContent: !!hash && hash === below.hash });
      }
      visible.set(path, { size, layer: index, hash });
    }
  });
  return { visible, hidden };
}

/** The visible files of the final filesystem: path (no leading slash) -> size. */
export function mergeLayers(archive: SaveArchive): Map<string, number> {
  return new Map([...applyLayers(archive).visible].map(([path, f]) => [path, f.size]));
}
