// What a checkpoint folder holds and what in it is cut short, without words: the facts incomplete.ts
// judges and puts into sentences. Runs in worker threads (inspectWorker.ts, synchronous calls: a
// sharded checkpoint holds dozens of weight shards, and thousands of promise-based reads cost the
// main thread more than the walk itself) and, where no worker can start, on the main thread with
// promise-based calls: the same code over either set of calls. Reads are bounded: one listing (at
// most MAX_ENTRIES names) and a few KB of each weight file.
import * as fs from 'fs';
import * as path from 'path';
import { isWeightName } from './names';
import { openRegularFile, openRegularFileSync, readAt, readAtSync } from '../../safeRead';

const MAX_ENTRIES = 512;
/** Safetensors headers larger than this are only checked against the file size, not parsed. */
const MAX_SAFETENSORS_HEADER = 16 * 1024 * 1024;
/** safetensors refuses headers larger than this (MAX_HEADER_SIZE). */
const SAFETENSORS_HEADER_LIMIT = 100_000_000;
/** A DeepSpeed `latest` file names a folder: a few bytes. Larger, it is not one. */
const MAX_LATEST_BYTES = 256;
export const UNFINISHED_RE = /\.(tmp|temp|partial|part|incomplete)$|^\.?tmp[-_.]/i;
const ZIP_MAGIC = 0x04034b50;

/** Why a weight file is cut short (safetensors); zips are judged on the main thread (torchZip.ts). */
export type WeightProblem =
  | { kind: 'empty' }
  | { kind: 'short-header' }
  | { kind: 'header-past-end'; headerLength: number; size: number }
  | { kind: 'unreadable-header' }
  | { kind: 'data-past-end'; size: number; end: number };

/** A weight file's inspection: its problem, 'zip' for a zip the caller checks, or null when it looks whole. */
export type WeightInspection = WeightProblem | 'zip' | null;

export type FolderProblem =
  | { kind: 'unfinished'; name: string }
  | { kind: 'empty-weight'; name: string }
  | { kind: 'weight'; name: string; problem: WeightProblem }
  | { kind: 'latest-missing'; tag: string };

export interface FolderInspection {
  /** Entry names (at most MAX_ENTRIES). */
  names: string[];
  problems: FolderProblem[];
  /** Weight files that are zips (torch.save): their central directory is checked by the caller. */
  zipWeights: string[];
}

/** A regular file opened for reading parts of it. */
export interface OpenedFile {
  size: number;
  read(position: number, length: number): Buffer | Promise<Buffer>;
  close(): void | Promise<void>;
}

/** The filesystem calls an inspection makes; each may answer at once or with a promise. */
export interface InspectOps {
  /** Names and whether each is a regular file; throws when the folder cannot be listed. */
  list(dir: string): { name: string; isFile: boolean }[] | Promise<{ name: string; isFile: boolean }[]>;
  /** A regular file, no symlink followed, never waiting on a FIFO; null when it is not one or cannot be opened. */
  openRegular(file: string): OpenedFile | null | Promise<OpenedFile | null>;
}

const listed = (dirents: fs.Dirent[]) => dirents.slice(0, MAX_ENTRIES).map((d) => ({ name: d.name, isFile: d.isFile() }));

export const syncInspectOps: InspectOps = {
  list: (dir) => listed(fs.readdirSync(dir, { withFileTypes: true })),
  openRegular: (file) => {
    let opened: { fd: number; stat: fs.Stats };
    try { opened = openRegularFileSync(file, { followSymlinks: false }); } catch { return null; }
    const { fd, stat } = opened;
    return { size: stat.size, read: (position, length) => readAtSync(fd, position, length), close: () => fs.closeSync(fd) };
  },
};

export const asyncInspectOps: InspectOps = {
  list: async (dir) => listed(await fs.promises.readdir(dir, { withFileTypes: true })),
  openRegular: async (file) => {
    let opened: Awaited<ReturnType<typeof openRegularFile>>;
    try { opened = await openRegularFile(file, { followSymlinks: false }); } catch { return null; }
    const { handle, stat } = opened;
    return { size: stat.size, read: (position, length) => readAt(handle, position, length), close: () => handle.close().catch(() => undefined) };
  },
};

