// Real training-run folders for the checkpoint tests (unit and extension host): HF Trainer runs
// with real-shaped trainer_state.json (optionally DeepSpeed), Lightning runs with metric names,
// a `-v1` duplicate and a `last.ckpt` symlink, and a run still in progress. Files hold real
// (random) bytes; old runs get old mtimes with utimes, so "in progress" is decided by the clock.
// Each builder returns what the run should be found as, including the retention outcome for
// keep-best k (the tests compare against it, never against the code's own output).
//
// No `vscode` import: the integration runner (plain Node) and the unit tests both load it.
import * as fs from 'fs';
import * as path from 'path';
import { writeRealFile, writeTextFile } from '../integration/fixture';

export const KiB = 1024;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Sets atime/mtime of `p` and everything below it (links themselves, never their targets). */
export function setTreeTimes(p: string, ms: number): void {
  const st = fs.lstatSync(p);
  if (st.isDirectory()) for (const name of fs.readdirSync(p)) setTreeTimes(path.join(p, name), ms);
  const t = new Date(ms);
  if (st.isSymbolicLink()) fs.lutimesSync(p, t, t);
  else fs.utimesSync(p, t, t);
}

/** Every file, folder and link below `dir` (relative paths, sorted), for "all else remains" checks. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel))) {
      const r = rel ? path.join(rel, name) : name;
      out.push(r);
      if (fs.lstatSync(path.join(dir, r)).isDirectory()) visit(r);
    }
  };
  visit('');
  return out.sort();
}

// ---- HF Trainer -------------------------------------------------------------------------------

export interface HfStateInput {
  globalStep: number;
  maxSteps: number;
  saveSteps: number;
  evalSteps: number;
  stepsPerEpoch: number;
  /** eval metric values by step (the metric is `metricName`). */
  evals: Map<number, number>;
  metricName?: string;
  /** best_model_checkpoint / best_global_step / best_metric (as the Trainer records them). */
  best?: { step: number; value: number; checkpointPath: string };
}

/** A trainer_state.json as transformers writes it: sorted keys, indent 2, log and eval entries. */
export function trainerStateJson(s: HfStateInput): string {
  const metric = s.metricName ?? 'eval_loss';
  const log: Record<string, unknown>[] = [];
  const epochAt = (step: number) => Math.round((step / s.stepsPerEpoch) * 1e4) / 1e4;
  for (let step = 10; step <= s.globalStep; step += 10) {
    log.push({ epoch: epochAt(step), grad_norm: 1 + (step % 7) / 10, learning_rate: 5e-5 * (1 - step / s.maxSteps), loss: 2 / (1 + step / 100), step });
    const value = s.evals.get(step);
    if (value !== undefined) {
      const entry: Record<string, unknown> = { epoch: epochAt(step), [metric]: value, eval_runtime: 3.21, eval_samples_per_second: 311.5, eval_steps_per_second: 9.73, step };
      if (metric !== 'eval_loss') entry.eval_loss = 0.5 + value / 10;
      log.push(Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1))));
    }
  }
  const state = {
    best_global_step: s.best?.step ?? null,
    best_metric: s.best?.value ?? null,
    best_model_checkpoint: s.best?.checkpointPath ?? null,
    epoch: epochAt(s.globalStep),
    eval_steps: s.evalSteps,
    global_step: s.globalStep,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: log,
    logging_steps: 10,
    max_steps: s.maxSteps,
    num_input_tokens_seen: 0,
    num_train_epochs: Math.ceil(s.maxSteps / s.stepsPerEpoch),
    save_steps: s.saveSteps,
    stateful_callbacks: {
      TrainerControl: {
        args: { should_epoch_stop: false, should_evaluate: false, should_log: false, should_save: true, should_training_stop: false },
        attributes: {},
      },
    },
    total_flos: 1.2345678e15,
    train_batch_size: 8,
    trial_name: null,
    trial_params: null,
  };
  return JSON.stringify(state, null, 2);
}

export interface HfRunOptions {
  steps: number[];
  saveSteps: number;
  maxSteps: number;
  evalSteps?: number;
  stepsPerEpoch?: number;
  /** Eval metric by step (a checkpoint step without one has no metric). */
  evals: Map<number, number>;
  metricName?: string;
  /** Step the Trainer recorded as best (omit: no best recorded). */
  bestStep?: number;
  weightBytes?: number;
  optimizerBytes?: number;
  /** DeepSpeed ZeRO: global_step<N>/ with optimizer shards in each checkpoint. */
  deepspeed?: boolean;
  /** With DeepSpeed: also save consolidated weights (false = ZeRO-3 without gathered weights). */
  consolidatedWeights?: boolean;
  /** mtime of the newest checkpoint (older ones are an hour apart); omit for "now" (in progress). */
  newestMs?: number;
  /** Tensorboard logs under runs/ (HF writes them during training). */
  logs?: boolean;
}

