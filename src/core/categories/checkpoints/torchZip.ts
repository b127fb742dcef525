// Reads the member list of a `torch.save` file (a zip: `<archive>/data.pkl`, `<archive>/data/<key>`,
// `<archive>/version`) and single small members, from its central directory. torch writes members
// stored (uncompressed), so a member is a byte range of the file. Bounded: only the file's tail
// and the members asked for are read, each under a size limit; a file that is not a regular file
// (FIFO, device, symlink) is never opened for reading. Nothing here throws: errors are values.
import type * as fs from 'fs';
import { openRegularFile as openRegular, readAt, readErrorCode, SafeReadError } from '../../safeRead';
import { t } from '../../l10n';

/** End-of-central-directory search window: the record (22 bytes) plus the longest zip comment. */
const EOCD_WINDOW = 22 + 0xffff;
/** Central directories larger than this are not read (a torch zip has a few entries per tensor). */
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

export interface ZipMember {
  name: string;
  /** Offset of the member's data in the file (after its local header). */
  dataOffset: number;
  size: number;
  compressed: boolean;
}

export type ZipIndex = { ok: true; members: Map<string, ZipMember>; fileBytes: number } | { ok: false; reason: string; notZip?: boolean };

/** The file opened for reading (O_NONBLOCK, a symlink not followed, regular files only), or why not. */
export async function openRegularFile(file: string): Promise<fs.promises.FileHandle | string> {
  try {
    return (await openRegular(file, { followSymlinks: false })).handle;
  } catch (err) {
    return err instanceof SafeReadError ? err.reason : readErrorCode(err);
  }
}


/** Reads the zip's central directory (zip64 included). */
export async function readZipIndex(handle: fs.promises.FileHandle): Promise<ZipIndex> {
  const size = (await handle.stat()).size;
  if (size < 22) return { ok: false, reason: size === 0 ? t('empty file') : t('too short to be a zip'), notZip: size < 4 };
  const head = await readAt(handle, 0, 4);
  if (head.readUInt32LE(0) !== 0x04034b50) return { ok: false, reason: t('not a zip file'), notZip: true };
  const windowStart = Math.max(0, size - EOCD_WINDOW);
  const tail = await readAt(handle, windowStart, size - windowStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) return { ok: false, reason: t('zip without its central directory (cut off while being written)') };
  let entries = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Zip64: the locator sits right before the EOCD record and points at the zip64 EOCD.
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) return { ok: false, reason: t('zip64 locator missing') };
    const z64 = Number(tail.readBigUInt64LE(loc + 8));
    const rec = await readAt(handle, z64, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== 0x06064b50) return { ok: false, reason: t('zip64 end record missing') };
    entries = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY) return { ok: false, reason: t('central directory of {0} bytes (over the read limit)', cdSize) };
  if (cdOffset + cdSize > size) return { ok: false, reason: t('central directory points past the end of the file (truncated)') };
  const cd = await readAt(handle, cdOffset, cdSize);
  const members = new Map<string, ZipMember>();
  let p = 0;
  for (let n = 0; n < entries && p + 46 <= cd.length; n++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) return { ok: false, reason: t('damaged central directory') };
    const method = cd.readUInt16LE(p + 10);
    let compSize = cd.readUInt32LE(p + 20);
    let uncompSize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    // Zip64 extra field: the 0xffffffff fields, in order uncompressed, compressed, offset.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompSize === 0xffffffff && q + 8 <= e + 4 + len) { uncompSize = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (compSize === 0xffffffff && q + 8 <= e + 4 + len) { compSize = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (localOffset === 0xffffffff && q + 8 <= e + 4 + len) { localOffset = Number(cd.readBigUInt64LE(q)); q += 8; }
      }
      e += 4 + len;
    }
    p = extraEnd + commentLen;
    const local = await readAt(handle, localOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) return { ok: false, reason: t('member {0} has no local header (truncated)', name) };
    const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataOffset + compSize > size) return { ok: false, reason: t('member {0} runs past the end of the file (truncated)', name) };
    members.set(name, { name, dataOffset, size: method === 0 ? uncompSize : compSize, compressed: method !== 0 });
  }
  return { ok: true, members, fileBytes: size };
}

/** A stored member's bytes, or a reason it cannot be read within `maxBytes`. */
export async function readMember(handle: fs.promises.FileHandle, member: ZipMember, maxBytes: number): Promise<Buffer | string> {
  if (member.compressed) return t('{0} is compressed (torch writes stored members)', member.name);
  if (member.size > maxBytes) return t('{0} is {1} bytes (over the {2}-byte read limit)', member.name, member.size, maxBytes);
  const data = await readAt(handle, member.dataOffset, member.size);
  return data.length === member.size ? data : t('{0} is cut short', member.name);
}

/** The archive folder name of a torch zip (`archive/`, or the file's stem for older torch). */
export function archivePrefix(members: Map<string, ZipMember>): string | undefined {
  for (const name of members.keys()) if (name.endsWith('/data.pkl') && name.indexOf('/') === name.length - '/data.pkl'.length) return name.slice(0, -'data.pkl'.length);
  return undefined;
}
