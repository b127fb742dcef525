// The walk's work queue in shared memory. Workers take units (folders to size) from it and push
// the subfolders they give away onto it themselves, so handing work from a busy worker to an idle
// one never waits for the main thread (which, in the extension host, may be busy elsewhere).
//
// Control words (Int32, Atomics only) and a byte arena holding a LIFO stack of unit records:
//   [path bytes, padded to 8][header: pathLength u32, unitId i32, depth i32, flags u32, rootDev f64]
// Paths travel as raw bytes, so a folder whose name is not valid UTF-8 is still reachable.
// The stack is guarded by a spin lock held for a few dozen instructions at a time.

export const CTL_CANCEL = 0; // 1 = stop now
export const CTL_LOCK = 1; // spin lock over the arena and QUEUED/IDLE
export const CTL_QUEUED = 2; // units waiting in the arena
export const CTL_IDLE = 3; // workers waiting for a unit
export const CTL_OUTSTANDING = 4; // units queued or being walked; the walk is complete when it drops to 0
export const CTL_DONE_GEN = 5; // generation of the last completed walk
export const CTL_NEXT_ID = 6; // next unit id
export const CTL_TOP = 7; // bytes used in the arena
export const CTL_WAKE = 8; // futex word idle workers sleep on
export const CTL_GEN = 9; // generation of the walk in progress
export const CTL_UNITS = 10; // units created in this walk (roots included)
/** Per worker: the unit it is walking (0 = none), so a dead worker's unit can be written off. */
export const CTL_WORKER_UNIT = 16;
export const MAX_WORKERS = 64;
export const CONTROL_BYTES = (CTL_WORKER_UNIT + MAX_WORKERS) * 4;

export const FLAG_RESOLVE_ROOT = 1;

const HEADER = 24;
/** Address space only: pages are committed when written, and the stack rarely holds more than the roots. */
const DEFAULT_ARENA = 16 << 20;

export interface QueuedUnit {
  unitId: number;
  path: string | Buffer;
  depth: number;
  rootDev: number;
  flags: number;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Arena bytes that queuing these paths takes. */
export function arenaBytesFor(paths: readonly string[]): number {
  let total = 0;
  for (const p of paths) total += align8(Buffer.byteLength(p, 'utf8')) + HEADER;
  return total;
}

/** A path as bytes for the arena, and back: valid UTF-8 comes back as a string, anything else as a Buffer. */
function toBytes(p: string | Buffer): Buffer {
  return typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
}
function fromBytes(bytes: Buffer): string | Buffer {
  const s = bytes.toString('utf8');
  if (!s.includes('\ufffd') || Buffer.from(s, 'utf8').equals(bytes)) return s;
  return bytes;
}

export class WorkQueue {
  readonly control: Int32Array;
  readonly arenaBuffer: SharedArrayBuffer;
  readonly arenaBytes: number;
  private readonly arena: Uint8Array;
  private readonly view: DataView;

  constructor(controlBuffer: SharedArrayBuffer, arenaBuffer: SharedArrayBuffer) {
    this.control = new Int32Array(controlBuffer);
    this.arenaBuffer = arenaBuffer;
    this.arenaBytes = arenaBuffer.byteLength;
    this.arena = new Uint8Array(arenaBuffer);
    this.view = new DataView(arenaBuffer);
  }

  static buffers(arenaBytes = DEFAULT_ARENA): { controlBuffer: SharedArrayBuffer; arenaBuffer: SharedArrayBuffer } {
    return { controlBuffer: new SharedArrayBuffer(CONTROL_BYTES), arenaBuffer: new SharedArrayBuffer(arenaBytes) };
  }

  lock(): void {
    const c = this.control;
    let spins = 0;
    while (Atomics.compareExchange(c, CTL_LOCK, 0, 1) !== 0) {
      // The holder was descheduled (a busy machine): sleep briefly instead of burning its core.
      if (++spins > 100) Atomics.wait(c, CTL_LOCK, 1, 1);
    }
  }

  unlock(): void {
    Atomics.store(this.control, CTL_LOCK, 0);
    Atomics.notify(this.control, CTL_LOCK, 1);
  }

  /** Resets the control words for a new walk (main thread, while no worker is in a walk). */
  reset(generation: number, firstUnitId: number): void {
    const c = this.control;
    // CTL_IDLE is not reset: threads of the previous walk still waking up decrement it themselves.
    for (const slot of [CTL_CANCEL, CTL_QUEUED, CTL_OUTSTANDING, CTL_TOP, CTL_UNITS]) Atomics.store(c, slot, 0);
    for (let i = 0; i < MAX_WORKERS; i++) Atomics.store(c, CTL_WORKER_UNIT + i, 0);
    Atomics.store(c, CTL_NEXT_ID, firstUnitId);
    Atomics.store(c, CTL_GEN, generation);
  }

  /**
   * Queues a unit and wakes one idle worker. `unitId` 0 = take the next free id. Returns the id,
   * or 0 when the arena is full (the caller walks the folder itself).
   */
  push(path: string | Buffer, depth: number, rootDev: number, flags = 0, unitId = 0): number {
    const bytes = toBytes(path);
    const need = align8(bytes.length) + HEADER;
    const c = this.control;
    this.lock();
    const top = c[CTL_TOP];
    if (top + need > this.arena.length) {
      this.unlock();
      return 0;
    }
    const id = unitId || Atomics.add(c, CTL_NEXT_ID, 1);
    this.arena.set(bytes, top);
    const h = top + align8(bytes.length);
    this.view.setUint32(h, bytes.length, true);
    this.view.setInt32(h + 4, id, true);
    this.view.setInt32(h + 8, depth, true);
    this.view.setUint32(h + 12, flags, true);
    this.view.setFloat64(h + 16, rootDev, true);
    c[CTL_TOP] = top + need;
    c[CTL_QUEUED]++;
    Atomics.add(c, CTL_OUTSTANDING, 1);
    Atomics.add(c, CTL_UNITS, 1);
    Atomics.add(c, CTL_WAKE, 1);
    this.unlock();
    Atomics.notify(c, CTL_WAKE, 1);
    return id;
  }

  /** Takes the newest unit; the caller holds the lock. */
  popLocked(): QueuedUnit | undefined {
    const c = this.control;
    if (c[CTL_QUEUED] === 0) return undefined;
    const h = c[CTL_TOP] - HEADER;
    const length = this.view.getUint32(h, true);
    const unit: QueuedUnit = {
      unitId: this.view.getInt32(h + 4, true),
      depth: this.view.getInt32(h + 8, true),
      flags: this.view.getUint32(h + 12, true),
      rootDev: this.view.getFloat64(h + 16, true),
      path: '',
    };
    const start = h - align8(length);
    unit.path = fromBytes(Buffer.from(this.arena.slice(start, start + length).buffer));
    c[CTL_TOP] = start;
    c[CTL_QUEUED]--;
    return unit;
  }

  /** How many more units idle workers could take right now (a racy hint, read without the lock). */
  hunger(): number {
    return Atomics.load(this.control, CTL_IDLE) - Atomics.load(this.control, CTL_QUEUED);
  }

  cancelled(): boolean {
    return Atomics.load(this.control, CTL_CANCEL) !== 0;
  }

  /** Wakes every sleeping worker (cancel, walk complete). */
  wakeAll(): void {
    Atomics.add(this.control, CTL_WAKE, 1);
    Atomics.notify(this.control, CTL_WAKE);
  }
}
