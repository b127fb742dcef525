// The "ML Disk Space" tree view: categories -> items -> children of the current model, sorted by
// `mlDiskSpace.sortBy`, multi-select, with reveal by item id (the chart uses it).
import * as vscode from 'vscode';
import { fillingVolumes } from '../../core/fillingVolume';
import { formatAge, formatBytes } from '../../core/format';
import type { Item } from '../../core/model';
import type { HostConfig } from '../configRead';
import type { ModelState, ScanService } from '../scanService';
import { errorText } from '../log';
import { allItemNodes, buildNodeIndex, type ExtraNode, type ExtraRow, type ItemNode, type NodeIndex, type TreeNode } from './nodes';
import { renderNode } from './render';

export const VIEW_CONTAINER_ID = 'mlDiskSpace';
export const VIEW_ID = 'mlDiskSpace.items';

/** A row as the tree shows it (for the API and tests; built by the same code the tree uses). */
export interface RenderedRow {
  treeId: string;
  /** Model item id for item rows. */
  itemId?: string;
  type: TreeNode['type'];
  label: string;
  description: string;
  tooltip: string;
  contextValue: string;
  collapsible: boolean;
}

/**
 * Adds rows below items of the model that the model does not hold, e.g. a Docker image's layers
 * (read from the engine only when the user expands the image). See ItemsTree.registerChildProvider.
 */
export interface ChildProvider {
  /** Whether the provider adds rows below this item (the row is then shown expandable). */
  appliesTo(node: ItemNode): boolean;
  /**
   * The rows below `parent`: an item it applies to (shown before the item's own children), or one
   * of its own expandable rows. Called when the row is expanded; it may take long (report progress
   * yourself). A rejection becomes one error row.
   */
  rowsFor(parent: ItemNode | ExtraNode, owner: ItemNode): ExtraRow[] | Promise<ExtraRow[]>;
}

