// The walker's main side: a pool of worker threads that size trees in parallel. The calling
// thread (the extension host, the CLI) only queues the roots, collects unit results and stitches
// them: no filesystem syscalls happen on it, and no scheduling waits for it, so the editor stays
// responsive during a scan and a busy main thread does not slow the walk.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { backgroundThreadNice } from '../threadPriority';
import { coreCount } from '../workerPool';
import { restoreDescendantPaths } from './collectedPaths';
import { SharedInodeSet } from './inodeSet';
import type { FromWorker, WalkMessage, WalkSettings, WorkerInit } from './protocol';
import { stitch } from './stitch';
import type { WalkError, WalkNode, WalkOptions, WalkProgress, WalkResult } from './types';
import type { RawNode } from './walkUnit';
import { arenaBytesFor, CTL_CANCEL, CTL_DONE_GEN, CTL_OUTSTANDING, CTL_UNITS, CTL_WORKER_UNIT, FLAG_RESOLVE_ROOT, MAX_WORKERS, WorkQueue } from './workQueue';

export interface WalkerOptions {
  /** Worker threads (default: defaultWorkerCount()). */
  workers?: number;
  /** Path of the bundled or compiled walkerWorker.js (default: next to this module). */
  workerPath?: string;
}

/** After a cancel, workers get this long to notice the flag; one stuck in a slow syscall is then replaced. */
const CANCEL_GRACE_MS = 200;
const MAX_KEPT_ERRORS = 1000;
const WORKER_PROGRESS_MS = 100;

interface PoolWorker {
  worker: Worker;
  index: number;
  ready: boolean;
  dead: boolean;
  /** Cumulative counts in the current walk (progress). */
  files: number;
  dirs: number;
  bytes: number;
}

/** What the current walk listens to. */
interface WalkListener {
  generation: number;
  onMessage(p: PoolWorker, message: FromWorker): void;
  onDeath(p: PoolWorker, err: Error): void;
}

/**
 * One thread per core, at most 16. More threads than cores help a cold walk, which waits on the
 * disk (2 cores, 1M-file bench tree: 5.8 s with 4 threads against 7.2 s with 2), but each thread
 * costs ~30 ms to start and they contend when everything is cached (small warm scans 10-25%
 * slower); the `workers` setting / `--workers` raises it.
 */
export function defaultWorkerCount(): number {
  return Math.min(coreCount(), 16);
}

/**
 * One Walker per scan: its inode set is shared by every walk it runs, so a hard-linked file is
 * counted once across all roots and categories of that scan. Walks run one after another.
 * Its threads start at construction (in parallel with whatever the caller does next) and stay
 * unreferenced while no walk runs; close() ends them.
 */
