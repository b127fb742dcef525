// The synchronous part of the walker: sizes one subtree with readdirSync + lstatSync. It runs
// inside a worker thread (never on the extension host's event loop). Synchronous syscalls in a
// tight loop measured ~4x faster than one promise per file; parallelism comes from several
// workers, each walking its own units, and from giving pending subfolders to idle workers.
//
// Per entry the loop does one lstat and a few additions into locals; a node object is made only
// for folders within the detail depth and for files large enough to rank among the top N.
// Folders below the detail depth get no node at all: their totals go straight into the nearest
// ancestor that keeps one.
import * as fs from 'fs';
import type { SharedInodeSet } from './inodeSet';
import { entryStat, F_BLOCKS, F_DEV, F_INO, F_MODE, F_NLINK, F_SIZE, lstatFields, type EntryStat, type Lstat } from './lstatFields';
import type { NodeType, WalkError, WalkNode } from './types';

/** A path as the fs functions take it: a Buffer where a name on the way is not valid UTF-8. */
export type FsPath = string | Buffer;

export interface UnitSettings {
  topN: number;
  detailDepth: number;
  excludeNames: ReadonlySet<string>;
  excludePaths: ReadonlySet<string>;
  oneFileSystem: boolean;
  /** Device of the walk root (for oneFileSystem); -1 = take it from the unit root. */
  rootDev: number;
  /** Resolve the unit root through symlinks first (walk roots only). */
  resolveRoot?: boolean;
  /** Entries whose names match are returned apart, folders with their own totals and detail. */
  collect?: CollectSettings;
  /** WalkOptions.markers: tests for the names of the files directly in each folder node. */
  markers?: RegExp[];
}

export interface CollectSettings {
  /** Names collected whatever the entry is / folders / regular files (each includes `any`). */
  any: RegExp;
  dir: RegExp;
  file: RegExp;
  /** Collect below a collected folder too. */
  nested: boolean;
  /** Children kept per node inside a collected folder. */
  topN: number;
  /** Levels below a collected folder that keep children. */
  detailDepth: number;
  /** Markers for the folder nodes inside a collected folder (WalkOptions.markers win). */
  markers?: RegExp[];
}

export interface UnitHooks {
  /** Checked per folder and every 256 entries. */
  isCancelled(): boolean;
  /** Called every 256 entries with this unit's running counts and the folder being read. */
  onTick(files: number, dirs: number, bytes: number, currentPath: FsPath): void;
  /** Asked per folder: how many pending subfolders idle workers would take now (<= 0: none). */
  wantsWork(): number;
  /** Hands a pending subfolder to another worker; returns the new unit's id, or 0 if it cannot. */
  delegate(path: FsPath, depth: number, rootDev: number): number;
  /**
   * Takes each collected entry as it is finished (complete: nothing below a collected folder is
   * given away); without it they are returned in the unit's result. `treeLevels`: the levels of
   * children the same node needs where it also sits in the unit's tree (the walk's detail depth
   * there, not the collect option's).
   */
  onCollected?(node: RawNode, treeLevels: number): void;
}

/** A node as a unit returns it: `placeholder` = a child given to unit N; `holes` = units whose totals belong here. */
export type RawNode = WalkNode & { holes?: number[]; placeholder?: number; pinned?: boolean };

export interface UnitResult {
  node: RawNode;
  errors: WalkError[];
  errorCount: number;
  cancelled: boolean;
  /** Collected entries (see UnitSettings.collect); folders' nodes hold their whole subtree. */
  collected: RawNode[];
  /** Entries this unit counted (progress). */
  files: number;
  dirs: number;
  bytes: number;
}

export const MAX_UNIT_ERRORS = 200;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const TICK_MASK = 255;
const SLASH = Buffer.from('/');

/** A folder with a node of its own (within the detail depth, or a unit root). */
interface Acc {
  node: RawNode;
  /** Kept children (only when this node lies above the detail depth); trimmed to topN now and then. */
  kids: RawNode[] | undefined;
  /** Bytes of the smallest kept child after the last trim: smaller files are not even materialised. */
  floor: number;
  /** Children kept (the walk's topN, or the collect option's inside a collected folder). */
  topN: number;
  holes: number[] | undefined;
}