export class ItemsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  readonly view: vscode.TreeView<TreeNode>;
  private index: NodeIndex = buildNodeIndex(undefined, 'size');
  private shown?: ModelState;
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly populatedListeners: ((state: ModelState) => void)[] = [];
  private readonly providers: ChildProvider[] = [];
  /** Provider rows handed out for the current model, by tree id. */
  private extras = new Map<string, ExtraNode>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Rows the user opened or closed, by tree id: a rescan shows them as they were left. */
  private readonly userExpanded = new Map<string, boolean>();

  constructor(
    private readonly scans: ScanService,
    private readonly config: () => HostConfig,
  ) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      scans.onDidChangeModel(() => this.rebuild()),
      this.view.onDidExpandElement((e) => this.userExpanded.set(e.element.treeId, true)),
      this.view.onDidCollapseElement((e) => this.userExpanded.set(e.element.treeId, false)),
      scans.onDidChangeScanning(() => this.updateHeader()),
      // Keep "scanned 5 min ago" true while the window stays open.
      disposableInterval(() => this.updateHeader(), 60_000),
    );
    this.rebuild();
  }

  /** Called once each time the tree first hands out rows of a newly shown model. */
  onDidPopulate(listener: (state: ModelState) => void): void {
    this.populatedListeners.push(listener);
  }

  /** Re-sorts or re-renders (settings changed) and shows the service's current model. */
  rebuild(): void {
    const config = this.config();
    this.index = buildNodeIndex(this.scans.model, config.sortBy, config);
    this.extras = new Map();
    this.updateHeader();
    this.changed.fire(undefined);
  }

  /** Adds rows below items (see ChildProvider); dispose to remove. */
  registerChildProvider(provider: ChildProvider): vscode.Disposable {
    this.providers.push(provider);
    this.changed.fire(undefined);
    return new vscode.Disposable(() => {
      const i = this.providers.indexOf(provider);
      if (i >= 0) this.providers.splice(i, 1);
    });
  }

  /** Has VS Code ask again for the rows below this row (a provider's rows changed), or below the root. */
  refresh(treeId?: string): void {
    this.changed.fire(treeId === undefined ? undefined : this.nodeByTreeId(treeId));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const t = renderNode(node, this.config().sortBy);
    if (node.type === 'item' && t.collapsibleState === vscode.TreeItemCollapsibleState.None && this.providerFor(node)) {
      t.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    }
    const open = this.userExpanded.get(node.treeId);
    if (open !== undefined && t.collapsibleState !== vscode.TreeItemCollapsibleState.None) {
      t.collapsibleState = open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    }
    return t;
  }

  getChildren(node?: TreeNode): TreeNode[] | Promise<TreeNode[]> {
    const provider = node && this.providerFor(node);
    if (node && provider) return this.providerRows(provider, node as ItemNode | ExtraNode);
    return this.modelChildren(node);
  }

  /** The rows the model itself has below `node` (no provider rows). */
  private modelChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.children;
    const state = this.scans.state;
    if (state && state !== this.shown && this.index.roots.length) {
      this.shown = state;
      for (const l of this.populatedListeners) l(state);
    }
    return this.index.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  private providerFor(node: TreeNode): ChildProvider | undefined {
    const owner = node.type === 'item' ? node : node.type === 'extra' ? node.owner : undefined;
    return owner && this.providers.find((p) => p.appliesTo(owner));
  }

  private async providerRows(provider: ChildProvider, parent: ItemNode | ExtraNode): Promise<TreeNode[]> {
    const owner = parent.type === 'item' ? parent : parent.owner;
    let rows: ExtraRow[];
    try {
      rows = await provider.rowsFor(parent, owner);
    } catch (err) {
      rows = [{ key: 'error', label: vscode.l10n.t('Could not load: {0}', errorText(err)), icon: 'error' }];
    }
    const made = rows.map((row): ExtraNode => {
      const node: ExtraNode = { type: 'extra', treeId: `${parent.treeId}/${row.key}`, category: owner.category, owner, parent, row, children: [] };
      this.extras.set(node.treeId, node);
      return node;
    });
    return parent.type === 'item' ? [...made, ...parent.children] : made;
  }

  /** Selects and shows the item with this model id (expanding its parents); false when the model has no such item. */
  async revealItem(itemId: string, options: { focus?: boolean } = {}): Promise<boolean> {
    const node = this.index.byItemId.get(itemId) ?? this.index.byTreeId.get(itemId);
    if (!node) return false;
    await this.view.reveal(node, { select: true, focus: options.focus ?? true, expand: false });
    return true;
  }

  nodeByTreeId(treeId: string): TreeNode | undefined {
    return this.index.byTreeId.get(treeId) ?? this.extras.get(treeId);
  }

  itemNode(itemId: string): ItemNode | undefined {
    return this.index.byItemId.get(itemId);
  }

  allItems(): ItemNode[] {
    return [...allItemNodes(this.index)];
  }

  /**
   * The rows a tree command acts on. VS Code passes (clicked, selection) for context-menu and inline
   * commands in a multi-select tree; when the clicked row is part of the selection, the whole
   * selection is meant. Item ids (strings) and model Items are accepted too (programmatic calls).
   */
  nodesFromArgs(clicked?: unknown, selection?: unknown): TreeNode[] {
    const resolve = (x: unknown): TreeNode | undefined => {
      if (typeof x === 'string') return this.index.byItemId.get(x) ?? this.index.byTreeId.get(x);
      if (x && typeof x === 'object' && 'treeId' in x && 'type' in x) return this.index.byTreeId.get((x as TreeNode).treeId) ?? (x as TreeNode);
      if (x && typeof x === 'object' && 'id' in x && 'bytes' in x) return this.index.byItemId.get((x as Item).id);
      return undefined;
    };
    const list = Array.isArray(selection) ? selection.map(resolve).filter((n): n is TreeNode => !!n) : [];
    const first = resolve(clicked);
    if (first && !list.some((n) => n.treeId === first.treeId)) return [first];
    if (list.length) return list;
    if (first) return [first];
    return [...this.view.selection];
  }

  /** The model's rows under `parentTreeId` (root when omitted), rendered by the tree's own code; provider rows: renderedRows. */
  rendered(parentTreeId?: string): RenderedRow[] {
    const parent = parentTreeId === undefined ? undefined : this.index.byTreeId.get(parentTreeId);
    if (parentTreeId !== undefined && !parent) return [];
    return this.renderRows(this.modelChildren(parent));
  }

  /** Everything the tree shows under `parentTreeId` when it is expanded, provider rows included (which may load them). */
  async renderedRows(parentTreeId?: string): Promise<RenderedRow[]> {
    const parent = parentTreeId === undefined ? undefined : this.nodeByTreeId(parentTreeId);
    if (parentTreeId !== undefined && !parent) return [];
    return this.renderRows(await this.getChildren(parent));
  }

  private renderRows(nodes: TreeNode[]): RenderedRow[] {
    return nodes.map((node) => {
      const t = this.getTreeItem(node);
      const tooltip = t.tooltip instanceof vscode.MarkdownString ? t.tooltip.value : (t.tooltip ?? '');
      return {
        treeId: node.treeId,
        itemId: node.type === 'item' ? node.item.id : undefined,
        type: node.type,
        label: typeof t.label === 'string' ? t.label : (t.label?.label ?? ''),
        description: typeof t.description === 'string' ? t.description : '',
        tooltip,
        contextValue: t.contextValue ?? '',
        collapsible: t.collapsibleState !== vscode.TreeItemCollapsibleState.None,
      };
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private updateHeader(): void {
    const state = this.scans.state;
    if (!state) {
      this.view.description = undefined;
      this.view.message = undefined;
      return;
    }
    const m = state.model;
    const total = m.categories.reduce((s, c) => s + c.bytes, 0);
    // The summary names the disk that is filling: the tree below leads with what is on it.
    const filling = fillingVolumes(m.volumes ?? [], this.config())[0];
    this.view.description = filling
      ? vscode.l10n.t('{0} · scanned {1} · {2} {3} % used', formatBytes(total), formatAge(m.scannedAt), filling.mountPoint, filling.percentUsed.toFixed(0))
      : vscode.l10n.t('{0} · scanned {1}', formatBytes(total), formatAge(m.scannedAt));
    const notes: string[] = [];
    if (state.source === 'persisted') {
      notes.push(vscode.l10n.t('From the last session\'s scan ({0}); {1}', formatAge(m.scannedAt), this.scans.scanning ? 'refreshing…' : vscode.l10n.t('refreshes when this view is visible')));
    } else if (this.scans.scanning) {
      notes.push(vscode.l10n.t('Refreshing…'));
    }
    if (m.warnings.length) notes.push((m.warnings.length === 1 ? vscode.l10n.t('{0} warning (unreadable or vanished entries): ML Disk Space: Show Log', m.warnings.length) : vscode.l10n.t('{0} warnings (unreadable or vanished entries): ML Disk Space: Show Log', m.warnings.length)));
    this.view.message = notes.length ? notes.join('\n') : undefined;
  }
}

function disposableInterval(fn: () => void, ms: number): vscode.Disposable {
  const timer = setInterval(fn, ms);
  return new vscode.Disposable(() => clearInterval(timer));
}
