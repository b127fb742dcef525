// How much more space an HF run needs to reach max_steps with its current save policy, and
// where it runs out. Every save adds one checkpoint the size of the newest one. Whether the
// Trainer rotates checkpoints (save_total_limit) is not recorded in trainer_state.json, so the
// forecast assumes none: it is the space needed if every checkpoint stays, an upper bound.
import { formatBytes } from '../format';
import type { Forecast, Run } from './types';

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The steps between saves: `save_steps` when the checkpoints sit on its grid, else their spacing. */
function saveInterval(saveSteps: number | null, maxSteps: number, steps: number[]): { interval: number; source: Forecast['saveIntervalSource']; base: number } | null {
  let fromState: number | null = null;
  if (saveSteps !== null) fromState = saveSteps < 1 ? Math.ceil(maxSteps * saveSteps) : Math.round(saveSteps);
  const onGrid = (s: number) => fromState !== null && (s % fromState === 0 || s === maxSteps);
  if (fromState && fromState > 0 && (steps.length === 0 || steps.every(onGrid))) return { interval: fromState, source: 'save_steps', base: 0 };
  if (steps.length >= 2) {
    const gaps = steps.slice(1).map((s, i) => s - steps[i]).filter((g) => g > 0);
    if (gaps.length) return { interval: median(gaps), source: 'checkpoint spacing', base: steps[steps.length - 1] };
  }
  if (fromState && fromState > 0) return { interval: fromState, source: 'save_steps', base: 0 };
  return null;
}

/**
 * Forecast for an HF run short of max_steps, or null (not HF, finished, or the facts are missing).
 * `availableBytes` is the free space of the run's volume for an unprivileged user, when known.
 */
export function forecastRun(run: Pick<Run, 'trainerState' | 'checkpoints'>, availableBytes: number | null): Forecast | null {
  const ts = run.trainerState;
  if (!ts || ts.maxSteps === null || ts.maxSteps <= 0) return null;
  const hf = run.checkpoints.filter((c) => c.format === 'hf' && c.step !== null && c.type === 'dir');
  if (!hf.length) return null;
  const steps = hf.map((c) => c.step!).sort((a, b) => a - b);
  const newest = hf.reduce((a, b) => (b.step! > a.step! ? b : a));
  const current = Math.max(ts.globalStep ?? 0, newest.step!);
  if (current >= ts.maxSteps) return null;
  const policy = saveInterval(ts.saveSteps, ts.maxSteps, steps);
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
  let message = `needs ~${formatBytes(bytesNeeded)} more to finish`;
  if (availableBytes !== null) message += `; ${formatBytes(availableBytes)} free`;
  if (runsOutAtStep !== null) message += ` — runs out near step ${runsOutAtStep}`;
  return {
    bytesNeeded, stepsLeft, savesLeft,
    saveInterval: policy.interval, saveIntervalSource: policy.source,
    checkpointBytes: newest.bytes, availableBytes, fits, runsOutAtStep, message,
  };
}
