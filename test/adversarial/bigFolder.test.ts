// Adversarial: 100,000 entries in one folder. The scan counts them exactly; the executor removes
// them without blocking the event loop (it runs inside the extension host) and reports progress.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { executePlan } from '../../src/core/executor';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { findNode, planFromWalk } from '../support/walkPlans';

const COUNT = 100_000;

describe('adversarial: 100k entries in one folder', function () {
  this.timeout(180_000);
  let box: Sandbox;
  before(() => { box = makeSandbox('mlds-adv-big-'); });
  after(() => box.cleanup());

  it('scans exactly, deletes all of it with progress, and keeps the event loop responsive', async () => {
    const big = path.join(box.root, 'shards');
    fs.mkdirSync(big);
    let fileBytes = 0;
    for (let i = 0; i < COUNT; i++) {
      const fd = fs.openSync(path.join(big, `s${i}`), 'w');
      if (i % 1000 === 0) { fs.writeSync(fd, Buffer.alloc(5000, 1)); }
      fs.closeSync(fd);
    }
    for (let i = 0; i < COUNT; i += 1000) fileBytes += fs.lstatSync(path.join(big, `s${i}`)).blocks * 512;
    const keep = writeFile(path.join(box.root, 'keep', 'model.safetensors'), 4096);

    const result = await walk([box.root], { topN: 20, detailDepth: 2 });
    assert.deepStrictEqual(result.errors, []);
    const node = findNode(result, big);
    assert.strictEqual(node.files, COUNT);
    assert.strictEqual(node.bytes, fileBytes + fs.lstatSync(big).blocks * 512);

    const plan = planFromWalk(result, box.root, [big]);
    const keepBefore = snapshotTree(path.dirname(keep));
    const outsideBefore = snapshotTree(box.outside);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let calls = 0;
    delay.enable();
    const report = await executePlan(plan, { onProgress: () => { calls++; } });
    delay.disable();
    assert.deepStrictEqual([report.outcomes[0].status, report.outcomes[0].removedEntries], ['deleted', COUNT + 1]);
    assert.ok(!fs.existsSync(big));
    assert.ok(calls >= 3, `progress was reported while deleting (${calls} calls)`);
    // A synchronous remover would block the loop for the whole deletion (seconds); the async one
    // yields between every call. Generous bound: this is a noisy 2-core CI machine.
    const maxMs = delay.max / 1e6;
    assert.ok(maxMs < 1000, `event loop blocked for ${maxMs.toFixed(0)} ms`);
    assertOnlyRemoved(keepBefore, snapshotTree(path.dirname(keep)), []);
    assertOnlyRemoved(outsideBefore, snapshotTree(box.outside), []);
  });
});
