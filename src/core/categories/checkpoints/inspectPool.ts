// Inspects every checkpoint folder of a scan in worker threads (inspectWorker.ts), in batches: the
// script is dist/checkpointInspectWorker.js in the bundle (an esbuild entry point),
// out/src/core/categories/checkpoints/inspectWorker.js under tsc. Where it cannot be started the
// folders are inspected on this thread with promise-based calls (slower, same result).
import { createLimiter } from '../../limit';
import { runInWorkers, workerScript } from '../../workerPool';
import { asyncInspectOps, inspectFolder, type FolderInspection } from './inspectFolder';

/** Folders per message: one message per folder would cost more than most folders' reads. */
const BATCH = 32;

export function inspectWorkerPath(): string | undefined {
  return workerScript(__dirname, ['checkpointInspectWorker.js', 'inspectWorker.js']);
}

export interface InspectFoldersOptions {
  signal?: AbortSignal;
  /** Worker threads (default: up to 4, at most one per core). */
  workers?: number;
}

/** Each folder's inspection, by path. Rejects with an AbortError when the signal fires. */
export async function inspectFolders(dirs: readonly string[], options: InspectFoldersOptions = {}): Promise<Map<string, FolderInspection>> {
  const out = new Map<string, FolderInspection>();
  const unique = [...new Set(dirs)];
  if (!unique.length) return out;
  const script = inspectWorkerPath();
  if (!script) {
    const limit = createLimiter(16);
    await Promise.all(unique.map((dir) => limit(async () => out.set(dir, await inspectFolder(asyncInspectOps, dir)))));
    return out;
  }
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += BATCH) batches.push(unique.slice(i, i + BATCH));
  const results = await runInWorkers<string[], FolderInspection[]>(script, batches, { ...options, cancelledMessage: 'inspecting checkpoints was cancelled' });
  batches.forEach((batch, b) => batch.forEach((dir, i) => out.set(dir, results[b][i])));
  return out;
}
