// Inspects every checkpoint of a scan — folders and single weight files — in worker threads
// (inspectWorker.ts), in batches: the script is dist/checkpointInspectWorker.js in the bundle (an
// esbuild entry point), out/src/core/categories/checkpoints/inspectWorker.js under tsc. Where it
// cannot be started they are inspected on this thread with promise-based calls (slower, same result).
import { createLimiter } from '../../limit';
import { coreCount, JobPool, workerScript } from '../../workerPool';
import { asyncInspectOps, inspectFolder, inspectWeight, type FolderInspection, type InspectOps, type WeightInspection } from './inspectFolder';

/** Checkpoints per message: one message each would cost more than most checkpoints' reads. */
const BATCH = 32;

export function inspectWorkerPath(): string | undefined {
  return workerScript(__dirname, ['checkpointInspectWorker.js', 'inspectWorker.js']);
}

/** One message's work: checkpoint folders and single-file checkpoints. */
export interface InspectJob {
  dirs: string[];
  files: string[];
}

export interface Inspections {
  folders: Map<string, FolderInspection>;
  /** Single-file checkpoints (`.ckpt`, `.safetensors`, …). */
  files: Map<string, WeightInspection>;
}

/** One job's results, in its order: what the worker runs with synchronous calls. */
export async function runInspectJob(ops: InspectOps, job: InspectJob): Promise<{ folders: FolderInspection[]; files: WeightInspection[] }> {
  const folders: FolderInspection[] = [];
  for (const dir of job.dirs) folders.push(await inspectFolder(ops, dir));
  const files: WeightInspection[] = [];
  for (const file of job.files) files.push(await inspectWeight(ops, file));
  return { folders, files };
}

export interface InspectOptions {
  signal?: AbortSignal;
  /** Worker threads (default: inspectionThreads()). */
  workers?: number;
}

/**
 * Half the cores, at least one, at most four: inspection runs while the walk keeps a thread per core
 * busy, and more inspection threads only take cores from it (sharded bench tree on 2 cores: one
 * thread instead of two was 4 % faster and 7 MB smaller, docs/PERFORMANCE.md).
 */
export function inspectionThreads(): number {
  return Math.max(1, Math.min(4, Math.floor(coreCount() / 2)));
}

type JobResult = Awaited<ReturnType<typeof runInspectJob>>;

/**
 * Inspects checkpoints as they are found: `add` takes folders and files while the walk still runs
 * (in batches, in worker threads), `results` waits for the ones asked for, inspecting any not added.
 * Each path is inspected once. close() ends the workers.
 */
export class CheckpointInspector {
  private readonly folders = new Map<string, Promise<FolderInspection>>();
  private readonly files = new Map<string, Promise<WeightInspection>>();
  private readonly seenDirs = new Set<string>();
  private readonly seenFiles = new Set<string>();
  private dirBatch: string[] = [];
  private fileBatch: string[] = [];
  private readonly pool: JobPool<InspectJob, JobResult> | undefined;
  private readonly limit = createLimiter(16);

  constructor(options: InspectOptions = {}) {
    const script = inspectWorkerPath();
    // Without the worker script the same code runs here, with promise-based calls.
    this.pool = script ? new JobPool(script, { ...options, workers: options.workers ?? inspectionThreads(), cancelledMessage: 'inspecting checkpoints was cancelled' }) : undefined;
  }

  /** Starts inspecting these (full batches now, the rest with the next add or results). */
  add(dirs: Iterable<string>, files: Iterable<string>): void {
    for (const dir of dirs) if (!this.seenDirs.has(dir)) { this.seenDirs.add(dir); this.dirBatch.push(dir); }
    for (const file of files) if (!this.seenFiles.has(file)) { this.seenFiles.add(file); this.fileBatch.push(file); }
    this.send(false);
  }

  /** Every given folder's and file's inspection, by path. Rejects with an AbortError when the signal fires. */
  async results(dirs: readonly string[], files: readonly string[]): Promise<Inspections> {
    this.add(dirs, files);
    this.send(true);
    const out: Inspections = { folders: new Map(), files: new Map() };
    await Promise.all([
      ...dirs.map(async (dir) => { out.folders.set(dir, await this.folders.get(dir)!); }),
      ...files.map(async (file) => { out.files.set(file, await this.files.get(file)!); }),
    ]);
    return out;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private send(all: boolean): void {
    while (this.dirBatch.length >= BATCH || (all && this.dirBatch.length)) this.start(this.dirBatch.splice(0, BATCH), []);
    while (this.fileBatch.length >= BATCH || (all && this.fileBatch.length)) this.start([], this.fileBatch.splice(0, BATCH));
  }

  private start(dirs: string[], files: string[]): void {
    const job: Promise<JobResult> = this.pool
      ? this.pool.run({ dirs, files })
      : this.limit(() => runInspectJob(asyncInspectOps, { dirs, files }));
    // A job added early may be for a path nobody asks for in the end: its failure is not unhandled.
    dirs.forEach((dir, i) => this.folders.set(dir, quiet(job.then((r) => r.folders[i]))));
    files.forEach((file, i) => this.files.set(file, quiet(job.then((r) => r.files[i]))));
  }
}

/** The promise itself, with a handler attached so that a rejection nobody awaits is not reported as unhandled. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Every given folder's and file's inspection, by path. Rejects with an AbortError when the signal fires. */
export async function inspectCheckpoints(dirs: readonly string[], files: readonly string[], options: InspectOptions = {}): Promise<Inspections> {
  const inspector = new CheckpointInspector(options);
  try {
    return await inspector.results([...new Set(dirs)], [...new Set(files)]);
  } finally {
    await inspector.close();
  }
}
