// Checkpoint discovery: find checkpoint folders and files under the roots (by name, during a walk
// of the roots that sizes them on the way: the scan's shared workspace walk, or one of our own),
// group them into runs and work out each run's facts. Nothing here follows a symlink out of a
// root: the walker does not follow links below its roots (nor does fast-glob, for path globs),
// and a `last.ckpt` link is only resolved to find which checkpoint it names.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { reportWalkErrors } from '../../scan/walkHelpers';
import { t } from '../../l10n';
import type { ScanWarning } from '../../model';
import type { ScanSettings } from '../../settings';
import { createLimiter } from '../../limit';
import { timeSlicer, type TimeSlice } from '../../timeSlice';
import { volumeOf } from '../../volume';
import type { Walker } from '../../walker/walker';
import type { CollectOption, WalkNode, WalkProgress, WalkResult } from '../../walker/types';
import { newestActivity } from './activity';
import { analyseRun, compareCheckpoints } from './analyse';
import { isCheckedFile, isCheckedName } from './incomplete';
import { CheckpointInspector, type Inspections } from './inspectPool';
import { CHECKPOINT_DETAIL_DEPTH, CHECKPOINT_MARKERS, checkpointContents } from './contents';
import { CHECKPOINT_TOP_N, findCandidates, type FoundEntry } from './find';
import { forecastRun } from './forecast';
import { DEFAULT_GREATER_IS_BETTER, deepspeedStep, hfStep, isLooseWeightName, LOOSE_WEIGHT_EXTENSIONS, parseLightningName } from './names';
import type { Checkpoint, CheckpointFormat, CheckpointScan, Run } from './types';

export const CHECKPOINTS_CATEGORY_ID = 'checkpoints';
/** Progress while runs are analysed, at most this often (the UI expects news every 500 ms). */
const PROGRESS_MS = 200;

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
  /**
   * The scan's one walk of `roots` (same order), made with checkpointCollectOption(settings):
   * discovery takes the checkpoints it collected instead of walking the roots again. Its errors
   * are the caller's to report; `onCollected` hears of collected entries while it runs.
   */
  sharedWalk?(onCollected?: (nodes: WalkNode[]) => void): Promise<WalkResult>;
}

