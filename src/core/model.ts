// The scan model: categories -> items -> children. Everything the tree, the chart, the status bar
// and the CLI show comes from here. Sizes are disk usage (st_blocks x 512) unless a field says
// "apparent" (st_size); bytes shared with another category are counted once, in the first.
import type { VolumeGrowth } from './headroom/growth';
import type { BindingLimit, VolumeLimit } from './headroom/limits';

/** A fact shown to the user (tooltip, description, JSON). */
export type FactValue = string | number | boolean | null;

export interface Item {
  /** Stable across scans: `<category>:<kind>:<path or key>`. Used for reveal, selection, plans. */
  id: string;
  label: string;
  /** What the item is, e.g. 'folder', 'file', 'hf-repo', 'hf-revision', 'conda-env', 'run', 'checkpoint', 'docker-image'. */
  kind: string;
  path?: string;
  /** Disk usage in bytes, counted once across the whole model. */
  bytes: number;
  /** Apparent size (sum of st_size), for the same files as `bytes`. */
  apparentBytes: number;
  /** Bytes of this item's files that are already counted elsewhere (hard links into another category). */
  sharedBytes?: number;
  /** Where the shared bytes are counted, e.g. "conda package cache". */
  sharedWith?: string;
  /** True when removing the item is a supported action. */
  reclaimable?: boolean;
  /** Short text after the label in the tree, e.g. "3 revisions · 2 days ago". */
  description?: string;
  /** Badges such as 'best', 'last', 'in progress'. */
  badges?: string[];
  /** Newest modification time in the item (ms since epoch), where known. */
  modifiedMs?: number;
  /** Newest access time in the item (ms since epoch), where known. */
  accessedMs?: number;
  /** Category-specific fields, merged into the item's JSON by the CLI (e.g. repoType, step, best). */
  fields?: Record<string, unknown>;
  /** Mount point of the volume the item's path is on (top-level items with a path; core/volumePlacement.ts). */
  volume?: string;
  children?: Item[];
}

export interface Category {
  /** 'workspace', 'checkpoints', 'huggingface', 'conda', 'pip', 'uv', 'torch', 'docker', ... */
  id: string;
  label: string;
  bytes: number;
  apparentBytes: number;
  /** Bytes a full cleanup of this category could free, where that is known. */
  reclaimableBytes?: number;
  items: Item[];
  /** When the category could not be scanned at all (e.g. Docker engine down), the reason. */
  error?: string;
  fields?: Record<string, unknown>;
  /** Mount point of the volume holding most of its bytes (unknown for what has no path, e.g. Docker's images). */
  volume?: string;
}

export interface ScanWarning {
  message: string;
  path?: string;
  /** errno code (EACCES, ENOENT, ELOOP, ENAMETOOLONG) or our own ('corrupt-repo', ...). */
  code?: string;
  category?: string;
}

export interface VolumeInfo {
  path: string;
  totalBytes: number;
  freeBytes: number;
  /** Bytes available to an unprivileged user (f_bavail x f_bsize). */
  availableBytes: number;
  /** Every limit on this volume: the file system's bytes and inodes, and quotas (core/headroom). */
  limits?: VolumeLimit[];
  /** The limit that runs out first. */
  binding?: BindingLimit;
  /** Why some limits could not be read (no quota tools, a tool's error). */
  limitNotes?: string[];
  /** How fast it fills, from the persisted free-space history (headroom/growth.ts); set by the CLI and the status bar. */
  growth?: VolumeGrowth & { problem?: string };
}

/** A volume that holds something scanned (a root, a category's items). */
export interface ScannedVolume {
  mountPoint: string;
  totalBytes: number;
  freeBytes: number;
  availableBytes: number;
  /** How used it is for the thresholds: bytes like df, or the inodes when those are fuller. */
  percentUsed: number;
  /** Ids of the categories whose volume this is. */
  categories: string[];
}

export interface ScanModel {
  /** ms since epoch when the scan finished. */
  scannedAt: number;
  durationMs: number;
  /** The roots that were walked (workspace folders, extra roots, cache roots). */
  roots: string[];
  volume?: VolumeInfo;
  /** Every volume that holds something scanned, with its free space at the end of the scan. */
  volumes?: ScannedVolume[];
  categories: Category[];
  warnings: ScanWarning[];
  cancelled: boolean;
}

/** Finds an item anywhere in the model by id. */
export function findItem(model: ScanModel, id: string): { category: Category; item: Item; parents: Item[] } | undefined {
  for (const category of model.categories) {
    const stack: { item: Item; parents: Item[] }[] = category.items.map((item) => ({ item, parents: [] }));
    while (stack.length) {
      const { item, parents } = stack.pop()!;
      if (item.id === id) return { category, item, parents };
      for (const child of item.children ?? []) stack.push({ item: child, parents: [...parents, item] });
    }
  }
  return undefined;
}

export function sortBySizeDesc<T extends { bytes: number }>(list: T[]): T[] {
  return list.sort((a, b) => b.bytes - a.bytes);
}
