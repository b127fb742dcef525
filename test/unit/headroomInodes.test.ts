// Inodes as the binding limit, on a real tmpfs with a small inode table (mounted inside the
// sandbox: root has CAP_SYS_ADMIN in its mount namespace). The figures to match come from
// coreutils `stat -f` on the same mount, not from our own statfs call.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { volumeOf } from '../../src/core/volume';
import { buildStatusView } from '../../src/host/statusBar/statusLogic';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const NR_INODES = 64;
const LEFT = 3;

/** coreutils: total and free file nodes of the file system holding p. */
function statF(p: string): { files: number; ffree: number; bavail: number; bsize: number } {
  const [files, ffree, bavail, bsize] = execFileSync('stat', ['-f', '-c', '%c %d %a %S', p], { encoding: 'utf8' }).trim().split(' ').map(Number);
  return { files, ffree, bavail, bsize };
}

describe('headroom: a nearly inode-full tmpfs', function () {
  let base: string;
  let mnt: string;

  before(function () {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-inodes-'));
    mnt = path.join(base, 'mnt');
    fs.mkdirSync(mnt);
    // Fails the suite loudly when the mount is refused: this test must not pass without it.
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=16m,nr_inodes=${NR_INODES}`, 'tmpfs', mnt]);
    const { files, ffree } = statF(mnt);
    assert.strictEqual(files, NR_INODES);
    fs.mkdirSync(path.join(mnt, 'dataset'));
    // Small files: the inodes run out with almost all bytes still free.
    for (let i = 0; i < ffree - 1 - LEFT; i++) fs.writeFileSync(path.join(mnt, 'dataset', `sample-${i}.txt`), `${i}\n`);
  });

  after(function () {
    if (mnt) spawnSync('umount', [mnt]);
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it('ml-disk-space scan --json names inodes as the binding limit, with the free inodes stat -f reports', () => {
    const r = spawnSync(process.execPath, [CLI, 'scan', '--json', '--no-docker', mnt], { encoding: 'utf8', timeout: 60_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const volume = JSON.parse(r.stdout).volume;
    const real = statF(mnt);
    assert.strictEqual(real.ffree, LEFT, 'the fixture left exactly LEFT inodes');
    assert.strictEqual(volume.binding.kind, 'inodes');
    assert.strictEqual(volume.binding.resource, 'inodes');
    assert.strictEqual(volume.binding.freeInodes, real.ffree);
    assert.strictEqual(volume.binding.limitInodes, real.files);
    const fsLimit = volume.limits.find((l: { kind: string }) => l.kind === 'filesystem');
    assert.strictEqual(fsLimit.freeBytes, real.bavail * real.bsize, 'bytes left as stat -f says');
    assert.ok(fsLimit.freeBytes > 15e6, 'bytes are nearly all free: the inodes are what runs out');
    assert.ok(Array.isArray(volume.limits) && volume.limits.some((l: { kind: string }) => l.kind === 'inodes'));
  });

  it('the text report says what runs out first', () => {
    const r = spawnSync(process.execPath, [CLI, 'scan', '--no-docker', mnt], { encoding: 'utf8', timeout: 60_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Runs out first: the file system's inodes: ${LEFT} of ${NR_INODES} inodes left`));
    // The folder holding most of them, with the count find(1) gives.
    const files = execFileSync('find', [path.join(mnt, 'dataset'), '-not', '-type', 'd'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
    assert.ok(r.stdout.includes(`Most files: ${path.join(mnt, 'dataset')} (${files} files, in Large workspace items)`), r.stdout);
  });

  it('the status bar shows the inodes left and colours by them (bytes alone would be "ok")', async () => {
    const v = await volumeOf(mnt);
    const bytesPercent = ((v.totalBytes - v.freeBytes) / v.totalBytes) * 100;
    assert.ok(bytesPercent < 10, `bytes ${bytesPercent.toFixed(1)} % used`);
    const view = buildStatusView({
      volumePath: mnt, totalBytes: v.totalBytes, freeBytes: v.freeBytes, availableBytes: v.availableBytes, percentUsed: bytesPercent,
      thresholds: { warnAtPercentUsed: 90, criticalAtPercentUsed: 95 }, limits: v.limits, binding: v.binding,
    });
    assert.strictEqual(view.text, `$(database) ${LEFT} inodes left`);
    assert.strictEqual(view.level, 'critical');
    assert.strictEqual(view.background, 'error');
    assert.ok(view.tooltipLines.includes('Limits on this volume:'), view.tooltipLines.join('\n'));
    assert.ok(view.tooltipLines.some((l) => /^ {2}The disk: .* left of /.test(l)), view.tooltipLines.join('\n'));
    assert.ok(view.tooltipLines.some((l) => l.startsWith('Runs out first: the file system\'s inodes')), view.tooltipLines.join('\n'));
  });
});
