// How a node looks in the tree: label, "1.2 GB · …" description, a tooltip that names which
// size is which, an icon, and a contextValue that menus match on.
import { badgeWords } from '../../core/badgeWords';
import * as vscode from 'vscode';
import { formatAge, formatBytes } from '../../core/format';
import type { Category, Item } from '../../core/model';
import type { SortBy } from '../configRead';
import type { CategoryNode, ErrorNode, ExtraNode, ItemNode, TreeNode } from './nodes';
import { displayLines, displayText } from '../../core/displayText';
import { categoryById, kindInfo } from '../../core/categories';
import { humanFacts } from './facts';
import { stateIconOf } from './itemIcons';

/**
 * contextValue tokens, matched in package.json menus with `viewItem =~ /\btoken\b/`:
 *   mldsCategory | mldsItem | mldsError | mldsExtra   what the row is (mldsExtra: a provider's row, see ExtraNode)
 *   cat-<categoryId>                           its category (e.g. cat-docker, cat-huggingface)
 *   kind-<item.kind>                           e.g. kind-folder, kind-hf-repo, kind-checkpoint
 *   hasPath                                    it has a path on disk (reveal, copy path)
 *   reclaimable                                its category can remove it
 *   deletable                                  the generic "Delete" applies (a walked folder/file/link with identity);
 *                                              its menu entry shows in the workspace category, others have their own
 *   badge-<badge>                              e.g. badge-best, badge-in-progress
 */
export function contextValueOf(node: TreeNode): string {
  if (node.type === 'category') {
    const c = node.category;
    return ['mldsCategory', `cat-${c.id}`, c.error ? 'failed' : '', c.reclaimableBytes ? 'reclaimable' : ''].filter(Boolean).join(' ');
  }
  if (node.type === 'error') return `mldsError cat-${node.category.id}`;
  if (node.type === 'extra') return ['mldsExtra', `cat-${node.category.id}`, ...(node.row.contextTokens ?? [])].join(' ');
  const item = node.item;
  const tokens = ['mldsItem', `cat-${node.category.id}`, `kind-${item.kind}`];
  if (item.path) tokens.push('hasPath');
  if (item.reclaimable) tokens.push('reclaimable');
  if (isGenericallyDeletable(item)) tokens.push('deletable');
  for (const b of item.badges ?? []) tokens.push(`badge-${b.replace(/\s+/g, '-')}`);
  return tokens.join(' ');
}

/** Kinds the walker produces; other kinds have their category's own delete command. */
const WALKED_KINDS = new Set(['folder', 'file', 'symlink']);

export function isGenericallyDeletable(item: Item): boolean {
  const f = item.fields ?? {};
  return item.reclaimable === true && !!item.path && WALKED_KINDS.has(item.kind) && typeof f.dev === 'number' && typeof f.ino === 'number';
}

export function renderNode(node: TreeNode, sortBy: SortBy, now = Date.now()): vscode.TreeItem {
  switch (node.type) {
    case 'category':
      return renderCategory(node);
    case 'error':
      return renderError(node);
    case 'extra':
      return renderExtra(node);
    default:
      return renderItem(node, sortBy, now);
  }
}

function renderCategory(node: CategoryNode): vscode.TreeItem {
  const c = node.category;
  const t = new vscode.TreeItem(displayText(c.label), vscode.TreeItemCollapsibleState.Expanded);
  t.id = node.treeId;
  t.contextValue = contextValueOf(node);
  // Dimmed when it lies on another disk than the one filling: seen even where the description is cut off.
  t.iconPath = new vscode.ThemeIcon(categoryById(c.id)?.icon ?? 'symbol-folder', node.freesNothingOn ? new vscode.ThemeColor('disabledForeground') : undefined);
  if (c.error) {
    t.description = vscode.l10n.t('not available');
    t.tooltip = new vscode.MarkdownString().appendMarkdown(vscode.l10n.t('**{0}** could not be scanned:\n\n', md(c.label))).appendText(displayText(c.error));
    return t;
  }
  const parts = [formatBytes(c.bytes)];
  // Right after the size: a narrow side bar cuts the description off from the end.
  if (node.freesNothingOn) parts.push(otherDiskText(node.freesNothingOn));
  if (c.reclaimableBytes) parts.push(vscode.l10n.t('{0} reclaimable', formatBytes(c.reclaimableBytes)));
  t.description = parts.join(' · ');
  const tip = new vscode.MarkdownString();
  tip.appendMarkdown(`**${md(c.label)}**\n\n`);
  tip.appendMarkdown(sizeLines(c.bytes, c.apparentBytes));
  if (c.reclaimableBytes) tip.appendMarkdown(vscode.l10n.t('\n\nReclaimable by its cleanup commands: {0}', formatBytes(c.reclaimableBytes)));
  appendVolumeLines(tip, c.volume, node.freesNothingOn);
  t.tooltip = tip;
  return t;
}

