// Memory next to disk: RAM and swap (/proc/meminfo), /dev/shm (shm.ts), the training processes
// with their RSS and OOM-killer scores (/proc/<pid>/), and the OOM killer's kills (kernelLog.ts).
// Reads only; it never changes a process. The command that protects a process is shown, for the
// user's own processes only (lowering oom_score_adj needs privileges, so it is a sudo line).
import { promises as fsp } from 'fs';
import * as path from 'path';
import { formatBytes } from '../format';
import { parseOomKills, readKernelLog, type OomKill } from './kernelLog';
import { scanShm, shmDir, type ShmReport } from './shm';
import { t } from '../l10n';

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export interface TrainingProcess {
  pid: number;
  /** The script or module it runs ("train.py", "-m torch.distributed.run"), else its command name. */
  name: string;
  command: string;
  uid: number;
  rssBytes: number;
  oomScore: number;
  oomScoreAdj: number;
  /** PyTorch is loaded (a torch library in its memory map). */
  torch: boolean;
  /** For the user's own processes: the command that makes the OOM killer spare it (needs sudo). */
  protectCommand?: string;
}

export interface MemoryReport {
  memory?: MemInfo;
  shm?: ShmReport;
  processes: TrainingProcess[];
  kills: OomKill[];
  kernelLogSource: string;
  warnings: string[];
  notes: string[];
}

export function parseMeminfo(text: string): MemInfo {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { totalBytes: field('MemTotal'), availableBytes: field('MemAvailable'), swapTotalBytes: field('SwapTotal'), swapFreeBytes: field('SwapFree') };
}

/** "python3 /work/train.py --lr 1" -> "train.py"; "python -m torch.distributed.run" -> "-m torch.distributed.run". */
export function scriptName(argv: string[], comm: string): string {
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '-m' && argv[i + 1]) return `-m ${argv[i + 1]}`;
    if (argv[i] === '-c') return `${comm} -c`;
    if (!argv[i].startsWith('-')) return path.basename(argv[i]);
  }
  return comm;
}

const isPython = (comm: string, argv0: string) => /^python/.test(comm) || /^python[\d.]*$/.test(path.basename(argv0));

