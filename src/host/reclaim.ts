// The one destructive flow every reclaiming command goes through:
//   one modal confirmation naming the consequence and the exact bytes
//   -> a second explicit confirmation when the plan asks for it
//   -> progress with Cancel while the executor (or a Docker action) runs
//   -> "Deleted checkpoint-600 from run2: 79.6 MB freed — /data now 79.3 GB free" (Show Log, Reveal)
//      plus every failure, item by item (also in the log)
//   -> a rescan, so the tree and the next plan see the disk as it is now.
// Filesystem deletions take a DeletionPlan (src/core/plan/types.ts) and run src/core/executor.ts, which
// re-validates each target; engine-side removals (Docker) pass a ReclaimAction.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { mountOf } from '../core/headroom/mountOf';
import { findItem, type ScanModel } from '../core/model';
import { volumeOf } from '../core/volume';
import { deletionSummary, type DeletedThing } from './deletionSummary';
import { withFreedBytes } from '../core/plan/freedBytes';
import { executePlan, type ExecutorOutcome, type ExecutorReport } from '../core/executor';
import { formatBytes, formatCount } from '../core/format';
import type { DeleteMode, DeletionPlan } from '../core/plan/types';
import { finishHfManifestEdits } from '../core/categories/huggingface/manifestEdits';
import type { HostConfig } from './configRead';
import { scanWarningLine } from '../core/plan/scanWarnings';
import { groupTargets, type TargetGroup } from '../core/plan/targetGroups';
import { errorText, type Log } from './log';
import type { Prompts } from './prompts';
import type { ScanService } from './scanService';
import { REFRESH } from './refreshTriggers';
import { withCancellableProgress } from './cancellableProgress';

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
  /** The folder that held what was deleted (the summary's "Reveal"). */
  revealPath?: string;
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
    // The dialog names items under their folders; the log keeps every full path.
    this.deps.log.info(`${plan.title}: asking to ${mode === 'trash' ? 'move to the trash' : 'delete'} ${plan.targets.length} targets, ${plan.bytes} bytes`);
    for (const t of plan.targets) this.deps.log.info(`  planned: ${t.path} — ${formatBytes(t.bytes)}`);
    const confirmed = await this.deps.prompts.confirmer.confirm({
      kind: 'delete',
      // One sentence: what, and what it frees; the detail lists each item once.
      // A title that already states the bytes ("… (528 kB)") is not followed by them again.
      message: plan.title.includes(formatBytes(plan.bytes))
        ? `${plan.title}?`
        : mode === 'trash'
          ? vscode.l10n.t('{0} (to the trash, {1})?', plan.title, formatBytes(plan.bytes))
          : vscode.l10n.t('{0} and free {1}?', plan.title, formatBytes(plan.bytes)),
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
      const result = await this.summarize(plan, reports);
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
    const confirmed = await this.deps.prompts.confirmer.confirm({
      kind: 'delete', message: vscode.l10n.t('{0} and free {1}?', action.title, formatBytes(action.bytes)), detail, confirmLabel, bytes: action.bytes,
    });
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
        outcome = await withCancellableProgress(vscode.l10n.t('ML Disk Space: {0}', action.title), async (signal, report) => {
          const r = await action.run(signal, (message) => report(message));
          cancelled = signal.aborted;
          return r;
        });
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
    return withCancellableProgress(vscode.l10n.t('ML Disk Space: {0}', plan.title), (signal, report) => {
        let lastDone = 0;
        return executePlan(plan, {
          mode,
          signal,
          planMaxAgeMinutes: config.planMaxAgeMinutes,
          protectedPaths: this.deps.protectedPaths(),
          trash: mode === 'trash' ? moveToTrash : undefined,
          onProgress: (done, total, current) => {
            const increment = total ? ((done - lastDone) / total) * 100 : 0;
            lastDone = done;
            report(`${Math.min(done + 1, total)}/${total}${current ? ` ${path.basename(current)}` : ''}`, increment);
          },
        });
      });
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

  private async summarize(plan: DeletionPlan, reports: ExecutorReport[]): Promise<ReclaimResult> {
    const title = plan.title;
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
    const names = namesOf(plan, this.deps.scans.model);
    const summary = deletionSummary({
      deleted: removed.map((o) => names(o)),
      deletedBytes: bytes(removed),
      trashed: trashed.map((o) => names(o)),
      trashedBytes: bytes(trashed),
      cancelled,
      volume: await volumeAfter(deleted[0]?.path ?? plan.targets[0]?.path),
    });
    const result: ReclaimResult = {
      confirmed: true,
      reclaimedBytes: bytes(deleted),
      items: deleted.length,
      failures,
      cancelled,
      summary,
      reports,
      revealPath: deleted.length ? path.dirname(deleted[0].path) : undefined,
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
    const showLog = vscode.l10n.t('Show Log');
    const reveal = vscode.l10n.t('Reveal');
    const act = (choice: string | undefined) => {
      if (choice === showLog) this.deps.log.show();
      if (choice === reveal && result.revealPath) void revealFolder(result.revealPath);
    };
    if (!failures.length) {
      void this.deps.prompts.notifier.info(`${result.summary}.`, ...(result.revealPath ? [showLog, reveal] : [showLog])).then(act);
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

/** Short names for the summary: each target's row label and the row it was under in the scan. */
function namesOf(plan: DeletionPlan, model: ScanModel | undefined): (o: ExecutorOutcome) => DeletedThing {
  const byPath = new Map(plan.targets.map((t) => [t.path, t]));
  return (o) => {
    const target = byPath.get(o.path);
    const found = target?.itemId && model ? findItem(model, target.itemId) : undefined;
    const parent = found?.parents[found.parents.length - 1]?.label;
    return { name: found?.item.label ?? o.label ?? target?.label ?? path.basename(o.path), parent };
  };
}

/** The mount point and the bytes available now on the volume that held `p` (its nearest existing parent). */
async function volumeAfter(p: string | undefined): Promise<{ mountPoint: string; availableBytes: number } | undefined> {
  if (!p) return undefined;
  let dir = path.dirname(p);
  try {
    while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const [volume, mount] = await Promise.all([volumeOf(dir), mountOf(dir)]);
    return { mountPoint: mount?.mountPoint ?? dir, availableBytes: volume.availableBytes };
  } catch {
    return undefined;
  }
}

/** In the Explorer when the folder is in the workspace, else in the OS file manager. */
async function revealFolder(dir: string): Promise<void> {
  const uri = vscode.Uri.file(dir);
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
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
    vscode.l10n.t('Exactly {0} bytes of disk usage.', plan.bytes.toLocaleString('en-US')),
  ];
  for (const w of plan.warnings ?? []) lines.push(vscode.l10n.t('Warning: {0}', w));
  for (const w of plan.scanWarnings ?? []) lines.push(vscode.l10n.t('Warning: {0}', scanWarningLine(w)));
  // Grouped targets (a Hugging Face revision and its blobs) read as one line each, before the rest.
  const { groups, ungrouped } = groupTargets(plan.targets);
  lines.push(...groupLines(groups), ...targetsByFolder(ungrouped));
  if (plan.keep?.length) {
    lines.push('', vscode.l10n.t('Kept ({0}):', plan.keep.length), ...listLines(plan.keep.map((k) => `${path.basename(k.path)} — ${k.reason}`)));
  }
  return lines.join('\n');
}

/** "In <cache root>:" then "• Llama-3.1-8B @ cc00653f, detached, downloaded 21 days ago — 113 MB"; at most MAX_LISTED lines. */
function groupLines(groups: TargetGroup[]): string[] {
  const lines: string[] = [];
  let root: string | undefined;
  for (const g of groups.slice(0, MAX_LISTED)) {
    if (g.root !== root) lines.push('', vscode.l10n.t('In {0}:', g.root));
    root = g.root;
    lines.push(`• ${g.label} — ${formatBytes(g.bytes)}`);
  }
  if (groups.length > MAX_LISTED) lines.push(vscode.l10n.t('… and {0} more', groups.length - MAX_LISTED));
  return lines;
}

/**
 * Each target once, by short name and size, under the folder it is in ("In /ws/runs/run2:"), so a
 * path is never repeated per item; at most MAX_LISTED items, then a count.
 */
function targetsByFolder(targets: DeletionPlan['targets']): string[] {
  const folders = new Map<string, string[]>();
  for (const t of targets.slice(0, MAX_LISTED)) {
    const dir = path.dirname(t.path);
    const name = path.basename(t.path);
    // The folder line says where: a label that is only a path ending in the name shows the name.
    const label = !t.label || t.label === name || t.label.endsWith(`/${name}`) ? name : t.label.includes(name) ? t.label : `${t.label} (${name})`;
    folders.set(dir, [...(folders.get(dir) ?? []), `• ${label} — ${formatBytes(t.bytes)}`]);
  }
  const lines: string[] = [];
  for (const [dir, items] of folders) lines.push('', vscode.l10n.t('In {0}:', dir), ...items);
  if (targets.length > MAX_LISTED) lines.push(vscode.l10n.t('… and {0} more (every path is in the log)', targets.length - MAX_LISTED));
  return lines;
}

function listLines(lines: string[], max = MAX_LISTED): string[] {
  const shown = lines.slice(0, max).map((l) => `• ${l}`);
  if (lines.length > max) shown.push(vscode.l10n.t('… and {0} more', lines.length - max));
  return shown;
}
