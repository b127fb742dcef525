// Adversarial: Ctrl-C (a real SIGINT to a real CLI process) in the middle of a confirmed deletion
// of a large folder. The CLI must stop between two entries, say what it removed and what is left,
// and exit 130; what it did not reach stays byte-identical.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { setTreeTimes } from '../support/checkpointFixtures';
import { writeSafetensors } from '../support/torchFixtures';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const DAY = 24 * 3600_000;
const FILES = 3000;

/** Files, links and folders below `dir` (not counting it). */
function countEntries(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    n++;
    if (e.isDirectory()) n += countEntries(path.join(dir, e.name));
  }
  return n;
}

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; sentAt: number; remainingAtSignal: number }

/**
 * Starts the CLI and sends SIGINT once `watch` (a folder the deletion empties) has lost some
 * entries but far from all: the deletion is then under way inside that large folder.
 */
function runAndInterrupt(args: string[], watch: string, env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    let sentAt = 0, remainingAtSignal = -1;
    const poll = setInterval(() => {
      let left: number;
      try { left = fs.readdirSync(watch).length; } catch { left = 0; }
      if (left < FILES - 50) {
        clearInterval(poll);
        remainingAtSignal = left;
        sentAt = Date.now();
        child.kill('SIGINT');
      }
    }, 5);
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`the CLI did not end: ${stderr}`)); }, 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, sentAt, remainingAtSignal });
    });
  });
}

describe('adversarial: Ctrl-C during a confirmed deletion (real CLI, real SIGINT)', function () {
  this.timeout(180_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-adv-int-'); });
  afterEach(() => box.cleanup());

  /** A finished run: checkpoint-1..4, the first three planned for deletion, each with many files. */
  function makeRun(): { run: string; ck: string[] } {
    const run = path.join(box.root, 'run');
    const ck = [100, 200, 300, 400].map((s) => path.join(run, `checkpoint-${s}`));
    for (const c of ck) {
      writeSafetensors(path.join(c, 'model.safetensors'), 4096); // valid weights: a complete checkpoint
      writeFile(path.join(c, 'trainer_state.json'), JSON.stringify({ global_step: Number(c.split('-').pop()), log_history: [] }));
    }
    for (const c of ck.slice(0, 3)) {
      fs.mkdirSync(path.join(c, 'shards'));
      for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(c, 'shards', `part-${i}`), 'x');
    }
    // The kept checkpoint has shards/ too (a few files): a checkpoint lacking what its siblings have is incomplete.
    fs.mkdirSync(path.join(ck[3], 'shards'));
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(ck[3], 'shards', `part-${i}`), 'x');
    setTreeTimes(run, Date.now() - 2 * DAY);
    return { run, ck };
  }

  for (const json of [false, true]) {
    it(`apply retention --yes${json ? ' --json' : ''}: stops between entries, reports removed and left, exits 130`, async () => {
      const { run, ck } = makeRun();
      const before = snapshotTree(box.dir);
      const r = await runAndInterrupt(['apply', 'retention', '--keep-best', '0', run, '--yes', ...(json ? ['--json'] : [])], path.join(ck[0], 'shards'));
      assert.ok(r.sentAt > 0, 'SIGINT was sent mid-deletion');
      assert.strictEqual(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
      assert.strictEqual(r.code, 130, `exit ${r.code}; stdout ${r.stdout}; stderr ${r.stderr}`);
      assert.match(r.stderr, /Stopping after the entry being removed now/);
      const left = fs.readdirSync(path.join(ck[0], 'shards')).length;
      assert.ok(left > 0 && left <= r.remainingAtSignal, `checkpoint-100 partly removed: ${left} of ${FILES} left`);
      // Entries of checkpoint-100 before: its two files, shards/ and the files in it.
      const removedEntries = FILES + 3 - countEntries(ck[0]);
      if (json) {
        const report = JSON.parse(r.stdout);
        assert.strictEqual(report.cancelled, true);
        const byPath = new Map<string, { status: string; code?: string; removedEntries?: number }>(report.outcomes.map((o: { path: string }) => [o.path, o]));
        assert.deepStrictEqual([byPath.get(ck[0])!.status, byPath.get(ck[0])!.code], ['failed', 'cancelled']);
        assert.strictEqual(byPath.get(ck[0])!.removedEntries, removedEntries);
        for (const c of ck.slice(1, 3)) assert.deepStrictEqual([byPath.get(c)!.status, byPath.get(c)!.code], ['skipped', 'cancelled']);
      } else {
        assert.match(r.stdout, /^Stopped by Ctrl-C\. Reclaimed 0 B \(0 of 3 items removed\)\./m);
        const partly = r.stdout.split('Partly removed (the rest is still there):\n')[1] ?? '';
        assert.ok(partly.startsWith(`  ${ck[0]}: ${removedEntries} entries removed`), r.stdout);
        const untouched = r.stdout.split('Left as it was:\n')[1] ?? '';
        assert.deepStrictEqual(untouched.trim().split('\n').map((l) => l.trim()), [ck[1], ck[2]], r.stdout);
      }
      // The checkpoints not reached and the kept one are byte-identical; nothing else changed.
      assertOnlyRemoved(before, snapshotTree(box.dir), [path.relative(box.dir, ck[0])], []);
    });
  }

  it('purge pip:purge --yes: the same for a cache purge (folders not reached are intact)', async () => {
    const cache = path.join(box.root, 'pip-cache');
    const http = path.join(cache, 'http-v2');
    fs.mkdirSync(http, { recursive: true });
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(http, `e${i}`), 'y');
    writeFile(path.join(cache, 'wheels', 'w', 'pkg-1.0-py3-none-any.whl'), 3000);
    writeFile(path.join(cache, 'http', 'a', 'b', 'entry'), 2000);
    const cwd = path.join(box.dir, 'elsewhere');
    fs.mkdirSync(cwd);
    const before = snapshotTree(box.dir);
    const r = await runAndInterrupt(['purge', 'pip:purge', '--yes'], http, { PIP_CACHE_DIR: cache, PIP_CONFIG_FILE: '/dev/null' }, cwd);
    assert.ok(r.sentAt > 0, 'SIGINT was sent mid-deletion');
    assert.strictEqual(r.code, 130, `exit ${r.code}; stdout ${r.stdout}; stderr ${r.stderr}`);
    assert.match(r.stdout, /^Stopped by Ctrl-C\./m);
    assert.match(r.stdout, new RegExp(`Partly removed \\(the rest is still there\\):\\n  ${http.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ entries removed`));
    assert.ok(fs.readdirSync(http).length > 0);
    // What the purge did not reach is intact; where it got to is reported.
    const after = snapshotTree(box.dir);
    const planned = ['http', 'http-v2', 'wheels', 'selfcheck'].map((n) => path.relative(box.dir, path.join(cache, n)));
    assertOnlyRemoved(before, after, planned, []);
    for (const dir of ['http', 'wheels']) {
      const p = path.join(cache, dir);
      if (fs.existsSync(p)) assert.match(r.stdout, new RegExp(`(Left as it was|Partly removed)[^]*${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      else assert.match(r.stdout, /Removed:/);
    }
  });
});
