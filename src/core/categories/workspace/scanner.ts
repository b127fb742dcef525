// "Large workspace items": the largest folders and files under each workspace folder and extra
// root, after removing what other categories (checkpoints, caches inside the workspace) count.
import type { Category } from '../../model';
import { isStrictlyInside } from '../../safety/pathGuards';
import type { ScanContext } from '../../scan/types';
import { timeSlicer } from '../../timeSlice';
import { withoutSubtrees } from '../../walker/subtract';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { t } from '../../l10n';

export const WORKSPACE_CATEGORY_ID = 'workspace';
/** Levels below a workspace folder that keep their largest children. */
export const WORKSPACE_DETAIL_DEPTH = 4;

export async function scanWorkspace(ctx: ScanContext): Promise<Category> {
  const claimedPaths = [...ctx.claimedPaths];
  const { result: walk, excludedPaths } = await ctx.workspaceWalk();
  ctx.progress(t('Workspace folders: largest items'));
  const realRoots = walk.roots.map((n) => n.path).filter(Boolean);
  const inside = (p: string) => [...ctx.roots, ...realRoots].some((r) => isStrictlyInside(p, r));
  // Claimed after the walk (checkpoints): taken out of the walked tree, no second walk.
  const skipped = new Set(excludedPaths);
  const claimedLater = claimedPaths.filter((p) => inside(p) && !skipped.has(p));
  const collected = new Map((walk.collected ?? []).map((n) => [n.path, n]));
  const nodes: WalkNode[] = [];
  for (const p of claimedLater) {
    const node = collected.get(p);
    if (node) nodes.push(node);
    // Discovery claims only what the walk collected: this is a bug, said rather than hidden.
    else ctx.warn({ message: t('{0} is counted in its category and in the workspace total too', p), path: p, code: 'double-counted', category: WORKSPACE_CATEGORY_ID });
  }
  // Thousands of checkpoint folders come out of the tree: in slices, for this runs on the editor's thread.
  const slice = timeSlicer();
  const roots: WalkNode[] = [];
  for (const root of walk.roots) roots.push(nodes.length ? await withoutSubtrees(root, nodes, slice) : root);
  const excludePaths = claimedPaths.filter(inside);
  const items = roots.map((node) => {
    const item = nodeToItem(node, WORKSPACE_CATEGORY_ID);
    // A workspace folder itself is never offered for deletion; its contents are.
    item.reclaimable = false;
    item.kind = 'workspace-folder';
    item.id = `${WORKSPACE_CATEGORY_ID}:root:${node.path}`;
    return item;
  });
  return {
    id: WORKSPACE_CATEGORY_ID,
    label: t('Large workspace items'),
    bytes: items.reduce((s, i) => s + i.bytes, 0),
    apparentBytes: items.reduce((s, i) => s + i.apparentBytes, 0),
    items,
    fields: excludePaths.length ? { excludedPaths: excludePaths } : undefined,
  };
}
