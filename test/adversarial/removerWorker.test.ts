// Adversarial, for the remover's worker thread (safety/treeRemover.ts): a folder inside the
// target swapped for ANOTHER REAL FOLDER while the deletion runs (no symlink: only the device and
// inode check at open can tell), and a worker that cannot start. The progress callback runs while
// the worker waits between two entries, so the swap lands at a known point of the deletion.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { DirHandle } from '../../src/core/safety/dirHandle';
import { createTreeRemover } from '../../src/core/safety/treeRemover';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { planFromWalk } from '../support/walkPlans';

describe('adversarial: the remover in its worker thread', () => {
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-adv-remover-'); });
  afterEach(() => box.cleanup());

  it('a sub-folder replaced by another real folder during the deletion: the newcomer is left alone and reported as changed', async () => {
    const ckpt = path.join(box.root, 'run', 'checkpoint-3');
    for (const sub of ['a', 'b']) for (let i = 0; i < 20; i++) writeFile(path.join(ckpt, sub, `shard-${i}.bin`), 100);
    const plan = planFromWalk(await walk([box.root], { topN: 100, detailDepth: 6 }), box.root, [ckpt]);
    let swapped: string | undefined;
    let precious: ReturnType<typeof snapshotTree> | undefined;
    const report = await executePlan(plan, {
      progressIntervalMs: 0,
      onProgress: (_d, _t, p) => {
        // Inside the first sub-folder: replace the other one (already lstat'ed) by a new folder
        // with the same names. A remover that trusted its earlier lstat would empty it.
        const m = /checkpoint-3\/([ab])\/shard-/.exec(p);
        if (swapped || !m) return;
        swapped = path.join(ckpt, m[1] === 'a' ? 'b' : 'a');
        fs.renameSync(swapped, path.join(box.outside, 'moved-away'));
        for (let i = 0; i < 20; i++) writeFile(path.join(swapped, `shard-${i}.bin`), 100);
        precious = snapshotTree(swapped);
      },
    });
    assert.ok(swapped && precious, 'the swap happened mid-deletion');
    assert.deepStrictEqual(snapshotTree(swapped), precious, 'the folder that took its place is byte-for-byte intact');
    const o = report.outcomes[0];
    assert.strictEqual(o.status, 'failed');
    assert.ok(o.entryErrors!.some((e) => e.path === swapped && e.code === 'changed'), JSON.stringify(o.entryErrors));
    assert.strictEqual(fs.readdirSync(path.join(box.outside, 'moved-away')).length, 20, 'the moved folder was not followed either');
  });

  it('names that are not valid UTF-8, or hold U+FFFD itself, inside the target: all removed, the rest untouched', async () => {
    const ckpt = path.join(box.root, 'checkpoint-7');
    const sub = path.join(ckpt, 'shards');
    writeFile(path.join(sub, 'ok.bin'), 100);
    writeFile(path.join(ckpt, 'replacement-\ufffd-char.bin'), 100);
    // Latin-1 bytes (not UTF-8) as a file name and as a folder name holding a file.
    const bytes = (dir: string, name: string) => Buffer.concat([Buffer.from(dir + '/'), Buffer.from(name, 'latin1')]);
    fs.writeFileSync(bytes(sub, 'caf\xe9.bin'), 'x');
    fs.mkdirSync(bytes(ckpt, 'd\xe9j\xe0'));
    fs.writeFileSync(Buffer.concat([bytes(ckpt, 'd\xe9j\xe0'), Buffer.from('/inner.bin')]), 'y');
    writeFile(path.join(box.root, 'keep', 'model.safetensors'), 100);
    const plan = planFromWalk(await walk([box.root], { topN: 100, detailDepth: 6 }), box.root, [ckpt]);
    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    // 3 files and 2 folders inside the named folders, the text-named file, the checkpoint itself.
    assert.deepStrictEqual([report.outcomes[0].status, report.outcomes[0].removedEntries], ['deleted', 7], JSON.stringify(report.outcomes[0]));
    assert.ok(!fs.existsSync(ckpt));
    assertOnlyRemoved(before, snapshotTree(box.dir), [path.relative(box.dir, ckpt)]);
  });

  it('a worker that cannot start: one clear error, nothing deleted', async () => {
    const ckpt = path.join(box.root, 'checkpoint-1');
    writeFile(path.join(ckpt, 'model.safetensors'), 1000);
    const before = snapshotTree(box.dir);
    const parent = (await DirHandle.openReal(box.root))!;
    const remover = createTreeRemover(path.join(box.dir, 'no-such-worker.js'));
    try {
      const st = fs.lstatSync(ckpt);
      const result = await remover.remove(parent, Buffer.from('checkpoint-1'), st, { rootDev: st.dev, rootMountId: parent.mountId });
      assert.strictEqual(result.complete, false);
      assert.strictEqual(result.removedEntries, 0);
      assert.strictEqual(result.errors[0]?.code, 'EREMOVER');
      assert.match(result.errors[0].message, /worker thread/);
    } finally {
      await remover.close();
      await parent.close();
    }
    assertOnlyRemoved(before, snapshotTree(box.dir), []);
  });
});
