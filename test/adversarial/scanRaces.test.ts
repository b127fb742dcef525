// Adversarial: files that grow or vanish while the walker scans and while the executor deletes.
// The churn runs in a separate process, so it really races the walker's worker threads.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { planFromWalk } from '../support/walkPlans';

/** Starts a Node process running `code` with `dir` as argv[1]; resolves once it printed "ready". */
function churn(code: string, dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', code, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve(child));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const GROWER = `
const fs = require('fs');
const file = process.argv[1] + '/growing.log';
const fd = fs.openSync(file, 'a');
const chunk = Buffer.alloc(64 * 1024, 120);
process.stdout.write('ready\\n');
for (;;) { fs.writeSync(fd, chunk); if (fs.fstatSync(fd).size > 512 * 1024 * 1024) fs.ftruncateSync(fd, 0); }
`;

const VANISHER = `
const fs = require('fs');
const dir = process.argv[1];
process.stdout.write('ready\\n');
let i = 0;
for (;;) {
  const d = dir + '/tmp-' + (i % 50);
  try { fs.mkdirSync(d); for (let k = 0; k < 20; k++) fs.writeFileSync(d + '/f' + k, 'x'); } catch {}
  try { fs.rmSync(dir + '/tmp-' + ((i + 25) % 50), { recursive: true, force: true }); } catch {}
  i++;
}
`;

describe('adversarial: scan and delete races', () => {
  let box: Sandbox;
  let child: ChildProcess | undefined;
  beforeEach(() => { box = makeSandbox('mlds-adv-race-'); child = undefined; });
  afterEach(async () => {
    if (child) await stop(child);
    box.cleanup();
  });

  function stableTree(): { files: number; bytes: number } {
    let bytes = 0;
    for (let i = 0; i < 200; i++) {
      const p = writeFile(path.join(box.root, 'stable', `d${i % 10}`, `f${i}`), 5000);
      bytes += fs.lstatSync(p).blocks * 512;
    }
    for (let i = 0; i < 10; i++) bytes += fs.lstatSync(path.join(box.root, 'stable', `d${i}`)).blocks * 512;
    bytes += fs.lstatSync(path.join(box.root, 'stable')).blocks * 512;
    return { files: 200, bytes };
  }

  it('a file growing during the scan: no error, its size is one of the sizes it had', async () => {
    const stable = stableTree();
    const run = path.join(box.root, 'run');
    fs.mkdirSync(run);
    child = await churn(GROWER, run);
    for (let pass = 0; pass < 5; pass++) {
      const result = await walk([box.root], { topN: 50, detailDepth: 3 });
      assert.deepStrictEqual(result.errors, []);
      const runNode = result.roots[0].children!.find((c) => c.name === 'run')!;
      const grow = runNode.children!.find((c) => c.name === 'growing.log')!;
      assert.ok(grow.apparentBytes % 4096 === 0 && grow.apparentBytes <= 512 * 1024 * 1024 + 64 * 1024, `size ${grow.apparentBytes}`);
      const stableNode = result.roots[0].children!.find((c) => c.name === 'stable')!;
      assert.deepStrictEqual([stableNode.files, stableNode.bytes], [stable.files, stable.bytes], 'the rest of the tree is exact');
    }
  });

  it('files and folders vanishing during the scan: no crash, only ENOENT reported, the stable part exact', async () => {
    const stable = stableTree();
    const churnDir = path.join(box.root, 'churn');
    fs.mkdirSync(churnDir);
    child = await churn(VANISHER, churnDir);
    const codes = new Set<string>();
    for (let pass = 0; pass < 20; pass++) {
      const result = await walk([box.root], { topN: 50, detailDepth: 3, workers: 2 });
      for (const e of result.errors) codes.add(e.code);
      const stableNode = result.roots[0].children!.find((c) => c.name === 'stable')!;
      assert.deepStrictEqual([stableNode.files, stableNode.bytes], [stable.files, stable.bytes]);
      assert.strictEqual(result.cancelled, false);
    }
    for (const code of codes) assert.ok(code === 'ENOENT', `unexpected error code ${code}`);
  });

  it('deleting a folder that another process keeps filling: no crash, the failure is reported, nothing else touched', async () => {
    stableTree();
    const churnDir = path.join(box.root, 'churn');
    fs.mkdirSync(churnDir);
    child = await churn(VANISHER, churnDir);
    await new Promise((r) => setTimeout(r, 100));
    const result = await walk([box.root], { topN: 50, detailDepth: 3 });
    const plan = planFromWalk(result, box.root, [churnDir]);
    const stableBefore = snapshotTree(path.join(box.root, 'stable'));
    const outsideBefore = snapshotTree(box.outside);
    const report = await executePlan(plan);
    await stop(child);
    child = undefined;
    const o = report.outcomes[0];
    // Either the remover won the race, or the folder was refilled before its rmdir (ENOTEMPTY),
    // or a sub-folder it had seen was re-created (changed): all reported, none thrown.
    assert.ok(o.status === 'deleted' || (o.status === 'failed' && typeof o.code === 'string' && o.message), JSON.stringify(o));
    if (o.status === 'failed') assert.ok(o.entryErrors!.every((e) => ['ENOTEMPTY', 'changed', 'ENOENT'].includes(e.code)), JSON.stringify(o.entryErrors));
    assertOnlyRemoved(stableBefore, snapshotTree(path.join(box.root, 'stable')), []);
    assertOnlyRemoved(outsideBefore, snapshotTree(box.outside), []);
  });
});
