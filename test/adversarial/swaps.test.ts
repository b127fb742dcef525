// Adversarial: the tree changes between the scan and the deletion, or during the deletion.
// Plans come from the real walker; every case checks the whole sandbox byte for byte.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree, type TreeSnapshot } from '../support/treeSnapshot';
import { planFromWalk } from '../support/walkPlans';

describe('adversarial: swaps between scan and delete', () => {
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-adv-swap-'); });
  afterEach(() => box.cleanup());

  const r = (p: string) => path.relative(box.dir, p);
  const scan = () => walk([box.root], { topN: 100, detailDepth: 6 });

  function makeRun(name: string, steps: number[]): string {
    const run = path.join(box.root, name);
    for (const s of steps) {
      writeFile(path.join(run, `checkpoint-${s}`, 'model.safetensors'), 6000);
      writeFile(path.join(run, `checkpoint-${s}`, 'optimizer.pt'), 12000);
    }
    return run;
  }

  it('a checkpoint folder replaced by a symlink to another folder: skipped, that folder untouched', async () => {
    const run = makeRun('run', [1, 2]);
    const precious = path.join(box.outside, 'dataset');
    writeFile(path.join(precious, 'model.safetensors'), 6000); // same names as inside the checkpoint
    writeFile(path.join(precious, 'optimizer.pt'), 12000);
    const plan = planFromWalk(await scan(), box.root, [path.join(run, 'checkpoint-1'), path.join(run, 'checkpoint-2')]);
    fs.renameSync(path.join(run, 'checkpoint-1'), path.join(box.outside, 'moved'));
    fs.symlinkSync(precious, path.join(run, 'checkpoint-1'));
    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'changed'], ['deleted', undefined]]);
    assert.match(report.outcomes[0].message!, /now a symlink/);
    assertOnlyRemoved(before, snapshotTree(box.dir), [r(path.join(run, 'checkpoint-2'))]);
  });

  it('a parent folder swapped for a symlink to a look-alike outside the root: caught, nothing outside touched', async () => {
    const run = makeRun('run', [1]);
    const plan = planFromWalk(await scan(), box.root, [path.join(run, 'checkpoint-1')]);
    // Move the real run out of the root and put a symlink in its place: the checkpoint keeps its
    // inode, so only the parent check can tell it is no longer inside the root.
    const movedRun = path.join(box.outside, 'run');
    fs.renameSync(run, movedRun);
    fs.symlinkSync(movedRun, run);
    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.deepStrictEqual([report.outcomes[0].status, report.outcomes[0].code], ['skipped', 'outside-root']);
    assertOnlyRemoved(before, snapshotTree(box.dir), []);
  });

  it('a parent folder swapped for a symlink to another run inside the root: caught', async () => {
    const run = makeRun('run', [1]);
    const other = makeRun('other', [1]);
    const plan = planFromWalk(await scan(), box.root, [path.join(run, 'checkpoint-1')]);
    fs.renameSync(run, path.join(box.root, 'run-old'));
    fs.symlinkSync(other, run);
    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.deepStrictEqual([report.outcomes[0].status, report.outcomes[0].code], ['skipped', 'parent-changed']);
    assertOnlyRemoved(before, snapshotTree(box.dir), []);
  });

  it('a sub-folder swapped for a symlink to a look-alike DURING deletion: the look-alike is untouched', async () => {
    const run = makeRun('run', []);
    const ckpt = path.join(run, 'checkpoint-9');
    const names = Array.from({ length: 40 }, (_, i) => `shard-${i}.bin`);
    for (const n of names) writeFile(path.join(ckpt, 'global_step9', n), 100);
    // The look-alike has the same names: a remover that re-resolved paths would delete these.
    const decoy = path.join(box.outside, 'decoy');
    for (const n of names) writeFile(path.join(decoy, n), 100);
    const plan = planFromWalk(await scan(), box.root, [ckpt]);
    const decoyBefore = snapshotTree(decoy);
    let swapped = false;
    const report = await executePlan(plan, {
      progressIntervalMs: 0,
      onProgress: (_d, _t, p) => {
        // The remover is inside global_step9 (it just removed its first shard): swap it now.
        if (swapped || !p.includes('global_step9/shard-')) return;
        swapped = true;
        fs.renameSync(path.join(ckpt, 'global_step9'), path.join(ckpt, 'moved-away'));
        fs.symlinkSync(decoy, path.join(ckpt, 'global_step9'));
      },
    });
    assert.ok(swapped, 'the swap happened mid-deletion');
    assert.deepStrictEqual(snapshotTree(decoy), decoyBefore, 'the decoy is byte-for-byte intact');
    const o = report.outcomes[0];
    // The held folder's remaining shards were removed through its descriptor; its old name is
    // now a symlink, so the folder itself cannot be removed by name: reported, not forced.
    assert.strictEqual(o.status, 'failed');
    assert.ok(o.entryErrors!.some((e) => e.path === path.join(ckpt, 'global_step9') && e.code === 'ENOTDIR'), JSON.stringify(o.entryErrors));
    assert.deepStrictEqual(fs.readdirSync(path.join(ckpt, 'moved-away')), [], 'every shard of the held folder is gone');
  });

  it('the run folder moved away and replaced by a symlink DURING deletion: the symlink target is untouched', async () => {
    const run = makeRun('run', []);
    const ckpt = path.join(run, 'checkpoint-5');
    for (let i = 0; i < 30; i++) writeFile(path.join(ckpt, `part-${i}.bin`), 100);
    const decoyRun = path.join(box.outside, 'decoy-run');
    for (let i = 0; i < 30; i++) writeFile(path.join(decoyRun, 'checkpoint-5', `part-${i}.bin`), 100);
    const plan = planFromWalk(await scan(), box.root, [ckpt]);
    const decoyBefore = snapshotTree(decoyRun);
    let swapped = false;
    await executePlan(plan, {
      progressIntervalMs: 0,
      onProgress: (_d, _t, p) => {
        if (swapped || !p.includes('part-')) return;
        swapped = true;
        fs.renameSync(run, path.join(box.root, 'run-renamed'));
        fs.symlinkSync(decoyRun, run);
      },
    });
    assert.ok(swapped);
    assert.deepStrictEqual(snapshotTree(decoyRun), decoyBefore);
  });

  it('cancel in the middle of a multi-item deletion planned from a scan: first items gone, the rest intact and reported', async () => {
    const run = makeRun('run', [1, 2, 3, 4]);
    for (let i = 0; i < 500; i++) writeFile(path.join(run, 'checkpoint-2', 'many', `f${i}`), 10);
    const paths = [1, 2, 3, 4].map((s) => path.join(run, `checkpoint-${s}`));
    const plan = planFromWalk(await scan(), box.root, paths);
    const before: TreeSnapshot = snapshotTree(box.dir);
    const controller = new AbortController();
    let seen = 0;
    const report = await executePlan(plan, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (_d, _t, p) => { if (p.includes('checkpoint-2/many/') && ++seen === 50) controller.abort(); },
    });
    assert.strictEqual(report.cancelled, true);
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['deleted', undefined], ['failed', 'cancelled'], ['skipped', 'cancelled'], ['skipped', 'cancelled']]);
    assert.strictEqual(report.bytesFreed, plan.targets[0].bytes);
    assert.match(report.outcomes[1].message!, /cancelled after removing \d+ entries; the rest is still there/);
    // checkpoint-1 gone; checkpoint-2 partly; 3 and 4 byte-for-byte intact.
    assertOnlyRemoved(before, snapshotTree(box.dir), [r(paths[0]), r(paths[1])], [r(paths[0])]);
    assert.ok(fs.readdirSync(path.join(paths[1], 'many')).length > 0);
  });
});
