// The one way the core reads a file's contents (configs, refs, manifests, state files, metadata).
//
// Any file a scanner reads may be hostile: a FIFO (an open() without O_NONBLOCK waits forever for
// a writer, and a blocked libuv thread keeps the process alive after Ctrl-C), a symlink to
// /dev/zero (a read never ends and memory grows until the process dies), a huge or sparse file, or
// one still being written. So every read here:
//   - opens with O_NONBLOCK (a FIFO opens at once; reading it is refused below, never waited on),
//     and with O_NOFOLLOW when the caller does not follow symlinks;
//   - looks at the opened descriptor with fstat and reads only a regular file (FIFOs, devices,
//     sockets and folders are refused with a code saying what they are);
//   - reads at most `maxBytes` (+1 to notice a file over the cap, even when st_size lies, as in
//     /proc, or the file grows while being read).
// Failures throw a SafeReadError whose `code` is the errno (ENOENT, ELOOP, EACCES, ...) or
// ENOTREG (not a regular file) or EFBIG (over the cap), and whose message is one plain line.

import * as fs from 'node:fs';
import { t } from './l10n';

export const DEFAULT_MAX_READ_BYTES = 1024 * 1024;

export interface SafeReadOptions {
  /** The most bytes read (default 1 MiB). */
  maxBytes?: number;
  /** false: a symlink at the path is refused (ELOOP) instead of followed. Default true. */
  followSymlinks?: boolean;
  /** 'error' (default): a file over maxBytes throws EFBIG. 'truncate': return its first maxBytes. */
  overCap?: 'error' | 'truncate';
}

export interface SafeReadResult {
  data: Buffer;
  stat: fs.Stats;
  /** True when overCap 'truncate' cut the file at maxBytes. */
  truncated: boolean;
}

export class SafeReadError extends Error {
  /** The message without the path ("is a FIFO, not a regular file: not read"). */
  readonly reason: string;
  constructor(
    readonly code: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'SafeReadError';
    this.reason = message.startsWith(path + ' ') ? message.slice(path.length + 1) : message;
  }
}

/** What a non-regular file is, in words ("a FIFO", "a device"). */
export function fileKindText(st: fs.Stats): string {
  if (st.isFIFO()) return t('a FIFO');
  if (st.isCharacterDevice() || st.isBlockDevice()) return t('a device');
  if (st.isSocket()) return t('a socket');
  if (st.isDirectory()) return t('a folder');
  if (st.isSymbolicLink()) return t('a symlink');
  return t('not a regular file');
}

function openFlags(options: SafeReadOptions): number {
  const c = fs.constants;
  return c.O_RDONLY | (c.O_NONBLOCK ?? 0) | (options.followSymlinks === false ? (c.O_NOFOLLOW ?? 0) : 0);
}

function openError(file: string, err: unknown): SafeReadError {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EIO';
  const why = code === 'ENOENT' ? t('does not exist') : code === 'ELOOP' ? t('is a symlink (not followed)') : t('cannot be read ({0})', code);
  return new SafeReadError(code, file, `${file} ${why}`);
}

function checkRegular(file: string, st: fs.Stats, options: SafeReadOptions): number {
  if (!st.isFile()) throw new SafeReadError('ENOTREG', file, t('{0} is {1}, not a regular file: not read', file, fileKindText(st)));
  const max = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  if (st.size > max && options.overCap !== 'truncate') throw tooBig(file, st.size, max);
  return max;
}

function tooBig(file: string, size: number | undefined, max: number): SafeReadError {
  const what = size === undefined ? t('grew past') : t('is {0} bytes, over', size);
  return new SafeReadError('EFBIG', file, t('{0} {1} the {2}-byte read limit: not read', file, what, max));
}

function finish(file: string, buf: Buffer, filled: number, max: number, stat: fs.Stats, options: SafeReadOptions): SafeReadResult {
  if (filled > max) {
    if (options.overCap !== 'truncate') throw tooBig(file, undefined, max);
    return { data: buf.subarray(0, max), stat, truncated: true };
  }
  return { data: buf.subarray(0, filled), stat, truncated: false };
}

/** Reads a small regular file without blocking; see the file comment. */
export async function safeReadFile(file: string, options: SafeReadOptions = {}): Promise<SafeReadResult> {
  const { handle, stat } = await openRegularFile(file, options);
  try {
    const max = checkRegular(file, stat, options);
    const data = await readAt(handle, 0, Math.min(max + 1, stat.size + 65536));
    return finish(file, data, data.length, max, stat, options);
  } catch (err) {
    if (err instanceof SafeReadError) throw err;
    throw openError(file, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The synchronous twin of safeReadFile, for code that resolves settings synchronously. */
export function safeReadFileSync(file: string, options: SafeReadOptions = {}): SafeReadResult {
  const { fd, stat } = openRegularFileSync(file, options);
  try {
    const max = checkRegular(file, stat, options);
    const data = readAtSync(fd, 0, Math.min(max + 1, stat.size + 65536));
    return finish(file, data, data.length, max, stat, options);
  } catch (err) {
    if (err instanceof SafeReadError) throw err;
    throw openError(file, err);
  } finally {
    fs.closeSync(fd);
  }
}

/** safeReadFile as UTF-8 text. */
export async function safeReadText(file: string, options: SafeReadOptions = {}): Promise<string> {
  return (await safeReadFile(file, options)).data.toString('utf8');
}

/** safeReadFileSync as UTF-8 text. */
export function safeReadTextSync(file: string, options: SafeReadOptions = {}): string {
  return safeReadFileSync(file, options).data.toString('utf8');
}

/**
 * Opens a regular file for a reader that reads parts of it itself (trainer_state.json reads the
 * head and tail of an oversized file): O_NONBLOCK, optional O_NOFOLLOW, fstat checked. The caller
 * closes the handle. No size cap is applied here; the caller must cap its reads.
 */
export async function openRegularFile(file: string, options: Pick<SafeReadOptions, 'followSymlinks'> = {}): Promise<{ handle: fs.promises.FileHandle; stat: fs.Stats }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, openFlags(options));
  } catch (err) {
    throw openError(file, err);
  }
  try {
    const stat = await handle.stat();
    checkRegular(file, stat, { overCap: 'truncate' });
    return { handle, stat };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err instanceof SafeReadError ? err : openError(file, err);
  }
}

/** openRegularFile with synchronous calls, for worker threads: returns the descriptor; the caller closes it. */
export function openRegularFileSync(file: string, options: Pick<SafeReadOptions, 'followSymlinks'> = {}): { fd: number; stat: fs.Stats } {
  let fd: number;
  try {
    fd = fs.openSync(file, openFlags(options));
  } catch (err) {
    throw openError(file, err);
  }
  try {
    const stat = fs.fstatSync(fd);
    checkRegular(file, stat, { overCap: 'truncate' });
    return { fd, stat };
  } catch (err) {
    fs.closeSync(fd);
    throw err instanceof SafeReadError ? err : openError(file, err);
  }
}

/** readAt with synchronous calls. */
export function readAtSync(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(Math.max(0, length));
  let filled = 0;
  while (filled < buffer.length) {
    const bytesRead = fs.readSync(fd, buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Reads up to `length` bytes at `position` (fewer at the end of the file): for readers that cap their own reads. */
export async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, length));
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The errno-like code of any error (SafeReadError or Node's). */
export function readErrorCode(err: unknown): string {
  return (err as { code?: unknown })?.code ? String((err as { code: unknown }).code) : 'EIO';
}
