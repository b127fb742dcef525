// Joins the results of delegated units back into the tree of the unit that gave them away,
// then re-ranks children now that every total is complete.
import type { WalkNode } from './types';
import type { UnitResult } from './walkUnit';
import { bySizeThenName } from './walkUnit';

type RawNode = UnitResult['node'];

const TOTALS = ['bytes', 'apparentBytes', 'sharedBytes', 'files', 'dirs', 'hardLinkedFiles'] as const;

function addTotals(into: WalkNode, from: WalkNode, sign = 1): void {
  for (const k of TOTALS) into[k] += sign * from[k];
  if (sign > 0) {
    if (from.mtimeMs > into.mtimeMs) into.mtimeMs = from.mtimeMs;
    if (from.atimeMs > into.atimeMs) into.atimeMs = from.atimeMs;
  }
}

export function stitch(node: RawNode, units: Map<number, RawNode>, topN: number): WalkNode {
  if (node.placeholder !== undefined) {
    const unit = units.get(node.placeholder);
    // A unit that never finished (cancelled walk) stays an empty folder node.
    if (!unit) return strip(node);
    return stitch(unit, units, topN);
  }
  for (const id of node.holes ?? []) {
    const unit = units.get(id);
    if (unit) addTotals(node, stitch(unit, units, topN));
  }
  if (node.children) {
    let changed = false;
    for (let i = 0; i < node.children.length; i++) {
      const child = node.children[i] as RawNode;
      if (!child.pinned && child.placeholder === undefined) continue;
      const before = { ...child };
      const after = stitch(child, units, topN);
      addTotals(node, after);
      addTotals(node, before, -1);
      node.children[i] = after;
      changed = true;
    }
    if (changed) rerank(node, topN);
  }
  return strip(node);
}

function rerank(node: WalkNode, topN: number): void {
  const children = node.children!.sort(bySizeThenName);
  if (children.length <= topN) return;
  const dropped = children.splice(topN);
  const o = (node.omitted ??= { count: 0, bytes: 0, apparentBytes: 0 });
  for (const d of dropped) { o.count++; o.bytes += d.bytes; o.apparentBytes += d.apparentBytes; }
}

function strip(node: RawNode): WalkNode {
  // Most nodes never had these: a delete costs even then, and tens of thousands of nodes pass here.
  if (node.holes !== undefined) delete node.holes;
  if (node.pinned !== undefined) delete node.pinned;
  if (node.placeholder !== undefined) delete node.placeholder;
  return node;
}
