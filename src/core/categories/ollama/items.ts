// A models folder as rows of the scan model. Bytes are counted once: a blob one tag uses is in
// that tag's row; a blob several tags use is in "Layers shared by several tags" and shows in each
// of those tags as sharedBytes (with the size `ollama list` would add up in sizeWithSharedBytes);
// blobs no manifest names and interrupted downloads are rows of their own, and the rest
// (folders, unreadable manifests, unknown files) is "Other", so the rows add up to the folder.
import * as path from 'path';
import { formatAge, formatBytes, formatCount } from '../../format';
import { t } from '../../l10n';
import type { Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { WalkNode } from '../../walker/types';
import {
  ollamaBrokenManifestItemId, ollamaModelItemId, ollamaOtherItemId, ollamaPartialItemId,
  ollamaSharedBlobItemId, ollamaSharedItemId, ollamaUnreferencedBlobItemId, ollamaUnreferencedItemId,
} from './ids';
import type { OllamaManifest } from './manifests';
import type { OllamaStore } from './store';

/** A partial download changed this recently may still be running: prune keeps it. */
export const ACTIVE_DOWNLOAD_MS = 10 * 60_000;

export interface StoreRows {
  items: Item[];
  /** What `ollama:prune` would free here: unreferenced blobs (when every manifest was read) and partials. */
  prunableBytes: number;
}

const shortBlob = (blob: string) => blob.slice(0, 'sha256-'.length + 12);

/** "model", "template", "params", … from `application/vnd.ollama.image.<what>`. */
function layerWhat(mediaType: string): string {
  const m = /vnd\.ollama\.image\.([a-z0-9_.-]+)$/i.exec(mediaType);
  if (m) return m[1];
  return /container\.image|config/i.test(mediaType) ? 'config' : mediaType || '?';
}

function sum(nodes: (WalkNode | undefined)[], key: 'bytes' | 'apparentBytes'): number {
  return nodes.reduce((s, n) => s + (n?.[key] ?? 0), 0);
}

function modelRow(store: OllamaStore, m: OllamaManifest, now: number, where: string): Item {
  const own: WalkNode[] = [];
  const shared: WalkNode[] = [];
  const others = new Set<string>();
  const missing: string[] = [];
  for (const l of m.layers) {
    const blob = store.blobs.get(l.blob);
    if (!blob) { missing.push(l.blob); continue; }
    const users = store.users.get(l.blob) ?? [];
    if (users.length > 1) {
      shared.push(blob);
      for (const u of users) if (u !== m) others.add(u.label);
    } else own.push(blob);
  }
  const manifestNode = store.manifestNodes.get(m.path);
  const bytes = sum([manifestNode, ...own], 'bytes');
  const apparentBytes = sum([manifestNode, ...own], 'apparentBytes');
  const sharedBytes = sum(shared, 'bytes');
  const sharedWith = [...others].sort();
  const item: Item = {
    id: ollamaModelItemId(m.path),
    label: m.label + where,
    kind: 'ollama-model',
    path: m.path,
    bytes,
    apparentBytes,
    reclaimable: true,
    fields: {
      cacheRoot: store.modelsDir,
      manifest: m.path,
      registry: m.registry,
      namespace: m.namespace,
      model: m.model,
      tag: m.tag,
      layers: m.layers.length,
      sizeWithSharedBytes: bytes + sharedBytes,
      sharedBytes,
      sharedWithTags: sharedWith.join(', '),
      statedSizeBytes: m.layers.reduce((s, l) => s + l.size, 0),
      missingBlobs: missing.length,
    },
  };
  if (sharedBytes > 0) {
    item.sharedBytes = sharedBytes;
    item.sharedWith = t('"Layers shared by several tags" (also used by {0})', sharedWith.join(', '));
  }
  if (manifestNode?.mtimeMs) item.modifiedMs = manifestNode.mtimeMs;
  if (missing.length) item.badges = [t('incomplete')];
  item.description = [
    formatCount(m.layers.length, 'layer'),
    sharedBytes > 0 ? t('{0} with shared layers · shares {1} with {2}', formatBytes(bytes + sharedBytes), formatBytes(sharedBytes), sharedWith.join(', ')) : '',
    missing.length ? t('{0} missing', formatCount(missing.length, 'blob')) : '',
    manifestNode?.mtimeMs ? t('pulled {0}', formatAge(manifestNode.mtimeMs, now)) : '',
  ].filter(Boolean).join(' · ');
  return item;
}

function blobRow(store: OllamaStore, node: WalkNode, id: string, kind: string, reclaimable: boolean, description: string): Item {
  return {
    id,
    label: shortBlob(node.name),
    kind,
    path: node.path,
    bytes: node.bytes,
    apparentBytes: node.apparentBytes,
    reclaimable,
    description,
    fields: { cacheRoot: store.modelsDir, blob: node.name },
    ...(node.mtimeMs ? { modifiedMs: node.mtimeMs } : {}),
  };
}

function group(id: string, label: string, kind: string, store: OllamaStore, children: Item[], reclaimable: boolean, description: string): Item {
  return {
    id,
    label,
    kind,
    path: path.join(store.modelsDir, 'blobs'),
    bytes: children.reduce((s, c) => s + c.bytes, 0),
    apparentBytes: children.reduce((s, c) => s + c.apparentBytes, 0),
    reclaimable,
    description,
    fields: { cacheRoot: store.modelsDir, blobs: children.length },
    children: sortBySizeDesc(children),
  };
}

function layerKinds(store: OllamaStore, blob: string): string {
  const users = store.users.get(blob) ?? [];
  const what = new Set(users.flatMap((u) => u.layers.filter((l) => l.blob === blob).map((l) => layerWhat(l.mediaType))));
  return [...what].join(', ');
}

function partialRows(store: OllamaStore, now: number): Item[] {
  return [...store.partials].map(([blob, nodes]) => {
    const files = [...nodes].sort((a, b) => a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
    const newest = Math.max(...files.map((f) => f.mtimeMs || 0));
    const active = newest > 0 && now - newest < ACTIVE_DOWNLOAD_MS;
    const item: Item = {
      id: ollamaPartialItemId(path.join(store.modelsDir, 'blobs', blob)),
      label: t('{0} (incomplete download)', shortBlob(blob)),
      kind: 'ollama-partial',
      path: files[0].path,
      bytes: sum(files, 'bytes'),
      apparentBytes: sum(files, 'apparentBytes'),
      reclaimable: true,
      description: [
        formatCount(files.length, 'file'),
        newest ? t('changed {0}', formatAge(newest, now)) : '',
        active ? t('may still be downloading') : t('an interrupted pull; ollama pull resumes it'),
      ].filter(Boolean).join(' · '),
      fields: { cacheRoot: store.modelsDir, blob, files: files.map((f) => f.path).join('\n'), mayBeActive: active },
    };
    if (newest) item.modifiedMs = newest;
    if (active) item.badges = [t('may be downloading')];
    return item;
  });
}

/** The rows of one models folder; `where` is appended to tag labels when several folders are shown. */
export function storeRows(store: OllamaStore, now: number, where = ''): StoreRows {
  const items: Item[] = store.manifests.map((m) => modelRow(store, m, now, where));
  const sharedBlobs: Item[] = [];
  const unreferenced: Item[] = [];
  const everyManifestRead = store.problems.length === 0;
  for (const [name, node] of store.blobs) {
    const users = store.users.get(name) ?? [];
    if (users.length > 1) {
      sharedBlobs.push(blobRow(store, node, ollamaSharedBlobItemId(node.path), 'ollama-shared-blob', false,
        t('{0} · used by {1}', layerKinds(store, name), users.map((u) => u.label).join(', '))));
    } else if (users.length === 0) {
      unreferenced.push(blobRow(store, node, ollamaUnreferencedBlobItemId(node.path), 'ollama-unreferenced-blob', everyManifestRead,
        everyManifestRead ? t('no manifest names it') : t('no readable manifest names it; kept while a manifest cannot be read')));
    }
  }
  if (sharedBlobs.length) {
    items.push(group(ollamaSharedItemId(store.modelsDir), t('Layers shared by several tags') + where, 'ollama-shared', store, sharedBlobs, false,
      t('freed when every tag using them is deleted')));
  }
  if (unreferenced.length) {
    items.push(group(ollamaUnreferencedItemId(store.modelsDir), t('Blobs no model uses') + where, 'ollama-unreferenced', store, unreferenced, everyManifestRead,
      everyManifestRead
        ? t('{0} · no manifest names them (ollama prune removes them)', formatCount(unreferenced.length, 'blob'))
        : t('{0} · kept: {1} could not be read, and may name them', formatCount(unreferenced.length, 'blob'), formatCount(store.problems.length, 'manifest'))));
  }
  const partials = partialRows(store, now);
  items.push(...partials);
  // The rest, so the rows add up to the folder: the folders themselves, unreadable manifests, unknown files.
  const counted = items.reduce((s, i) => s + i.bytes, 0);
  const countedApparent = items.reduce((s, i) => s + i.apparentBytes, 0);
  const broken: Item[] = store.problems.map((p) => ({
    id: ollamaBrokenManifestItemId(p.path),
    label: path.relative(path.join(store.modelsDir, 'manifests'), p.path),
    kind: 'ollama-broken-manifest',
    path: p.path,
    bytes: store.manifestNodes.get(p.path)?.bytes ?? 0,
    apparentBytes: store.manifestNodes.get(p.path)?.apparentBytes ?? 0,
    reclaimable: false,
    description: t('unreadable manifest: {0}', p.reason),
    fields: { cacheRoot: store.modelsDir, code: p.code },
  }));
  const restBytes = store.node.bytes - counted;
  if (restBytes > 0 || broken.length) {
    items.push({
      id: ollamaOtherItemId(store.modelsDir),
      label: t('Other (folders, unreadable manifests, unknown files)') + where,
      kind: 'ollama-other',
      path: store.modelsDir,
      bytes: Math.max(0, restBytes),
      apparentBytes: Math.max(0, store.node.apparentBytes - countedApparent),
      reclaimable: false,
      fields: { cacheRoot: store.modelsDir },
      ...(broken.length ? { children: broken } : {}),
    });
  }
  const unreferencedBytes = everyManifestRead ? unreferenced.reduce((s, i) => s + i.bytes, 0) : 0;
  const partialBytes = partials.filter((p) => !p.fields?.mayBeActive).reduce((s, i) => s + i.bytes, 0);
  return { items, prunableBytes: unreferencedBytes + partialBytes };
}
