// Adversarial: hostile trainer_state.json files in real HF Trainer run folders — malformed,
// truncated, huge (100 MB), deeply nested, wrong types, a FIFO, a symlink to a system file, and
// best_model_checkpoint pointing out of the run. The real checkpoint discovery and retention plan
// run on them; then the plan is executed and everything outside it is checked byte for byte.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { planRetention } from '../../src/core/categories/checkpoints';
import { executePlan } from '../../src/core/executor';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

const DAY = 24 * 3600 * 1000;

describe('adversarial: hostile trainer_state.json', function () {
  this.timeout(120_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-adv-ts-'); });
  afterEach(() => box.cleanup());

  /** An HF run with checkpoints at 100..500; the newest holds `state` as trainer_state.json. */
  function run(name: string, state: (file: string) => void): string {
    const dir = path.join(box.root, name);
    const old = new Date(Date.now() - 10 * DAY);
    for (const step of [100, 200, 300, 400, 500]) {
      const ckpt = path.join(dir, `checkpoint-${step}`);
      writeFile(path.join(ckpt, 'model.safetensors'), 2000);
      writeFile(path.join(ckpt, 'optimizer.pt'), 4000);
      const file = path.join(ckpt, 'trainer_state.json');
      if (step === 500) state(file);
      else writeFile(file, JSON.stringify({ global_step: step, max_steps: 1000, save_steps: 100 }, null, 2));
    }
    // Old mtimes: not a run in progress (fs.utimesSync does not follow symlinks: use lutimes).
    const age = (p: string) => {
      const st = fs.lstatSync(p);
      if (st.isDirectory()) for (const n of fs.readdirSync(p)) age(path.join(p, n));
      fs.lutimesSync(p, old, old);
    };
    age(dir);
    return dir;
  }

  function hugeState(file: string): void {
    // ~100 MB of valid JSON as the Trainer writes it (indent=2), mostly log_history.
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, '{\n  "best_metric": 0.5,\n  "global_step": 500,\n  "log_history": [\n');
    const entry = '    {\n      "epoch": 1.0,\n      "eval_loss": 0.123456789,\n      "learning_rate": 0.0001,\n      "step": 100\n    },\n';
    const chunk = entry.repeat(Math.floor((1 << 20) / entry.length));
    for (let i = 0; i < 100; i++) fs.writeSync(fd, chunk);
    fs.writeSync(fd, '    {"step": 500, "eval_loss": 0.1}\n  ],\n  "max_steps": 1000,\n  "save_steps": 100\n}\n');
    fs.closeSync(fd);
    assert.ok(fs.statSync(file).size >= 100 * 1000 * 1000);
  }

  it('no crash, every problem named on its run, plans stay inside each run, and executing them touches nothing else', async () => {
    const outsideBest = path.join(box.outside, 'checkpoint-100');
    writeFile(path.join(outsideBest, 'model.safetensors'), 2000);
    const runs = {
      truncated: run('truncated', (f) => writeFile(f, '{\n  "global_step": 500,\n  "log_history": [{"step": 100, "eval_lo')),
      malformed: run('malformed', (f) => writeFile(f, '{"global_step": 500,, "max_steps": }')),
      empty: run('empty', (f) => writeFile(f, '')),
      binary: run('binary', (f) => fs.writeFileSync(f, Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3]))),
      huge: run('huge', hugeState),
      nested: run('nested', (f) => writeFile(f, `{"global_step": 500, "x": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`)),
      wrongTypes: run('wrong-types', (f) => writeFile(f, JSON.stringify({
        global_step: 'five hundred', max_steps: -1, save_steps: 0, best_metric: 'NaN', best_global_step: 1.5,
        log_history: { step: 100 }, best_model_checkpoint: 12,
      }))),
      badHistory: run('bad-history', (f) => writeFile(f, JSON.stringify({
        global_step: 500, log_history: [null, 1, 'x', [], { step: -1, eval_loss: 1 }, { step: 'a' }, { step: 300, eval_loss: 'low' }, { step: 200, eval_loss: 1e309 }, { __proto__: { step: 1 } }],
      }))),
      bestOutside: run('best-outside', (f) => writeFile(f, JSON.stringify({ global_step: 500, best_model_checkpoint: outsideBest, best_metric: 0.01 }))),
      bestTraversal: run('best-traversal', (f) => writeFile(f, JSON.stringify({ global_step: 500, best_model_checkpoint: '../../../../../../', best_metric: 0.01 }))),
      fifo: run('fifo', (f) => execFileSync('mkfifo', [f])),
      symlink: run('symlink', (f) => fs.symlinkSync('/etc/passwd', f)),
    };
    const { plan, runs: scanned, warnings } = await planRetention([box.root], 1);
    assert.deepStrictEqual(scanned.map((r) => path.basename(r.path)).sort(), Object.values(runs).map((r) => path.basename(r)).sort());
    const problemsOf = (dir: string) => scanned.find((r) => r.path === dir)!.problems.join(' | ');
    assert.match(problemsOf(runs.truncated), /not valid JSON/);
    assert.match(problemsOf(runs.malformed), /not valid JSON/);
    assert.match(problemsOf(runs.empty), /empty/);
    assert.match(problemsOf(runs.huge), /read limit/);
    assert.match(problemsOf(runs.nested), /nests \d+ levels/);
    assert.match(problemsOf(runs.wrongTypes), /global_step has the wrong type/);
    assert.match(problemsOf(runs.badHistory), /malformed and skipped/);
    assert.match(problemsOf(runs.fifo), /not a regular file/);
    assert.match(problemsOf(runs.symlink), /symlink/);
    assert.ok(Array.isArray(warnings));
    // The huge file is not parsed whole; the run still has usable facts (its newest full state).
    assert.ok([400, 500].includes(scanned.find((r) => r.path === runs.huge)!.trainerState!.globalStep!));

    // Every planned deletion lies inside its own run; every run keeps its newest checkpoint.
    for (const t of plan.targets) {
      const owner = Object.values(runs).find((r) => t.path.startsWith(r + '/'));
      assert.ok(owner, `${t.path} is outside every run`);
      assert.match(path.basename(t.path), /^checkpoint-\d+$/);
      assert.notStrictEqual(path.basename(t.path), 'checkpoint-500');
    }
    for (const r of Object.values(runs)) assert.ok(!plan.targets.some((t) => t.path === path.join(r, 'checkpoint-500')));

    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.ok(report.outcomes.every((o) => o.status === 'deleted'), JSON.stringify(report.outcomes.filter((o) => o.status !== 'deleted')));
    assertOnlyRemoved(before, snapshotTree(box.dir), plan.targets.map((t) => path.relative(box.dir, t.path)));
    assert.ok(fs.existsSync(path.join(outsideBest, 'model.safetensors')), 'the out-of-run "best" is untouched');
  });
});
