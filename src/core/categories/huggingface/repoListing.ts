// Reads what a hub-cache repo folder holds (refs, snapshot folders with their links), without
// following any symlink, into plain data that hf/parseRepo.ts interprets. The same code runs with
// two sets of filesystem calls: synchronous ones inside a worker thread (the scan: ~3 µs per
// readlink instead of ~60 µs through libuv's thread pool, and never on the editor's event loop),
// and fs.promises ones on the calling thread (plans, which re-read one or two repos).

import * as fs from 'fs';
import * as path from 'path';
import { HF_FILES_TO_IGNORE, MAX_REF_BYTES } from './names';
import { safeReadFile, safeReadFileSync } from '../../safeRead';

export type EntryKind = 'dir' | 'file' | 'symlink' | 'other';

export interface RawFile {
  /** Path inside the snapshot with '/' separators. */
  rel: string;
  kind: EntryKind;
  /** Symlinks into the repo's blobs/: the blob's name. */
  blob?: string;
  /** Other symlinks: the link text as readlink returns it. */
  target?: string;
  /** Regular files: disk usage and size. */
  bytes?: number;
  apparentBytes?: number;
}

export interface RawRevision {
  name: string;
  path: string;
  kind: EntryKind;
  mtimeMs: number;
  files: RawFile[];
}

export interface RawRef {
  /** Path below refs/ with '/' separators ('main', 'refs/pr/1'). */
  name: string;
  path: string;
  kind: EntryKind;
  /** The first MAX_REF_BYTES bytes of a regular file. */
  content?: string;
  bytes: number;
  /** errno code when a regular file could not be read. */
  error?: string;
}

export interface RepoListing {
  path: string;
  repo?: { kind: EntryKind; atimeMs: number; mtimeMs: number };
  snapshots: 'missing' | 'not-dir' | RawRevision[];
  refs: 'missing' | 'not-dir' | RawRef[];
  /** An I/O error that stopped the listing (EACCES, ...). */
  error?: { code: string; message: string; path: string };
}

interface StatLike { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean; blocks: number; size: number; atimeMs: number; mtimeMs: number }
interface DirentLike { name: string; isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }

/** Filesystem calls the listing needs; each may return a value or a promise. */
export interface ListingOps {
  lstat(p: string): StatLike | Promise<StatLike>;
  readdir(p: string): DirentLike[] | Promise<DirentLike[]>;
  readlink(p: string): string | Promise<string>;
  realpath(p: string): string | Promise<string>;
  /** Reads up to MAX_REF_BYTES of a regular file without following a symlink or waiting on a FIFO. */
  readSmall(p: string): { text: string; bytes: number } | Promise<{ text: string; bytes: number }>;
}

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
const kindOf = (s: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): EntryKind =>
  s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : 'other';
/** Refs and manifests: the first MAX_REF_BYTES of a regular file, no symlink followed, never waiting on a FIFO. */
const REF_READ = { maxBytes: MAX_REF_BYTES, followSymlinks: false, overCap: 'truncate' } as const;

export const syncOps: ListingOps = {
  lstat: (p) => fs.lstatSync(p),
  readdir: (p) => fs.readdirSync(p, { withFileTypes: true }),
  readlink: (p) => fs.readlinkSync(p),
  realpath: (p) => fs.realpathSync(p),
  readSmall: (p) => {
    const { data, stat } = safeReadFileSync(p, REF_READ);
    return { text: data.toString('utf8'), bytes: stat.blocks * 512 };
  },
};

export function asyncOps(limit: <T>(task: () => Promise<T>) => Promise<T>): ListingOps {
  return {
    lstat: (p) => limit(() => fs.promises.lstat(p)),
    readdir: (p) => limit(() => fs.promises.readdir(p, { withFileTypes: true })),
    readlink: (p) => limit(() => fs.promises.readlink(p)),
    realpath: (p) => limit(() => fs.promises.realpath(p)),
    readSmall: (p) => limit(async () => {
      const { data, stat } = await safeReadFile(p, REF_READ);
      return { text: data.toString('utf8'), bytes: stat.blocks * 512 };
    }),
  };
}

