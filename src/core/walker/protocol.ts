// Messages between the walker (main side) and its worker threads.
import type { WalkError } from './types';
import type { UnitResult } from './walkUnit';

/** Int32 slots of the control SharedArrayBuffer. */
export const CONTROL_CANCEL = 0; // 1 = stop now
export const CONTROL_HUNGRY = 1; // number of workers waiting for a unit
export const CONTROL_SLOTS = 2;

export interface InitMessage {
  type: 'init';
  inodeBuffer: SharedArrayBuffer;
  controlBuffer: SharedArrayBuffer;
}

export interface UnitMessage {
  type: 'unit';
  unitId: number;
  path: string;
  depth: number;
  rootDev: number;
  topN: number;
  detailDepth: number;
  excludeNames: string[];
  excludePaths: string[];
  oneFileSystem: boolean;
  resolveRoot: boolean;
}

export type ToWorker = InitMessage | UnitMessage;

export type FromWorker =
  | { type: 'progress'; files: number; dirs: number; bytes: number; currentPath: string }
  | { type: 'delegate'; parentUnitId: number; unitId: number; path: string; depth: number; rootDev: number }
  | { type: 'done'; unitId: number; result: UnitResult; files: number; dirs: number; bytes: number }
  | { type: 'crash'; unitId: number; error: WalkError };
