// Real mounts for the adversarial suites: `mount --bind` through the system tool (a helper
// process, like any other program that could mount while we delete), a racing helper that keeps
// trying to mount into a tree while it is deleted, and a cleanup that unmounts everything left
// under a folder. Needs root with CAP_SYS_ADMIN (CI has it; the sandbox keeps it): a test that
// cannot mount fails with the reason, it never skips.
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMountInfo } from '../../src/core/safety/mountPoints';

export function mount(args: string[]): void {
  try {
    execFileSync('mount', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`cannot mount (${args.join(' ')}): ${e.stderr?.toString().trim() || e.message}. ` +
      'This suite needs root with CAP_SYS_ADMIN (as CI has); it does not skip.');
  }
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const points = [...parseMountInfo(fs.readFileSync('/proc/self/mountinfo', 'latin1'))];
  return points.filter((p) => p === dir || p.startsWith(dir + '/')).sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything at or below `dir`, stacked mounts included; returns what was unmounted. A
 * mount hidden under a later mount on one of its parents cannot be reached by path until that
 * one is gone, so this goes round until nothing is left.
 */
export function unmountAllUnder(dir: string): string[] {
  const done: string[] = [];
  for (;;) {
    const points = mountsUnder(dir);
    if (!points.length) return done;
    let progress = false;
    for (const p of points) {
      try {
        execFileSync('umount', [p], { stdio: 'ignore' });
        done.push(p);
        progress = true;
      } catch {
        // Hidden under another mount for now, or busy: the next round retries.
      }
    }
    if (!progress) {
      const table = fs.readFileSync('/proc/self/mountinfo', 'latin1').split('\n').filter((l) => l.includes(dir)).join('\n');
      throw new Error(`mounts under ${dir} would not go away: ${points.join(', ')}\n${table}`);
    }
  }
}

// Tries `mount --bind SOURCE P` for every placement P, over and over, until each has succeeded
// once; prints each placement it mounted on. Starts right away: spawn it once the deletion runs.
// It stops when the stop file appears, between two mount commands, so no mount lands after stop().
const RACER = `
stop=$1; source=$2; shift 2
declare -A mounted
while [[ ! -e $stop ]]; do
  left=0
  for p in "$@"; do
    [[ -n \${mounted[$p]:-} ]] && continue
    left=1
    if mount --bind "$source" "$p" 2>/dev/null; then mounted[$p]=1; echo "$p"; fi
  done
  [[ $left == 0 ]] && exit 0
done
`;

export interface MountRacer {
  /** Stops the helper; resolves with the placements it mounted on. */
  stop(): Promise<string[]>;
}

export function startMountRacer(source: string, placements: string[]): MountRacer {
  const stopDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-racer-'));
  const stopFile = path.join(stopDir, 'stop');
  const child: ChildProcess = spawn('bash', ['-c', RACER, 'racer', stopFile, source, ...placements], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      fs.writeFileSync(stopFile, '');
      await exited;
      fs.rmSync(stopDir, { recursive: true, force: true });
      return out.split('\n').filter(Boolean);
    },
  };
}
