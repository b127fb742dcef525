// A pickle reader that only builds data: it never imports, calls or constructs anything. A class
// reference (GLOBAL) becomes a name, a call (REDUCE / NEWOBJ) becomes a record of the name and its
// arguments, BUILD attaches the state to that record, and a persistent id (torch's tensor
// storages) stays a reference. Enough of the opcodes of protocols 0–5 to read what torch.save
// writes (protocol 2 by default). Bounded: the input is a buffer already read under a limit, and
// the number of opcodes, memo entries and stack items are capped, so hostile input cannot make it
// run long or grow without bound. Errors are thrown as PickleError with a short reason.

export type PyValue =
  | null | boolean | number | string
  | { kind: 'bytes'; length: number }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'tuple'; items: PyValue[] }
  | { kind: 'dict'; items: [PyValue, PyValue][] }
  | { kind: 'global'; module: string; name: string }
  | { kind: 'object'; cls: PyValue; args: PyValue; state?: PyValue; items: [PyValue, PyValue][]; list: PyValue[] }
  | { kind: 'persistent'; id: PyValue };

export class PickleError extends Error {}

export interface PickleLimits {
  maxOps: number;
  maxMemo: number;
  maxStack: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = { maxOps: 20_000_000, maxMemo: 4_000_000, maxStack: 4_000_000 };

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

export function readPickle(data: Buffer, limits: PickleLimits = DEFAULT_PICKLE_LIMITS): PyValue {
  let pos = 0;
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let ops = 0;

  const need = (n: number) => {
    if (n < 0 || pos + n > data.length) throw new PickleError('pickle cut short');
  };
  const u8 = () => { need(1); return data[pos++]; };
  const u16 = () => { need(2); const v = data.readUInt16LE(pos); pos += 2; return v; };
  const u32 = () => { need(4); const v = data.readUInt32LE(pos); pos += 4; return v; };
  const i32 = () => { need(4); const v = data.readInt32LE(pos); pos += 4; return v; };
  const u64 = () => {
    need(8);
    const v = data.readBigUInt64LE(pos);
    pos += 8;
    if (v > BigInt(data.length)) throw new PickleError('length past the end of the pickle');
    return Number(v);
  };
  const bytes = (n: number) => { need(n); const b = data.subarray(pos, pos + n); pos += n; return b; };
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError('pickle cut short');
    const s = data.toString('latin1', pos, end);
    pos = end + 1;
    return s;
  };
  const push = (v: PyValue) => {
    if (stack.length >= limits.maxStack) throw new PickleError('pickle stack over the limit');
    stack.push(v);
  };
  const pop = (): PyValue => {
    if (!stack.length) throw new PickleError('pickle stack underflow');
    const v = stack.pop()!;
    if (v === MARK) throw new PickleError('unexpected mark');
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('pickle stack underflow');
    return v;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) throw new PickleError('no mark');
    const items = stack.splice(m) as StackItem[];
    items.shift(); // the mark itself
    return items as PyValue[];
  };
  const put = (i: number, v: PyValue) => {
    if (!memo.has(i) && memo.size >= limits.maxMemo) throw new PickleError('pickle memo over the limit');
    memo.set(i, v);
  };
  const get = (i: number): PyValue => {
    if (!memo.has(i)) throw new PickleError(`memo ${i} missing`);
    return memo.get(i)!;
  };
  const longFrom = (b: Buffer): number => {
    if (!b.length) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number(v);
  };
  const setItems = (target: PyValue, pairs: PyValue[]) => {
    if (pairs.length % 2) throw new PickleError('odd SETITEMS');
    const into = isDict(target) || isObject(target) ? target.items : undefined;
    if (!into) throw new PickleError('SETITEM on a non-dict');
    for (let i = 0; i < pairs.length; i += 2) into.push([pairs[i], pairs[i + 1]]);
  };
  const append = (target: PyValue, items: PyValue[]) => {
    if (isList(target)) target.items.push(...items);
    else if (isObject(target)) target.list.push(...items);
    else throw new PickleError('APPEND on a non-list');
  };
  const call = (cls: PyValue, args: PyValue): PyValue => ({ kind: 'object', cls, args, items: [], list: [] });
  const text = (b: Buffer) => b.toString('utf8');

  for (;;) {
    if (++ops > limits.maxOps) throw new PickleError('pickle over the opcode limit');
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME (frames are only a read-ahead hint)
      case 0x2e: { // STOP
        const v = pop();
        return v;
      }
      case 0x28: marks.push(stack.length); stack.push(MARK); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break;
      case 0x89: push(false); break;
      case 0x4a: push(i32()); break; // BININT
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x8a: push(longFrom(bytes(u8()))); break; // LONG1
      case 0x8b: push(longFrom(bytes(u32()))); break; // LONG4
      case 0x49: { // INT (text); I01 / I00 are True / False
        const s = line();
        push(s === '01' ? true : s === '00' ? false : Number(s));
        break;
      }
      case 0x4c: push(Number(line().replace(/L$/, ''))); break; // LONG (text)
      case 0x46: push(Number(line())); break; // FLOAT (text)
      case 0x47: { need(8); push(data.readDoubleBE(pos)); pos += 8; break; } // BINFLOAT
      case 0x58: push(text(bytes(u32()))); break; // BINUNICODE
      case 0x8c: push(text(bytes(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: push(text(bytes(u64()))); break; // BINUNICODE8
      case 0x56: push(line()); break; // UNICODE (raw-unicode-escape; names we read are ASCII)
      case 0x54: push(bytes(i32()).toString('latin1')); break; // BINSTRING
      case 0x55: push(bytes(u8()).toString('latin1')); break; // SHORT_BINSTRING
      case 0x53: push(line().replace(/^(['"])(.*)\1$/, '$2')); break; // STRING
      case 0x42: push({ kind: 'bytes', length: bytes(u32()).length }); break; // BINBYTES
      case 0x43: push({ kind: 'bytes', length: bytes(u8()).length }); break; // SHORT_BINBYTES
      case 0x8e: push({ kind: 'bytes', length: bytes(u64()).length }); break; // BINBYTES8
      case 0x96: push({ kind: 'bytes', length: bytes(u64()).length }); break; // BYTEARRAY8
      case 0x5d: push({ kind: 'list', items: [] }); break; // EMPTY_LIST
      case 0x29: push({ kind: 'tuple', items: [] }); break; // EMPTY_TUPLE
      case 0x7d: push({ kind: 'dict', items: [] }); break; // EMPTY_DICT
      case 0x8f: push({ kind: 'list', items: [] }); break; // EMPTY_SET (a list of its items)
      case 0x6c: push({ kind: 'list', items: popMark() }); break; // LIST
      case 0x74: push({ kind: 'tuple', items: popMark() }); break; // TUPLE
      case 0x91: push({ kind: 'list', items: popMark() }); break; // FROZENSET
      case 0x85: push({ kind: 'tuple', items: [pop()] }); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); push({ kind: 'tuple', items: [a, b] }); break; }
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push({ kind: 'tuple', items: [a, b, c] }); break; }
      case 0x64: { // DICT
        const d: PyValue = { kind: 'dict', items: [] };
        setItems(d, popMark());
        push(d);
        break;
      }
      case 0x61: { const v = pop(); append(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x90: { const items = popMark(); append(top(), items); break; } // ADDITEMS
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x70: put(Number(line()), top()); break; // PUT
      case 0x71: put(u8(), top()); break; // BINPUT
      case 0x72: put(u32(), top()); break; // LONG_BINPUT
      case 0x94: put(memo.size, top()); break; // MEMOIZE
      case 0x67: push(get(Number(line()))); break; // GET
      case 0x68: push(get(u8())); break; // BINGET
      case 0x6a: push(get(u32())); break; // LONG_BINGET
      case 0x63: { const module = line(); const name = line(); push({ kind: 'global', module, name }); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL without names');
        push({ kind: 'global', module, name });
        break;
      }
      case 0x52: { const args = pop(); const cls = pop(); push(call(cls, args)); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); push(call(cls, args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(); const cls = pop(); push(call(cls, args)); break; } // NEWOBJ_EX (kwargs dropped)
      case 0x6f: { const items = popMark(); const cls = items.shift() ?? null; push(call(cls, { kind: 'tuple', items })); break; } // OBJ
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (isObject(obj)) obj.state = state;
        break;
      }
      case 0x51: push({ kind: 'persistent', id: pop() }); break; // BINPERSID
      case 0x50: push({ kind: 'persistent', id: line() }); break; // PERSID
      case 0x97: case 0x98: throw new PickleError('out-of-band buffers are not supported');
      default:
        throw new PickleError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

export const isDict = (v: PyValue | undefined): v is Extract<PyValue, { kind: 'dict' }> => typeof v === 'object' && v !== null && v.kind === 'dict';
export const isList = (v: PyValue | undefined): v is Extract<PyValue, { kind: 'list' }> => typeof v === 'object' && v !== null && v.kind === 'list';
export const isTuple = (v: PyValue | undefined): v is Extract<PyValue, { kind: 'tuple' }> => typeof v === 'object' && v !== null && v.kind === 'tuple';
export const isObject = (v: PyValue | undefined): v is Extract<PyValue, { kind: 'object' }> => typeof v === 'object' && v !== null && v.kind === 'object';
export const isGlobal = (v: PyValue | undefined, module?: string, name?: string): v is Extract<PyValue, { kind: 'global' }> =>
  typeof v === 'object' && v !== null && v.kind === 'global' && (module === undefined || v.module === module) && (name === undefined || v.name === name);

/** Key–value pairs of a dict, or of a dict-like object (OrderedDict, built by REDUCE then SETITEMS). */
export function dictItems(v: PyValue | undefined): [PyValue, PyValue][] | undefined {
  if (isDict(v)) return v.items;
  if (isObject(v) && isGlobal(v.cls) && /dict$/i.test(v.cls.name)) return v.items;
  return undefined;
}

/** The value under a string key (the last one wins, as in Python). */
export function dictGet(v: PyValue | undefined, key: string): PyValue | undefined {
  const items = dictItems(v);
  if (!items) return undefined;
  let found: PyValue | undefined;
  for (const [k, value] of items) if (k === key) found = value;
  return found;
}
