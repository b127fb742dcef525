// Per-run facts: which checkpoint is the best and which is the newest, the metric they are
// ranked by, and (HF) the facts of the newest usable trainer_state.json.
import { safeReadText } from '../../safeRead';
import * as path from 'path';
import { markIncomplete } from './incomplete';
import type { Inspections } from './inspectPool';
import { readLightningCkpt, type ModelCheckpointState } from './lightningState';
import { isBetter, metricDirection } from './names';
import { readTrainerState, type TrainerState } from './trainerState';
import type { Checkpoint, MetricDirection, Run } from './types';
import { t } from '../../l10n';

/** trainer_state.json files tried per run, newest first, before giving up. */
const STATE_ATTEMPTS = 3;
/** Lightning .ckpt files read per run, newest first, for the ModelCheckpoint state. */
const LIGHTNING_ATTEMPTS = 3;

/** Display and "newest" order: by step, then epoch, then mtime; `last.ckpt` files after all others. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  if (a.lastByName !== b.lastByName) return a.lastByName ? 1 : -1;
  const by = (x: number | null, y: number | null) => (x ?? -1) - (y ?? -1);
  return by(a.step, b.step) || by(a.epoch, b.epoch) || a.modifiedMs - b.modifiedMs || by(a.version, b.version) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Checkpoints carrying the metric, best first (ties: newer first). Links and half-written checkpoints are never ranked. */
