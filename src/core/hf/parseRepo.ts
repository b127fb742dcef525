// Reads one repo folder of the hub cache (models--org--name/) into revisions, refs and blobs, with
// huggingface_hub's rules (utils/_cache_manager.py `_scan_cached_repo`) and these differences:
//   - nothing is followed: snapshot symlinks are read with readlink and matched to blobs/ by name,
//     so a link pointing outside the repo is never counted nor touched (a warning says so);
//   - nested snapshot folders and nested refs (refs/refs/pr/1 = ref 'refs/pr/1') are read;
//   - a ref ending in a newline is accepted with a warning (see names.ts parseRefContent);
//   - sizes are disk usage (blocks) with apparent sizes beside them.
// A corrupted repo (no snapshots/, a file in snapshots/, a broken symlink, a ref to a missing
// commit, refs/ being a file) is returned with `corrupt` set and no revisions; it never throws
// for what it finds on disk.

import * as fs from 'fs';
import * as path from 'path';
import { createLimiter, type Limiter } from '../caches/limit';
import { HF_FILES_TO_IGNORE, isIncompleteBlobName, MAX_REF_BYTES, parseRefContent, parseRepoFolderName } from './names';
import type { HfEntryStat, HfFile, HfProblem, HfRef, HfRepo, HfRevision } from './types';

export interface ParseRepoOptions {
  /** The entries of blobs/ when the caller already has them (from the walker); otherwise they are lstat-ed here. */
  blobs?: Map<string, HfEntryStat>;
  limit?: Limiter;
}

export function entryStat(name: string, p: string, st: fs.Stats): HfEntryStat {
  return {
    name, path: p,
    type: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other',
    bytes: st.blocks * 512, apparentBytes: st.size,
    dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs, atimeMs: st.atimeMs,
  };
}

class Corrupt extends Error {
  constructor(readonly problem: HfProblem) {
    super(problem.message);
  }
}

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';

async function lstatOrUndefined(p: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.lstat(p);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

async function readBlobs(blobsDir: string, limit: Limiter): Promise<Map<string, HfEntryStat>> {
  const blobs = new Map<string, HfEntryStat>();
  // A blobs/ swapped for a symlink is not listed: its entries are not this repo's.
  const st = await lstatOrUndefined(blobsDir);
  if (!st?.isDirectory()) return blobs;
  let names: string[];
  try {
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

async function readSmallFile(p: string): Promise<{ text: string; bytes: number }> {
  // O_NOFOLLOW | O_NONBLOCK: a ref swapped for a symlink or a FIFO is refused instead of followed or waited on.
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);
  const handle = await fs.promises.open(p, flags);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
    const buf = Buffer.alloc(MAX_REF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, MAX_REF_BYTES, 0);
    return { text: buf.subarray(0, bytesRead).toString('utf8'), bytes: st.blocks * 512 };
  } finally {
    await handle.close();
  }
}

async function readRefs(refsDir: string, warnings: HfProblem[]): Promise<HfRef[]> {
  const refs: HfRef[] = [];
  const walkDir = async (dir: string, prefix: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (HF_FILES_TO_IGNORE.has(entry.name)) continue;
      if (entry.isDirectory()) {
        await walkDir(p, name);
        continue;
      }
      if (!entry.isFile()) {
        throw new Corrupt({ code: 'hf-ref-not-file', message: `ref '${name}' is not a regular file (a symlink or special file; not read)`, path: p });
      }
      let content: { text: string; bytes: number };
      try {
        content = await readSmallFile(p);
      } catch (err) {
        throw new Corrupt({ code: 'hf-ref-unreadable', message: `ref '${name}' cannot be read (${code(err)})`, path: p });
      }
      const { commit, trailingNewline } = parseRefContent(content.text);
      if (trailingNewline) {
        warnings.push({
          code: 'hf-ref-newline',
          message: `ref '${name}' ends in a newline: read as ${commit.slice(0, 12)}…, but huggingface_hub treats it as a missing commit and skips the repo`,
          path: p,
        });
      }
      refs.push({ name, path: p, commit, trailingNewline, bytes: content.bytes });
    }
  };
  await walkDir(refsDir, '');
  refs.sort((a, b) => a.name.localeCompare(b.name));
  return refs;
}

async function readSnapshot(
  repoPath: string, snapshotPath: string, blobs: Map<string, HfEntryStat>, limit: Limiter, warnings: HfProblem[],
): Promise<HfFile[]> {
  const blobsDir = path.join(repoPath, 'blobs');
  const files: HfFile[] = [];
  const walkDir = async (dir: string, rel: string): Promise<void> => {
    const entries = await limit(() => fs.promises.readdir(dir, { withFileTypes: true }));
    await Promise.all(entries.map(async (entry) => {
      if (HF_FILES_TO_IGNORE.has(entry.name)) return;
      const p = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return walkDir(p, relPath);
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await limit(() => fs.promises.readlink(p));
        } catch (err) {
          if (code(err) === 'ENOENT') return; // vanished
          throw err;
        }
        const resolved = path.resolve(path.dirname(p), target);
        if (path.dirname(resolved) === blobsDir) {
          const name = path.basename(resolved);
          const blob = blobs.get(name);
          if (!blob || blob.type === 'dir') {
            throw new Corrupt({ code: 'hf-broken-symlink', message: `blob missing (broken symlink): ${relPath} -> ${target}`, path: p });
          }
          files.push({ relPath, path: p, kind: 'blob', blob: name, bytes: blob.bytes, apparentBytes: blob.apparentBytes });
          return;
        }
        warnings.push({ code: 'hf-link-outside', message: `${relPath} links outside the repo's blobs (${target}); not followed, not counted`, path: p });
        files.push({ relPath, path: p, kind: 'outside', bytes: 0, apparentBytes: 0 });
        return;
      }
      if (entry.isFile()) {
        try {
          const st = await limit(() => fs.promises.lstat(p));
          files.push({ relPath, path: p, kind: 'copy', bytes: st.blocks * 512, apparentBytes: st.size });
        } catch (err) {
          if (code(err) !== 'ENOENT') throw err;
        }
      }
    }));
  };
  await walkDir(snapshotPath, '');
  files.sort((a, b) => a.relPath.localeCompare(b.relPath));
  return files;
}

