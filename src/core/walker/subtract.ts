// Removes subtrees from a walked tree after the fact, so one walk can serve two categories: walk
// the workspace once with `collect` (checkpoint folders found and sized on the way), give the
// collected folders to their category, and show the workspace without them — instead of walking
// the same files again with excludePaths.
import type { TimeSlice } from '../timeSlice';
import type { WalkNode } from './types';
import { bySizeThenName } from './walkUnit';

const TOTALS = ['bytes', 'apparentBytes', 'sharedBytes', 'files', 'dirs', 'hardLinkedFiles'] as const;

function subtractTotals(into: WalkNode, from: WalkNode): void {
  for (const k of TOTALS) into[k] -= from[k];
}

/**
 * `root` without the given subtrees (nodes of the same walk, e.g. from WalkResult.collected),
 * leaving `root` itself unchanged: their totals leave every ancestor; a removed child leaves `children`,
 * or `omitted` if it had not been kept. Nested removals count once (the outermost one).
 * Newest mtime/atime of ancestors are left as they were. Bytes of hard links shared with a
 * removed subtree stay "shared" in the copy: they are counted once, where the subtree goes.
 * `slice` is called after each removal and what it returns awaited (timeSlice.ts): on the editor's
 * thread thousands of removals do not hold it.
 */
export async function withoutSubtrees(root: WalkNode, removed: readonly WalkNode[], slice: TimeSlice = () => undefined): Promise<WalkNode> {
  const paths = new Set(removed.map((n) => n.path));
  const outermost = removed.filter((n) => {
    for (let p = parentOf(n.path); p && p.length >= root.path.length; p = parentOf(p)) if (paths.has(p)) return false;
    return n.path !== root.path && n.path.startsWith(root.path === '/' ? '/' : root.path + '/');
  });
  // Only the nodes on the way to a removed subtree are copied; every other node is shared with
  // `root` (a workspace tree has tens of thousands of nodes, a scan removes a few thousand).
  const copies = new Set<WalkNode>();
  const copy = (node: WalkNode): WalkNode => {
    const c: WalkNode = { ...node };
    if (node.omitted) c.omitted = { ...node.omitted };
    if (node.children) c.children = [...node.children];
    copies.add(c);
    return c;
  };
  const top = copy(root);
  for (const node of outermost) {
    removeOne(top, node, copy, copies);
    await slice();
  }
  for (const c of copies) c.children?.sort(bySizeThenName);
  return top;
}

function removeOne(root: WalkNode, node: WalkNode, copy: (n: WalkNode) => WalkNode, copies: Set<WalkNode>): void {
  // Down the kept chain towards the node, taking its totals out of each ancestor (copied on the way).
  let at = root;
  for (;;) {
    subtractTotals(at, node);
    const i = at.children?.findIndex((c) => isSameOrBelow(node.path, c.path)) ?? -1;
    if (i < 0) break;
    const next = at.children![i];
    if (next.path === node.path) {
      at.children!.splice(i, 1);
      return;
    }
    at = copies.has(next) ? next : (at.children![i] = copy(next));
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

/** `p` is `dir` or inside it (no string built per test: thousands of removals each test many children). */
function isSameOrBelow(p: string, dir: string): boolean {
  return p.startsWith(dir) && (p.length === dir.length || p.charCodeAt(dir.length) === 47 /* '/' */);
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (p.length > 1 ? '/' : '') : p.slice(0, i);
}
