// Lists many hub-cache repos in worker threads (hf/listWorker.ts), a repo at a time per worker.
// The worker script sits next to this module: dist/hfListWorker.js in the bundle (an esbuild
// entry point), out/src/core/categories/huggingface/listWorker.js under tsc. Where it cannot be started the repos are
// listed on this thread with fs.promises (slower, same result).

import { createLimiter } from '../../limit';
import { runInWorkers, workerScript } from '../../workerPool';
import { asyncOps, listRepo, type RepoListing } from './repoListing';

export function listWorkerPath(): string | undefined {
  return workerScript(__dirname, ['hfListWorker.js', 'listWorker.js']);
}

export interface ListReposOptions {
  signal?: AbortSignal;
  /** Worker threads (default: up to 4, at most one per core). */
  workers?: number;
}

export async function listRepos(repoPaths: string[], options: ListReposOptions = {}): Promise<Map<string, RepoListing>> {
  const out = new Map<string, RepoListing>();
  if (!repoPaths.length) return out;
  const script = listWorkerPath();
  if (!script) {
    const limit = createLimiter(64);
    await Promise.all(repoPaths.map(async (p) => out.set(p, await listRepo(p, asyncOps(limit)))));
    return out;
  }
  const listings = await runInWorkers<string, RepoListing>(script, repoPaths, { ...options, cancelledMessage: 'listing the Hugging Face cache was cancelled' });
  repoPaths.forEach((p, i) => out.set(p, listings[i]));
  return out;
}
