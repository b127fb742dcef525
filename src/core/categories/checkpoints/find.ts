// Finds checkpoint and loose-weight candidates under the roots. Checkpoint globs of the form
// `**/<name>` (the defaults, and most custom ones) are matched by name during a walk of the roots
// (the walker's `collect` option): the scan's one workspace walk finds and sizes them on the way,
// with no second pass over the tree. Other globs (`runs/*/model.pt`) fall back to fast-glob.
import { promises as fsp } from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { isSameOrInside } from '../../safety/pathGuards';
import type { ScanSettings } from '../../settings';
import { DEFAULT_CHECKPOINT_GLOBS } from '../../settings';
import { namesToRegExp } from '../../walker/nameGlob';
import type { CollectOption, WalkNode, WalkResult } from '../../walker/types';
import { CHECKPOINT_DETAIL_DEPTH, CHECKPOINT_MARKERS } from './contents';
import { globRoot, ignoreBelow, type GlobEntry } from './glob';
import { deepspeedStep, hfStep } from './names';
import { t } from '../../l10n';

/** Children kept per checkpoint folder: enough to see every state file of a real checkpoint. */
export const CHECKPOINT_TOP_N = 256;
const LOOSE_WEIGHT_NAME = '*.{pt,pth,bin,safetensors,ckpt}';

export interface FoundEntry extends GlobEntry {
  root: string;
  /** The checkpoint globs matched it (else it is only a loose-weight candidate). */
  matched: boolean;
  /** Its walked node, when found by a walk (sized already). */
  node?: WalkNode;
}

interface NamePatterns {
  /** Checkpoint globs matching any entry / only folders (a glob ending in `/`). */
  any: RegExp | undefined;
  dirOnly: RegExp | undefined;
  /** What the walk collects: checkpoint names, and loose-weight names (regular files only). */
  collect: CollectOption;
}

const looseEnabled = (settings: ScanSettings) => Number.isFinite(settings.looseWeightMinBytes) && settings.looseWeightMinBytes >= 0;
const checkpointGlobsOf = (settings: ScanSettings) => (settings.checkpointGlobs.length ? settings.checkpointGlobs : DEFAULT_CHECKPOINT_GLOBS);

/** The name patterns when every checkpoint glob is `**\/<one path segment>[/]`; else undefined (fast-glob does it). */
function namePatterns(settings: ScanSettings): NamePatterns | undefined {
  const any: string[] = [];
  const dirOnly: string[] = [];
  for (const glob of checkpointGlobsOf(settings)) {
    const m = /^\*\*\/([^/]+?)(\/*)$/.exec(glob);
    // Extglobs, escapes and `**` segments are fast-glob's to interpret.
    if (!m || m[1].includes('**') || /[()\\]/.test(m[1]) || m[1].startsWith('!')) return undefined;
    (m[2] ? dirOnly : any).push(m[1]);
  }
  return {
    any: any.length ? namesToRegExp(any) : undefined,
    dirOnly: dirOnly.length ? namesToRegExp(dirOnly) : undefined,
    // A checkpoint folder owns everything below it (DeepSpeed global_step*/ inside checkpoint-N/, its
    // weight files): nothing there is collected, so it costs no more than any other folder.
    collect: {
      names: any, dirNames: dirOnly, fileNames: looseEnabled(settings) ? [LOOSE_WEIGHT_NAME] : [], nested: false,
      topN: CHECKPOINT_TOP_N, detailDepth: CHECKPOINT_DETAIL_DEPTH, markers: CHECKPOINT_MARKERS,
    },
  };
}

/**
 * The walker's `collect` option that finds checkpoints during a walk of the roots, or undefined
 * when the checkpoint globs need fast-glob. A walk made with it can be handed to discovery.
 */
export function checkpointCollectOption(settings: ScanSettings): CollectOption | undefined {
  return namePatterns(settings)?.collect;
}

export interface FindOptions {
  roots: string[];
  settings: ScanSettings;
  /** Folders other categories count (ML caches): nothing below them is a checkpoint or loose weight. */
  cacheFolders: string[];
  signal?: AbortSignal;
  /**
   * Walks the roots with checkpointCollectOption(settings): the scan's shared walk, or one of
   * discovery's own; `onCollected` hears of collected entries while it runs.
   */
  walk(collect: CollectOption, excludePaths: string[], onCollected?: (nodes: WalkNode[]) => void): Promise<WalkResult>;
  /**
   * Each candidate as soon as a walk finds it (before findCandidates returns), so its inspection can
   * start while the walk runs. What findCandidates returns is the final list.
   */
  onEntry?(entry: FoundEntry): void;
  progress?(message: string, foldersRead?: number, currentPath?: string): void;
  onError?(dir: string, code: string): void;
}

export interface Found {
  entries: FoundEntry[];
  cancelled: boolean;
}

export async function findCandidates(options: FindOptions): Promise<Found> {
  const names = namePatterns(options.settings);
  return names ? findByWalk(options, names) : findByGlob(options);
}

/** Relative paths of `rel` and every folder above it: an exclude glob on any of them rules it out. */
function selfAndAncestors(rel: string): string[] {
  const out = [rel];
  for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) out.push(rel.slice(0, i));
  return out;
}

