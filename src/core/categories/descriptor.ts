// What a category is, in one object: how it is scanned, how its items are deleted, which purge
// ids it answers, and how its rows look. The registry (index.ts) lists one descriptor per
// category; the scan orchestrator, the CLI, the extension host and the chart all read it, so a new
// category is one folder plus one line there (docs/ARCHITECTURE.md, "How to add a category").
import type { Category, ScanModel } from '../model';
import type { PlanContext } from '../plan/context';
import type { DeletionPlan } from '../plan/types';
import type { CategoryResult, ScanContext } from '../scan/types';

/** How the rows of one item kind look in the tree and the chart. */
export interface ItemKindInfo {
  /** What the row is, in words ("Hugging Face repo"). */
  label: string;
  /** A codicon id (https://code.visualstudio.com/api/references/icons-in-labels). */
  icon?: string;
}

export interface CategoryDescriptor {
  /** Prefix of every item id of the category (`<id>:<kind>:<key>`) and of its purge ids. */
  id: string;
  label: string;
  /** Scanners run one after another in this order: those owning hard-linked originals (conda pkgs, uv) first. */
  order: number;
  /** Codicon of the category row. */
  icon: string;
  /**
   * A cache: its items are deleted by the generic "Delete" of cache rows (ids that planFor takes).
   * Checkpoints and Docker have commands of their own.
   */
  cache?: boolean;
  /** Returns undefined when there is nothing of this kind on this machine (the category is hidden). */
  scan(ctx: ScanContext): Promise<CategoryResult | undefined>;
  /**
   * The deletion plan for ids of this category (item ids of the last scan, or purge ids); several
   * ids make one plan. Undefined when an id is not one this category plans (Docker plans through
   * its engine instead). Throws PlanRefusedError for ids that may not be deleted.
   */
  planFor?(ids: string[], model: ScanModel, ctx: PlanContext): Promise<DeletionPlan | undefined>;
  /** Purge ids with what each does, for `ml-disk-space purge --help` and command titles. */
  purgeIds?: Record<string, string>;
  /** Item kinds this category produces. */
  kinds?: Record<string, ItemKindInfo>;
  /** Extra lines for the CLI's text report under the category (e.g. Hugging Face's per-repo facts). */
  reportLines?(category: Category, top: number): string[];
}

/** Whether an id (item id or purge id) belongs to the category `categoryId`. */
export function idBelongsTo(id: string, categoryId: string): boolean {
  return id === categoryId || id.startsWith(`${categoryId}:`);
}
