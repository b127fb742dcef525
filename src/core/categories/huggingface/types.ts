// The Hugging Face hub cache as we read it (layout: docs/CACHES.md, huggingface_hub
// utils/_cache_manager.py). Sizes are disk usage (st_blocks x 512); apparent sizes (st_size,
// what huggingface_hub reports as size_on_disk) are kept beside them.

export type HfRepoType = 'model' | 'dataset' | 'space';

/** One entry of a repo's blobs/ folder (or a regular file copied into a snapshot). */
export interface HfEntryStat {
  name: string;
  path: string;
  type: 'file' | 'symlink' | 'dir' | 'other';
  /** Disk usage of the entry itself. */
  bytes: number;
  apparentBytes: number;
  dev: number;
  ino: number;
  mtimeMs: number;
  atimeMs: number;
  /**
   * Set when the entry is a symlink into the hub's shared blob store (huggingface_hub 2.x): the
   * payload's key (`<2 hex>/<hash>`). bytes, apparentBytes, dev, ino and times are then the
   * payload's, and linkBytes / linkApparentBytes the symlink's own.
   */
  payload?: string;
  linkBytes?: number;
  linkApparentBytes?: number;
  /** A blobs/ symlink whose target does not exist (the repo is then corrupted, as for huggingface_hub). */
  danglingLink?: boolean;
}

export interface HfFile {
  /** Path inside the snapshot, with '/' separators (e.g. 'unet/diffusion_pytorch_model.safetensors'). */
  relPath: string;
  /** Absolute path of the entry in the snapshot folder. */
  path: string;
  /**
   * 'blob': a symlink into this repo's blobs/ (the normal case); 'copy': a regular file in the
   * snapshot (Windows without symlinks, or added by hand), deleted with the snapshot;
   * 'outside': a symlink pointing anywhere else, never followed and never counted.
   */
  kind: 'blob' | 'copy' | 'outside';
  /** Blob name (its etag) for kind 'blob'. */
  blob?: string;
  bytes: number;
  apparentBytes: number;
}

export interface HfRef {
  /** As huggingface_hub names it: the path below refs/ ('main', 'refs/pr/1'). */
  name: string;
  path: string;
  commit: string;
  /** The file ended in a newline (see parseRefContent). */
  trailingNewline: boolean;
  /** Disk usage of the ref file. */
  bytes: number;
}

export interface HfRevision {
  commit: string;
  /** The snapshot folder snapshots/<commit>. */
  path: string;
  refs: string[];
  detached: boolean;
  files: HfFile[];
  /** Distinct blobs the revision's files link to. */
  blobs: string[];
  /** Disk usage of its distinct blobs plus copied files: what it needs on disk, shared blobs included. */
  bytes: number;
  apparentBytes: number;
  lastModifiedMs: number;
}

export interface HfProblem {
  /** 'hf-no-snapshots', 'hf-file-in-snapshots', 'hf-broken-symlink', 'hf-missing-commit', ... */
  code: string;
  message: string;
  path: string;
}

export interface HfRepo {
  path: string;
  folderName: string;
  repoType?: HfRepoType;
  repoId?: string;
  /** Set when the repo is corrupted: it is then listed with its disk usage but without revisions. */
  corrupt?: HfProblem;
  /** Problems that do not prevent reading the repo (a ref ending in a newline, a link pointing outside). */
  warnings: HfProblem[];
  refs: HfRef[];
  revisions: HfRevision[];
  /** Every entry of blobs/, by name (completed blobs, `.incomplete` downloads, unreferenced blobs). */
  blobs: Map<string, HfEntryStat>;
  /** `blobs/*.incomplete`: interrupted downloads. */
  incomplete: HfEntryStat[];
  /** Completed blobs no revision links to (left by a revision deleted by hand). */
  unreferenced: HfEntryStat[];
  /** Disk usage of the blobs revisions link to, each once. */
  blobBytes: number;
  blobApparentBytes: number;
  /** Newest atime / mtime of the linked blobs (the repo folder's own when there are none), as huggingface_hub. */
  lastAccessedMs: number;
  lastModifiedMs: number;
}
