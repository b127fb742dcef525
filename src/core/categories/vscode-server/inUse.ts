// Which paths running processes use right now, read from /proc: each process's executable
// (/proc/<pid>/exe), working folder (/proc/<pid>/cwd), the absolute paths on its command line and
// its open files (/proc/<pid>/fd/*). A server build, extension folder or log folder that holds any
// of them is in use and is never offered. Processes of other users are usually unreadable (EACCES):
// they are skipped, and what they use is then unknown to us (docs/CACHES.md says so).
import { promises as fsp } from 'fs';
import * as path from 'path';
import { safeReadFile } from '../../safeRead';
import { isSameOrInside } from '../../safety/pathGuards';

export interface ProcessUse {
  pid: number;
  /** The process name (/proc/<pid>/comm), for "in use by node (pid 123)". */
  name: string;
  /** Absolute paths the process uses (executable, cwd, command-line paths, open files). */
  paths: string[];
}

/** Open files looked at per process: a process with more is judged by its first ones. */
const MAX_FDS_PER_PROCESS = 4096;
/** Processes read at the same time. */
const CONCURRENCY = 16;

/** readlink without throwing; a deleted target's " (deleted)" suffix is dropped (the path still names the folder). */
async function link(p: string): Promise<string | undefined> {
  try {
    const target = await fsp.readlink(p);
    const clean = target.endsWith(' (deleted)') ? target.slice(0, -' (deleted)'.length) : target;
    return path.isAbsolute(clean) ? clean : undefined;
  } catch {
    return undefined;
  }
}

async function readSmall(file: string): Promise<string> {
  try {
    return (await safeReadFile(file, { maxBytes: 64 * 1024, overCap: 'truncate' })).data.toString('utf8');
  } catch {
    return '';
  }
}

async function fdTargets(dir: string): Promise<string[]> {
  let fds: string[];
  try {
    fds = (await fsp.readdir(path.join(dir, 'fd'))).slice(0, MAX_FDS_PER_PROCESS);
  } catch {
    return []; // Another user's process, or one that just ended.
  }
  const targets = await Promise.all(fds.map((fd) => link(path.join(dir, 'fd', fd))));
  return targets.filter((p): p is string => p !== undefined);
}

async function readProcess(procRoot: string, pid: number): Promise<ProcessUse | undefined> {
  const dir = path.join(procRoot, String(pid));
  const [exe, cwd, cmdline, fds] = await Promise.all([link(path.join(dir, 'exe')), link(path.join(dir, 'cwd')), readSmall(path.join(dir, 'cmdline')), fdTargets(dir)]);
  const paths = [exe, cwd].filter((p): p is string => p !== undefined);
  for (const arg of cmdline.split('\0')) {
    if (arg.startsWith('/')) paths.push(path.normalize(arg));
  }
  paths.push(...fds);
  if (!paths.length) return undefined;
  const name = (await readSmall(path.join(dir, 'comm'))).trim() || String(pid);
  return { pid, name, paths };
}

/**
 * Every readable process and the paths it uses. `procRoot` is /proc (tests may not point it
 * elsewhere: a fake /proc would prove nothing). Empty where there is no /proc (macOS, Windows).
 */
export async function readProcessUses(procRoot = '/proc'): Promise<ProcessUse[]> {
  let pids: number[];
  try {
    pids = (await fsp.readdir(procRoot)).filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
  const out: ProcessUse[] = [];
  let next = 0;
  const worker = async () => {
    while (next < pids.length) {
      const pid = pids[next++];
      const use = await readProcess(procRoot, pid);
      if (use) out.push(use);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return out.sort((a, b) => a.pid - b.pid);
}

/** The first process using `folder` or anything inside it, or undefined. */
export function processUsing(folder: string, uses: readonly ProcessUse[]): ProcessUse | undefined {
  return uses.find((u) => u.paths.some((p) => isSameOrInside(p, folder)));
}
