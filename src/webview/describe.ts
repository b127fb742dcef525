// Words for what a box is: kind names, the tooltip, the list's detail line. Labels and paths come
// from the disk, so everything that goes into HTML is escaped here. Texts go through t(): the host
// sends the webview its locale bundle (a `locale` message) and main.ts installs it.
import { formatBytes } from '../core/format';
import { t } from '../core/l10n';
import type { ChartNode } from '../shared/chartProtocol';
import { VOLUME_SLICE_KINDS } from './shares';

// Kinds of items come with their words from the host (ChartNode.kindLabel, from the category
// registry); these are the chart's own boxes.
function syntheticKindName(kind: string): string | undefined {
  switch (kind) {
    case 'category':
      return t('Category');
    case 'rest':
      return t('Smaller items together');
    case 'other-used':
      return t('Used, not in any category');
    case 'free':
      return t('Free space (what you can still write)');
    case 'reserved':
      return t('Free blocks reserved for root or withheld by a quota');
    case 'root':
      return t('Everything scanned');
    default:
      return undefined;
  }
}

export function kindName(node: Pick<ChartNode, 'kind' | 'kindLabel'>): string {
  return node.kindLabel ?? syntheticKindName(node.kind) ?? node.kind.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function reclaimText(node: ChartNode): string | undefined {
  if (VOLUME_SLICE_KINDS.has(node.kind) || node.kind === 'root' || node.kind === 'rest') return undefined;
  if (node.kind === 'category') return node.reclaimable ? node.description ?? t('Has reclaimable items') : t('Nothing reclaimable from here');
  return node.reclaimable ? t('Reclaimable') : t('Not reclaimable from here');
}

/** The detail line under a name in the list: what it is, where, what it frees. */
export function detailLine(node: ChartNode): string {
  const parts = [kindName(node)];
  if (node.error) parts.push(t('not available: {0}', node.error));
  if (node.path) parts.push(node.path);
  if (formatBytes(node.apparentBytes) !== formatBytes(node.bytes) && node.bytes > 0) parts.push(t('apparent {0}', formatBytes(node.apparentBytes)));
  const reclaim = reclaimText(node);
  // Mid-line, the first letter is lower case ("reclaimable"); a size stays as written ("113 MB reclaimable").
  if (reclaim && !node.error) parts.push(reclaim[0].toLowerCase() + reclaim.slice(1));
  if (node.description && node.kind !== 'category') parts.push(node.description);
  if (node.otherDisk) parts.push(node.otherDisk);
  return parts.join(' · ');
}

/** Tooltip HTML (class names styled in media/chart.css; no inline styles: the CSP forbids them). */
export function tooltipHtml(node: ChartNode, context: { category?: string; shareText?: string; hint?: string }): string {
  const rows: string[] = [];
  rows.push(`<div class="tt-title">${escapeHtml(node.label)}</div>`);
  const what = context.category && node.kind !== 'category' ? t('{0} in {1}', kindName(node), context.category) : kindName(node);
  rows.push(`<div class="tt-kind">${escapeHtml(what)}</div>`);
  if (node.path) rows.push(`<div class="tt-path">${escapeHtml(node.path)}</div>`);
  if (node.error) rows.push(`<div class="tt-error">${escapeHtml(t('Not available: {0}', node.error))}</div>`);
  const of = context.shareText ? ` (${escapeHtml(context.shareText)})` : '';
  rows.push(`<div class="tt-size">${escapeHtml(t('Disk usage:'))} <b>${escapeHtml(formatBytes(node.bytes))}</b>${of}</div>`);
  if (!VOLUME_SLICE_KINDS.has(node.kind)) rows.push(`<div class="tt-size">${escapeHtml(t('Apparent size: {0}', formatBytes(node.apparentBytes)))}</div>`);
  const reclaim = reclaimText(node);
  if (reclaim) rows.push(`<div class="${node.reclaimable ? 'tt-reclaim' : 'tt-keep'}">${escapeHtml(reclaim)}</div>`);
  if (node.description && node.kind !== 'category') rows.push(`<div class="tt-desc">${escapeHtml(node.description)}</div>`);
  if (node.otherDisk) rows.push(`<div class="tt-keep">${escapeHtml(node.otherDisk)}</div>`);
  if (context.hint) rows.push(`<div class="tt-hint">${escapeHtml(context.hint)}</div>`);
  return rows.join('');
}
