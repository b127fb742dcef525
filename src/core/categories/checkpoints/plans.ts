// Checkpoint plans: delete chosen checkpoints, apply the retention rule, slim kept checkpoints.
// A plan only lists what the scan found, with the identity the scan saw (the executor re-checks
// it), the exact bytes, what is kept and why, and a second confirmation for runs in progress.
import * as path from 'path';
import { formatAge, formatBytes, formatCount } from '../../format';
import { planBytes, type DeletionPlan, type DeletionTarget } from '../../plan/types';
import type { PlanScanWarning } from '../../plan/scanWarnings';
import { decideRetention, describeMetric, retentionRuleText, type CheckpointDecision, type RetentionOptions } from './retention';
import type { Checkpoint, LooseWeight, Run, ScannedEntry, SlimPart } from './types';
import { t } from '../../l10n';

export const checkpointItemId = (p: string) => `checkpoints:checkpoint:${p}`;
export const runItemId = (p: string) => `checkpoints:run:${p}`;
export const looseItemId = (p: string) => `checkpoints:weight:${p}`;

function target(entry: ScannedEntry | (SlimPart & { root: string }), label: string, itemId?: string): DeletionTarget {
  return { path: entry.path, root: entry.root, dev: entry.dev, ino: entry.ino, type: entry.type, bytes: entry.bytes, label, ...(itemId ? { itemId } : {}) };
}

const checkpointLabel = (run: Run | undefined, c: Checkpoint) => (run ? `${run.label}/${c.name}` : c.path);

function secondConfirmation(runs: Run[], now: number, what: string): string | undefined {
  if (!runs.length) return undefined;
  const list = runs.map((r) => t('{0} (changed {1})', r.label, formatAge(r.activityMs, now))).join(', ');
  return t('{0} in progress and may still be training: {1}. {2}', runs.length === 1 ? t('This run is') : t('These runs are'), list, what);
}

function runOf(runs: Run[], c: Checkpoint): Run | undefined {
  return runs.find((r) => r.path === c.runPath && r.checkpoints.includes(c)) ?? runs.find((r) => r.path === c.runPath);
}

// ---- delete -----------------------------------------------------------------------------------

/**
 * Deletes the chosen checkpoints (and `last.ckpt` links naming a deleted one, which would dangle).
 * Deleting the best or newest checkpoint is allowed but said; a run in progress needs a second confirmation.
 */
export function planDeleteCheckpoints(selected: Checkpoint[], runs: Run[], scannedAt: number, now = Date.now()): DeletionPlan {
  const chosen = new Set(selected);
  const warnings: string[] = [];
  const busy = new Set<Run>();
  const targets: DeletionTarget[] = [];
  const add = (c: Checkpoint) => {
    const run = runOf(runs, c);
    if (run?.inProgress) busy.add(run);
    targets.push(target(c, checkpointLabel(run, c), checkpointItemId(c.path)));
  };
  for (const c of selected) {
    const run = runOf(runs, c);
    add(c);
    if (c.best && c.type !== 'symlink') warnings.push(t('{0} is the best checkpoint of its run{1}.', checkpointLabel(run, c), describeMetric(c) ? ` (${describeMetric(c)})` : ''));
    if (c.last && c.type !== 'symlink') warnings.push(t('{0} is the newest checkpoint of its run: training can no longer resume from it.', checkpointLabel(run, c)));
    for (const linkPath of c.linkedFrom ?? []) {
      const link = run?.checkpoints.find((x) => x.path === linkPath);
      if (link && !chosen.has(link)) {
        chosen.add(link);
        add(link);
      }
    }
  }
  const bytes = planBytes(targets);
  return {
    title: t('Delete {0} ({1})', formatCount(targets.filter((t) => t.type !== 'symlink').length, 'checkpoint'), formatBytes(bytes)),
    scannedAt, targets, bytes, warnings,
    needsSecondConfirmation: secondConfirmation([...busy], now, t('Deleting a checkpoint it is writing or about to read can crash it.')),
  };
}

export function planDeleteLooseWeights(files: LooseWeight[], scannedAt: number): DeletionPlan {
  const targets = files.map((f) => target(f, f.path, looseItemId(f.path)));
  const bytes = planBytes(targets);
  return { title: t('Delete {0} ({1})', formatCount(files.length, 'weight file'), formatBytes(bytes)), scannedAt, targets, bytes };
}

// ---- retention --------------------------------------------------------------------------------

export interface RunDecisions {
  run: Run;
  decisions: CheckpointDecision[];
}

export interface RetentionPlan extends DeletionPlan {
  runs: RunDecisions[];
}

/** Keep best k + last in each run (runs in progress propose nothing unless `includeInProgress`). */
export function planRetentionForRuns(runs: Run[], options: RetentionOptions & { scannedAt: number }): RetentionPlan {
  const now = options.now ?? Date.now();
  const k = Math.max(0, Math.floor(options.keepBest));
  const perRun = runs.map((run) => ({ run, decisions: decideRetention(run, { ...options, now }) }));
  const targets: DeletionTarget[] = [];
  const keep: { path: string; reason: string }[] = [];
  const busy: Run[] = [];
  const warnings: string[] = [];
  for (const { run, decisions } of perRun) {
    const doomed = decisions.filter((d) => !d.keep);
    if (doomed.length && run.inProgress) busy.push(run);
    for (const d of decisions) {
      if (d.keep) keep.push({ path: d.checkpoint.path, reason: d.reasons.join('; ') });
      else targets.push(target(d.checkpoint, checkpointLabel(run, d.checkpoint), checkpointItemId(d.checkpoint.path)));
    }
    if (doomed.length && run.problems.length) warnings.push(`${run.label}: ${run.problems.join('; ')}`);
    if (doomed.length && !run.metricName && runs.some((r) => r.metricName)) warnings.push(`${run.label}: ${retentionRuleText(run, k)}.`);
  }
  const bytes = planBytes(targets);
  const scope = runs.length === 1 ? runs[0].label : formatCount(runs.length, 'run');
  // Never "best" where no metric ranks the checkpoints: then it is the newest k + 1.
  const rule = runs.some((r) => r.metricName) ? t('keep best {0} + last', k) : retentionRuleText({ metricName: null }, k);
  return {
    title: t('Apply retention ({0}) to {1}: delete {2} ({3})', rule, scope, formatCount(targets.length, 'checkpoint'), formatBytes(bytes)),
    scannedAt: options.scannedAt, targets, bytes, keep, warnings, runs: perRun,
    needsSecondConfirmation: secondConfirmation(busy, now, t('Checkpoints would be deleted from it while it may be writing new ones.')),
  };
}

