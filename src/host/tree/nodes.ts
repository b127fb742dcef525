// The tree's elements, built once per model: categories -> items -> children, plus one error row
// for a category that could not be scanned. Each node knows its parent (for reveal) and has a
// tree id that stays the same across scans (so expansion and selection survive a refresh).
import { categoryVolumes, fillingVolumes, freesNothingOn, leadWithFilling, type VolumeThresholds } from '../../core/fillingVolume';
import type { Category, Item, ScanModel } from '../../core/model';
import type { SortBy } from '../configRead';
import { isShownRow } from '../../core/shownRows';
import { keepsOwnOrder, sortForTree } from './sort';

export interface CategoryNode {
  type: 'category';
  treeId: string;
  category: Category;
  parent: undefined;
  children: TreeNode[];
  /** The filling volume this category is not on (deleting it frees nothing there). */
  freesNothingOn?: string;
}

export interface ItemNode {
  type: 'item';
  treeId: string;
  item: Item;
  category: Category;
  parent: CategoryNode | ItemNode;
  children: ItemNode[];
  /** The filling volume this item is not on; said only in a category partly on the filling volume (else the category row says it). */
  freesNothingOn?: string;
}

export interface ErrorNode {
  type: 'error';
  treeId: string;
  category: Category;
  message: string;
  parent: CategoryNode;
  children: [];
}

/**
 * A row that a ChildProvider (ItemsTree.registerChildProvider) adds below an item, e.g. a Docker
 * image's layers. Not part of the model: made when its parent row is expanded, dropped with the
 * next model. Its rows below come from the same provider.
 */
export interface ExtraNode {
  type: 'extra';
  treeId: string;
  category: Category;
  /** The model item whose provider made this row. */
  owner: ItemNode;
  parent: ItemNode | ExtraNode;
  row: ExtraRow;
  children: [];
}

/** One provider-made row, as plain data (render.ts draws it). */
export interface ExtraRow {
  /** Unique among its siblings: the row's tree id is its parent's tree id + '/' + key. */
  key: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** Codicon id, e.g. 'layers'. */
  icon?: string;
  /** contextValue tokens besides `mldsExtra cat-<category>`. */
  contextTokens?: string[];
  /** The provider has rows below this one (asked for when it is expanded). */
  expandable?: boolean;
  /** Run when the row is clicked. */
  command?: { command: string; title: string; arguments?: unknown[] };
  /** What the row stands for, for the provider's own use. */
  data?: unknown;
}

export type TreeNode = CategoryNode | ItemNode | ErrorNode | ExtraNode;

export interface NodeIndex {
  roots: CategoryNode[];
  /** By tree id; an item's tree id is its model id (made unique if a scanner repeated one). */
  byTreeId: Map<string, TreeNode>;
  /** By model item id (the first item with that id). */
  byItemId: Map<string, ItemNode>;
}

export function categoryTreeId(categoryId: string): string {
  return `category:${categoryId}`;
}

/**
 * The tree for `model`: categories and items in the user's sort, except that what lies on a volume
 * at the warning or critical threshold (`thresholds`) comes first.
 */
export function buildNodeIndex(model: ScanModel | undefined, sortBy: SortBy, thresholds?: VolumeThresholds): NodeIndex {
  const index: NodeIndex = { roots: [], byTreeId: new Map(), byItemId: new Map() };
  if (!model) return index;
  const filling = thresholds ? fillingVolumes(model.volumes ?? [], thresholds) : [];
  const uniqueId = (id: string) => {
    let candidate = id;
    for (let n = 2; index.byTreeId.has(candidate); n++) candidate = `${id}#${n}`;
    return candidate;
  };
  const addItems = (items: Item[], category: Category, parent: CategoryNode | ItemNode, categoryNode: CategoryNode): ItemNode[] =>
    (keepsOwnOrder(items) ? items : leadWithFilling(sortForTree(items, sortBy), filling)).filter((item) => isShownRow(item, category)).map((item) => {
      const node: ItemNode = { type: 'item', treeId: uniqueId(item.id), item, category, parent, children: [] };
      // Said on the category row when all of it is elsewhere; on an item only in a category that is partly on the filling disk.
      if (!categoryNode.freesNothingOn) node.freesNothingOn = freesNothingOn([item.volume], filling);
      index.byTreeId.set(node.treeId, node);
      if (!index.byItemId.has(item.id)) index.byItemId.set(item.id, node);
      node.children = addItems(item.children ?? [], category, node, categoryNode);
      return node;
    });
  const categories = leadWithFilling(sortBy === 'age' ? sortForTree(model.categories, 'size') : sortForTree(model.categories, sortBy), filling, categoryVolumes);
  for (const category of categories) {
    const node: CategoryNode = { type: 'category', treeId: uniqueId(categoryTreeId(category.id)), category, parent: undefined, children: [] };
    node.freesNothingOn = freesNothingOn(categoryVolumes(category), filling);
    index.byTreeId.set(node.treeId, node);
    index.roots.push(node);
    if (category.error) {
      const error: ErrorNode = { type: 'error', treeId: uniqueId(`error:${category.id}`), category, message: category.error, parent: node, children: [] };
      index.byTreeId.set(error.treeId, error);
      node.children.push(error);
    }
    // A scanner may also carry the error as an item (Docker's `docker:error`, for the CLI's JSON): the error row says it once.
    const items = category.error ? category.items.filter((i) => i.label !== category.error) : category.items;
    node.children.push(...addItems(items, category, node, node));
  }
  return index;
}

/** Every item node, depth first (for "Find large item…"). */
export function* allItemNodes(index: NodeIndex): Generator<ItemNode> {
  const stack: TreeNode[] = [...index.roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'item') yield node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
}
