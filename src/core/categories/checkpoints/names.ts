// What file and folder names say about checkpoints: HF Trainer `checkpoint-<step>`, DeepSpeed
// `global_step<N>`, Lightning `epoch=3-val_loss=0.021-v1.ckpt` / `last.ckpt`, and which files of
// an HF checkpoint are training state (slimmable) versus weights and configs (kept).
import type { MetricDirection } from './types';

export const HF_CHECKPOINT_RE = /^checkpoint-(\d+)$/;
export const DEEPSPEED_STEP_RE = /^global_step(\d+)$/;

/** Step of an HF `checkpoint-<step>` folder name, else null. */
export function hfStep(name: string): number | null {
  const m = HF_CHECKPOINT_RE.exec(name);
  return m ? safeInt(m[1]) : null;
}

/** Step of a DeepSpeed `global_step<N>` folder name, else null. */
export function deepspeedStep(name: string): number | null {
  const m = DEEPSPEED_STEP_RE.exec(name);
  return m ? safeInt(m[1]) : null;
}

function safeInt(text: string): number | null {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

export interface LightningName {
  epoch: number | null;
  step: number | null;
  /** `-vN` suffix Lightning adds when a name collides. */
  version: number | null;
  /** `last.ckpt` / `last-vN.ckpt`. */
  last: boolean;
  /** Metrics from `name=value` parts (epoch and step excluded). */
  metrics: Record<string, number>;
}

// `name=value` with a value as Lightning formats it: ints, decimals, exponents, signed, nan/inf.
const PART_RE = /([A-Za-z_][A-Za-z0-9_.]*)=(-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|-?inf|nan)(?![A-Za-z0-9_])/g;

/**
 * Parses a Lightning checkpoint file name. Names from templates without `name=` parts
 * (auto_insert_metric_name=False) yield no metrics; that is not an error.
 */
export function parseLightningName(fileName: string): LightningName {
  let stem = fileName.endsWith('.ckpt') ? fileName.slice(0, -'.ckpt'.length) : fileName;
  let version: number | null = null;
  const v = /-v(\d+)$/.exec(stem);
  if (v) {
    version = safeInt(v[1]);
    stem = stem.slice(0, v.index);
  }
  const last = stem === 'last' || stem.startsWith('last-') || stem.startsWith('last_');
  const metrics: Record<string, number> = {};
  let epoch: number | null = null;
  let step: number | null = null;
  // Bounded input (a file name is at most 255 bytes), linear regex: safe on hostile names.
  for (const m of stem.slice(0, 1024).matchAll(PART_RE)) {
    const key = m[1];
    const value = Number(m[2] === 'inf' ? Infinity : m[2] === '-inf' ? -Infinity : m[2]);
    if (key === 'epoch') epoch = Number.isSafeInteger(value) && value >= 0 ? value : epoch;
    else if (key === 'step' || key === 'global_step') step = Number.isSafeInteger(value) && value >= 0 ? value : step;
    else if (!Number.isNaN(value) && key !== '__proto__' && !Object.prototype.hasOwnProperty.call(metrics, key)) metrics[key] = value;
  }
  return { epoch, step, version, last, metrics };
}

/** Tokens that mark a metric where greater is better (a token match, so `mape` is not `map`). */
export const DEFAULT_GREATER_IS_BETTER = [
  'acc', 'accuracy', 'f1', 'auc', 'auroc', 'auprc', 'ap', 'map', 'bleu', 'rouge', 'rouge1', 'rouge2', 'rougel', 'rougelsum',
  'meteor', 'chrf', 'iou', 'miou', 'dice', 'precision', 'recall', 'score', 'reward', 'top1', 'top5', 'r2', 'psnr', 'ssim', 'exact', 'em',
];

/**
 * Which way a metric improves. Anything named like a loss is lower-is-better; names (or name
 * tokens) in `greaterIsBetter` are greater-is-better; everything else is lower-is-better, which
 * is Lightning's ModelCheckpoint default (mode="min").
 */
export function metricDirection(name: string, greaterIsBetter: readonly string[] = DEFAULT_GREATER_IS_BETTER): MetricDirection {
  const lower = name.toLowerCase();
  const wanted = new Set(greaterIsBetter.map((g) => g.toLowerCase()));
  if (wanted.has(lower)) return 'max';
  if (lower.includes('loss')) return 'min';
  const tokens = lower.split(/[^a-z0-9]+/).filter(Boolean);
  return tokens.some((t) => wanted.has(t)) ? 'max' : 'min';
}

/** `a` is better than `b` for this direction. */
export function isBetter(a: number, b: number, direction: MetricDirection): boolean {
  return direction === 'min' ? a < b : a > b;
}

// ---- HF checkpoint contents -------------------------------------------------------------------

/** Training state written next to the weights; none of it is needed to load the model. */
export function isTrainingStateName(name: string): boolean {
  return (
    /^optimizer(\.pt|\.bin|_\d+(\.pt|\.bin)?)$/.test(name) || // optimizer.pt, accelerate optimizer.bin, FSDP optimizer_0/
    /^scheduler(\.pt|\.bin)$/.test(name) ||
    /^scaler(\.pt|\.bin)$/.test(name) ||
    /^rng_state(_\d+)?\.pth$/.test(name) ||
    /^random_states_\d+\.pkl$/.test(name) // accelerate save_state
  );
}

/** DeepSpeed optimizer shards (ZeRO): `zero_pp_rank_0_mp_rank_00_optim_states.pt`, `bf16_zero_pp_rank_…_optim_states.pt`. */
export const DEEPSPEED_OPTIMIZER_SHARD_RE = /optim_states\.pt$/;

export function isDeepspeedOptimizerShard(name: string): boolean {
  return DEEPSPEED_OPTIMIZER_SHARD_RE.test(name);
}

/**
 * Weights that load on their own (not DeepSpeed shards): model.safetensors, sharded files, adapters,
 * FSDP weight folders. One expression, so the walker can test names with it (a folder's `markers`).
 * No training-state name (isTrainingStateName) nor training_args.bin matches it: a test says so.
 */
export const WEIGHT_NAME_RE = /\.safetensors$|^(pytorch_model|model|adapter_model|diffusion_pytorch_model)(-\d+-of-\d+)?\.(bin|pt|pth)$|^(tf_model\.h5|flax_model\.msgpack)$|^pytorch_model_fsdp_\d+$/;

export function isWeightName(name: string): boolean {
  return WEIGHT_NAME_RE.test(name);
}

/** File types listed as loose weights when they belong to no run. */
export const LOOSE_WEIGHT_EXTENSIONS = ['.pt', '.pth', '.bin', '.safetensors', '.ckpt'];

export function isLooseWeightName(name: string): boolean {
  if (name === 'training_args.bin') return false;
  return LOOSE_WEIGHT_EXTENSIONS.some((ext) => name.endsWith(ext));
}