export interface RetentionJson {
  title: string;
  delete: { path: string; bytes: number }[];
  keep: { path: string; reason: string }[];
  bytes: number;
  warnings: string[];
  /** Runs in progress were included (--include-active). */
  includeActive: boolean;
  /** What the plan does to runs in progress (null when it touches none). */
  inProgress: string | null;
  /** Scan warnings inside (or above) a checkpoint to delete: its bytes are a lower bound. */
  scanWarnings: PlanScanWarning[];
}

/** The CLI's `plan retention --json` shape. */
export function retentionJson(plan: DeletionPlan, includeActive = false): RetentionJson {
  return {
    title: plan.title,
    delete: plan.targets.map((t) => ({ path: t.path, bytes: t.bytes })),
    keep: (plan.keep ?? []).map((k) => ({ path: k.path, reason: k.reason })),
    bytes: plan.bytes,
    warnings: plan.warnings ?? [],
    includeActive,
    inProgress: plan.needsSecondConfirmation ?? null,
    scanWarnings: plan.scanWarnings ?? [],
  };
}

// ---- slim -------------------------------------------------------------------------------------

export const SLIM_RESUME_WARNING =
  'Training resumed from a slimmed checkpoint starts silently with a fresh optimizer and learning-rate schedule ' +
  '(no error, no warning): the loss curve and the learning rate will not continue where they were.';

/** Why a checkpoint cannot be slimmed, or undefined when it can. */
export function slimRefusal(c: Checkpoint): string | undefined {
  if (c.type === 'symlink') return t('a link');
  if (c.format === 'lightning') return t('a Lightning .ckpt holds weights and optimizer state in one file; slimming it would mean rewriting the file, which this tool never does');
  if (c.incomplete) return t('it is incomplete ({0})', c.incomplete);
  if (!c.hasWeights) return c.deepspeed
    ? t('its weights exist only in DeepSpeed shards (zero_to_fp32.py needs the optimizer states)')
    : t('no weights that load without the training state were found');
  if (!c.slimParts.length) return t('no optimizer, scheduler, RNG or DeepSpeed state left');
  return undefined;
}

/**
 * Removes optimizer / scheduler / scaler / RNG state and DeepSpeed global_step* folders from the chosen
 * checkpoints; their weights and configs stay loadable. Slimming the newest checkpoint is
 * allowed but said (training can no longer resume from it).
 */
export function planSlim(selected: Checkpoint[], runs: Run[], scannedAt: number, now = Date.now()): DeletionPlan {
  const targets: DeletionTarget[] = [];
  const keep: { path: string; reason: string }[] = [];
  const warnings: string[] = [];
  const busy = new Set<Run>();
  let slimmed = 0;
  for (const c of selected) {
    const run = runOf(runs, c);
    const label = checkpointLabel(run, c);
    const refusal = slimRefusal(c);
    if (refusal) {
      warnings.push(t('{0} is not slimmed: {1}.', label, refusal));
      continue;
    }
    slimmed++;
    if (run?.inProgress) busy.add(run);
    if (c.last) warnings.push(t('{0} is the newest checkpoint: training can no longer resume from it as it was.', label));
    for (const p of c.slimParts) targets.push(target({ ...p, root: c.root }, `${label}/${path.basename(p.path)}`));
    keep.push({ path: c.path, reason: t('weights and config stay loadable') });
  }
  // HF Trainer resumes from a slimmed checkpoint without a word, with a new optimizer and lr schedule.
  if (slimmed) warnings.push(t(SLIM_RESUME_WARNING));
  const bytes = planBytes(targets);
  return {
    title: t('Slim {0}: remove optimizer and training state ({1})', formatCount(slimmed, 'checkpoint'), formatBytes(bytes)),
    scannedAt, targets, bytes, keep, warnings,
    needsSecondConfirmation: secondConfirmation([...busy], now, t('Its training state may be in use.')),
  };
}

/**
 * Slims every checkpoint kept for its weights: the ones the retention rule keeps, except the
 * newest (kept whole so training can resume). Runs in progress are left alone unless included.
 */
export function planSlimRuns(runs: Run[], options: RetentionOptions & { scannedAt: number }): DeletionPlan {
  const chosen: Checkpoint[] = [];
  for (const run of runs) {
    if (run.inProgress && !options.includeInProgress) continue;
    for (const d of decideRetention(run, options)) {
      const c = d.checkpoint;
      if (d.keep && !c.last && !c.lastByName && !c.linkedFrom?.length && !slimRefusal(c)) chosen.push(c);
    }
  }
  const plan = planSlim(chosen, runs, options.scannedAt, options.now);
  plan.title = t('Slim kept checkpoints of {0}: remove optimizer and training state ({1})', runs.length === 1 ? runs[0].label : formatCount(runs.length, 'run'), formatBytes(plan.bytes));
  return plan;
}
