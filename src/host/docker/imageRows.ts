// What an image's anatomy looks like as tree rows (Layers, Largest folders) and as a chart
// breakdown. Plain functions over the core's ImageAnatomy: no `vscode` import, unit-tested.
//
// Sizes are the engine's and the archive's: apparent sizes (sums of file sizes). The folder
// hierarchy is rebuilt from the anatomy's flat lists: `paths` (every folder down to maxDepth, with
// the total of the files below it) and `largestFiles`; what they leave out of a folder is shown as
// one "not listed" row, so a folder's rows always add up to the folder.
import { formatBytes, formatCount } from '../../core/format';
import type { ImageAnatomy, ImageLayer, ImagePath } from '../../core/categories/docker/imageAnatomy';
import { KIND_DESCRIPTIONS, KIND_LABELS, kindsBySize, type Composition, type CompositionKind } from '../../core/categories/docker/imageComposition';
import type { WasteFinding } from '../../core/categories/docker/imageWaste';
import type { Item } from '../../core/model';
import type { ExtraRow } from '../tree/nodes';
import { t } from '../../core/l10n';

/** Rows per folder level before the rest is folded into one row. */
export const ROWS_PER_LEVEL = 25;

/** What a row stands for (ExtraRow.data), read back by the provider when the row is expanded. */
export type ImageRowData =
  | { kind: 'layers' }
  | { kind: 'composition' }
  | { kind: 'composition-kind'; of: CompositionKind }
  | { kind: 'waste' }
  | { kind: 'waste-finding'; index: number }
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
      description: `${formatBytes(layer.bytes)}${layer.shared ? t(' · shared') : ''}`,
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
  if (layers.length > full.length) parts.push(t('{0} not shown', formatCount(layers.length - full.length, 'empty step')));
  return parts.join(' · ');
}

/** Python packages listed one by one under "Other Python packages"; the rest are one row. */
export const TOP_PACKAGES = 10;

/** "PyTorch 1.2 GB · CUDA libraries 900 MB · …": the largest kinds, for the Composition row. */
export function compositionSummary(c: Composition, kinds = 3): string {
  const all = kindsBySize(c);
  if (!all.length) return t('no files');
  return all.slice(0, kinds).map((k) => `${k.label} ${formatBytes(k.bytes)}`).join(' · ');
}

/** The rows below "Composition": kinds largest first; PyTorch and Python packages expand. */
export function compositionRows(c: Composition): ExtraRow[] {
  return kindsBySize(c).map((k) => {
    const share = c.total > 0 ? Math.round((k.bytes / c.total) * 100) : 0;
    const expandable = (k.kind === 'python' && c.packages.length > 0) || (k.kind === 'pytorch' && c.torchCudaBytes > 0);
    return {
      key: `kind:${k.kind}`,
      label: k.label,
      description: `${formatBytes(k.bytes)} · ${share} %${k.kind === 'pytorch' && c.torchCudaBytes > 0 ? t(' · libtorch_cuda {0}', formatBytes(c.torchCudaBytes)) : ''}`,
      tooltip: t('**{0}** — {1} ({2} bytes, {3} % of the files in the final filesystem)\n\n{4}', md(k.label), formatBytes(k.bytes), k.bytes.toLocaleString('en-US'), share, md(KIND_DESCRIPTIONS[k.kind])),
      icon: KIND_ICONS[k.kind],
      contextTokens: ['kind-docker-image-kind'],
      expandable,
      data: expandable ? ({ kind: 'composition-kind', of: k.kind } satisfies ImageRowData) : undefined,
    };
  });
}

/** Below a kind: the Python packages (top 10, the rest as one row), or libtorch_cuda and the rest of torch. */
export function compositionKindRows(c: Composition, kind: CompositionKind): ExtraRow[] {
  if (kind === 'pytorch') {
    return [
      { key: 'torch-cuda', label: 'libtorch_cuda', description: formatBytes(c.torchCudaBytes), tooltip: t('torch/lib/libtorch_cuda*: the CUDA kernels of PyTorch'), icon: 'file-binary' },
      { key: 'torch-rest', label: t('the rest of torch'), description: formatBytes(c.kinds.pytorch - c.torchCudaBytes), icon: 'ellipsis' },
    ];
  }
  if (kind !== 'python') return [];
  const rows: ExtraRow[] = c.packages.slice(0, TOP_PACKAGES).map((p) => ({ key: `pkg:${p.name}`, label: p.name, description: formatBytes(p.bytes), icon: 'package' }));
  const rest = c.packages.slice(TOP_PACKAGES);
  if (rest.length) rows.push({ key: 'pkg-rest', label: `${rest.length} more ${rest.length === 1 ? 'package' : 'packages'}`, description: formatBytes(rest.reduce((s, p) => s + p.bytes, 0)), icon: 'ellipsis' });
  return rows;
}

