// Runs the remover (removeTree.ts) in a worker thread, one folder at a time, and hands its
// result back as a promise. One worker serves every folder of a plan (started on first use,
// ended by close()), so a plan of many small checkpoints pays its start-up once.
//
// Cancel: the AbortSignal sets a flag in a buffer shared with the worker, which reads it before
// every entry. Progress: the worker posts the entry it just removed at most every
// `progressIntervalMs` and waits until `onEntry` has run here, so a caller that cancels or looks
// at the tree from its progress callback does so between two entries.
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { Stats } from 'fs';
import type { DirHandle } from './dirHandle';
import { joinDisplay } from './dirHandle';
import type { RemoveContext, RemoveResult } from './removeTree';
import { SHARED_SLOTS, SLOT_ACK, SLOT_CANCEL, type FromRemoveWorker, type RemoveRequest } from './removeTreeProtocol';

/** Where the worker script sits: dist/removeTreeWorker.js in the bundle, beside this module under tsc. */
export const REMOVE_WORKER_PATH = path.join(__dirname, 'removeTreeWorker.js');
const DEFAULT_PROGRESS_INTERVAL_MS = 100;

export interface TreeRemover {
  /** Removes folder `name` of `parent` (lstat'ed just before as `seen`); never rejects. */
  remove(parent: DirHandle, name: Buffer, seen: Stats, ctx: RemoveContext): Promise<RemoveResult>;
  /** Ends the worker (idempotent); a later remove() starts a new one. */
  close(): Promise<void>;
}

interface Pending {
  id: number;
  onMessage(message: FromRemoveWorker): void;
  onGone(reason: string): void;
}

export function createTreeRemover(workerPath = REMOVE_WORKER_PATH): TreeRemover {
  let worker: Worker | undefined;
  let pending: Pending | undefined;
  let nextId = 0;
  /** One folder at a time: a second remove() waits for the first. */
  let queue: Promise<unknown> = Promise.resolve();

  const start = (): Worker => {
    const w = new Worker(workerPath);
    w.on('message', (m: FromRemoveWorker) => {
      if (pending && m.id === pending.id) pending.onMessage(m);
    });
    w.on('error', (err) => pending?.onGone(err.message));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      pending?.onGone(`it exited with code ${code}`);
    });
    w.unref();
    return w;
  };

  const removeOne = (parent: DirHandle, name: Buffer, seen: Stats, ctx: RemoveContext): Promise<RemoveResult> => {
    const display = joinDisplay(parent.displayPath, name);
    const failure = (message: string, removedEntries = 0): RemoveResult => ({
      complete: false,
      removedEntries,
      errors: [{ path: display, code: 'EREMOVER', message }],
      errorCount: 1,
      cancelled: ctx.signal?.aborted === true,
    });
    const shared = new Int32Array(new SharedArrayBuffer(SHARED_SLOTS * Int32Array.BYTES_PER_ELEMENT));
    const cancel = () => Atomics.store(shared, SLOT_CANCEL, 1);
    if (ctx.signal?.aborted) cancel();
    let w: Worker;
    try {
      w = worker ??= start();
    } catch (err) {
      return Promise.resolve(failure(`the remover's worker thread could not start (${(err as Error).message}); nothing was deleted`));
    }
    const id = nextId++;
    const req: RemoveRequest = {
      type: 'remove',
      id,
      parentBase: parent.base,
      parentDisplay: parent.displayPath,
      parentAnchored: parent.anchored,
      name,
      seen: { dev: seen.dev, ino: seen.ino },
      rootDev: ctx.rootDev,
      rootMountId: ctx.rootMountId,
      mountPoints: ctx.mountPoints && [...ctx.mountPoints],
      progressIntervalMs: ctx.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
      shared: shared.buffer as SharedArrayBuffer,
    };
    return new Promise<RemoveResult>((resolve) => {
      let reported = 0;
      const finish = (result: RemoveResult) => {
        pending = undefined;
        ctx.signal?.removeEventListener('abort', cancel);
        w.unref();
        resolve(result);
      };
      pending = {
        id,
        onMessage: (m) => {
          if (m.type === 'entry') {
            reported++;
            try {
              ctx.onEntry?.(m.path);
            } finally {
              if (ctx.signal?.aborted) cancel();
              Atomics.add(shared, SLOT_ACK, 1);
              Atomics.notify(shared, SLOT_ACK);
            }
          } else if (m.type === 'done') {
            finish(m.result);
          } else {
            finish(failure(`the remover failed: ${m.message}`));
          }
        },
        onGone: (reason) => {
          // What it removed before it stopped is not known exactly: at least what it reported.
          finish(failure(`the remover's worker thread stopped (${reason}); what is left is still there`, reported));
        },
      };
      ctx.signal?.addEventListener('abort', cancel, { once: true });
      // Held while a folder is being removed, so a process that only awaits this keeps running.
      w.ref();
      w.postMessage(req);
    });
  };

  return {
    remove(parent, name, seen, ctx) {
      const run = queue.then(() => removeOne(parent, name, seen, ctx));
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
