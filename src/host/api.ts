// What `activate()` returns: the model and a few handles for the chart view and the integration
// tests (which run in the same extension host and drive the extension through this and through
// its commands).
import type * as vscode from 'vscode';
import type { ScanModel } from '../core/model';
import type { Confirmer, Notifier } from './prompts';
import type { ModelSource } from './scanService';
import type { StatusState, ThresholdNotification } from './statusBar/freeSpaceStatus';
import type { RenderedRow } from './tree/itemsTree';

export interface ActivationTimings {
  /** Wall time of activate() itself. */
  activateMs: number;
  /** Extension host uptime when activate() was called (host start -> our activation). */
  hostUptimeAtActivationMs: number;
  /** activate() start -> the persisted scan was in memory (undefined: there was none). */
  restoredMs?: number;
  /** activate() start -> the tree first handed out rows (undefined: the view was never drawn with a model). */
  populatedMs?: number;
  /** activate() start -> the view was first visible (0: visible at activation). */
  viewVisibleMs?: number;
  /** Where the model the tree first showed came from. */
  populatedSource?: ModelSource;
  /** activate() start -> the first scan of this session finished. */
  firstScanMs?: number;
  /** The last restoreFromStorage(): start -> model in memory, start -> tree drew it. */
  lastRestore?: { restoredMs?: number; populatedMs?: number };
}

export interface MlDiskSpaceApi {
  /** The model the tree shows (restored from the last session or scanned), undefined before any. */
  getModel(): ScanModel | undefined;
  /** Where the shown model came from: 'persisted' (last session, may be stale) or 'scan' (this session). */
  getModelSource(): ModelSource | undefined;
  readonly onDidChangeModel: vscode.Event<ScanModel | undefined>;
  /** Scans now (joins a running scan) and resolves with its model; check `cancelled`. */
  scanNow(): Promise<ScanModel>;
  isScanning(): boolean;
  /** Shows and selects the item with this model id in the tree; false when the model has no such item. */
  revealItem(id: string): Promise<boolean>;
  /** The tree's rows under a row (root when omitted), rendered by the tree's own code. */
  treeRows(parentTreeId?: string): RenderedRow[];
  /** The rows the tree shows when that row is expanded, including rows a provider adds (e.g. a Docker image's layers), which this may load. */
  loadTreeRows(parentTreeId?: string): Promise<RenderedRow[]>;
  /** The status-bar item's state after its last refresh; refreshStatus() reads free space now. */
  getStatus(): StatusState | undefined;
  refreshStatus(): Promise<StatusState | undefined>;
  thresholdNotifications(): readonly ThresholdNotification[];
  /** A checkpoint-run forecast that will not fit: shown on the status bar as a warning; undefined clears. */
  setForecastWarning(text: string | undefined): void;
  /** Replaces the confirmation dialog / notifications (tests answer them); undefined restores the defaults. */
  setPrompts(prompts: { confirmer?: Confirmer; notifier?: Notifier } | undefined): void;
  /**
   * Does what activation does with an empty window: forgets the in-memory model, shows the
   * persisted scan, and refreshes in the background when the view is visible.
   */
  restoreFromStorage(): Promise<ModelSource | undefined>;
  timings(): ActivationTimings;
  /** Recent lines of the "ML Disk Space" output channel. */
  logLines(): string[];
}
