// "Large workspace items": the largest folders and files under each workspace folder and extra
// root, after removing what other categories (checkpoints, caches inside the workspace) count.
import * as path from 'path';
import type { Category } from '../model';
import type { ScanContext } from '../scan/types';
import { nodeToItem } from '../walker/toItems';

export const WORKSPACE_CATEGORY_ID = 'workspace';

export async function scanWorkspace(ctx: ScanContext, claimedPaths: string[]): Promise<Category> {
  const inside = (p: string) => ctx.roots.some((r) => p === r || p.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  const excludePaths = claimedPaths.filter(inside);
  ctx.progress('Workspace folders');
  const result = await ctx.walker.walk(ctx.roots, {
    signal: ctx.signal,
    topN: ctx.settings.topN,
    detailDepth: 4,
    excludePaths,
    onProgress: (p) => ctx.progress('Workspace folders', p),
  });
  for (const e of result.errors) ctx.warn({ message: `${e.path}: ${e.message}`, path: e.path, code: e.code, category: WORKSPACE_CATEGORY_ID });
  if (result.errorCount > result.errors.length) {
    ctx.warn({ message: `${result.errorCount - result.errors.length} more unreadable entries not listed`, category: WORKSPACE_CATEGORY_ID });
  }
  const items = result.roots.map((node) => {
    const item = nodeToItem(node, WORKSPACE_CATEGORY_ID);
    // A workspace folder itself is never offered for deletion; its contents are.
    item.reclaimable = false;
    item.kind = 'workspace-folder';
    item.id = `${WORKSPACE_CATEGORY_ID}:root:${node.path}`;
    return item;
  });
  return {
    id: WORKSPACE_CATEGORY_ID,
    label: 'Large workspace items',
    bytes: items.reduce((s, i) => s + i.bytes, 0),
    apparentBytes: items.reduce((s, i) => s + i.apparentBytes, 0),
    items,
    fields: excludePaths.length ? { excludedPaths: excludePaths } : undefined,
  };
}