/** A folder being walked; `acc` is its own node, or (own = false) the ancestor its totals go to. */
interface Frame {
  acc: Acc;
  own: boolean;
  path: FsPath;
  depth: number;
  subPaths: FsPath[];
  subStats: EntryStat[];
  /** Subfolders before this index were given to other workers. */
  given: number;
  /** Folders at depths below this keep children. */
  limit: number;
  /** This folder is a collected one. */
  collected: boolean;
  /** Inside a collected folder: nothing below is given away, so its node is complete when it finishes. */
  sealed: boolean;
  /** Marker tests for the files read here (only where this folder has its own node). */
  marks: RegExp[] | undefined;
}

const asString = (p: FsPath): string => (typeof p === 'string' ? p : p.toString('utf8'));

export function nameOf(p: string): string {
  if (p === '/') return '/';
  return p.slice(p.lastIndexOf('/', p.length - 2) + 1).replace(/\/$/, '');
}

function typeOf(mode: number): NodeType {
  const fmt = mode & S_IFMT;
  return fmt === S_IFREG ? 'file' : fmt === S_IFDIR ? 'dir' : fmt === S_IFLNK ? 'symlink' : 'other';
}

export function blankNode(name: string, path: string, type: NodeType, st: EntryStat | undefined): RawNode {
  return {
    name, path, type,
    dev: st ? st.dev : 0, ino: st ? st.ino : 0,
    bytes: 0, apparentBytes: 0, sharedBytes: 0,
    files: 0, dirs: 0, hardLinkedFiles: 0,
    mtimeMs: st ? st.mtimeMs : 0, atimeMs: st ? st.atimeMs : 0,
  };
}

/**
 * Largest first; equal sizes by name, so which children are kept does not depend on the order
 * they were met in (that order changes with the number of threads).
 */