export class Walker {
  readonly inodes = new SharedInodeSet();
  private queue!: WorkQueue;
  private readonly workerCount: number;
  private readonly workerPath: string;
  private pool: PoolWorker[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private generation = 0;
  private listener: WalkListener | undefined;
  /** Set when a thread could not even start (a missing or broken worker script). */
  private broken: Error | undefined;

  constructor(options: WalkerOptions = {}) {
    this.workerCount = Math.max(1, Math.min(MAX_WORKERS, Math.floor(options.workers ?? defaultWorkerCount())));
    this.workerPath = options.workerPath ?? path.join(__dirname, 'walkerWorker.js');
    this.startPool();
  }

  /** Sizes each root. Never rejects for filesystem errors: they are collected in the result. */
  walk(roots: string[], options: WalkOptions = {}): Promise<WalkResult> {
    const run = this.chain.then(() => this.walkNow(roots, options));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Ends the threads while no walk needs them, so their memory goes back to the OS (a scan's
   * last walk is followed by seconds of work on the results); the next walk starts them again.
   * The inode set is kept: hard links stay counted once across walks.
   */
  release(): Promise<void> {
    const run = this.chain.then(async () => {
      const pool = this.pool;
      this.pool = [];
      await Promise.all(pool.map((p) => p.worker.terminate()));
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.chain;
    const pool = this.pool;
    this.pool = [];
    await Promise.all(pool.map((p) => p.worker.terminate()));
  }

  /** (Re)starts every thread with fresh queue buffers (the inode set is kept). */
  private startPool(arenaBytes?: number): void {
    const { controlBuffer, arenaBuffer } = WorkQueue.buffers(arenaBytes);
    this.queue = new WorkQueue(controlBuffer, arenaBuffer);
    this.pool = [];
    for (let i = 0; i < this.workerCount; i++) this.pool.push(this.spawn(i));
  }

  private spawn(index: number): PoolWorker {
    const init: WorkerInit = {
      index,
      inodeBuffer: this.inodes.buffer,
      controlBuffer: this.queue.control.buffer as SharedArrayBuffer,
      arenaBuffer: this.queue.arenaBuffer,
      nice: backgroundThreadNice(),
    };
    const worker = new Worker(this.workerPath, { workerData: init });
    const p: PoolWorker = { worker, index, ready: false, dead: false, files: 0, dirs: 0, bytes: 0 };
    worker.unref();
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') { p.ready = true; return; }
      if (this.pool[index] === p) this.listener?.onMessage(p, message);
    });
    const died = (err: Error) => {
      if (p.dead) return;
      p.dead = true;
      if (this.pool[index] !== p) return; // replaced or terminated on purpose
      if (!p.ready && !this.closed) this.broken ??= new Error(`walker thread could not start (${this.workerPath}): ${err.message}`);
      this.listener?.onDeath(p, err);
    };
    worker.on('error', died);
    worker.on('exit', (code) => { if (!this.closed) died(new Error(`exited with code ${code}`)); });
    return p;
  }

  private walkNow(roots: string[], options: WalkOptions): Promise<WalkResult> {
    if (this.closed) return Promise.reject(new Error('walker is closed'));
    if (this.broken) return Promise.reject(this.broken);
    const started = Date.now();
    const generation = ++this.generation;
    const topN = options.topN ?? 20;
    const settings: WalkSettings = {
      topN,
      detailDepth: options.detailDepth ?? 3,
      excludeNames: options.excludeNames ?? [],
      excludePaths: (options.excludePaths ?? []).map((p) => path.resolve(p)),
      oneFileSystem: options.oneFileSystem ?? true,
      // Workers report at most every 100 ms (cheap: one message per worker), more often if asked.
      progressIntervalMs: Math.min(WORKER_PROGRESS_MS, options.progressIntervalMs ?? 200),
      markers: markersOf(options.markers),
      collect: options.collect && {
        names: options.collect.names, dirNames: options.collect.dirNames ?? [], fileNames: options.collect.fileNames ?? [],
        nested: options.collect.nested ?? true, topN: options.collect.topN ?? topN, detailDepth: options.collect.detailDepth ?? 1,
        markers: markersOf(options.collect.markers),
      },
    };
    if (this.pool.length === 0) this.startPool(); // released
    // A thread that died between walks is replaced now.
    for (const p of this.pool) if (p.dead) this.pool[p.index] = this.spawn(p.index);
    const resolvedRoots = roots.map((r) => path.resolve(r));
    // Every root is queued at once; so many that they would fill the queue's arena (tens of
    // thousands of checkpoint folders) get a pool with a larger one, keeping room for donations.
    const rootBytes = arenaBytesFor(resolvedRoots);
    if (rootBytes > this.queue.arenaBytes / 2) {
      for (const p of this.pool) void p.worker.terminate().catch(() => undefined);
      this.startPool(rootBytes * 2 + (1 << 20));
    }
    const queue = this.queue;
    const control = queue.control;
    const errors: WalkError[] = [];
    let errorCount = 0;
    const units = new Map<number, RawNode>();
    const collected: RawNode[] = [];
    let written = 0; // units lost with a dead thread
    let expectedUnits = -1; // known once the walk is complete
    let cancelled = false;
    let finished = false;
    let lastProgress = 0;
    let currentPath = roots[0] ?? '';
    const left = new Set<PoolWorker>(); // threads still in this walk

    const pushError = (e: WalkError) => { errorCount++; if (errors.length < MAX_KEPT_ERRORS) errors.push(e); };

    return new Promise<WalkResult>((resolve, reject) => {
      const cleanup: (() => void)[] = [];

      const report = (force: boolean) => {
        if (!options.onProgress) return;
        const now = Date.now();
        if (!force && now - lastProgress < (options.progressIntervalMs ?? 200)) return;
        lastProgress = now;
        const progress: WalkProgress = { files: 0, dirs: 0, bytes: 0, currentPath };
        for (const p of this.pool) { progress.files += p.files; progress.dirs += p.dirs; progress.bytes += p.bytes; }
        options.onProgress(progress);
      };

      const finish = () => {
        if (finished) return;
        finished = true;
        this.listener = undefined;
        for (const off of cleanup) off();
        for (const p of this.pool) p.worker.unref();
        report(true);
        const rootNodes: WalkNode[] = roots.map((root, i) => {
          const raw = units.get(i + 1);
          return raw ? stitch(raw, units, topN) : emptyNode(root);
        });
        const result: WalkResult = {
          roots: rootNodes, errors, errorCount, cancelled, durationMs: Date.now() - started,
          units: Math.max(expectedUnits, units.size + written),
        };
        // Collected nodes come complete (nothing below them was given away): nothing to stitch or strip.
        if (settings.collect) result.collected = collected.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        resolve(result);
      };

      const maybeFinish = () => {
        if (expectedUnits >= 0 && units.size + written >= expectedUnits) finish();
        else if (left.size === 0) finish(); // cancelled: every thread has left the walk
      };

      const complete = (count: number) => {
        expectedUnits = count;
        maybeFinish();
      };

      this.listener = {
        generation,
        onMessage: (p, message) => {
          if (finished || message.type === 'ready' || message.generation !== generation) return;
          switch (message.type) {
            case 'progress':
              p.files = message.files; p.dirs = message.dirs; p.bytes = message.bytes;
              currentPath = message.currentPath;
              report(false);
              break;
            case 'collected':
              for (const c of message.nodes) {
                restoreDescendantPaths(c);
                collected.push(c);
              }
              options.onCollected?.(message.nodes);
              break;
            case 'unit':
              units.set(message.unitId, message.node);
              for (const c of message.collected) collected.push(c);
              errorCount += message.errorCount - message.errors.length;
              for (const e of message.errors) pushError(e);
              if (message.cancelled) cancelled = true;
              p.files = message.files; p.dirs = message.dirs; p.bytes = message.bytes;
              report(false);
              maybeFinish();
              break;
            case 'complete':
              complete(message.units);
              break;
            case 'walk-done':
              left.delete(p);
              maybeFinish();
              break;
          }
        },
        onDeath: (p, err) => {
          if (finished) return;
          left.delete(p);
          if (this.broken && !this.pool.some((w) => w.ready && !w.dead)) {
            finished = true;
            this.listener = undefined;
            for (const off of cleanup) off();
            reject(this.broken);
            return;
          }
          // A thread died (out of memory, a bug): its unit is written off and reported; a
          // replacement joins the walk.
          const lost = Atomics.exchange(control, CTL_WORKER_UNIT + p.index, 0);
          pushError({ path: currentPath, code: 'EWORKER', message: `walker thread failed: ${err.message}` });
          const replacement = this.spawn(p.index);
          this.pool[p.index] = replacement;
          replacement.worker.ref();
          left.add(replacement);
          replacement.worker.postMessage(walkMessage);
          if (lost) {
            written++;
            if (Atomics.sub(control, CTL_OUTSTANDING, 1) === 1) {
              Atomics.store(control, CTL_DONE_GEN, generation);
              queue.wakeAll();
              complete(Atomics.load(control, CTL_UNITS));
            }
          }
          maybeFinish();
        },
      };

      const abort = () => {
        if (finished) return;
        cancelled = true;
        Atomics.store(control, CTL_CANCEL, 1);
        queue.wakeAll();
        // Workers check the flag per folder and every 256 entries; one stuck in a slow syscall
        // (a hung network mount) is given up on, and the whole pool restarts with fresh buffers.
        const timer = setTimeout(() => {
          if (finished) return;
          const pool = this.pool;
          this.listener = undefined;
          for (const p of pool) void p.worker.terminate();
          this.startPool();
          finish();
        }, CANCEL_GRACE_MS);
        timer.unref();
      };

      const walkMessage: WalkMessage = { type: 'walk', generation, settings };
      if (options.signal?.aborted) { cancelled = true; finish(); return; }
      if (roots.length === 0) { finish(); return; }
      if (options.signal) {
        const signal = options.signal;
        signal.addEventListener('abort', abort, { once: true });
        cleanup.push(() => signal.removeEventListener('abort', abort));
      }

      queue.reset(generation, roots.length + 1);
      // Pushed last-first: the stack hands out the first root first.
      for (let i = resolvedRoots.length - 1; i >= 0; i--) {
        if (!queue.push(resolvedRoots[i], 0, -1, FLAG_RESOLVE_ROOT, i + 1)) throw new Error('walker queue overflow');
      }
      for (const p of this.pool) {
        p.files = 0; p.dirs = 0; p.bytes = 0;
        left.add(p);
        p.worker.ref();
        p.worker.postMessage(walkMessage);
      }
      report(true);
    });
  }
}

function emptyNode(root: string): WalkNode {
  return {
    name: path.basename(root), path: root, type: 'other', dev: 0, ino: 0,
    bytes: 0, apparentBytes: 0, sharedBytes: 0, files: 0, dirs: 0, hardLinkedFiles: 0, mtimeMs: 0, atimeMs: 0,
  };
}

/** Walks once with a fresh Walker (its own inode set) and closes it. */
export async function walk(roots: string[], options: WalkOptions & WalkerOptions = {}): Promise<WalkResult> {
  const walker = new Walker(options);
  try {
    return await walker.walk(roots, options);
  } finally {
    await walker.close();
  }
}


/** Marker tests as the worker applies them: a `g` or `y` flag would make `test` remember where it stopped. */
function markersOf(markers: RegExp[] | undefined): RegExp[] | undefined {
  if (!markers?.length) return undefined;
  if (markers.length > 31) throw new RangeError('at most 31 markers');
  return markers.map((m) => (m.global || m.sticky ? new RegExp(m.source, m.flags.replace(/[gy]/g, '')) : m));
}
