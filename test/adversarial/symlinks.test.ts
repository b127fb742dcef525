// Adversarial: symlink loops and symlinks to / and HOME inside a checkpoint run. Scanned with the
// real walker, planned from its nodes, deleted by the executor. The deletions run as an
// unprivileged user: if a regression ever followed the link to /, it could not wipe the machine.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { chownTreeToNobody, executeAsNobody, findNode, planFromWalk } from '../support/walkPlans';

/** Names and identities of the entries of a folder (enough to see that nothing in / or HOME went away). */
function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort().map((n) => {
    try {
      const st = fs.lstatSync(path.join(dir, n));
      return `${n} ${st.dev}:${st.ino}`;
    } catch {
      return `${n} ?`;
    }
  });
}

describe('adversarial: symlinks', () => {
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-adv-links-'); });
  afterEach(() => box.cleanup());

  it('a symlink loop inside a run: the walk finishes without following it, the run is deleted', async () => {
    const run = path.join(box.root, 'run');
    writeFile(path.join(run, 'checkpoint-1', 'model.safetensors'), 8192);
    fs.symlinkSync('b', path.join(run, 'a'));
    fs.symlinkSync('a', path.join(run, 'b'));
    fs.symlinkSync('self', path.join(run, 'self'));
    fs.symlinkSync('..', path.join(run, 'checkpoint-1', 'up'));
    fs.symlinkSync(run, path.join(run, 'checkpoint-1', 'back-to-run'));
    const result = await walk([box.root], { topN: 50, detailDepth: 4 });
    assert.deepStrictEqual(result.errors, []);
    const runNode = findNode(result, run);
    assert.strictEqual(runNode.files, 6, 'model + 5 links, each counted once as a link');
    assert.ok(runNode.bytes < 64 * 1024, `the loop added nothing (${runNode.bytes} bytes)`);
    const before = snapshotTree(box.dir);
    const report = await executePlan(planFromWalk(result, box.root, [run]));
    assert.strictEqual(report.outcomes[0].status, 'deleted');
    assertOnlyRemoved(before, snapshotTree(box.dir), ['root/run']);
  });

  it('symlinks to / and HOME inside a checkpoint run: counted as links, removed as links, / and HOME untouched', async () => {
    fs.chmodSync(box.dir, 0o755);
    const run = path.join(box.root, 'run');
    writeFile(path.join(run, 'checkpoint-1', 'model.safetensors'), 4096);
    fs.symlinkSync('/', path.join(run, 'checkpoint-1', 'slash'));
    fs.symlinkSync(os.homedir(), path.join(run, 'checkpoint-1', 'home'));
    fs.symlinkSync('/', path.join(run, 'slash-at-run-level'));
    fs.symlinkSync('../../../../../../../../../../../..', path.join(run, 'relative-to-slash'));
    const result = await walk([box.root], { topN: 50, detailDepth: 4 });
    assert.deepStrictEqual(result.errors, []);
    const runNode = findNode(result, run);
    assert.strictEqual(runNode.files, 5);
    assert.ok(runNode.bytes < 64 * 1024, `the links were not followed (${runNode.bytes} bytes)`);
    const plan = planFromWalk(result, box.root, [run, path.join(run, 'slash-at-run-level')]);
    // The link itself as a target, planned before the folder holding it: removed as a link.
    plan.targets.reverse();
    chownTreeToNobody(box.dir);
    const slashBefore = listing('/');
    const homeBefore = listing(os.homedir());
    const before = snapshotTree(box.dir);
    const report = executeAsNobody(plan);
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['deleted', undefined], ['deleted', undefined]]);
    assert.deepStrictEqual(listing('/'), slashBefore);
    assert.deepStrictEqual(listing(os.homedir()), homeBefore);
    assertOnlyRemoved(before, snapshotTree(box.dir), ['root/run']);
  });

  it('a target that is a symlink to HOME is deleted as a link only (run as nobody)', async () => {
    fs.chmodSync(box.dir, 0o755);
    const link = path.join(box.root, 'last.ckpt');
    fs.symlinkSync(os.homedir(), link);
    const result = await walk([box.root], { topN: 50, detailDepth: 2 });
    const plan = planFromWalk(result, box.root, [link]);
    assert.strictEqual(plan.targets[0].type, 'symlink');
    chownTreeToNobody(box.dir);
    const homeBefore = listing(os.homedir());
    const before = snapshotTree(box.dir);
    const report = executeAsNobody(plan);
    assert.strictEqual(report.outcomes[0].status, 'deleted');
    assert.deepStrictEqual(listing(os.homedir()), homeBefore);
    assertOnlyRemoved(before, snapshotTree(box.dir), ['root/last.ckpt']);
  });
});
