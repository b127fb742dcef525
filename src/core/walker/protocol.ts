// Messages between the walker (main side) and its worker threads. Scheduling itself goes through
// the shared WorkQueue; messages only carry settings in and results and progress out.
import type { WalkError } from './types';
import type { RawNode } from './walkUnit';

/** Given to each worker at spawn (workerData). */
export interface WorkerInit {
  index: number;
  inodeBuffer: SharedArrayBuffer;
  controlBuffer: SharedArrayBuffer;
  arenaBuffer: SharedArrayBuffer;
  /** Niceness this thread adds to its own (threadPriority.ts). */
  nice: number;
}

export interface WalkSettings {
  topN: number;
  detailDepth: number;
  excludeNames: string[];
  excludePaths: string[];
  oneFileSystem: boolean;
  /** Minimum ms between a worker's progress messages. */
  progressIntervalMs: number;
  /** WalkOptions.markers (a RegExp survives the structured clone). */
  markers?: RegExp[];
  collect?: { names: string[]; dirNames: string[]; fileNames: string[]; nested: boolean; topN: number; detailDepth: number; markers?: RegExp[] };
}

/** Join walk `generation`: take units from the queue until the walk is complete or cancelled. */
export interface WalkMessage {
  type: 'walk';
  generation: number;
  settings: WalkSettings;
}

export type ToWorker = WalkMessage;

export type FromWorker =
  | { type: 'ready' }
  /** Cumulative counts of this worker in this walk. */
  | { type: 'progress'; generation: number; files: number; dirs: number; bytes: number; currentPath: string }
  | {
    type: 'unit'; generation: number; unitId: number; node: RawNode; errors: WalkError[]; errorCount: number; cancelled: boolean;
    collected: RawNode[];
    /** Cumulative counts of this worker in this walk, this unit included. */
    files: number; dirs: number; bytes: number;
  }
  /** Collected entries finished so far, sent during the unit so the main side can start on them (none is sent twice). */
  | { type: 'collected'; generation: number; nodes: RawNode[] }
  /** Every unit of the walk has been walked; `units` were created in all. */
  | { type: 'complete'; generation: number; units: number }
  /** This worker left the walk (complete, cancelled, or superseded by a newer walk). */
  | { type: 'walk-done'; generation: number };
