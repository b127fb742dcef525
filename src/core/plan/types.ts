// Deletion plans: what a delete / purge / retention would remove, computed from a scan and shown
// to the user before anything happens. The executor (executor.ts) re-validates every target
// right before acting on it.

import type { ScanWarning } from '../model';

/** A scan warning and the plan target it touches. */
export interface PlanScanWarning extends ScanWarning {
  /** The target path the warning lies in (or above). */
  target: string;
}

export type TargetType = 'file' | 'dir' | 'symlink';

export interface DeletionTarget {
  /** Absolute path as scanned. */
  path: string;
  /** The scanned root the target was found under; the target must still lie inside it. */
  root: string;
  /** Identity seen by the scan: a target whose dev/ino/type changed since is skipped, not deleted. */
  dev: number;
  ino: number;
  type: TargetType;
  /** Disk bytes this target frees (counted once across the plan). */
  bytes: number;
  /** Item id in the model, when the target is an item. */
  itemId?: string;
  /** Shown in confirmations and summaries. */
  label?: string;
  /**
   * What the target is part of, for the confirmation: targets of one group are one line with their
   * summed bytes (an HF revision: its snapshot, refs and blobs), see plan/targetGroups.ts.
   */
  group?: string;
}

export interface DeletionPlan {
  /** What the plan does, e.g. "Delete 3 checkpoints", "Purge pip cache". */
  title: string;
  /** When the scan the plan was made from finished (ms since epoch); old plans are refused. */
  scannedAt: number;
  /** Executed in this order (DESIGN: HF repo folders -> snapshots -> refs -> blobs). */
  targets: DeletionTarget[];
  /** Exact bytes the plan frees: the sum of target bytes. */
  bytes: number;
  /** Target bytes were measured as freed bytes (hard links outside the plan count for nothing): see withFreedBytes. */
  bytesMeasured?: boolean;
  /** Paths that must survive the plan and why (shown as "kept"). */
  keep?: { path: string; reason: string }[];
  /** Set only by "purge cache" plans: allows a target equal to its root (the cache folder itself). */
  allowRootTargets?: boolean;
  /** The plan touches an in-progress run: the UI must ask a second, explicit confirmation. */
  needsSecondConfirmation?: string;
  /** Extra words for the confirmation (e.g. data-loss warnings). */
  warnings?: string[];
  /**
   * Hugging Face shared blob store: manifests (`<hash>.refs`) of payloads that stay, to rewrite
   * without the links this plan deletes (hf/manifestEdits.ts, after the plan ran).
   */
  hfManifestEdits?: { hubRoot: string; manifest: string; links: string[] }[];
  /** Scan warnings inside (or above) a target: what the plan could not count (planWarnings.ts). */
  scanWarnings?: PlanScanWarning[];
}

export type DeleteMode = 'permanent' | 'trash';

export interface TargetOutcome {
  path: string;
  label?: string;
  bytes: number;
  /** 'deleted', or why not: 'skipped' (changed since the scan, refused by a guard) or 'failed' (an error while deleting). */
  status: 'deleted' | 'skipped' | 'failed';
  /** errno code or our own reason code ('changed', 'outside-root', 'mount-point', 'is-root', 'cancelled', ...). */
  code?: string;
  message?: string;
}

export interface ExecutionReport {
  title: string;
  outcomes: TargetOutcome[];
  /** Bytes of the deleted targets (as planned). */
  bytesFreed: number;
  cancelled: boolean;
  /** Roots whose model is now stale and should be rescanned. */
  touchedRoots: string[];
}

export function planBytes(targets: DeletionTarget[]): number {
  return targets.reduce((sum, t) => sum + t.bytes, 0);
}
