// What the chart is sent: the scan model cut down to what a picture can show (the largest children
// per level, a few levels deep, the rest folded into one box each), with the volume's slices.
// No `vscode` import: unit-tested in plain Node.
import { CATEGORIES, kindInfo } from '../../core/categories';
import { categoryVolumes, freesNothingOn, type FillingVolume } from '../../core/fillingVolume';
import { formatBytes } from '../../core/format';
import type { Category, Item, ScanModel } from '../../core/model';
import type { GrowthPoint, VolumeGrowth } from '../../core/headroom/growth';
import type { ChartData, ChartGrowth, ChartNode, ChartVolume } from '../../shared/chartProtocol';
import { t } from '../../core/l10n';

export interface ChartLimits {
  /** Children kept per node; the rest become one "N smaller items" box. */
  childrenPerNode: number;
  /** Levels of items kept below a category (or below a breakdown's root). */
  depth: number;
}

/** Enough for a treemap to stay legible and the message small (a few hundred KB at most). */
export const DEFAULT_LIMITS: ChartLimits = { childrenPerNode: 24, depth: 5 };

/** The id the tree gives a category's row (src/host/tree/nodes.ts categoryTreeId): revealable too. */
export function categoryNodeId(categoryId: string): string {
  return `category:${categoryId}`;
}

/** `filling`: the volumes past the warning threshold; a category on none of them says deleting it frees nothing there. */
export function volumeChartData(model: ScanModel, limits: ChartLimits = DEFAULT_LIMITS, filling: readonly FillingVolume[] = []): ChartData {
  const categories = model.categories.map((c) => categoryNode(c, limits, freesNothingOn(categoryVolumes(c), filling))).sort((a, b) => b.bytes - a.bytes);
  const scanned = categories.reduce((sum, c) => sum + c.bytes, 0);
  const root: ChartNode = {
    id: 'synthetic:root',
    label: t('Scanned'),
    kind: 'root',
    bytes: scanned,
    apparentBytes: categories.reduce((sum, c) => sum + c.apparentBytes, 0),
    reclaimable: false,
    revealable: false,
    children: categories,
  };
  return {
    mode: 'volume',
    title: t('Disk usage'),
    root,
    volume: model.volume ? volumeSlices(model.volume, scanned) : undefined,
    scannedAt: model.scannedAt,
    note: t('Sizes are disk usage (blocks on disk), each byte counted once{0}', model.cancelled ? t(' · the scan was cancelled: totals are partial') : ''),
  };
}

/** One item's tree on its own (e.g. a Docker image's layers and folders); `isRevealable` says which ids the tree has. */
export function breakdownChartData(title: string, rootItem: Item, isRevealable: (id: string) => boolean, limits: ChartLimits = DEFAULT_LIMITS): ChartData {
  return {
    mode: 'breakdown',
    title,
    root: itemNode(rootItem, limits.depth + 1, limits, isRevealable),
    note: `${rootItem.label}: ${formatBytes(rootItem.bytes)}${rootItem.path ? ` · ${rootItem.path}` : ''}`,
  };
}

export function volumeSlices(volume: NonNullable<ScanModel['volume']>, scannedBytes: number): ChartVolume {
  const usedBytes = Math.max(0, volume.totalBytes - volume.freeBytes);
  const freeBytes = Math.min(volume.availableBytes, volume.freeBytes);
  return {
    path: volume.path,
    totalBytes: volume.totalBytes,
    freeBytes,
    reservedBytes: Math.max(0, volume.freeBytes - freeBytes),
    usedBytes,
    // Categories may lie on other volumes (extra roots, Docker's data root); then they add up to
    // more than this volume's used bytes and nothing is left over to show as "other".
    otherUsedBytes: Math.max(0, usedBytes - scannedBytes),
  };
}

function categoryNode(category: Category, limits: ChartLimits, elsewhereThan?: string): ChartNode {
  return {
    id: categoryNodeId(category.id),
    label: category.label,
    kind: 'category',
    bytes: category.bytes,
    apparentBytes: category.apparentBytes,
    // Not every category totals what it could free; then any reclaimable item says it has some.
    reclaimable: (category.reclaimableBytes ?? 0) > 0 || anyReclaimable(category.items),
    revealable: true,
    description: category.reclaimableBytes ? t('{0} reclaimable', formatBytes(category.reclaimableBytes)) : undefined,
    ...(elsewhereThan ? { otherDisk: t('on another disk — frees nothing on {0}', elsewhereThan) } : {}),
    error: category.error,
    colorIndex: colorIndexOf(category.id),
    children: keptChildren(category.items, categoryNodeId(category.id), limits.depth, limits, () => true),
  };
}

/** The category's place in the registry: fixed, never shared with another category (unknown ids come after). */
export function colorIndexOf(categoryId: string): number {
  const i = CATEGORIES.findIndex((c) => c.id === categoryId);
  return i >= 0 ? i : CATEGORIES.length + [...categoryId].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 997, 0);
}

function anyReclaimable(items: Item[]): boolean {
  return items.some((i) => i.reclaimable === true || anyReclaimable(i.children ?? []));
}

function itemNode(item: Item, levelsLeft: number, limits: ChartLimits, isRevealable: (id: string) => boolean): ChartNode {
  const node: ChartNode = {
    id: item.id,
    label: item.label,
    kind: item.kind,
    kindLabel: kindInfo(item.kind)?.label,
    path: item.path,
    bytes: item.bytes,
    apparentBytes: item.apparentBytes,
    reclaimable: item.reclaimable === true,
    revealable: isRevealable(item.id),
    description: item.description,
  };
  const children = keptChildren(item.children ?? [], item.id, levelsLeft - 1, limits, isRevealable);
  if (children.length) node.children = children;
  return node;
}

/** The largest `childrenPerNode` children with bytes, and one box for the rest (so the parts still add up). */
function keptChildren(items: Item[], parentId: string, levelsLeft: number, limits: ChartLimits, isRevealable: (id: string) => boolean): ChartNode[] {
  if (levelsLeft <= 0) return [];
  const sized = items.filter((i) => i.bytes > 0).sort((a, b) => b.bytes - a.bytes);
  const kept = sized.slice(0, limits.childrenPerNode).map((i) => itemNode(i, levelsLeft, limits, isRevealable));
  const rest = sized.slice(limits.childrenPerNode);
  if (rest.length) {
    kept.push({
      id: `synthetic:rest:${parentId}`,
      label: (rest.length === 1 ? t('{0} smaller item', rest.length) : t('{0} smaller items', rest.length)),
      kind: 'rest',
      bytes: rest.reduce((s, i) => s + i.bytes, 0),
      apparentBytes: rest.reduce((s, i) => s + i.apparentBytes, 0),
      reclaimable: false,
      revealable: false,
      description: t('Listed in the tree'),
    });
  }
  return kept;
}

/** The status bar's history as the chart draws it: points as [t, free bytes], the fitted line's ends. */
export function growthChartData(history: { path: string; points: readonly GrowthPoint[]; growth: VolumeGrowth }): ChartGrowth | undefined {
  if (history.points.length < 2) return undefined;
  const g = history.growth;
  return {
    path: history.path,
    points: history.points.map((p) => [p.t, p.freeBytes]),
    ...(g.bytesPerHour !== undefined ? { bytesPerHour: g.bytesPerHour } : {}),
    ...(g.fullInHours !== undefined ? { fullInHours: g.fullInHours } : {}),
    ...(g.bytesTrend ? { trend: { from: [g.bytesTrend.from.t, g.bytesTrend.from.v], to: [g.bytesTrend.to.t, g.bytesTrend.to.v] } } : {}),
  };
}
