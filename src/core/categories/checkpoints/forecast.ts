// How much more space an HF run needs to reach max_steps with its current save policy, and
// where it runs out. Every save adds one checkpoint the size of the newest one. Whether the
// Trainer rotates checkpoints (save_total_limit) is not recorded in trainer_state.json, so the
// forecast assumes none: it is the space needed if every checkpoint stays, an upper bound.
import { formatBytes, formatCount } from '../../format';
import type { Forecast, Run } from './types';
import { t } from '../../l10n';

interface Schedule {
  /** First save after the current step. */
  first: number;
  interval: number;
  /** Saves at first, first+interval, … up to maxSteps. */
  regular: number;
  /** One more at maxSteps when it is not on the grid (the Trainer saves at the end of training). */
  final: boolean;
}

function schedule(current: number, maxSteps: number, interval: number, base: number): Schedule {
  const k0 = Math.floor((current - base) / interval) + 1;
  const first = base + k0 * interval;
  const regular = first > maxSteps ? 0 : Math.floor((maxSteps - first) / interval) + 1;
  const lastRegular = regular ? first + (regular - 1) * interval : current;
  return { first, interval, regular, final: lastRegular < maxSteps };
}

interface SavePolicy {
  interval: number;
  source: Forecast['saveIntervalSource'];
  /** Saves fall on base + k x interval. */
  base: number;
  confidence: Forecast['confidence'];
  basis: string;
}

/**
 * The steps between saves, from what the run really did. HF writes `save_steps` (500 by default)
 * into trainer_state.json even when it saves every epoch, so save_steps is only believed where the
 * checkpoints agree with it. Two or more checkpoints: their smallest spacing (rotation only removes
 * checkpoints, it never brings two saves closer). One checkpoint: an epoch end (steps per epoch =
 * max_steps / num_train_epochs) or the save_steps grid, whichever it fits; a guess either way.
 */
export function savePolicy(saveSteps: number | null, maxSteps: number, numTrainEpochs: number | null, steps: number[]): SavePolicy | null {
  let fromState: number | null = null;
  if (saveSteps !== null && saveSteps > 0) fromState = saveSteps < 1 ? Math.ceil(maxSteps * saveSteps) : Math.round(saveSteps);
  const perEpoch = numTrainEpochs && numTrainEpochs > 0 && maxSteps / numTrainEpochs >= 1 ? maxSteps / numTrainEpochs : null;
  const epochEnd = (s: number) => perEpoch !== null && s > 0 && Math.abs(s / perEpoch - Math.round(s / perEpoch)) * perEpoch < 1;
  const onSaveGrid = (s: number) => fromState !== null && s % fromState === 0;
  const unique = [...new Set(steps)].sort((a, b) => a - b);
  const gaps = unique.slice(1).map((s, i) => s - unique[i]).filter((g) => g > 0);
  if (gaps.length) {
    const interval = Math.min(...gaps);
    const alike = gaps.filter((g) => g === interval).length;
    const confidence = alike >= 2 ? 'high' : 'medium';
    const basis = t('{0} {1} steps apart', formatCount(alike + 1, 'save'), interval);
    if (interval === fromState && unique.every(onSaveGrid)) return { interval, source: 'save_steps', base: 0, confidence, basis };
    if (perEpoch !== null && Math.abs(interval - perEpoch) < 1 && unique.every(epochEnd)) return { interval: Math.round(perEpoch), source: 'epoch', base: 0, confidence, basis: t('{0} (every epoch)', basis) };
    return { interval, source: 'checkpoint spacing', base: unique[unique.length - 1], confidence, basis };
  }
  if (unique.length === 1) {
    const s0 = unique[0];
    const grid = onSaveGrid(s0);
    if (epochEnd(s0) && perEpoch !== null) {
      // On the save_steps grid too: only an earlier save missing (s0 past the first grid step) hints at epochs.
      if (!grid) return { interval: Math.round(perEpoch), source: 'epoch', base: 0, confidence: 'medium', basis: t('one checkpoint, at the end of an epoch (save_steps {0} does not fit it)', fromState ?? 'unset') };
      if (s0 > fromState!) return { interval: Math.round(perEpoch), source: 'epoch', base: 0, confidence: 'low', basis: t('one checkpoint, at the end of an epoch; none at step {0}', fromState) };
      return { interval: fromState!, source: 'save_steps', base: 0, confidence: 'low', basis: t('one checkpoint, at both an epoch end and save_steps {0}', fromState) };
    }
    if (grid) return { interval: fromState!, source: 'save_steps', base: 0, confidence: s0 === fromState ? 'medium' : 'low', basis: t('one checkpoint, on the save_steps {0} grid', fromState) };
    return { interval: s0, source: 'checkpoint spacing', base: 0, confidence: 'low', basis: t('one checkpoint, at step {0}', s0) };
  }
  if (fromState) return { interval: fromState, source: 'save_steps', base: 0, confidence: 'low', basis: t('save_steps {0}, no checkpoint yet', fromState) };
  return null;
}

/**
 * Forecast for an HF run short of max_steps, or null (not HF, finished, or the facts are missing).
 * `availableBytes` is the free space of the run's volume for an unprivileged user, when known.
 */
export function forecastRun(run: Pick<Run, 'trainerState' | 'checkpoints'>, availableBytes: number | null): Forecast | null {
  const ts = run.trainerState;
  if (!ts || ts.maxSteps === null || ts.maxSteps <= 0) return null;
  // Half-written checkpoints are neither a save that happened nor a checkpoint's size.
  const hf = run.checkpoints.filter((c) => c.format === 'hf' && c.step !== null && c.type === 'dir' && !c.incomplete);
  if (!hf.length) return null;
  const steps = hf.map((c) => c.step!).sort((a, b) => a - b);
  const newest = hf.reduce((a, b) => (b.step! > a.step! ? b : a));
  const current = Math.max(ts.globalStep ?? 0, newest.step!);
  if (current >= ts.maxSteps) return null;
  const policy = savePolicy(ts.saveSteps, ts.maxSteps, ts.numTrainEpochs, steps);
  if (!policy || newest.bytes <= 0) return null;
  const plan = schedule(current, ts.maxSteps, policy.interval, policy.base);
  const savesLeft = plan.regular + (plan.final ? 1 : 0);
  const bytesNeeded = savesLeft * newest.bytes;
  let fits: boolean | null = null;
  let runsOutAtStep: number | null = null;
  if (availableBytes !== null) {
    fits = bytesNeeded <= availableBytes;
    if (!fits) {
      const fitting = Math.floor(availableBytes / newest.bytes); // saves that still fit
      runsOutAtStep = fitting < plan.regular ? plan.first + fitting * plan.interval : ts.maxSteps;
    }
  }
  const stepsLeft = ts.maxSteps - current;
  let message = t('needs ~{0} more to finish', formatBytes(bytesNeeded));
  if (availableBytes !== null) message += t('; {0} free', formatBytes(availableBytes));
  if (runsOutAtStep !== null) message += t(' — runs out near step {0}', runsOutAtStep);
  const confidence = ts.partial && policy.confidence === 'high' ? 'medium' : policy.confidence;
  message += t(' ({0} confidence: {1})', confidence, policy.basis);
  return {
    bytesNeeded, stepsLeft, savesLeft,
    saveInterval: policy.interval, saveIntervalSource: policy.source, confidence, basis: policy.basis,
    checkpointBytes: newest.bytes, availableBytes, fits, runsOutAtStep, message,
  };
}
