// Removes subtrees from a walked tree after the fact, so one walk can serve two categories: walk
// the workspace once with `collect` (checkpoint folders found and sized on the way), give the
// collected folders to their category, and show the workspace without them — instead of walking
// the same files again with excludePaths.
import type { WalkNode } from './types';
import { bySizeThenName } from './walkUnit';

const TOTALS = ['bytes', 'apparentBytes', 'sharedBytes', 'files', 'dirs', 'hardLinkedFiles'] as const;

function subtractTotals(into: WalkNode, from: WalkNode): void {
  for (const k of TOTALS) into[k] -= from[k];
}

/**
 * A copy of `root` without the given subtrees (nodes of the same walk, e.g. from
 * WalkResult.collected): their totals leave every ancestor; a removed child leaves `children`,
 * or `omitted` if it had not been kept. Nested removals count once (the outermost one).
 * Newest mtime/atime of ancestors are left as they were. Bytes of hard links shared with a
 * removed subtree stay "shared" in the copy: they are counted once, where the subtree goes.
 */
export function withoutSubtrees(root: WalkNode, removed: readonly WalkNode[]): WalkNode {
  const copy = clone(root);
  const paths = new Set(removed.map((n) => n.path));
  const outermost = removed.filter((n) => {
    for (let p = parentOf(n.path); p && p.length >= root.path.length; p = parentOf(p)) if (paths.has(p)) return false;
    return n.path !== root.path && n.path.startsWith(root.path === '/' ? '/' : root.path + '/');
  });
  for (const node of outermost) removeOne(copy, node);
  sortChildren(copy);
  return copy;
}

/** Totals changed: largest first again (a sibling left in `omitted` cannot come back; it stays there). */
function sortChildren(node: WalkNode): void {
  if (!node.children) return;
  node.children.sort(bySizeThenName);
  for (const child of node.children) sortChildren(child);
}

function removeOne(root: WalkNode, node: WalkNode): void {
  // Down the kept chain towards the node, taking its totals out of each ancestor.
  let at = root;
  for (;;) {
    subtractTotals(at, node);
    const next = at.children?.find((c) => node.path === c.path || node.path.startsWith(c.path + '/'));
    if (!next) break;
    if (next.path === node.path) {
      at.children = at.children!.filter((c) => c !== next);
      return;
    }
    at = next;
  }
  // The deepest kept ancestor keeps children, and the node was its direct child: it was omitted.
  if (at.children && at.omitted && parentOf(node.path) === at.path) {
    at.omitted = {
      count: at.omitted.count - 1,
      bytes: at.omitted.bytes - node.bytes,
      apparentBytes: at.omitted.apparentBytes - node.apparentBytes,
    };
    if (at.omitted.count === 0) delete at.omitted;
  }
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (p.length > 1 ? '/' : '') : p.slice(0, i);
}

function clone(node: WalkNode): WalkNode {
  const copy: WalkNode = { ...node };
  if (node.omitted) copy.omitted = { ...node.omitted };
  if (node.children) copy.children = node.children.map(clone);
  return copy;
}
