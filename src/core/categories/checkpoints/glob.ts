// Finds checkpoint candidates in one root with fast-glob: never follows symlinks (a symlinked
// folder is reported as a link, never entered), honours the exclude patterns, streams so a scan
// can be cancelled, and reports folders it could not read instead of silently skipping them.
import * as fs from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';
import fg from 'fast-glob';

export type EntryKind = 'dir' | 'file' | 'symlink' | 'other';

export interface GlobEntry {
  path: string;
  name: string;
  kind: EntryKind;
}

export interface GlobOptions {
  patterns: string[];
  /** fast-glob ignore patterns, relative to the root. */
  ignore: string[];
  signal?: AbortSignal;
  /** A folder below the root could not be read (EACCES, …). */
  onError?(dir: string, err: NodeJS.ErrnoException): void;
  /**
   * Folders not to descend into (their own entry is still reported): a checkpoint folder owns
   * everything below it, so reading its files would only cost time.
   */
  prune?(dir: string): boolean;
  /** Called for every folder read, with how many were read so far (for streamed progress). */
  onFolder?(dir: string, foldersRead: number): void;
}

/** Trailing slashes only say "a folder": we classify by type ourselves, so patterns match both ways. */
function normalisePattern(pattern: string): string {
  return pattern.replace(/\/+$/, '');
}

export async function globRoot(root: string, options: GlobOptions): Promise<{ entries: GlobEntry[]; cancelled: boolean }> {
  const entries: GlobEntry[] = [];
  if (options.signal?.aborted) return { entries, cancelled: true };
  let foldersRead = 0;
  const readdir = ((dir: string, opts: unknown, callback: (err: NodeJS.ErrnoException | null, res?: fs.Dirent[]) => void) => {
    if (options.prune?.(dir)) return process.nextTick(callback, null, []);
    options.onFolder?.(dir, ++foldersRead);
    fs.readdir(dir, opts as { withFileTypes: true }, (err, res) => {
      if (err && err.code !== 'ENOENT' && err.code !== 'ENOTDIR') options.onError?.(dir, err);
      callback(err, res);
    });
  }) as unknown as typeof fs.readdir;
  const stream = fg.stream(options.patterns.map(normalisePattern), {
    cwd: root,
    absolute: true,
    dot: true,
    onlyFiles: false,
    objectMode: true,
    followSymbolicLinks: false,
    suppressErrors: true,
    unique: true,
    ignore: options.ignore,
    fs: { readdir },
  }) as unknown as Readable;
  let cancelled = false;
  const abort = () => {
    cancelled = true;
    stream.destroy();
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const raw of stream) {
      const entry = raw as unknown as fg.Entry;
      const d = entry.dirent;
      const kind: EntryKind = d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other';
      entries.push({ path: path.normalize(entry.path), name: entry.name, kind });
    }
  } catch (err) {
    if (!cancelled) throw err;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  return { entries, cancelled: cancelled || !!options.signal?.aborted };
}

/** `dir` as a fast-glob ignore pattern relative to `root` (everything below it), or undefined when outside. */
export function ignoreBelow(root: string, dir: string): string | undefined {
  const rel = path.relative(root, dir);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return `${fg.escapePath(rel.split(path.sep).join('/'))}/**`;
}
