// Checkpoint discovery: glob the roots for checkpoint folders and files, size them all in one
// walk of the shared walker (worker threads; hard links counted once across the scan), group
// them into runs and work out each run's facts. Nothing here follows a symlink out of a root:
// fast-glob does not enter symlinked folders, the walker does not follow links below its roots,
// and a `last.ckpt` link is only resolved to find which checkpoint it names.
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { ScanWarning } from '../model';
import { DEFAULT_CHECKPOINT_GLOBS, type ScanSettings } from '../settings';
import { volumeOf } from '../volume';
import type { Walker } from '../walker/walker';
import type { WalkNode, WalkProgress } from '../walker/types';
import { newestActivity } from './activity';
import { analyseRun, compareCheckpoints } from './analyse';
import { checkpointContents } from './contents';
import { forecastRun } from './forecast';
import { globRoot, ignoreBelow, type GlobEntry } from './glob';
import { DEFAULT_GREATER_IS_BETTER, deepspeedStep, hfStep, isLooseWeightName, LOOSE_WEIGHT_EXTENSIONS, parseLightningName } from './names';
import type { Checkpoint, CheckpointFormat, CheckpointScan, Run } from './types';

export const CHECKPOINTS_CATEGORY_ID = 'checkpoints';

const LOOSE_WEIGHT_GLOBS = ['**/*.{pt,pth,bin,safetensors,ckpt}'];
/** Children kept per checkpoint folder by the walk: enough to see every state file of a real checkpoint. */
const WALK_TOP_N = 256;

export interface DiscoverOptions {
  roots: string[];
  settings: ScanSettings;
  walker: Walker;
  /** For ages and "in progress" (ms since epoch). */
  now: number;
  signal?: AbortSignal;
  /** Used to skip the ML caches (HF, torch, pip, …) other categories count. */
  env?: Record<string, string | undefined>;
  homeDir?: string;
  /** Metric names (or name tokens) where greater is better; default DEFAULT_GREATER_IS_BETTER. */
  greaterIsBetter?: readonly string[];
  progress?(message: string, walk?: WalkProgress): void;
  warn?(warning: ScanWarning): void;
  /** Free bytes of the volume holding a path, for forecasts (default: statfs f_bavail). */
  availableBytes?(p: string): Promise<number | null>;
}

interface Candidate {
  path: string;
  name: string;
  root: string;
  kind: GlobEntry['kind'];
  format: CheckpointFormat | 'loose' | 'skip';
}

/** Folders where other categories count the files: a weight file there is theirs, not a loose one. */
export function cacheFolders(env: Record<string, string | undefined>, homeDir: string): string[] {
  const cache = env.XDG_CACHE_HOME || (homeDir ? path.join(homeDir, '.cache') : '');
  const hfHome = env.HF_HOME || (cache ? path.join(cache, 'huggingface') : '');
  const list = [
    cache, hfHome, env.HF_HUB_CACHE, env.HUGGINGFACE_HUB_CACHE, env.HF_DATASETS_CACHE, env.HF_XET_CACHE,
    env.TORCH_HOME, env.PIP_CACHE_DIR, env.UV_CACHE_DIR, env.CONDA_PKGS_DIRS, env.MAMBA_ROOT_PREFIX,
  ];
  return [...new Set(list.filter((p): p is string => !!p && path.isAbsolute(p)).map((p) => path.resolve(p)))];
}

const isDefaultGlobSet = (globs: string[]) => globs.every((g) => DEFAULT_CHECKPOINT_GLOBS.includes(g));

function ancestorIn(p: string, set: ReadonlySet<string>, root: string): boolean {
  for (let dir = path.dirname(p); dir.length >= root.length && dir !== p; p = dir, dir = path.dirname(dir)) {
    if (set.has(dir)) return true;
    if (dir === root) break;
  }
  return false;
}

