// Reads HF Trainer's trainer_state.json, a file we did not write and cannot trust: it may be
// missing, truncated (written while we read), malformed, enormous, deeply nested, a FIFO or a
// symlink, or have fields of the wrong type. Every such case yields facts we can use (possibly
// none) and a clear problem message; nothing here throws.
import { openRegularFile, readAt, readErrorCode } from '../../safeRead';
import * as fs from 'fs';
import type { TrainerStateSummary } from './types';
import { t } from '../../l10n';

/** Larger files are not parsed whole: only top-level numbers are recovered from their head and tail. */
export const MAX_TRAINER_STATE_BYTES = 16 * 1024 * 1024;
/** Real trainer_state.json nests ~5 levels; deeper input is not handed to JSON.parse. */
const MAX_NESTING = 64;
const FRAGMENT_BYTES = 256 * 1024;
const MAX_LOG_ENTRIES = 1_000_000;

/** Eval metrics logged at one step (log_history entries with `eval_*` keys). */
export interface EvalRecord {
  epoch: number | null;
  metrics: Map<string, number>;
}

export interface TrainerState extends Omit<TrainerStateSummary, 'path'> {
  /** Eval metrics by step, from log_history. */
  evalByStep: Map<number, EvalRecord>;
  /** Epoch at each logged step (any log_history entry with both). */
  epochByStep: Map<number, number>;
}

export interface TrainerStateRead {
  state: TrainerState | null;
  /** Why the file could not be used fully (shown to the user); empty when it was fine. */
  problems: string[];
}

// ---- reading --------------------------------------------------------------------------------

/**
 * Reads at most MAX_TRAINER_STATE_BYTES of a regular file (never a symlink, FIFO or device) and
 * parses it. A missing file is reported as such.
 */
export async function readTrainerState(file: string, maxBytes = MAX_TRAINER_STATE_BYTES): Promise<TrainerStateRead> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    // No symlink followed; O_NONBLOCK and fstat: a FIFO or device is refused, never waited on.
    let st: fs.Stats;
    try {
      ({ handle, stat: st } = await openRegularFile(file, { followSymlinks: false }));
    } catch (err) {
      if (readErrorCode(err) === 'ENOTREG') return { state: null, problems: [t('trainer_state.json is not a regular file')] };
      throw err;
    }
    if (st.size > maxBytes) {
      const head = await readAt(handle, 0, FRAGMENT_BYTES);
      const tail = await readAt(handle, Math.max(0, st.size - FRAGMENT_BYTES), FRAGMENT_BYTES);
      const state = recoverTopLevelNumbers(head.toString('utf8') + '\n' + tail.toString('utf8'));
      return {
        state,
        problems: [t('trainer_state.json is {0} MB (over the {1} MB read limit): only top-level numbers were read, not log_history', (st.size / 1e6).toFixed(0), (maxBytes / 1e6).toFixed(0))],
      };
    }
    // Never more than the limit, even if the file grows while we read it.
    const data = await readAt(handle, 0, Math.min(maxBytes + 1, st.size + 65536));
    if (data.length > maxBytes) {
      return { state: recoverTopLevelNumbers(data.subarray(0, FRAGMENT_BYTES).toString('utf8')), problems: [t('trainer_state.json grew past the read limit while being read')] };
    }
    return parseTrainerState(data.toString('utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: null, problems: [t('no trainer_state.json')] };
    if (code === 'ELOOP') return { state: null, problems: [t('trainer_state.json is a symlink (not followed)')] };
    return { state: null, problems: [t('cannot read trainer_state.json: {0}', code ?? (err as Error).message)] };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}


// ---- parsing --------------------------------------------------------------------------------

/** Parses trainer_state.json text. Wrong types are dropped field by field, each named in `problems`. */
export function parseTrainerState(text: string): TrainerStateRead {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trim()) return { state: null, problems: [t('trainer_state.json is empty')] };
  const depth = nestingDepth(text);
  if (depth > MAX_NESTING) {
    return { state: recoverTopLevelNumbers(text.slice(0, FRAGMENT_BYTES)), problems: [t('trainer_state.json nests {0} levels deep (over {1}): not parsed', depth, MAX_NESTING)] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const state = recoverTopLevelNumbers(text.slice(0, FRAGMENT_BYTES));
    const what = state ? t('only top-level numbers were recovered') : t('nothing could be used');
    return { state, problems: [t('trainer_state.json is not valid JSON ({0}): {1}', (err as Error).message.slice(0, 120), what)] };
  }
  if (!isPlainObject(raw)) return { state: null, problems: [t('trainer_state.json is not a JSON object')] };
  return fromObject(raw);
}

function fromObject(raw: Record<string, unknown>): TrainerStateRead {
  const problems: string[] = [];
  const num = (key: string, integer: boolean): number | null => {
    if (!Object.prototype.hasOwnProperty.call(raw, key)) return null;
    const v = raw[key];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && (!Number.isSafeInteger(v) || v < 0))) {
      problems.push(t('{0} has the wrong type or value ({1})', key, describe(v)));
      return null;
    }
    return v;
  };
  const str = (key: string): string | null => {
    if (!Object.prototype.hasOwnProperty.call(raw, key)) return null;
    const v = raw[key];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string' || v.length > 4096) {
      problems.push(t('{0} has the wrong type ({1})', key, describe(v)));
      return null;
    }
    return v;
  };
  const evalByStep = new Map<number, EvalRecord>();
  const epochByStep = new Map<number, number>();
  if (Object.prototype.hasOwnProperty.call(raw, 'log_history')) {
    const history = raw.log_history;
    if (!Array.isArray(history)) problems.push(t('log_history is not a list ({0})', describe(history)));
    else readLogHistory(history, evalByStep, epochByStep, problems);
  }
  const state: TrainerState = {
    globalStep: num('global_step', true),
    maxSteps: num('max_steps', true),
    saveSteps: num('save_steps', false),
    epoch: num('epoch', false),
    numTrainEpochs: num('num_train_epochs', false),
    bestMetric: num('best_metric', false),
    bestGlobalStep: num('best_global_step', true),
    bestModelCheckpoint: str('best_model_checkpoint'),
    partial: false,
    evalByStep,
    epochByStep,
  };
  if (state.saveSteps !== null && state.saveSteps <= 0) {
    problems.push(t('save_steps is {0}', state.saveSteps));
    state.saveSteps = null;
  }
  return { state, problems };
}

