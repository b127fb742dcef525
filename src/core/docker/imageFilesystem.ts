// Reads an image's filesystem from its `docker save` archive as a stream: each layer tar is
// parsed as it passes by (never buffered), keeping only (path -> size) per layer and its
// whiteouts; the layers are then applied in the manifest's order, as the engine's overlay does.
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';

export interface LayerFiles {
  /** Regular files: path (no leading slash) -> apparent size. Hard links count 0 (same inode). */
  files: Map<string, number>;
  /** `.wh.<name>` entries: paths this layer deletes from the layers below. */
  deleted: string[];
  /** Folders holding `.wh..wh..opq`: everything below them from lower layers is hidden. */
  opaque: string[];
}

export interface SaveArchive {
  /** Layer tar paths in application order (manifest.json `Layers`). */
  layerOrder: string[];
  layers: Map<string, LayerFiles>;
  /** Bytes read from the archive stream. */
  bytesRead: number;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

function normalise(name: string): string {
  return name.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

/** Parses one layer tar stream into its files and whiteouts. */
async function readLayer(stream: { pipe(destination: tar.Extract): unknown }, onBytes: (n: number) => void): Promise<LayerFiles> {
  const layer: LayerFiles = { files: new Map(), deleted: [], opaque: [] };
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, entry, next) => {
      const name = normalise(header.name);
      const slash = name.lastIndexOf('/');
      const base = name.slice(slash + 1);
      const dir = slash >= 0 ? name.slice(0, slash) : '';
      if (base === OPAQUE) layer.opaque.push(dir);
      else if (base.startsWith(WHITEOUT)) layer.deleted.push((dir ? dir + '/' : '') + base.slice(WHITEOUT.length));
      else if (header.type === 'file' || header.type === 'contiguous-file') layer.files.set(name, header.size ?? 0);
      entry.on('data', (chunk: unknown) => onBytes((chunk as Buffer).length));
      entry.on('end', next);
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
export async function readSaveArchive(archive: Readable, onProgress?: (bytesRead: number) => void, signal?: AbortSignal): Promise<SaveArchive> {
  const result: SaveArchive = { layerOrder: [], layers: new Map(), bytesRead: 0 };
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
              const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Layers?: string[] }[];
              result.layerOrder = (manifest[0]?.Layers ?? []).map(normalise);
              next();
            } catch (err) {
              reject(new Error(`malformed manifest.json in the image archive: ${(err as Error).message}`));
            }
          });
          return;
        }
        if (header.type === 'file' && header.size && (name.endsWith('/layer.tar') || name.startsWith('blobs/'))) {
          // A layer tar (or, in OCI layout, any blob: configs fail to parse as tar and are ignored).
          readLayer(entry, count).then((layer) => { result.layers.set(name, layer); next(); }, () => { entry.resume(); next(); });
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
  return result;
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

/** Applies the layers in order (whiteouts remove lower files) and returns the visible files. */
export function mergeLayers(archive: SaveArchive): Map<string, number> {
  const visible = new Map<string, number>();
  for (const layerPath of archive.layerOrder) {
    const layer = archive.layers.get(layerPath);
    if (!layer) continue;
    if (layer.deleted.length || layer.opaque.length) {
      const deleted = new Set(layer.deleted);
      const opaque = new Set(layer.opaque);
      for (const path of [...visible.keys()]) {
        if (hiddenBy(path, deleted, false) || hiddenBy(path, opaque, true)) visible.delete(path);
      }
    }
    for (const [path, size] of layer.files) visible.set(path, size);
  }
  return visible;
}
