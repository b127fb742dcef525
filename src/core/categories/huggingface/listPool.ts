// Lists many hub-cache repos in worker threads (hf/listWorker.ts), a repo at a time per worker.
// The worker script sits next to this module: dist/hfListWorker.js in the bundle (an esbuild
// entry point), out/src/core/categories/huggingface/listWorker.js under tsc. Where it cannot be started the repos are
// listed on this thread with fs.promises (slower, same result).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { createLimiter } from '../../limit';
import { asyncOps, listRepo, type RepoListing } from './repoListing';

const WORKER_FILES = ['hfListWorker.js', 'listWorker.js'];

export function listWorkerPath(): string | undefined {
  for (const name of WORKER_FILES) {
    const p = path.join(__dirname, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
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
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const count = Math.max(1, Math.min(options.workers ?? 4, cores, repoPaths.length));
  if (!script) {
    const limit = createLimiter(64);
    await Promise.all(repoPaths.map(async (p) => out.set(p, await listRepo(p, asyncOps(limit)))));
    return out;
  }
  const workers = Array.from({ length: count }, () => new Worker(script));
  let abort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let pending = 0;
      abort = () => reject(Object.assign(new Error('listing the Hugging Face cache was cancelled'), { name: 'AbortError' }));
      if (options.signal?.aborted) return abort();
      options.signal?.addEventListener('abort', abort, { once: true });
      const feed = (w: Worker) => {
        if (next >= repoPaths.length) {
          if (pending === 0) resolve();
          return;
        }
        const id = next++;
        pending++;
        w.postMessage({ id, repoPath: repoPaths[id] });
      };
      for (const w of workers) {
        w.on('message', (m: { id: number; listing: RepoListing }) => {
          out.set(repoPaths[m.id], m.listing);
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
  return out;
}
