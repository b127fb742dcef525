// Small steps most category planners share: find the category or item in the last scan, the
// cache root an item was found under, a folder's entries now, and "delete these scanned items".
import * as fs from 'fs';
import * as path from 'path';
import { findItem, type Category, type Item, type ScanModel } from '../model';
import { buildPlan, PlanRefusedError, type PlannedPath } from './builder';
import type { DeletionPlan } from './types';
import { t } from '../l10n';

export function categoryOf(model: ScanModel, id: string): Category {
  const c = model.categories.find((x) => x.id === id);
  if (!c) throw new PlanRefusedError(t('the last scan has no {0} category', id));
  return c;
}

/** The item with this id in the last scan and its ancestors, or a refusal. */
export function itemOf(model: ScanModel, id: string, categoryId: string): { item: Item; parents: Item[] } {
  const found = findItem(model, id);
  if (!found || found.category.id !== categoryId) throw new PlanRefusedError(t('not in the last scan: {0}', id));
  return found;
}

/** The cache root recorded by the scan for an item (its own fields or its nearest ancestor's). */
export function cacheRootOf(item: Item, parents: Item[]): string {
  for (const it of [item, ...[...parents].reverse()]) {
    const root = it.fields?.cacheRoot;
    if (typeof root === 'string') return root;
  }
  throw new PlanRefusedError(t('the scan did not record which cache {0} belongs to', item.path ?? item.id));
}

/** The entries of a folder now, as paths to delete (the folder itself stays). */
export async function folderEntries(dir: string, root: string, except: string[] = []): Promise<PlannedPath[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    throw new PlanRefusedError(t('cannot list {0}: {1}', dir, (err as NodeJS.ErrnoException).code));
  }
  return names.filter((n) => !except.includes(n)).sort().map((n) => ({ path: path.join(dir, n), root, label: path.relative(root, path.join(dir, n)) || n }));
}

/** Deletes scanned items as they are (each a folder or file under its cache root); refuses what the scan did not mark reclaimable. */
export async function planScannedItems(model: ScanModel, categoryId: string, ids: string[], signal?: AbortSignal): Promise<DeletionPlan> {
  const paths: PlannedPath[] = ids.map((id) => {
    const { item, parents } = itemOf(model, id, categoryId);
    if (!item.reclaimable || !item.path) throw new PlanRefusedError(t('{0} cannot be deleted from here', item.label));
    return { path: item.path, root: cacheRootOf(item, parents), label: item.label, itemId: item.id };
  });
  return buildPlan({
    title: paths.length === 1 ? t('Delete {0}', paths[0].label) : t('Delete {0} items', paths.length),
    scannedAt: model.scannedAt,
    paths,
    signal,
  });
}
