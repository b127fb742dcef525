// Adversarial: unreadable folders and files. Root ignores permissions, so both the scan and the
// deletion run as an unprivileged user (the helper fails the test if it cannot drop privileges).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { chownTreeToNobody, executeAsNobody, findNode, planFromWalk, walkAsNobody } from '../support/walkPlans';

describe('adversarial: unreadable folders and files (as an unprivileged user)', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = makeSandbox('mlds-adv-perm-');
    fs.chmodSync(box.dir, 0o755);
  });
  afterEach(() => box.cleanup());

  function build() {
    const run = path.join(box.root, 'run');
    const ok = path.join(run, 'checkpoint-1');
    writeFile(path.join(ok, 'model.safetensors'), 8192);
    const sealed = path.join(run, 'checkpoint-2'); // owned by nobody, mode 000
    writeFile(path.join(sealed, 'model.safetensors'), 8192);
    const foreign = path.join(run, 'checkpoint-3'); // owned by root, 0700
    writeFile(path.join(foreign, 'model.safetensors'), 8192);
    const secretFile = writeFile(path.join(run, 'checkpoint-4', 'secret.pt'), 4096); // mode 000
    const readOnlyDir = path.join(run, 'checkpoint-5'); // owned by nobody, 0555: entries cannot be unlinked
    writeFile(path.join(readOnlyDir, 'model.safetensors'), 4096);
    chownTreeToNobody(box.dir, new Set([foreign, path.join(foreign, 'model.safetensors')]));
    fs.chmodSync(sealed, 0o000);
    fs.chmodSync(foreign, 0o700);
    fs.chmodSync(secretFile, 0o000);
    fs.chmodSync(readOnlyDir, 0o555);
    return { run, ok, sealed, foreign, secretFile, readOnlyDir };
  }

  it('the scan reports EACCES for each unreadable folder, counts the rest, and never crashes', () => {
    const t = build();
    const result = walkAsNobody([box.root], { topN: 50, detailDepth: 4 });
    const denied = result.errors.filter((e) => e.code === 'EACCES').map((e) => e.path).sort();
    assert.deepStrictEqual(denied, [t.sealed, t.foreign].sort());
    assert.deepStrictEqual(result.errors.filter((e) => e.code !== 'EACCES'), []);
    // An unreadable file is still sized (lstat needs no read permission on the file).
    assert.strictEqual(findNode(result, path.join(t.run, 'checkpoint-4')).files, 1);
    assert.strictEqual(findNode(result, t.ok).files, 1);
    assert.strictEqual(findNode(result, t.sealed).files, 0, 'unreadable: nothing inside counted');
  });

  it('deleting them as that user: what it may remove is removed, each refusal is listed per entry', () => {
    const t = build();
    const result = walkAsNobody([box.root], { topN: 50, detailDepth: 4 });
    const plan = planFromWalk(result, box.root, [t.ok, t.sealed, t.foreign, path.join(t.run, 'checkpoint-4'), t.readOnlyDir]);
    const before = snapshotTree(box.dir);
    const report = executeAsNobody(plan);
    const got = report.outcomes.map((o) => [path.basename(o.path), o.status, o.code, (o.entryErrors ?? []).map((e) => [e.code, path.relative(t.run, e.path)])]);
    assert.deepStrictEqual(got, [
      ['checkpoint-1', 'deleted', undefined, []],
      ['checkpoint-2', 'failed', 'EACCES', [['EACCES', 'checkpoint-2']]],
      ['checkpoint-3', 'failed', 'EACCES', [['EACCES', 'checkpoint-3']]],
      ['checkpoint-4', 'deleted', undefined, []],
      ['checkpoint-5', 'failed', 'EACCES', [['EACCES', 'checkpoint-5/model.safetensors']]],
    ]);
    assert.strictEqual(report.bytesFreed, plan.targets[0].bytes + plan.targets[3].bytes);
    for (const o of report.outcomes.filter((x) => x.status === 'failed')) assert.match(o.message!, /could not be removed/);
    const r = (p: string) => path.relative(box.dir, p);
    assertOnlyRemoved(before, snapshotTree(box.dir), [t.ok, path.join(t.run, 'checkpoint-4')].map(r));
  });
});