function readLogHistory(history: unknown[], evalByStep: Map<number, EvalRecord>, epochByStep: Map<number, number>, problems: string[]): void {
  let bad = 0;
  const n = Math.min(history.length, MAX_LOG_ENTRIES);
  for (let i = 0; i < n; i++) {
    const entry = history[i];
    if (!isPlainObject(entry)) { bad++; continue; }
    const step = entry.step;
    if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) { bad++; continue; }
    const epoch = typeof entry.epoch === 'number' && Number.isFinite(entry.epoch) ? entry.epoch : null;
    if (epoch !== null) epochByStep.set(step, epoch);
    for (const key of Object.keys(entry)) {
      if (!isEvalMetricKey(key)) continue;
      const value = entry[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      let record = evalByStep.get(step);
      if (!record) evalByStep.set(step, (record = { epoch, metrics: new Map() }));
      record.metrics.set(key, value);
    }
  }
  if (bad) problems.push(bad === 1 ? t('{0} log_history entry was malformed and skipped', bad) : t('{0} log_history entries were malformed and skipped', bad));
  if (history.length > MAX_LOG_ENTRIES) problems.push(t('log_history has {0} entries; only the first {1} were read', history.length, MAX_LOG_ENTRIES));
}

/** Eval metrics, not the timing figures the Trainer logs next to them. */
export function isEvalMetricKey(key: string): boolean {
  return key.startsWith('eval_') && !/(_runtime|_per_second|_time)$/.test(key);
}

/** Deepest bracket nesting outside strings; stops counting past the limit. Linear, no recursion. */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) { if (++depth > max) { max = depth; if (max > MAX_NESTING) return max; } }
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

// HF writes the state with json.dumps(indent=2, sort_keys=True): top-level keys sit at exactly
// two spaces of indentation, so they can be found in fragments of a file too large to parse.
const TOP_LEVEL_RE = /^ {2}"(global_step|max_steps|save_steps|epoch|num_train_epochs|best_metric|best_global_step|best_model_checkpoint)": (-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|"[^"\\\n]{0,4096}"|null),?\s*$/gm;

/** Top-level numbers found in a fragment, or null when none were. */
export function recoverTopLevelNumbers(fragment: string): TrainerState | null {
  const found = new Map<string, string>();
  for (const m of fragment.matchAll(TOP_LEVEL_RE)) if (!found.has(m[1])) found.set(m[1], m[2]);
  if (!found.size) return null;
  const num = (key: string, integer: boolean): number | null => {
    const text = found.get(key);
    if (text === undefined || text === 'null' || text.startsWith('"')) return null;
    const v = Number(text);
    if (!Number.isFinite(v) || (integer && (!Number.isSafeInteger(v) || v < 0))) return null;
    return v;
  };
  const best = found.get('best_model_checkpoint');
  const saveSteps = num('save_steps', false);
  return {
    globalStep: num('global_step', true),
    maxSteps: num('max_steps', true),
    saveSteps: saveSteps !== null && saveSteps > 0 ? saveSteps : null,
    epoch: num('epoch', false),
    numTrainEpochs: num('num_train_epochs', false),
    bestMetric: num('best_metric', false),
    bestGlobalStep: num('best_global_step', true),
    bestModelCheckpoint: best?.startsWith('"') ? best.slice(1, -1) : null,
    partial: true,
    evalByStep: new Map(),
    epochByStep: new Map(),
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return t('a list');
  if (v === null) return 'null';
  if (typeof v === 'string') return t('the string {0}', JSON.stringify(v.slice(0, 40)));
  if (typeof v === 'object') return t('an object');
  return `${typeof v} ${String(v).slice(0, 40)}`;
}