const KIND_ICONS: Record<CompositionKind, string> = {
  cuda: 'chip',
  pytorch: 'flame',
  python: 'package',
  'conda-pkgs': 'archive',
  'conda-envs': 'symbol-namespace',
  weights: 'database',
  os: 'server',
  rest: 'files',
};

/** "1.2 GB in 4 findings" for the Waste row. */
export function wasteSummary(anatomy: Pick<ImageAnatomy, 'waste' | 'wasteBytes'>): string {
  if (!anatomy.waste.length) return t('none found');
  return `${formatBytes(anatomy.wasteBytes)} in ${formatCount(anatomy.waste.length, 'finding')}`;
}

/** The rows below "Waste": each finding, largest first, with its layer; expanding shows the fix and examples. */
export function wasteRows(waste: WasteFinding[]): ExtraRow[] {
  if (!waste.length) return [{ key: 'none', label: t('No waste found'), icon: 'check' }];
  return waste.map((w, index) => ({
    key: `waste:${index}`,
    label: w.what,
    description: t('{0} · layer {1}: {2}', formatBytes(w.bytes), w.layer.index + 1, w.layer.instruction),
    tooltip: wasteTooltip(w),
    icon: 'warning',
    contextTokens: ['kind-docker-image-waste'],
    expandable: true,
    data: { kind: 'waste-finding', index } satisfies ImageRowData,
  }));
}

/** The fix first (what to change), then where: the layer, and for deleted/replaced/copied files the other layer, then examples. */
export function wasteFindingRows(w: WasteFinding): ExtraRow[] {
  const rows: ExtraRow[] = [{ key: 'fix', label: w.fix, icon: 'lightbulb', tooltip: wasteTooltip(w) }];
  rows.push({ key: 'layer', label: t('layer {0}: {1}', w.layer.index + 1, w.layer.instruction), icon: 'layers', tooltip: codeBlock(w.layer.createdBy) });
  if (w.other) {
    const verb = w.kind === 'deleted-later' ? t('deleted by') : w.kind === 'overwritten-later' ? t('replaced by') : t('first copy in');
    rows.push({ key: 'other', label: t('{0} layer {1}: {2}', verb, w.other.index + 1, w.other.instruction), icon: 'layers', tooltip: codeBlock(w.other.createdBy) });
  }
  for (const e of w.examples) rows.push({ key: `ex:${e}`, label: e, icon: 'file' });
  if (w.files > w.examples.length) rows.push({ key: 'more', label: `${w.files - w.examples.length} more ${w.files - w.examples.length === 1 ? 'file' : 'files'}`, icon: 'ellipsis' });
  return rows;
}

function wasteTooltip(w: WasteFinding): string {
  const lines = [
    t('**{0}** — {1} ({2} bytes) in {3}', md(w.what), formatBytes(w.bytes), w.bytes.toLocaleString('en-US'), formatCount(w.files, 'file')),
    '',
    t('Layer {0}:', w.layer.index + 1),
    codeBlock(w.layer.createdBy),
  ];
  if (w.other) lines.push('', t('{0} layer {1}:', w.kind === 'deleted-later' ? t('Deleted by') : w.kind === 'overwritten-later' ? t('Replaced by') : t('First copy in'), w.other.index + 1), codeBlock(w.other.createdBy));
  lines.push('', md(w.fix));
  return lines.join('\n');
}

