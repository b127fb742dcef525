// Deletion plans by id, for the CLI's `purge <id>` and the editor's commands. Each category
// that can reclaim space registers a provider here.
import type { ScanModel } from '../model';
import type { DeletionPlan } from '../plan/types';
import { withScanWarnings } from '../plan/scanWarnings';
import type { ScanSettings } from '../settings';
import { checkpointPlanProvider } from './checkpoints/scanner';
import { cachePlanProvider } from './cachePlans';

export interface PlanContext {
  env: Record<string, string | undefined>;
  homeDir: string;
  settings: ScanSettings;
  now: number;
  /** Checkpoints: runs in progress are included (CLI --include-active); the plan then needs a second confirmation. */
  includeInProgress?: boolean;
}

export interface PlanProvider {
  /** Returns the plan for a category or item id this provider handles, else undefined. */
  planFor(id: string, model: ScanModel, ctx: PlanContext): Promise<DeletionPlan | undefined>;
}

export const planProviders: PlanProvider[] = [checkpointPlanProvider, cachePlanProvider];

export async function planFor(id: string, model: ScanModel, ctx: PlanContext): Promise<DeletionPlan | undefined> {
  for (const provider of planProviders) {
    const plan = await provider.planFor(id, model, ctx);
    // What the scan could not count inside a target is shown with the plan.
    if (plan) return withScanWarnings(plan, model.warnings);
  }
  return undefined;
}
