// Messages between treeRemover.ts (main thread) and removeTreeWorker.ts.
import type { RemoveResult } from './removeTree';

/** Int32 slots of the buffer shared with the worker. */
export const SLOT_CANCEL = 0;
/** Bumped by the main thread each time it has handled an 'entry' message (the worker waits on it). */
export const SLOT_ACK = 1;
export const SHARED_SLOTS = 2;

export interface RemoveRequest {
  type: 'remove';
  id: number;
  /** The parent folder as the main thread holds it open (its /proc/self/fd/N prefix, or its path). */
  parentBase: Uint8Array;
  parentDisplay: string;
  parentAnchored: boolean;
  name: Uint8Array;
  seen: { dev: number; ino: number };
  rootDev: number;
  rootMountId: number | undefined;
  mountPoints: string[] | undefined;
  progressIntervalMs: number;
  shared: SharedArrayBuffer;
}

export type FromRemoveWorker =
  | { type: 'entry'; id: number; path: string }
  | { type: 'done'; id: number; result: RemoveResult }
  | { type: 'failed'; id: number; message: string };
