// The one destructive flow every reclaiming command goes through:
//   one modal confirmation naming the consequence and the exact bytes
//   -> a second explicit confirmation when the plan asks for it
//   -> progress with Cancel while the executor (or a Docker action) runs
//   -> "Reclaimed 42.3 GB (3 items)" plus every failure, item by item (also in the log)
//   -> a rescan, so the tree and the next plan see the disk as it is now.
// Filesystem deletions take a DeletionPlan (src/core/plan/types.ts) and run src/core/executor.ts, which
// re-validates each target; engine-side removals (Docker) pass a ReclaimAction.
import * as path from 'path';
import * as vscode from 'vscode';
import { withFreedBytes } from '../core/plan/freedBytes';
import { executePlan, type ExecutorOutcome, type ExecutorReport } from '../core/executor';
import { formatBytes, formatCount } from '../core/format';
import type { DeleteMode, DeletionPlan } from '../core/plan/types';
import { finishHfManifestEdits } from '../core/categories/huggingface/manifestEdits';
import type { HostConfig } from './configRead';
import { scanWarningLine } from '../core/plan/scanWarnings';
import { errorText, type Log } from './log';
import type { Prompts } from './prompts';
import type { ScanService } from './scanService';
import { displayText } from '../core/displayText';
import { REFRESH } from './refreshTriggers';

export interface ReclaimFailure {
  label: string;
  path?: string;
  /** errno or our reason code ('changed', 'outside-root', 'cancelled', 'trash-unavailable', ...). */
  code?: string;
  message: string;
}

export interface ReclaimResult {
  /** False when the user declined (or there was nothing to do): nothing was touched. */
  confirmed: boolean;
  /** Bytes freed (for plans: the planned bytes of each deleted target; for actions: what the engine reported). */
  reclaimedBytes: number;
  /** Items removed. */
  items: number;
  failures: ReclaimFailure[];
  cancelled: boolean;
  /** The message shown at the end. */
  summary?: string;
  /** The executor's report(s), for plan flows (a trash fallback adds a second one). */
  reports?: ExecutorReport[];
}

/** An engine-side removal (Docker prune/remove): what it frees and how to run it. */
export interface ReclaimAction {
  /** "Prune build cache", "Remove 2 images". */
  title: string;
  /** Bytes expected to be freed, shown in the confirmation. */
  bytes: number;
  /** The consequence in one or two sentences, e.g. "All build cache records will be removed from the Docker engine." */
  confirmText: string;
  /** Button label (default "Remove"). */
  confirmLabel?: string;
  /** More lines for the dialog (what is removed). */
  detail?: string[];
  /** Extra warnings, e.g. the data-loss warning of volumes. */
  warnings?: string[];
  /** Asks a second, explicit confirmation with this text. */
  needsSecondConfirmation?: string;
  run(signal: AbortSignal, progress: (message: string) => void): Promise<{ reclaimedBytes: number; items?: number; failures: ReclaimFailure[]; notes?: string[] }>;
  /** After running: rescan these categories only (they must share no files with others, like docker), or everything (default), or nothing (false). */
  rescan?: { categories: string[] } | false;
}

export interface ReclaimerDeps {
  prompts: Prompts;
  log: Log;
  config(): HostConfig;
  scans: ScanService;
  /** Never deleted nor anything containing them: workspace folders, HOME, extra roots. */
  protectedPaths(): string[];
}

const MAX_LISTED = 12;

export class Reclaimer {
  private busy = false;

  constructor(private readonly deps: ReclaimerDeps) {}

