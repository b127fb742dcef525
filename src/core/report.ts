// The CLI's two renderings of a scan: JSON (stable fields, later categories add their own)
// and a human report like `du -h` with categories first.
import type { Item, ScanModel } from './model';
import { displayLines } from './displayText';
import { formatBytes } from './format';
import { categoryById } from './categories';
import { percentUsed } from './volume';
import { isShownRow } from './shownRows';
import { categoryVolumes, DEFAULT_VOLUME_THRESHOLDS, fillingVolumes, freesNothingOn, leadWithFilling } from './fillingVolume';
import { describeBinding } from './headroom/describe';
import { growthJson, growthLines } from './headroom/growthText';
import { inodeSummaryLine } from './headroom/mostEntries';
import { t } from './l10n';

export interface ItemJson {
  id: string;
  label: string;
  kind: string;
  path: string | null;
  bytes: number;
  apparentBytes: number;
  children: ItemJson[];
  [field: string]: unknown;
}

function itemJson(item: Item): ItemJson {
  // Assigned one by one, not spread: a 1M-file scan writes tens of thousands of items, and each
  // conditional spread built an object of its own. Keys keep the same order (fields first).
  const json = (item.fields ? { ...item.fields } : {}) as ItemJson;
  json.id = item.id;
  json.label = item.label;
  json.kind = item.kind;
  json.path = item.path ?? null;
  json.bytes = item.bytes;
  json.apparentBytes = item.apparentBytes;
  if (item.sharedBytes) json.sharedBytes = item.sharedBytes;
  if (item.sharedWith) json.sharedWith = item.sharedWith;
  if (item.reclaimable !== undefined) json.reclaimable = item.reclaimable;
  if (item.badges?.length) json.badges = item.badges;
  if (item.modifiedMs) json.modified = new Date(item.modifiedMs).toISOString();
  json.children = item.children ? item.children.map(itemJson) : [];
  return json;
}

export function toJson(model: ScanModel): unknown {
  return {
    volume: model.volume ? {
      path: model.volume.path, totalBytes: model.volume.totalBytes, freeBytes: model.volume.freeBytes, availableBytes: model.volume.availableBytes,
      limits: model.volume.limits ?? [], binding: model.volume.binding ?? null,
      ...(model.volume.limitNotes ? { limitNotes: model.volume.limitNotes } : {}),
      ...(model.volume.growth ? { growth: growthJson(model.volume.growth) } : {}),
    } : null,
    scannedAt: new Date(model.scannedAt).toISOString(),
    durationMs: model.durationMs,
    sizes: t('bytes = disk usage (st_blocks x 512, like du -B1), hard links counted once; apparentBytes = st_size sum (like du -b)'),
    categories: model.categories.map((c) => ({
      ...(c.fields ?? {}),
      id: c.id,
      label: c.label,
      bytes: c.bytes,
      apparentBytes: c.apparentBytes,
      ...(c.reclaimableBytes !== undefined ? { reclaimableBytes: c.reclaimableBytes } : {}),
      ...(c.error ? { error: c.error } : {}),
      items: c.items.map(itemJson),
    })),
    warnings: model.warnings,
    cancelled: model.cancelled,
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function toText(model: ScanModel, top: number): string {
  const lines: string[] = [];
  const v = model.volume;
  if (v) {
    lines.push(t('Volume of {0}: {1} free of {2} ({3}% used)', v.path, formatBytes(v.availableBytes), formatBytes(v.totalBytes), percentUsed(v).toFixed(0)));
    // Say so when something other than the disk's bytes runs out first (inodes, a quota).
    if (v.binding && !(v.binding.kind === 'filesystem')) lines.push(t('Runs out first: {0}', describeBinding(v.binding)));
    lines.push(...growthLines(v.growth));
    const most = inodeSummaryLine(model);
    if (most) lines.push(most);
    lines.push('');
  }
  // As in the editor: what lies on a disk that is filling comes first; the rest says it frees nothing there.
  const filling = fillingVolumes(model.volumes ?? [], DEFAULT_VOLUME_THRESHOLDS);
  if (filling.length) lines.push(t('Filling: {0} ({1}% used) — what is on it comes first', filling[0].mountPoint, filling[0].percentUsed.toFixed(0)), '');
  const categories = leadWithFilling([...model.categories].sort((a, b) => b.bytes - a.bytes), filling, categoryVolumes);
  for (const c of categories) {
    const extra = c.reclaimableBytes ? t('  ({0} reclaimable)', formatBytes(c.reclaimableBytes)) : '';
    const elsewhere = freesNothingOn(categoryVolumes(c), filling);
    lines.push(`${pad(formatBytes(c.bytes), 9)}  ${c.label}${extra}${elsewhere ? `  (${t('on another disk — frees nothing on {0}', elsewhere)})` : ''}`);
    if (c.error) { lines.push(`           ! ${c.error}`); continue; }
    const ownLines = categoryById(c.id)?.reportLines;
    if (ownLines) { lines.push(...ownLines(c, top)); continue; }
    // One level below the category (workspace folders are flattened to their largest items).
    const items = c.items.length === 1 && c.items[0].children?.length ? c.items[0].children : c.items;
    for (const item of items.filter((i) => isShownRow(i, c)).sort((a, b) => b.bytes - a.bytes).slice(0, top)) {
      const where = item.path ?? item.label;
      const note = item.description ? `  ${item.description}` : '';
      lines.push(`${pad(formatBytes(item.bytes), 20)}  ${where}${note}`);
    }
  }
  if (!categories.length) lines.push(t('Nothing found.'));
  lines.push('', t('Sizes are disk usage (like du -B1); hard links and shared blobs are counted once. Scanned in {0} s.', (model.durationMs / 1000).toFixed(1)));
  if (model.warnings.length) lines.push(t('{0} warning(s); run with --json to list them. First: {1}', model.warnings.length, model.warnings[0].message));
  // Each line escaped on its own: names and paths cannot forge lines (displayText.ts).
  return displayLines(lines);
}
