// Printing helpers shared by the CLI commands.
import { displayLines, displayText } from '../core/displayText';
import { formatBytes } from '../core/format';
import type { DeletionPlan } from '../core/plan/types';
import { groupTargets } from '../core/plan/targetGroups';
import { scanWarningLine } from '../core/plan/scanWarnings';
import type { ExecutorReport } from '../core/executor';
import { t } from '../core/l10n';

// Output that cannot be written (stdout on a full disk: ENOSPC; a closed pipe: EPIPE; EIO) must
// never stop or come before a deletion the user confirmed: the first failure is remembered,
// later output is dropped, the command carries on, and main() ends with one line on stderr.
let outputError: NodeJS.ErrnoException | undefined;
const rememberOutputError = (err: unknown) => { outputError ??= err as NodeJS.ErrnoException; };

/** Makes stdout failures non-fatal (call once, before any output); stderr failures are ignored. */
export function guardOutput(): void {
  process.stdout.on('error', rememberOutputError);
  process.stderr.on('error', () => undefined);
}

/** The first stdout write failure, if any. */
export function outputFailure(): NodeJS.ErrnoException | undefined {
  return outputError;
}

/** Resolves when everything written to stdout so far is flushed or has failed. */
export function flushOutput(): Promise<void> {
  return new Promise((resolve) => {
    if (outputError || process.stdout.destroyed) return resolve();
    try {
      process.stdout.write('', (err) => { if (err) rememberOutputError(err); resolve(); });
    } catch (err) {
      rememberOutputError(err);
      resolve();
    }
  });
}

function writeOut(text: string): void {
  if (outputError) return;
  try {
    process.stdout.write(text, (err) => { if (err) rememberOutputError(err); });
  } catch (err) {
    rememberOutputError(err);
  }
}

/** One line on stderr, prefixed with the program's name; never throws. */
export function printError(text: string): void {
  try {
    process.stderr.write(`ml-disk-space: ${displayText(text)}\n`);
  } catch {
    // Nowhere left to say it.
  }
}

export const print = (text: string) => {
  // Two writes, not `text + '\n'`: a scan's JSON runs to megabytes, and the join would copy it.
  writeOut(text);
  if (!text.endsWith('\n')) writeOut('\n');
};
export const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

export function planText(plan: DeletionPlan): string {
  const lines = [t('{0}: {1} in {2} item(s)', plan.title, formatBytes(plan.bytes), plan.targets.length)];
  // A Hugging Face revision (snapshot, refs, blobs) is one line, as in the editor's confirmation;
  // every path is in --json and in the report after deleting.
  const { groups, ungrouped } = groupTargets(plan.targets);
  let root: string | undefined;
  for (const g of groups) {
    if (g.root !== root) lines.push(t('  in {0}:', g.root));
    root = g.root;
    lines.push(`  ${formatBytes(g.bytes).padStart(9)}  ${g.label}`);
  }
  for (const target of ungrouped) lines.push(`  ${formatBytes(target.bytes).padStart(9)}  ${target.path}`);
  for (const k of plan.keep ?? []) lines.push(t('     kept  {0}  ({1})', k.path, k.reason));
  for (const w of plan.warnings ?? []) lines.push(`  ! ${w}`);
  lines.push(...scanWarningLines(plan));
  if (plan.needsSecondConfirmation) lines.push(`  ! ${plan.needsSecondConfirmation}`);
  // Each line escaped on its own: a name holding a newline or ESC cannot forge another line.
  return displayLines(lines);
}

export function planJson(plan: DeletionPlan, includeActive = false) {
  return {
    title: plan.title,
    delete: plan.targets.map((t) => ({ path: t.path, bytes: t.bytes })),
    keep: plan.keep ?? [],
    bytes: plan.bytes,
    warnings: plan.warnings ?? [],
    scanWarnings: plan.scanWarnings ?? [],
    // Runs in progress: the plan touches one only with --include-active, and says so here.
    includeActive,
    inProgress: plan.needsSecondConfirmation ?? null,
  };
}

/** The scan warnings that touch a plan's targets, one `  ! ` line each (text output). */
export function scanWarningLines(plan: DeletionPlan): string[] {
  return (plan.scanWarnings ?? []).map((w) => `  ! ${scanWarningLine(w)}`);
}

/** Why `--yes` alone does not delete from a run in progress (the editor asks a second time; the CLI wants the flag). */
export function activeRunRefusal(plan: DeletionPlan): string {
  return displayText(t('{0} Nothing was deleted: add --include-active to go ahead.', plan.needsSecondConfirmation));
}

export function reportText(report: ExecutorReport): string {
  const deleted = report.outcomes.filter((o) => o.status === 'deleted');
  const lines = [(deleted.length === 1 ? t('Reclaimed {0} ({1} item){2}', formatBytes(report.bytesFreed), deleted.length, report.cancelled ? t(', cancelled before the end') : '') : t('Reclaimed {0} ({1} items){2}', formatBytes(report.bytesFreed), deleted.length, report.cancelled ? t(', cancelled before the end') : ''))];
  for (const o of report.outcomes) {
    if (o.status !== 'deleted') lines.push(`  ${o.status} ${o.path}: ${o.code ?? ''} ${o.message ?? ''}`.trimEnd());
  }
  return displayLines(lines);
}

export const NOT_DELETED = 'Nothing was deleted. Run again with --yes to delete these permanently.';
export const notDeleted = (): string => t(NOT_DELETED);
