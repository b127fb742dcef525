// THE disk-usage oracle of the tests: GNU du itself, never our own code. `du -sB1` is disk usage
// (st_blocks x 512), `du -sb` apparent size; within one call a hard-linked file is counted once
// (for the first path that reaches it), symlinks are not followed.
import { execFileSync } from 'child_process';

/** du of each path, in order (hard links counted once across all of them, first come first counted). */
export function duEachBytes(paths: readonly string[], apparent = false): number[] {
  if (!paths.length) return [];
  return execFileSync('du', [apparent ? '-sb' : '-sB1', '--', ...paths], { encoding: 'utf8' })
    .trim().split('\n').map((line) => Number(line.split('\t')[0]));
}

/** du of the paths together (`du -c`'s total: hard links once across them). */
export function duBytes(paths: string | readonly string[], apparent = false): number {
  return duEachBytes(typeof paths === 'string' ? [paths] : paths, apparent).reduce((s, n) => s + n, 0);
}