export async function discoverCheckpoints(options: DiscoverOptions): Promise<CheckpointScan> {
  const { settings, signal } = options;
  const warn = (w: ScanWarning) => options.warn?.({ category: CHECKPOINTS_CATEGORY_ID, ...w });
  const roots = [...new Set(options.roots.map((r) => path.resolve(r)))];
  const caches = cacheFolders(options.env ?? {}, options.homeDir ?? '');
  const looseEnabled = Number.isFinite(settings.looseWeightMinBytes) && settings.looseWeightMinBytes >= 0;
  const checkpointGlobs = settings.checkpointGlobs.length ? settings.checkpointGlobs : DEFAULT_CHECKPOINT_GLOBS;
  // With the default globs, a file's name says whether a checkpoint glob matched it; custom globs
  // may match weight files too, so they get a glob pass of their own.
  const customGlobs = !isDefaultGlobSet(checkpointGlobs);
  const result: CheckpointScan = { runs: [], loose: [], claimedPaths: [], cancelled: false };

  // 1. Glob every root.
  const seen = new Map<string, Candidate>();
  for (const root of roots) {
    if (signal?.aborted) break;
    options.progress?.(`Checkpoints: looking in ${root}`);
    const ignore = [...settings.exclude, ...caches.map((c) => ignoreBelow(root, c)).filter((g): g is string => !!g)];
    const onError = (dir: string, err: NodeJS.ErrnoException) => warn({ message: `cannot read ${dir}: ${err.code}`, path: dir, code: err.code });
    const patterns = customGlobs ? checkpointGlobs : [...checkpointGlobs, ...(looseEnabled ? LOOSE_WEIGHT_GLOBS : [])];
    // A large workspace takes seconds to glob: stream where it is, at most every 200 ms.
    let lastProgress = 0;
    const onFolder = (dir: string, foldersRead: number) => {
      const now = Date.now();
      if (now - lastProgress < 200) return;
      lastProgress = now;
      options.progress?.(`Checkpoints: looking in ${root}`, { files: 0, dirs: foldersRead, bytes: 0, currentPath: dir });
    };
    const first = await globRoot(root, { patterns, ignore, signal, onError, prune: ownsItsContents, onFolder });
    const add = (e: GlobEntry, matched: boolean) => {
      if (seen.has(e.path) || e.path === root) return;
      const format = classify(e, matched);
      if (format !== 'skip') seen.set(e.path, { path: e.path, name: e.name, root, kind: e.kind, format });
    };
    for (const e of first.entries) add(e, customGlobs || matchesDefaultGlobs(e));
    if (customGlobs && looseEnabled && !first.cancelled) {
      for (const e of (await globRoot(root, { patterns: LOOSE_WEIGHT_GLOBS, ignore, signal, prune: ownsItsContents, onFolder })).entries) add(e, false);
    }
  }
  if (signal?.aborted) return { ...result, cancelled: true };

  // 2. Checkpoint folders own everything below them (DeepSpeed global_step*/ inside checkpoint-N/ …).
  const checkpointDirs = new Set([...seen.values()].filter((c) => c.kind === 'dir').map((c) => c.path));
  const candidates = [...seen.values()].filter((c) => !ancestorIn(c.path, checkpointDirs, c.root));

  // 3. Checkpoints group by folder into runs; one nameless .ckpt file alone in a folder is a loose weight file.
  const byParent = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (c.format === 'loose') continue;
    const dir = path.dirname(c.path);
    const list = byParent.get(dir);
    if (list) list.push(c); else byParent.set(dir, [c]);
  }
  for (const [dir, list] of byParent) {
    if (list.length !== 1 || list[0].format !== 'lightning' || list[0].kind !== 'file') continue;
    const parsed = parseLightningName(list[0].name);
    if (parsed.last || parsed.epoch !== null || parsed.step !== null || Object.keys(parsed.metrics).length) continue;
    list[0].format = 'loose';
    byParent.delete(dir);
  }
  const runDirs = new Set(byParent.keys());
  const checkpointCandidates = [...byParent.values()].flat();

  // 4. Loose weights: large files in no run (not inside a checkpoint, not beside one).
  const loose: Candidate[] = [];
  if (looseEnabled) {
    for (const c of candidates) {
      if (c.format !== 'loose' || runDirs.has(path.dirname(c.path))) continue;
      try {
        const st = await fsp.lstat(c.path);
        if (st.isFile() && st.size >= settings.looseWeightMinBytes) loose.push(c);
      } catch {
        // vanished since the glob
      }
      if (signal?.aborted) return { ...result, cancelled: true };
    }
  }

  // 5. Size everything in one walk (links are not walked: they are measured by lstat below).
  const walked = [...checkpointCandidates.filter((c) => c.kind !== 'symlink'), ...loose];
  options.progress?.(`Checkpoints: sizing ${walked.length} checkpoints and weight files`);
  const walk = await options.walker.walk(walked.map((c) => c.path), {
    signal, topN: WALK_TOP_N, detailDepth: 2,
    onProgress: (p) => options.progress?.('Checkpoints: sizing', p),
  });
  for (const e of walk.errors) warn({ message: `${e.path}: ${e.message}`, path: e.path, code: e.code });
  if (walk.errorCount > walk.errors.length) warn({ message: `${walk.errorCount - walk.errors.length} more unreadable entries in checkpoints not listed` });
  if (walk.cancelled || signal?.aborted) return { ...result, cancelled: true };
  const nodes = new Map<string, WalkNode>();
  walked.forEach((c, i) => nodes.set(c.path, walk.roots[i]));

  // 6. Checkpoints and loose weights from the walked nodes.
  const checkpoints: Checkpoint[] = [];
  for (const c of checkpointCandidates) {
    const cp = c.kind === 'symlink' ? await linkCheckpoint(c) : nodeCheckpoint(c, nodes.get(c.path)!);
    if (cp) checkpoints.push(cp);
    else warn({ message: `${c.path} vanished or changed during the scan`, path: c.path, code: 'ENOENT' });
  }
  for (const c of loose) {
    const node = nodes.get(c.path)!;
    if (node.type !== 'file') continue;
    result.loose.push({ path: c.path, root: c.root, name: c.name, dev: node.dev, ino: node.ino, type: 'file', bytes: node.bytes, apparentBytes: node.apparentBytes, modifiedMs: node.mtimeMs });
    result.claimedPaths.push(node.path);
  }
  for (const c of checkpointCandidates) {
    const node = nodes.get(c.path);
    if (node && node.type !== 'other') result.claimedPaths.push(node.path);
    // Links are not walked: claim them where the workspace walk (roots resolved) meets them.
    else if (c.kind === 'symlink' && checkpoints.some((cp) => cp.path === c.path)) {
      result.claimedPaths.push(path.join(await fsp.realpath(path.dirname(c.path)).catch(() => path.dirname(c.path)), c.name));
    }
  }

  // 7. last.ckpt links name a checkpoint: mark it (it is kept).
  await resolveLinks(checkpoints);

  // 8. Runs.
  const runs = new Map<string, Checkpoint[]>();
  for (const cp of checkpoints) {
    const list = runs.get(cp.runPath) ?? [];
    list.push(cp);
    runs.set(cp.runPath, list);
  }
  const greaterIsBetter = options.greaterIsBetter ?? DEFAULT_GREATER_IS_BETTER;
  const available = options.availableBytes ?? defaultAvailableBytes;
  const walkedPaths = new Set(walked.map((c) => c.path));
  for (const [runPath, list] of runs) {
    if (signal?.aborted) return { ...result, cancelled: true };
    const run = await buildRun(runPath, list, options.now, settings.activeRunMinutes, walkedPaths);
    await analyseRun(run, { greaterIsBetter });
    run.forecast = run.trainerState ? forecastRun(run, await available(run.path)) : null;
    for (const p of run.problems) warn({ message: `${run.label}: ${p}`, path: run.path, code: 'checkpoint-metadata' });
    result.runs.push(run);
  }
  result.runs.sort((a, b) => b.bytes - a.bytes);
  result.loose.sort((a, b) => b.bytes - a.bytes);
  return result;
}

