// One deletion plan for ids (item ids of the last scan, purge ids), from the categories that own
// them: the CLI's `purge <id>` and the editor's delete commands ask here. Ids of several
// categories make one plan (a multi-selection is confirmed once).
import { PlanRefusedError } from '../plan/builder';
import type { PlanContext } from '../plan/context';
import { withFreedBytes } from '../plan/freedBytes';
import { mergePlans } from '../plan/merge';
import { withScanWarnings } from '../plan/scanWarnings';
import type { DeletionPlan } from '../plan/types';
import type { ScanModel } from '../model';
import type { CategoryDescriptor } from './descriptor';
import { categoryOfId } from './index';
import { t } from '../l10n';

/**
 * Undefined when an id belongs to no category that plans file deletions. Throws PlanRefusedError
 * for ids the last scan does not have or that may not be deleted.
 */
export async function planForIds(ids: string[], model: ScanModel, ctx: PlanContext): Promise<DeletionPlan | undefined> {
  if (!ids.length) return undefined;
  const byCategory = new Map<CategoryDescriptor, string[]>();
  for (const id of ids) {
    const category = categoryOfId(id);
    if (!category?.planFor) return undefined;
    byCategory.set(category, [...(byCategory.get(category) ?? []), id]);
  }
  const plans: DeletionPlan[] = [];
  for (const [category, list] of byCategory) {
    const plan = await category.planFor!(list, model, ctx);
    if (!plan) {
      if (byCategory.size === 1) return undefined;
      throw new PlanRefusedError(t('cannot plan {0}', list.join(', ')));
    }
    plans.push(plan);
  }
  let plan = mergePlans(t('Delete {0} items', ids.length), plans);
  // Bytes across categories are measured together: a file linked from two of them is freed once both go.
  if (plans.length > 1) plan = await withFreedBytes({ ...plan, bytesMeasured: false }, { signal: ctx.signal });
  // What the scan could not count inside a target is shown with the plan.
  return withScanWarnings(plan, model.warnings);
}

/** One id: `ml-disk-space purge <id>`. */
export function planFor(id: string, model: ScanModel, ctx: PlanContext): Promise<DeletionPlan | undefined> {
  return planForIds([id], model, ctx);
}
