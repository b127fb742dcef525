// Adversarial: another filesystem (tmpfs) and a bind mount under a scanned root. CI runs as root
// in a container that may mount; if `mount` fails, this test fails with the reason (it does not
// skip): a run folder holding a mount is exactly where a careless deleter destroys data.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import type { DeletionTarget } from '../../src/core/plan/types';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, planOf, targetOf, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { findNode, planFromWalk } from '../support/walkPlans';
import { mount } from '../support/mounts';


describe('adversarial: mounts under a root', () => {
  let box: Sandbox;
  let mounted: string[];
  beforeEach(() => { box = makeSandbox('mlds-adv-mnt-'); mounted = []; });
  afterEach(() => {
    for (const m of mounted.reverse()) {
      try { execFileSync('umount', [m]); } catch { execFileSync('umount', ['-l', m]); }
    }
    box.cleanup();
  });

  function build() {
    const run = path.join(box.root, 'run');
    writeFile(path.join(run, 'checkpoint-1', 'model.safetensors'), 8192);
    const tmpfsAt = path.join(run, 'scratch');
    fs.mkdirSync(tmpfsAt);
    mount(['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', tmpfsAt]);
    mounted.push(tmpfsAt);
    writeFile(path.join(tmpfsAt, 'in-tmpfs', 'data.bin'), 10_000);
    // A bind mount of a folder outside the root, on the same filesystem (same st_dev): only the
    // mount table shows it is a mount.
    const dataset = path.join(box.outside, 'dataset');
    writeFile(path.join(dataset, 'train.arrow'), 20_000);
    const bindAt = path.join(run, 'data');
    fs.mkdirSync(bindAt);
    mount(['--bind', dataset, bindAt]);
    mounted.push(bindAt);
    return { run, tmpfsAt, bindAt, dataset };
  }

  it('the scan does not enter the tmpfs (reported), and counts the same-device bind mount like du -x', async () => {
    const t = build();
    const result = await walk([box.root], { topN: 50, detailDepth: 4 });
    assert.deepStrictEqual(result.errors.map((e) => [e.code, e.path]), [['mount-point', t.tmpfsAt]]);
    // The mount point is left out of the tree entirely: nothing on the tmpfs is counted.
    assert.ok(!findNode(result, t.run).children!.some((c) => c.name === 'scratch'));
    assert.ok(findNode(result, t.run).bytes < 64 * 1024);
    // du -x compares st_dev only, so it (and our walker) walks a same-device bind mount.
    assert.strictEqual(findNode(result, t.bindAt).files, 1);
  });

  it('deleting the run: the mounts are never entered, their data survives, everything else is removed', async () => {
    const t = build();
    const result = await walk([box.root], { topN: 50, detailDepth: 4 });
    const plan = planFromWalk(result, box.root, [t.run]);
    const outsideBefore = snapshotTree(box.outside);
    const tmpfsBefore = snapshotTree(t.tmpfsAt);
    const report = await executePlan(plan);
    const o = report.outcomes[0];
    assert.strictEqual(o.status, 'failed');
    assert.strictEqual(o.code, 'mount-point');
    assert.deepStrictEqual(o.entryErrors!.map((e) => [e.code, e.path]).sort(), [['mount-point', t.bindAt], ['mount-point', t.tmpfsAt]].sort());
    assert.strictEqual(report.bytesFreed, 0, 'a partly deleted target frees no planned bytes in the report');
    assert.deepStrictEqual(fs.readdirSync(t.run).sort(), ['data', 'scratch']);
    assertOnlyRemoved(outsideBefore, snapshotTree(box.outside), []);
    assertOnlyRemoved(tmpfsBefore, snapshotTree(t.tmpfsAt), []);
  });

  it('a target that is a mount point, or lies on another device, is refused', async () => {
    const t = build();
    const inTmpfs = path.join(t.tmpfsAt, 'in-tmpfs');
    const targets: DeletionTarget[] = [targetOf(t.tmpfsAt, box.root), targetOf(t.bindAt, box.root), targetOf(inTmpfs, box.root)];
    const before = snapshotTree(box.dir);
    const report = await executePlan(planOf(targets));
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'mount-point'], ['skipped', 'mount-point'], ['skipped', 'other-device']]);
    assertOnlyRemoved(before, snapshotTree(box.dir), []);
  });

  it('a root that is itself a mount point can never be purged as a whole', async () => {
    const cache = path.join(box.root, 'cache');
    fs.mkdirSync(cache);
    mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', cache]);
    mounted.push(cache);
    writeFile(path.join(cache, 'http', 'blob'), 3000);
    const before = snapshotTree(box.dir);
    const report = await executePlan(planOf([targetOf(cache, cache)], { allowRootTargets: true }));
    assert.deepStrictEqual([report.outcomes[0].status, report.outcomes[0].code], ['skipped', 'mount-point']);
    assertOnlyRemoved(before, snapshotTree(box.dir), []);
  });
});
