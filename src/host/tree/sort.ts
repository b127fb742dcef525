// Order of categories and items in the tree (`mlDiskSpace.sortBy`). No `vscode` import.
import { fileCountOf } from '../../core/headroom/mostEntries';
import type { SortBy } from '../configRead';

interface Sortable {
  bytes: number;
  label: string;
  modifiedMs?: number;
  /** Walked items carry their file count in fields.files. */
  fields?: Record<string, unknown>;
  /** A category: its file count is its items' (those that know theirs). */
  items?: readonly { fields?: Record<string, unknown> }[];
}

/** Files (inodes) an item or category holds, where known. */
export function filesOf(x: Sortable): number | undefined {
  const own = fileCountOf(x);
  if (own !== undefined || !x.items) return own;
  let sum: number | undefined;
  for (const i of x.items) {
    const n = fileCountOf(i);
    if (n !== undefined) sum = (sum ?? 0) + n;
  }
  return sum;
}

const byName = (a: Sortable, b: Sortable) => a.label.localeCompare(b.label, undefined, { numeric: true, sensitivity: 'base' });

/**
 * 'size': largest first; 'name': alphabetical (numbers in names compare as numbers, so
 * checkpoint-900 comes before checkpoint-1000); 'age': least recently modified first, the usual
 * candidates for cleanup, with items of unknown age last; 'files': most files first (where the
 * inodes went), items whose count is unknown (caches, images) last. Ties fall back to size, then name.
 */
export function sortForTree<T extends Sortable>(list: readonly T[], sortBy: SortBy): T[] {
  const out = [...list];
  const bySize = (a: T, b: T) => b.bytes - a.bytes || byName(a, b);
  switch (sortBy) {
    case 'name':
      return out.sort((a, b) => byName(a, b) || b.bytes - a.bytes);
    case 'age':
      return out.sort((a, b) => {
        const ma = a.modifiedMs ?? Number.POSITIVE_INFINITY;
        const mb = b.modifiedMs ?? Number.POSITIVE_INFINITY;
        return ma === mb ? bySize(a, b) : ma < mb ? -1 : 1;
      });
    case 'files':
      return out.sort((a, b) => {
        const fa = filesOf(a) ?? -1;
        const fb = filesOf(b) ?? -1;
        return fb - fa || bySize(a, b);
      });
    default:
      return out.sort(bySize);
  }
}

/**
 * Kinds listed in the order their scanner gave, whatever sortBy is: a run's checkpoints (by step),
 * VS Code Server builds and log folders (oldest first).
 */
const OWN_ORDER_KINDS = new Set(['checkpoint', 'checkpoint-link', 'vscode-server-build', 'vscode-server-cli', 'vscode-server-log']);

export function keepsOwnOrder(list: readonly { kind?: string }[]): boolean {
  return list.length > 0 && list.every((i) => i.kind !== undefined && OWN_ORDER_KINDS.has(i.kind));
}
