// Where the inodes went: the folder holding most of the scanned files, named in the scan summary
// when inodes (not bytes) are what runs out. Starting from the scanned item with the most files, it
// steps into a child while that child holds at least half of its parent's files, so the answer is
// the most specific folder that still holds the bulk ("dataset/shards holds 1.2 M files"), not the
// workspace root. The walker keeps each folder's largest children by bytes, so a folder of many
// tiny files can be folded into "smaller items"; then the answer is its nearest kept parent.
import { DEFAULT_VOLUME_THRESHOLDS } from '../fillingVolume';
import { t } from '../l10n';
import { formatCount } from '../format';
import type { Item, ScanModel, VolumeInfo } from '../model';

export interface MostEntries {
  path: string;
  files: number;
  /** The category it was found in. */
  category: string;
}

/** The item's file count (walked folders and files carry it in fields.files), else undefined. */
export function fileCountOf(item: Pick<Item, 'fields'>): number | undefined {
  const n = item.fields?.files;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function folderWithMostEntries(model: ScanModel): MostEntries | undefined {
  let best: { item: Item; files: number; category: string } | undefined;
  for (const c of model.categories) {
    for (const item of c.items) {
      const files = fileCountOf(item);
      if (files !== undefined && item.path && (!best || files > best.files)) best = { item, files, category: c.label };
    }
  }
  if (!best || best.files === 0) return undefined;
  let at = best.item;
  let files = best.files;
  for (;;) {
    let next: { item: Item; files: number } | undefined;
    for (const child of at.children ?? []) {
      const n = fileCountOf(child);
      if (n !== undefined && child.path && child.kind !== 'file' && (!next || n > next.files)) next = { item: child, files: n };
    }
    if (!next || next.files * 2 < files) break;
    at = next.item;
    files = next.files;
  }
  return { path: at.path!, files, category: best.category };
}

/** Inodes are the binding limit, or some inode limit (the file system's, a quota's) is at least `warnAtPercentUsed` used. */
export function inodesArePressing(v: VolumeInfo | undefined, warnAtPercentUsed: number): boolean {
  if (!v) return false;
  if (v.binding?.resource === 'inodes') return true;
  return (v.limits ?? []).some((l) => {
    if (!l.limitInodes || l.freeInodes === undefined) return false;
    const used = l.usedInodes ?? l.limitInodes - l.freeInodes;
    return (used / l.limitInodes) * 100 >= warnAtPercentUsed;
  });
}

/** "Most files: /data/shards (1,204,311 files, in Large workspace items)" — only when inodes are pressing. */
export function inodeSummaryLine(model: ScanModel, warnAtPercentUsed = DEFAULT_VOLUME_THRESHOLDS.warnAtPercentUsed): string | undefined {
  if (!inodesArePressing(model.volume, warnAtPercentUsed)) return undefined;
  const most = folderWithMostEntries(model);
  if (!most) return undefined;
  return t('Most files: {0} ({1}, in {2})', most.path, formatCount(most.files, 'file').replace(/^\d+/, (d) => Number(d).toLocaleString('en-US')), most.category);
}