async function readProcess(pid: number, myUid: number): Promise<TrainingProcess | undefined> {
  const dir = `/proc/${pid}`;
  const comm = (await fsp.readFile(`${dir}/comm`, 'utf8')).trim();
  const argv = (await fsp.readFile(`${dir}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  if (!isPython(comm, argv[0] ?? '')) return undefined;
  const status = await fsp.readFile(`${dir}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
  const oomScore = Number((await fsp.readFile(`${dir}/oom_score`, 'utf8')).trim());
  const oomScoreAdj = Number((await fsp.readFile(`${dir}/oom_score_adj`, 'utf8')).trim());
  let torch = false;
  try {
    torch = /\/(?:libtorch[^/]*\.so|torch\/_C[^/]*\.so)/.test(await fsp.readFile(`${dir}/maps`, 'utf8'));
  } catch { /* another user's process: unknown, shown as not torch */ }
  const command = argv.join(' ').replace(/[\x00-\x1f\x7f]/g, '?').slice(0, 300);
  return {
    pid, name: scriptName(argv, comm), command, uid, rssBytes: rssKb * 1024, oomScore, oomScoreAdj, torch,
    ...(uid === myUid && oomScoreAdj > -500 ? { protectCommand: `sudo choom -p ${pid} -n -500` } : {}),
  };
}

/** Python processes (the ones training runs are), biggest first. */
export async function listTrainingProcesses(): Promise<TrainingProcess[]> {
  const myUid = process.getuid?.() ?? 0;
  const out: TrainingProcess[] = [];
  for (const name of await fsp.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const p = await readProcess(Number(name), myUid);
      if (p) out.push(p);
    } catch { /* exited meanwhile, or unreadable */ }
  }
  return out.sort((a, b) => b.rssBytes - a.rssBytes);
}

export interface MemoryOptions {
  env?: Record<string, string | undefined>;
  now?: number;
  /** Kills since this time (default: the last 24 h). */
  sinceMs?: number;
  /** Warn when available memory is under this fraction of RAM while a training process runs. */
  lowMemoryFraction?: number;
}

export async function memoryReport(options: MemoryOptions = {}): Promise<MemoryReport> {
  const now = options.now ?? Date.now();
  const warnings: string[] = [];
  const notes: string[] = [];
  let memory: MemInfo | undefined;
  try {
    memory = parseMeminfo(await fsp.readFile('/proc/meminfo', 'utf8'));
  } catch (err) {
    notes.push(`/proc/meminfo: ${(err as Error).message}`);
  }
  let shm: ShmReport | undefined;
  try {
    shm = await scanShm({ dir: shmDir(options.env ?? process.env), now });
  } catch (err) {
    notes.push(`${shmDir(options.env ?? process.env)}: ${(err as Error).message}`);
  }
  const processes = await listTrainingProcesses();
  const log = await readKernelLog({ now, sinceMs: options.sinceMs ?? now - 24 * 3600_000 });
  notes.push(...log.notes);
  const kills = parseOomKills(log.lines);

  const training = processes.filter((p) => p.torch);
  const running = training.length ? training : processes;
  if (memory && running.length && memory.availableBytes < memory.totalBytes * (options.lowMemoryFraction ?? 0.1)) {
    warnings.push(t('Only {0} of {1} memory is available while {2} Python process(es) run: the OOM killer may end one.', formatBytes(memory.availableBytes), formatBytes(memory.totalBytes), running.length));
  }
  if (shm && training.length) {
    if (shm.totalBytes < 1e9) warnings.push(t('{0} is only {1}: PyTorch DataLoader workers may die with "bus error" (Docker: --shm-size).', shm.dir, formatBytes(shm.totalBytes)));
    else if (shm.availableBytes < shm.totalBytes * 0.1) warnings.push(t('{0} is {1} of {2} full: DataLoader workers may die with "bus error".', shm.dir, formatBytes(shm.usedBytes), formatBytes(shm.totalBytes)));
  }
  if (shm && shm.reclaimableBytes > 0) {
    warnings.push(t('{0} in {1} is left over from processes that have exited (ml-disk-space purge shm:leftovers).', formatBytes(shm.reclaimableBytes), shm.dir));
  }
  for (const k of kills) warnings.push(explainKill(k));
  return { memory, shm, processes, kills, kernelLogSource: log.source, warnings, notes };
}

/** "python3 (pid 4121) was killed by the OOM killer at 14:02 UTC — anon-rss 61.2 GB (the memory limit of cgroup /job was reached)". */
export function explainKill(k: OomKill): string {
  const at = k.time.slice(11, 16);
  const day = k.time.slice(0, 10);
  const rss = k.anonRssBytes !== undefined ? t(' — anon-rss {0}', formatBytes(k.anonRssBytes)) : '';
  const why = k.cgroup ? t(' (the memory limit of cgroup {0} was reached, not the machine\'s RAM)', k.memcg ?? '?') : t(' (the machine ran out of memory)');
  return t('{0} (pid {1}) was killed by the OOM killer at {2} UTC on {3}{4}{5}.', k.name, k.pid, at, day, rss, why);
}

export function memoryText(r: MemoryReport): string {
  const lines: string[] = [];
  if (r.memory) {
    const m = r.memory;
    lines.push(t('Memory: {0} available of {1}', formatBytes(m.availableBytes), formatBytes(m.totalBytes)));
    lines.push(m.swapTotalBytes > 0 ? t('Swap:   {0} used of {1}', formatBytes(m.swapTotalBytes - m.swapFreeBytes), formatBytes(m.swapTotalBytes)) : t('Swap:   none'));
  }
  if (r.shm) {
    const s = r.shm;
    lines.push(t('{0}: {1} used of {2}; {3} in use by live processes, {4} left over', s.dir, formatBytes(s.usedBytes), formatBytes(s.totalBytes), formatBytes(s.inUseBytes), formatBytes(s.reclaimableBytes)));
    for (const seg of s.segments.slice(0, 20)) {
      lines.push(`  ${formatBytes(seg.bytes).padStart(9)}  ${seg.name}  ${seg.reclaimable ? 'LEFTOVER: ' : ''}${seg.reason}`);
    }
  }
  lines.push('', r.processes.length ? t('Python processes (RSS, oom_score, oom_score_adj):') : t('No Python processes running.'));
  for (const p of r.processes) {
    lines.push(t('  {0}  {1}  score {2}  adj {3}  {4}{5}', String(p.pid).padStart(7), formatBytes(p.rssBytes).padStart(9), String(p.oomScore).padStart(4), String(p.oomScoreAdj).padStart(5), p.name, p.torch ? ' (torch)' : ''));
    if (p.protectCommand) lines.push(t('           protect it from the OOM killer: {0}', p.protectCommand));
  }
  lines.push('', r.kills.length ? t('OOM kills (kernel log via {0}):', r.kernelLogSource) : t('No OOM kills in the kernel log ({0}).', r.kernelLogSource));
  for (const k of r.kills) lines.push(`  ${explainKill(k)}`);
  const other = r.warnings.filter((w) => !r.kills.some((k) => w === explainKill(k)));
  if (other.length) lines.push('', ...other.map((w) => `! ${w}`));
  return lines.join('\n');
}

/** The CLI's --json: stable field names (kills as the issue asked: pid, name, time, anonRssBytes). */
export function memoryJson(r: MemoryReport): unknown {
  return {
    memory: r.memory ?? null,
    shm: r.shm ? {
      dir: r.shm.dir, totalBytes: r.shm.totalBytes, usedBytes: r.shm.usedBytes, availableBytes: r.shm.availableBytes,
      inUseBytes: r.shm.inUseBytes, reclaimableBytes: r.shm.reclaimableBytes, unreadableProcesses: r.shm.unreadableProcesses,
      segments: r.shm.segments.map((s) => ({
        path: s.path, name: s.name, kind: s.kind, bytes: s.bytes, apparentBytes: s.apparentBytes, uid: s.uid,
        modified: new Date(s.modifiedMs).toISOString(), pids: s.pids, reclaimable: s.reclaimable, reason: s.reason,
      })),
    } : null,
    processes: r.processes,
    kills: r.kills.map((k) => ({ ...k, explanation: explainKill(k) })),
    kernelLogSource: r.kernelLogSource,
    warnings: r.warnings,
    notes: r.notes,
  };
}
