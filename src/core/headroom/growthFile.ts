// The free-space history on disk (growth.ts holds the logic). One small JSON file per writer: the
// extension keeps its own in its global storage, the CLI under $XDG_STATE_HOME/ml-disk-space/
// (~/.local/state/ml-disk-space/ by default). The file may be anything by the time it is read —
// half-written, garbage, a FIFO, a link to /dev/zero, huge — so it is read through safeRead (never
// blocks, capped), every point is checked, and whatever is wrong is replaced by a fresh history
// with one line saying why. Writes go to a temporary file renamed over the old one, so a reader
// never sees half a file and a rename never follows a link planted at the path.
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readErrorCode, safeReadText } from '../safeRead';
import { mountOf } from './mountOf';
import { addGrowthPoint, DEFAULT_THINNING, mergePoints, type GrowthPoint, type ThinningLimits } from './growth';

export const GROWTH_FILE_NAME = 'free-space-history.json';
/** ~1,100 points of ~40 bytes per volume, 16 volumes: well under this. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Volumes kept (the most recently read); older ones are dropped. */
export const MAX_VOLUMES = 16;

export interface VolumeHistory {
  /** The path last read on this volume (for people reading the file). */
  path: string;
  totalBytes: number;
  totalInodes?: number;
  points: GrowthPoint[];
}

export type GrowthHistory = Map<string, VolumeHistory>;

export interface LoadedHistory {
  history: GrowthHistory;
  /** Why the file was not used (corrupt, not a regular file, unreadable); absent when fine or missing. */
  problem?: string;
}

/** The CLI's history file: $XDG_STATE_HOME/ml-disk-space/, else ~/.local/state/ml-disk-space/. */
export function cliGrowthFile(env: Record<string, string | undefined>): string {
  // The XDG spec ignores a relative XDG_STATE_HOME.
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(state, 'ml-disk-space', GROWTH_FILE_NAME);
}

/** Names a volume across restarts: its mount point (device numbers can change at boot), else its device. */
export async function growthKeyOf(p: string): Promise<string> {
  const mount = await mountOf(p);
  if (mount) return `mount:${mount.mountPoint}`;
  return `dev:${(await fsp.stat(p)).dev}`;
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined);

/** Points are stored as [t, freeBytes] or [t, freeBytes, freeInodes]. */
function parsePoints(raw: unknown): GrowthPoint[] {
  if (!Array.isArray(raw)) return [];
  const out: GrowthPoint[] = [];
  for (const r of raw) {
    if (!Array.isArray(r)) continue;
    const t = num(r[0]);
    const freeBytes = num(r[1]);
    if (!t || freeBytes === undefined) continue;
    const freeInodes = num(r[2]);
    out.push(freeInodes === undefined ? { t, freeBytes } : { t, freeBytes, freeInodes });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The history in a file's text; anything malformed is left out. Throws on text that is not JSON of the right shape. */
export function parseGrowthText(text: string, limits: ThinningLimits = DEFAULT_THINNING): GrowthHistory {
  const data = JSON.parse(text) as unknown;
  if (!data || typeof data !== 'object' || (data as { version?: unknown }).version !== 1) throw new Error('not a version 1 history');
  const volumes = (data as { volumes?: unknown }).volumes;
  const history: GrowthHistory = new Map();
  if (!volumes || typeof volumes !== 'object') return history;
  for (const [key, v] of Object.entries(volumes as Record<string, unknown>)) {
    if (!v || typeof v !== 'object') continue;
    const o = v as Record<string, unknown>;
    const totalBytes = num(o.totalBytes);
    if (!totalBytes) continue;
    const points = mergePoints(parsePoints(o.points), [], limits);
    if (!points.length) continue;
    const totalInodes = num(o.totalInodes);
    history.set(key, { path: typeof o.path === 'string' ? o.path : '', totalBytes, ...(totalInodes ? { totalInodes } : {}), points });
  }
  return history;
}

export function growthText(history: GrowthHistory): string {
  const newestFirst = [...history.entries()].sort((a, b) => newestT(b[1]) - newestT(a[1])).slice(0, MAX_VOLUMES);
  const volumes: Record<string, unknown> = {};
  for (const [key, v] of newestFirst) {
    volumes[key] = {
      path: v.path, totalBytes: v.totalBytes, ...(v.totalInodes ? { totalInodes: v.totalInodes } : {}),
      points: v.points.map((p) => (p.freeInodes === undefined ? [p.t, p.freeBytes] : [p.t, p.freeBytes, p.freeInodes])),
    };
  }
  return JSON.stringify({ version: 1, volumes });
}

const newestT = (v: VolumeHistory) => v.points[v.points.length - 1]?.t ?? 0;

/** Reads the file; a missing file is an empty history, anything unusable an empty history with the reason. */
export async function loadGrowthFile(file: string): Promise<LoadedHistory> {
  let text: string;
  try {
    text = await safeReadText(file, { maxBytes: MAX_FILE_BYTES });
  } catch (err) {
    if (readErrorCode(err) === 'ENOENT') return { history: new Map() };
    return { history: new Map(), problem: `${(err as Error).message}; starting a new free-space history` };
  }
  try {
    return { history: parseGrowthText(text) };
  } catch (err) {
    return { history: new Map(), problem: `${file} is not a free-space history (${(err as Error).message}); starting a new one` };
  }
}

/** Writes the history: a temporary file beside it, then a rename (atomic; replaces whatever is at the path). */
export async function saveGrowthFile(file: string, history: GrowthHistory): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await fsp.writeFile(tmp, growthText(history), { mode: 0o600, flag: 'wx' });
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export interface Reading {
  key: string;
  path: string;
  totalBytes: number;
  totalInodes?: number;
  point: GrowthPoint;
}

/**
 * Adds a reading to a volume's history in memory. A volume whose size changed by more than 1 %
 * (resized, or another file system mounted there) starts over: its old points are not this volume's.
 */
export function withReading(history: GrowthHistory, r: Reading, limits: ThinningLimits = DEFAULT_THINNING): VolumeHistory {
  const old = history.get(r.key);
  const sameVolume = old && Math.abs(old.totalBytes - r.totalBytes) <= old.totalBytes * 0.01;
  const v: VolumeHistory = {
    path: r.path, totalBytes: r.totalBytes, ...(r.totalInodes ? { totalInodes: r.totalInodes } : {}),
    points: addGrowthPoint(sameVolume ? old.points : [], r.point, limits),
  };
  history.set(r.key, v);
  return v;
}

/** Merges another copy of the history (the file as another window left it) into `into`. */
export function mergeHistories(into: GrowthHistory, other: GrowthHistory, limits: ThinningLimits = DEFAULT_THINNING): void {
  for (const [key, v] of other) {
    const mine = into.get(key);
    if (!mine) into.set(key, v);
    else if (Math.abs(mine.totalBytes - v.totalBytes) <= mine.totalBytes * 0.01) mine.points = mergePoints(mine.points, v.points, limits);
  }
}

/** The CLI's one step: read the file, add the reading, write it back. Never throws; problems come back as text. */
export async function recordReading(file: string, r: Reading): Promise<{ volume: VolumeHistory; problem?: string }> {
  const loaded = await loadGrowthFile(file);
  const volume = withReading(loaded.history, r);
  try {
    await saveGrowthFile(file, loaded.history);
  } catch (err) {
    const why = `cannot save the free-space history to ${file} (${readErrorCode(err)})`;
    return { volume, problem: loaded.problem ? `${loaded.problem}; ${why}` : why };
  }
  return { volume, ...(loaded.problem ? { problem: loaded.problem } : {}) };
}
