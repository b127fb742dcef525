// The walker's main side: a pool of worker threads that size trees in parallel. The calling
// thread (the extension host, the CLI) only schedules units and merges results: no filesystem
// syscalls happen on it, so the editor stays responsive during a scan.
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { SharedInodeSet } from './inodeSet';
import { CONTROL_CANCEL, CONTROL_HUNGRY, CONTROL_SLOTS, type FromWorker, type UnitMessage } from './protocol';
import { stitch } from './stitch';
import type { WalkError, WalkNode, WalkOptions, WalkProgress, WalkResult } from './types';
import type { UnitResult } from './walkUnit';

export interface WalkerOptions {
  /** Worker threads (default: available cores, at most 16). */
  workers?: number;
  /** Path of the bundled or compiled walkerWorker.js (default: next to this module). */
  workerPath?: string;
}

const CANCEL_GRACE_MS = 200;

interface PoolWorker { worker: Worker; index: number; unitId: number | undefined; files: number; bytes: number }

/**
 * One Walker per scan: its inode set is shared by every walk it runs, so a hard-linked file is
 * counted once across all roots and categories of that scan. Walks run one after another.
 */
export class Walker {
  readonly inodes = new SharedInodeSet();
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  private readonly workerCount: number;
  private readonly workerPath: string;
  private pool: PoolWorker[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: WalkerOptions = {}) {
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    this.workerCount = Math.max(1, options.workers ?? Math.min(cores, 16));
    this.workerPath = options.workerPath ?? path.join(__dirname, 'walkerWorker.js');
  }

