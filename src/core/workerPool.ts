// Runs many small jobs in worker threads, a job at a time per worker, so thousands of filesystem
// calls never run on the editor's event loop. The worker script answers each { id, job } message
// with { id, result } (serveJobs below). Workers are started per call and ended when it returns.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parentPort, Worker, workerData } from 'worker_threads';
import { backgroundThreadNice, lowerThisThreadPriority } from './threadPriority';

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

/** The cores this process may use. */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/**
 * Worker threads that take jobs as they come (`run`), a job at a time per worker: started on the
 * first jobs, up to `workers` (default 4, at most one per core); close() ends them. When the signal
 * fires, every job not yet answered rejects with an AbortError; a worker's error rejects them too.
 */
export class JobPool<Job, Result> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; job: Job }[] = [];
  private readonly waiting = new Map<number, { resolve(r: Result): void; reject(e: unknown): void }>();
  private readonly max: number;
  private nextId = 0;
  private failure: unknown;
  private readonly onAbort = () => this.fail(Object.assign(new Error(this.options.cancelledMessage), { name: 'AbortError' }));

  constructor(private readonly script: string, private readonly options: WorkerPoolOptions) {
    this.max = Math.max(1, Math.min(options.workers ?? 4, coreCount()));
    if (options.signal?.aborted) this.onAbort();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  run(job: Job): Promise<Result> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<Result>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.queue.push({ id, job });
      this.feed();
    });
  }

  /** Ends the workers; jobs not yet answered reject. */
  async close(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.failure === undefined) this.failure = new Error('worker pool closed');
    this.rejectAll(this.failure);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private feed(): void {
    while (this.queue.length && this.failure === undefined) {
      const worker = this.idle.pop() ?? (this.workers.length < this.max ? this.start() : undefined);
      if (!worker) return;
      worker.postMessage(this.queue.shift()!);
    }
  }

  private start(): Worker {
    const worker = new Worker(this.script, { workerData: { nice: backgroundThreadNice() } });
    this.workers.push(worker);
    worker.on('message', (m: { id: number; result: Result }) => {
      const waiter = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      this.idle.push(worker);
      waiter?.resolve(m.result);
      this.feed();
    });
    worker.on('error', (err) => this.fail(err));
    return worker;
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.rejectAll(err);
    for (const w of this.workers) void w.terminate();
  }

  private rejectAll(err: unknown): void {
    this.queue.length = 0;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}

/** Each job's result, in the jobs' order. Rejects with an AbortError when the signal fires, or with a worker's error. */
export async function runInWorkers<Job, Result>(script: string, jobs: readonly Job[], options: WorkerPoolOptions): Promise<Result[]> {
  if (!jobs.length) return [];
  const pool = new JobPool<Job, Result>(script, { ...options, workers: Math.min(options.workers ?? 4, jobs.length) });
  try {
    return await Promise.all(jobs.map((job) => pool.run(job)));
  } finally {
    await pool.close();
  }
}

/** The worker side: answers every job with `handle`'s result. */
export function serveJobs<Job, Result>(handle: (job: Job) => Promise<Result>): void {
  lowerThisThreadPriority((workerData as { nice?: number } | undefined)?.nice ?? 0);
  parentPort!.on('message', (message: { id: number; job: Job }) => {
    void handle(message.job).then((result) => parentPort!.postMessage({ id: message.id, result }));
  });
}
