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
  return k === 0 ? vscode.l10n.t('Keep only the best + last') : vscode.l10n.t('Keep best {0} + last', k);
}

function effect(plan: RetentionPlan | undefined): string {
  if (!plan || !plan.targets.length) return vscode.l10n.t('Nothing to delete');
  return vscode.l10n.t('Deletes {0} ({1}), keeps {2}', formatCount(plan.targets.length, 'checkpoint'), formatBytes(plan.bytes), plan.keep?.length ?? 0);
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
      label: busy.length === 1 ? vscode.l10n.t('$(warning) {0}, also in the run in progress', keepLabel(k0)) : vscode.l10n.t('$(warning) {0}, also in {1} runs in progress', keepLabel(k0), busy.length),
      description: busy.join(', '),
      detail: vscode.l10n.t('{0}; asks again before deleting: a run in progress may still be writing', effect(retentionPlanFor(model, ids, choice))),
    });
  }
  s.log.info(`Apply Retention Policy: asking which policy for ${scope}`);
  const picked = await vscode.window.showQuickPick(picks.map(displayPick), {
    title: displayText(vscode.l10n.t('Apply Retention Policy to {0}', scope)),
    placeHolder: vscode.l10n.t('Keep the newest and the best checkpoints of each run; the next step shows exactly what is deleted and kept'),
    matchOnDetail: true,
  });
  return picked && { keepBest: picked.keepBest, includeInProgress: picked.includeInProgress };
}