async function findByWalk(options: FindOptions, names: NamePatterns): Promise<Found> {
  const excluded = options.settings.exclude.length ? picomatch(options.settings.exclude, { dot: true }) : () => false;
  /** The collected node as a candidate under the root that holds it, or undefined when it is not one. */
  const entryOf = (node: WalkNode, roots: readonly { given: string; real: string }[]): FoundEntry | undefined => {
    let root: { given: string; real: string } | undefined;
    for (const r of roots) if (isSameOrInside(node.path, r.real) && (!root || r.real.length > root.real.length)) root = r;
    if (!root || node.path === root.real) return undefined;
    const p = root.given + node.path.slice(root.real.length);
    if (options.cacheFolders.some((c) => isSameOrInside(p, c) || isSameOrInside(node.path, c))) return undefined;
    const rel = path.relative(root.given, p).split(path.sep).join('/');
    if (selfAndAncestors(rel).some((r) => excluded(r))) return undefined;
    const matched = !!names.any?.test(node.name) || (node.type === 'dir' && !!names.dirOnly?.test(node.name));
    return { path: p, name: node.name, kind: node.type, root: root.given, matched, node };
  };
  let onCollected: ((nodes: WalkNode[]) => void) | undefined;
  let streamedRoots: { given: string; real: string }[] | undefined;
  const streamed = new Map<WalkNode, FoundEntry | undefined>();
  if (options.onEntry) {
    const onEntry = options.onEntry;
    // The walker resolves its roots the same way; the final list below checks against the walk's own answer.
    const roots = await Promise.all(options.roots.map(async (given) => ({ given, real: await fsp.realpath(given).catch(() => given) })));
    streamedRoots = roots;
    onCollected = (nodes) => {
      for (const node of nodes) {
        const entry = entryOf(node, roots);
        streamed.set(node, entry);
        if (entry) onEntry(entry);
      }
    };
  }
  const walk = await options.walk(names.collect, options.cacheFolders, onCollected);
  if (walk.cancelled) return { entries: [], cancelled: true };
  // Walk roots are real paths (a root given as a link is followed); entries are named under the root as given.
  const roots = options.roots.map((given, i) => ({ given, real: walk.roots[i]?.path || given }));
  const sameRoots = !!streamedRoots && roots.every((r, i) => r.real === streamedRoots![i].real);
  const entries: FoundEntry[] = [];
  for (const node of walk.collected ?? []) {
    const entry = sameRoots && streamed.has(node) ? streamed.get(node) : entryOf(node, roots);
    if (entry) entries.push(entry);
  }
  return { entries, cancelled: false };
}

/** Checkpoint folders by name (HF, DeepSpeed, Lightning's sharded .ckpt folders): nothing below them is another checkpoint. */
function ownsItsContents(dir: string): boolean {
  const name = path.basename(dir);
  return hfStep(name) !== null || deepspeedStep(name) !== null || name.endsWith('.ckpt');
}

async function findByGlob(options: FindOptions): Promise<Found> {
  const { settings, signal } = options;
  const entries: FoundEntry[] = [];
  for (const root of options.roots) {
    if (signal?.aborted) break;
    options.progress?.(t('Checkpoints: looking in {0}', root));
    const ignore = [...settings.exclude, ...options.cacheFolders.map((c) => ignoreBelow(root, c)).filter((g): g is string => !!g)];
    const onError = (dir: string, err: NodeJS.ErrnoException) => options.onError?.(dir, err.code ?? 'EUNKNOWN');
    // A large workspace takes seconds to glob: stream where it is, at most every 200 ms.
    let lastProgress = 0;
    const onFolder = (dir: string, foldersRead: number) => {
      const now = Date.now();
      if (now - lastProgress < 200) return;
      lastProgress = now;
      options.progress?.(t('Checkpoints: looking in {0}', root), foldersRead, dir);
    };
    const glob = (patterns: string[]) => globRoot(root, { patterns, ignore, signal, onError, prune: ownsItsContents, onFolder });
    const first = await glob(checkpointGlobsOf(settings));
    for (const e of first.entries) entries.push({ ...e, root, matched: true });
    // Custom globs may match weight files too: the loose-weight pass is a pass of its own.
    if (looseEnabled(settings) && !first.cancelled) {
      for (const e of (await glob([`**/${LOOSE_WEIGHT_NAME}`])).entries) entries.push({ ...e, root, matched: false });
    }
  }
  return { entries, cancelled: !!signal?.aborted };
}
