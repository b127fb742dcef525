// Public shapes of the walker. A walk aggregates per directory and keeps only the largest
// children per level (never a record per file), so memory does not grow with the file count.

export type NodeType = 'dir' | 'file' | 'symlink' | 'other';

export interface WalkNode {
  name: string;
  path: string;
  type: NodeType;
  dev: number;
  ino: number;
  /** Disk usage (st_blocks x 512) of this entry and everything below it, hard links counted once. */
  bytes: number;
  /** Apparent size (st_size) of the same entries. */
  apparentBytes: number;
  /**
   * Disk bytes of hard-linked files below this node that were already counted elsewhere (another
   * root or walk). Each inode is counted once per Walker: by an earlier walk, else by whichever
   * root of this walk reached it first (roots are walked in parallel, so that is not fixed; walk
   * them one after another where it matters, e.g. conda pkgs/ before the envs).
   */
  sharedBytes: number;
  /** Files (non-directories, symlinks included) and directories below this node, this node included. */
  files: number;
  dirs: number;
  /** Files below with a link count > 1. */
  hardLinkedFiles: number;
  /** Newest mtime / atime below this node (ms since epoch). */
  mtimeMs: number;
  atimeMs: number;
  /** The largest children (by bytes), when this node lies within the detail depth; sorted largest first. */
  children?: WalkNode[];
  /** Children not kept in `children`. */
  omitted?: { count: number; bytes: number; apparentBytes: number };
  /**
   * With `markers` (WalkOptions or CollectOption): bit i is set when a regular file directly in
   * this folder has a name matching markers[i]. Absent when no bit is set.
   */
  markers?: number;
}

export interface WalkError {
  path: string;
  /** errno code: EACCES, ENOENT (vanished mid-scan), ELOOP, ENAMETOOLONG, ... or 'mount-point' (skipped). */
  code: string;
  message: string;
}

export interface WalkProgress {
  files: number;
  dirs: number;
  bytes: number;
  /** A folder being read right now. */
  currentPath: string;
}

export interface WalkOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WalkProgress) => void;
  /** Minimum ms between progress callbacks (default 200). */
  progressIntervalMs?: number;
  /** Children kept per directory (default 20). */
  topN?: number;
  /** Levels below each root whose nodes keep children (default 3; 0 keeps only the root's totals). */
  detailDepth?: number;
  /**
   * Name tests (no `g` flag; at most 31) for the regular files directly in each folder the walk
   * returns a node for: their answers go in the node's `markers` bits. A folder's children need not
   * be kept to know whether one of its files is, say, a weight file.
   */
  markers?: RegExp[];
  /** Entry names skipped wherever they occur (e.g. '.git' is NOT skipped by default). */
  excludeNames?: string[];
  /** Absolute paths skipped (e.g. folders another category already counts). */
  excludePaths?: string[];
  /** Do not descend into other filesystems below a root (default true, like `du -x`). */
  oneFileSystem?: boolean;
  /**
   * Return the entries whose names match these globs (one path segment: `*`, `?`, `[ab]`,
   * `{a,b}`) in `WalkResult.collected`, found during the same walk: files and links as leaf nodes,
   * folders with their whole subtree's totals and `detailDepth` levels of children (`topN` each).
   * `names` match any entry, `dirNames` only folders, `fileNames` only regular files. A collected
   * folder is walked by one thread, so its node is complete; with `nested: false` nothing below it
   * is collected (it owns its contents). Walk roots themselves are never collected. Inside the
   * normal tree, a collected folder keeps its own topN/detail.
   */
  collect?: CollectOption;
  /**
   * With `collect`: called with collected entries while the walk runs, in batches, as the threads
   * finish them (each complete); `WalkResult.collected` still holds them all at the end.
   */
  onCollected?(nodes: WalkNode[]): void;
}

export interface CollectOption {
  names: string[];
  dirNames?: string[];
  fileNames?: string[];
  /** Collect below a collected folder too (default true). */
  nested?: boolean;
  topN?: number;
  detailDepth?: number;
  /** WalkOptions.markers for the folder nodes inside a collected folder (itself included). */
  markers?: RegExp[];
}

export interface WalkResult {
  /** One node per root, in the order given (a missing root yields a node with zero bytes and an error). */
  roots: WalkNode[];
  errors: WalkError[];
  /** Errors beyond the kept ones are only counted. */
  errorCount: number;
  cancelled: boolean;
  durationMs: number;
  /** Work units the walk was split into (roots included): more than the roots when threads shared the work. */
  units?: number;
  /** With the `collect` option: the matching entries, sorted by path (nested ones included). */
  collected?: WalkNode[];
}
