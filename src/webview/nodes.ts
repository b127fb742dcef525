// Finding nodes of the chart data by id and following the drill-down path.
import type { ChartNode } from '../shared/chartProtocol';

export interface NodeIndex {
  root: ChartNode;
  /** id -> the node and the ids from the root's child down to it (inclusive). */
  byId: Map<string, { node: ChartNode; path: string[] }>;
}

export function indexNodes(root: ChartNode): NodeIndex {
  const byId = new Map<string, { node: ChartNode; path: string[] }>();
  const visit = (node: ChartNode, path: string[]) => {
    for (const child of node.children ?? []) {
      const childPath = [...path, child.id];
      if (!byId.has(child.id)) byId.set(child.id, { node: child, path: childPath });
      visit(child, childPath);
    }
  };
  visit(root, []);
  return { root, byId };
}

/** The longest prefix of `focusPath` that still leads through nodes with children in `root`. */
export function validFocusPath(root: ChartNode, focusPath: readonly string[]): string[] {
  const valid: string[] = [];
  let node = root;
  for (const id of focusPath) {
    const next = node.children?.find((c) => c.id === id);
    if (!next?.children?.length) break;
    valid.push(id);
    node = next;
  }
  return valid;
}

/** The nodes along `focusPath`, root first. */
export function focusChain(root: ChartNode, focusPath: readonly string[]): ChartNode[] {
  const chain = [root];
  let node = root;
  for (const id of focusPath) {
    const next = node.children?.find((c) => c.id === id);
    if (!next) break;
    chain.push(next);
    node = next;
  }
  return chain;
}

export function hasChildren(node: ChartNode): boolean {
  return !!node.children?.length;
}

/** Synthetic boxes (the rest, other used, free) are not in the tree and cannot be opened. */
export function isSynthetic(node: ChartNode): boolean {
  return node.id.startsWith('synthetic:');
}
