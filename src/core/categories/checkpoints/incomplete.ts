// Half-written checkpoints: what a crash (disk full, a killed job) leaves behind. A checkpoint is
// incomplete when
// - a file its complete siblings all have is missing (training state excepted: slimming removes it),
// - a weight file is empty or cut short (a safetensors header or data running past the end of the
//   file; a torch zip without its central directory),
// - it holds an unfinished file (`*.tmp`, `*.partial`, `*.part`, `*.incomplete`),
// - its DeepSpeed `latest` names a global_step folder that is not there.
// Such a checkpoint cannot be loaded or resumed from: it is never "best" or "last", its size is
// not a checkpoint's size for the forecast, and it is offered for deletion. Reads are bounded:
// one directory listing (at most MAX_ENTRIES names), lstat, and a few KB of each weight file.
import { promises as fsp, type Dirent } from 'fs';
import * as path from 'path';
import { deepspeedStep, isTrainingStateName, isWeightName } from './names';
import { readAt, safeReadText } from '../../safeRead';
import { openRegularFile, readZipIndex } from './torchZip';
import type { Checkpoint } from './types';
import { t } from '../../l10n';

const MAX_ENTRIES = 512;
/** Safetensors headers larger than this are only checked against the file size, not parsed. */
const MAX_SAFETENSORS_HEADER = 16 * 1024 * 1024;
/** safetensors refuses headers larger than this (MAX_HEADER_SIZE). */
const SAFETENSORS_HEADER_LIMIT = 100_000_000;
const UNFINISHED_RE = /\.(tmp|temp|partial|part|incomplete)$|^\.?tmp[-_.]/i;

interface Listing {
  names: Set<string>;
  /** Why this folder alone is incomplete (empty weights, unfinished files, …), or null. */
  problem: string | null;
}

/** Marks the incomplete checkpoints of one run (`c.incomplete` = the reason). */
export async function markIncomplete(checkpoints: Checkpoint[]): Promise<void> {
  const dirs = checkpoints.filter((c) => c.type === 'dir');
  const listings = new Map<Checkpoint, Listing>();
  for (const c of dirs) listings.set(c, await inspectFolder(c.path));
  for (const c of checkpoints) {
    if (c.type === 'file' && /\.(ckpt|safetensors|pt|pth|bin)$/.test(c.name)) {
      const problem = await weightFileProblem(c.path);
      if (problem) c.incomplete = problem;
    }
  }
  for (const [c, listing] of listings) if (listing.problem) c.incomplete = listing.problem;

  // Files every other sound sibling of the same format has (training state aside).
  for (const c of dirs) {
    if (c.incomplete) continue;
    const others = dirs.filter((o) => o !== c && o.format === c.format && !o.incomplete);
    if (!others.length) continue;
    let common: Set<string> | undefined;
    for (const o of others) {
      const names = [...listings.get(o)!.names].filter(expectedOfSiblings);
      common = common ? new Set(names.filter((n) => common!.has(n))) : new Set(names);
    }
    const own = listings.get(c)!.names;
    const missing = [...(common ?? [])].filter((n) => !own.has(n)).sort();
    if (missing.length) c.incomplete = (missing.length === 1 ? t('missing {0} (its other checkpoints have it)', listNames(missing)) : t('missing {0} (its other checkpoints have them)', listNames(missing)));
  }
}

/** Names a complete checkpoint of the run is expected to share: not training state, not per-step DeepSpeed folders. */
function expectedOfSiblings(name: string): boolean {
  return !isTrainingStateName(name) && deepspeedStep(name) === null && !UNFINISHED_RE.test(name) && name !== 'latest' && !name.startsWith('.');
}

function listNames(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : t('{0} and {1} more', names.slice(0, 3).join(', '), names.length - 3);
}

async function inspectFolder(dir: string): Promise<Listing> {
  const names = new Set<string>();
  let dirents: Dirent[];
  try {
    dirents = (await fsp.readdir(dir, { withFileTypes: true })).slice(0, MAX_ENTRIES);
  } catch {
    return { names, problem: null }; // unreadable: the walk reported it; not evidence of a crash
  }
  const entries = dirents.map((d) => d.name);
  const problems: string[] = [];
  for (const dirent of dirents) {
    const name = dirent.name;
    names.add(name);
    if (UNFINISHED_RE.test(name)) { problems.push(t('unfinished file {0}', name)); continue; }
    // Only weight files and DeepSpeed's `latest` are looked into: the listing's types spare an
    // lstat of every other file (a sharded checkpoint holds dozens of optimizer shards).
    if (!dirent.isFile() || (!isWeightName(name) && name !== 'latest')) continue;
    const p = path.join(dir, name);
    let st;
    try { st = await fsp.lstat(p); } catch { continue; }
    if (!st.isFile()) continue;
    if (isWeightName(name)) {
      if (st.size === 0) { problems.push(t('{0} is empty', name)); continue; }
      const problem = await weightFileProblem(p);
      if (problem) problems.push(`${name}: ${problem}`);
    }
    if (name === 'latest' && st.size <= 256) {
      const tag = (await safeReadText(p, { maxBytes: 256, followSymlinks: false }).catch(() => '')).trim();
      if (tag && !tag.includes('/') && !entries.includes(tag)) problems.push(t('DeepSpeed latest names {0}, which is not there', tag));
    }
  }
  return { names, problem: problems.length ? problems.slice(0, 2).join('; ') : null };
}

/** Why a weight file is cut short or empty, or null when it looks whole (or is of a format not checked). */
export async function weightFileProblem(file: string): Promise<string | null> {
  const handle = await openRegularFile(file);
  if (typeof handle === 'string') return null;
  try {
    const size = (await handle.stat()).size;
    if (size === 0) return t('empty file');
    const head = await readAt(handle, 0, 8);
    if (file.endsWith('.safetensors')) return safetensorsProblem(handle, head, size);
    if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) {
      const index = await readZipIndex(handle);
      return index.ok ? null : index.reason;
    }
    return null;
  } catch {
    return null;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function safetensorsProblem(handle: Awaited<ReturnType<typeof fsp.open>>, head: Buffer, size: number): Promise<string | null> {
  if (head.length < 8) return t('cut short before its header');
  const headerLength = Number(head.readBigUInt64LE(0));
  // Over safetensors' own header limit: not a safetensors file at all, not ours to judge.
  if (headerLength > SAFETENSORS_HEADER_LIMIT) return null;
  if (8 + headerLength > size) return t('header of {0} bytes is longer than the file ({1} bytes): cut short', headerLength, size);
  if (headerLength > MAX_SAFETENSORS_HEADER) return null;
  let header: unknown;
  try {
    header = JSON.parse((await readAt(handle, 8, headerLength)).toString('utf8'));
  } catch {
    return t('unreadable header');
  }
  let end = 0;
  if (typeof header === 'object' && header !== null) {
    for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
      const offsets = k !== '__metadata__' && typeof v === 'object' && v !== null ? (v as { data_offsets?: unknown }).data_offsets : undefined;
      if (Array.isArray(offsets) && typeof offsets[1] === 'number') end = Math.max(end, offsets[1]);
    }
  }
  return 8 + headerLength + end > size ? t('tensor data runs past the end of the file ({0} of {1} bytes): cut short', size, 8 + headerLength + end) : null;
}