export function bySizeThenName(a: WalkNode, b: WalkNode): number {
  return b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Keeps the topN largest children (and every pinned one) in place; the others go to `omitted`. */
function trim(acc: Acc): void {
  const topN = acc.topN;
  const kids = acc.kids!;
  kids.sort(bySizeThenName);
  if (kids.length > topN) {
    let kept = topN;
    let dropped = 0, droppedBytes = 0, droppedApparent = 0;
    for (let i = topN; i < kids.length; i++) {
      const kid = kids[i];
      // A pinned child still waits for a delegated unit's totals: it must survive until stitched.
      if (kid.pinned) kids[kept++] = kid;
      else { dropped++; droppedBytes += kid.bytes; droppedApparent += kid.apparentBytes; }
    }
    kids.length = kept;
    if (dropped) {
      const o = (acc.node.omitted ??= { count: 0, bytes: 0, apparentBytes: 0 });
      o.count += dropped; o.bytes += droppedBytes; o.apparentBytes += droppedApparent;
    }
  }
  acc.floor = kids.length >= topN ? kids[topN - 1].bytes : 0;
}

/**
 * Walks `rootPath` (not following symlinks) and returns its aggregated node. `depth` is the
 * root's depth below the walk root (for detailDepth). Never throws for filesystem errors.
 */
export function walkUnit(rootPath: FsPath, depth: number, settings: UnitSettings, inodes: SharedInodeSet, hooks: UnitHooks, lstat: Lstat = lstatFields()): UnitResult {
  const errors: WalkError[] = [];
  let errorCount = 0;
  const fail = (p: FsPath, code: string, message: string) => {
    errorCount++;
    if (errors.length < MAX_UNIT_ERRORS) errors.push({ path: asString(p), code, message });
  };
  const failWith = (p: FsPath, err: unknown) => {
    const e = err as NodeJS.ErrnoException;
    fail(p, e?.code ?? 'EUNKNOWN', e?.message ?? String(err));
  };
  const { topN, detailDepth, excludeNames, excludePaths, oneFileSystem, collect } = settings;
  const collected: RawNode[] = [];
  const addCollected = hooks.onCollected ?? ((node: RawNode) => { collected.push(node); });
  const checkNames = excludeNames.size !== 0;
  const checkPaths = excludePaths.size !== 0;
  let files = 0, dirs = 0, bytesSeen = 0, ticks = 0;
  let cancelled = false;
  const result = (node: RawNode): UnitResult => ({ node, errors, errorCount, cancelled, collected, files, dirs, bytes: bytesSeen });

  let rootStat: fs.Stats;
  try {
    // A walk root given as a symlink (~/.cache/huggingface -> /data/hf) is followed; nothing below it is.
    if (settings.resolveRoot) rootPath = fs.realpathSync(rootPath);
    rootStat = fs.lstatSync(rootPath);
  } catch (err) {
    failWith(rootPath, err);
    const p = asString(rootPath);
    return result(blankNode(nameOf(p), p, 'other', undefined));
  }
  const rootString = asString(rootPath);
  const rootDev = settings.rootDev >= 0 ? settings.rootDev : rootStat.dev;
  if ((rootStat.mode & S_IFMT) !== S_IFDIR) {
    const node = blankNode(nameOf(rootString), rootString, typeOf(rootStat.mode), rootStat);
    const disk = rootStat.blocks * 512;
    node.files = 1;
    files = 1;
    if (rootStat.nlink > 1) node.hardLinkedFiles = 1;
    if (rootStat.nlink > 1 && !inodes.add(rootStat.dev, rootStat.ino)) node.sharedBytes = disk;
    else { node.bytes = disk; node.apparentBytes = rootStat.size; bytesSeen = disk; }
    return result(node);
  }

  const makeAcc = (p: FsPath, st: EntryStat, d: number, limit: number, keep: number): Acc => {
    const s = asString(p);
    const node = blankNode(nameOf(s), s, 'dir', st);
    node.bytes = st.blocks * 512;
    node.apparentBytes = st.size;
    node.dirs = 1;
    bytesSeen += node.bytes;
    return { node, kids: d < limit ? [] : undefined, floor: 0, topN: keep, holes: undefined };
  };
  const marksFor = (sealed: boolean) => settings.markers ?? (sealed ? collect?.markers : undefined);
  const isCollected = (p: FsPath, parent?: Frame) => collect !== undefined && (collect.nested || !parent?.sealed) && collect.dir.test(nameOf(asString(p)));

  /** Enters subfolder `p` of `parent`: a node of its own within the detail depth, else its totals go to the parent's owner. */
  const enter = (parent: Frame, p: FsPath, st: EntryStat): Frame => {
    const d = parent.depth + 1;
    dirs++;
    if (isCollected(p, parent)) {
      const limit = Math.max(parent.limit, d + collect!.detailDepth);
      return { acc: makeAcc(p, st, d, limit, collect!.topN), own: true, path: p, depth: d, subPaths: [], subStats: [], given: 0, limit, collected: true, sealed: true, marks: marksFor(true) };
    }
    if (parent.acc.kids !== undefined) {
      return { acc: makeAcc(p, st, d, parent.limit, parent.acc.topN), own: true, path: p, depth: d, subPaths: [], subStats: [], given: 0, limit: parent.limit, collected: false, sealed: parent.sealed, marks: marksFor(parent.sealed) };
    }
    const owner = parent.acc.node;
    const disk = st.blocks * 512;
    owner.bytes += disk;
    owner.apparentBytes += st.size;
    owner.dirs++;
    bytesSeen += disk;
    if (st.mtimeMs > owner.mtimeMs) owner.mtimeMs = st.mtimeMs;
    if (st.atimeMs > owner.atimeMs) owner.atimeMs = st.atimeMs;
    return { acc: parent.acc, own: false, path: p, depth: d, subPaths: [], subStats: [], given: 0, limit: parent.limit, collected: false, sealed: parent.sealed, marks: undefined };
  };

  /** Reads one folder: sizes its files, queues its subfolders on the frame. */
  const readFolder = (frame: Frame): void => {
    const dirPath = frame.path;
    let names: string[];
    try {
      names = fs.readdirSync(dirPath);
    } catch (err) {
      failWith(dirPath, err);
      return;
    }
    // Names that are not valid UTF-8 come back lossy ('\ufffd'); such a folder is read again as
    // raw bytes, and those entries are reached through Buffer paths.
    let raw: Buffer[] | undefined;
    for (let i = 0; i < names.length; i++) {
      if (names[i].includes('\ufffd')) {
        try { raw = fs.readdirSync(dirPath, { encoding: 'buffer' }); } catch { /* vanished: use the lossy names */ }
        break;
      }
    }
    const prefix = typeof dirPath === 'string' ? (dirPath.endsWith('/') ? dirPath : dirPath + '/') : undefined;
    const acc = frame.acc;
    const node = acc.node;
    const kids = acc.kids;
    const keep = acc.topN;
    const collectHere = collect !== undefined && (collect.nested || !frame.sealed);
    const marks = frame.marks;
    let marked = 0;
    const count = raw ? raw.length : names.length;
    let lFiles = 0, lBytes = 0, lApparent = 0, lShared = 0, lHard = 0;
    let lMtime = node.mtimeMs, lAtime = node.atimeMs;
    for (let i = 0; i < count; i++) {
      let name: string;
      let p: FsPath;
      if (raw === undefined) {
        name = names[i];
        p = prefix !== undefined ? prefix + name : Buffer.concat([dirPath as Buffer, SLASH, Buffer.from(name)]);
      } else {
        const bytes = raw[i];
        name = bytes.toString('utf8');
        const lossless = !name.includes('\ufffd') || Buffer.from(name).equals(bytes);
        p = lossless && prefix !== undefined ? prefix + name : Buffer.concat([typeof dirPath === 'string' ? Buffer.from(dirPath) : dirPath, SLASH, bytes]);
      }
      if (checkNames && excludeNames.has(name)) continue;
      if (checkPaths && typeof p === 'string' && excludePaths.has(p)) continue;
      if ((++ticks & TICK_MASK) === 0) {
        if (hooks.isCancelled()) { cancelled = true; break; }
        hooks.onTick(files, dirs, bytesSeen, dirPath);
      }
      let a: Float64Array | undefined;
      try {
        a = lstat.fields(p);
      } catch (err) {
        failWith(p, err);
        continue;
      }
      if (a === undefined) {
        fail(p, 'ENOENT', `ENOENT: vanished during the scan, lstat '${asString(p)}'`);
        continue;
      }
      const mode = a[F_MODE];
      if ((mode & S_IFMT) === S_IFDIR) {
        if (oneFileSystem && a[F_DEV] !== rootDev) {
          fail(p, 'mount-point', 'another filesystem is mounted here; not descended (like du -x)');
          continue;
        }
        frame.subPaths.push(p);
        frame.subStats.push(entryStat(lstat, a));
        continue;
      }
      lFiles++;
      const disk = a[F_BLOCKS] * 512;
      const size = a[F_SIZE];
      const nlink = a[F_NLINK];
      let counted = true;
      if (nlink > 1) {
        lHard++;
        if (!inodes.add(a[F_DEV], a[F_INO])) { counted = false; lShared += disk; }
      }
      if (counted) { lBytes += disk; lApparent += size; }
      const mtimeMs = lstat.mtimeMs(a);
      const atimeMs = lstat.atimeMs(a);
      if (mtimeMs > lMtime) lMtime = mtimeMs;
      if (atimeMs > lAtime) lAtime = atimeMs;
      if (marks !== undefined && (mode & S_IFMT) === S_IFREG) {
        for (let m = 0; m < marks.length; m++) if ((marked & (1 << m)) === 0 && marks[m].test(name)) marked |= 1 << m;
      }
      const wanted = collectHere && ((mode & S_IFMT) === S_IFREG ? collect!.file : collect!.any).test(name);
      if (kids !== undefined || wanted) {
        const bytes = counted ? disk : 0;
        if (wanted || bytes >= acc.floor || kids!.length < keep) {
          const leaf = blankNode(name, asString(p), typeOf(mode), entryStat(lstat, a));
          leaf.files = 1;
          if (counted) { leaf.bytes = disk; leaf.apparentBytes = size; } else leaf.sharedBytes = disk;
          if (nlink > 1) leaf.hardLinkedFiles = 1;
          if (wanted) addCollected(leaf, 0);
          if (kids !== undefined) {
            kids.push(leaf);
            if (kids.length >= keep * 4) trim(acc);
          }
        } else {
          const o = (node.omitted ??= { count: 0, bytes: 0, apparentBytes: 0 });
          o.count++;
          if (counted) { o.bytes += disk; o.apparentBytes += size; }
        }
      }
    }
    node.files += lFiles;
    node.bytes += lBytes;
    node.apparentBytes += lApparent;
    node.sharedBytes += lShared;
    node.hardLinkedFiles += lHard;
    node.mtimeMs = lMtime;
    node.atimeMs = lAtime;
    if (marked !== 0) node.markers = (node.markers ?? 0) | marked;
    files += lFiles;
    bytesSeen += lBytes;
  };

  const finish = (acc: Acc): RawNode => {
    const node = acc.node;
    if (acc.kids !== undefined) {
      trim(acc);
      node.children = acc.kids;
    }
    // A node still waiting for delegated units must survive every trim above it.
    if (acc.holes !== undefined) { node.holes = acc.holes; node.pinned = true; }
    else if (node.children !== undefined && node.children.some((k) => (k as RawNode).pinned)) node.pinned = true;
    return node;
  };

  const addInto = (parent: Acc, child: RawNode) => {
    const node = parent.node;
    node.bytes += child.bytes;
    node.apparentBytes += child.apparentBytes;
    node.sharedBytes += child.sharedBytes;
    node.files += child.files;
    node.dirs += child.dirs;
    node.hardLinkedFiles += child.hardLinkedFiles;
    if (child.mtimeMs > node.mtimeMs) node.mtimeMs = child.mtimeMs;
    if (child.atimeMs > node.atimeMs) node.atimeMs = child.atimeMs;
    if (parent.kids !== undefined) {
      parent.kids.push(child);
      if (parent.kids.length >= parent.topN * 4) trim(parent);
    } else if (child.holes !== undefined) {
      // A collected folder below the detail depth: only its totals go up (its holes with them).
      (parent.holes ??= []).push(...child.holes);
    }
  };

  const stack: Frame[] = [];
  /** For a collected frame just taken off the stack: levels of children its parent's detail gives it. */
  const treeLevels = (frame: Frame) => Math.max(0, (stack.length !== 0 ? stack[stack.length - 1].limit : detailDepth) - frame.depth);

  /** Idle workers exist: give away the shallowest pending subfolders (likely the largest subtrees). */
  const giveAway = (wanted: number) => {
    for (let f = 0; wanted > 0 && f < stack.length; f++) {
      const frame = stack[f];
      if (frame.sealed) return; // and every frame above it on the stack
      const keep = f === stack.length - 1 ? 1 : 0;
      while (wanted > 0 && frame.subPaths.length - frame.given > keep) {
        const i = frame.given;
        const p = frame.subPaths[i];
        const unitId = hooks.delegate(p, frame.depth + 1, rootDev);
        if (unitId === 0) return;
        frame.given++;
        const acc = frame.acc;
        if (acc.kids !== undefined) {
          const s = asString(p);
          const placeholder = blankNode(nameOf(s), s, 'dir', frame.subStats[i]);
          placeholder.placeholder = unitId;
          placeholder.pinned = true;
          acc.kids.push(placeholder);
        } else {
          (acc.holes ??= []).push(unitId);
        }
        wanted--;
      }
    }
  };

  dirs++;
  // A unit may start at a collected folder given away by another worker (walk roots never are collected).
  const rootCollected = depth > 0 && isCollected(rootPath);
  const rootLimit = rootCollected ? Math.max(detailDepth, depth + collect!.detailDepth) : detailDepth;
  const rootFrame: Frame = {
    acc: makeAcc(rootPath, rootStat, depth, rootLimit, rootCollected ? collect!.topN : topN), own: true, path: rootPath, depth,
    subPaths: [], subStats: [], given: 0, limit: rootLimit, collected: rootCollected, sealed: rootCollected, marks: marksFor(rootCollected),
  };
  readFolder(rootFrame);
  stack.push(rootFrame);
  while (stack.length !== 0) {
    if (cancelled || hooks.isCancelled()) { cancelled = true; break; }
    const wanted = hooks.wantsWork();
    if (wanted > 0) giveAway(wanted);
    const top = stack[stack.length - 1];
    if (top.subPaths.length > top.given) {
      const child = enter(top, top.subPaths.pop()!, top.subStats.pop()!);
      readFolder(child);
      stack.push(child);
      continue;
    }
    stack.pop();
    if (!top.own) continue;
    const done = finish(top.acc);
    if (top.collected) addCollected(done, treeLevels(top));
    if (stack.length === 0) return result(done);
    addInto(stack[stack.length - 1].acc, done);
  }
  // Cancelled: fold what was walked so far into the root so partial totals stay meaningful.
  while (stack.length > 1) {
    const frame = stack.pop()!;
    if (!frame.own) continue;
    const done = finish(frame.acc);
    if (frame.collected) addCollected(done, treeLevels(frame));
    addInto(stack[stack.length - 1].acc, done);
  }
  const done = finish(stack[0].acc);
  if (stack[0].collected) addCollected(done, treeLevels(stack[0]));
  return result(done);
}
