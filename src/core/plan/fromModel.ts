// Small steps most category planners share: find the category or item in the last scan, the
// cache root an item was found under, a folder's entries now, and "delete these scanned items".
import * as fs from 'fs';
import * as path from 'path';
import { findItem, type Category, type Item, type ScanModel } from '../model';
import { buildPlan, PlanRefusedError, type PlannedPath } from './builder';
import type { DeletionPlan } from './types';

export function categoryOf(model: ScanModel, id: string): Category {
  const c = model.categories.find((x) => x.id === id);
  if (!c) throw new PlanRefusedError(`the last scan has no ${id} category`);
  return c;
}

/** The item with this id in the last scan and its ancestors, or a refusal. */
export function itemOf(model: ScanModel, id: string, categoryId: string): { item: Item; parents: Item[] } {
  const found = findItem(model, id);
  if (!found || found.category.id !== categoryId) throw new PlanRefusedError(`not in the last scan: ${id}`);
  return found;
}

/** The cache root recorded by the scan for an item (its own fields or its nearest ancestor's). */
export function cacheRootOf(item: Item, parents: Item[]): string {
  for (const it of [item, ...[...parents].reverse()]) {
    const root = it.fields?.cacheRoot;
    if (typeof root === 'string') return root;
  }
  throw new PlanRefusedError(`the scan did not record which cache ${item.path ?? item.id} belongs to`);
}

/** The entries of a folder now, as paths to delete (the folder itself stays). */
export async function folderEntries(dir: string, root: string, except: string[] = []): Promise<PlannedPath[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    throw new PlanRefusedError(`cannot list ${dir}: ${(err as NodeJS.ErrnoException).code}`);
  }
  return names.filter((n) => !except.includes(n)).sort().map((n) => ({ path: path.join(dir, n), root, label: path.relative(root, path.join(dir, n)) || n }));
}

/** Deletes scanned items as they are (each a folder or file under its cache root); refuses what the scan did not mark reclaimable. */
export async function planScannedItems(model: ScanModel, categoryId: string, ids: string[], signal?: AbortSignal): Promise<DeletionPlan> {
  const paths: PlannedPath[] = ids.map((id) => {
    const { item, parents } = itemOf(model, id, categoryId);
    if (!item.reclaimable || !item.path) throw new PlanRefusedError(`${item.label} cannot be deleted from here`);
    return { path: item.path, root: cacheRootOf(item, parents), label: item.label, itemId: item.id };
  });
  return buildPlan({
    title: paths.length === 1 ? `Delete ${paths[0].label}` : `Delete ${paths.length} items`,
    scannedAt: model.scannedAt,
    paths,
    signal,
  });
}
