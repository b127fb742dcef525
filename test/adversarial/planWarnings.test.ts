// Adversarial: plans must show what the scan could not count. A checkpoint (or a cache folder)
// holding a tree deeper than PATH_MAX cannot be fully walked by path (ENAMETOOLONG), so the bytes
// planned for it are less than `du` finds; `plan` / `apply retention` and `purge`, in text and
// JSON, must carry and show that warning for that target, and only for the targets it touches.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { setTreeTimes } from '../support/checkpointFixtures';
import { writeSafetensors } from '../support/torchFixtures';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const OLD = Date.now() - 2 * 24 * 3600_000;
const cli = (args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd, timeout: 120_000 });

/**
 * A chain of 200-character folders under `dir` until the path passes `chars` characters, with a
 * 40 KB file at the end, built through descriptors (no full path can name it); every folder gets
 * the old time, so the run does not look in progress.
 */
function deepChain(dir: string, chars: number): void {
  const segment = 'd'.repeat(200);
  const old = new Date(OLD);
  let fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    for (let length = dir.length; length < chars; length += segment.length + 1) {
      fs.mkdirSync(`/proc/self/fd/${fd}/${segment}`);
      const next = fs.openSync(`/proc/self/fd/${fd}/${segment}`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      fs.futimesSync(fd, old, old); // its child was just made: set the folder's time after that
      fs.closeSync(fd);
      fd = next;
    }
    fs.writeFileSync(`/proc/self/fd/${fd}/leaf.bin`, Buffer.alloc(40_000, 7));
    fs.utimesSync(`/proc/self/fd/${fd}/leaf.bin`, old, old);
    fs.futimesSync(fd, old, old);
  } finally {
    fs.closeSync(fd);
  }
  fs.utimesSync(dir, old, old);
}

/** `du -sB1` of a path: GNU du walks trees deeper than PATH_MAX. */
const du = (p: string) => Number(execFileSync('du', ['-sB1', p], { encoding: 'utf8' }).split('\t')[0]);

describe('adversarial: plans show the scan warnings that touch their targets', function () {
  this.timeout(180_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-adv-pw-'); });
  afterEach(() => box.cleanup());

  /** run/checkpoint-{100,200,300}: 100 and 200 are deleted by keep-best 0; 100 and 300 hold deep trees. */
  function makeRun() {
    const run = path.join(box.root, 'run');
    const ck = [100, 200, 300].map((s) => path.join(run, `checkpoint-${s}`));
    for (const c of ck) {
      writeSafetensors(path.join(c, 'model.safetensors'), 4096); // valid weights: a complete checkpoint
      writeFile(path.join(c, 'trainer_state.json'), JSON.stringify({ global_step: Number(c.split('-').pop()), log_history: [] }));
    }
    setTreeTimes(run, OLD);
    deepChain(ck[0], 6000);
    deepChain(ck[2], 6000); // inside the kept checkpoint: no plan target, so not attached
    return { run, ck };
  }

  it('plan retention (text and --json): the ENAMETOOLONG inside a checkpoint to delete is shown, its bytes are a lower bound', () => {
    const { run, ck } = makeRun();
    const json = cli(['plan', 'retention', '--keep-best', '0', run, '--json']);
    assert.strictEqual(json.status, 0, json.stderr);
    const plan = JSON.parse(json.stdout);
    assert.deepStrictEqual(plan.delete.map((d: { path: string }) => d.path), [ck[0], ck[1]]);
    // The reason the warning matters: the planned bytes are short of what du finds.
    const planned = plan.delete[0].bytes;
    assert.ok(planned < du(ck[0]), `planned ${planned} < du ${du(ck[0])}`);
    assert.ok(plan.scanWarnings.length >= 1, JSON.stringify(plan.scanWarnings));
    for (const w of plan.scanWarnings) {
      assert.strictEqual(w.target, ck[0]);
      assert.strictEqual(w.code, 'ENAMETOOLONG');
      assert.ok(w.path.startsWith(ck[0] + '/'), w.path);
    }

    const text = cli(['plan', 'retention', '--keep-best', '0', run]);
    assert.strictEqual(text.status, 0, text.stderr);
    const lines = text.stdout.split('\n').filter((l) => l.includes('not fully counted'));
    assert.ok(lines.length >= 1, text.stdout);
    for (const l of lines) {
      assert.ok(l.startsWith(`  ! ${ck[0]} was not fully counted (its size is a lower bound): ENAMETOOLONG at `), l);
      assert.ok(l.length < 400, 'a path of 6,000 characters is cut for the terminal');
    }
    assert.ok(!text.stdout.includes(`${ck[2]} was not`), 'the kept checkpoint is not named');
  });

  it('apply retention --yes (text and --json) still says what could not be counted, then deletes the whole checkpoint', () => {
    const { run, ck } = makeRun();
    const r = cli(['apply', 'retention', '--keep-best', '0', run, '--yes', '--json']);
    assert.strictEqual(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.scanWarnings.length >= 1 && report.scanWarnings.every((w: { target: string; code: string }) => w.target === ck[0] && w.code === 'ENAMETOOLONG'), JSON.stringify(report.scanWarnings));
    assert.deepStrictEqual(report.outcomes.map((o: { status: string }) => o.status), ['deleted', 'deleted']);
    assert.ok(!fs.existsSync(ck[0]) && !fs.existsSync(ck[1]) && fs.existsSync(ck[2]));

    const again = makeRunAgain(run);
    const t = cli(['apply', 'retention', '--keep-best', '0', run, '--yes']);
    assert.strictEqual(t.status, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`^  ! ${again.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was not fully counted \\(its size is a lower bound\\): ENAMETOOLONG`, 'm'));
    assert.match(t.stdout, /^Reclaimed /m);
  });

  /** After the first apply: a new deep checkpoint-50 older than checkpoint-300 (deleted by keep-best 0). */
  function makeRunAgain(run: string): string {
    const c = path.join(run, 'checkpoint-50');
    writeSafetensors(path.join(c, 'model.safetensors'), 4096); // valid weights: a complete checkpoint
    setTreeTimes(c, OLD);
    deepChain(c, 6000);
    return c;
  }

  it('purge (a cache with a too-deep folder): the plan text and JSON name it', () => {
    const cache = path.join(box.root, 'pip-cache');
    writeFile(path.join(cache, 'wheels', 'w', 'pkg-1.0-py3-none-any.whl'), 3000);
    fs.mkdirSync(path.join(cache, 'http-v2'), { recursive: true });
    deepChain(path.join(cache, 'http-v2'), 6000);
    const cwd = path.join(box.dir, 'elsewhere');
    fs.mkdirSync(cwd);
    const env = { PIP_CACHE_DIR: cache, PIP_CONFIG_FILE: '/dev/null' };
    const json = cli(['purge', 'pip:purge', '--json'], env, cwd);
    assert.strictEqual(json.status, 0, json.stderr);
    const plan = JSON.parse(json.stdout);
    assert.ok(plan.scanWarnings.length >= 1 && plan.scanWarnings.every((w: { target: string; code: string }) => w.code === 'ENAMETOOLONG' && (w.target === path.join(cache, 'http-v2') || w.target === cache)), JSON.stringify(plan.scanWarnings));
    const text = cli(['purge', 'pip:purge'], env, cwd);
    assert.strictEqual(text.status, 0, text.stderr);
    assert.match(text.stdout, /^ {2}! .* was not fully counted \(its size is a lower bound\): ENAMETOOLONG at /m);
  });
});