export async function parseHfRepo(repoPath: string, options: ParseRepoOptions = {}): Promise<HfRepo> {
  const limit = options.limit ?? createLimiter(64);
  const folderName = path.basename(repoPath);
  const repo: HfRepo = {
    path: repoPath, folderName, warnings: [], refs: [], revisions: [], blobs: new Map(),
    incomplete: [], unreferenced: [], blobBytes: 0, blobApparentBytes: 0, lastAccessedMs: 0, lastModifiedMs: 0,
  };
  const parsedName = parseRepoFolderName(folderName);
  if ('error' in parsedName) {
    repo.corrupt = { code: 'hf-not-a-repo', message: parsedName.error, path: repoPath };
    return repo;
  }
  repo.repoType = parsedName.repoType;
  repo.repoId = parsedName.repoId;
  try {
    const st = await fs.promises.lstat(repoPath);
    repo.lastAccessedMs = st.atimeMs;
    repo.lastModifiedMs = st.mtimeMs;
    if (!st.isDirectory()) throw new Corrupt({ code: 'hf-not-a-repo', message: 'repo path is not a folder', path: repoPath });
    repo.blobs = options.blobs ?? await readBlobs(path.join(repoPath, 'blobs'), limit);
    for (const blob of repo.blobs.values()) if (isIncompleteBlobName(blob.name)) repo.incomplete.push(blob);

    const snapshotsPath = path.join(repoPath, 'snapshots');
    const snapshotsStat = await lstatOrUndefined(snapshotsPath);
    if (!snapshotsStat?.isDirectory()) {
      throw new Corrupt({ code: 'hf-no-snapshots', message: "snapshots folder doesn't exist in the cached repo", path: snapshotsPath });
    }
    const refsPath = path.join(repoPath, 'refs');
    const refsStat = await lstatOrUndefined(refsPath);
    if (refsStat && !refsStat.isDirectory()) {
      throw new Corrupt({ code: 'hf-refs-not-folder', message: 'refs is not a folder', path: refsPath });
    }
    repo.refs = refsStat ? await readRefs(refsPath, repo.warnings) : [];

    const snapshotEntries = await fs.promises.readdir(snapshotsPath, { withFileTypes: true });
    const revisions: HfRevision[] = [];
    for (const entry of snapshotEntries) {
      if (HF_FILES_TO_IGNORE.has(entry.name)) continue;
      const p = path.join(snapshotsPath, entry.name);
      if (!entry.isDirectory()) {
        throw new Corrupt({ code: 'hf-file-in-snapshots', message: `snapshots folder corrupted: found a ${entry.isSymbolicLink() ? 'symlink' : 'file'} '${entry.name}'`, path: p });
      }
      revisions.push({
        commit: entry.name, path: p, refs: [], detached: true, files: [], blobs: [], bytes: 0, apparentBytes: 0, lastModifiedMs: 0,
      });
    }
    await Promise.all(revisions.map(async (rev) => {
      rev.files = await readSnapshot(repoPath, rev.path, repo.blobs, limit, repo.warnings);
    }));

    const byCommit = new Map(revisions.map((r) => [r.commit, r]));
    const missing = repo.refs.filter((ref) => !byCommit.has(ref.commit));
    if (missing.length) {
      const list = missing.map((ref) => `${ref.name} -> ${JSON.stringify(ref.commit.slice(0, 80))}`).join(', ');
      throw new Corrupt({ code: 'hf-missing-commit', message: `ref(s) point to missing commit(s): ${list}`, path: refsPath });
    }
    for (const ref of repo.refs) byCommit.get(ref.commit)!.refs.push(ref.name);

    const linked = new Set<string>();
    for (const rev of revisions) {
      rev.detached = rev.refs.length === 0;
      const distinct = new Set<string>();
      let newest = 0;
      for (const f of rev.files) {
        if (f.kind === 'blob') {
          if (!distinct.has(f.blob!)) {
            distinct.add(f.blob!);
            const b = repo.blobs.get(f.blob!)!;
            rev.bytes += b.bytes;
            rev.apparentBytes += b.apparentBytes;
            newest = Math.max(newest, b.mtimeMs);
          }
        } else if (f.kind === 'copy') {
          rev.bytes += f.bytes;
          rev.apparentBytes += f.apparentBytes;
        }
      }
      rev.blobs = [...distinct].sort();
      for (const b of distinct) linked.add(b);
      if (newest === 0) {
        const st = await lstatOrUndefined(rev.path);
        newest = st?.mtimeMs ?? 0;
      }
      rev.lastModifiedMs = newest;
    }
    revisions.sort((a, b) => b.lastModifiedMs - a.lastModifiedMs || a.commit.localeCompare(b.commit));
    repo.revisions = revisions;

    let accessed = 0;
    let modified = 0;
    for (const name of linked) {
      const b = repo.blobs.get(name)!;
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
  } catch (err) {
    if (err instanceof Corrupt) {
      repo.corrupt = err.problem;
    } else {
      repo.corrupt = { code: code(err), message: `cannot read the repo: ${(err as Error).message}`, path: repoPath };
    }
    repo.revisions = [];
    repo.unreferenced = [];
  }
  return repo;
}
