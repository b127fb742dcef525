// A plan's targets as the confirmation lists them: targets that share a `group` (an HF revision:
// its snapshot folder, ref files and blobs) are one line with their summed bytes, under the
// cache root they lie in; the others are listed one by one.
import type { DeletionTarget } from './types';

export interface TargetGroup {
  /** The cache root the group's targets lie in. */
  root: string;
  label: string;
  bytes: number;
  targets: number;
}

/** Groups largest first (ties by label); `ungrouped` in plan order. */
export function groupTargets(targets: readonly DeletionTarget[]): { groups: TargetGroup[]; ungrouped: DeletionTarget[] } {
  const byKey = new Map<string, TargetGroup>();
  const ungrouped: DeletionTarget[] = [];
  for (const target of targets) {
    if (!target.group) {
      ungrouped.push(target);
      continue;
    }
    const key = `${target.root}\0${target.group}`;
    const group = byKey.get(key) ?? { root: target.root, label: target.group, bytes: 0, targets: 0 };
    group.bytes += target.bytes;
    group.targets++;
    byKey.set(key, group);
  }
  const groups = [...byKey.values()].sort((a, b) => b.bytes - a.bytes || a.label.localeCompare(b.label));
  return { groups, ungrouped };
}
