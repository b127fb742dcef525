// Interprets one repo folder of the hub cache (models--org--name/) as revisions, refs and blobs,
// with huggingface_hub's rules (utils/_cache_manager.py `_scan_cached_repo`) and these differences:
//   - nothing is followed: snapshot symlinks are read with readlink and matched to blobs/ by name,
//     so a link pointing outside the repo is never counted nor touched (a warning says so);
//   - nested snapshot folders and nested refs (refs/refs/pr/1 = ref 'refs/pr/1') are read;
//   - a ref ending in a newline is accepted with a warning (see names.ts parseRefContent);
//   - sizes are disk usage (blocks) with apparent sizes beside them.
// A corrupted repo (no snapshots/, a file in snapshots/, a broken symlink, a ref to a missing
// commit, refs/ being a file) is returned with `corrupt` set and no revisions; nothing found on
// disk makes it throw.

import * as fs from 'fs';
import * as path from 'path';
import { createLimiter, type Limiter } from '../../limit';
import { isIncompleteBlobName, parseRefContent, parseRepoFolderName } from './names';
import { asyncOps, listRepo, type RepoListing } from './repoListing';
import { payloadOfLink, type SharedStore } from './sharedStore';
import type { HfEntryStat, HfFile, HfProblem, HfRepo, HfRevision } from './types';
import { t } from '../../l10n';

export interface ParseRepoOptions {
  /** The entries of blobs/ when the caller already has them (from the walker); otherwise they are lstat-ed here. */
  blobs?: Map<string, HfEntryStat>;
  /** The repo's refs and snapshots when already listed (by the listing workers); otherwise listed here. */
  listing?: RepoListing;
  limit?: Limiter;
  /** The hub's shared blob store (huggingface_hub 2.x): blobs/ symlinks into it are sized through it. */
  store?: SharedStore;
}

/**
 * Turns each blobs/ symlink into the store into the payload it stands for (huggingface_hub sizes a
 * repo through these links). A symlink pointing anywhere else stays what it is (its own few bytes).
 */
export async function resolveStoreLinks(repoPath: string, blobs: Map<string, HfEntryStat>, store: SharedStore, limit: Limiter): Promise<void> {
  await Promise.all([...blobs.values()].filter((b) => b.type === 'symlink').map((b) => limit(async () => {
    let target: string;
    try {
      target = await fs.promises.readlink(b.path);
    } catch {
      return;
    }
    const key = await payloadOfLink(store, path.join(repoPath, 'blobs', b.name), target);
    const payload = key ? store.payloads.get(key) : undefined;
    if (!key || !payload) {
      // huggingface_hub follows the link: one leading nowhere is a missing blob.
      b.danglingLink = await fs.promises.stat(b.path).then(() => false, () => true);
      return;
    }
    b.linkBytes = b.bytes;
    b.linkApparentBytes = b.apparentBytes;
    b.payload = key;
    b.bytes = payload.bytes;
    b.apparentBytes = payload.apparentBytes;
    b.dev = payload.dev;
    b.ino = payload.ino;
    b.mtimeMs = payload.mtimeMs;
    b.atimeMs = payload.atimeMs;
  })));
}

export function entryStat(name: string, p: string, st: fs.Stats): HfEntryStat {
  return {
    name, path: p,
    type: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other',
    bytes: st.blocks * 512, apparentBytes: st.size,
    dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs, atimeMs: st.atimeMs,
  };
}

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';

/** The entries of blobs/ (a blobs/ swapped for a symlink is not listed: its entries are not this repo's). */
export async function readBlobs(blobsDir: string, limit: Limiter): Promise<Map<string, HfEntryStat>> {
  const blobs = new Map<string, HfEntryStat>();
  let names: string[];
  try {
    if (!(await fs.promises.lstat(blobsDir)).isDirectory()) return blobs;
    names = await fs.promises.readdir(blobsDir);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return blobs;
    throw err;
  }
  await Promise.all(names.map((name) => limit(async () => {
    const p = path.join(blobsDir, name);
    try {
      blobs.set(name, entryStat(name, p, await fs.promises.lstat(p)));
    } catch {
      // vanished since readdir: not there
    }
  })));
  return blobs;
}

class Corrupt extends Error {
  constructor(readonly problem: HfProblem) {
    super(problem.message);
  }
}

