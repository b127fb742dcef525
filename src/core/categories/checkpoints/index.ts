// The checkpoint feature's public surface for the host (commands, tree, status bar) and the CLI.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Category, ScanModel, ScanWarning } from '../../model';
import { formatBytes, formatCount } from '../../format';
import { withFreedBytes } from '../../plan/freedBytes';
import { planBytes, type DeletionPlan } from '../../plan/types';
import { withScanWarnings } from '../../plan/scanWarnings';
import { defaultSettings, type ScanSettings } from '../../settings';
import { Walker, type WalkerOptions } from '../../walker/walker';
import type { WalkProgress } from '../../walker/types';
import { CHECKPOINTS_CATEGORY_ID, discoverCheckpoints } from './discover';
import { runsFromCategory } from './items';
import {
  checkpointItemId, looseItemId, planDeleteCheckpoints, planDeleteLooseWeights, planRetentionForRuns, planSlim, planSlimRuns,
  retentionJson, runItemId, type RetentionJson, type RetentionPlan,
} from './plans';
import type { Checkpoint, CheckpointScan, Forecast, Run } from './types';
import { t } from '../../l10n';

export { CHECKPOINTS_CATEGORY_ID, discoverCheckpoints, type DiscoverOptions } from './discover';
export { checkpointCategory, runsFromCategory, LOOSE_GROUP_ITEM_ID } from './items';
export {
  checkpointItemId, looseItemId, runItemId, planDeleteCheckpoints, planDeleteLooseWeights, planRetentionForRuns, planSlim, planSlimRuns,
  retentionJson, slimRefusal, type RetentionJson, type RetentionPlan, type RunDecisions,
} from './plans';
export { decideRetention, BADGE_BEST, BADGE_IN_PROGRESS, BADGE_LAST, BADGE_DELETE, BADGE_INCOMPLETE, retentionRuleText, type CheckpointDecision, type RetentionOptions } from './retention';
export { forecastRun } from './forecast';
export { readTrainerState, parseTrainerState, MAX_TRAINER_STATE_BYTES } from './trainerState';
export { parseLightningName, metricDirection, DEFAULT_GREATER_IS_BETTER } from './names';
export type * from './types';

/**
 * Settings the checkpoint feature reads beyond ScanSettings, when the host provides them
 * (`mlDiskSpace.checkpointMetricsGreaterIsBetter`).
 */
export interface CheckpointSettings extends ScanSettings {
  greaterIsBetter?: string[];
}

export interface PathsOptions {
  settings?: Partial<CheckpointSettings>;
  env?: Record<string, string | undefined>;
  homeDir?: string;
  now?: number;
  signal?: AbortSignal;
  walker?: WalkerOptions;
  includeInProgress?: boolean;
  onProgress?(message: string, walk?: WalkProgress): void;
}

export interface PathsScan {
  scan: CheckpointScan;
  warnings: ScanWarning[];
  /** When the scan finished: the plans' `scannedAt`. */
  scannedAt: number;
}

/** Discovers checkpoints under the given folders with a walker of its own (CLI, tests). */
export async function scanCheckpointPaths(paths: string[], options: PathsOptions = {}): Promise<PathsScan> {
  const roots = paths.map((p) => path.resolve(p));
  for (const root of roots) {
    let st: fs.Stats;
    try {
      st = fs.statSync(root);
    } catch {
      throw new Error(`no such folder: ${root}`);
    }
    if (!st.isDirectory()) throw new Error(`not a folder: ${root} (give the run folder or a folder above runs)`);
  }
  const settings: CheckpointSettings = { ...defaultSettings(), ...options.settings };
  const env = options.env ?? process.env;
  const warnings: ScanWarning[] = [];
  const walker = new Walker({ workers: settings.workers || undefined, ...options.walker });
  try {
    const scan = await discoverCheckpoints({
      roots, settings, walker, now: options.now ?? Date.now(), signal: options.signal,
      env, homeDir: options.homeDir ?? env.HOME ?? os.homedir(),
      greaterIsBetter: settings.greaterIsBetter,
      progress: options.onProgress,
      warn: (w) => { if (warnings.length < 2000) warnings.push(w); },
    });
    return { scan, warnings, scannedAt: Date.now() };
  } finally {
    await walker.close();
  }
}

export interface RetentionResult {
  plan: RetentionPlan;
  /** `ml-disk-space plan retention --json`: { delete: [{path, bytes}], keep: [{path, reason}], bytes }. */
  json: RetentionJson;
  runs: Run[];
  warnings: ScanWarning[];
}

/**
 * The retention plan (keep best k + last per run) for every run under `paths`. Deletes nothing:
 * hand `plan` to executePlan to carry it out.
 */