async function lstatOrMissing(ops: ListingOps, p: string): Promise<StatLike | undefined> {
  try {
    return await ops.lstat(p);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

async function listRefs(ops: ListingOps, refsDir: string): Promise<RawRef[]> {
  const refs: RawRef[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await ops.readdir(dir)) {
      if (HF_FILES_TO_IGNORE.has(entry.name)) continue;
      const p = path.join(dir, entry.name);
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await visit(p, name);
        continue;
      }
      const ref: RawRef = { name, path: p, kind: kindOf(entry), bytes: 0 };
      if (ref.kind === 'file') {
        try {
          const small = await ops.readSmall(p);
          ref.content = small.text;
          ref.bytes = small.bytes;
        } catch (err) {
          ref.error = code(err);
        }
      }
      refs.push(ref);
    }
  };
  await visit(refsDir, '');
  return refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The blob a snapshot link points to, when it points into `<repo>/blobs/` (links huggingface_hub
 * makes are relative: `../../blobs/<name>`, one more `../` per nested folder). Pure string work
 * for those; anything else is resolved as a path.
 */
export function blobOfLink(repoPath: string, linkPath: string, relDepth: number, target: string): string | undefined {
  const prefix = '../'.repeat(relDepth + 2) + 'blobs/';
  if (target.startsWith(prefix)) {
    const name = target.slice(prefix.length);
    if (name && !name.includes('/') && !name.includes('\\') && name !== '.' && name !== '..') return name;
  }
  const resolved = path.resolve(path.dirname(linkPath), target);
  return path.dirname(resolved) === path.join(repoPath, 'blobs') ? path.basename(resolved) : undefined;
}

/**
 * A link blobOfLink could not place by its text (an absolute link written through an alias of the
 * cache folder: a symlinked HF_HOME, a moved cache): the blob it names when the real path of the
 * folder it points into is the real path of the repo's blobs/. huggingface_hub follows links, so
 * such a blob is in use; calling it unreferenced would let prune delete a used model's weights.
 */
async function blobByRealPath(ops: ListingOps, realBlobs: () => Promise<string | undefined>, linkPath: string, target: string): Promise<string | undefined> {
  const resolved = path.resolve(path.dirname(linkPath), target);
  const name = path.basename(resolved);
  if (!name || name === '.' || name === '..') return undefined;
  const blobs = await realBlobs();
  if (!blobs) return undefined;
  try {
    return (await ops.realpath(path.dirname(resolved))) === blobs ? name : undefined;
  } catch {
    return undefined;
  }
}

async function listSnapshot(ops: ListingOps, repoPath: string, rev: RawRevision, realBlobs: () => Promise<string | undefined>): Promise<void> {
  const visit = async (dir: string, rel: string, depth: number): Promise<void> => {
    const entries = await ops.readdir(dir);
    await Promise.all(entries.map(async (entry) => {
      if (HF_FILES_TO_IGNORE.has(entry.name)) return;
      const p = path.join(dir, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return visit(p, r, depth + 1);
      const file: RawFile = { rel: r, kind: kindOf(entry) };
      try {
        if (file.kind === 'symlink') {
          const target = await ops.readlink(p);
          const blob = blobOfLink(repoPath, p, depth, target) ?? await blobByRealPath(ops, realBlobs, p, target);
          if (blob !== undefined) file.blob = blob; else file.target = target;
        } else if (file.kind === 'file') {
          const st = await ops.lstat(p);
          file.bytes = st.blocks * 512;
          file.apparentBytes = st.size;
        }
      } catch (err) {
        if (code(err) === 'ENOENT') return; // vanished since the listing
        throw err;
      }
      rev.files.push(file);
    }));
  };
  await visit(rev.path, '', 0);
  rev.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Lists one repo folder. Never throws: an I/O error ends the listing with `error` set. */
export async function listRepo(repoPath: string, ops: ListingOps): Promise<RepoListing> {
  const listing: RepoListing = { path: repoPath, snapshots: 'missing', refs: 'missing' };
  try {
    const st = await ops.lstat(repoPath);
    listing.repo = { kind: kindOf(st), atimeMs: st.atimeMs, mtimeMs: st.mtimeMs };
    if (listing.repo.kind !== 'dir') return listing;
    const refsPath = path.join(repoPath, 'refs');
    const refsStat = await lstatOrMissing(ops, refsPath);
    if (refsStat) listing.refs = refsStat.isDirectory() ? await listRefs(ops, refsPath) : 'not-dir';
    const snapshotsPath = path.join(repoPath, 'snapshots');
    const snapshotsStat = await lstatOrMissing(ops, snapshotsPath);
    if (!snapshotsStat) return listing;
    if (!snapshotsStat.isDirectory()) {
      listing.snapshots = 'not-dir';
      return listing;
    }
    const revisions: RawRevision[] = [];
    for (const entry of await ops.readdir(snapshotsPath)) {
      if (HF_FILES_TO_IGNORE.has(entry.name)) continue;
      const p = path.join(snapshotsPath, entry.name);
      revisions.push({ name: entry.name, path: p, kind: kindOf(entry), mtimeMs: 0, files: [] });
    }
    listing.snapshots = revisions;
    let realBlobs: Promise<string | undefined> | undefined;
    const blobsReal = () => (realBlobs ??= Promise.resolve().then(() => ops.realpath(path.join(repoPath, 'blobs'))).catch(() => undefined));
    await Promise.all(revisions.filter((r) => r.kind === 'dir').map(async (rev) => {
      rev.mtimeMs = (await ops.lstat(rev.path)).mtimeMs;
      await listSnapshot(ops, repoPath, rev, blobsReal);
    }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    listing.error = { code: code(err), message: e?.message ?? String(err), path: e?.path ?? repoPath };
  }
  return listing;
}
