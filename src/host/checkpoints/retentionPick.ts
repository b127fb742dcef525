// The quick pick of "Apply Retention Policy…": keep best k + last, with k from mlDiskSpace.keepBest
// first, each choice showing what it would delete and free in the chosen runs. Runs in progress
// are left out unless the user picks the last, explicit choice (the plan then asks again).
import * as vscode from 'vscode';
import { checkpointPlanFromModel, type RetentionPlan } from '../../core/categories/checkpoints';
import { formatBytes, formatCount } from '../../core/format';
import type { ScanModel } from '../../core/model';
import type { HostServices } from '../services';
import { displayPick, displayText } from '../../core/displayText';

export interface RetentionChoice {
  keepBest: number;
  includeInProgress: boolean;
}

interface ChoicePick extends vscode.QuickPickItem, RetentionChoice {}

/** Other values of k offered besides the setting's. */
const OTHER_K = [0, 1, 2, 3, 5];

export function retentionPlanFor(model: ScanModel, ids: string[] | undefined, choice: RetentionChoice): RetentionPlan | undefined {
  return checkpointPlanFromModel(model, { action: 'retention', ids, keepBest: choice.keepBest, includeInProgress: choice.includeInProgress }) as RetentionPlan | undefined;
}

function keepLabel(k: number): string {
  return k === 0 ? 'Keep only the best + last' : `Keep best ${k} + last`;
}

function effect(plan: RetentionPlan | undefined): string {
  if (!plan || !plan.targets.length) return 'Nothing to delete';
  return `Deletes ${formatCount(plan.targets.length, 'checkpoint')} (${formatBytes(plan.bytes)}), keeps ${plan.keep?.length ?? 0}`;
}

/** Asks for k (and whether to include runs in progress); undefined when dismissed. */
export async function pickRetention(s: HostServices, model: ScanModel, ids: string[] | undefined, scope: string): Promise<RetentionChoice | undefined> {
  const k0 = s.config().scan.keepBest;
  const ks = [k0, ...OTHER_K.filter((k) => k !== k0)];
  const picks: ChoicePick[] = [];
  const outcomes = new Set<string>();
  for (const k of ks) {
    const choice = { keepBest: k, includeInProgress: false };
    const plan = retentionPlanFor(model, ids, choice);
    // A k that deletes exactly what an earlier choice deletes is no choice (e.g. k = 0 and 1 when the best ranks first).
    const outcome = (plan?.targets ?? []).map((t) => t.path).sort().join('\0');
    if (outcomes.has(outcome) && k !== k0) continue;
    outcomes.add(outcome);
    picks.push({ ...choice, label: keepLabel(k), description: k === k0 ? 'mlDiskSpace.keepBest' : undefined, detail: effect(plan) });
  }
  const base = retentionPlanFor(model, ids, { keepBest: k0, includeInProgress: false });
  const busy = base?.runs.filter((r) => r.run.inProgress).map((r) => r.run.label) ?? [];
  if (busy.length) {
    const choice = { keepBest: k0, includeInProgress: true };
    picks.push({
      ...choice,
      label: `$(warning) ${keepLabel(k0)}, also in ${busy.length === 1 ? 'the run' : `${busy.length} runs`} in progress`,
      description: busy.join(', '),
      detail: `${effect(retentionPlanFor(model, ids, choice))}; asks again before deleting: a run in progress may still be writing`,
    });
  }
  s.log.info(`Apply Retention Policy: asking which policy for ${scope}`);
  const picked = await vscode.window.showQuickPick(picks.map(displayPick), {
    title: displayText(`Apply Retention Policy to ${scope}`),
    placeHolder: 'Keep the newest and the best checkpoints of each run; the next step shows exactly what is deleted and kept',
    matchOnDetail: true,
  });
  return picked && { keepBest: picked.keepBest, includeInProgress: picked.includeInProgress };
}
