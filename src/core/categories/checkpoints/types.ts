// Shapes of what the checkpoint discovery finds: runs (a folder holding a series of checkpoints),
// their checkpoints, and loose weight files that belong to no run. Everything here is plain data
// (JSON-safe), so the scan model's items can carry it and plans can be rebuilt from the model.
import type { TargetType } from '../../plan/types';

/** How a checkpoint was written. 'other' = matched a user checkpoint glob but no known layout. */
export type CheckpointFormat = 'hf' | 'deepspeed' | 'lightning' | 'other';

export type MetricDirection = 'min' | 'max';

export interface MetricValue {
  name: string;
  value: number;
}

/** A file or folder as the scan saw it: enough to re-validate it before deleting. */
export interface ScannedEntry {
  /** Absolute path below `root`, as discovered (no symlink in it below the root). */
  path: string;
  /** The scanned root it was found under. */
  root: string;
  dev: number;
  ino: number;
  type: TargetType;
  /** Disk usage (st_blocks x 512), hard links counted once across the scan. */
  bytes: number;
  /** Apparent size (st_size sum). */
  apparentBytes: number;
  /** Newest mtime in it (ms since epoch). */
  modifiedMs: number;
}

/** One file or folder that "slim" would remove from a checkpoint (optimizer / scheduler / RNG / DeepSpeed state). */
export type SlimPart = Omit<ScannedEntry, 'root' | 'modifiedMs'>;

export interface Checkpoint extends ScannedEntry {
  /** File or folder name, e.g. 'checkpoint-400', 'epoch=3-val_loss=0.021.ckpt'. */
  name: string;
  format: CheckpointFormat;
  /** The run folder holding it. */
  runPath: string;
  step: number | null;
  epoch: number | null;
  /** Lightning `-vN` collision suffix. */
  version: number | null;
  /** The run's ranking metric at this checkpoint, when known. */
  metric: MetricValue | null;
  /** Every metric known for this checkpoint (from its file name or from log_history at its step). */
  metrics: Record<string, number>;
  /** The best checkpoint of its run (from trainer_state.json or the metric in file names). */
  best: boolean;
  /** The newest checkpoint of its run (or `last.ckpt`, or the target of a `last.ckpt` link). */
  last: boolean;
  /** `last.ckpt` (or `last-vN.ckpt`) by name. */
  lastByName: boolean;
  /** For a symlink (last.ckpt -> epoch=…): the resolved target, or null when it dangles. */
  linkTarget?: string | null;
  /** Why `linkTarget` is kept (set on the target): the link names it. */
  linkedFrom?: string[];
  /** HF / DeepSpeed folders: what slimming would remove, and whether loadable weights stay. */
  slimParts: SlimPart[];
  /** True when weights that load without the removed state were found (consolidated weights). */
  hasWeights: boolean;
  /** DeepSpeed `global_step*` state inside (or it is one). */
  deepspeed: boolean;
  /** Why it is half-written (a crash while saving): never best or last, offered for deletion. */
  incomplete?: string;
}

/** The facts read from the newest usable trainer_state.json of an HF run. */
export interface TrainerStateSummary {
  /** The file the facts come from. */
  path: string;
  globalStep: number | null;
  maxSteps: number | null;
  saveSteps: number | null;
  epoch: number | null;
  numTrainEpochs: number | null;
  bestMetric: number | null;
  bestGlobalStep: number | null;
  bestModelCheckpoint: string | null;
  /** True when only top-level numbers could be recovered (file too large or malformed). */
  partial: boolean;
}

export interface Forecast {
  /** Bytes the run still needs to finish with its current save policy (no rotation assumed). */
  bytesNeeded: number;
  stepsLeft: number;
  savesLeft: number;
  /** Steps between saves used for the forecast, and where it came from. */
  saveInterval: number;
  saveIntervalSource: 'save_steps' | 'checkpoint spacing' | 'epoch';
  /** How sure the forecast is: 'high' = several saves spaced alike; 'low' = one checkpoint and a guess. */
  confidence: 'high' | 'medium' | 'low';
  /** What the save interval rests on, in words ("spacing of 3 saves", "one checkpoint, at an epoch end"). */
  basis: string;
  /** Size of the newest checkpoint, the unit of the forecast. */
  checkpointBytes: number;
  /** Free space for an unprivileged user on the run's volume (statfs f_bavail), when known. */
  availableBytes: number | null;
  /** False when the remaining saves will not fit in `availableBytes`. */
  fits: boolean | null;
  /** The step of the first save that will not fit, when `fits` is false. */
  runsOutAtStep: number | null;
  /** "needs ~138 GB more to finish; 43 GB free — runs out near step 5600". */
  message: string;
}

export interface Run {
  /** The folder holding the checkpoints. */
  path: string;
  root: string;
  /** Path relative to its root (the root's name when the run is the root itself). */
  label: string;
  format: CheckpointFormat;
  dev: number;
  ino: number;
  /** Oldest first (step, then epoch, then mtime). */
  checkpoints: Checkpoint[];
  bytes: number;
  apparentBytes: number;
  newestMs: number;
  oldestMs: number;
  /** Newest change seen in the run (checkpoints, the run folder, its logs). */
  activityMs: number;
  /** Changed within `activeRunMinutes`: may still be training. */
  inProgress: boolean;
  /** The metric checkpoints are ranked by, and which way is better. */
  metricName: string | null;
  metricDirection: MetricDirection | null;
  /** Where "best" came from, e.g. 'trainer_state.json best_model_checkpoint', 'val_loss in file names'. */
  bestSource: string | null;
  trainerState: TrainerStateSummary | null;
  forecast: Forecast | null;
  /** Problems met while reading the run (malformed trainer_state.json, …), shown on the run. */
  problems: string[];
}

export interface LooseWeight extends ScannedEntry {
  name: string;
}

export interface CheckpointScan {
  runs: Run[];
  loose: LooseWeight[];
  /** Paths (as walked, symlinks in roots resolved) the category accounts for. */
  claimedPaths: string[];
  cancelled: boolean;
}
