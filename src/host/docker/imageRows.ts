// What an image's anatomy looks like as tree rows (Layers, Largest folders) and as a chart
// breakdown. Plain functions over the core's ImageAnatomy: no `vscode` import, unit-tested.
//
// Sizes are the engine's and the archive's: apparent sizes (sums of file sizes). The folder
// hierarchy is rebuilt from the anatomy's flat lists: `paths` (every folder down to maxDepth, with
// the total of the files below it) and `largestFiles`; what they leave out of a folder is shown as
// one "not listed" row, so a folder's rows always add up to the folder.
import { formatBytes, formatCount } from '../../core/format';
import type { ImageAnatomy, ImageLayer, ImagePath } from '../../core/docker/imageAnatomy';
import type { Item } from '../../core/model';
import type { ExtraRow } from '../tree/nodes';

/** Rows per folder level before the rest is folded into one row. */
export const ROWS_PER_LEVEL = 25;

/** What a row stands for (ExtraRow.data), read back by the provider when the row is expanded. */
export type ImageRowData =
  | { kind: 'layers' }
  | { kind: 'folders' }
  | { kind: 'folder'; dir: string }
  | { kind: 'retry-analysis'; analysisKey: string };

export interface FsEntry {
  /** Absolute path inside the image, e.g. `/usr/lib`. */
  path: string;
  name: string;
  bytes: number;
  folder: boolean;
  /** A folder with entries of its own in the anatomy. */
  hasEntries: boolean;
}

/** `/usr/lib` -> `/usr`; `/usr` -> '' (the root). */
export function parentOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}

/** The folders and files directly in `dir` ('' = the root) that the anatomy knows, largest first, and the bytes of `dir` they leave out. */
export function entriesIn(anatomy: Pick<ImageAnatomy, 'paths' | 'largestFiles'>, dir: string): { entries: FsEntry[]; unlistedBytes: number } {
  const parents = new Set<string>();
  for (const p of anatomy.paths) parents.add(parentOf(p.path));
  for (const f of anatomy.largestFiles) parents.add(parentOf(f.path));
  const entry = (p: ImagePath, folder: boolean): FsEntry => ({
    path: p.path,
    name: p.path.slice(p.path.lastIndexOf('/') + 1),
    bytes: p.bytes,
    folder,
    hasEntries: folder && parents.has(p.path),
  });
  const entries = [
    ...anatomy.paths.filter((p) => parentOf(p.path) === dir).map((p) => entry(p, true)),
    ...anatomy.largestFiles.filter((f) => parentOf(f.path) === dir && f.bytes > 0).map((f) => entry(f, false)),
  ].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  const listed = entries.reduce((s, e) => s + e.bytes, 0);
  // The root's total is not among the folders; only a folder can have bytes we did not list.
  const total = dir === '' ? listed : (anatomy.paths.find((p) => p.path === dir)?.bytes ?? listed);
  return { entries, unlistedBytes: Math.max(0, total - listed) };
}

/** The rows below the image's "Layers" row: layers that hold data, oldest first (as the Dockerfile reads). */
export function layerRows(layers: ImageLayer[]): ExtraRow[] {
  return layers.flatMap((layer, index) => {
    if (layer.bytes <= 0) return [];
    const row: ExtraRow = {
      key: `layer:${index}`,
      label: layer.instruction,
      description: `${formatBytes(layer.bytes)}${layer.shared ? ' · shared' : ''}`,
      tooltip: layerTooltip(layer, index),
      icon: 'layers',
      contextTokens: ['kind-docker-layer', ...(layer.shared ? ['badge-shared'] : [])],
    };
    return [row];
  });
}

/** "6 layers with data · 3 empty steps" for the Layers row once known. */
export function layersSummary(layers: ImageLayer[]): string {
  const full = layers.filter((l) => l.bytes > 0);
  const shared = full.filter((l) => l.shared).reduce((s, l) => s + l.bytes, 0);
  const parts = [`${formatCount(full.length, 'layer')} · ${formatBytes(full.reduce((s, l) => s + l.bytes, 0))}`];
  if (shared > 0) parts.push(`${formatBytes(shared)} shared`);
  if (layers.length > full.length) parts.push(`${formatCount(layers.length - full.length, 'empty step')} not shown`);
  return parts.join(' · ');
}