interface Candidate extends FoundEntry {
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

function ancestorIn(p: string, set: ReadonlySet<string>, root: string): boolean {
  for (let dir = path.dirname(p); dir.length >= root.length && dir !== p; p = dir, dir = path.dirname(dir)) {
    if (set.has(dir)) return true;
    if (dir === root) break;
  }
  return false;
}

export async function discoverCheckpoints(options: DiscoverOptions): Promise<CheckpointScan> {
  const warn = (w: ScanWarning) => options.warn?.({ category: CHECKPOINTS_CATEGORY_ID, ...w });
  const roots = [...new Set(options.roots.map((r) => path.resolve(r)))];
  const result: CheckpointScan = { runs: [], loose: [], claimedPaths: [], cancelled: false };
  // What can be worked out per checkpoint starts as the walk finds it: the inspection (listing,
  // weight headers) in worker threads, the checkpoint from its walked node (what it holds) here.
  const early: EarlyWork = { inspector: new CheckpointInspector({ signal: options.signal }), checkpoints: new Map() };
  try {
    return await discover(options, roots, result, early, warn) ?? { ...result, cancelled: true };
  } finally {
    await early.inspector.close();
  }
}

/** Per-checkpoint work started while the walk runs. */
interface EarlyWork {
  inspector: CheckpointInspector;
  /** Each walked checkpoint as its node makes it, by node (checkpointsOf takes it if nothing changed since). */
  checkpoints: Map<WalkNode, Checkpoint>;
}

/** discoverCheckpoints' steps; undefined when cancelled. */
async function discover(options: DiscoverOptions, roots: string[], result: CheckpointScan, early: EarlyWork, warn: (w: ScanWarning) => void): Promise<CheckpointScan | undefined> {
  const { settings, signal } = options;
  const found = await findAll(options, roots, early, warn);
  if (!found) return undefined;
  options.progress?.(t('Checkpoints: sorting {0} candidates into runs', found.length));
  // Thousands of candidates on a big tree: sorted in slices, for this runs on the editor's thread.
  const slice = timeSlicer();
  const candidates = await outermost(await classified(found, slice), slice);
  const { runDirs, checkpointCandidates } = groupIntoRuns(candidates);
  const loose = await looseWeights(candidates, runDirs, settings, signal);
  if (!loose) return undefined;
  const nodes = await sizeCandidates([...checkpointCandidates, ...loose], options, warn);
  if (!nodes) return undefined;

  const checkpoints = await checkpointsOf(checkpointCandidates, nodes, early.checkpoints, warn);
  for (const c of loose) {
    const node = nodes.get(c.path)!;
    if (node.type !== 'file') continue;
    result.loose.push({ path: c.path, root: c.root, name: c.name, dev: node.dev, ino: node.ino, type: 'file', bytes: node.bytes, apparentBytes: node.apparentBytes, modifiedMs: node.mtimeMs });
    result.claimedPaths.push(node.path);
  }
  result.claimedPaths.push(...await claimedCheckpointPaths(checkpointCandidates, checkpoints, nodes));
  // last.ckpt links name a checkpoint: mark it (it is kept).
  await resolveLinks(checkpoints);

  const runs = await analyseRuns(checkpoints, options, new Set(nodes.keys()), early.inspector);
  if (!runs) return undefined;
  for (const run of runs) {
    for (const p of run.problems) warn({ message: `${run.label}: ${p}`, path: run.path, code: 'checkpoint-metadata' });
    result.runs.push(run);
  }
  result.runs.sort((a, b) => b.bytes - a.bytes);
  result.loose.sort((a, b) => b.bytes - a.bytes);
  return result;
}

/** Checkpoint and weight-file candidates by name, sized already when a walk found them; undefined when cancelled. */
async function findAll(options: DiscoverOptions, roots: string[], early: EarlyWork, warn: (w: ScanWarning) => void): Promise<FoundEntry[] | undefined> {
  const { settings, signal } = options;
  const ownWalk = (collect: CollectOption, excludePaths: string[], onCollected?: (nodes: WalkNode[]) => void) => {
    options.progress?.(t('Checkpoints: looking in the workspace folders'));
    return options.walker.walk(roots, {
      signal, collect, excludePaths, topN: 1, detailDepth: 0, onCollected,
      onProgress: (p) => options.progress?.(t('Checkpoints: looking in the workspace folders'), p),
    }).then((walk) => {
      reportWalkErrors({ warn }, walk, CHECKPOINTS_CATEGORY_ID);
      return walk;
    });
  };
  const found = await findCandidates({
    roots, settings, cacheFolders: cacheFolders(options.env ?? {}, options.homeDir ?? ''), signal,
    walk: options.sharedWalk ? (_collect, _exclude, onCollected) => options.sharedWalk!(onCollected) : ownWalk,
    // What will be a checkpoint folder or a checked weight file (not a loose weight: those are not inspected).
    onEntry: (entry) => {
      if (!entry.matched) return;
      if (entry.kind === 'dir') early.inspector.add([entry.path], []);
      else if (entry.kind === 'file' && isCheckedName(entry.name)) early.inspector.add([], [entry.path]);
      const format = classify(entry);
      if (!entry.node || entry.kind === 'symlink' || format === 'skip' || format === 'loose') return;
      const checkpoint = nodeCheckpoint({ ...entry, format }, entry.node);
      if (checkpoint) early.checkpoints.set(entry.node, checkpoint);
    },
    progress: (message, foldersRead, currentPath) => options.progress?.(message, foldersRead === undefined ? undefined : { files: 0, dirs: foldersRead, bytes: 0, currentPath: currentPath ?? '' }),
    onError: (dir, code) => warn({ message: t('cannot read {0}: {1}', dir, code), path: dir, code }),
  });
  return found.cancelled || signal?.aborted ? undefined : found.entries;
}

/** Each path once, with what it is; entries of no format of ours dropped. */
async function classified(entries: FoundEntry[], slice: TimeSlice): Promise<Candidate[]> {
  const seen = new Map<string, Candidate>();
  for (const e of entries) {
    await slice();
    if (seen.has(e.path)) continue;
    const format = classify(e);
    if (format !== 'skip') seen.set(e.path, { ...e, format });
  }
  return [...seen.values()];
}

// Checkpoint folders own everything below them (DeepSpeed global_step* folders inside checkpoint-N/ …).
async function outermost(candidates: Candidate[], slice: TimeSlice): Promise<Candidate[]> {
  const checkpointDirs = new Set(candidates.filter((c) => c.kind === 'dir').map((c) => c.path));
  const kept: Candidate[] = [];
  for (const c of candidates) {
    await slice();
    if (!ancestorIn(c.path, checkpointDirs, c.root)) kept.push(c);
  }
  return kept;
}

/** Checkpoints group by folder into runs; one nameless .ckpt file alone in a folder is a loose weight file. */
function groupIntoRuns(candidates: Candidate[]): { runDirs: Set<string>; checkpointCandidates: Candidate[] } {
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
  return { runDirs: new Set(byParent.keys()), checkpointCandidates: [...byParent.values()].flat() };
}

/** Loose weights: large files in no run (not inside a checkpoint, not beside one); undefined when cancelled. */
async function looseWeights(candidates: Candidate[], runDirs: Set<string>, settings: ScanSettings, signal?: AbortSignal): Promise<Candidate[] | undefined> {
  const loose: Candidate[] = [];
  if (!(Number.isFinite(settings.looseWeightMinBytes) && settings.looseWeightMinBytes >= 0)) return loose;
  for (const c of candidates) {
    if (c.format !== 'loose' || runDirs.has(path.dirname(c.path))) continue;
    // A walked file's size is in its node, unless a hard link elsewhere already counted it (size 0 there).
    if (c.node && !c.node.hardLinkedFiles) {
      if (c.node.type === 'file' && c.node.apparentBytes >= settings.looseWeightMinBytes) loose.push(c);
      continue;
    }
    try {
      const st = await fsp.lstat(c.path);
      if (st.isFile() && st.size >= settings.looseWeightMinBytes) loose.push(c);
    } catch {
      // vanished since the glob
    }
    if (signal?.aborted) return undefined;
  }
  return loose;
}

/**
 * The walked node of each candidate: found by the walk, or walked now (fast-glob finds without
 * sizing). Links are not walked: lstat measures them later. Undefined when cancelled.
 */
async function sizeCandidates(candidates: Candidate[], options: DiscoverOptions, warn: (w: ScanWarning) => void): Promise<Map<string, WalkNode> | undefined> {
  const nodes = new Map<string, WalkNode>();
  const unsized: Candidate[] = [];
  for (const c of candidates) {
    if (c.kind === 'symlink') continue;
    if (c.node) nodes.set(c.path, c.node);
    else unsized.push(c);
  }
  if (unsized.length) {
    options.progress?.(t('Checkpoints: sizing {0} checkpoints and weight files', unsized.length));
    const walk = await options.walker.walk(unsized.map((c) => c.path), {
      signal: options.signal, topN: CHECKPOINT_TOP_N, detailDepth: CHECKPOINT_DETAIL_DEPTH, markers: CHECKPOINT_MARKERS,
      onProgress: (p) => options.progress?.(t('Checkpoints: sizing'), p),
    });
    reportWalkErrors({ warn }, walk, CHECKPOINTS_CATEGORY_ID);
    if (walk.cancelled || options.signal?.aborted) return undefined;
    unsized.forEach((c, i) => nodes.set(c.path, walk.roots[i]));
  }
  return nodes;
}

async function checkpointsOf(candidates: Candidate[], nodes: Map<string, WalkNode>, built: ReadonlyMap<WalkNode, Checkpoint>, warn: (w: ScanWarning) => void): Promise<Checkpoint[]> {
  const checkpoints: Checkpoint[] = [];
  const slice = timeSlicer();
  for (const c of candidates) {
    await slice();
    const node = nodes.get(c.path)!;
    const early = built.get(node);
    const same = early && early.path === c.path && early.root === c.root && early.format === c.format;
    const cp = c.kind === 'symlink' ? await linkCheckpoint(c) : same ? early : nodeCheckpoint(c, node);
    if (cp) checkpoints.push(cp);
    else warn({ message: t('{0} vanished or changed during the scan', c.path), path: c.path, code: 'ENOENT' });
  }
  return checkpoints;
}

/** The paths the category accounts for, as the workspace walk meets them (so it skips them). */
async function claimedCheckpointPaths(candidates: Candidate[], checkpoints: Checkpoint[], nodes: Map<string, WalkNode>): Promise<string[]> {
  const claimed: string[] = [];
  for (const c of candidates) {
    const node = nodes.get(c.path);
    if (node && node.type !== 'other') claimed.push(node.path);
    else if (c.kind === 'symlink' && c.node && checkpoints.some((cp) => cp.path === c.path)) claimed.push(c.node.path);
    // Links found by fast-glob: claim them where the workspace walk (roots resolved) meets them.
    else if (c.kind === 'symlink' && checkpoints.some((cp) => cp.path === c.path)) {
      claimed.push(path.join(await fsp.realpath(path.dirname(c.path)).catch(() => path.dirname(c.path)), c.name));
    }
  }
  return claimed;
}

/** Checkpoints grouped by folder into runs, each analysed (best, forecast, activity); undefined when cancelled. */
async function analyseRuns(checkpoints: Checkpoint[], options: DiscoverOptions, walkedPaths: Set<string>, inspector: CheckpointInspector): Promise<Run[] | undefined> {
  const { settings, signal } = options;
  const runs = new Map<string, Checkpoint[]>();
  for (const cp of checkpoints) {
    const list = runs.get(cp.runPath) ?? [];
    list.push(cp);
    runs.set(cp.runPath, list);
  }
  const greaterIsBetter = options.greaterIsBetter ?? DEFAULT_GREATER_IS_BETTER;
  const available = options.availableBytes ?? defaultAvailableBytes;
  // Runs are independent: their few reads (logs, trainer_state.json, statfs) overlap.
  const limit = createLimiter(16);
  let analysed = 0;
  let lastProgress = 0;
  const analysing = () => {
    const now = Date.now();
    if (now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    options.progress?.(t('Checkpoints: analysed {0} of {1} runs', analysed, runs.size));
  };
  analysing();
  // Every folder's listing and weight headers, in worker threads (most started during the walk):
  // thousands of small reads would otherwise run on this thread, one promise each.
  let inspected: Inspections;
  try {
    inspected = await inspector.results(checkpoints.filter((c) => c.type === 'dir').map((c) => c.path), checkpoints.filter(isCheckedFile).map((c) => c.path));
  } catch (err) {
    if (signal?.aborted) return undefined;
    throw err;
  }
  const built = await Promise.all([...runs].map(([runPath, list]) => limit(async () => {
    if (signal?.aborted) return undefined;
    const run = await buildRun(runPath, list, options.now, settings.activeRunMinutes, walkedPaths);
    await analyseRun(run, { greaterIsBetter, inspected });
    run.forecast = run.trainerState ? forecastRun(run, await available(run.path)) : null;
    analysed++;
    analysing();
    return run;
  })));
  if (signal?.aborted) return undefined;
  return built.filter((r): r is Run => !!r);
}

/**
 * What an entry is: HF / DeepSpeed / Lightning (a .ckpt file, a link, or a sharded .ckpt folder) /
 * 'other' (a custom checkpoint glob matched it) / a loose weight candidate / nothing of ours.
 */
function classify(e: FoundEntry): Candidate['format'] {
  if (e.kind === 'other') return 'skip';
  if (e.matched) {
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
