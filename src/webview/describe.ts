// Words for what a box is: kind names, the tooltip, the list's detail line. Labels and paths come
// from the disk, so everything that goes into HTML is escaped here.
import { formatBytes } from '../core/format';
import type { ChartNode } from '../shared/chartProtocol';

// Kinds of items come with their words from the host (ChartNode.kindLabel, from the category
// registry); these are the chart's own boxes.
const SYNTHETIC_KIND_NAMES: Record<string, string> = {
  category: 'Category',
  rest: 'Smaller items together',
  'other-used': 'Used, not in any category',
  free: 'Free space (what you can still write)',
  reserved: 'Free blocks reserved for root or withheld by a quota',
  root: 'Everything scanned',
};

const SYNTHETIC_VOLUME_KINDS = new Set(['free', 'other-used', 'reserved']);

export function kindName(node: Pick<ChartNode, 'kind' | 'kindLabel'>): string {
  return node.kindLabel ?? SYNTHETIC_KIND_NAMES[node.kind] ?? node.kind.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function share(part: number, whole: number): string {
  if (whole <= 0) return '';
  const p = (part / whole) * 100;
  return p >= 10 ? `${Math.round(p)}%` : p >= 0.1 ? `${p.toFixed(1)}%` : '<0.1%';
}

function reclaimText(node: ChartNode): string | undefined {
  if (SYNTHETIC_VOLUME_KINDS.has(node.kind) || node.kind === 'root') return undefined;
  if (node.kind === 'category') return node.reclaimable ? node.description ?? 'Has reclaimable items' : 'Nothing reclaimable from here';
  if (node.kind === 'rest') return undefined;
  return node.reclaimable ? 'Reclaimable' : 'Not reclaimable from here';
}

/** The detail line under a name in the list: what it is, where, what it frees. */
export function detailLine(node: ChartNode): string {
  const parts = [kindName(node)];
  if (node.error) parts.push(`not available: ${node.error}`);
  if (node.path) parts.push(node.path);
  if (formatBytes(node.apparentBytes) !== formatBytes(node.bytes) && node.bytes > 0) parts.push(`apparent ${formatBytes(node.apparentBytes)}`);
  const reclaim = reclaimText(node);
  // Lower-case the first letter only: "113 MB reclaimable", never "113 mb".
  if (reclaim && !node.error) parts.push(reclaim[0].toLowerCase() + reclaim.slice(1));
  if (node.description && node.kind !== 'category') parts.push(node.description);
  if (node.otherDisk) parts.push(node.otherDisk);
  return parts.join(' · ');
}

/** Tooltip HTML (class names styled in media/chart.css; no inline styles: the CSP forbids them). */
export function tooltipHtml(node: ChartNode, context: { category?: string; whole?: number; wholeLabel?: string; hint?: string }): string {
  const rows: string[] = [];
  rows.push(`<div class="tt-title">${escapeHtml(node.label)}</div>`);
  const what = kindName(node) + (context.category && node.kind !== 'category' ? ` in ${context.category}` : '');
  rows.push(`<div class="tt-kind">${escapeHtml(what)}</div>`);
  if (node.path) rows.push(`<div class="tt-path">${escapeHtml(node.path)}</div>`);
  if (node.error) rows.push(`<div class="tt-error">Not available: ${escapeHtml(node.error)}</div>`);
  const pct = context.whole ? share(node.bytes, context.whole) : '';
  const of = pct ? ` (${pct}${context.wholeLabel ? ` of ${escapeHtml(context.wholeLabel)}` : ''})` : '';
  rows.push(`<div class="tt-size">Disk usage: <b>${formatBytes(node.bytes)}</b>${of}</div>`);
  if (!SYNTHETIC_VOLUME_KINDS.has(node.kind)) rows.push(`<div class="tt-size">Apparent size: ${formatBytes(node.apparentBytes)}</div>`);
  const reclaim = reclaimText(node);
  if (reclaim) rows.push(`<div class="${node.reclaimable ? 'tt-reclaim' : 'tt-keep'}">${escapeHtml(reclaim)}</div>`);
  if (node.description && node.kind !== 'category') rows.push(`<div class="tt-desc">${escapeHtml(node.description)}</div>`);
  if (node.otherDisk) rows.push(`<div class="tt-keep">${escapeHtml(node.otherDisk)}</div>`);
  if (context.hint) rows.push(`<div class="tt-hint">${escapeHtml(context.hint)}</div>`);
  return rows.join('');
}