export function rankByMetric(checkpoints: Checkpoint[], direction: MetricDirection): Checkpoint[] {
  return checkpoints
    .filter((c) => c.type !== 'symlink' && !c.incomplete && c.metric && Number.isFinite(c.metric.value))
    .sort((a, b) => (isBetter(a.metric!.value, b.metric!.value, direction) ? -1 : isBetter(b.metric!.value, a.metric!.value, direction) ? 1 : compareCheckpoints(b, a)));
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export interface AnalyseOptions {
  greaterIsBetter: readonly string[];
  /** Checkpoints already inspected (inspectPool.ts). */
  inspected?: Inspections;
}

/** Fills in best / last / metrics / trainerState / problems of a run whose checkpoints are sorted. */
export async function analyseRun(run: Run, options: AnalyseOptions): Promise<void> {
  await markIncomplete(run.checkpoints, options.inspected);
  for (const c of run.checkpoints) if (c.incomplete) run.problems.push(t('{0} is incomplete: {1}', c.name, c.incomplete));
  const hf = run.checkpoints.filter((c) => c.format === 'hf' && c.type === 'dir');
  if (hf.length) await analyseTrainerState(run, hf);
  else if (!(await analyseLightningState(run, options))) analyseNameMetrics(run, options);
  await markLast(run);
}

async function analyseTrainerState(run: Run, hf: Checkpoint[]): Promise<void> {
  const sound = hf.filter((c) => !c.incomplete);
  const newestFirst = [...(sound.length ? sound : hf)].sort((a, b) => compareCheckpoints(b, a));
  let state: TrainerState | null = null;
  let from: Checkpoint | undefined;
  for (const c of newestFirst.slice(0, STATE_ATTEMPTS)) {
    const read = await readTrainerState(path.join(c.path, 'trainer_state.json'));
    for (const p of read.problems) run.problems.push(`${c.name}: ${p}`);
    if (read.state && (!state || (state.partial && !read.state.partial))) { state = read.state; from = c; }
    if (state && !state.partial) break;
  }
  if (!state || !from) {
    run.problems.push(t('no usable trainer_state.json: best checkpoint unknown, newest by step'));
    return;
  }
  if (from !== newestFirst[0]) run.problems.push(t('facts from {0}/trainer_state.json (the newest could not be used)', from.name));
  run.trainerState = {
    path: path.join(from.path, 'trainer_state.json'),
    globalStep: state.globalStep, maxSteps: state.maxSteps, saveSteps: state.saveSteps, epoch: state.epoch,
    numTrainEpochs: state.numTrainEpochs, bestMetric: state.bestMetric, bestGlobalStep: state.bestGlobalStep,
    bestModelCheckpoint: state.bestModelCheckpoint, partial: state.partial,
  };

  // The recorded best: best_model_checkpoint (a path from the training machine: match its name), else best_global_step.
  let best: Checkpoint | undefined;
  let bestSource: string | null = null;
  if (state.bestModelCheckpoint) {
    const name = state.bestModelCheckpoint.split(/[\\/]+/).filter(Boolean).pop();
    best = hf.find((c) => c.name === name);
    if (best) bestSource = t('trainer_state.json best_model_checkpoint');
  }
  if (!best && state.bestGlobalStep !== null) {
    best = hf.find((c) => c.step === state!.bestGlobalStep);
    if (best) bestSource = t('trainer_state.json best_global_step');
  }
  if (best?.incomplete) {
    run.problems.push(t('the recorded best, {0}, is incomplete', best.name));
    best = undefined;
    bestSource = null;
  }

  // The metric: the eval metric whose value at the best step equals best_metric, else eval_loss.
  const names = new Set<string>();
  for (const record of state.evalByStep.values()) for (const k of record.metrics.keys()) names.add(k);
  let metricName: string | null = null;
  let direction: MetricDirection | null = null;
  const bestStep = best?.step ?? state.bestGlobalStep;
  if (state.bestMetric !== null && bestStep !== null) {
    const record = state.evalByStep.get(bestStep);
    for (const [k, v] of record?.metrics ?? []) if (near(v, state.bestMetric)) { metricName = k; break; }
  }
  if (metricName && state.bestMetric !== null) {
    const values = [...state.evalByStep.values()].map((r) => r.metrics.get(metricName!)).filter((v): v is number => v !== undefined);
    const min = Math.min(...values);
    const max = Math.max(...values);
    if (min !== max) direction = near(state.bestMetric, min) ? 'min' : near(state.bestMetric, max) ? 'max' : null;
  }
  if (!metricName) metricName = names.has('eval_loss') ? 'eval_loss' : [...names].sort()[0] ?? null;
  if (metricName && !direction) direction = metricDirection(metricName);
  run.metricName = metricName;
  run.metricDirection = metricName ? direction : null;

  for (const c of hf) {
    if (c.step === null) continue;
    const record = state.evalByStep.get(c.step);
    if (record) for (const [k, v] of record.metrics) c.metrics[k] = v;
    c.epoch = state.epochByStep.get(c.step) ?? record?.epoch ?? (c.step === state.globalStep ? state.epoch : null);
    if (metricName && metricName in c.metrics) c.metric = { name: metricName, value: c.metrics[metricName] };
  }
  if (best && !best.metric && state.bestMetric !== null) best.metric = { name: metricName ?? 'best_metric', value: state.bestMetric };

  if (!best && metricName && direction) {
    best = rankByMetric(hf, direction)[0];
    if (best) bestSource = state.bestModelCheckpoint ? t('{0} in log_history (the recorded best is gone)', metricName) : t('{0} in log_history', metricName);
  }
  if (best) {
    best.best = true;
    run.bestSource = bestSource;
  }
}

/**
 * Lightning runs: the best as Lightning's own ModelCheckpoint recorded it (monitor, mode,
 * best_model_path, best_k_models scores) in the newest readable .ckpt. False when no .ckpt
 * holds that state for this run (the names are then the only clue).
 */
async function analyseLightningState(run: Run, options: AnalyseOptions): Promise<boolean> {
  const files = run.checkpoints.filter((c) => c.format === 'lightning' && c.type === 'file' && !c.incomplete).sort((a, b) => b.modifiedMs - a.modifiedMs || compareCheckpoints(b, a));
  const byName = new Map(run.checkpoints.filter((c) => c.type !== 'symlink').map((c) => [c.name, c]));
  const baseName = (p: string | null) => (p ? p.split(/[\\/]+/).filter(Boolean).pop() ?? null : null);
  for (const file of files.slice(0, LIGHTNING_ATTEMPTS)) {
    const read = await readLightningCkpt(file.path);
    if (!read.ok) {
      // A file of torch's pre-zip format (or not torch at all) just has no state to read.
      if (read.incomplete || !read.reason.startsWith('not a torch zip')) run.problems.push(`${file.name}: ${read.reason}`);
      continue;
    }
    // The ModelCheckpoint whose files are this run's (several callbacks may write to several folders).
    const state = read.info.modelCheckpoints.find((m) => [m.bestModelPath, m.lastModelPath, ...m.bestKModels.keys()].some((p) => byName.has(baseName(p) ?? '')));
    if (!state) continue;
    if (!state.monitor) {
      run.bestSource = null;
      run.problems.push(t('Lightning ModelCheckpoint has no monitor: no metric, no best checkpoint'));
      return true;
    }
    const direction = state.mode ?? inferMode(state) ?? metricDirection(state.monitor, options.greaterIsBetter);
    run.metricName = state.monitor;
    run.metricDirection = direction;
    for (const c of run.checkpoints) if (state.monitor in c.metrics) c.metric = { name: state.monitor, value: c.metrics[state.monitor] };
    for (const [p, score] of state.bestKModels) {
      const c = byName.get(baseName(p) ?? '');
      if (!c || !Number.isFinite(score)) continue;
      c.metrics[state.monitor] = score;
      c.metric = { name: state.monitor, value: score };
    }
    const recorded = byName.get(baseName(state.bestModelPath) ?? '');
    if (recorded && !recorded.incomplete) {
      recorded.best = true;
      if (state.bestModelScore !== null && Number.isFinite(state.bestModelScore)) recorded.metric = { name: state.monitor, value: state.bestModelScore };
      run.bestSource = t('Lightning\'s best_model_path in {0}', file.name);
      return true;
    }
    const ranked = rankByMetric(run.checkpoints, direction)[0];
    if (ranked) {
      ranked.best = true;
      run.bestSource = t('{0} scores in {1} (its best_model_path is gone)', state.monitor, file.name);
    }
    return true;
  }
  return false;
}

/** mode from the scores when the state key does not carry it: best_model_score is the min or the max of best_k_models. */
function inferMode(state: ModelCheckpointState): MetricDirection | null {
  const scores = [...state.bestKModels.values()];
  if (state.bestModelScore === null || scores.length < 2) return null;
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  if (min === max) return null;
  return near(state.bestModelScore, min) ? 'min' : near(state.bestModelScore, max) ? 'max' : null;
}

/** Lightning (and other) runs: the metric is the one most checkpoint names carry. */
function analyseNameMetrics(run: Run, options: AnalyseOptions): void {
  const counts = new Map<string, number>();
  for (const c of run.checkpoints) {
    if (c.lastByName || c.type === 'symlink') continue;
    for (const k of Object.keys(c.metrics)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const metricName = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
  if (!metricName) return;
  const direction = metricDirection(metricName, options.greaterIsBetter);
  run.metricName = metricName;
  run.metricDirection = direction;
  for (const c of run.checkpoints) if (metricName in c.metrics) c.metric = { name: metricName, value: c.metrics[metricName] };
  const best = rankByMetric(run.checkpoints, direction)[0];
  if (best) {
    best.best = true;
    run.bestSource = t('{0} in file names ({1} is better)', metricName, direction === 'min' ? 'lower' : 'higher');
  }
}

/**
 * The newest: last.ckpt files and the targets of last.ckpt links (resolved before), else
 * DeepSpeed's `latest` tag, else the highest step / epoch / mtime.
 */
async function markLast(run: Run): Promise<void> {
  const marked = run.checkpoints.filter((c) => !c.incomplete && (c.lastByName || (c.linkedFrom?.length ?? 0) > 0));
  for (const c of marked) c.last = true;
  if (marked.some((c) => c.type !== 'symlink')) return;
  if (run.checkpoints.some((c) => c.format === 'deepspeed')) {
    const tag = await readSmallText(path.join(run.path, 'latest'));
    const tagged = tag ? run.checkpoints.find((c) => c.name === tag) : undefined;
    if (tag && !tagged && run.checkpoints.some((c) => c.deepspeed && c.format === 'deepspeed')) run.problems.push(t('DeepSpeed latest names {0}, which is not there (a save that did not finish)', tag));
    if (tagged && !tagged.incomplete) { tagged.last = true; return; }
  }
  const candidates = run.checkpoints.filter((c) => c.type !== 'symlink' && !c.incomplete);
  if (!candidates.length) return;
  candidates.reduce((a, b) => (compareCheckpoints(b, a) > 0 ? b : a)).last = true;
}

async function readSmallText(file: string): Promise<string | null> {
  try {
    return (await safeReadText(file, { maxBytes: 256, followSymlinks: false })).trim();
  } catch {
    return null;
  }
}
