// Checkpoints as the frameworks really write them: Lightning's own best from the ModelCheckpoint
// state inside real torch.save files (Debian's torch writes them), HF runs saving every epoch,
// half-written checkpoints after a crash, hard-linked backups, and the CLI with a run in progress.
// Every expected number is computed from what the fixture wrote (du, torch.load, the file list).
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import {
  checkpointCategory, planRetention, planSlim, scanCheckpointPaths, type Run,
} from '../../src/core/categories/checkpoints';
import { executePlan } from '../../src/core/executor';
import { weightFileProblem } from '../../src/core/categories/checkpoints/incomplete';
import { asyncInspectOps, inspectFolder, inspectWeight } from '../../src/core/categories/checkpoints/inspectFolder';
import { CheckpointInspector, inspectCheckpoints, inspectWorkerPath } from '../../src/core/categories/checkpoints/inspectPool';
import { readLightningCkpt } from '../../src/core/categories/checkpoints/lightningState';
import { dictGet, PickleError, readPickle } from '../../src/core/categories/checkpoints/pickle';
import type { ScanModel } from '../../src/core/model';
import { buildNodeIndex } from '../../src/host/tree/nodes';
import { makeHfRun, setTreeTimes } from '../support/checkpointFixtures';
import { diskBytes, makeSandbox, type Sandbox } from '../support/deletionFixtures';
import { loadCkpt, writeLightningRun, writeSafetensors, writeTorchBin } from '../support/torchFixtures';

const DAY = 86_400_000;
const old = () => Date.now() - 3 * DAY;
const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const cli = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: cwd } });
const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const duB1 = (...paths: string[]) => Number(execFileSync('du', ['-sB1', '-c', ...paths], { encoding: 'utf8' }).trim().split('\n').pop()!.split('\t')[0]);
const only = (runs: Run[]) => { assert.strictEqual(runs.length, 1, `runs: ${runs.map((r) => r.path).join(', ')}`); return runs[0]; };
const named = (run: Run, name: string) => { const c = run.checkpoints.find((x) => x.name === name); assert.ok(c, `${name} not in ${run.checkpoints.map((x) => x.name).join(', ')}`); return c; };