function codeBlock(createdBy: string): string {
  return ['```', createdBy.replace(/```/g, "'''") || t('(imported filesystem)'), '```'].join('\n');
}

function layerTooltip(layer: ImageLayer, index: number): string {
  const lines = [
    t('**Layer {0}** — {1} ({2} bytes, apparent size)', index + 1, formatBytes(layer.bytes), layer.bytes.toLocaleString('en-US')),
    '',
    '```',
    layer.createdBy.replace(/```/g, "'''") || t('(imported filesystem)'),
    '```',
  ];
  if (layer.createdMs > 0) lines.push('', t('Created {0} UTC', new Date(layer.createdMs).toISOString().replace('T', ' ').slice(0, 19)));
  if (layer.shared) lines.push('', t('Shared: another local image has this layer too; it is stored once.'));
  if (layer.composition && layer.composition.total > 0) lines.push('', t('Holds: {0}', md(compositionSummary(layer.composition, 4))));
  return lines.join('\n');
}

/** The rows of one folder level ('' = the image's root) below "Largest folders". */
export function folderRows(anatomy: Pick<ImageAnatomy, 'paths' | 'largestFiles'>, dir: string, max = ROWS_PER_LEVEL): ExtraRow[] {
  const { entries, unlistedBytes } = entriesIn(anatomy, dir);
  const rows: ExtraRow[] = entries.slice(0, max).map((e) => ({
    key: `fs:${e.path}`,
    label: dir === '' ? e.path : e.name,
    description: formatBytes(e.bytes),
    tooltip: t('**{0}** — {1} inside the image\n\n{2} ({3} bytes, apparent size of the files in the image\'s final filesystem)', md(e.path), e.folder ? 'folder' : 'file', formatBytes(e.bytes), e.bytes.toLocaleString('en-US')),
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
      label: t('smaller files and deeper folders'),
      description: formatBytes(unlistedBytes),
      tooltip: t('Files in this folder too small to be listed one by one, and folders deeper than the analysis goes.'),
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
      description: l.shared ? t('shared with another local image') : undefined,
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
      items.push({ id: `${base}:unlisted:${dir}`, label: t('smaller files and deeper folders'), kind: 'rest', bytes: unlistedBytes, apparentBytes: unlistedBytes });
    }
    return items;
  };
  const folders = folderItems('', depth);
  const sum = (items: Item[]) => items.reduce((s, i) => s + i.bytes, 0);
  const composition = compositionItems(base, anatomy.composition);
  return {
    id: base,
    label,
    kind: 'docker-image',
    bytes: anatomy.bytes,
    apparentBytes: anatomy.bytes,
    description: anatomy.hints.join(' · ') || undefined,
    children: [
      { id: `${base}:composition`, label: t('Composition'), kind: 'docker-image-composition', bytes: sum(composition), apparentBytes: sum(composition), description: t('what the final filesystem is made of'), children: composition },
      { id: `${base}:layers`, label: t('Layers'), kind: 'docker-layers', bytes: sum(layers), apparentBytes: sum(layers), description: t('what each build step added'), children: layers },
      { id: `${base}:folders`, label: t('Largest folders'), kind: 'docker-image-folders', bytes: sum(folders), apparentBytes: sum(folders), description: t('the image\'s final filesystem'), children: folders },
    ],
  };
}

/** The kinds as chart items: Other Python packages split into its top packages, PyTorch into libtorch_cuda and the rest. */
function compositionItems(base: string, c: Composition): Item[] {
  return kindsBySize(c).map(({ kind, bytes }): Item => {
    const id = `${base}:kind:${kind}`;
    const leaf = (suffix: string, label: string, b: number): Item => ({ id: `${id}:${suffix}`, label, kind: 'docker-image-kind', bytes: b, apparentBytes: b });
    let children: Item[] | undefined;
    if (kind === 'python' && c.packages.length) {
      children = c.packages.slice(0, TOP_PACKAGES).map((p) => leaf(`pkg:${p.name}`, p.name, p.bytes));
      const rest = c.packages.slice(TOP_PACKAGES).reduce((s, p) => s + p.bytes, 0);
      if (rest > 0) children.push({ ...leaf('pkg-rest', t('other packages'), rest), kind: 'rest' });
    }
    if (kind === 'pytorch' && c.torchCudaBytes > 0) children = [leaf('torch-cuda', 'libtorch_cuda', c.torchCudaBytes), leaf('torch-rest', t('the rest of torch'), bytes - c.torchCudaBytes)];
    return { id, label: KIND_LABELS[kind], kind: 'docker-image-kind', bytes, apparentBytes: bytes, description: KIND_DESCRIPTIONS[kind], children };
  });
}

/** Escapes text for a Markdown tooltip. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