/** Turns a listing into revisions; throws Corrupt for what makes huggingface_hub skip the repo. */
function interpret(repo: HfRepo, listing: RepoListing): void {
  if (listing.error) throw new Corrupt({ code: listing.error.code, message: t('cannot read the repo: {0}', listing.error.message), path: listing.error.path });
  if (!listing.repo || listing.repo.kind !== 'dir') throw new Corrupt({ code: 'hf-not-a-repo', message: t('repo path is not a folder'), path: repo.path });
  const snapshotsPath = path.join(repo.path, 'snapshots');
  const refsPath = path.join(repo.path, 'refs');
  if (listing.snapshots === 'missing' || listing.snapshots === 'not-dir') {
    throw new Corrupt({ code: 'hf-no-snapshots', message: t('snapshots folder doesn\'t exist in the cached repo'), path: snapshotsPath });
  }
  if (listing.refs === 'not-dir') throw new Corrupt({ code: 'hf-refs-not-folder', message: t('refs is not a folder'), path: refsPath });
  for (const raw of listing.refs === 'missing' ? [] : listing.refs) {
    if (raw.kind !== 'file') {
      throw new Corrupt({ code: 'hf-ref-not-file', message: t('ref \'{0}\' is not a regular file (a symlink or special file; not read)', raw.name), path: raw.path });
    }
    if (raw.error || raw.content === undefined) {
      throw new Corrupt({ code: 'hf-ref-unreadable', message: t('ref \'{0}\' cannot be read ({1})', raw.name, raw.error), path: raw.path });
    }
    const { commit, trailingNewline } = parseRefContent(raw.content);
    if (trailingNewline) {
      repo.warnings.push({
        code: 'hf-ref-newline',
        message: t('ref \'{0}\' ends in a newline: read as {1}…, but huggingface_hub treats it as a missing commit and skips the repo', raw.name, commit.slice(0, 12)),
        path: raw.path,
      });
    }
    repo.refs.push({ name: raw.name, path: raw.path, commit, trailingNewline, bytes: raw.bytes });
  }

  const revisions: HfRevision[] = [];
  for (const raw of listing.snapshots) {
    if (raw.kind !== 'dir') {
      throw new Corrupt({ code: 'hf-file-in-snapshots', message: t('snapshots folder corrupted: found a {0} \'{1}\'', raw.kind === 'symlink' ? 'symlink' : 'file', raw.name), path: raw.path });
    }
    const files: HfFile[] = [];
    const base = raw.path + path.sep;
    for (const f of raw.files) {
      const filePath = base + (path.sep === '/' ? f.rel : f.rel.split('/').join(path.sep));
      if (f.kind === 'symlink') {
        if (f.blob !== undefined) {
          const blob = repo.blobs.get(f.blob);
          if (!blob || blob.type === 'dir' || blob.danglingLink) {
            throw new Corrupt({ code: 'hf-broken-symlink', message: t('blob missing (broken symlink): {0} -> blobs/{1}', f.rel, f.blob), path: filePath });
          }
          files.push({ relPath: f.rel, path: filePath, kind: 'blob', blob: f.blob, bytes: blob.bytes, apparentBytes: blob.apparentBytes });
        } else {
          repo.warnings.push({ code: 'hf-link-outside', message: t('{0} links outside the repo\'s blobs ({1}); not followed, not counted', f.rel, f.target), path: filePath });
          files.push({ relPath: f.rel, path: filePath, kind: 'outside', bytes: 0, apparentBytes: 0 });
        }
      } else if (f.kind === 'file') {
        files.push({ relPath: f.rel, path: filePath, kind: 'copy', bytes: f.bytes ?? 0, apparentBytes: f.apparentBytes ?? 0 });
      }
    }
    revisions.push({ commit: raw.name, path: raw.path, refs: [], detached: true, files, blobs: [], bytes: 0, apparentBytes: 0, lastModifiedMs: raw.mtimeMs });
  }

  const byCommit = new Map(revisions.map((r) => [r.commit, r]));
  const missing = repo.refs.filter((ref) => !byCommit.has(ref.commit));
  if (missing.length) {
    const list = missing.map((ref) => `${ref.name} -> ${JSON.stringify(ref.commit.slice(0, 80))}`).join(', ');
    throw new Corrupt({ code: 'hf-missing-commit', message: t('ref(s) point to missing commit(s): {0}', list), path: refsPath });
  }
  for (const ref of repo.refs) byCommit.get(ref.commit)!.refs.push(ref.name);

  const linked = new Set<string>();
  for (const rev of revisions) {
    rev.detached = rev.refs.length === 0;
    const distinct = new Set<string>();
    const payloads = new Set<string>();
    let newest = 0;
    for (const f of rev.files) {
      if (f.kind === 'blob') {
        if (distinct.has(f.blob!)) continue;
        distinct.add(f.blob!);
        const b = repo.blobs.get(f.blob!)!;
        // Two etags of one payload are one file on disk (huggingface_hub counts resolved paths once).
        if (b.payload) {
          if (payloads.has(b.payload)) continue;
          payloads.add(b.payload);
        }
        rev.bytes += b.bytes;
        rev.apparentBytes += b.apparentBytes;
        newest = Math.max(newest, b.mtimeMs);
      } else if (f.kind === 'copy') {
        rev.bytes += f.bytes;
        rev.apparentBytes += f.apparentBytes;
      }
    }
    rev.blobs = [...distinct].sort();
    for (const b of distinct) linked.add(b);
    // Last modified: the newest blob it links to, else the snapshot folder itself (huggingface_hub).
    if (newest) rev.lastModifiedMs = newest;
  }
  revisions.sort((a, b) => b.lastModifiedMs - a.lastModifiedMs || (a.commit < b.commit ? -1 : 1));
  repo.revisions = revisions;

  let accessed = 0;
  let modified = 0;
  const countedPayloads = new Set<string>();
  for (const name of linked) {
    const b = repo.blobs.get(name)!;
    if (b.payload) {
      if (countedPayloads.has(b.payload)) continue;
      countedPayloads.add(b.payload);
    }
    repo.blobBytes += b.bytes;
    repo.blobApparentBytes += b.apparentBytes;
    accessed = Math.max(accessed, b.atimeMs);
    modified = Math.max(modified, b.mtimeMs);
  }
  if (linked.size) {
    repo.lastAccessedMs = accessed;
    repo.lastModifiedMs = modified;
  }
  for (const blob of repo.blobs.values()) {
    if (!linked.has(blob.name) && !isIncompleteBlobName(blob.name)) repo.unreferenced.push(blob);
  }
}