describe('checkpoints: Lightning best from its own ModelCheckpoint state (real torch.save files)', function () {
  this.timeout(300_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-lt-'); });
  afterEach(() => box.cleanup());

  it('default {epoch}-{step} names: the best is Lightning\'s best_model_path, kept by "keep best 1 + last"; it still loads', async () => {
    const dir = path.join(box.root, 'lightning_logs', 'version_0', 'checkpoints');
    const lt = writeLightningRun({ dir, monitor: 'val_loss', saveTopK: -1, scores: [0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.3, 0.35, 0.4, 0.42] });
    const lightningBest = path.basename(lt.best_model_path);
    const newest = [...lt.files].sort((a, b) => Number(/step=(\d+)/.exec(a)![1]) - Number(/step=(\d+)/.exec(b)![1])).pop()!;
    const { plan, runs } = await planRetention([box.root], 1, { env: {} });
    const run = only(runs);
    assert.deepStrictEqual(run.checkpoints.filter((c) => c.best).map((c) => c.name), [lightningBest]);
    assert.deepStrictEqual([run.metricName, run.metricDirection], ['val_loss', 'min']);
    assert.match(run.bestSource ?? '', /best_model_path/);
    // Every checkpoint's score, as Lightning recorded it in best_k_models.
    for (const [name, score] of Object.entries(lt.best_k_models)) assert.strictEqual(named(run, name).metric?.value, score, name);
    assert.match(plan.title, /keep best 1 \+ last/);
    const kept = new Set((plan.keep ?? []).map((k) => path.basename(k.path)));
    assert.ok(kept.has(lightningBest) && kept.has(newest), `kept: ${[...kept].join(', ')}`);
    assert.strictEqual(plan.targets.length, lt.files.length - 2);

    const before = loadCkpt(path.join(dir, lightningBest));
    const report = await executePlan(plan, { protectedPaths: [] });
    assert.ok(report.outcomes.every((o) => o.status === 'deleted'));
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), [lightningBest, newest].sort());
    assert.deepStrictEqual(loadCkpt(path.join(dir, lightningBest)), before);
  });

  it('mode max, save_top_k=3 and save_last: best = best_model_path (the highest val_acc), last = last.ckpt', async () => {
    const dir = path.join(box.root, 'run');
    const lt = writeLightningRun({ dir, monitor: 'val_acc', mode: 'max', saveTopK: 3, saveLast: true, scores: [0.5, 0.62, 0.71, 0.69, 0.8, 0.77] });
    const { scan } = await scanCheckpointPaths([box.root], { env: {} });
    const run = only(scan.runs);
    assert.deepStrictEqual(run.checkpoints.map((c) => c.name).sort(), lt.files);
    assert.deepStrictEqual(run.checkpoints.filter((c) => c.best).map((c) => c.name), [path.basename(lt.best_model_path)]);
    assert.strictEqual(run.metricDirection, 'max');
    assert.deepStrictEqual(run.checkpoints.filter((c) => c.last).map((c) => c.name), ['last.ckpt']);
  });

  it('no monitor (no metric anywhere): never "best"; the plan and the tree say "no metric found: keeping the newest 2"', async () => {
    const dir = path.join(box.root, 'run');
    writeLightningRun({ dir, monitor: null, saveTopK: -1, scores: [0, 0, 0, 0] });
    const result = await planRetention([box.root], 1, { env: {} });
    const run = only(result.runs);
    assert.ok(!run.checkpoints.some((c) => c.best));
    assert.match(result.plan.title, /no metric found: keeping the newest 2/);
    assert.doesNotMatch(result.plan.title, /best/);
    assert.strictEqual(result.plan.targets.length, 2);
    const category = await checkpointCategory({ runs: result.runs, loose: [], claimedPaths: [], cancelled: false }, { keepBest: 1, now: Date.now() });
    const row = category.items[0];
    assert.match(row.description ?? '', /no metric found: keeping the newest 2/);
    for (const child of row.children ?? []) assert.ok(!(child.badges ?? []).includes('best'), `${child.label}: ${child.badges}`);
    assert.deepStrictEqual((row.children ?? []).map((c) => c.badges?.includes('would delete') ?? false), [true, true, false, false], 'the two oldest are marked for deletion');
  });

  it('slimming a Lightning .ckpt is refused with the reason; the file is untouched and loads', async () => {
    const dir = path.join(box.root, 'run');
    const lt = writeLightningRun({ dir, monitor: 'val_loss', saveTopK: -1, scores: [0.5, 0.4] });
    const { scan, scannedAt } = await scanCheckpointPaths([box.root], { env: {} });
    const run = only(scan.runs);
    const target = named(run, lt.files[0]);
    const hash = sha(target.path);
    const plan = planSlim([target], scan.runs, scannedAt);
    assert.strictEqual(plan.targets.length, 0);
    assert.match(plan.warnings!.join('\n'), /Lightning \.ckpt .* never does/);
    assert.strictEqual(sha(target.path), hash);
    assert.ok(loadCkpt(target.path).keys.includes('optimizer_states'));
  });

  it('a .ckpt cut off while being written (zip without central directory) is incomplete: not last, not best, deleted by retention', async () => {
    const dir = path.join(box.root, 'run');
    const lt = writeLightningRun({ dir, monitor: 'val_loss', saveTopK: -1, scores: [0.5, 0.3, 0.4, 0.35] });
    const cut = path.join(dir, 'epoch=3-step=16.ckpt');
    fs.truncateSync(cut, Math.floor(fs.statSync(cut).size * 0.6));
    setTreeTimes(cut, old()); // the crash was days ago (a fresh file would make the run "in progress")
    const { plan, runs } = await planRetention([box.root], 1, { env: {} });
    const run = only(runs);
    assert.match(named(run, 'epoch=3-step=16.ckpt').incomplete ?? '', /central directory/);
    assert.deepStrictEqual(run.checkpoints.filter((c) => c.last).map((c) => c.name), ['epoch=2-step=12.ckpt']);
    assert.deepStrictEqual(run.checkpoints.filter((c) => c.best).map((c) => c.name), [path.basename(lt.best_model_path)]);
    assert.ok(plan.targets.some((t) => t.path === cut));
  });
});

