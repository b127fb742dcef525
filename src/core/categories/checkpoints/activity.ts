// When a run last changed: a training job between two saves writes no checkpoint, but it does
// touch its logs (HF `runs/<date>/events.out.tfevents…`, `trainer_log.jsonl`; Lightning
// `version_N/metrics.csv`, `hparams.yaml`). A bounded, symlink-free look at the run folder (and,
// for Lightning's `…/checkpoints`, its version folder) finds the newest mtime there.
import { promises as fsp } from 'fs';
import * as path from 'path';

const MAX_ENTRIES = 2000;
const MAX_DEPTH = 3;

/**
 * Newest mtime (ms) among the files and links below `runPath` down to MAX_DEPTH levels (at most
 * MAX_ENTRIES lstat calls), skipping `skip` (checkpoints already walked). Never throws.
 */
export async function newestActivity(runPath: string, skipPaths: ReadonlySet<string>): Promise<number> {
  // The run folder itself is visited once, not again below its Lightning version folder. (Not a
  // copy of skipPaths plus it: that set holds every checkpoint of the scan, and runs are many.)
  const skip = { has: (p: string) => p === runPath || skipPaths.has(p) };
  let newest = 0;
  let budget = MAX_ENTRIES;
  const visit = async (dir: string, depth: number): Promise<void> => {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch {
      return;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      if (budget-- <= 0) return;
      const p = path.join(dir, name);
      if (skip.has(p)) continue;
      try {
        const st = await fsp.lstat(p);
        // Folder times move when anything inside is deleted (our own retention, slimming):
        // only what was written counts as activity.
        if (!st.isDirectory() && st.mtimeMs > newest) newest = st.mtimeMs;
        if (st.isDirectory() && depth < MAX_DEPTH) subdirs.push(p);
      } catch {
        // vanished: ignore
      }
    }
    for (const sub of subdirs) await visit(sub, depth + 1);
  };
  const roots = [runPath];
  // Lightning: <dirpath> is usually lightning_logs/version_N/checkpoints; logs go to version_N.
  if (path.basename(runPath) === 'checkpoints') roots.push(path.dirname(runPath));
  for (const root of roots) {
    await visit(root, 1);
  }
  return newest;
}
