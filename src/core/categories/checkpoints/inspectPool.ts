// Inspects every checkpoint of a scan — folders and single weight files — in worker threads
// (inspectWorker.ts), in batches: the script is dist/checkpointInspectWorker.js in the bundle (an
// esbuild entry point), out/src/core/categories/checkpoints/inspectWorker.js under tsc. Where it
// cannot be started they are inspected on this thread with promise-based calls (slower, same result).
import { createLimiter } from '../../limit';
import { runInWorkers, workerScript } from '../../workerPool';
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
  /** Worker threads (default: up to 4, at most one per core). */
  workers?: number;
}

/** Every given folder's and file's inspection, by path. Rejects with an AbortError when the signal fires. */
export async function inspectCheckpoints(dirs: readonly string[], files: readonly string[], options: InspectOptions = {}): Promise<Inspections> {
  const out: Inspections = { folders: new Map(), files: new Map() };
  const uniqueDirs = [...new Set(dirs)];
  const uniqueFiles = [...new Set(files)];
  if (!uniqueDirs.length && !uniqueFiles.length) return out;
  const script = inspectWorkerPath();
  if (!script) {
    const limit = createLimiter(16);
    await Promise.all([
      ...uniqueDirs.map((dir) => limit(async () => out.folders.set(dir, await inspectFolder(asyncInspectOps, dir)))),
      ...uniqueFiles.map((file) => limit(async () => out.files.set(file, await inspectWeight(asyncInspectOps, file)))),
    ]);
    return out;
  }
  const jobs: InspectJob[] = [];
  for (let i = 0; i < uniqueDirs.length; i += BATCH) jobs.push({ dirs: uniqueDirs.slice(i, i + BATCH), files: [] });
  for (let i = 0; i < uniqueFiles.length; i += BATCH) jobs.push({ dirs: [], files: uniqueFiles.slice(i, i + BATCH) });
  const results = await runInWorkers<InspectJob, Awaited<ReturnType<typeof runInspectJob>>>(script, jobs, { ...options, cancelledMessage: 'inspecting checkpoints was cancelled' });
  jobs.forEach((job, j) => {
    job.dirs.forEach((dir, i) => out.folders.set(dir, results[j].folders[i]));
    job.files.forEach((file, i) => out.files.set(file, results[j].files[i]));
  });
  return out;
}