  /** Confirms, executes (re-validating every target), reports and rescans. */
  async executePlan(plan: DeletionPlan): Promise<ReclaimResult> {
    const none: ReclaimResult = { confirmed: false, reclaimedBytes: 0, items: 0, failures: [], cancelled: false };
    // The bytes asked about are what deleting frees: hard links outside the plan count for nothing.
    if (plan.targets.length && !this.busy) plan = await withFreedBytes(plan).catch(() => plan);
    if (!plan.targets.length) {
      void this.deps.prompts.notifier.info(vscode.l10n.t('{0}: nothing to delete.', plan.title));
      return none;
    }
    if (this.busy) {
      void this.deps.prompts.notifier.warn(vscode.l10n.t('A deletion is already running; wait for it to finish.'));
      return none;
    }
    const config = this.deps.config();
    const ageMinutes = (Date.now() - plan.scannedAt) / 60_000;
    if (ageMinutes > config.planMaxAgeMinutes) {
      // The executor would refuse it too; say why before asking anything.
      this.deps.log.info(`${plan.title}: refused, the scan is ${Math.round(ageMinutes)} min old (mlDiskSpace.planMaxAgeMinutes = ${config.planMaxAgeMinutes})`);
      void this.deps.prompts.notifier
        .warn(vscode.l10n.t('The sizes shown are from a scan {0} min ago, older than mlDiskSpace.planMaxAgeMinutes ({1}). Scan again, then delete.', Math.round(ageMinutes), config.planMaxAgeMinutes), vscode.l10n.t('Scan Now'))
        .then((c) => {
          if (c) void this.deps.scans.scan({ reason: REFRESH.beforeDeleting, notify: true }).catch(() => undefined);
        });
      return none;
    }
    const mode = config.deleteMode;
    const confirmed = await this.deps.prompts.confirmer.confirm({
      kind: 'delete',
      message: `${plan.title}: ${mode === 'trash' ? 'move' : 'delete'} ${formatCount(plan.targets.length, 'item')}, ${formatBytes(plan.bytes)}?`,
      detail: planDetail(plan, mode),
      confirmLabel: mode === 'trash' ? vscode.l10n.t('Move to Trash') : vscode.l10n.t('Delete Permanently'),
      bytes: plan.bytes,
    });
    if (!confirmed) {
      this.deps.log.info(`${plan.title}: not confirmed; nothing was deleted`);
      return none;
    }
    if (plan.needsSecondConfirmation && !(await this.secondConfirmation(plan.needsSecondConfirmation, plan.bytes))) {
      this.deps.log.info(`${plan.title}: second confirmation declined; nothing was deleted`);
      return none;
    }

    this.busy = true;
    try {
      this.deps.log.info(`${plan.title}: confirmed (${mode}); ${plan.targets.length} targets, ${plan.bytes} bytes planned`);
      const reports = [await this.runPlan(plan, mode)];
      const refusedByTrash = reports[0].outcomes.filter((o) => o.code === 'trash-unavailable');
      if (refusedByTrash.length) {
        const fallback = await this.askTrashFallback(plan, refusedByTrash);
        if (fallback) reports.push(await this.runPlan(fallback, 'permanent'));
      }
      const manifests = await finishHfManifestEdits(plan);
      for (const problem of manifests.problems) this.deps.log.warn(problem);
      const result = this.summarize(plan.title, reports);
      await this.rescanAfter(reports.some((r) => r.touchedRoots.length > 0), undefined);
      return result;
    } finally {
      this.busy = false;
    }
  }

