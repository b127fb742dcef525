// A set of (device, inode) keys shared by all walker threads through a SharedArrayBuffer, so a
// file hard-linked from several folders (conda envs and pkgs/, uv venvs and the uv cache) is
// counted once across workers, roots and categories. Lock-free open addressing with CAS.
//
// Key: (dev << 44) ^ ino as a 64-bit integer; exact for inode numbers below 2^44 and device
// numbers below 2^20, which covers ext4, xfs, btrfs and tmpfs in practice.

const DEFAULT_SLOTS = 1 << 21; // 16 MiB; about 1.5 M distinct hard-linked inodes before overflow

export class SharedInodeSet {
  readonly buffer: SharedArrayBuffer;
  private readonly table: BigInt64Array;
  private readonly mask: number;
  /** Used only if the shared table fills up: exact per thread, may double count across threads. */
  private overflow: Set<bigint> | undefined;
  overflowed = false;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(DEFAULT_SLOTS * 8);
    this.table = new BigInt64Array(this.buffer);
    this.mask = this.table.length - 1;
  }

  /** Adds the key; returns true when it was not there yet (the caller counts the bytes). */
  add(dev: number, ino: number): boolean {
    let key = (BigInt(dev) << 44n) ^ BigInt(ino);
    if (key === 0n) key = -1n;
    let slot = (Math.imul(ino | 0, 0x9e3779b1) ^ Math.imul((ino / 4294967296) | 0, 0x85ebca6b) ^ dev) & this.mask;
    for (let probes = 0; probes < 64; probes++) {
      const previous = Atomics.compareExchange(this.table, slot, 0n, key);
      if (previous === 0n) return true;
      if (previous === key) return false;
      slot = (slot + 1) & this.mask;
    }
    this.overflowed = true;
    this.overflow ??= new Set();
    if (this.overflow.has(key)) return false;
    this.overflow.add(key);
    return true;
  }
}