  /** Sizes each root. Never rejects for filesystem errors: they are collected in the result. */
  walk(roots: string[], options: WalkOptions = {}): Promise<WalkResult> {
    const run = this.queue.then(() => this.walkNow(roots, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await Promise.all(this.pool.map((p) => p.worker.terminate()));
    this.pool = [];
  }

  private spawn(index: number): PoolWorker {
    const worker = new Worker(this.workerPath);
    worker.postMessage({ type: 'init', inodeBuffer: this.inodes.buffer, controlBuffer: this.control.buffer, serial: index + 1 });
    return { worker, index, unitId: undefined, files: 0, bytes: 0 };
  }

  private walkNow(roots: string[], options: WalkOptions): Promise<WalkResult> {
    if (this.closed) return Promise.reject(new Error('walker is closed'));
    const started = Date.now();
    const topN = options.topN ?? 20;
    const detailDepth = options.detailDepth ?? 3;
    const settings = {
      topN, detailDepth,
      excludeNames: options.excludeNames ?? [],
      excludePaths: (options.excludePaths ?? []).map((p) => path.resolve(p)),
      oneFileSystem: options.oneFileSystem ?? true,
    };
    const errors: WalkError[] = [];
    let errorCount = 0;
    const units = new Map<number, UnitResult['node']>();
    const waiting: UnitMessage[] = [];
    const idle: PoolWorker[] = [];
    let outstanding = 0; // units sent or queued, not yet done
    let done = { files: 0, dirs: 0, bytes: 0 };
    let lastProgress = 0;
    let currentPath = roots[0] ?? '';
    let cancelled = false;

    while (this.pool.length < Math.min(this.workerCount, Math.max(1, roots.length * 64))) this.pool.push(this.spawn(this.pool.length));
    Atomics.store(this.control, CONTROL_CANCEL, 0);
    Atomics.store(this.control, CONTROL_HUNGRY, 0);

    return new Promise<WalkResult>((resolve) => {
      let finished = false;
      const listeners: (() => void)[] = [];

      const finish = () => {
        if (finished) return;
        finished = true;
        for (const off of listeners) off();
        for (const p of this.pool) { p.worker.unref(); p.unitId = undefined; }
        const rootNodes: WalkNode[] = roots.map((root, i) => {
          const raw = units.get(i + 1);
          if (!raw) return emptyNode(root);
          return stitch(raw, units, topN);
        });
        resolve({ roots: rootNodes, errors, errorCount, cancelled, durationMs: Date.now() - started });
      };

      const report = (force = false) => {
        if (!options.onProgress) return;
        const now = Date.now();
        if (!force && now - lastProgress < (options.progressIntervalMs ?? 200)) return;
        lastProgress = now;
        const progress: WalkProgress = { files: done.files, dirs: done.dirs, bytes: done.bytes, currentPath };
        for (const p of this.pool) { progress.files += p.files; progress.bytes += p.bytes; }
        options.onProgress(progress);
      };

      const hungry = () => Atomics.store(this.control, CONTROL_HUNGRY, Math.max(0, idle.length - waiting.length));

      const dispatch = (p: PoolWorker, unit: UnitMessage) => {
        p.unitId = unit.unitId;
        p.files = 0;
        p.bytes = 0;
        p.worker.ref();
        p.worker.postMessage(unit);
      };

      const submit = (unit: UnitMessage) => {
        const p = idle.pop();
        if (p) dispatch(p, unit); else waiting.push(unit);
        hungry();
      };

      const settle = (p: PoolWorker) => {
        p.unitId = undefined;
        p.files = 0;
        p.bytes = 0;
        outstanding--;
        if (outstanding === 0 || (cancelled && this.pool.every((w) => w.unitId === undefined))) return finish();
        const next = cancelled ? undefined : waiting.shift();
        if (next) dispatch(p, next);
        else { p.worker.unref(); idle.push(p); }
        hungry();
      };

      const onMessage = (p: PoolWorker) => (message: FromWorker) => {
        switch (message.type) {
          case 'progress':
            p.files = message.files;
            p.bytes = message.bytes;
            currentPath = message.currentPath;
            report();
            break;
          case 'delegate':
            outstanding++;
            submit({ ...settings, type: 'unit', unitId: message.unitId, path: message.path, depth: message.depth, rootDev: message.rootDev, resolveRoot: false });
            break;
          case 'done': {
            const r = message.result;
            units.set(message.unitId, r.node);
            errorCount += r.errorCount;
            for (const e of r.errors) if (errors.length < 1000) errors.push(e);
            if (r.cancelled) cancelled = true;
            done = { files: done.files + r.node.files, dirs: done.dirs + r.node.dirs, bytes: done.bytes + r.node.bytes };
            settle(p);
            report();
            break;
          }
          case 'crash':
            errorCount++;
            errors.push(message.error);
            settle(p);
            break;
        }
      };

      const onError = (p: PoolWorker) => (err: Error) => {
        // A worker died (out of memory, a bug): report it, replace the worker, keep going.
        errorCount++;
        errors.push({ path: currentPath, code: 'EWORKER', message: `walker thread failed: ${err.message}` });
        const replacement = this.spawn(p.index);
        this.pool[this.pool.indexOf(p)] = replacement;
        attach(replacement);
        if (p.unitId !== undefined) { p.unitId = undefined; outstanding--; }
        if (outstanding === 0) return finish();
        const next = waiting.shift();
        if (next) dispatch(replacement, next); else idle.push(replacement);
      };

      const attach = (p: PoolWorker) => {
        const m = onMessage(p);
        const e = onError(p);
        p.worker.on('message', m);
        p.worker.on('error', e);
        listeners.push(() => { p.worker.off('message', m); p.worker.off('error', e); });
      };

      for (const p of this.pool) attach(p);

      const abort = () => {
        if (finished) return;
        cancelled = true;
        waiting.length = 0;
        Atomics.store(this.control, CONTROL_CANCEL, 1);
        // Workers check the flag every 1024 entries; one stuck in a slow syscall is replaced.
        setTimeout(() => {
          if (finished) return;
          for (const p of this.pool) {
            if (p.unitId === undefined) continue;
            void p.worker.terminate();
            const replacement = this.spawn(p.index);
            this.pool[this.pool.indexOf(p)] = replacement;
          }
          finish();
        }, CANCEL_GRACE_MS).unref();
      };
      if (options.signal) {
        if (options.signal.aborted) { cancelled = true; }
        else {
          options.signal.addEventListener('abort', abort, { once: true });
          listeners.push(() => options.signal!.removeEventListener('abort', abort));
        }
      }

      if (roots.length === 0 || cancelled) return finish();
      idle.push(...this.pool);
      roots.forEach((root, i) => {
        outstanding++;
        submit({ ...settings, type: 'unit', unitId: i + 1, path: path.resolve(root), depth: 0, rootDev: -1, resolveRoot: true });
      });
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
