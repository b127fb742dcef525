// The on-disk paths of the rows a tree command was invoked on.
import type { HostServices } from '../services';

export function pathsOf(s: HostServices, clicked: unknown, selection: unknown): string[] {
  const paths = s.tree
    .nodesFromArgs(clicked, selection)
    .map((n) => (n.type === 'item' ? n.item.path : undefined))
    .filter((p): p is string => !!p);
  return [...new Set(paths)];
}
