// Exact bytes a set of deletions frees (caches/freedBytes.ts) and the plan builder's refusals,
// on real files with real hard links and symlinks.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { measureTargets } from '../../src/core/plan/freedBytes';
import { buildPlan } from '../../src/core/plan/builder';
import { writeRealFile } from '../integration/fixture';
import { KiB } from '../support/cacheFixtures';
import { ownBlocks } from '../support/cacheScan';
import { tempFolder } from '../support/tempFolder';

describe('freed bytes', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempFolder('mlds-freed-')));
  afterEach(() => cleanup());

  it('frees a hard-linked file only when every link is deleted, and counts it once', async () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    const kept = path.join(dir, 'kept');
    writeRealFile(path.join(a, 'shared.bin'), 16 * KiB);
    fs.mkdirSync(b);
    fs.linkSync(path.join(a, 'shared.bin'), path.join(b, 'shared.bin'));
    writeRealFile(path.join(b, 'own.bin'), 8 * KiB);
    writeRealFile(path.join(a, 'linked-out.bin'), 4 * KiB);
    fs.mkdirSync(kept);
    fs.linkSync(path.join(a, 'linked-out.bin'), path.join(kept, 'linked-out.bin'));
    const [ma, mb] = await measureTargets([a, b]);
    assert.strictEqual(ma.bytes, ownBlocks(a) + 16 * KiB, 'the shared file is freed (both links go), counted in the first target');
    assert.strictEqual(mb.bytes, ownBlocks(b) + 8 * KiB);
    assert.deepStrictEqual([ma.keptByLinksBytes, ma.keptByLinksFiles], [4 * KiB, 1], 'linked from a folder that stays');
    const [onlyB] = await measureTargets([b]);
    assert.strictEqual(onlyB.bytes, ownBlocks(b) + 8 * KiB);
    assert.strictEqual(onlyB.keptByLinksBytes, 16 * KiB);
  });

  it('never follows a symlink, reports a missing path, and measures nested paths with the outer one', async () => {
    const target = writeRealFile(path.join(dir, 'outside', 'big.bin'), 64 * KiB);
    const folder = path.join(dir, 'folder');
    writeRealFile(path.join(folder, 'f.bin'), 4 * KiB);
    fs.symlinkSync(target, path.join(folder, 'link'));
    const [m, nested, missing] = await measureTargets([folder, path.join(folder, 'f.bin'), path.join(dir, 'nope')]);
    assert.strictEqual(m.bytes, ownBlocks(folder) + 4 * KiB + ownBlocks(path.join(folder, 'link')));
    assert.strictEqual(m.type, 'dir');
    assert.strictEqual(nested.bytes, 0);
    assert.strictEqual(missing.error, 'ENOENT');
  });

  it('plans: refuses a root or a path outside it; keeps what vanished; drops a nested duplicate', async () => {
    const root = path.join(dir, 'root');
    writeRealFile(path.join(root, 'x', 'y.bin'), 4 * KiB);
    await assert.rejects(buildPlan({ title: 't', scannedAt: 0, paths: [{ path: root, root }] }), /cache root itself/);
    await assert.rejects(buildPlan({ title: 't', scannedAt: 0, paths: [{ path: dir, root }] }), /not inside/);
    await assert.rejects(buildPlan({ title: 't', scannedAt: 0, paths: [{ path: path.join(root, '..', 'root2'), root }] }), /not inside/);
    const plan = await buildPlan({
      title: 't', scannedAt: 0,
      paths: [{ path: path.join(root, 'x', 'y.bin'), root }, { path: path.join(root, 'x'), root }, { path: path.join(root, 'gone'), root }],
    });
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes]), [[path.join(root, 'x'), 'dir', ownBlocks(path.join(root, 'x')) + 4 * KiB]]);
    assert.deepStrictEqual(plan.keep, [{ path: path.join(root, 'gone'), reason: 'no longer exists' }]);
    const whole = await buildPlan({ title: 't', scannedAt: 0, paths: [{ path: root, root }], allowRootTargets: true });
    assert.strictEqual(whole.allowRootTargets, true);
    assert.strictEqual(whole.targets[0].path, root);
  });
});
