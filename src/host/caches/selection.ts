// Which cache items a command acts on: the rows it was invoked on in the tree (multi-select),
// item ids passed by a caller, or, from the command palette, a quick pick over the last scan.
import { badgeWords } from '../../core/badgeWords';
import * as vscode from 'vscode';
import { formatBytes, formatCount } from '../../core/format';
import type { Category, Item, ScanModel } from '../../core/model';
import { CONDA_CATEGORY_ID } from '../../core/categories/conda/scanner';
import type { HostServices } from '../services';
import { displayPick, displayText } from '../../core/displayText';

export interface CacheSelection {
  /** Selected items that pass the filter. */
  items: Item[];
  /** Ids of selected category rows. */
  categories: string[];
}

/** The selected rows (clicked + selection, as VS Code passes them) that are items accepted by `accept`, and selected categories. */
export function selectedCacheItems(
  s: HostServices,
  clicked: unknown,
  selection: unknown,
  accept: (item: Item, category: Category) => boolean,
): CacheSelection {
  const out: CacheSelection = { items: [], categories: [] };
  for (const node of s.tree.nodesFromArgs(clicked, selection)) {
    if (node.type === 'category') out.categories.push(node.category.id);
    else if (node.type === 'item' && accept(node.item, node.category) && !out.items.some((i) => i.id === node.item.id)) out.items.push(node.item);
  }
  return out;
}

/** Every item of a category, depth first, with its parents. */
export function* itemsOf(category: Category): Generator<{ item: Item; parents: Item[] }> {
  const stack = [...category.items].reverse().map((item) => ({ item, parents: [] as Item[] }));
  while (stack.length) {
    const next = stack.pop()!;
    yield next;
    for (const child of [...(next.item.children ?? [])].reverse()) stack.push({ item: child, parents: [...next.parents, next.item] });
  }
}

interface ItemPick extends vscode.QuickPickItem {
  id: string;
}

/**
 * A multi-select quick pick over the items of `categoryId` that `accept` takes, largest first.
 * Resolves with the chosen ids, or undefined when the user picked nothing.
 */
export async function pickCacheItems(
  s: HostServices,
  model: ScanModel,
  categoryId: string,
  accept: (item: Item, parents: Item[]) => boolean,
  texts: { title: string; placeHolder: string; none: string; label?: (item: Item, parents: Item[]) => string },
): Promise<string[] | undefined> {
  const category = model.categories.find((c) => c.id === categoryId);
  const found = category ? [...itemsOf(category)].filter(({ item, parents }) => accept(item, parents)) : [];
  if (!found.length) {
    void s.prompts.notifier.info(`${texts.title}: ${texts.none}`);
    return undefined;
  }
  const picks: ItemPick[] = found
    .sort((a, b) => b.item.bytes - a.item.bytes)
    .map(({ item, parents }) => ({
      id: item.id,
      label: texts.label ? texts.label(item, parents) : item.label,
      description: [formatBytes(item.bytes), ...(item.badges ?? []).map(badgeWords), item.description ?? ''].filter(Boolean).join(' · '),
      detail: item.path,
    }));
  s.log.info(`${texts.title}: asking which of ${formatCount(picks.length, 'item')}`);
  const chosen = await vscode.window.showQuickPick(picks.map(displayPick), { title: displayText(texts.title), placeHolder: texts.placeHolder, canPickMany: true, matchOnDescription: true, matchOnDetail: true });
  return chosen?.length ? chosen.map((p) => p.id) : undefined;
}

/** Package-cache folders of the selected conda rows: a package cache itself, or its group row of `groupKind` (tarballs, unused packages). */
export function selectedCondaPkgsDirs(s: HostServices, clicked: unknown, selection: unknown, groupKind: string): string[] {
  const dirs: string[] = [];
  for (const node of s.tree.nodesFromArgs(clicked, selection)) {
    if (node.type !== 'item' || node.category.id !== CONDA_CATEGORY_ID) continue;
    const parent = node.parent.type === 'item' ? node.parent.item : undefined;
    const dir = node.item.kind === 'conda-pkgs' ? node.item.path : node.item.kind === groupKind && parent?.kind === 'conda-pkgs' ? parent.path : undefined;
    if (dir && !dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}
