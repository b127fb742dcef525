// The kernel log, for the OOM killer's lines: /dev/kmsg when readable (one record per read, read
// without blocking), else `journalctl -k`, else `dmesg`. Times are turned into wall-clock ms;
// kmsg and dmesg count from boot, so boot time = now - /proc/uptime.
import { execFile } from 'child_process';
import * as fs from 'fs';

export interface KernelLine {
  /** Wall-clock ms. */
  timeMs: number;
  text: string;
}

export interface KernelLog {
  source: '/dev/kmsg' | 'journalctl' | 'dmesg' | 'none';
  lines: KernelLine[];
  /** Why a source was not used (permission, missing tool). */
  notes: string[];
}

const TIMEOUT_MS = 10_000;

function bootTimeMs(now: number): number {
  try {
    return now - Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
  } catch {
    return now;
  }
}

/** One /dev/kmsg record: "prio,seq,usec,flags[,…];message" (continuation lines start with a space). */
export function parseKmsgRecord(record: string, bootMs: number): KernelLine | undefined {
  const semi = record.indexOf(';');
  if (semi < 0) return undefined;
  const usec = Number(record.slice(0, semi).split(',')[2]);
  if (!Number.isFinite(usec)) return undefined;
  return { timeMs: bootMs + usec / 1000, text: record.slice(semi + 1).split('\n')[0] };
}

/** `dmesg` default output: "[ 1234.567890] message". */
export function parseDmesg(text: string, bootMs: number): KernelLine[] {
  const out: KernelLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[\s*(\d+\.\d+)\]\s?(.*)$/.exec(line);
    if (m) out.push({ timeMs: bootMs + Number(m[1]) * 1000, text: m[2] });
  }
  return out;
}

/** `journalctl -k -o short-unix`: "1733230000.123456 host kernel: message". */
export function parseJournal(text: string): KernelLine[] {
  const out: KernelLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+) \S+ kernel: (.*)$/.exec(line);
    if (m) out.push({ timeMs: Number(m[1]) * 1000, text: m[2] });
  }
  return out;
}

function readKmsg(bootMs: number): KernelLine[] {
  const fd = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const lines: KernelLine[] = [];
  const buf = Buffer.alloc(16384);
  try {
    for (let i = 0; i < 1_000_000; i++) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') continue; // records overwritten while reading: go on with the next
        if (code === 'EAGAIN') break; // the end of the buffer
        throw err;
      }
      if (n <= 0) break;
      const line = parseKmsgRecord(buf.toString('utf8', 0, n), bootMs);
      if (line) lines.push(line);
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

function run(file: string, args: string[]): Promise<{ stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: TIMEOUT_MS, maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      resolve({ stdout: String(stdout), error: err ? (String(stderr).trim().split('\n')[0] || err.message) : undefined });
    });
  });
}

export async function readKernelLog(options: { sinceMs?: number; now?: number } = {}): Promise<KernelLog> {
  const now = options.now ?? Date.now();
  const since = options.sinceMs ?? now - 24 * 3600_000;
  const boot = bootTimeMs(now);
  const notes: string[] = [];
  const recent = (lines: KernelLine[]) => lines.filter((l) => l.timeMs >= since);
  try {
    const lines = readKmsg(boot);
    if (lines.length) return { source: '/dev/kmsg', lines: recent(lines), notes };
    notes.push('/dev/kmsg: empty');
  } catch (err) {
    notes.push(`/dev/kmsg: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const journal = await run('journalctl', ['-k', '-o', 'short-unix', '--no-pager', '--since', `@${Math.floor(since / 1000)}`]);
  const journalLines = parseJournal(journal.stdout);
  if (journalLines.length) return { source: 'journalctl', lines: recent(journalLines), notes };
  notes.push(`journalctl -k: ${journal.error ?? 'no kernel entries'}`);
  const dmesg = await run('dmesg', []);
  const dmesgLines = parseDmesg(dmesg.stdout, boot);
  if (dmesgLines.length) return { source: 'dmesg', lines: recent(dmesgLines), notes };
  notes.push(`dmesg: ${dmesg.error ?? 'no output'}`);
  return { source: 'none', lines: [], notes };
}

export interface OomKill {
  pid: number;
  /** The process's command name as the kernel knows it (comm, at most 15 characters). */
  name: string;
  /** ISO time. */
  time: string;
  anonRssBytes?: number;
  fileRssBytes?: number;
  shmemRssBytes?: number;
  totalVmBytes?: number;
  uid?: number;
  oomScoreAdj?: number;
  /** A memory cgroup's limit ran out, not the machine's memory. */
  cgroup: boolean;
  /** The cgroup whose limit ran out (from the "oom-kill:" line), when the kernel said. */
  memcg?: string;
  /** The kernel's own line. */
  line: string;
}

const kb = (text: string, field: string) => {
  const m = new RegExp(`${field}:(\\d+)kB`).exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
};

/**
 * The OOM killer's kills in kernel lines: "Out of memory: Killed process PID (NAME) total-vm:…kB,
 * anon-rss:…kB, file-rss:…kB, shmem-rss:…kB, UID:… pgtables:…kB oom_score_adj:…" or the same after
 * "Memory cgroup out of memory:"; the "oom-kill:constraint=…,oom_memcg=…,task=…,pid=…" line before
 * it names the cgroup.
 */
export function parseOomKills(lines: KernelLine[]): OomKill[] {
  const kills: OomKill[] = [];
  const memcgByPid = new Map<number, string>();
  for (const { timeMs, text } of lines) {
    if (text.startsWith('oom-kill:')) {
      const memcg = /[,:]oom_memcg=([^,]*)/.exec(text)?.[1];
      const pid = /[,:]pid=(\d+)/.exec(text)?.[1];
      if (memcg !== undefined && pid !== undefined) memcgByPid.set(Number(pid), memcg);
    }
    const m = /(Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): Killed process (\d+) \((.*?)\)(?= total-vm|,|\s*$)/.exec(text);
    if (!m) continue;
    const pid = Number(m[2]);
    const uid = /UID:(\d+)/.exec(text);
    const adj = /oom_score_adj:(-?\d+)/.exec(text);
    const memcg = memcgByPid.get(pid);
    kills.push({
      pid, name: m[3], time: new Date(timeMs).toISOString(),
      anonRssBytes: kb(text, 'anon-rss'), fileRssBytes: kb(text, 'file-rss'), shmemRssBytes: kb(text, 'shmem-rss'), totalVmBytes: kb(text, 'total-vm'),
      uid: uid ? Number(uid[1]) : undefined, oomScoreAdj: adj ? Number(adj[1]) : undefined,
      cgroup: m[1].startsWith('Memory cgroup') || (memcg !== undefined && memcg !== '/'),
      ...(memcg !== undefined ? { memcg } : {}),
      line: text,
    });
  }
  return kills;
}