describe('checkpoints: forecast from the saves a run really made (HF saving every epoch)', function () {
  this.timeout(300_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-fc-'); });
  afterEach(() => box.cleanup());

  it('8 steps per epoch, save_steps 500 in trainer_state.json: after the first checkpoint the forecast matches the real remaining saves', async () => {
    const runPath = path.join(box.root, 'run');
    const maxSteps = 120;
    makeHfRun(runPath, { steps: [8], saveSteps: 500, maxSteps, stepsPerEpoch: 8, evals: new Map(), newestMs: old() });
    const { scan } = await scanCheckpointPaths([box.root], { env: {} });
    const first = only(scan.runs).forecast!;
    // The truth: let the run save the rest of its epochs, and measure what they take.
    const before = duB1(runPath);
    makeHfRun(runPath, { steps: Array.from({ length: maxSteps / 8 }, (_, i) => (i + 1) * 8), saveSteps: 500, maxSteps, stepsPerEpoch: 8, evals: new Map(), newestMs: old() });
    const truth = duB1(runPath) - before;
    const savesTruth = maxSteps / 8 - 1;
    assert.strictEqual(first.savesLeft, savesTruth);
    assert.strictEqual(first.saveIntervalSource, 'epoch');
    assert.ok(Math.abs(first.bytesNeeded - truth) / truth < 0.05, `forecast ${first.bytesNeeded} vs truth ${truth}`);
    assert.notStrictEqual(first.confidence, 'high');
    assert.match(first.message, /confidence/);
  });

  it('1000 steps per epoch: the spacing of the saves (1000), not save_steps 500, counts the remaining saves', async () => {
    const runPath = path.join(box.root, 'run');
    const maxSteps = 15_000;
    const steps = [1000, 2000, 3000];
    makeHfRun(runPath, { steps, saveSteps: 500, maxSteps, stepsPerEpoch: 1000, evals: new Map(), newestMs: old() });
    const { scan } = await scanCheckpointPaths([box.root], { env: {} });
    const f = only(scan.runs).forecast!;
    const epochEndsLeft = maxSteps / 1000 - steps.length;
    assert.deepStrictEqual([f.saveInterval, f.savesLeft, f.confidence], [1000, epochEndsLeft, 'high']);
    assert.strictEqual(f.bytesNeeded, epochEndsLeft * diskBytes(path.join(runPath, 'checkpoint-3000')));
  });
});

describe('checkpoints: half-written checkpoints', function () {
  this.timeout(300_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-inc-'); });
  afterEach(() => box.cleanup());

  it('after a disk-full crash (checkpoint-120 holds only config.json): badged incomplete, the forecast ignores it, `apply retention --keep-best 0` keeps checkpoint-112', async () => {
    const runPath = path.join(box.root, 'run');
    const steps = Array.from({ length: 14 }, (_, i) => (i + 1) * 8);
    makeHfRun(runPath, { steps, saveSteps: 500, maxSteps: 200, stepsPerEpoch: 8, evals: new Map(), newestMs: old() });
    const stub = path.join(runPath, 'checkpoint-120');
    fs.mkdirSync(stub);
    fs.copyFileSync(path.join(runPath, 'checkpoint-112', 'config.json'), path.join(stub, 'config.json'));
    setTreeTimes(runPath, old());
    const { scan } = await scanCheckpointPaths([box.root], { env: {} });
    const run = only(scan.runs);
    assert.match(named(run, 'checkpoint-120').incomplete ?? '', /missing .*model\.safetensors|missing/);
    assert.deepStrictEqual(run.checkpoints.filter((c) => c.last).map((c) => c.name), ['checkpoint-112']);
    assert.strictEqual(run.forecast!.checkpointBytes, diskBytes(path.join(runPath, 'checkpoint-112')));
    const category = await checkpointCategory(scan, { keepBest: 0, now: Date.now() });
    const stubRow = category.items[0].children!.find((c) => c.label === 'checkpoint-120')!;
    assert.ok(stubRow.badges!.includes('incomplete') && !stubRow.badges!.includes('last'));

    const r = cli(box.dir, 'apply', 'retention', '--keep-best', '0', runPath, '--yes');
    assert.strictEqual(r.status, 0, r.stderr + r.stdout);
    assert.deepStrictEqual(fs.readdirSync(runPath).filter((n) => n.startsWith('checkpoint-')), ['checkpoint-112']);
  });

  const damages: [string, (cp: string, runPath: string) => void, RegExp, { deepspeed?: boolean; prepare?: (cp: string) => void }?][] = [
    ['a safetensors header longer than the file', (cp) => {
      const f = path.join(cp, 'model.safetensors');
      const b = Buffer.alloc(100); b.writeBigUInt64LE(5000n); fs.writeFileSync(f, b);
    }, /header of 5000 bytes is longer than the file/],
    ['safetensors tensor data cut short', (cp) => {
      const f = path.join(cp, 'model.safetensors');
      fs.truncateSync(f, fs.statSync(f).size - 1000);
    }, /runs past the end of the file/, { prepare: (cp) => writeSafetensors(path.join(cp, 'model.safetensors'), 64 * 1024) }],
    ['a zero-length model.safetensors', (cp) => fs.writeFileSync(path.join(cp, 'model.safetensors'), ''), /model\.safetensors is empty/],
    ['a pytorch_model.bin zip without its central directory', (cp) => {
      const f = path.join(cp, 'pytorch_model.bin');
      fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2));
    }, /central directory/, { prepare: (cp) => { writeTorchBin(path.join(cp, 'pytorch_model.bin')); } }],
    ['an unfinished optimizer.pt.tmp', (cp) => fs.writeFileSync(path.join(cp, 'optimizer.pt.tmp'), 'partial'), /unfinished file optimizer\.pt\.tmp/],
    ['trainer_state.json missing where its siblings have one', (cp) => fs.unlinkSync(path.join(cp, 'trainer_state.json')), /missing trainer_state\.json/],
    ['a DeepSpeed latest naming a missing global_step folder', (cp) => fs.rmSync(path.join(cp, 'global_step30'), { recursive: true }), /latest names global_step30/, { deepspeed: true }],
  ];
  for (const [what, damage, reason, extra] of damages) {
    it(`${what}: the newest is incomplete, the one before is last, retention deletes it even with keep-best 5`, async () => {
      const runPath = path.join(box.root, 'run');
      makeHfRun(runPath, { steps: [10, 20, 30], saveSteps: 10, maxSteps: 100, evals: new Map(), newestMs: old(), deepspeed: extra?.deepspeed });
      for (const s of [10, 20, 30]) extra?.prepare?.(path.join(runPath, `checkpoint-${s}`));
      damage(path.join(runPath, 'checkpoint-30'), runPath);
      setTreeTimes(runPath, old());
      const { plan, runs } = await planRetention([box.root], 5, { env: {} });
      const run = only(runs);
      assert.deepStrictEqual(run.checkpoints.filter((c) => c.incomplete).map((c) => c.name), ['checkpoint-30']);
      assert.match(named(run, 'checkpoint-30').incomplete!, reason);
      assert.deepStrictEqual(run.checkpoints.filter((c) => c.last).map((c) => c.name), ['checkpoint-20']);
      assert.deepStrictEqual(plan.targets.map((t) => path.basename(t.path)), ['checkpoint-30']);
      assert.strictEqual(run.forecast?.checkpointBytes, diskBytes(path.join(runPath, 'checkpoint-20')));
    });
  }
});

