// Runs many small jobs in worker threads, a job at a time per worker, so thousands of filesystem
// calls never run on the editor's event loop. The worker script answers each { id, job } message
// with { id, result } (serveJobs below). Workers are started per call and ended when it returns.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parentPort, Worker } from 'worker_threads';

export interface WorkerPoolOptions {
  signal?: AbortSignal;
  /** Worker threads (default: up to 4, at most one per core and one per job). */
  workers?: number;
  /** The AbortError's message when the signal fires. */
  cancelledMessage: string;
}

/**
 * The worker script among `names` next to the calling module's `dir`: the esbuild bundle name in
 * dist/, the tsc output name in out/ (tests). Undefined when none is there.
 */
export function workerScript(dir: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Each job's result, in the jobs' order. Rejects with an AbortError when the signal fires, or with a worker's error. */
export async function runInWorkers<Job, Result>(script: string, jobs: readonly Job[], options: WorkerPoolOptions): Promise<Result[]> {
  const results = new Array<Result>(jobs.length);
  if (!jobs.length) return results;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const count = Math.max(1, Math.min(options.workers ?? 4, cores, jobs.length));
  const workers = Array.from({ length: count }, () => new Worker(script));
  let abort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let pending = 0;
      abort = () => reject(Object.assign(new Error(options.cancelledMessage), { name: 'AbortError' }));
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      const feed = (w: Worker) => {
        if (next >= jobs.length) {
          if (pending === 0) resolve();
          return;
        }
        const id = next++;
        pending++;
        w.postMessage({ id, job: jobs[id] });
      };
      for (const w of workers) {
        w.on('message', (m: { id: number; result: Result }) => {
          results[m.id] = m.result;
          pending--;
          feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
  } finally {
    if (abort) options.signal?.removeEventListener('abort', abort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** The worker side: answers every job with `handle`'s result. */
export function serveJobs<Job, Result>(handle: (job: Job) => Promise<Result>): void {
  parentPort!.on('message', (message: { id: number; job: Job }) => {
    void handle(message.job).then((result) => parentPort!.postMessage({ id: message.id, result }));
  });
}
