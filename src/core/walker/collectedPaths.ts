// A collected folder travels from a walker thread to the main side twice: alone (a 'collected'
// message) and inside its unit's tree. Alone it goes with its descendants' paths left out: each is
// its parent's path, '/', and its name (for names that are not valid UTF-8 too: both are decoded the
// same lossy way, and '/' ends any broken sequence); on the sharded bench tree the paths were a third
// of the bytes cloned for 70,000 nodes. In the tree it keeps only the detail the tree has there.
import type { WalkNode } from './types';

/** Empties the path of every descendant of `node` (the shape stays; an empty string clones in a byte). */
export function dropDescendantPaths(node: WalkNode): void {
  if (!node.children) return;
  for (const child of node.children) {
    child.path = '';
    dropDescendantPaths(child);
  }
}

/** Puts back what dropDescendantPaths took out, from `node`'s own path down. */
export function restoreDescendantPaths(node: WalkNode): void {
  if (!node.children) return;
  const prefix = node.path === '/' ? '/' : node.path + '/';
  for (const child of node.children) {
    child.path = prefix + child.name;
    restoreDescendantPaths(child);
  }
}

/** Cuts `node`'s kept children below `levels` levels (0: none): what a node at its depth keeps in the walked tree. */
export function keepLevels(node: WalkNode, levels: number): void {
  if (!node.children) return;
  if (levels <= 0) {
    delete node.children;
    delete node.omitted;
    return;
  }
  for (const child of node.children) keepLevels(child, levels - 1);
}
