// lstat for the walk loop without an fs.Stats object per entry. A walk lstats every entry of the
// tree; on Node 20 each fs.Stats also builds four Date objects, and that garbage is a good part
// of the walk's CPU time. Node's own fs binding fills one shared Float64Array instead; we read
// the few fields we need from it. The binding is internal, so it is used only after a probe
// shows it behaves exactly as expected on this runtime; otherwise fs.lstatSync fills the array.
import * as fs from 'fs';
import * as path from 'path';

/** Field indices in the array (Node's order). Read times with `Lstat.mtimeMs` / `atimeMs`. */
export const F_DEV = 0, F_MODE = 1, F_NLINK = 2, F_INO = 7, F_SIZE = 8, F_BLOCKS = 9;
const F_ATIME_S = 10, F_ATIME_NS = 11, F_MTIME_S = 12, F_MTIME_NS = 13;

export interface Lstat {
  kind: 'binding' | 'fs';
  /** The fields of `p` (not following a final symlink), valid until the next call; undefined if it does not exist. Throws other errors. */
  fields(p: string | Buffer): Float64Array | undefined;
  /** Exactly fs.Stats' mtimeMs / atimeMs of the fields. */
  mtimeMs(a: Float64Array): number;
  atimeMs(a: Float64Array): number;
}

/** What the walk keeps of a folder's lstat (fs.Stats has these too). */
export interface EntryStat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  size: number;
  blocks: number;
  mtimeMs: number;
  atimeMs: number;
}

// Node's own formula (msFromTimeSpec), so the results equal fs.Stats' to the bit.
const msOf = (a: Float64Array, s: number, ns: number) => a[s] * 1e3 + a[ns] / 1e6;

export function entryStat(l: Lstat, a: Float64Array): EntryStat {
  return {
    dev: a[F_DEV], ino: a[F_INO], mode: a[F_MODE], nlink: a[F_NLINK], size: a[F_SIZE], blocks: a[F_BLOCKS],
    mtimeMs: l.mtimeMs(a), atimeMs: l.atimeMs(a),
  };
}

const NO_THROW = { throwIfNoEntry: false } as const;

/** fs.lstatSync copied into the same layout; the times are kept in ms (in the seconds slots). */
function viaFs(): Lstat {
  const out = new Float64Array(14);
  return {
    kind: 'fs',
    fields: (p) => {
      const st = fs.lstatSync(p, NO_THROW);
      if (!st) return undefined;
      out[F_DEV] = st.dev; out[F_MODE] = st.mode; out[F_NLINK] = st.nlink; out[F_INO] = st.ino;
      out[F_SIZE] = st.size; out[F_BLOCKS] = st.blocks; out[F_ATIME_S] = st.atimeMs; out[F_MTIME_S] = st.mtimeMs;
      return out;
    },
    mtimeMs: (a) => a[F_MTIME_S],
    atimeMs: (a) => a[F_ATIME_S],
  };
}

type Binding = { lstat(p: string | Buffer, bigint: boolean, req: undefined, throwIfNoEntry: boolean): Float64Array | undefined };

function viaBinding(): Lstat | undefined {
  let binding: Binding;
  try {
    const getBinding = (process as unknown as { binding?: (name: string) => unknown }).binding;
    if (typeof getBinding !== 'function') return undefined;
    binding = getBinding.call(process, 'fs') as Binding;
    if (typeof binding?.lstat !== 'function') return undefined;
  } catch {
    return undefined;
  }
  const lstat = (p: string | Buffer) => binding.lstat(p, false, undefined, false);
  try {
    // The probe: same fields as fs.lstatSync for a file, a folder and a link; undefined for a
    // missing path; an ENOTDIR error with its code below a file.
    const file = process.execPath;
    for (const p of [file, path.dirname(file), '/proc/self/exe']) {
      const st = fs.lstatSync(p, NO_THROW);
      if (!st) continue;
      const a = lstat(p);
      if (!(a instanceof Float64Array)) return undefined;
      const same = a[F_DEV] === st.dev && a[F_MODE] === st.mode && a[F_NLINK] === st.nlink && a[F_INO] === st.ino
        && a[F_SIZE] === st.size && a[F_BLOCKS] === st.blocks && msOf(a, F_MTIME_S, F_MTIME_NS) === st.mtimeMs
        && msOf(a, F_ATIME_S, F_ATIME_NS) === st.atimeMs;
      if (!same) return undefined;
    }
    if (lstat(path.join(path.dirname(file), `.ml-disk-space-missing-${process.pid}-${Math.random()}`)) !== undefined) return undefined;
    try {
      lstat(path.join(file, 'below-a-file'));
      return undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') return undefined;
    }
    return {
      kind: 'binding',
      fields: lstat,
      mtimeMs: (a) => msOf(a, F_MTIME_S, F_MTIME_NS),
      atimeMs: (a) => msOf(a, F_ATIME_S, F_ATIME_NS),
    };
  } catch {
    return undefined;
  }
}

let chosen: Lstat | undefined;

/** The fastest lstat that passed its probe on this runtime (chosen once per thread); `viaFs` forces fs.lstatSync. */
export function lstatFields(viaFsOnly = false): Lstat {
  if (viaFsOnly) return viaFs();
  return (chosen ??= process.platform === 'win32' ? viaFs() : viaBinding() ?? viaFs());
}