export interface RunInfo {
  runPath: string;
  /** Every checkpoint path, oldest first (links included for Lightning). */
  checkpoints: string[];
  best: string | null;
  last: string | null;
  /** For keep-best k: what the retention rule must delete (empty for runs in progress). */
  retentionDeletes: (k: number) => string[];
}

export interface HfRunInfo extends RunInfo {
  /** Files slimming must remove from a checkpoint, and files that must remain. */
  stateFiles(checkpoint: string): string[];
  keptFiles(checkpoint: string): string[];
}

const HF_CONFIG = JSON.stringify({ architectures: ['BertForSequenceClassification'], hidden_size: 768, model_type: 'bert', num_hidden_layers: 12, torch_dtype: 'float32', transformers_version: '4.46.0' }, null, 2);

export function makeHfRun(runPath: string, o: HfRunOptions): HfRunInfo {
  const weightBytes = o.weightBytes ?? 64 * KiB;
  const optimizerBytes = o.optimizerBytes ?? 2 * weightBytes;
  const steps = [...o.steps].sort((a, b) => a - b);
  const consolidated = !o.deepspeed || o.consolidatedWeights !== false;
  const stateFiles = new Map<string, string[]>();
  const keptFiles = new Map<string, string[]>();
  for (const step of steps) {
    const dir = path.join(runPath, `checkpoint-${step}`);
    const bestPath = o.bestStep !== undefined ? `/home/alice/outputs/${path.basename(runPath)}/checkpoint-${o.bestStep}` : undefined;
    const bestValue = o.bestStep !== undefined ? o.evals.get(o.bestStep) : undefined;
    const state: HfStateInput = {
      globalStep: step, maxSteps: o.maxSteps, saveSteps: o.saveSteps, evalSteps: o.evalSteps ?? o.saveSteps,
      stepsPerEpoch: o.stepsPerEpoch ?? 500, metricName: o.metricName,
      evals: new Map([...o.evals].filter(([s]) => s <= step)),
      best: o.bestStep !== undefined && o.bestStep <= step && bestValue !== undefined ? { step: o.bestStep, value: bestValue, checkpointPath: bestPath! } : undefined,
    };
    const kept = ['config.json', 'generation_config.json', 'trainer_state.json', 'training_args.bin', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
    writeTextFile(path.join(dir, 'config.json'), HF_CONFIG);
    writeTextFile(path.join(dir, 'generation_config.json'), '{\n  "_from_model_config": true,\n  "transformers_version": "4.46.0"\n}\n');
    writeTextFile(path.join(dir, 'trainer_state.json'), trainerStateJson(state));
    writeRealFile(path.join(dir, 'training_args.bin'), 5 * KiB + 123);
    writeTextFile(path.join(dir, 'tokenizer.json'), JSON.stringify({ version: '1.0', model: { type: 'WordPiece', vocab: { '[PAD]': 0, '[UNK]': 1 } } }));
    writeTextFile(path.join(dir, 'tokenizer_config.json'), '{"do_lower_case": true}');
    writeTextFile(path.join(dir, 'special_tokens_map.json'), '{"pad_token": "[PAD]"}');
    const state_: string[] = [];
    if (consolidated) {
      writeRealFile(path.join(dir, 'model.safetensors'), weightBytes);
      kept.push('model.safetensors');
    }
    writeRealFile(path.join(dir, 'scheduler.pt'), 1064);
    state_.push('scheduler.pt');
    if (o.deepspeed) {
      const ds = path.join(dir, `global_step${step}`);
      writeRealFile(path.join(ds, 'bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt'), optimizerBytes / 2);
      writeRealFile(path.join(ds, 'bf16_zero_pp_rank_1_mp_rank_00_optim_states.pt'), optimizerBytes / 2);
      writeRealFile(path.join(ds, 'zero_pp_rank_0_mp_rank_00_model_states.pt'), 2 * KiB);
      writeRealFile(path.join(ds, 'zero_pp_rank_1_mp_rank_00_model_states.pt'), 2 * KiB);
      writeTextFile(path.join(dir, 'latest'), `global_step${step}`);
      writeTextFile(path.join(dir, 'zero_to_fp32.py'), '#!/usr/bin/env python\n# DeepSpeed consolidation script\n');
      writeRealFile(path.join(dir, 'rng_state_0.pth'), 14 * KiB + 500);
      writeRealFile(path.join(dir, 'rng_state_1.pth'), 14 * KiB + 500);
      state_.push(`global_step${step}`, 'rng_state_0.pth', 'rng_state_1.pth');
      kept.push('latest', 'zero_to_fp32.py');
    } else {
      writeRealFile(path.join(dir, 'optimizer.pt'), optimizerBytes);
      writeRealFile(path.join(dir, 'scaler.pt'), 988);
      writeRealFile(path.join(dir, 'rng_state.pth'), 14 * KiB + 500);
      state_.push('optimizer.pt', 'scaler.pt', 'rng_state.pth');
    }
    stateFiles.set(dir, state_.sort());
    keptFiles.set(dir, kept.sort());
  }
  if (o.logs) writeRealFile(path.join(runPath, 'runs', 'Nov20_10-00-00_gpu01', 'events.out.tfevents.1700474400.gpu01.1234.0'), 20 * KiB);
  writeTextFile(path.join(runPath, 'README.md'), '# fine-tuned\n');
  if (o.newestMs !== undefined) ageRun(runPath, steps.map((s) => path.join(runPath, `checkpoint-${s}`)), o.newestMs);

  const checkpoints = steps.map((s) => path.join(runPath, `checkpoint-${s}`));
  const last = checkpoints[checkpoints.length - 1] ?? null;
  const ranked = steps.filter((s) => o.evals.has(s)).sort((a, b) => o.evals.get(a)! - o.evals.get(b)! || b - a);
  const best = o.bestStep !== undefined && steps.includes(o.bestStep) ? o.bestStep : ranked[0];
  const inProgress = o.newestMs === undefined;
  return {
    runPath, checkpoints,
    best: best !== undefined ? path.join(runPath, `checkpoint-${best}`) : null,
    last,
    retentionDeletes: (k) => {
      if (inProgress) return [];
      const keep = new Set<number>([steps[steps.length - 1], ...(best !== undefined ? [best] : []), ...ranked.slice(0, k)]);
      return steps.filter((s) => !keep.has(s)).map((s) => path.join(runPath, `checkpoint-${s}`));
    },
    stateFiles: (cp) => stateFiles.get(cp) ?? [],
    keptFiles: (cp) => keptFiles.get(cp) ?? [],
  };
}

/** Old mtimes: the newest checkpoint at `newestMs`, each older one an hour before the next. */
function ageRun(runPath: string, checkpointsOldestFirst: string[], newestMs: number): void {
  setTreeTimes(runPath, newestMs);
  checkpointsOldestFirst.forEach((cp, i) => setTreeTimes(cp, newestMs - (checkpointsOldestFirst.length - 1 - i) * HOUR));
  const t = new Date(newestMs);
  fs.utimesSync(runPath, t, t);
}

// ---- Lightning --------------------------------------------------------------------------------

export interface LightningRunOptions {
  /** File names with their sizes, oldest first. */
  files: { name: string; bytes: number }[];
  /** last.ckpt as a symlink to this file name. */
  lastLinkTo?: string;
  /** last.ckpt as a regular file of this size. */
  lastFileBytes?: number;
  newestMs?: number;
}

export interface LightningRunInfo extends RunInfo {
  versionDir: string;
  lastLink: string | null;
}

/** lightning_logs/version_N/{hparams.yaml,metrics.csv,checkpoints/*.ckpt} under `versionDir`. */
export function makeLightningRun(versionDir: string, o: LightningRunOptions, expect: { best: string; retentionDeletes: (k: number) => string[] }): LightningRunInfo {
  const runPath = path.join(versionDir, 'checkpoints');
  writeTextFile(path.join(versionDir, 'hparams.yaml'), 'lr: 0.001\nbatch_size: 32\n');
  writeTextFile(path.join(versionDir, 'metrics.csv'), 'epoch,step,train_loss,val_loss\n0,99,1.2,0.9\n');
  const paths = o.files.map((f) => writeRealFile(path.join(runPath, f.name), f.bytes));
  let lastLink: string | null = null;
  if (o.lastLinkTo) {
    lastLink = path.join(runPath, 'last.ckpt');
    fs.symlinkSync(o.lastLinkTo, lastLink);
  } else if (o.lastFileBytes) {
    paths.push(writeRealFile(path.join(runPath, 'last.ckpt'), o.lastFileBytes));
  }
  if (o.newestMs !== undefined) {
    setTreeTimes(versionDir, o.newestMs);
    paths.forEach((p, i) => { const t = new Date(o.newestMs! - (paths.length - 1 - i) * HOUR); fs.utimesSync(p, t, t); });
  }
  const inProgress = o.newestMs === undefined;
  return {
    runPath, versionDir, lastLink,
    checkpoints: lastLink ? [...paths, lastLink] : paths,
    best: path.join(runPath, expect.best),
    last: o.lastLinkTo ? path.join(runPath, o.lastLinkTo) : o.lastFileBytes ? path.join(runPath, 'last.ckpt') : paths[paths.length - 1],
    retentionDeletes: (k) => (inProgress ? [] : expect.retentionDeletes(k).map((n) => path.join(runPath, n))),
  };
}

// ---- the standard scene -----------------------------------------------------------------------

export interface CheckpointScene {
  /** The folder holding everything (a workspace folder in integration tests). */
  root: string;
  /** HF run, 5 checkpoints, eval_loss best at step 400 (recorded by the Trainer), max_steps 3000. */
  hf: HfRunInfo;
  /** HF + DeepSpeed ZeRO with consolidated weights, 3 checkpoints, best at step 200. */
  deepspeed: HfRunInfo;
  /** Lightning, val_loss in names, a -v1 duplicate, last.ckpt -> newest. */
  lightning: LightningRunInfo;
  /** HF run written just now: in progress, nothing proposed. */
  inProgress: HfRunInfo;
  /** A large weight file in no run, and a small one below the threshold. */
  looseWeight: string;
  smallWeight: string;
  /** Threshold that lists looseWeight but not smallWeight (set mlDiskSpace.looseWeightMinMB / looseWeightMinBytes to it). */
  looseWeightMinBytes: number;
}

/**
 * The scene the checkpoint tests share. Old runs are dated `now - 2 days` and earlier; the
 * in-progress run is dated now. Sizes are small (tens of KiB) but real.
 */
export function buildCheckpointScene(root: string, now = Date.now()): CheckpointScene {
  fs.mkdirSync(root, { recursive: true });
  const old = now - 2 * DAY;
  const hf = makeHfRun(path.join(root, 'outputs', 'bert-sst2'), {
    steps: [200, 400, 600, 800, 1000], saveSteps: 200, maxSteps: 3000, evalSteps: 200,
    evals: new Map([[200, 0.9], [400, 0.41], [600, 0.47], [800, 0.52], [1000, 0.55]]),
    bestStep: 400, newestMs: old, logs: true,
  });
  const deepspeed = makeHfRun(path.join(root, 'outputs', 'llama-ds'), {
    steps: [100, 200, 300], saveSteps: 100, maxSteps: 300, evalSteps: 100,
    evals: new Map([[100, 0.8], [200, 0.5], [300, 0.6]]),
    bestStep: 200, deepspeed: true, consolidatedWeights: true, newestMs: old - DAY,
  });
  const lightning = makeLightningRun(path.join(root, 'lightning_logs', 'version_0'), {
    files: [
      { name: 'epoch=0-step=100-val_loss=0.90.ckpt', bytes: 40 * KiB },
      { name: 'epoch=1-step=200-val_loss=0.50.ckpt', bytes: 40 * KiB },
      { name: 'epoch=2-step=300-val_loss=0.30.ckpt', bytes: 40 * KiB },
      { name: 'epoch=2-step=300-val_loss=0.30-v1.ckpt', bytes: 40 * KiB },
      { name: 'epoch=3-step=400-val_loss=0.45.ckpt', bytes: 40 * KiB },
      { name: 'epoch=4-step=500-val_loss=0.60.ckpt', bytes: 40 * KiB },
    ],
    lastLinkTo: 'epoch=4-step=500-val_loss=0.60.ckpt',
    newestMs: old,
  }, {
    // Ties (the -v1 duplicate) rank the newer first: the -v1 file is the best.
    best: 'epoch=2-step=300-val_loss=0.30-v1.ckpt',
    retentionDeletes: (k) => {
      const ranked = ['epoch=2-step=300-val_loss=0.30-v1.ckpt', 'epoch=2-step=300-val_loss=0.30.ckpt', 'epoch=3-step=400-val_loss=0.45.ckpt', 'epoch=1-step=200-val_loss=0.50.ckpt', 'epoch=4-step=500-val_loss=0.60.ckpt', 'epoch=0-step=100-val_loss=0.90.ckpt'];
      const keep = new Set([ranked[0], 'epoch=4-step=500-val_loss=0.60.ckpt', ...ranked.slice(0, k)]);
      return ranked.filter((n) => !keep.has(n)).sort();
    },
  });
  const inProgress = makeHfRun(path.join(root, 'outputs', 'gpt2-live'), {
    steps: [50, 100, 150], saveSteps: 50, maxSteps: 1000, evalSteps: 50,
    evals: new Map([[50, 3.1], [100, 2.9], [150, 2.95]]), bestStep: 100, logs: true,
  });
  const looseWeightMinBytes = 256 * KiB;
  const looseWeight = writeRealFile(path.join(root, 'models', 'final.safetensors'), 300 * KiB);
  const smallWeight = writeRealFile(path.join(root, 'models', 'probe.pt'), 10 * KiB);
  setTreeTimes(path.join(root, 'models'), old);
  return { root, hf, deepspeed, lightning, inProgress, looseWeight, smallWeight, looseWeightMinBytes };
}
