// /dev/shm: its size, what fills it, and which segments are leftovers of processes that no longer
// exist. PyTorch (torch_<pid>_…), Python multiprocessing.shared_memory (psm_…), POSIX named
// semaphores (sem.…) and NCCL (nccl-…) leave files here when a process dies without cleaning up;
// they hold RAM until removed. A segment is reclaimable only when no live process maps it or
// holds it open (procUsage.ts), it belongs to the current user, and it is not brand new (a
// process may be between creating and mapping it). A running DataLoader's segments never are.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { fileKey, findFileUsers, type UnreadableProcess } from './procUsage';
import { t } from '../l10n';

export const DEFAULT_SHM_DIR = '/dev/shm';
/** Younger segments may be between shm_open and mmap in a live process: never offered. */
export const SHM_MIN_AGE_MS = 60_000;

export type ShmKind = 'torch' | 'python-shared-memory' | 'semaphore' | 'nccl' | 'other';

export interface ShmSegment {
  path: string;
  name: string;
  kind: ShmKind;
  /** Memory it holds (st_blocks x 512); apparentBytes = st_size. */
  bytes: number;
  apparentBytes: number;
  uid: number;
  mode: number;
  dev: number;
  ino: number;
  modifiedMs: number;
  /** Live processes that map it or hold it open. */
  pids: number[];
  reclaimable: boolean;
  /** Why it is or is not reclaimable, in a few words. */
  reason: string;
}

export interface ShmReport {
  dir: string;
  totalBytes: number;
  usedBytes: number;
  availableBytes: number;
  segments: ShmSegment[];
  reclaimableBytes: number;
  /** Bytes of segments live processes use. */
  inUseBytes: number;
  /** Processes whose maps/fds could not be read (counted, not listed). */
  unreadableProcesses: number;
  scannedAt: number;
}

/** The /dev/shm to inspect; MLDS_SHM_DIR points tests (and odd systems) at another tmpfs. */
export function shmDir(env: Record<string, string | undefined> = process.env): string {
  return env.MLDS_SHM_DIR || DEFAULT_SHM_DIR;
}

export function shmKind(name: string): ShmKind {
  if (/^torch_/.test(name)) return 'torch';
  if (/^psm_/.test(name) || /^wnsm_/.test(name)) return 'python-shared-memory';
  if (/^sem\./.test(name)) return 'semaphore';
  if (/^nccl-/.test(name)) return 'nccl';
  return 'other';
}

function verdict(
  seg: Omit<ShmSegment, 'reclaimable' | 'reason'>, now: number, myUid: number, unreadable: UnreadableProcess[], minAgeMs: number,
): { reclaimable: boolean; reason: string } {
  if (seg.pids.length) return { reclaimable: false, reason: t('in use by pid {0}', seg.pids.join(', ')) };
  if (myUid !== 0 && seg.uid !== myUid) return { reclaimable: false, reason: t('belongs to uid {0}, not you', seg.uid) };
  if (now - seg.modifiedMs < minAgeMs) return { reclaimable: false, reason: t('written in the last minute (may be in the middle of being set up)') };
  // A process we cannot inspect (another user's; a non-dumpable one such as ssh-agent or init,
  // unreadable even to root) could map a segment only if it may open it: the owner's own (mode
  // 0600, what PyTorch and multiprocessing create) are taken as not used by those; a segment
  // others may open is kept whenever any process could not be inspected.
  const openToOthers = (seg.mode & 0o066) !== 0;
  if (openToOthers && unreadable.length) return { reclaimable: false, reason: t('others may open it and {0} process(es) could not be inspected', unreadable.length) };
  return { reclaimable: true, reason: t('no live process maps it or holds it open') };
}

export async function scanShm(options: { dir?: string; now?: number; minAgeMs?: number } = {}): Promise<ShmReport> {
  const dir = options.dir ?? shmDir();
  const now = options.now ?? Date.now();
  const fsStat = await fsp.statfs(dir);
  const dirStat = await fsp.stat(dir);
  const files: Omit<ShmSegment, 'reclaimable' | 'reason' | 'pids'>[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    // Only plain files are segments; a folder or link here is someone else's business.
    if (!entry.isFile()) continue;
    try {
      const p = path.join(dir, entry.name);
      const st = await fsp.lstat(p);
      if (!st.isFile() || st.dev !== dirStat.dev) continue;
      files.push({
        path: p, name: entry.name, kind: shmKind(entry.name), bytes: st.blocks * 512, apparentBytes: st.size,
        uid: st.uid, mode: st.mode & 0o777, dev: st.dev, ino: st.ino, modifiedMs: st.mtimeMs,
      });
    } catch { /* removed meanwhile */ }
  }
  const { users, unreadable } = await findFileUsers(dirStat.dev);
  const myUid = process.getuid?.() ?? 0;
  const minAge = options.minAgeMs ?? SHM_MIN_AGE_MS;
  const segments = files.map((f) => {
    const pids = [...(users.get(fileKey(f.dev, f.ino)) ?? [])].sort((a, b) => a - b);
    const seg = { ...f, pids };
    return { ...seg, ...verdict(seg, now, myUid, unreadable, minAge) };
  }).sort((a, b) => b.bytes - a.bytes);
  return {
    dir,
    totalBytes: fsStat.blocks * fsStat.bsize,
    usedBytes: (fsStat.blocks - fsStat.bfree) * fsStat.bsize,
    availableBytes: fsStat.bavail * fsStat.bsize,
    segments,
    reclaimableBytes: segments.filter((s) => s.reclaimable).reduce((a, s) => a + s.bytes, 0),
    inUseBytes: segments.filter((s) => s.pids.length).reduce((a, s) => a + s.bytes, 0),
    unreadableProcesses: unreadable.length,
    scannedAt: now,
  };
}