export async function parseHfRepo(repoPath: string, options: ParseRepoOptions = {}): Promise<HfRepo> {
  const limit = options.limit ?? createLimiter(64);
  const repo: HfRepo = {
    path: repoPath, folderName: path.basename(repoPath), warnings: [], refs: [], revisions: [], blobs: new Map(),
    incomplete: [], unreferenced: [], blobBytes: 0, blobApparentBytes: 0, lastAccessedMs: 0, lastModifiedMs: 0,
  };
  const parsedName = parseRepoFolderName(repo.folderName);
  if ('error' in parsedName) {
    repo.corrupt = { code: 'hf-not-a-repo', message: parsedName.error, path: repoPath };
    return repo;
  }
  repo.repoType = parsedName.repoType;
  repo.repoId = parsedName.repoId;
  try {
    repo.blobs = options.blobs ?? await readBlobs(path.join(repoPath, 'blobs'), limit);
    if (options.store) await resolveStoreLinks(repoPath, repo.blobs, options.store, limit);
    for (const blob of repo.blobs.values()) if (isIncompleteBlobName(blob.name)) repo.incomplete.push(blob);
    const listing = options.listing ?? await listRepo(repoPath, asyncOps(limit));
    if (listing.repo) {
      repo.lastAccessedMs = listing.repo.atimeMs;
      repo.lastModifiedMs = listing.repo.mtimeMs;
    }
    interpret(repo, listing);
  } catch (err) {
    repo.corrupt = err instanceof Corrupt
      ? err.problem
      : { code: code(err), message: t('cannot read the repo: {0}', (err as Error).message), path: repoPath };
    repo.refs = [];
    repo.revisions = [];
    repo.unreferenced = [];
    repo.blobBytes = 0;
    repo.blobApparentBytes = 0;
  }
  return repo;
}