/** Checkpoint folders by name (HF, DeepSpeed, Lightning's sharded .ckpt folders): nothing below them is another checkpoint. */
function ownsItsContents(dir: string): boolean {
  const name = path.basename(dir);
  return hfStep(name) !== null || deepspeedStep(name) !== null || name.endsWith('.ckpt');
}

/** With the default globs, which entries a checkpoint glob (not a loose-weight glob) matched. */
function matchesDefaultGlobs(e: GlobEntry): boolean {
  if (e.kind === 'dir') return e.name.startsWith('checkpoint-') || deepspeedStep(e.name) !== null || e.name.endsWith('.ckpt');
  return e.name.endsWith('.ckpt');
}

/**
 * What an entry is: HF / DeepSpeed / Lightning (a .ckpt file, a link, or a sharded .ckpt folder) /
 * 'other' (a custom checkpoint glob matched it) / a loose weight candidate / nothing of ours.
 */
function classify(e: GlobEntry, matchedCheckpointGlob: boolean): Candidate['format'] {
  if (e.kind === 'other') return 'skip';
  if (matchedCheckpointGlob) {
    if (e.kind === 'dir' && hfStep(e.name) !== null) return 'hf';
    if (e.kind === 'dir' && deepspeedStep(e.name) !== null) return 'deepspeed';
    if (e.name.endsWith('.ckpt')) return 'lightning';
    // A symlinked folder is not entered or sized; only links to .ckpt files (last.ckpt) are kept.
    if (e.kind === 'symlink' && e.name.startsWith('checkpoint-')) return 'skip';
    return 'other';
  }
  return e.kind === 'file' && isLooseWeightName(e.name) && LOOSE_WEIGHT_EXTENSIONS.some((x) => e.name.endsWith(x)) ? 'loose' : 'skip';
}