function layerTooltip(layer: ImageLayer, index: number): string {
  const lines = [
    `**Layer ${index + 1}** — ${formatBytes(layer.bytes)} (${layer.bytes.toLocaleString('en-US')} bytes, apparent size)`,
    '',
    '```',
    layer.createdBy.replace(/```/g, "'''") || '(imported filesystem)',
    '```',
  ];
  if (layer.createdMs > 0) lines.push('', `Created ${new Date(layer.createdMs).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
  if (layer.shared) lines.push('', 'Shared: another local image has this layer too; it is stored once.');
  return lines.join('\n');
}

/** The rows of one folder level ('' = the image's root) below "Largest folders". */
export function folderRows(anatomy: Pick<ImageAnatomy, 'paths' | 'largestFiles'>, dir: string, max = ROWS_PER_LEVEL): ExtraRow[] {
  const { entries, unlistedBytes } = entriesIn(anatomy, dir);
  const rows: ExtraRow[] = entries.slice(0, max).map((e) => ({
    key: `fs:${e.path}`,
    label: dir === '' ? e.path : e.name,
    description: formatBytes(e.bytes),
    tooltip: `**${md(e.path)}** — ${e.folder ? 'folder' : 'file'} inside the image\n\n${formatBytes(e.bytes)} (${e.bytes.toLocaleString('en-US')} bytes, apparent size of the files in the image's final filesystem)`,
    icon: e.folder ? 'folder' : 'file',
    contextTokens: [e.folder ? 'kind-docker-image-folder' : 'kind-docker-image-file'],
    expandable: e.hasEntries,
    data: e.folder ? ({ kind: 'folder', dir: e.path } satisfies ImageRowData) : undefined,
  }));
  const rest = entries.slice(max);
  if (rest.length) {
    const bytes = rest.reduce((s, e) => s + e.bytes, 0);
    rows.push({ key: 'more', label: `${rest.length} smaller ${rest.length === 1 ? 'entry' : 'entries'}`, description: formatBytes(bytes), icon: 'ellipsis' });
  }
  if (unlistedBytes > 0) {
    rows.push({
      key: 'unlisted',
      label: 'smaller files and deeper folders',
      description: formatBytes(unlistedBytes),
      tooltip: 'Files in this folder too small to be listed one by one, and folders deeper than the analysis goes.',
      icon: 'ellipsis',
    });
  }
  return rows;
}

/** The breakdown the chart shows for `ML Disk Space: Analyze Image…`: the same Layers and Largest folders as the tree. */
export function anatomyBreakdown(imageId: string, label: string, anatomy: ImageAnatomy, depth = 4): Item {
  const base = `docker-image-analysis:${imageId}`;
  const layers = anatomy.layers
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.bytes > 0)
    .map(({ l, i }): Item => ({
      id: `${base}:layer:${i}`,
      label: l.instruction,
      kind: 'docker-layer',
      bytes: l.bytes,
      apparentBytes: l.bytes,
      description: l.shared ? 'shared with another local image' : undefined,
      badges: l.shared ? ['shared'] : undefined,
    }));
  const folderItems = (dir: string, levelsLeft: number): Item[] => {
    const { entries, unlistedBytes } = entriesIn(anatomy, dir);
    const items = entries.map((e): Item => ({
      id: `${base}:fs:${e.path}`,
      label: dir === '' ? e.path : e.name,
      kind: e.folder ? 'folder' : 'file',
      bytes: e.bytes,
      apparentBytes: e.bytes,
      description: e.path,
      children: e.folder && e.hasEntries && levelsLeft > 1 ? folderItems(e.path, levelsLeft - 1) : undefined,
    }));
    if (unlistedBytes > 0) {
      items.push({ id: `${base}:unlisted:${dir}`, label: 'smaller files and deeper folders', kind: 'rest', bytes: unlistedBytes, apparentBytes: unlistedBytes });
    }
    return items;
  };
  const folders = folderItems('', depth);
  const sum = (items: Item[]) => items.reduce((s, i) => s + i.bytes, 0);
  return {
    id: base,
    label,
    kind: 'docker-image',
    bytes: anatomy.bytes,
    apparentBytes: anatomy.bytes,
    description: anatomy.hints.join(' · ') || undefined,
    children: [
      { id: `${base}:layers`, label: 'Layers', kind: 'docker-layers', bytes: sum(layers), apparentBytes: sum(layers), description: 'what each build step added', children: layers },
      { id: `${base}:folders`, label: 'Largest folders', kind: 'docker-image-folders', bytes: sum(folders), apparentBytes: sum(folders), description: "the image's final filesystem", children: folders },
    ],
  };
}

/** Escapes text for a Markdown tooltip. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
