// JSON.stringify's text, produced a piece at a time and written to a file in time slices, so
// persisting a big model (a 1M-file scan's is tens of MB of JSON) never holds the event loop
// for more than a few milliseconds: one JSON.stringify of it stalls the extension host ~130 ms.
//
// The pieces concatenate to exactly JSON.stringify(value) (toJSON, undefined and functions
// dropped from objects and written as null in arrays, non-finite numbers as null); a cycle
// throws TypeError like JSON.stringify does (one difference: a toJSON whose result has a toJSON of
// its own gets that one called too). The value must not change while it is written.
import { promises as fsp } from 'fs';
import { timeSlicer } from './timeSlice';

/**
 * Objects and arrays of at most this many nested values are handed whole to JSON.stringify
 * (native, fast, and well under a millisecond for this size); larger ones are taken apart.
 */
const SMALL_NODES = 2000;

/**
 * Pieces of JSON.stringify(value); yields nothing where JSON.stringify gives undefined.
 * `smallNodes`: values up to this size go to JSON.stringify whole (tests use 0: all taken apart).
 */
export function* jsonPieces(value: unknown, smallNodes = SMALL_NODES): Generator<string> {
  yield* piecesOf(value, '', new Set<object>(), false, smallNodes);
}

/** Whether `value` holds at most `budget` nested values (counting stops early past it). */
function isSmall(value: unknown, budget: number): boolean {
  let left = budget;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (--left < 0) return false;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else {
      for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) stack.push((v as Record<string, unknown>)[k]);
    }
    if (stack.length > left) return false;
  }
  return true;
}

function* piecesOf(input: unknown, key: string, ancestors: Set<object>, inArray: boolean, small: number): Generator<string> {
  let value = input;
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint') && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  // A value with a cycle never counts as small (its count runs past the budget): the cycle is
  // then met below, through `ancestors`.
  if (value === null || typeof value !== 'object' || value instanceof Number || value instanceof String || value instanceof Boolean || isSmall(value, small)) {
    const text = JSON.stringify(value);
    if (text !== undefined) yield text;
    else if (inArray) yield 'null';
    return;
  }
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(value);
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i) yield ',';
      yield* piecesOf(value[i], String(i), ancestors, true, small);
    }
    yield ']';
  } else {
    yield '{';
    let first = true;
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const v = record[k];
      // Dropped like JSON.stringify drops them (a toJSON may still return undefined: checked below).
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      let started = false;
      for (const piece of piecesOf(v, k, ancestors, false, small)) {
        if (!started) {
          yield `${first ? '' : ','}${JSON.stringify(k)}:`;
          first = false;
          started = true;
        }
        yield piece;
      }
    }
    yield '}';
  }
  ancestors.delete(value);
}

export interface WriteJsonOptions {
  /** The longest the event loop is held between two yields (default 8 ms). */
  sliceMs?: number;
  /** Bytes gathered before each write (default 1 MiB). */
  chunkChars?: number;
  /** See jsonPieces. */
  smallNodes?: number;
}

/** Writes JSON.stringify(value) to `file` (created or truncated), yielding to the event loop between slices. */
export async function writeJsonSliced(file: string, value: unknown, options: WriteJsonOptions = {}): Promise<void> {
  const sliceMs = options.sliceMs ?? 8;
  const chunkChars = options.chunkChars ?? 1024 * 1024;
  const handle = await fsp.open(file, 'w');
  try {
    let parts: string[] = [];
    let size = 0;
    const slice = timeSlicer(sliceMs);
    let count = 0;
    const flush = async () => {
      if (!parts.length) return;
      const text = parts.join('');
      parts = [];
      size = 0;
      await handle.write(text);
    };
    for (const piece of jsonPieces(value, options.smallNodes)) {
      parts.push(piece);
      size += piece.length;
      if (size >= chunkChars) await flush();
      else if ((++count & 255) === 0) await slice();
    }
    await flush();
  } finally {
    await handle.close();
  }
}
