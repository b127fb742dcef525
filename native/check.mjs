// Checks the native walker experiment against the real tools on a real tree: `npm run native:check`
// (after `npm run native:build`; not part of `npm test`, the addon is not adopted: README.md).
//
// Builds a throwaway tree under the OS temp folder — nested folders, a sparse file, hard links
// inside and across folders, a symlink to a folder (not followed), a dangling symlink, a name that
// is not valid UTF-8, a FIFO — then:
//   - walk(): bytes must equal `du -sB1`, apparent bytes `du -sb`, files + folders `find | wc -l`,
//     with 1, 2 and 8 threads; a missing root gives ENOENT; a cancel flag set before the walk stops it;
//   - listFolder(): names and fields equal fs.readdirSync + fs.lstatSync for every folder with
//     valid UTF-8 names; undefined for the folder holding the non-UTF-8 name.
// Exits non-zero on the first difference. Removes only the folder it made.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const addon = createRequire(import.meta.url)(path.join(here, 'build', 'Release', 'mlds_walk.node'));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-native-check-'));
let failures = 0;
const expect = (what, got, want) => {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) failures++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${JSON.stringify(got)}${ok ? '' : ` (want ${JSON.stringify(want)})`}\n`);
};

try {
  const tree = path.join(root, 'tree');
  for (let i = 0; i < 30; i++) {
    const dir = path.join(tree, `run-${i % 3}`, `checkpoint-${i}`, 'shards');
    fs.mkdirSync(dir, { recursive: true });
    for (let j = 0; j < 20; j++) fs.writeFileSync(path.join(dir, `part-${j}.bin`), Buffer.alloc((i * 20 + j) * 37, 1));
  }
  const fd = fs.openSync(path.join(tree, 'sparse.safetensors'), 'w');
  fs.writeSync(fd, Buffer.alloc(4096, 2));
  fs.ftruncateSync(fd, 3e9);
  fs.closeSync(fd);
  fs.writeFileSync(path.join(tree, 'blob'), Buffer.alloc(200000, 3));
  fs.mkdirSync(path.join(tree, 'links'));
  fs.linkSync(path.join(tree, 'blob'), path.join(tree, 'links', 'blob-again'));
  fs.linkSync(path.join(tree, 'blob'), path.join(tree, 'run-0', 'blob-third'));
  fs.symlinkSync('../run-1', path.join(tree, 'links', 'to-run-1'));
  fs.symlinkSync('nowhere', path.join(tree, 'links', 'dangling'));
  execFileSync('mkfifo', [path.join(tree, 'links', 'a-fifo')]);
  const odd = path.join(tree, 'odd');
  fs.mkdirSync(odd);
  fs.writeFileSync(Buffer.concat([Buffer.from(odd + '/'), Buffer.from([0x66, 0xff, 0x2e, 0x62, 0x69, 0x6e])]), Buffer.alloc(5000, 4));

  const du = (flag) => Number(execFileSync('du', [flag, tree], { encoding: 'utf8' }).split('\t')[0]);
  const entries = Number(execFileSync('sh', ['-c', `find "$1" | wc -l`, 'sh', tree], { encoding: 'utf8' }).trim());
  for (const threads of [1, 2, 8]) {
    const r = await addon.walk(tree, { threads });
    expect(`walk (${threads} threads) bytes = du -sB1`, r.bytes, du('-sB1'));
    expect(`walk (${threads} threads) apparentBytes = du -sb`, r.apparentBytes, du('-sb'));
    expect(`walk (${threads} threads) files + dirs = find | wc -l`, r.files + r.dirs, entries);
    expect(`walk (${threads} threads) hard-linked files, shared bytes, errors`, [r.hardLinkedFiles, r.sharedBytes, r.errorCount],
      [3, 2 * fs.lstatSync(path.join(tree, 'blob')).blocks * 512, 0]);
  }
  const missing = await addon.walk(path.join(root, 'missing'));
  expect('walk of a missing root', missing.errors.map((e) => e.code), ['ENOENT']);
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(cancel, 0, 1);
  const cancelled = await addon.walk(tree, { cancel });
  expect('walk cancelled before it starts', [cancelled.cancelled, cancelled.files < 600], [true, true]);

  const folders = execFileSync('find', [tree, '-type', 'd'], { encoding: 'utf8' }).trim().split('\n');
  let compared = 0;
  for (const dir of folders) {
    const listed = addon.listFolder(dir);
    if (dir === odd) { expect('listFolder of a folder with a non-UTF-8 name', listed, undefined); continue; }
    const names = fs.readdirSync(dir);
    if (JSON.stringify([...listed.names].sort()) !== JSON.stringify([...names].sort())) expect(`listFolder names of ${dir}`, listed.names, names);
    listed.names.forEach((name, i) => {
      const st = fs.lstatSync(path.join(dir, name));
      const got = Array.from(listed.stats.subarray(i * 8, i * 8 + 8));
      const want = [st.dev, st.mode, st.nlink, st.ino, st.size, st.blocks, st.mtimeMs, st.atimeMs];
      if (JSON.stringify(got) !== JSON.stringify(want)) expect(`listFolder fields of ${path.join(dir, name)}`, got, want);
      compared++;
    });
  }
  expect('listFolder entries compared with fs.lstatSync', compared > 600, true);
  try {
    addon.listFolder(path.join(root, 'missing'));
    expect('listFolder of a missing folder throws', false, true);
  } catch (err) {
    expect('listFolder of a missing folder throws', err.code, 'ENOENT');
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
process.stdout.write(failures ? `${failures} check(s) failed\n` : 'all checks passed\n');
process.exit(failures ? 1 : 0);
