// The groups "Clean Up…" offers: every purge id of the registry whose category the last scan has
// (without error), measured by the plan it would run. Two rules keep the list honest:
//  - a group that is only the sum of other groups of its category (conda's "clean -t -p" = tarballs
//    + packages) is not offered: choosing both parts does the same, and the sizes never add twice;
//  - of the chosen groups, one whose targets another chosen group already covers (dangling images
//    are also unused images) is dropped, so nothing is removed or counted twice.
import type { ScanModel } from '../model';
import { CATEGORIES } from './index';

/** A purge id of a category the last scan found. */
export interface PurgeGroup {
  /** The purge id (`pip:purge`, `docker:build-cache`, …). */
  id: string;
  categoryId: string;
  categoryLabel: string;
  /** What it does, from the category's descriptor. */
  what: string;
}

/** A purge group with what its plan would remove. */
export interface MeasuredGroup extends PurgeGroup {
  /** Bytes its plan frees. */
  bytes: number;
  /** Keys of its targets (paths, engine object ids): what it removes. */
  targets: string[];
}

/** Every purge id whose category the last scan holds without error, in registry order. */
export function purgeGroupsOf(model: ScanModel): PurgeGroup[] {
  const groups: PurgeGroup[] = [];
  for (const descriptor of CATEGORIES) {
    const category = model.categories.find((c) => c.id === descriptor.id);
    if (!category || category.error) continue;
    for (const [id, what] of Object.entries(descriptor.purgeIds ?? {})) {
      groups.push({ id, categoryId: descriptor.id, categoryLabel: category.label, what });
    }
  }
  return groups;
}

/** The groups to offer: not empty, and not merely the union of other groups of the same category. */
export function offeredGroups(groups: MeasuredGroup[]): MeasuredGroup[] {
  const nonEmpty = groups.filter((g) => g.targets.length > 0);
  return nonEmpty.filter((g) => {
    const others = nonEmpty.filter((o) => o !== g && o.categoryId === g.categoryId);
    if (others.length < 2) return true;
    const union = new Set(others.flatMap((o) => o.targets));
    return !(union.size === new Set(g.targets).size && g.targets.every((t) => union.has(t)));
  });
}

/** The chosen groups less those whose every target another chosen group also removes (largest kept). */
export function withoutCovered(chosen: MeasuredGroup[]): MeasuredGroup[] {
  const bySize = [...chosen].sort((a, b) => b.targets.length - a.targets.length || b.bytes - a.bytes);
  const kept: MeasuredGroup[] = [];
  for (const g of bySize) {
    const covered = kept.some((k) => {
      const ks = new Set(k.targets);
      return g.targets.every((t) => ks.has(t));
    });
    if (!covered) kept.push(g);
  }
  return chosen.filter((g) => kept.includes(g));
}