  /** Confirms and runs an engine-side removal, then reports and rescans. */
  async runAction(action: ReclaimAction): Promise<ReclaimResult> {
    const none: ReclaimResult = { confirmed: false, reclaimedBytes: 0, items: 0, failures: [], cancelled: false };
    if (this.busy) {
      void this.deps.prompts.notifier.warn(vscode.l10n.t('A deletion is already running; wait for it to finish.'));
      return none;
    }
    const confirmLabel = action.confirmLabel ?? vscode.l10n.t('Remove');
    const detail = [
      action.confirmText,
      vscode.l10n.t('Expected to free {0} ({1} bytes).', formatBytes(action.bytes), action.bytes.toLocaleString('en-US')),
      ...(action.warnings ?? []).map((w) => vscode.l10n.t('Warning: {0}', w)),
      ...(action.detail?.length ? ['', ...listLines(action.detail)] : []),
    ].join('\n');
    const confirmed = await this.deps.prompts.confirmer.confirm({ kind: 'delete', message: `${action.title}: ${formatBytes(action.bytes)}?`, detail, confirmLabel, bytes: action.bytes });
    if (!confirmed) {
      this.deps.log.info(`${action.title}: not confirmed; nothing was removed`);
      return none;
    }
    if (action.needsSecondConfirmation && !(await this.secondConfirmation(action.needsSecondConfirmation, action.bytes))) return none;

    this.busy = true;
    try {
      this.deps.log.info(`${action.title}: confirmed; expected ${action.bytes} bytes`);
      let outcome: Awaited<ReturnType<ReclaimAction['run']>>;
      let cancelled = false;
      try {
        outcome = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: displayText(vscode.l10n.t('ML Disk Space: {0}', action.title)), cancellable: true },
          async (progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            const r = await action.run(controller.signal, (message) => progress.report({ message }));
            cancelled = controller.signal.aborted;
            return r;
          },
        );
      } catch (err) {
        outcome = { reclaimedBytes: 0, failures: [{ label: action.title, message: errorText(err) }] };
      }
      const items = outcome.items ?? 0;
      let summary = vscode.l10n.t('Reclaimed {0}{1}', formatBytes(outcome.reclaimedBytes), outcome.items !== undefined ? ` (${formatCount(items, 'item')})` : '');
      if (cancelled) summary = vscode.l10n.t('Cancelled. {0} before stopping', summary);
      for (const note of outcome.notes ?? []) summary += `. ${note}`;
      const result: ReclaimResult = { confirmed: true, reclaimedBytes: outcome.reclaimedBytes, items, failures: outcome.failures, cancelled, summary };
      this.report(action.title, result);
      if (action.rescan !== false) await this.rescanAfter(true, action.rescan?.categories);
      return result;
    } finally {
      this.busy = false;
    }
  }

  private async secondConfirmation(text: string, bytes: number): Promise<boolean> {
    return this.deps.prompts.confirmer.confirm({
      kind: 'second',
      message: text,
      detail: vscode.l10n.t('Go ahead anyway? This is asked because the items may still be in use.'),
      confirmLabel: vscode.l10n.t('Delete Anyway'),
      bytes,
    });
  }

  private runPlan(plan: DeletionPlan, mode: DeleteMode): Thenable<ExecutorReport> {
    const config = this.deps.config();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: displayText(vscode.l10n.t('ML Disk Space: {0}', plan.title)), cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let lastDone = 0;
        return executePlan(plan, {
          mode,
          signal: controller.signal,
          planMaxAgeMinutes: config.planMaxAgeMinutes,
          protectedPaths: this.deps.protectedPaths(),
          trash: mode === 'trash' ? moveToTrash : undefined,
          onProgress: (done, total, current) => {
            const increment = total ? ((done - lastDone) / total) * 100 : 0;
            lastDone = done;
            progress.report({ message: `${Math.min(done + 1, total)}/${total}${current ? ` ${path.basename(current)}` : ''}`, increment });
          },
        });
      },
    );
  }

  private async askTrashFallback(plan: DeletionPlan, refused: ExecutorOutcome[]): Promise<DeletionPlan | undefined> {
    const paths = new Set(refused.map((o) => o.path));
    const targets = plan.targets.filter((t) => paths.has(t.path));
    const bytes = targets.reduce((s, t) => s + t.bytes, 0);
    const reason = refused[0].message ?? vscode.l10n.t('the trash is not available');
    this.deps.log.warn(`${plan.title}: the trash refused ${targets.length} items (${reason})`);
    const ok = await this.deps.prompts.confirmer.confirm({
      kind: 'trash-fallback',
      message: vscode.l10n.t('The trash is not available for {0} ({1}). Delete permanently instead?', formatCount(targets.length, 'item'), formatBytes(bytes)),
      detail: vscode.l10n.t('{0}\n\nThey will be permanently deleted — this cannot be undone. Nothing has been deleted yet.\n\n{1}', reason, listLines(targets.map((t) => `${t.label ?? path.basename(t.path)} — ${formatBytes(t.bytes)} — ${t.path}`)).join('\n')),
      confirmLabel: vscode.l10n.t('Delete Permanently'),
      bytes,
    });
    if (!ok) return undefined;
    return { ...plan, title: `${plan.title} (permanently)`, targets, bytes };
  }

  private summarize(title: string, reports: ExecutorReport[]): ReclaimResult {
    // A target retried permanently after the trash refused it counts by its second outcome.
    const finalByPath = new Map<string, ExecutorOutcome>();
    for (const r of reports) for (const o of r.outcomes) finalByPath.set(o.path, o);
    const outcomes = [...finalByPath.values()];
    const deleted = outcomes.filter((o) => o.status === 'deleted');
    const trashed = deleted.filter((o) => o.code === 'trashed');
    const removed = deleted.filter((o) => o.code !== 'trashed');
    const failures: ReclaimFailure[] = outcomes
      .filter((o) => o.status !== 'deleted')
      .map((o) => ({ label: o.label ?? path.basename(o.path), path: o.path, code: o.code, message: o.message ?? o.status }));
    const bytes = (list: ExecutorOutcome[]) => list.reduce((s, o) => s + o.bytes, 0);
    const cancelled = reports.some((r) => r.cancelled);
    const parts: string[] = [];
    if (removed.length || !trashed.length) parts.push(vscode.l10n.t('Reclaimed {0} ({1})', formatBytes(bytes(removed)), formatCount(removed.length, 'item')));
    if (trashed.length) parts.push(vscode.l10n.t('moved {0} ({1}) to the trash; that space returns when the trash is emptied', formatBytes(bytes(trashed)), formatCount(trashed.length, 'item')));
    let summary = parts.join('; ');
    if (cancelled) summary = vscode.l10n.t('Cancelled. {0} before stopping', summary);
    const result: ReclaimResult = {
      confirmed: true,
      reclaimedBytes: bytes(deleted),
      items: deleted.length,
      failures,
      cancelled,
      summary,
      reports,
    };
    for (const o of outcomes) {
      this.deps.log.info(`  ${o.status}${o.code ? ` (${o.code})` : ''}: ${o.path} — ${formatBytes(o.bytes)}${o.message ? ` — ${o.message}` : ''}`);
      for (const e of o.entryErrors ?? []) this.deps.log.warn(`    ${e.code} ${e.path}`);
      if (o.entryErrorCount && o.entryErrorCount > (o.entryErrors?.length ?? 0)) this.deps.log.warn(`    … ${o.entryErrorCount - (o.entryErrors?.length ?? 0)} more entries`);
    }
    this.report(title, result);
    return result;
  }

  /** Logs the result and shows the summary (failures item by item, the first few in the message). */
  private report(title: string, result: ReclaimResult): void {
    const failures = result.failures;
    this.deps.log.info(`${title}: ${result.summary}${failures.length ? `; ${failures.length} not removed` : ''}`);
    for (const f of failures) this.deps.log.warn(`  not removed: ${f.label}${f.path ? ` (${f.path})` : ''}: ${f.code ? `${f.code}: ` : ''}${f.message}`);
    if (!failures.length) {
      void this.deps.prompts.notifier.info(`${result.summary}.`);
      return;
    }
    const shown = failures.slice(0, 3).map((f) => `${f.label}: ${f.message}`).join('; ');
    const more = failures.length > 3 ? vscode.l10n.t('; and {0} more', failures.length - 3) : '';
    void this.deps.prompts.notifier
      .warn(`${result.summary}. ${formatCount(failures.length, 'item')} not removed: ${shown}${more}.`, vscode.l10n.t('Show Log'))
      .then((choice) => {
        if (choice) this.deps.log.show();
      });
  }

  private async rescanAfter(touched: boolean, categories: string[] | undefined): Promise<void> {
    if (!touched) return;
    try {
      if (categories?.length) await this.deps.scans.rescanCategories(categories, REFRESH.afterEngineRemoval);
      else await this.deps.scans.scan({ reason: REFRESH.afterDeletion, restart: true });
    } catch (err) {
      this.deps.log.error('Rescan after deletion failed', err);
    }
  }
}

