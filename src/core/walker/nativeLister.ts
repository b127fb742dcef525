// The native folder lister (native/, an experiment: see native/README.md), for the walk loop:
// one call per folder returns its names and every entry's lstat fields, read with getdents64
// and fstatat relative to the folder's descriptor. Used only where MLDS_NATIVE_ADDON names a
// built addon and it loads; otherwise (and for any folder it declines) the walk reads folders
// with readdirSync + lstat as always.
import { createRequire } from 'module';
import * as os from 'os';
import type { Lstat } from './lstatFields';

/** Numbers per entry in `stats`, and their order (native/src/list.c). */
const FIELDS = 8;
const N_DEV = 0, N_MODE = 1, N_NLINK = 2, N_INO = 3, N_SIZE = 4, N_BLOCKS = 5, N_MTIME = 6, N_ATIME = 7;

interface Addon {
  listFolder(path: string): { names: string[]; stats: Float64Array } | undefined;
}

export interface Listing {
  names: string[];
  /** Entry i's fields in lstatFields' layout (valid until the next call), or an errno code string when its lstat failed. */
  fieldsAt(i: number): Float64Array | string;
}

export interface NativeLister {
  /** Reads `dir`; undefined when the addon declines (a name that is not valid UTF-8). Throws errno errors like readdirSync. */
  list(dir: string): Listing | undefined;
  /** Reads the times of fieldsAt's arrays. */
  lstat: Lstat;
}

const errnoNames = new Map<number, string>(Object.entries(os.constants.errno).map(([name, n]) => [n, name]));

/** Loads the addon named by MLDS_NATIVE_ADDON; undefined when unset or it does not load. */
export function nativeLister(addonPath = process.env.MLDS_NATIVE_ADDON): NativeLister | undefined {
  if (!addonPath || process.platform !== 'linux') return undefined;
  let addon: Addon;
  try {
    // A runtime path, not a bundled module.
    addon = createRequire(__filename)(addonPath) as Addon;
    if (typeof addon?.listFolder !== 'function') return undefined;
  } catch {
    return undefined;
  }
  // The slots lstatFields' consumers read: dev, mode, nlink, ino, size, blocks; times in ms in the seconds slots.
  const out = new Float64Array(14);
  const ms = (a: Float64Array, slot: number) => a[slot];
  const lstat: Lstat = {
    kind: 'fs',
    fields: () => { throw new Error('nativeLister: use fieldsAt'); },
    mtimeMs: (a) => ms(a, 12),
    atimeMs: (a) => ms(a, 10),
  };
  return {
    lstat,
    list(dir) {
      const r = addon.listFolder(dir);
      if (r === undefined) return undefined;
      const { names, stats } = r;
      return {
        names,
        fieldsAt(i) {
          const b = i * FIELDS;
          const mode = stats[b + N_MODE];
          if (mode < 0) return errnoNames.get(-mode) ?? 'EUNKNOWN';
          out[0] = stats[b + N_DEV]; out[1] = mode; out[2] = stats[b + N_NLINK]; out[7] = stats[b + N_INO];
          out[8] = stats[b + N_SIZE]; out[9] = stats[b + N_BLOCKS]; out[12] = stats[b + N_MTIME]; out[10] = stats[b + N_ATIME];
          return out;
        },
      };
    },
  };
}