function baseCheckpoint(c: Candidate): Omit<Checkpoint, 'dev' | 'ino' | 'type' | 'bytes' | 'apparentBytes' | 'modifiedMs'> {
  const lightning = c.format === 'lightning' || c.format === 'other' ? parseLightningName(c.name) : undefined;
  const step = c.format === 'hf' ? hfStep(c.name) : c.format === 'deepspeed' ? deepspeedStep(c.name) : lightning?.step ?? null;
  return {
    path: c.path, root: c.root, name: c.name, format: c.format as CheckpointFormat, runPath: path.dirname(c.path),
    step, epoch: lightning?.epoch ?? null, version: lightning?.version ?? null,
    metric: null, metrics: { ...(lightning?.metrics ?? {}) },
    best: false, last: false, lastByName: lightning?.last ?? false,
    slimParts: [], hasWeights: false, deepspeed: c.format === 'deepspeed',
  };
}

function nodeCheckpoint(c: Candidate, node: WalkNode): Checkpoint | undefined {
  const expected = c.kind === 'dir' ? 'dir' : 'file';
  if (!node || node.type !== expected || !node.ino) return undefined;
  const contents = checkpointContents(node);
  return {
    ...baseCheckpoint(c),
    dev: node.dev, ino: node.ino, type: expected,
    bytes: node.bytes, apparentBytes: node.apparentBytes, modifiedMs: node.mtimeMs,
    slimParts: contents.slimParts, hasWeights: contents.hasWeights, deepspeed: c.format === 'deepspeed' || contents.deepspeed,
  };
}

async function linkCheckpoint(c: Candidate): Promise<Checkpoint | undefined> {
  try {
    const st = await fsp.lstat(c.path);
    if (!st.isSymbolicLink()) return undefined;
    let target: string | null = null;
    try {
      target = await fsp.realpath(c.path);
    } catch {
      target = null; // dangling (or a loop): kept as a link that names nothing
    }
    return {
      ...baseCheckpoint(c),
      dev: st.dev, ino: st.ino, type: 'symlink',
      bytes: st.blocks * 512, apparentBytes: st.size, modifiedMs: st.mtimeMs,
      linkTarget: target,
    };
  } catch {
    return undefined;
  }
}

async function resolveLinks(checkpoints: Checkpoint[]): Promise<void> {
  const links = checkpoints.filter((c) => c.type === 'symlink' && c.linkTarget);
  if (!links.length) return;
  // Real paths of the run folders, so a link's resolved target can be matched to a checkpoint.
  const realRun = new Map<string, string>();
  const byReal = new Map<string, Checkpoint>();
  for (const c of checkpoints) {
    if (c.type === 'symlink') continue;
    let real = realRun.get(c.runPath);
    if (real === undefined) {
      real = await fsp.realpath(c.runPath).catch(() => c.runPath);
      realRun.set(c.runPath, real);
    }
    byReal.set(path.join(real, c.name), c);
  }
  for (const link of links) {
    const target = byReal.get(link.linkTarget!);
    if (target) (target.linkedFrom ??= []).push(link.path);
  }
}

async function buildRun(runPath: string, list: Checkpoint[], now: number, activeRunMinutes: number, walked: ReadonlySet<string>): Promise<Run> {
  list.sort(compareCheckpoints);
  const root = list[0].root;
  let dev = 0, ino = 0;
  try {
    const st = await fsp.lstat(runPath);
    dev = st.dev; ino = st.ino;
  } catch {
    // the run folder vanished mid-scan: its checkpoints will fail re-validation
  }
  const formats = new Set(list.map((c) => c.format));
  const format: CheckpointFormat = formats.has('hf') ? 'hf' : formats.size === 1 ? list[0].format : formats.has('lightning') ? 'lightning' : 'other';
  const real = list.filter((c) => c.type !== 'symlink');
  const times = real.map((c) => c.modifiedMs);
  const activity = Math.max(...list.map((c) => c.modifiedMs), await newestActivity(runPath, walked));
  const rel = path.relative(root, runPath);
  return {
    path: runPath, root, label: rel || path.basename(runPath) || runPath, format, dev, ino,
    checkpoints: list,
    bytes: list.reduce((s, c) => s + c.bytes, 0),
    apparentBytes: list.reduce((s, c) => s + c.apparentBytes, 0),
    newestMs: times.length ? Math.max(...times) : 0,
    oldestMs: times.length ? Math.min(...times) : 0,
    activityMs: activity,
    // A change in the future (clock skew, a mount from another machine) counts as in progress too.
    inProgress: activity > now - activeRunMinutes * 60_000,
    metricName: null, metricDirection: null, bestSource: null,
    trainerState: null, forecast: null, problems: [],
  };
}

async function defaultAvailableBytes(p: string): Promise<number | null> {
  try {
    return (await volumeOf(p)).availableBytes;
  } catch {
    return null;
  }
}
