// Counts files below a folder whose names match, without following symlinks. For small folders
// the walker does not itemise (pip's wheels/: the number of .whl files pip reports).

import * as fs from 'fs';
import * as path from 'path';
import { createLimiter } from '../limit';

export async function countFiles(dir: string, match: (name: string) => boolean, signal?: AbortSignal): Promise<number> {
  const limit = createLimiter(16);
  let count = 0;
  const visit = async (d: string): Promise<void> => {
    if (signal?.aborted) return;
    let entries: fs.Dirent[];
    try {
      entries = await limit(() => fs.promises.readdir(d, { withFileTypes: true }));
    } catch {
      return;
    }
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      if (e.isDirectory()) subdirs.push(visit(path.join(d, e.name)));
      else if (match(e.name)) count++;
    }
    await Promise.all(subdirs);
  };
  await visit(dir);
  return count;
}
