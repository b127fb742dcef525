// The parallel walker on real temp trees. Expected numbers come from outside our code: GNU du
// (`du -sxB1` = disk usage, `du -sxb` = apparent size; both count a hard-linked file once and
// never follow symlinks, like the walker), find, stat, or sizes computed by hand from what the
// test wrote. Permission cases run as an unprivileged user (root ignores permissions).
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SharedInodeSet } from '../../src/core/walker/inodeSet';
import { namesToRegExp } from '../../src/core/walker/nameGlob';
import { withoutSubtrees } from '../../src/core/walker/subtract';
import type { WalkNode, WalkProgress, WalkResult } from '../../src/core/walker/types';
import { entryStat, lstatFields } from '../../src/core/walker/lstatFields';
import { walkUnit } from '../../src/core/walker/walkUnit';
import { walk, Walker } from '../../src/core/walker/walker';
import { UNPRIVILEGED_GID, UNPRIVILEGED_UID } from '../support/unprivileged';
import { walkAsNobody } from '../support/walkPlans';
import { removeTempFolder, tempFolder } from '../support/tempFolder';

// ---------------------------------------------------------------------------------------------
// Independent measurements
// ---------------------------------------------------------------------------------------------

/** Runs du with `args`; returns the first column of each output line. du exits 1 when it could not read something. */
function duLines(args: string[], allowUnreadable = false): { sizes: number[]; paths: string[] } {
  const r = spawnSync('du', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 && !(allowUnreadable && r.status === 1)) throw new Error(`du ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.split('\n').filter(Boolean);
  return { sizes: lines.map((l) => Number(l.split('\t')[0])), paths: lines.map((l) => l.slice(l.indexOf('\t') + 1)) };
}
/** Disk usage (st_blocks x 512), one file system, hard links once: per path, in order. */
const duDisk = (...paths: string[]) => duLines(['-sxB1', ...paths]).sizes;
/** Apparent size (st_size), same rules. */
const duApparent = (...paths: string[]) => duLines(['-sxb', ...paths]).sizes;

function findCount(root: string, ...predicate: string[]): number {
  const out = execFileSync('find', [root, '-xdev', ...predicate, '-printf', '.'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.length;
}
const countFiles = (root: string) => findCount(root, '!', '-type', 'd');
const countDirs = (root: string) => findCount(root, '-type', 'd');
const countHardLinked = (root: string) => findCount(root, '!', '-type', 'd', '-links', '+1');

/** st_blocks x 512 of one path, from stat(1). */
function statDisk(p: string): number {
  return Number(execFileSync('stat', ['-c', '%b', p], { encoding: 'utf8' }).trim()) * 512;
}

// ---------------------------------------------------------------------------------------------
// Trees
// ---------------------------------------------------------------------------------------------

let sandboxes: string[] = [];
/** A temp folder removed after the test (readable by the unprivileged user too). */
function sandbox(): string {
  const dir = makeTempDir();
  sandboxes.push(dir);
  return dir;
}
const makeTempDir = () => tempFolder('mlds-walker-').dir;
const removeTempDir = removeTempFolder;
function removeSandboxes(): void {
  for (const dir of sandboxes) removeTempDir(dir);
  sandboxes = [];
}

function file(p: string | Buffer, size: number): void {
  fs.mkdirSync(path.dirname(p.toString()), { recursive: true });
  fs.writeFileSync(p, Buffer.alloc(size, 7));
}

function findNode(result: WalkResult | WalkNode, p: string): WalkNode {
  const stack = 'roots' in result ? [...result.roots] : [result];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.path === p) return node;
    if (p.startsWith(node.path + '/')) stack.push(...(node.children ?? []));
  }
  throw new Error(`the walk has no node for ${p}`);
}

function depthOf(node: WalkNode): number {
  return node.children?.length ? 1 + Math.max(...node.children.map(depthOf)) : 0;
}

/** Every node in a result: no internal bookkeeping may leak out of the walker. */
function assertClean(node: WalkNode): void {
  for (const key of ['holes', 'pinned', 'placeholder', 'kids', 'floor', 'depth']) {
    assert.ok(!(key in node), `${node.path} carries internal field '${key}'`);
  }
  for (const child of node.children ?? []) assertClean(child);
}

/** Totals of a node as comparable JSON, with its kept children (recursively), for comparing walks. */
function shape(node: WalkNode): unknown {
  return {
    name: node.name, type: node.type, bytes: node.bytes, apparentBytes: node.apparentBytes, sharedBytes: node.sharedBytes,
    files: node.files, dirs: node.dirs, hardLinkedFiles: node.hardLinkedFiles, omitted: node.omitted,
    children: node.children?.map(shape),
  };
}

/**
 * A large-ish tree (about 24,000 entries in 1,900 folders of uneven sizes and depths) for the
 * delegation, cancellation and progress cases. Hard links live in the same folder or below the
 * detail depth used with it (3), so every kept node's totals are independent of which thread
 * reaches a shared inode first.
 */
function buildLargeTree(root: string): void {
  let seed = 12345;
  const rand = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
  for (let top = 0; top < 24; top++) {
    const topDir = path.join(root, `top-${top}`);
    const subs = 1 + rand(6) + (top % 5 === 0 ? 20 : 0); // a few much larger subtrees
    for (let s = 0; s < subs; s++) {
      for (let d = 0; d < 1 + rand(4); d++) {
        const dir = path.join(topDir, `s${s}`, `d${d}`, 'deep'.repeat(1 + rand(3)));
        fs.mkdirSync(dir, { recursive: true });
        const n = rand(50);
        for (let f = 0; f < n; f++) {
          const p = path.join(dir, `f${f}.bin`);
          const kind = rand(20);
          if (kind === 0) {
            // Sparse: large apparent size, one block of data.
            const fd = fs.openSync(p, 'w');
            fs.writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 1 << 20);
            fs.ftruncateSync(fd, 8 << 20);
            fs.closeSync(fd);
          } else if (kind === 1 && f > 0) {
            fs.linkSync(path.join(dir, 'f0.bin'), p);
          } else if (kind === 2) {
            fs.symlinkSync(`../target-${f}`, p);
          } else {
            fs.writeFileSync(p, Buffer.alloc(rand(3) === 0 ? rand(200_000) : rand(3000), 1));
          }
        }
      }
    }
    // Hard links across folders, below the detail depth (they fold into s0's node).
    const a = path.join(topDir, 's0', 'links', 'a');
    const b = path.join(topDir, 's0', 'links', 'b');
    fs.mkdirSync(a, { recursive: true });
    fs.mkdirSync(b, { recursive: true });
    file(path.join(a, 'shared.bin'), 9000 + top);
    fs.linkSync(path.join(a, 'shared.bin'), path.join(b, 'shared.bin'));
  }
  // One folder with many entries (wider than a readdir batch).
  const wide = path.join(root, 'wide');
  fs.mkdirSync(wide);
  for (let i = 0; i < 6000; i++) fs.writeFileSync(path.join(wide, `w${i}`), i % 7 === 0 ? 'x'.repeat(i % 5000) : '');
}

// ---------------------------------------------------------------------------------------------

describe('walker', function () {
  this.timeout(120_000);
  afterEach(removeSandboxes);

  describe('totals match du', () => {
    it('a mixed tree: disk usage = du -sxB1, apparent size = du -sxb, files and folders = find', async () => {
      const root = path.join(sandbox(), 'root');
      file(path.join(root, 'empty.txt'), 0);
      file(path.join(root, 'tiny.txt'), 1);
      file(path.join(root, 'a', 'b', 'c', 'model.safetensors'), 123_457);
      file(path.join(root, 'a', 'b', 'c', 'config.json'), 700);
      fs.mkdirSync(path.join(root, 'a', 'empty-dir'));
      file(path.join(root, 'data', 'train.arrow'), 50_000);
      fs.linkSync(path.join(root, 'data', 'train.arrow'), path.join(root, 'data', 'train-link.arrow'));
      fs.symlinkSync('a/b/c/model.safetensors', path.join(root, 'short-link'));
      fs.symlinkSync('/nonexistent/' + 'x'.repeat(300), path.join(root, 'long-dangling-link'));
      execFileSync('mkfifo', [path.join(root, 'a', 'pipe')]);
      const sparse = path.join(root, 'sparse.bin');
      const fd = fs.openSync(sparse, 'w');
      fs.writeSync(fd, Buffer.alloc(8192, 1), 0, 8192, 3 << 20);
      fs.ftruncateSync(fd, 16 << 20);
      fs.closeSync(fd);

      for (const workers of [1, 3]) {
        const result = await walk([root], { workers, topN: 50, detailDepth: 3 });
        const node = result.roots[0];
        assert.deepStrictEqual(result.errors, []);
        assert.strictEqual(result.cancelled, false);
        assert.strictEqual(node.type, 'dir');
        assert.strictEqual(node.path, root);
        assert.strictEqual(node.bytes, duDisk(root)[0], 'disk usage');
        assert.strictEqual(node.apparentBytes, duApparent(root)[0], 'apparent size');
        assert.strictEqual(node.files, countFiles(root));
        assert.strictEqual(node.dirs, countDirs(root));
        assert.strictEqual(node.hardLinkedFiles, countHardLinked(root));
        assert.strictEqual(node.sharedBytes, statDisk(path.join(root, 'data', 'train.arrow')), 'the second link is shared');
        // Each child of the root, on its own (no hard link crosses them).
        for (const child of node.children!) {
          assert.strictEqual(child.bytes + child.sharedBytes, duLines(['-sxB1', '-l', child.path]).sizes[0], child.path);
        }
        assert.strictEqual(findNode(result, path.join(root, 'a', 'pipe')).type, 'other');
        assert.strictEqual(findNode(result, path.join(root, 'short-link')).type, 'symlink');
        assertClean(node);
      }
    });

    it('a root that is a file, a missing root and a folder in one walk: each root its own node, the missing one an error', async () => {
      const dir = sandbox();
      const f = path.join(dir, 'weights.pt');
      file(f, 10_000);
      const folder = path.join(dir, 'folder');
      file(path.join(folder, 'x'), 5000);
      const missing = path.join(dir, 'missing');
      const result = await walk([f, missing, folder]);
      assert.deepStrictEqual(result.roots.map((r) => [r.path, r.type, r.bytes, r.files]), [
        [f, 'file', duDisk(f)[0], 1],
        [missing, 'other', 0, 0],
        [folder, 'dir', duDisk(folder)[0], 1],
      ]);
      assert.deepStrictEqual(result.errors.map((e) => [e.code, e.path]), [['ENOENT', missing]]);
    });

    it('40,000 roots in one walk (more than the work queue first holds): every root sized, in order', async () => {
      const dir = sandbox();
      const f = path.join(dir, 'w'.repeat(240) + '.pt');
      file(f, 5000);
      const disk = statDisk(f);
      const roots = Array.from({ length: 40_000 }, () => f);
      const walker = new Walker({ workers: 2 });
      try {
        const result = await walker.walk(roots);
        assert.strictEqual(result.roots.length, roots.length);
        assert.ok(result.roots.every((r) => r.path === f && r.bytes === disk && r.files === 1));
        assert.deepStrictEqual(result.errors, []);
        // The walker still works after growing its queue.
        assert.strictEqual((await walker.walk([dir])).roots[0].bytes, duDisk(dir)[0]);
      } finally {
        await walker.close();
      }
    });
  });

  describe('lstat without fs.Stats (the walk loop)', () => {
    it("fields equal fs.lstatSync's for files, folders, links, fifos, sparse and non-UTF-8 names; missing = undefined; other errors thrown with their code", () => {
      const root = path.join(sandbox(), 'root');
      file(path.join(root, 'f.bin'), 70_001);
      fs.mkdirSync(path.join(root, 'd'));
      fs.symlinkSync('/nonexistent', path.join(root, 'dangling'));
      execFileSync('mkfifo', [path.join(root, 'pipe')]);
      const odd = Buffer.concat([Buffer.from(root + '/'), Buffer.from([0x66, 0xff, 0xfe])]);
      fs.writeFileSync(odd, 'x');
      fs.utimesSync(path.join(root, 'f.bin'), 1_700_000_000.123456, 1_600_000_000.987654);
      const fast = lstatFields();
      for (const l of [fast, lstatFields(true)]) {
        for (const p of [path.join(root, 'f.bin'), path.join(root, 'd'), path.join(root, 'dangling'), path.join(root, 'pipe'), odd, root]) {
          const st = fs.lstatSync(p);
          const a = l.fields(p)!;
          assert.deepStrictEqual(entryStat(l, a), { dev: st.dev, ino: st.ino, mode: st.mode, nlink: st.nlink, size: st.size, blocks: st.blocks, mtimeMs: st.mtimeMs, atimeMs: st.atimeMs }, String(p));
        }
        assert.strictEqual(l.fields(path.join(root, 'missing')), undefined);
        assert.throws(() => l.fields(path.join(root, 'f.bin', 'below')), (err: NodeJS.ErrnoException) => err.code === 'ENOTDIR');
      }
      // Node's fs binding passed its probe here (Linux, the Node versions we support); else the walk loses its fast path.
      assert.strictEqual(fast.kind, 'binding');
    });

    it('a walk with the binding and one with fs.lstatSync give identical nodes', () => {
      const root = path.join(sandbox(), 'root');
      for (let i = 0; i < 600; i++) file(path.join(root, `a${i % 7}`, `b${i % 13}`, `f${i}.bin`), (i * 7919) % 20_000);
      fs.linkSync(path.join(root, 'a0', 'b0', 'f0.bin'), path.join(root, 'hard-link.bin'));
      fs.symlinkSync('a1', path.join(root, 'link'));
      const settings = { topN: 5, detailDepth: 3, excludeNames: new Set<string>(), excludePaths: new Set<string>(), oneFileSystem: true, rootDev: -1 };
      const hooks = { isCancelled: () => false, onTick: () => undefined, wantsWork: () => 0, delegate: () => 0 };
      // Reading a folder can move its atime once (relatime): a first walk settles them.
      const results = [lstatFields(), lstatFields(), lstatFields(true)].map((l) => walkUnit(root, 0, settings, new SharedInodeSet(new SharedArrayBuffer(1 << 20)), hooks, l));
      assert.deepStrictEqual(results[1], results[2]);
      assert.strictEqual(results[1].node.bytes, duDisk(root)[0]);
    });
  });

  describe('hard links', () => {
    it('a file with three links in three folders counts once; the other two links are shared bytes', async () => {
      const root = path.join(sandbox(), 'root');
      const original = path.join(root, 'pkgs', 'lib', 'libtorch.so');
      file(original, 40_000);
      file(path.join(root, 'envs', 'a', 'own.txt'), 100);
      fs.mkdirSync(path.join(root, 'envs', 'b'), { recursive: true });
      fs.linkSync(original, path.join(root, 'envs', 'a', 'libtorch.so'));
      fs.linkSync(original, path.join(root, 'envs', 'b', 'libtorch.so'));
      const disk = statDisk(original);
      const result = await walk([root], { workers: 2, topN: 10, detailDepth: 4 });
      const node = result.roots[0];
      assert.strictEqual(node.bytes, duDisk(root)[0]);
      assert.strictEqual(node.apparentBytes, duApparent(root)[0]);
      assert.strictEqual(node.hardLinkedFiles, 3);
      assert.strictEqual(node.sharedBytes, 2 * disk);
      // Whichever link was met first carries the bytes; together the three carry them once.
      const links = ['pkgs/lib', 'envs/a', 'envs/b'].map((d) => findNode(result, path.join(root, d, 'libtorch.so')));
      assert.strictEqual(links.reduce((s, l) => s + l.bytes, 0), disk);
      assert.strictEqual(links.reduce((s, l) => s + l.sharedBytes, 0), 2 * disk);
    });

    it('across two roots of one walk: counted once in all; the root that reached it first has the bytes, the other shares them', async () => {
      const dir = sandbox();
      const a = path.join(dir, 'pkgs');
      const b = path.join(dir, 'env');
      file(path.join(a, 'big.so'), 80_000);
      file(path.join(a, 'other.so'), 3000);
      file(path.join(b, 'own.py'), 20_000);
      fs.linkSync(path.join(a, 'big.so'), path.join(b, 'big.so'));
      const disk = statDisk(path.join(a, 'big.so'));
      // Roots are walked in parallel, so unlike du, which root meets the shared file first is not
      // fixed; walk them one after another (two walks of one Walker) where the order matters.
      for (const roots of [[a, b], [b, a]]) {
        const result = await walk(roots, { workers: 2 });
        const total = duLines(['-sxB1', '-c', ...roots]).sizes.pop();
        assert.strictEqual(result.roots[0].bytes + result.roots[1].bytes, total, roots.join(' '));
        assert.strictEqual(result.roots[0].apparentBytes + result.roots[1].apparentBytes, duLines(['-sxb', '-c', ...roots]).sizes.pop());
        // Each root alone, links counted (du -l): what it holds, counted here or shared.
        assert.deepStrictEqual(result.roots.map((r) => r.bytes + r.sharedBytes), duLines(['-sxB1', '-l', ...roots]).sizes);
        assert.deepStrictEqual(result.roots.map((r) => r.sharedBytes).sort((x, y) => x - y), [0, disk]);
      }
    });

    it('across two walks of one Walker: counted once for the scan; a new Walker counts it again', async () => {
      const dir = sandbox();
      const a = path.join(dir, 'pkgs');
      const b = path.join(dir, 'env');
      file(path.join(a, 'big.so'), 80_000);
      fs.mkdirSync(b);
      fs.linkSync(path.join(a, 'big.so'), path.join(b, 'big.so'));
      const disk = statDisk(path.join(a, 'big.so'));
      const [duA, duBAfterA] = duDisk(a, b);
      const walker = new Walker({ workers: 2 });
      try {
        const first = await walker.walk([a]);
        const second = await walker.walk([b]);
        assert.strictEqual(first.roots[0].bytes, duA);
        assert.strictEqual(second.roots[0].bytes, duBAfterA);
        assert.strictEqual(second.roots[0].sharedBytes, disk);
      } finally {
        await walker.close();
      }
      const fresh = await walk([b]);
      assert.strictEqual(fresh.roots[0].bytes, duDisk(b)[0]);
      assert.strictEqual(fresh.roots[0].sharedBytes, 0);
    });

    it('the shared inode set: each (device, inode) is new exactly once, also for inode numbers above 2^32', () => {
      const set = new SharedInodeSet(new SharedArrayBuffer(1024 * 16));
      const keys: [number, number][] = [[1, 5], [2, 5], [1, 2 ** 32 + 5], [2 ** 33 + 1, 5], [65024, 2 ** 40 + 77]];
      for (let i = 0; i < 2000; i++) keys.push([66306, 1_000_000 + i * 1024]); // fills probe runs: some go to the overflow set
      assert.deepStrictEqual(keys.map(([d, i]) => set.add(d, i)), keys.map(() => true));
      assert.deepStrictEqual(keys.map(([d, i]) => set.add(d, i)), keys.map(() => false));
      assert.ok(set.overflowed, 'a table this small must have used the overflow set');
    });
  });

  describe('symlinks', () => {
    it('loops and links pointing outside are never followed; each link counts its own size', async () => {
      const dir = sandbox();
      const root = path.join(dir, 'root');
      const outside = path.join(dir, 'outside');
      file(path.join(outside, 'huge.bin'), 2_000_000);
      file(path.join(root, 'sub', 'real.txt'), 1000);
      const links: [string, string][] = [
        ['loop', '.'],
        ['sub/up', '..'],
        ['self', 'self'],
        ['to-outside', outside],
        ['to-root', '/'],
        ['long-target', 'y'.repeat(250)], // longer than an inline ext4 link: takes a block
      ];
      for (const [name, target] of links) fs.symlinkSync(target, path.join(root, name));
      const result = await walk([root], { topN: 50, detailDepth: 3 });
      const node = result.roots[0];
      assert.deepStrictEqual(result.errors, []);
      assert.strictEqual(node.bytes, duDisk(root)[0]);
      assert.strictEqual(node.apparentBytes, duApparent(root)[0]);
      assert.ok(node.bytes < 2_000_000, 'nothing outside was counted');
      assert.strictEqual(node.files, 1 + links.length);
      for (const [name, target] of links) {
        const link = findNode(result, path.join(root, name));
        assert.strictEqual(link.type, 'symlink', name);
        assert.strictEqual(link.apparentBytes, Buffer.byteLength(target), `${name}: a link's size is its target's length`);
        assert.strictEqual(link.bytes, statDisk(path.join(root, name)), name);
        assert.strictEqual(link.files, 1);
      }
    });

    it('a root given as a symlink to a folder is followed (it names the folder to scan)', async () => {
      const dir = sandbox();
      const real = path.join(dir, 'data', 'hf');
      file(path.join(real, 'hub', 'blob'), 30_000);
      const link = path.join(dir, 'cache-link');
      fs.symlinkSync(real, link);
      const result = await walk([link]);
      assert.strictEqual(result.roots[0].path, real);
      assert.strictEqual(result.roots[0].bytes, duDisk(real)[0]);
    });
  });

  it('a sparse file: apparent size as written, disk usage only the blocks it holds', async () => {
    const root = path.join(sandbox(), 'root');
    fs.mkdirSync(root);
    const p = path.join(root, 'optimizer.pt');
    const fd = fs.openSync(p, 'w');
    fs.writeSync(fd, Buffer.alloc(8192, 3), 0, 8192, 5 << 20);
    fs.ftruncateSync(fd, 64 << 20);
    fs.closeSync(fd);
    const result = await walk([root], { topN: 5, detailDepth: 1 });
    const node = findNode(result, p);
    assert.strictEqual(node.apparentBytes, 64 << 20);
    assert.strictEqual(node.bytes, duDisk(p)[0]);
    assert.ok(node.bytes <= 64 * 1024, `disk usage ${node.bytes} is a few blocks`);
    assert.strictEqual(result.roots[0].bytes, duDisk(root)[0]);
    assert.strictEqual(result.roots[0].apparentBytes, duApparent(root)[0]);
  });

  describe('errors are collected, never thrown', () => {
    it('unreadable folders (as an unprivileged user): EACCES listed, the rest counted like du as that user', function () {
      const dir = sandbox();
      const root = path.join(dir, 'root');
      file(path.join(root, 'ok', 'model.bin'), 5000);
      file(path.join(root, 'sealed', 'inside.bin'), 7000); // mode 000: cannot be listed
      file(path.join(root, 'no-search', 'a.bin'), 3000); // mode 644: listed, but entries cannot be stat'ed
      file(path.join(root, 'no-search', 'b.bin'), 3000);
      file(path.join(root, 'secret.bin'), 9000); // mode 000 file: stat needs no permission on the file
      fs.chmodSync(path.join(root, 'sealed'), 0o000);
      fs.chmodSync(path.join(root, 'no-search'), 0o644);
      fs.chmodSync(path.join(root, 'secret.bin'), 0o000);

      const result = walkAsNobody([root], { topN: 20, detailDepth: 2 });
      const denied = result.errors.map((e) => [e.code, path.relative(root, e.path)]).sort();
      assert.deepStrictEqual(denied, [['EACCES', 'no-search/a.bin'], ['EACCES', 'no-search/b.bin'], ['EACCES', 'sealed']]);
      assert.strictEqual(result.errorCount, 3);

      const du = spawnSync('setpriv', [`--reuid=${UNPRIVILEGED_UID}`, `--regid=${UNPRIVILEGED_GID}`, '--clear-groups', 'du', '-sxB1', root], { encoding: 'utf8' });
      assert.strictEqual(du.status, 1, `du as nobody must fail to read some folders (else permissions were not enforced): ${du.stderr}`);
      assert.match(du.stderr, /Permission denied/);
      const node = result.roots[0];
      assert.strictEqual(node.bytes, Number(du.stdout.split('\t')[0]));
      assert.strictEqual(findNode(result, path.join(root, 'secret.bin')).bytes, statDisk(path.join(root, 'secret.bin')));
      assert.strictEqual(findNode(result, path.join(root, 'sealed')).files, 0);
    });

    it('files vanishing between readdir and lstat: ENOENT collected per file, the walk goes on', () => {
      const root = path.join(sandbox(), 'root');
      fs.mkdirSync(root);
      for (let i = 0; i < 400; i++) fs.writeFileSync(path.join(root, `f${i}`), 'x'.repeat(100));
      const fileDisk = statDisk(path.join(root, 'f0'));
      const dirDisk = statDisk(root);
      let deleted = 0;
      // The hook runs before the lstat of the 256th entry: every file vanishes there.
      const result = walkUnit(root, 0, {
        topN: 5, detailDepth: 1, excludeNames: new Set(), excludePaths: new Set(), oneFileSystem: true, rootDev: -1,
      }, new SharedInodeSet(new SharedArrayBuffer(1 << 16)), {
        isCancelled: () => false,
        onTick: () => { for (const n of fs.readdirSync(root)) { fs.unlinkSync(path.join(root, n)); deleted++; } },
        wantsWork: () => 0,
        delegate: () => 0,
      });
      assert.strictEqual(deleted, 400);
      assert.strictEqual(result.node.files, 255);
      assert.strictEqual(result.node.bytes, dirDisk + 255 * fileDisk);
      assert.strictEqual(result.errorCount, 145);
      assert.ok(result.errors.length > 0 && result.errors.every((e) => e.code === 'ENOENT' && path.dirname(e.path) === root));
      assert.strictEqual(result.cancelled, false);
    });
  });

  describe('what is kept', () => {
    it('top N: the N largest children by disk usage, largest first; the rest in omitted with exact totals', async () => {
      const root = path.join(sandbox(), 'root');
      const many = path.join(root, 'many');
      for (let i = 1; i <= 120; i++) file(path.join(many, `file-${i}`), i * 4096 - 100);
      for (let i = 1; i <= 6; i++) file(path.join(many, `dir-${i}`, 'inner.bin'), i * 25 * 4096);
      const result = await walk([root], { topN: 5, detailDepth: 2 });
      const node = findNode(result, many);
      const listed = duLines(['-xB1', '--all', '--max-depth=1', many]);
      const listedApparent = duLines(['-xb', '--all', '--max-depth=1', many]);
      const entries = listed.paths.map((p, i) => ({ name: path.basename(p), bytes: listed.sizes[i], apparent: listedApparent.sizes[i] }))
        .filter((e) => e.name !== 'many')
        .sort((x, y) => y.bytes - x.bytes);
      assert.strictEqual(entries.length, 126);
      assert.deepStrictEqual(node.children!.map((c) => [c.name, c.bytes]), entries.slice(0, 5).map((e) => [e.name, e.bytes]));
      const rest = entries.slice(5);
      assert.deepStrictEqual(node.omitted, {
        count: rest.length,
        bytes: rest.reduce((s, e) => s + e.bytes, 0),
        apparentBytes: rest.reduce((s, e) => s + e.apparent, 0),
      });
      const own = statDisk(many);
      assert.strictEqual(node.children!.reduce((s, c) => s + c.bytes, 0) + node.omitted!.bytes + own, node.bytes);
      // The root keeps its single child; nothing omitted there.
      assert.strictEqual(result.roots[0].children!.length, 1);
      assert.strictEqual(result.roots[0].omitted, undefined);
    });

    it('detailDepth: children are kept exactly that many levels down; totals do not depend on it', async () => {
      const root = path.join(sandbox(), 'root');
      file(path.join(root, 'a', 'b', 'c', 'd', 'e', 'leaf.bin'), 10_000);
      file(path.join(root, 'a', 'side.bin'), 2000);
      const totals = new Set<string>();
      for (const detailDepth of [0, 1, 2, 3, 6]) {
        const result = await walk([root], { detailDepth, workers: 2 });
        const node = result.roots[0];
        if (detailDepth === 0) assert.strictEqual(node.children, undefined);
        else assert.strictEqual(depthOf(node), Math.min(detailDepth, 6), `detailDepth ${detailDepth}`);
        totals.add(JSON.stringify([node.bytes, node.apparentBytes, node.files, node.dirs]));
      }
      assert.deepStrictEqual([...totals], [JSON.stringify([duDisk(root)[0], duApparent(root)[0], countFiles(root), countDirs(root)])]);
    });

    it('excludeNames skips those names anywhere (like du --exclude); excludePaths skips exactly those paths', async () => {
      const root = path.join(sandbox(), 'root');
      file(path.join(root, '.git', 'objects', 'pack.bin'), 30_000);
      file(path.join(root, 'src', '.git', 'index'), 5000);
      file(path.join(root, 'web', 'node_modules', 'x', 'index.js'), 7000);
      file(path.join(root, 'src', 'main.py'), 900);
      file(path.join(root, 'cache', 'huge.bin'), 60_000);
      file(path.join(root, 'keep', 'cache', 'small.bin'), 1000);
      const names = await walk([root], { excludeNames: ['.git', 'node_modules'] });
      assert.strictEqual(names.roots[0].bytes, duLines(['-sxB1', '--exclude=.git', '--exclude=node_modules', root]).sizes[0]);
      assert.strictEqual(names.roots[0].apparentBytes, duLines(['-sxb', '--exclude=.git', '--exclude=node_modules', root]).sizes[0]);

      const paths = await walk([root], { excludePaths: [path.join(root, 'cache') + '/'] });
      assert.strictEqual(paths.roots[0].bytes, duDisk(root)[0] - duDisk(path.join(root, 'cache'))[0]);
      assert.strictEqual(paths.roots[0].files, countFiles(root) - 1, 'keep/cache is still walked');
    });

    it('oneFileSystem: a file system mounted below a root is reported and not entered (du -x); with false it is walked (du)', async function () {
      const root = path.join(sandbox(), 'root');
      file(path.join(root, 'run', 'model.bin'), 20_000);
      const mnt = path.join(root, 'run', 'scratch');
      fs.mkdirSync(mnt);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { encoding: 'utf8' });
      assert.strictEqual(mounted.status, 0, `cannot mount a tmpfs (this test needs root with CAP_SYS_ADMIN, as CI has; it does not skip): ${mounted.stderr}`);
      try {
        file(path.join(mnt, 'tmp.bin'), 300_000);
        const same = await walk([root], { detailDepth: 3 });
        assert.deepStrictEqual(same.errors.map((e) => [e.code, e.path]), [['mount-point', mnt]]);
        assert.strictEqual(same.roots[0].bytes, duDisk(root)[0]);
        assert.strictEqual(same.roots[0].files, 1);
        const all = await walk([root], { detailDepth: 3, oneFileSystem: false });
        assert.deepStrictEqual(all.errors, []);
        assert.strictEqual(all.roots[0].bytes, duLines(['-sB1', root]).sizes[0]);
        assert.strictEqual(all.roots[0].files, 2);
      } finally {
        execFileSync('umount', [mnt]);
      }
    });
  });

  describe('collect: entries found by name during the same walk', () => {
    it('name globs: *, ?, [..], [!..], {a,b} (nested), anchored to the whole name, other characters literal', () => {
      const re = namesToRegExp(['checkpoint-*', '*.{pt,pth,bin,safe{tensors,x}}', 'global_step?', 'v[0-9]', 'x[!a]', 'a+b(c).d']);
      const yes = ['checkpoint-100', 'checkpoint-', 'model.pt', 'a.pth', 'w.safetensors', 'w.safex', 'global_step7', 'v3', 'xb', 'a+b(c).d', 'multi\nline.bin'];
      const no = ['checkpoint', 'xcheckpoint-1', 'model.pt.tmp', 'model.ptx', 'global_step10', 'va', 'xa', 'a+b(c)xd', 'aab(c).d'];
      for (const n of yes) assert.ok(re.test(n), n);
      for (const n of no) assert.ok(!re.test(n), n);
    });

    it('checkpoint folders, *.ckpt files and nested global_step folders: every one found, each folder sized like du, with 1 and 4 workers', async () => {
      const root = path.join(sandbox(), 'root');
      const expectedDirs: string[] = [];
      const expectedFiles: string[] = [];
      for (let r = 0; r < 12; r++) {
        const run = path.join(root, `project-${r % 3}`, r % 2 ? 'outputs' : path.join('deep', 'er', 'still', 'deeper'), `run-${r}`);
        for (let k = 1; k <= 6; k++) {
          const ck = path.join(run, `checkpoint-${k * 100}`);
          file(path.join(ck, 'model.safetensors'), 10_000 + k);
          file(path.join(ck, 'optimizer.pt'), 20_000 + r);
          file(path.join(ck, 'trainer_state.json'), 300);
          expectedDirs.push(ck);
          if (k % 3 === 0) {
            const ds = path.join(ck, `global_step${k * 100}`);
            for (let s = 0; s < 4; s++) file(path.join(ds, `zero_pp_rank_${s}_optim_states.pt`), 5000);
            expectedDirs.push(ds);
          }
        }
        const logs = path.join(root, `project-${r % 3}`, 'lightning_logs', `version_${r}`, 'checkpoints');
        file(path.join(logs, `epoch=${r}-step=${r * 10}.ckpt`), 7000 + r);
        expectedFiles.push(path.join(logs, `epoch=${r}-step=${r * 10}.ckpt`));
        fs.symlinkSync(`epoch=${r}-step=${r * 10}.ckpt`, path.join(logs, 'last.ckpt'));
        expectedFiles.push(path.join(logs, 'last.ckpt'));
      }
      for (let i = 0; i < 3000; i++) file(path.join(root, 'data', `s${i % 50}`, `x${i}.json`), i % 3 ? 0 : 100);
      // What find(1) matches, as an independent list.
      const found = execFileSync('find', [root, '-mindepth', '1', '(', '-name', 'checkpoint-*', '-o', '-name', '*.ckpt', '-o', '-name', 'global_step*', ')', '-print0'], { encoding: 'utf8' })
        .split('\0').filter(Boolean).sort();
      assert.deepStrictEqual(found, [...expectedDirs, ...expectedFiles].sort());
      // Every entry's size from one du pass each (no hard links here, so each line is that subtree alone).
      const sizes = (flag: string) => { const l = duLines([flag, root]); return new Map(l.paths.map((p, i) => [p, l.sizes[i]])); };
      const disk = sizes('-axB1');
      const apparent = sizes('-axb');
      for (const workers of [1, 4]) {
        const batches: WalkNode[][] = [];
        const result = await walk([root], {
          workers, topN: 5, detailDepth: 2, collect: { names: ['checkpoint-*', '*.ckpt', 'global_step*'], topN: 50, detailDepth: 1 },
          onCollected: (nodes) => batches.push(nodes),
        });
        assert.deepStrictEqual(result.errors, []);
        const collected = result.collected!;
        assert.deepStrictEqual(collected.map((c) => c.path), found, `workers=${workers}`);
        // Streamed while walking: every collected entry exactly once, complete (the same node as at the end).
        const streamed = batches.flat();
        assert.deepStrictEqual(streamed.map((c) => c.path).sort(), found);
        assert.deepStrictEqual([...streamed].sort((a, b) => (a.path < b.path ? -1 : 1)), collected);
        if (workers === 1) assert.ok(batches.length >= 2, `${found.length} entries came in ${batches.length} batch(es)`);
        for (const c of collected) {
          assertClean(c);
          if (c.type === 'dir') {
            assert.strictEqual(c.bytes, disk.get(c.path), c.path);
            assert.strictEqual(c.apparentBytes, apparent.get(c.path), c.path);
            assert.deepStrictEqual(c.children!.map((k) => k.name).sort(), fs.readdirSync(c.path).sort(), `${c.path}: every child kept (collect topN 50)`);
            // collect detailDepth 1: no grandchildren, except below a nested collected folder (it has its own detail).
            for (const k of c.children!) if (!found.includes(k.path)) assert.strictEqual(k.children, undefined, k.path);
          } else {
            assert.strictEqual(c.bytes, disk.get(c.path), c.path);
            assert.strictEqual(c.apparentBytes, apparent.get(c.path), c.path);
            assert.strictEqual(c.type, c.name === 'last.ckpt' ? 'symlink' : 'file');
          }
        }
        // The walk's own totals are unchanged by collecting.
        assert.strictEqual(result.roots[0].bytes, duDisk(root)[0]);
        assert.strictEqual(result.roots[0].files, countFiles(root));
      }
    });

    it('dirNames match folders only, fileNames regular files only; nested: false collects nothing below a collected folder', async () => {
      const root = path.join(sandbox(), 'root');
      const ck = path.join(root, 'run', 'checkpoint-100');
      file(path.join(ck, 'model.safetensors'), 4000);
      file(path.join(ck, 'global_step100', 'mp_rank_00_model_states.pt'), 3000);
      file(path.join(root, 'run', 'checkpoint-notes.txt'), 10);
      const weight = path.join(root, 'export', 'model.pt');
      file(weight, 5000);
      fs.symlinkSync('model.pt', path.join(root, 'export', 'alias.pt'));
      fs.mkdirSync(path.join(root, 'export', 'folder.pt'));
      const last = path.join(root, 'logs', 'last.ckpt');
      fs.mkdirSync(path.dirname(last));
      fs.symlinkSync('gone.ckpt', last);
      for (const workers of [1, 3]) {
        const collect = { names: ['*.ckpt'], dirNames: ['checkpoint-*', 'global_step*'], fileNames: ['*.{pt,safetensors}'], topN: 10, detailDepth: 2 };
        const flat = await walk([root], { workers, topN: 5, detailDepth: 1, collect: { ...collect, nested: false } });
        assert.deepStrictEqual(flat.collected!.map((c) => [path.relative(root, c.path), c.type]), [
          ['export/model.pt', 'file'], ['logs/last.ckpt', 'symlink'], ['run/checkpoint-100', 'dir'],
        ], `workers=${workers}: no link or folder named *.pt, no file named checkpoint-*, nothing inside the checkpoint`);
        assert.strictEqual(flat.collected!.find((c) => c.path === ck)!.bytes, duDisk(ck)[0]);
        assert.strictEqual(flat.collected!.find((c) => c.path === weight)!.bytes, duDisk(weight)[0]);
        const nested = await walk([root], { workers, topN: 5, detailDepth: 1, collect });
        assert.deepStrictEqual(nested.collected!.map((c) => path.relative(root, c.path)), [
          'export/model.pt', 'logs/last.ckpt', 'run/checkpoint-100', 'run/checkpoint-100/global_step100',
          'run/checkpoint-100/global_step100/mp_rank_00_model_states.pt', 'run/checkpoint-100/model.safetensors',
        ]);
        assert.strictEqual(flat.roots[0].bytes, duDisk(root)[0]);
        assert.strictEqual(nested.roots[0].bytes, duDisk(root)[0]);
      }
    });
    it('markers: a folder node says which names its own regular files have (not links, folders or files deeper down), walk-wide or inside collected folders only', async () => {
      const root = path.join(sandbox(), 'root');
      const ck = path.join(root, 'run', 'checkpoint-1');
      file(path.join(ck, 'model-00001-of-00002.safetensors'), 4000);
      file(path.join(ck, 'global_step1', 'bf16_zero_pp_rank_0_mp_rank_00_optim_states.pt'), 3000);
      file(path.join(ck, 'unet', 'deeper', 'diffusion_pytorch_model.safetensors'), 3000); // below unet: not unet's own
      fs.symlinkSync('model-00001-of-00002.safetensors', path.join(ck, 'global_step1', 'alias.safetensors'));
      fs.mkdirSync(path.join(ck, 'global_step1', 'folder.safetensors'));
      file(path.join(root, 'export', 'model.safetensors'), 5000); // outside any collected folder
      const markers = [/\.safetensors$/, /optim_states\.pt$/];
      // What find(1) says a folder holds directly, as bits.
      const expected = (dir: string) => markers.reduce((bits, re, i) =>
        (bits | (fs.readdirSync(dir).some((n) => re.test(n) && fs.lstatSync(path.join(dir, n)).isFile()) ? 1 << i : 0)), 0);
      for (const workers of [1, 3]) {
        const collect = { names: ['checkpoint-*'], nested: false, topN: 10, detailDepth: 1, markers };
        const inside = await walk([root], { workers, topN: 10, detailDepth: 2, collect });
        const c = inside.collected!.find((n) => n.path === ck)!;
        assert.strictEqual(c.markers, expected(ck) || undefined, 'the checkpoint folder itself: a .safetensors file');
        assert.strictEqual(c.markers, 1);
        for (const k of c.children!) if (k.type === 'dir') assert.strictEqual(k.markers ?? 0, expected(k.path), k.path);
        assert.strictEqual(c.children!.find((k) => k.name === 'global_step1')!.markers, 2, 'a shard; the link and the folder named .safetensors are not files');
        assert.strictEqual(c.children!.find((k) => k.name === 'unet')!.markers, undefined, 'the weight file is a level below: not marked');
        assert.strictEqual(findNode(inside, path.join(root, 'export')).markers, undefined, 'collect markers stay inside collected folders');
        const everywhere = await walk([root], { workers, topN: 10, detailDepth: 2, markers });
        assert.strictEqual(findNode(everywhere, path.join(root, 'export')).markers, 1);
        assert.strictEqual(findNode(everywhere, path.join(root, 'run')).markers, undefined);
        // Markers change no total.
        assert.deepStrictEqual(shape(everywhere.roots[0]), shape((await walk([root], { workers, topN: 10, detailDepth: 2 })).roots[0]));
      }
    });

    it('a collected folder keeps the collect option\'s detail alone, and the walk\'s detail in the walked tree (which equals a walk without collect)', async () => {
      const root = path.join(sandbox(), 'root');
      for (const ck of [path.join(root, 'checkpoint-0'), path.join(root, 'a', 'run', 'checkpoint-1')]) {
        file(path.join(ck, 'model.safetensors'), 4000);
        file(path.join(ck, 'global_step1', 'x_optim_states.pt'), 3000);
        file(path.join(ck, 'sub', 'deeper', 'still', 'w.bin'), 2000);
      }
      for (let i = 0; i < 40; i++) file(path.join(root, 'a', `f${i}.txt`), 100 * i);
      for (const workers of [1, 4]) {
        const options = { workers, topN: 50, detailDepth: 3 };
        const plain = await walk([root], options);
        const withCollect = await walk([root], { ...options, collect: { names: ['checkpoint-*'], nested: false, topN: 50, detailDepth: 4 }, onCollected: () => undefined });
        assert.deepStrictEqual(shape(withCollect.roots[0]), shape(plain.roots[0]), `workers=${workers}`);
        const deep = withCollect.collected!.find((n) => n.name === 'checkpoint-1')!;
        assert.strictEqual(depthOf(deep), 4, 'alone: four levels of children (sub/deeper/still/w.bin)');
        assert.strictEqual(findNode(withCollect, deep.path).children, undefined, 'in the tree at depth 3: none');
        assert.strictEqual(depthOf(findNode(withCollect, path.join(root, 'checkpoint-0'))), 2);
      }
    });
  });

  describe('one walk for two categories: collect, then remove the collected subtrees', () => {
    it('the workspace without its checkpoint folders equals du --exclude and a walk with excludePaths, node by node', async () => {
      const root = path.join(sandbox(), 'root');
      for (let r = 0; r < 4; r++) {
        for (let k = 1; k <= 3; k++) {
          file(path.join(root, `proj-${r}`, 'runs', `run-${r}`, `checkpoint-${k}`, 'model.bin'), 30_000 * k + r);
          file(path.join(root, `proj-${r}`, 'runs', `run-${r}`, `checkpoint-${k}`, `global_step${k}`, 'optim.pt'), 9000);
        }
        file(path.join(root, `proj-${r}`, 'runs', `run-${r}`, 'log.txt'), 2000 + r);
        file(path.join(root, `proj-${r}`, 'src', 'train.py'), 4000);
      }
      // Checkpoints directly in a folder with many small siblings: some are kept children, some omitted.
      for (let i = 0; i < 12; i++) file(path.join(root, 'flat', `note-${i}.txt`), 100 * (i + 1));
      for (let k = 1; k <= 3; k++) file(path.join(root, 'flat', `checkpoint-${k}`, 'w.bin'), k === 1 ? 500_000 : 10);
      file(path.join(root, 'deep', 'a', 'b', 'c', 'd', 'checkpoint-9', 'w.bin'), 70_000);
      const options = { workers: 2, topN: 6, detailDepth: 3 };
      const once = await walk([root], { ...options, collect: { names: ['checkpoint-*', 'global_step*'] } });
      const folders = once.collected!.filter((n) => n.type === 'dir');
      assert.strictEqual(folders.filter((n) => n.name.startsWith('checkpoint-')).length, 16);
      const before = JSON.stringify(once.roots[0]);
      const workspace = await withoutSubtrees(once.roots[0], folders);
      const excluded = await walk([root], { ...options, excludePaths: folders.filter((n) => n.name.startsWith('checkpoint-')).map((n) => n.path) });
      const du = duLines(['-sxB1', '--exclude=checkpoint-*', root]).sizes[0];
      assert.strictEqual(workspace.bytes, du);
      assert.strictEqual(workspace.apparentBytes, duLines(['-sxb', '--exclude=checkpoint-*', root]).sizes[0]);
      assert.strictEqual(workspace.files, countFiles(root) - findCount(root, '-path', '*/checkpoint-*/*', '!', '-type', 'd'));
      assert.strictEqual(workspace.dirs, countDirs(root) - findCount(root, '-path', '*/checkpoint-*', '-type', 'd'));
      const compare = (a: WalkNode) => {
        const b = findNode(excluded, a.path);
        assert.deepStrictEqual([a.bytes, a.apparentBytes, a.files, a.dirs], [b.bytes, b.apparentBytes, b.files, b.dirs], a.path);
        for (const c of a.children ?? []) compare(c);
      };
      compare(workspace);
      const flat = findNode({ roots: [workspace] } as WalkResult, path.join(root, 'flat'));
      assert.ok(!flat.children!.some((c) => c.name.startsWith('checkpoint-')));
      assert.strictEqual(flat.children!.length + (flat.omitted?.count ?? 0), 12, 'the 12 notes remain, kept or omitted');
      // The walk's own tree is untouched (the result shares the nodes off the removal paths).
      assert.strictEqual(JSON.stringify(once.roots[0]), before);
      assert.strictEqual(once.roots[0].bytes, duDisk(root)[0]);
    });
  });

  describe('hostile names and paths', () => {
    it('names that are not valid UTF-8 (files and folders, at several levels, with 1 and 4 workers) are counted exactly', async () => {
      const root = path.join(sandbox(), 'root');
      fs.mkdirSync(root);
      const bad = (s: string) => Buffer.concat([Buffer.from(s), Buffer.from([0xff, 0xfe]), Buffer.from('.bin')]);
      const rootBuf = Buffer.from(root + '/');
      const badDir = Buffer.concat([rootBuf, bad('dir')]);
      fs.mkdirSync(badDir);
      for (let i = 0; i < 3; i++) fs.writeFileSync(Buffer.concat([rootBuf, bad(`f${i}`)]), Buffer.alloc(5000 * (i + 1)));
      fs.writeFileSync(Buffer.concat([badDir, Buffer.from('/'), bad('inner')]), Buffer.alloc(12_000));
      fs.writeFileSync(Buffer.concat([badDir, Buffer.from('/plain.txt')]), Buffer.alloc(3000));
      const nested = Buffer.concat([badDir, Buffer.from('/'), bad('nested')]);
      fs.mkdirSync(nested);
      for (let i = 0; i < 40; i++) {
        const sub = Buffer.concat([nested, Buffer.from(`/sub${i}`)]);
        fs.mkdirSync(sub);
        fs.writeFileSync(Buffer.concat([sub, Buffer.from('/'), bad(`x${i}`)]), Buffer.alloc(100 * i));
      }
      // A valid name that contains U+FFFD itself must not be mistaken for a broken one.
      file(path.join(root, 'ok\ufffd.txt'), 4000);
      for (const workers of [1, 4]) {
        const result = await walk([root], { workers, topN: 50, detailDepth: 2 });
        assert.deepStrictEqual(result.errors, [], `workers=${workers}`);
        assert.strictEqual(result.roots[0].bytes, duDisk(root)[0]);
        assert.strictEqual(result.roots[0].apparentBytes, duApparent(root)[0]);
        assert.strictEqual(result.roots[0].files, countFiles(root));
        assert.strictEqual(result.roots[0].dirs, countDirs(root));
        const names = result.roots[0].children!.map((c) => c.name).sort();
        assert.deepStrictEqual(names, ['dir\ufffd\ufffd.bin', 'f0\ufffd\ufffd.bin', 'f1\ufffd\ufffd.bin', 'f2\ufffd\ufffd.bin', 'ok\ufffd.txt']);
        // Collected, the same folder travels without its descendants' paths, which are rebuilt: the
        // same paths as the walked tree's, at every level.
        const collected = await walk([root], { workers, topN: 50, detailDepth: 1, collect: { names: ['dir*'], topN: 50, detailDepth: 2 } });
        const folder = collected.collected!.find((c) => c.name === 'dir\ufffd\ufffd.bin')!;
        const deeper = await walk([root], { workers, topN: 50, detailDepth: 3 });
        const walked = deeper.roots[0].children!.find((c) => c.name === 'dir\ufffd\ufffd.bin')!;
        const paths = (n: WalkNode): string[] => [n.path, ...(n.children ?? []).flatMap(paths)];
        assert.deepStrictEqual(paths(folder).sort(), paths(walked).sort());
        assert.ok(paths(folder).length > 3, 'children and grandchildren kept');
      }
    });

    it('255-byte names (ASCII and multi-byte), for files and folders', async () => {
      const root = path.join(sandbox(), 'root');
      const ascii = 'a'.repeat(255);
      const multi = 'é'.repeat(127) + 'x'; // 255 bytes in UTF-8
      assert.strictEqual(Buffer.byteLength(multi), 255);
      file(path.join(root, ascii, multi), 6000);
      file(path.join(root, multi, ascii), 7000);
      assert.throws(() => fs.writeFileSync(path.join(root, 'b'.repeat(256)), ''), /ENAMETOOLONG/);
      const result = await walk([root], { topN: 10, detailDepth: 3 });
      assert.deepStrictEqual(result.errors, []);
      assert.strictEqual(result.roots[0].bytes, duDisk(root)[0]);
      assert.strictEqual(findNode(result, path.join(root, ascii, multi)).bytes, statDisk(path.join(root, ascii, multi)));
      assert.strictEqual(findNode(result, path.join(root, multi, ascii)).name, ascii);
    });

    it('deep paths: 1,500 nested folders (a 3,000-character path) are exact; beyond PATH_MAX, ENAMETOOLONG is collected', async () => {
      const root = path.join(sandbox(), 'root');
      let deep = root;
      for (let i = 0; i < 1500; i++) deep += '/d';
      file(path.join(deep, 'leaf.bin'), 4000);
      const exact = await walk([root], { workers: 2, detailDepth: 3 });
      assert.deepStrictEqual(exact.errors, []);
      assert.strictEqual(exact.roots[0].bytes, duDisk(root)[0]);
      assert.strictEqual(exact.roots[0].dirs, 1501);
      assert.strictEqual(depthOf(exact.roots[0]), 3);

      // Longer than PATH_MAX (4096): built through descriptor-relative paths, as no full path can name it.
      const segment = 'x'.repeat(200);
      let fd = fs.openSync(root, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      let length = root.length;
      try {
        while (length < 5000) {
          fs.mkdirSync(`/proc/self/fd/${fd}/${segment}`);
          const next = fs.openSync(`/proc/self/fd/${fd}/${segment}`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
          fs.closeSync(fd);
          fd = next;
          length += segment.length + 1;
        }
        fs.writeFileSync(`/proc/self/fd/${fd}/leaf`, 'data');
      } finally {
        fs.closeSync(fd);
      }
      const long = await walk([root], { workers: 2 });
      assert.ok(long.errors.length >= 1, 'an entry beyond PATH_MAX cannot be named');
      assert.deepStrictEqual([...new Set(long.errors.map((e) => e.code))], ['ENAMETOOLONG']);
      assert.strictEqual(long.cancelled, false);
      assert.ok(long.roots[0].bytes < duDisk(root)[0] && long.roots[0].bytes > exact.roots[0].bytes);
    });
  });

  describe('a large tree', () => {
    let dir: string;
    let root: string;
    let expected: { bytes: number; apparent: number; files: number; dirs: number; hardLinked: number };
    before(function () {
      this.timeout(300_000);
      dir = makeTempDir();
      root = path.join(dir, 'large');
      buildLargeTree(root);
      expected = {
        bytes: duDisk(root)[0], apparent: duApparent(root)[0],
        files: countFiles(root), dirs: countDirs(root), hardLinked: countHardLinked(root),
      };
      assert.ok(expected.files > 15_000 && expected.dirs > 500, JSON.stringify(expected));
    });
    after(() => removeTempDir(dir));

    it('workers = 1, 2, 4, 8: identical totals and identical kept trees, equal to du; more workers split it into more units', async () => {
      const shapes: string[] = [];
      const units: number[] = [];
      for (const workers of [1, 2, 4, 8]) {
        const walker = new Walker({ workers });
        try {
          // Warm: every thread is up and waiting, so the big walk starts with idle workers.
          await walker.walk([path.join(root, 'wide')]); // no hard links: the inode set stays empty
          const result = await walker.walk([root], { topN: 10, detailDepth: 3 });
          const node = result.roots[0];
          assert.deepStrictEqual(result.errors, []);
          assert.deepStrictEqual(
            { bytes: node.bytes, apparent: node.apparentBytes, files: node.files, dirs: node.dirs, hardLinked: node.hardLinkedFiles },
            expected, `workers=${workers}`);
          assertClean(node);
          shapes.push(JSON.stringify(shape(node)));
          units.push(result.units ?? 0);
        } finally {
          await walker.close();
        }
      }
      assert.strictEqual(new Set(shapes).size, 1, 'the same tree whatever the number of workers');
      assert.strictEqual(units[0], 1, 'one worker walks the root as one unit');
      for (let i = 1; i < units.length; i++) assert.ok(units[i] > 2, `workers=${[1, 2, 4, 8][i]}: ${units[i]} units`);
    });

    it('progress: growing counts and a folder inside the root while walking; the last report equals the result', async () => {
      const seen: WalkProgress[] = [];
      const result = await walk([root], { workers: 2, progressIntervalMs: 0, onProgress: (p) => seen.push({ ...p }) });
      assert.ok(seen.length >= 3, `${seen.length} progress reports`);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(seen[i].files >= seen[i - 1].files && seen[i].bytes >= seen[i - 1].bytes, 'counts never go back');
      }
      assert.ok(seen.some((p) => p.files > 0 && p.files < expected.files), 'a report during the walk');
      assert.ok(seen.every((p) => p.currentPath === root || p.currentPath.startsWith(root + '/')));
      const last = seen[seen.length - 1];
      const node = result.roots[0];
      assert.deepStrictEqual([last.files, last.dirs, last.bytes], [node.files, node.dirs, node.bytes]);
    });

    it('cancel: an AbortSignal during the walk stops every worker promptly with cancelled=true; the Walker then walks exactly', async () => {
      for (const workers of [1, 4]) {
        const walker = new Walker({ workers });
        try {
          const controller = new AbortController();
          let abortedAt = 0;
          const result = await walker.walk([root], {
            signal: controller.signal,
            progressIntervalMs: 0,
            onProgress: (p) => {
              if (!abortedAt && p.files > 0) { abortedAt = Date.now(); controller.abort(); }
            },
          });
          const stoppedAfter = Date.now() - abortedAt;
          assert.ok(abortedAt > 0, 'aborted during the walk');
          assert.strictEqual(result.cancelled, true);
          assert.ok(result.roots[0].files < expected.files, 'stopped before the end');
          // A loose bound: CI runs this beside the UI phases on 2 cores; bench/editor.mjs measures the real latency.
          assert.ok(stoppedAfter < 3000, `returned ${stoppedAfter} ms after the abort`);
          // Still usable, and exact (this subtree has no hard links).
          const wide = path.join(root, 'wide');
          const again = await walker.walk([wide]);
          assert.strictEqual(again.cancelled, false);
          assert.strictEqual(again.roots[0].bytes, duDisk(wide)[0]);
          assert.strictEqual(again.roots[0].files, 6000);
        } finally {
          await walker.close();
        }
      }
    });

    it('an already aborted signal: returns at once, cancelled, nothing walked', async () => {
      const controller = new AbortController();
      controller.abort();
      const result = await walk([root], { signal: controller.signal });
      assert.strictEqual(result.cancelled, true);
      assert.strictEqual(result.roots[0].files, 0);
    });
  });
});
