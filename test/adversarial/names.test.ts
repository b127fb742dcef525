// Adversarial: hostile names and extreme paths — newlines, invalid UTF-8, 255-byte names,
// 4,000-character paths, and a tree deeper than PATH_MAX (4096) that no path can name.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { findNode, planFromWalk } from '../support/walkPlans';

const NAME_255 = 'é'.repeat(127) + 'x'; // 255 bytes in UTF-8
const INVALID_UTF8 = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x70, 0x74]); // "bad\xff\xfe.pt"

/** Builds a chain of folders below `dir` whose full path exceeds `chars`, via descriptor-relative paths. */
function deepChain(dir: string, chars: number, segment = 'd'.repeat(200)): { depth: number; leafName: string } {
  let fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  let length = dir.length;
  let depth = 0;
  try {
    while (length < chars) {
      fs.mkdirSync(`/proc/self/fd/${fd}/${segment}`);
      const next = fs.openSync(`/proc/self/fd/${fd}/${segment}`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      fs.closeSync(fd);
      fd = next;
      length += segment.length + 1;
      depth++;
    }
    fs.writeFileSync(`/proc/self/fd/${fd}/leaf.bin`, Buffer.alloc(3000, 1));
  } finally {
    fs.closeSync(fd);
  }
  return { depth, leafName: 'leaf.bin' };
}

describe('adversarial: hostile names and long paths', () => {
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-adv-names-'); });
  afterEach(() => box.cleanup());

  function hostileRun(): string {
    const run = path.join(box.root, 'run');
    writeFile(path.join(run, 'checkpoint-1', 'model\nweights.safetensors'), 4096);
    writeFile(path.join(run, 'checkpoint-1', NAME_255), 4096);
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(run, 'checkpoint-1') + '/'), INVALID_UTF8]), 'x'.repeat(5000));
    fs.mkdirSync(Buffer.concat([Buffer.from(run + '/'), INVALID_UTF8, Buffer.from('-dir')]));
    fs.writeFileSync(Buffer.concat([Buffer.from(run + '/'), INVALID_UTF8, Buffer.from('-dir/inner')]), 'y');
    // A 4,000-character path (below PATH_MAX: nameable, just long).
    let long = path.join(run, 'long');
    while (long.length < 3900) long = path.join(long, 'x'.repeat(120));
    writeFile(path.join(long, 'y'.repeat(4000 - long.length - 1)), 100);
    return run;
  }

  it('the scan counts files with hostile names exactly and never crashes', async () => {
    const run = hostileRun();
    fs.rmSync(Buffer.concat([Buffer.from(run + '/'), INVALID_UTF8, Buffer.from('-dir')]), { recursive: true });
    const result = await walk([box.root], { topN: 50, detailDepth: 3 });
    assert.deepStrictEqual(result.errors, []);
    const runNode = findNode(result, run);
    assert.strictEqual(runNode.files, 4, 'newline, 255-byte, invalid UTF-8, the 4,000-char path');
    const ckpt = findNode(result, path.join(run, 'checkpoint-1'));
    assert.deepStrictEqual(ckpt.children!.map((c) => c.name).sort(), ['bad\ufffd\ufffd.pt', 'model\nweights.safetensors', NAME_255].sort());
  });

  it('the scan descends into a folder whose name is not valid UTF-8', async () => {
    const run = hostileRun();
    const result = await walk([box.root], { topN: 50, detailDepth: 3 });
    assert.deepStrictEqual(result.errors, []);
    assert.strictEqual(findNode(result, run).files, 5, 'newline, 255-byte, invalid UTF-8 x2, the 4,000-char path');
  });

  it('deleting the run removes every hostile name (by raw bytes) and nothing else', async () => {
    const run = hostileRun();
    const plan = planFromWalk(await walk([box.root], { topN: 50, detailDepth: 3 }), box.root, [run]);
    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.deepStrictEqual([report.outcomes[0].status, report.outcomes[0].code], ['deleted', undefined]);
    assertOnlyRemoved(before, snapshotTree(box.dir), ['root/run']);
  });

  it('targets named with a newline or 255 bytes are deleted; one whose name is not UTF-8 cannot be named by a plan and is left alone', async () => {
    const run = hostileRun();
    const ckpt = path.join(run, 'checkpoint-1');
    const result = await walk([box.root], { topN: 50, detailDepth: 3 });
    const lossy = path.join(ckpt, 'bad\ufffd\ufffd.pt');
    const plan = planFromWalk(result, box.root, [path.join(ckpt, 'model\nweights.safetensors'), path.join(ckpt, NAME_255), lossy]);
    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['deleted', undefined], ['deleted', undefined], ['skipped', 'vanished']]);
    const rel = (p: string) => path.relative(box.dir, p);
    assertOnlyRemoved(before, snapshotTree(box.dir), [rel(plan.targets[0].path), rel(plan.targets[1].path)]);
  });

  it('a tree deeper than PATH_MAX: the scan reports ENAMETOOLONG without crashing; the executor still removes it', async () => {
    const run = path.join(box.root, 'run');
    fs.mkdirSync(run);
    writeFile(path.join(run, 'checkpoint-1', 'model.bin'), 100);
    const { depth } = deepChain(path.join(run, 'checkpoint-1'), 6000);
    assert.ok(depth >= 29);
    const result = await walk([box.root], { topN: 50, detailDepth: 3 });
    assert.ok(result.errors.length >= 1 && result.errors.every((e) => e.code === 'ENAMETOOLONG'), JSON.stringify(result.errors.map((e) => e.code)));
    const plan = planFromWalk(result, box.root, [path.join(run, 'checkpoint-1')]);
    const report = await executePlan(plan);
    assert.deepStrictEqual([report.outcomes[0].status, report.outcomes[0].code], ['deleted', undefined]);
    assert.strictEqual(report.outcomes[0].removedEntries, depth + 3, 'every folder of the chain, the leaf, model.bin, checkpoint-1');
    assert.deepStrictEqual(fs.readdirSync(run), []);
  });
});
