// The background memory warning: /proc/meminfo read from the real file and from fixtures laid out
// like it (the real file's text with MemAvailable rewritten), warn once with hysteresis, a run
// detected from a real Python process with PyTorch loaded and from a real checkpoint run in
// progress, and no memory read while no run is active (the sandbox's own PID namespace: only
// this test's processes are visible).
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listTrainingProcesses, parseMeminfo } from '../../src/core/headroom/memory';
import { activeRunText, MemoryWatch, memoryAlertStep, readMeminfo, runsInProgress } from '../../src/core/headroom/memoryWatch';
import { scan } from '../../src/core/scan/scan';
import { buildCheckpointScene } from '../support/checkpointFixtures';

const PYTHON = '/usr/bin/python3'; // Debian's, where python3-torch is installed

/** The real /proc/meminfo with MemAvailable set to `percent` of MemTotal. */
function meminfoAt(percent: number): string {
  const real = fs.readFileSync('/proc/meminfo', 'utf8');
  const totalKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(real)![1]);
  return real.replace(/^MemAvailable:\s+\d+ kB$/m, `MemAvailable:   ${Math.floor((totalKb * percent) / 100)} kB`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('memory watch: warn once while a training run is active', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-memwatch-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the real /proc/meminfo: MemTotal as free -b reports it', async () => {
    const info = await readMeminfo();
    const free = execFileSync('free', ['-b'], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('Mem:'))!.trim().split(/\s+/);
    assert.equal(info.totalBytes, Number(free[1]));
    // Available moves between the two reads; it is what free calls "available" give or take a little.
    assert.ok(Math.abs(info.availableBytes - Number(free[6])) < info.totalBytes * 0.02, `${info.availableBytes} vs ${free[6]}`);
  });

  it('warns once under the threshold, re-arms only 2 points above it', async () => {
    const file = path.join(dir, 'meminfo');
    const at = async (percent: number) => {
      fs.writeFileSync(file, meminfoAt(percent));
      return readMeminfo(file);
    };
    let warned = false;
    const seen: (string | undefined)[] = [];
    for (const percent of [30, 9.5, 5, 9.9, 11, 5, 12.5, 8]) {
      const step = memoryAlertStep(warned, await at(percent), 10, 'train.py (pid 42)');
      warned = step.warned;
      seen.push(step.warn);
    }
    const warnedAt = seen.map((w, i) => (w ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(warnedAt, [1, 7], 'at 9.5 % and again at 8 % after recovering to 12.5 %');
    const mem = parseMeminfo(meminfoAt(9.5));
    assert.match(seen[1]!, new RegExp(`^Only .* of .* memory is available \\(${((mem.availableBytes / mem.totalBytes) * 100).toFixed(1)} %\\) while train.py \\(pid 42\\) runs: the OOM killer may end it\\.$`));
    assert.equal(memoryAlertStep(false, await at(1), 0, 'x').warn, undefined, '0 turns it off');
  });

  it('a FIFO or a file without the fields is refused at once, never waited on', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await assert.rejects(readMeminfo(fifo), /FIFO/);
    assert.ok(Date.now() - started < 5000, 'did not wait for a writer');
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, 'MemFree: 12 kB\n');
    await assert.rejects(readMeminfo(empty), /no MemTotal/);
  });

  it('nothing active: memory is not read at all', async () => {
    let reads = 0;
    const watch = new MemoryWatch({
      activeRun: () => activeRunText(undefined),
      readMemory: async () => { reads++; return readMeminfo(); },
      warnBelowPercent: () => 100,
      warn: () => assert.fail('no warning without a run'),
      problem: (m) => assert.fail(m),
      discoveryMs: 50,
      pollMs: 10,
    });
    assert.deepEqual((await listTrainingProcesses()).filter((p) => p.torch), [], 'no PyTorch process in this sandbox');
    watch.start();
    await sleep(400);
    watch.stop();
    assert.equal(reads, 0);
    assert.equal(watch.polling, false);
  });

  describe('with a real Python process that loaded PyTorch', () => {
    let child: ChildProcess;
    before(async function () {
      child = spawn(PYTHON, ['-c', 'import torch, sys; print("ready", flush=True); sys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`python3 with torch exited (${code}) before it was ready: is python3-torch installed?`)));
      });
    });
    after(() => child?.kill('SIGKILL'));

    it('is the active run; memory is polled, the warning comes once; polling stops when it exits', async () => {
      const listed = (await listTrainingProcesses()).find((p) => p.pid === child.pid);
      assert.ok(listed?.torch, 'listed with torch loaded');
      assert.match((await activeRunText(undefined))!, new RegExp(`\\(pid ${child.pid}\\)`));

      const low = path.join(dir, 'meminfo-low');
      fs.writeFileSync(low, meminfoAt(4));
      const warnings: string[] = [];
      const watch = new MemoryWatch({
        activeRun: () => activeRunText(undefined),
        readMemory: () => readMeminfo(low),
        warnBelowPercent: () => 10,
        warn: (m) => warnings.push(m),
        problem: (m) => assert.fail(m),
        discoveryMs: 60_000,
        pollMs: 20,
      });
      watch.start();
      await watch.check();
      await sleep(300);
      assert.ok(watch.polling);
      assert.ok(watch.readings >= 5, `${watch.readings} readings`);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], new RegExp(`while python3 -c \\(pid ${child.pid}\\) runs`));

      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      await watch.check();
      const readings = watch.readings;
      await sleep(200);
      assert.equal(watch.active, undefined);
      assert.equal(watch.polling, false);
      assert.equal(watch.readings, readings, 'no reading after the run ended');
      watch.stop();
    });
  });

  it('a checkpoint run in progress (a real run folder written just now) counts as active', async () => {
    const root = path.join(dir, 'runs');
    fs.mkdirSync(root);
    const scene = buildCheckpointScene(root);
    const model = await scan({ roots: [root], env: { HOME: path.join(dir, 'no-home') }, settings: { docker: false } });
    const labels = runsInProgress(model);
    assert.equal(labels.length, 1, labels.join(', '));
    const runs = model.categories.find((c) => c.id === 'checkpoints')!.items;
    const stack = [...runs];
    let runItem;
    while (stack.length) {
      const i = stack.pop()!;
      if (i.kind === 'run' && i.label === labels[0]) runItem = i;
      stack.push(...(i.children ?? []));
    }
    assert.equal(runItem?.path, scene.inProgress.runPath);
    assert.equal(await activeRunText(model, async () => []), labels[0]);
  });
});