/** VS Code's trash (the OS trash where the file service has one); throws where there is none. */
async function moveToTrash(p: string): Promise<void> {
  await vscode.workspace.fs.delete(vscode.Uri.file(p), { recursive: true, useTrash: true });
}

function planDetail(plan: DeletionPlan, mode: DeleteMode): string {
  const lines = [
    mode === 'trash'
      ? vscode.l10n.t('They will be moved to the trash; the space returns only when the trash is emptied.')
      : vscode.l10n.t('They will be permanently deleted — this cannot be undone.'),
    vscode.l10n.t('Frees {0} ({1} bytes) of disk usage.', formatBytes(plan.bytes), plan.bytes.toLocaleString('en-US')),
  ];
  for (const w of plan.warnings ?? []) lines.push(vscode.l10n.t('Warning: {0}', w));
  for (const w of plan.scanWarnings ?? []) lines.push(vscode.l10n.t('Warning: {0}', scanWarningLine(w)));
  lines.push('', ...listLines(plan.targets.map((t) => `${t.label ?? path.basename(t.path)} — ${formatBytes(t.bytes)} — ${t.path}`)));
  if (plan.keep?.length) {
    lines.push('', vscode.l10n.t('Kept ({0}):', plan.keep.length), ...listLines(plan.keep.map((k) => `${path.basename(k.path)} — ${k.reason}`)));
  }
  return lines.join('\n');
}

function listLines(lines: string[], max = MAX_LISTED): string[] {
  const shown = lines.slice(0, max).map((l) => `• ${l}`);
  if (lines.length > max) shown.push(vscode.l10n.t('… and {0} more', lines.length - max));
  return shown;
}
