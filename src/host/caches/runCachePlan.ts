// The cache commands' way to the shared destructive flow: make the plan for cache ids (purge ids
// or items of the last scan; src/core/categories/planFor.ts), which re-measures the targets on
// disk, with a cancellable progress while it measures; say plainly why a plan is refused (base or
// active conda env, an item the scan no longer has); then hand it to the Reclaimer (one modal
// confirmation with the exact bytes -> progress -> summary -> rescan).
import * as os from 'os';
import * as vscode from 'vscode';
import { withCancellableProgress } from '../cancellableProgress';
import { PlanRefusedError } from '../../core/plan/builder';
import { planForIds } from '../../core/categories/planFor';
import type { ScanModel } from '../../core/model';
import type { DeletionPlan } from '../../core/plan/types';
import type { PlanContext } from '../../core/plan/context';
import type { ReclaimResult } from '../reclaim';
import type { HostServices } from '../services';

export function planContextOf(s: HostServices): PlanContext {
  return { env: s.env, homeDir: s.env.HOME || os.homedir(), settings: s.config().scan, now: Date.now() };
}

/**
 * Builds a plan with `make` (measuring on disk, cancellable) and runs it through the Reclaimer.
 * `what` names the action for messages ("Purge the pip cache"). Undefined when nothing was asked.
 */
export async function runCachePlan(
  s: HostServices,
  what: string,
  make: (signal: AbortSignal) => Promise<DeletionPlan | undefined>,
): Promise<ReclaimResult | undefined> {
  let plan: DeletionPlan | undefined;
  const controller = new AbortController();
  try {
    plan = await withCancellableProgress(vscode.l10n.t('ML Disk Space: {0}: measuring what it frees…', what), (signal) => make(signal), controller);
  } catch (err) {
    if (controller.signal.aborted) {
      s.log.info(`${what}: cancelled while measuring; nothing was deleted`);
      return undefined;
    }
    if (err instanceof PlanRefusedError) {
      s.log.info(`${what}: refused: ${err.message}`);
      void s.prompts.notifier.warn(vscode.l10n.t('{0}: nothing can be deleted: {1}.', what, err.message));
      return undefined;
    }
    throw err;
  }
  if (!plan) {
    void s.prompts.notifier.warn(vscode.l10n.t('{0}: the selection holds nothing this command can delete.', what));
    return undefined;
  }
  s.log.info(`${what}: plan "${plan.title}": ${plan.targets.length} targets, ${plan.bytes} bytes${plan.keep?.length ? `, ${plan.keep.length} kept` : ''}`);
  return s.reclaimer.executePlan(plan);
}

/** runCachePlan for cache ids of the last scan (purge ids such as `pip:purge`, or item ids). */
export function runCacheIds(s: HostServices, what: string, model: ScanModel, ids: string[]): Promise<ReclaimResult | undefined> {
  return runCachePlan(s, what, (signal) => planForIds(ids, model, { ...planContextOf(s), signal }));
}