function renderError(node: ErrorNode): vscode.TreeItem {
  const t = new vscode.TreeItem(displayText(node.message), vscode.TreeItemCollapsibleState.None);
  t.id = node.treeId;
  t.contextValue = contextValueOf(node);
  t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  t.tooltip = new vscode.MarkdownString().appendText(displayText(node.message)).appendMarkdown(vscode.l10n.t('\n\nUse **Retry** to scan it again.'));
  return t;
}

function renderExtra(node: ExtraNode): vscode.TreeItem {
  const row = node.row;
  const t = new vscode.TreeItem(displayText(row.label), row.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  t.id = node.treeId;
  t.contextValue = contextValueOf(node);
  t.description = row.description === undefined ? undefined : displayText(row.description);
  if (row.tooltip) t.tooltip = new vscode.MarkdownString(displayLines(row.tooltip.split('\n')));
  if (row.icon) t.iconPath = new vscode.ThemeIcon(row.icon);
  if (row.command) t.command = row.command;
  return t;
}

function renderItem(node: ItemNode, sortBy: SortBy, now: number): vscode.TreeItem {
  const item = node.item;
  // A workspace folder, or the only item of its category, opens expanded: its contents are what the user came for.
  const openByDefault = item.kind === 'workspace-folder' || (node.parent.type === 'category' && node.parent.children.length === 1);
  const state = !node.children.length
    ? vscode.TreeItemCollapsibleState.None
    : openByDefault ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const t = new vscode.TreeItem(displayText(item.label), state);
  t.id = node.treeId;
  t.contextValue = contextValueOf(node);
  const parts = [formatBytes(item.bytes)];
  if (node.freesNothingOn) parts.push(otherDiskText(node.freesNothingOn));
  if (item.badges?.length) parts.push(item.badges.map(badgeWords).join(', '));
  const description = descriptionWithoutBadges(item);
  if (description) parts.push(description);
  if (sortBy === 'age' && item.modifiedMs) parts.push(vscode.l10n.t('modified {0}', formatAge(item.modifiedMs, now)));
  t.description = displayText(parts.join(' · '));
  if (item.path && (item.kind === 'folder' || item.kind === 'file')) {
    // The file icon theme picks the icon for a file by its name.
    t.resourceUri = vscode.Uri.file(item.path);
    t.iconPath = item.kind === 'folder' ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
  } else {
    const stateIcon = stateIconOf(item);
    t.iconPath = stateIcon
      ? new vscode.ThemeIcon(stateIcon.id, stateIcon.color ? new vscode.ThemeColor(stateIcon.color) : undefined)
      : new vscode.ThemeIcon(kindInfo(item.kind)?.icon ?? 'circle-outline');
  }
  t.tooltip = itemTooltip(item, node.category, now, node.freesNothingOn);
  return t;
}

/** The row's words for something on another disk than the one filling. */
function otherDiskText(fillingMount: string): string {
  return vscode.l10n.t('on another disk — frees nothing on {0}', fillingMount);
}

/** Which disk it is on, and that deleting it does not help the disk that is filling. */
function appendVolumeLines(tip: vscode.MarkdownString, volume: string | undefined, freesNothingOn: string | undefined): void {
  if (volume) {
    tip.appendMarkdown('\n\n');
    tip.appendText(vscode.l10n.t('On the disk mounted at {0}', displayText(volume)));
  }
  if (freesNothingOn) {
    tip.appendMarkdown('\n\n');
    tip.appendText(vscode.l10n.t('Another disk than {0}, which is filling: deleting this frees nothing there.', displayText(freesNothingOn)));
  }
}

export function itemTooltip(item: Item, category: Category, now = Date.now(), freesNothingOn?: string): vscode.MarkdownString {
  // Theme icons on; appendText then escapes "$(" in paths so a folder name cannot inject an icon.
  const tip = new vscode.MarkdownString(undefined, true);
  const kind = kindNameOf(item.kind);
  tip.appendMarkdown(kind ? vscode.l10n.t('**{0}** — {1}, {2}\n\n', md(item.label), md(kind), md(category.label)) : vscode.l10n.t('**{0}** — {1}\n\n', md(item.label), md(category.label)));
  // The row's description in full (the row cuts it off): e.g. a run's forecast, a checkpoint's metric.
  const description = descriptionWithoutBadges(item);
  if (description) {
    tip.appendText(displayText(description));
    tip.appendMarkdown('\n\n');
  }
  if (item.path) {
    tip.appendText(displayText(item.path));
    tip.appendMarkdown('\n\n');
  }
  tip.appendMarkdown(sizeLines(item.bytes, item.apparentBytes));
  if (item.sharedBytes) {
    tip.appendMarkdown(
      vscode.l10n.t('\n\nShared: {0} of its files are hard links also {1}; they are counted there, not in the size above', formatBytes(item.sharedBytes), item.sharedWith ? vscode.l10n.t('in {0}', md(item.sharedWith)) : vscode.l10n.t('elsewhere')),
    );
  }
  if (item.badges?.length) tip.appendMarkdown(`\n\n${item.badges.map((b) => md(badgeWords(b))).join(', ')}`);
  if (item.modifiedMs) tip.appendMarkdown(vscode.l10n.t('\n\nModified {0} ({1})', formatAge(item.modifiedMs, now), new Date(item.modifiedMs).toLocaleString()));
  if (item.accessedMs) tip.appendMarkdown(vscode.l10n.t('\n\nLast accessed {0}', formatAge(item.accessedMs, now)));
  const facts = humanFacts(item.fields, now);
  if (facts.length) tip.appendMarkdown('\n\n' + facts.map(md).join('  \n'));
  appendVolumeLines(tip, item.volume, freesNothingOn);
  if (item.reclaimable) tip.appendMarkdown(vscode.l10n.t('\n\n$(trash) Can be reclaimed from the context menu'));
  return tip;
}

/**
 * The description without the parts that only repeat a badge (a scanner may end its description
 * with them, e.g. "… · best" or "in progress"): the row shows the badges right after the size.
 */
function descriptionWithoutBadges(item: Item): string {
  // Descriptions carry badges in the UI language's words, as the row shows them.
  const badges = new Set((item.badges ?? []).map(badgeWords));
  if (!item.description || !badges.size) return item.description ?? '';
  return item.description
    .split(' · ')
    .filter((part) => !part.split(', ').every((token) => badges.has(token)))
    .join(' · ');
}

/** What the row is, in words (never the kind id): the category's name for it, or folder/file/link. */
function kindNameOf(kind: string): string | undefined {
  return kindInfo(kind)?.label ?? WALKED_KIND_NAMES[kind];
}

const WALKED_KIND_NAMES: Record<string, string> = { folder: 'folder', file: 'file', symlink: 'symbolic link' };

function sizeLines(bytes: number, apparentBytes: number): string {
  return (
    vscode.l10n.t('Disk usage: **{0}** ({1} bytes) — blocks allocated on disk, hard links counted once; what deleting frees  \n', formatBytes(bytes), bytes.toLocaleString('en-US')) +
    vscode.l10n.t('Apparent size: {0} ({1} bytes) — the sum of the file sizes, as `ls -l` shows them', formatBytes(apparentBytes), apparentBytes.toLocaleString('en-US'))
  );
}

/** Escapes text for a Markdown context (labels and messages come from the disk). */
function md(text: string): string {
  return displayText(text).replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}