export async function planRetention(paths: string[], keepBest: number, options: PathsOptions = {}): Promise<RetentionResult> {
  const { scan, warnings, scannedAt } = await scanCheckpointPaths(paths, options);
  if (scan.cancelled) throw new Error('cancelled');
  // Bytes are what deleting frees: a checkpoint file hard-linked from a backup frees nothing.
  // The scan's warnings inside a planned checkpoint (an unreadable or too-deep tree) travel
  // with the plan: its bytes for that checkpoint are a lower bound.
  const plan = withScanWarnings(await withFreedBytes(planRetentionForRuns(scan.runs, { keepBest, includeInProgress: options.includeInProgress, scannedAt, now: options.now })), warnings);
  return { plan, json: retentionJson(plan, options.includeInProgress === true), runs: scan.runs, warnings };
}

// ---- plans from a scan model (host commands, plan providers) ------------------------------------

export type CheckpointAction = 'delete' | 'retention' | 'slim';

export interface ModelPlanRequest {
  action: CheckpointAction;
  /** Item ids (runs, checkpoints, loose weight files); none = every run. */
  ids?: string[];
  keepBest: number;
  includeInProgress?: boolean;
  now?: number;
}

export function checkpointsCategoryOf(model: ScanModel): Category | undefined {
  return model.categories.find((c) => c.id === CHECKPOINTS_CATEGORY_ID);
}

/**
 * Builds a checkpoint plan from the scan model for the selected items:
 * - delete: checkpoints (a run selected = all its checkpoints) and loose weight files;
 * - retention: the selected runs (a checkpoint selected = its run), or every run;
 * - slim: the selected checkpoints, or the kept-for-weights checkpoints of the selected runs / every run.
 * Returns undefined when the model has no checkpoints category or nothing selected is known.
 */
export function checkpointPlanFromModel(model: ScanModel, request: ModelPlanRequest): DeletionPlan | undefined {
  const plan = checkpointPlanOf(model, request);
  return plan && withScanWarnings(plan, model.warnings);
}

function checkpointPlanOf(model: ScanModel, request: ModelPlanRequest): DeletionPlan | undefined {
  const category = checkpointsCategoryOf(model);
  if (!category) return undefined;
  const { runs, loose } = runsFromCategory(category);
  const now = request.now ?? Date.now();
  const ids = request.ids ?? [];
  const runById = new Map(runs.map((r) => [runItemId(r.path), r]));
  const checkpointById = new Map<string, { run: Run; checkpoint: Checkpoint }>();
  for (const run of runs) for (const c of run.checkpoints) checkpointById.set(checkpointItemId(c.path), { run, checkpoint: c });
  const selectedRuns = new Set<Run>();
  const selectedCheckpoints: Checkpoint[] = [];
  const selectedLoose = loose.filter((w) => ids.includes(looseItemId(w.path)));
  for (const id of ids) {
    const run = runById.get(id);
    if (run) selectedRuns.add(run);
    const hit = checkpointById.get(id);
    if (hit) selectedCheckpoints.push(hit.checkpoint);
  }
  const base = { keepBest: request.keepBest, includeInProgress: request.includeInProgress, scannedAt: model.scannedAt, now };
  switch (request.action) {
    case 'delete': {
      const chosen = [...selectedCheckpoints];
      for (const run of selectedRuns) for (const c of run.checkpoints) if (!chosen.includes(c)) chosen.push(c);
      const plan = chosen.length ? planDeleteCheckpoints(chosen, runs, model.scannedAt, now) : undefined;
      if (!selectedLoose.length) return plan;
      const extra = planDeleteLooseWeights(selectedLoose, model.scannedAt);
      if (!plan) return extra;
      const targets = [...plan.targets, ...extra.targets];
      const bytes = planBytes(targets);
      const checkpoints = plan.targets.filter((t) => t.type !== 'symlink').length;
      return { ...plan, targets, bytes, title: t('Delete {0} and {1} ({2})', formatCount(checkpoints, 'checkpoint'), formatCount(selectedLoose.length, 'weight file'), formatBytes(bytes)) };
    }
    case 'retention': {
      for (const c of selectedCheckpoints) { const r = runs.find((x) => x.path === c.runPath); if (r) selectedRuns.add(r); }
      const scope = ids.length ? [...selectedRuns] : runs;
      return scope.length ? planRetentionForRuns(scope, base) : undefined;
    }
    case 'slim': {
      if (selectedCheckpoints.length) return planSlim(selectedCheckpoints, runs, model.scannedAt, now);
      const scope = ids.length ? [...selectedRuns] : runs;
      return scope.length ? planSlimRuns(scope, base) : undefined;
    }
  }
}

export interface RunForecast {
  runPath: string;
  label: string;
  forecast: Forecast;
}

/** Runs that will not fit on their volume at the current save policy (for the status bar). */
export function forecastWarnings(model: ScanModel): RunForecast[] {
  const category = checkpointsCategoryOf(model);
  if (!category) return [];
  return runsFromCategory(category).runs
    .filter((r) => r.forecast && r.forecast.fits === false)
    .map((r) => ({ runPath: r.path, label: r.label, forecast: r.forecast! }));
}