/** One checkpoint folder: its names, and what in it a crash left unfinished. */
export async function inspectFolder(ops: InspectOps, dir: string): Promise<FolderInspection> {
  const inspection: FolderInspection = { names: [], problems: [], zipWeights: [] };
  let entries: { name: string; isFile: boolean }[];
  try {
    entries = await ops.list(dir);
  } catch {
    return inspection; // unreadable: the walk reported it; not evidence of a crash
  }
  inspection.names = entries.map((e) => e.name);
  for (const { name, isFile } of entries) {
    if (UNFINISHED_RE.test(name)) { inspection.problems.push({ kind: 'unfinished', name }); continue; }
    // Only weight files and DeepSpeed's `latest` are opened: the listing's types spare every
    // other file (a sharded checkpoint holds dozens of optimizer shards).
    if (!isFile) continue;
    const p = path.join(dir, name);
    if (isWeightName(name)) {
      const weight = await inspectWeight(ops, p);
      if (weight === 'zip') inspection.zipWeights.push(p);
      else if (weight?.kind === 'empty') inspection.problems.push({ kind: 'empty-weight', name });
      else if (weight) inspection.problems.push({ kind: 'weight', name, problem: weight });
    } else if (name === 'latest') {
      const tag = await readLatest(ops, p);
      if (tag && !tag.includes('/') && !inspection.names.includes(tag)) inspection.problems.push({ kind: 'latest-missing', tag });
    }
  }
  return inspection;
}

/** A weight file's problem, 'zip' for a zip the caller checks, or null when it looks whole (or cannot be opened: not ours to judge). */
export async function inspectWeight(ops: InspectOps, file: string): Promise<WeightInspection> {
  const opened = await ops.openRegular(file);
  if (!opened) return null;
  try {
    if (opened.size === 0) return { kind: 'empty' };
    const head = await opened.read(0, 8);
    if (file.endsWith('.safetensors')) return await safetensorsProblem(opened, head);
    return head.length >= 4 && head.readUInt32LE(0) === ZIP_MAGIC ? 'zip' : null;
  } catch {
    return null;
  } finally {
    await opened.close();
  }
}

async function safetensorsProblem(file: OpenedFile, head: Buffer): Promise<WeightProblem | null> {
  const size = file.size;
  if (head.length < 8) return { kind: 'short-header' };
  const headerLength = Number(head.readBigUInt64LE(0));
  // Over safetensors' own header limit: not a safetensors file at all, not ours to judge.
  if (headerLength > SAFETENSORS_HEADER_LIMIT) return null;
  if (8 + headerLength > size) return { kind: 'header-past-end', headerLength, size };
  if (headerLength > MAX_SAFETENSORS_HEADER) return null;
  let header: unknown;
  try {
    header = JSON.parse((await file.read(8, headerLength)).toString('utf8'));
  } catch {
    return { kind: 'unreadable-header' };
  }
  let end = 0;
  if (typeof header === 'object' && header !== null) {
    for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
      const offsets = k !== '__metadata__' && typeof v === 'object' && v !== null ? (v as { data_offsets?: unknown }).data_offsets : undefined;
      if (Array.isArray(offsets) && typeof offsets[1] === 'number') end = Math.max(end, offsets[1]);
    }
  }
  return 8 + headerLength + end > size ? { kind: 'data-past-end', size, end: 8 + headerLength + end } : null;
}

/** The folder name a DeepSpeed `latest` file holds, or '' when it is not a small regular file. */
async function readLatest(ops: InspectOps, file: string): Promise<string> {
  const opened = await ops.openRegular(file);
  if (!opened) return '';
  try {
    return opened.size <= MAX_LATEST_BYTES ? (await opened.read(0, MAX_LATEST_BYTES)).toString('utf8').trim() : '';
  } catch {
    return '';
  } finally {
    await opened.close();
  }
}