describe('checkpoints: folders inspected in worker threads', function () {
  this.timeout(120_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-insp-'); });
  afterEach(() => box.cleanup());

  it('the workers find what the main-thread inspection finds, in every damaged and hostile folder, and never wait on a FIFO', async () => {
    assert.ok(inspectWorkerPath(), 'the inspection worker script is next to the pool (else every scan falls back to the main thread)');
    const dirs: string[] = [];
    const folder = (name: string, fill: (dir: string) => void) => { const d = path.join(box.root, name); fs.mkdirSync(d); fill(d); dirs.push(d); };
    folder('whole', (d) => { writeSafetensors(path.join(d, 'model-00001-of-00002.safetensors'), 4096); writeSafetensors(path.join(d, 'model-00002-of-00002.safetensors'), 4096); });
    folder('header-past-end', (d) => { const b = Buffer.alloc(100); b.writeBigUInt64LE(5000n); fs.writeFileSync(path.join(d, 'model.safetensors'), b); });
    folder('data-cut', (d) => { const f = writeSafetensors(path.join(d, 'model.safetensors'), 64 * 1024); fs.truncateSync(f, fs.statSync(f).size - 1000); });
    folder('bad-json', (d) => { const b = Buffer.alloc(40); b.writeBigUInt64LE(16n); b.write('{not json at all', 8); fs.writeFileSync(path.join(d, 'model.safetensors'), b); });
    folder('empty', (d) => fs.writeFileSync(path.join(d, 'model.safetensors'), ''));
    folder('unfinished', (d) => fs.writeFileSync(path.join(d, 'optimizer.pt.tmp'), 'x'));
    folder('latest', (d) => { fs.writeFileSync(path.join(d, 'latest'), 'global_step30\n'); fs.mkdirSync(path.join(d, 'global_step20')); });
    folder('zip', (d) => writeTorchBin(path.join(d, 'pytorch_model.bin')));
    folder('fifo', (d) => execFileSync('mkfifo', [path.join(d, 'model.safetensors')]));
    folder('links', (d) => { fs.symlinkSync('/dev/zero', path.join(d, 'model.safetensors')); fs.symlinkSync('/dev/zero', path.join(d, 'latest')); });
    dirs.push(path.join(box.root, 'missing'));

    // Single-file checkpoints: a whole and a cut safetensors, a torch zip, a FIFO.
    const files = [writeSafetensors(path.join(box.root, 'files', 'whole.safetensors'), 4096), writeSafetensors(path.join(box.root, 'files', 'cut.safetensors'), 4096), path.join(box.root, 'files', 'epoch=1.ckpt'), path.join(box.root, 'files', 'fifo.ckpt')];
    fs.truncateSync(files[1], 2000);
    writeTorchBin(files[2]);
    execFileSync('mkfifo', [files[3]]);

    const inspected = await inspectCheckpoints(dirs, files, { workers: 2 });
    const fromWorkers = inspected.folders;
    for (const dir of dirs) assert.deepStrictEqual(fromWorkers.get(dir), await inspectFolder(asyncInspectOps, dir), dir);
    for (const file of files) assert.deepStrictEqual(inspected.files.get(file), await inspectWeight(asyncInspectOps, file), file);
    assert.deepStrictEqual(files.map((f) => { const w = inspected.files.get(f); return typeof w === 'object' && w ? w.kind : w; }), [null, 'data-past-end', 'zip', null]);
    const kinds = (name: string) => fromWorkers.get(path.join(box.root, name))!.problems.map((p) => p.kind === 'weight' ? p.problem.kind : p.kind);
    assert.deepStrictEqual(kinds('whole'), []);
    assert.deepStrictEqual(kinds('header-past-end'), ['header-past-end']);
    assert.deepStrictEqual(kinds('data-cut'), ['data-past-end']);
    assert.deepStrictEqual(kinds('bad-json'), ['unreadable-header']);
    assert.deepStrictEqual(kinds('empty'), ['empty-weight']);
    assert.deepStrictEqual(kinds('unfinished'), ['unfinished']);
    assert.deepStrictEqual(kinds('latest'), ['latest-missing']);
    assert.deepStrictEqual(fromWorkers.get(path.join(box.root, 'zip'))!.zipWeights, [path.join(box.root, 'zip', 'pytorch_model.bin')]);
    assert.deepStrictEqual([...kinds('fifo'), ...kinds('links')], [], 'a FIFO or a link to /dev/zero is not a weight file to judge');
    assert.deepStrictEqual(fromWorkers.get(path.join(box.root, 'missing')), { names: [], problems: [], zipWeights: [] });
  });

  it('a cancelled inspection stops with an AbortError', async () => {
    const dirs = Array.from({ length: 400 }, (_, i) => { const d = path.join(box.root, `c${i}`); writeSafetensors(path.join(d, 'model.safetensors'), 1024); return d; });
    await assert.rejects(inspectCheckpoints(dirs, [], { signal: AbortSignal.abort() }), { name: 'AbortError' });
    const controller = new AbortController();
    const pending = inspectCheckpoints(dirs, [], { signal: controller.signal, workers: 1 });
    setImmediate(() => controller.abort());
    await assert.rejects(pending, { name: 'AbortError' });
  });

  it('folders added while the walk runs are inspected once: results() answers from that inspection, and inspects what was not added', async () => {
    const dirs = Array.from({ length: 40 }, (_, i) => { const d = path.join(box.root, `c${i}`); writeSafetensors(path.join(d, 'model.safetensors'), 1024); return d; });
    const inspector = new CheckpointInspector({ workers: 2 });
    try {
      for (const dir of dirs.slice(0, 35)) inspector.add([dir], []); // one full batch starts, three wait
      const early = await inspector.results(dirs.slice(0, 35), []);
      assert.deepStrictEqual(dirs.slice(0, 35).map((d) => early.folders.get(d)!.problems), dirs.slice(0, 35).map(() => []));
      // Damaged after their inspection: asked again, the answer is the one already made (no second read).
      for (const dir of dirs.slice(0, 35)) fs.truncateSync(path.join(dir, 'model.safetensors'), 4);
      const again = await inspector.results(dirs, []);
      for (const dir of dirs.slice(0, 35)) assert.strictEqual(again.folders.get(dir), early.folders.get(dir), dir);
      // Never added: inspected now, and seen damaged.
      for (const dir of dirs.slice(35)) assert.deepStrictEqual(again.folders.get(dir)!.problems, [], dir);
      fs.truncateSync(path.join(dirs[39], 'model.safetensors'), 4);
      const late = path.join(box.root, 'late');
      fs.mkdirSync(late);
      fs.writeFileSync(path.join(late, 'model.safetensors'), 'abcd');
      assert.deepStrictEqual((await inspector.results([late], [])).folders.get(late)!.problems.map((p) => p.kind === 'weight' && p.problem.kind), ['short-header']);
    } finally {
      await inspector.close();
    }
  });

  it('a cancelled scan: inspections started during the walk and never asked for end without an unhandled rejection', async () => {
    const dirs = Array.from({ length: 100 }, (_, i) => { const d = path.join(box.root, `c${i}`); writeSafetensors(path.join(d, 'model.safetensors'), 1024); return d; });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const controller = new AbortController();
      const inspector = new CheckpointInspector({ signal: controller.signal, workers: 1 });
      inspector.add(dirs, []);
      controller.abort();
      await assert.rejects(inspector.results(dirs.slice(0, 1), []), { name: 'AbortError' });
      await inspector.close();
      await new Promise((r) => setTimeout(r, 50));
      assert.deepStrictEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('checkpoints: freed bytes with hard-linked backups', function () {
  this.timeout(300_000);
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-hl-'); });
  afterEach(() => box.cleanup());

  it('after cp -al run backup, the plan\'s bytes are what deleting really frees (du before/after), and it says why', async () => {
    const runPath = path.join(box.root, 'run');
    makeHfRun(runPath, { steps: [10, 20, 30], saveSteps: 10, maxSteps: 100, evals: new Map(), newestMs: old() });
    const backup = path.join(box.outside, 'backup');
    execFileSync('cp', ['-al', runPath, backup]);
    const { plan, runs } = await planRetention([runPath], 0, { env: {} });
    const scanned = only(runs).checkpoints.filter((c) => plan.targets.some((t) => t.path === c.path)).reduce((s, c) => s + c.bytes, 0);
    assert.strictEqual(plan.targets.length, 2);
    const before = duB1(runPath, backup);
    const report = await executePlan(plan, { protectedPaths: [] });
    const freed = before - duB1(runPath, backup);
    assert.strictEqual(plan.bytes, freed, `planned ${plan.bytes}, freed ${freed}`);
    assert.strictEqual(report.bytesFreed, freed);
    assert.ok(plan.bytes < scanned / 10, `${plan.bytes} vs ${scanned} as scanned`);
    assert.match(plan.warnings!.join('\n'), /hard-linked from outside this plan/);
  });
});

describe('checkpoints: the CLI and a run in progress', function () {
  this.timeout(300_000);
  let box: Sandbox;
  before(() => { assert.ok(fs.existsSync(CLI), 'build the CLI first: npm run build'); });
  beforeEach(() => { box = makeSandbox('mlds-cli-'); });
  afterEach(() => box.cleanup());

  it('purge of a live run\'s newest checkpoint with --yes alone deletes nothing and asks for --include-active; the JSON plan carries it', () => {
    const runPath = path.join(box.root, 'run');
    makeHfRun(runPath, { steps: [10, 20, 30], saveSteps: 10, maxSteps: 100, evals: new Map() }); // fresh mtimes: in progress
    const newest = path.join(runPath, 'checkpoint-30');
    const id = `checkpoints:checkpoint:${newest}`;
    const refused = cli(box.root, 'purge', id, '--yes');
    assert.strictEqual(refused.status, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /--include-active/);
    assert.ok(fs.existsSync(newest));
    const json = JSON.parse(cli(box.root, 'purge', id, '--json').stdout);
    assert.deepStrictEqual([json.includeActive, typeof json.inProgress], [false, 'string']);

    const planned = JSON.parse(cli(box.root, 'plan', 'retention', '--keep-best', '0', runPath, '--json').stdout);
    assert.deepStrictEqual([planned.includeActive, planned.delete.length], [false, 0]);
    const included = JSON.parse(cli(box.root, 'plan', 'retention', '--keep-best', '0', '--include-active', runPath, '--json').stdout);
    assert.deepStrictEqual([included.includeActive, included.delete.length, typeof included.inProgress], [true, 2, 'string']);

    const done = cli(box.root, 'purge', id, '--yes', '--include-active');
    assert.strictEqual(done.status, 0, done.stdout + done.stderr);
    assert.ok(!fs.existsSync(newest));
  });

  it('the slim plan says resuming gets a fresh optimizer and learning-rate schedule, silently', async () => {
    const runPath = path.join(box.root, 'run');
    makeHfRun(runPath, { steps: [10, 20], saveSteps: 10, maxSteps: 100, evals: new Map(), newestMs: old() });
    const { scan, scannedAt } = await scanCheckpointPaths([box.root], { env: {} });
    const plan = planSlim(only(scan.runs).checkpoints, scan.runs, scannedAt);
    assert.match(plan.warnings!.join('\n'), /silently with a fresh optimizer and learning-rate schedule/);
  });
});

describe('checkpoints: readable run rows in the tree', function () {
  this.timeout(120_000);
  it('a run\'s checkpoints stay in step order whatever the sort (the largest, checkpoint-20, is not first); runs still sort by size', async () => {
    const box = makeSandbox('mlds-tree-');
    try {
      const runPath = path.join(box.root, 'run');
      makeHfRun(runPath, { steps: [10, 20, 30], saveSteps: 10, maxSteps: 100, evals: new Map(), newestMs: old() });
      fs.writeFileSync(path.join(runPath, 'checkpoint-20', 'extra.bin'), Buffer.alloc(1024 * 1024, 1)); // the middle one is now the largest
      setTreeTimes(runPath, old());
      const { scan } = await scanCheckpointPaths([box.root], { env: {} });
      const category = await checkpointCategory(scan, { keepBest: 0, now: Date.now() });
      const model = { categories: [category] } as unknown as ScanModel;
      for (const sortBy of ['size', 'name', 'age'] as const) {
        const index = buildNodeIndex(model, sortBy);
        const runNode = index.roots[0].children[0];
        assert.deepStrictEqual(runNode.children.map((n) => (n.type === 'item' ? n.item.label : '')), ['checkpoint-10', 'checkpoint-20', 'checkpoint-30'], sortBy);
      }
    } finally {
      box.cleanup();
    }
  });
});

describe('checkpoints: the .ckpt readers on hostile bytes (fuzzed, fixed seed)', function () {
  this.timeout(120_000);
  // pickle.dumps({'callbacks': {'k': {'best_model_path': 'a', 'best_k_models': OrderedDict(a=1.5)}}, 'x': [1, 2.5, None, True, 10**20, b'xy', (1, 2, 3), -7]}, protocol=2)
  const sample = Buffer.from('80027d710028580900000063616c6c6261636b7371017d710258010000006b71037d710428580f000000626573745f6d6f64656c5f7061746871055801000000617106580d000000626573745f6b5f6d6f64656c73710763636f6c6c656374696f6e730a4f726465726564446963740a7108295271096806473ff8000000000000737573580100000078710a5d710b284b014740040000000000004e888a09000010632d5ec76b05635f636f646563730a656e636f64650a710c58020000007879710d58060000006c6174696e31710e86710f5271104b014b024b038771114af9ffffff65752e', 'hex');

  it('readPickle reads a real protocol-2 pickle as data', () => {
    const v = readPickle(sample);
    assert.strictEqual(dictGet(dictGet(dictGet(v, 'callbacks'), 'k'), 'best_model_path'), 'a');
    assert.strictEqual(dictGet(dictGet(dictGet(dictGet(v, 'callbacks'), 'k'), 'best_k_models'), 'a'), 1.5);
  });

  it('readPickle returns data or throws PickleError — never another error, never hangs — on random and mutated input', () => {
    const check = (buf: Buffer) => {
      try { readPickle(buf, { maxOps: 100_000, maxMemo: 10_000, maxStack: 10_000 }); } catch (err) { assert.ok(err instanceof PickleError, `${(err as Error).stack}`); }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (a) => check(Buffer.from(a))), { seed: 15, numRuns: 2000 });
    fc.assert(fc.property(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 }), (i, v) => {
      const b = Buffer.from(sample); b[i] = v; check(b);
    }), { seed: 16, numRuns: 2000 });
  });

  it('readLightningCkpt and weightFileProblem answer (never throw) for random, empty, FIFO and fake-zip files', async () => {
    const box = makeSandbox('mlds-fz-');
    try {
      const files: string[] = [];
      const rnd = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 4096 }), { seed: 17, numRuns: 40 });
      rnd.forEach((a, i) => { const f = path.join(box.root, `r${i}.ckpt`); fs.writeFileSync(f, Buffer.concat([i % 2 ? Buffer.from('PK\x03\x04') : Buffer.alloc(0), Buffer.from(a)])); files.push(f); });
      const fifo = path.join(box.root, 'fifo.ckpt');
      execFileSync('mkfifo', [fifo]);
      files.push(fifo);
      for (const f of files) {
        const r = await readLightningCkpt(f);
        assert.strictEqual(r.ok, false, f);
        await weightFileProblem(f);
      }
    } finally {
      box.cleanup();
    }
  });
});
