// Printing helpers shared by the CLI commands.
import { formatBytes } from '../core/format';
import type { DeletionPlan } from '../core/plan';
import type { ExecutorReport } from '../core/executor';

export const print = (text: string) => {
  // Two writes, not `text + '\n'`: a scan's JSON runs to megabytes, and the join would copy it.
  process.stdout.write(text);
  if (!text.endsWith('\n')) process.stdout.write('\n');
};
export const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

export function planText(plan: DeletionPlan): string {
  const lines = [`${plan.title}: ${formatBytes(plan.bytes)} in ${plan.targets.length} item(s)`];
  for (const t of plan.targets) lines.push(`  ${formatBytes(t.bytes).padStart(9)}  ${t.path}`);
  for (const k of plan.keep ?? []) lines.push(`     kept  ${k.path}  (${k.reason})`);
  for (const w of plan.warnings ?? []) lines.push(`  ! ${w}`);
  if (plan.needsSecondConfirmation) lines.push(`  ! ${plan.needsSecondConfirmation}`);
  return lines.join('\n');
}

export function planJson(plan: DeletionPlan, includeActive = false) {
  return {
    title: plan.title,
    delete: plan.targets.map((t) => ({ path: t.path, bytes: t.bytes })),
    keep: plan.keep ?? [],
    bytes: plan.bytes,
    warnings: plan.warnings ?? [],
    // Runs in progress: the plan touches one only with --include-active, and says so here.
    includeActive,
    inProgress: plan.needsSecondConfirmation ?? null,
  };
}

/** Why `--yes` alone does not delete from a run in progress (the editor asks a second time; the CLI wants the flag). */
export function activeRunRefusal(plan: DeletionPlan): string {
  return `${plan.needsSecondConfirmation} Nothing was deleted: add --include-active to go ahead.`;
}

export function reportText(report: ExecutorReport): string {
  const deleted = report.outcomes.filter((o) => o.status === 'deleted');
  const lines = [`Reclaimed ${formatBytes(report.bytesFreed)} (${deleted.length} item${deleted.length === 1 ? '' : 's'})${report.cancelled ? ', cancelled before the end' : ''}`];
  for (const o of report.outcomes) {
    if (o.status !== 'deleted') lines.push(`  ${o.status} ${o.path}: ${o.code ?? ''} ${o.message ?? ''}`.trimEnd());
  }
  return lines.join('\n');
}

export const NOT_DELETED = 'Nothing was deleted. Run again with --yes to delete these permanently.';
