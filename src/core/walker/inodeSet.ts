// A set of (device, inode) keys shared by all walker threads through a SharedArrayBuffer, so a
// file hard-linked from several folders (conda envs and pkgs/, uv venvs and the uv cache) is
// counted once across workers, roots and categories. Lock-free open addressing.
//
// Each slot is four Int32s: [state, dev low 32 bits, inode low 32 bits, high bits of both]; state 0 = free,
// -1 = being written, 1 = ready. Int32 atomics are inlined by V8, unlike BigInt64 ones (measured
// ~3x faster). The slot index keeps the inode's low bits, so files of one folder (whose inode
// numbers are usually close) land in nearby slots: fewer cache misses than a scattering hash.

const DEFAULT_SLOTS = 1 << 21; // 32 MiB of address space; pages are only committed when touched
const MAX_PROBES = 64;

export class SharedInodeSet {
  readonly buffer: SharedArrayBuffer;
  private readonly table: Int32Array;
  private readonly mask: number;
  /** Used only if a probe run fills up: exact per thread, may double count across threads. */
  private overflow: Set<string> | undefined;
  overflowed = false;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(DEFAULT_SLOTS * 16);
    this.table = new Int32Array(this.buffer);
    this.mask = (this.table.length >> 2) - 1;
  }

  /** Adds the key; returns true when it was not there yet (the caller counts the bytes). */
  add(dev: number, ino: number): boolean {
    const table = this.table;
    const lo = ino | 0;
    // Exact for inode numbers below 2^48 and device numbers below 2^48 (all Linux dev_t in use).
    const hi = ((ino / 4294967296) & 0xffff) | (((dev / 4294967296) & 0xffff) << 16);
    const d = dev | 0;
    let slot = (lo ^ Math.imul(lo >>> 21, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b) ^ Math.imul(d, 0xc2b2ae35)) & this.mask;
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const s = slot << 2;
      let state = Atomics.load(table, s);
      if (state === 0) {
        state = Atomics.compareExchange(table, s, 0, -1);
        if (state === 0) {
          table[s + 1] = d;
          table[s + 2] = lo;
          table[s + 3] = hi;
          Atomics.store(table, s, 1); // publishes the three words above
          return true;
        }
      }
      // Another thread is writing this slot: it takes a few instructions.
      while (state === -1) state = Atomics.load(table, s);
      if (table[s + 1] === d && table[s + 2] === lo && table[s + 3] === hi) return false;
      slot = (slot + 1) & this.mask;
    }
    this.overflowed = true;
    this.overflow ??= new Set();
    const key = `${dev}:${ino}`;
    if (this.overflow.has(key)) return false;
    this.overflow.add(key);
    return true;
  }
}
