// Checkpoint discovery, keep rules, plans and their execution, on real run folders
// (test/support/checkpointFixtures.ts): HF with real-shaped trainer_state.json, DeepSpeed,
// Lightning with metric names and a last.ckpt symlink, a run in progress, loose weights.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  checkpointPlanFromModel, forecastWarnings, planDeleteCheckpoints, planRetention, planRetentionForRuns, planSlim, planSlimRuns,
  retentionJson, runsFromCategory, scanCheckpointPaths, type Checkpoint, type Run,
} from '../../src/core/categories/checkpoints';
import { executePlan } from '../../src/core/executor';
import { planFor } from '../../src/core/categories/planFor';
import { toJson } from '../../src/core/report';
import { scan } from '../../src/core/scan/scan';
import { defaultSettings } from '../../src/core/settings';
import { buildCheckpointScene, makeHfRun, makeLightningRun, setTreeTimes, KiB, type CheckpointScene } from '../support/checkpointFixtures';
import { diskBytes, exists, makeSandbox, type Sandbox } from '../support/deletionFixtures';
import { writeRealFile } from '../integration/fixture';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

const DAY = 86_400_000;
const rel = (root: string, paths: string[]) => paths.map((p) => path.relative(root, p)).sort();
const names = (paths: string[]) => paths.map((p) => path.basename(p)).sort();

function runAt(runs: Run[], runPath: string): Run {
  const run = runs.find((r) => r.path === runPath);
  assert.ok(run, `run ${runPath} not found; found: ${runs.map((r) => r.path).join(', ')}`);
  return run;
}
const byPath = (run: Run, p: string): Checkpoint => {
  const c = run.checkpoints.find((x) => x.path === p);
  assert.ok(c, `checkpoint ${p} not in run ${run.path}`);
  return c;
};

describe('checkpoints: discovery on real run folders', function () {
  let box: Sandbox;
  let scene: CheckpointScene;
  let runs: Run[];
  let warnings: { message: string }[];
  let loose: string[];
  let claimed: string[];

  before(async () => {
    box = makeSandbox('mlds-ckpt-');
    scene = buildCheckpointScene(box.root);
    const result = await scanCheckpointPaths([box.root], { settings: { looseWeightMinBytes: scene.looseWeightMinBytes }, env: {} });
    runs = result.scan.runs;
    warnings = result.warnings;
    loose = result.scan.loose.map((l) => l.path);
    claimed = result.scan.claimedPaths;
  });
  after(() => box.cleanup());

  it('finds the four runs, each with its checkpoints and format', () => {
    assert.deepStrictEqual(runs.map((r) => r.path).sort(), [scene.hf.runPath, scene.deepspeed.runPath, scene.lightning.runPath, scene.inProgress.runPath].sort());
    assert.strictEqual(runAt(runs, scene.hf.runPath).format, 'hf');
    assert.strictEqual(runAt(runs, scene.deepspeed.runPath).format, 'hf');
    assert.strictEqual(runAt(runs, scene.lightning.runPath).format, 'lightning');
    for (const info of [scene.hf, scene.deepspeed, scene.lightning, scene.inProgress]) {
      assert.deepStrictEqual(runAt(runs, info.runPath).checkpoints.map((c) => c.path).sort(), [...info.checkpoints].sort());
    }
    assert.deepStrictEqual(warnings, []);
  });

  it('reads steps, epochs and metrics from trainer_state.json and from Lightning names', () => {
    const hf = runAt(runs, scene.hf.runPath);
    assert.deepStrictEqual(hf.checkpoints.map((c) => c.step), [200, 400, 600, 800, 1000]);
    // stepsPerEpoch 500 in the fixture: epoch = step / 500 as logged in log_history.
    assert.deepStrictEqual(hf.checkpoints.map((c) => c.epoch), [0.4, 0.8, 1.2, 1.6, 2]);
    assert.deepStrictEqual(hf.checkpoints.map((c) => c.metric), [0.9, 0.41, 0.47, 0.52, 0.55].map((value) => ({ name: 'eval_loss', value })));
    assert.strictEqual(hf.metricDirection, 'min');
    assert.deepStrictEqual({ ...hf.trainerState, path: path.basename(hf.trainerState!.path) }, {
      path: 'trainer_state.json', globalStep: 1000, maxSteps: 3000, saveSteps: 200, epoch: 2, numTrainEpochs: 6,
      bestMetric: 0.41, bestGlobalStep: 400, bestModelCheckpoint: '/home/alice/outputs/bert-sst2/checkpoint-400', partial: false,
    });
    const lt = runAt(runs, scene.lightning.runPath);
    const v1 = byPath(lt, path.join(lt.path, 'epoch=2-step=300-val_loss=0.30-v1.ckpt'));
    assert.deepStrictEqual([v1.epoch, v1.step, v1.version, v1.metric], [2, 300, 1, { name: 'val_loss', value: 0.3 }]);
    assert.strictEqual(lt.metricName, 'val_loss');
    assert.strictEqual(lt.metricDirection, 'min');
  });

  it('marks best and last per run; the last.ckpt link target is the last, and the link frees nothing', () => {
    for (const info of [scene.hf, scene.deepspeed, scene.lightning, scene.inProgress]) {
      const run = runAt(runs, info.runPath);
      assert.deepStrictEqual(run.checkpoints.filter((c) => c.best).map((c) => c.path), [info.best], `best of ${run.label}`);
      const lastReal = run.checkpoints.filter((c) => c.last && c.type !== 'symlink').map((c) => c.path);
      assert.deepStrictEqual(lastReal, [info.last], `last of ${run.label}`);
    }
    const lt = runAt(runs, scene.lightning.runPath);
    const link = byPath(lt, scene.lightning.lastLink!);
    assert.strictEqual(link.type, 'symlink');
    assert.strictEqual(link.linkTarget, scene.lightning.last);
    assert.strictEqual(link.bytes, fs.lstatSync(link.path).blocks * 512);
    assert.deepStrictEqual(byPath(lt, scene.lightning.last!).linkedFrom, [scene.lightning.lastLink]);
    assert.strictEqual(runAt(runs, scene.hf.runPath).bestSource, 'trainer_state.json best_model_checkpoint');
  });

  it('sizes every checkpoint as disk usage, DeepSpeed global_step*/ inside its checkpoint (not a checkpoint of its own)', () => {
    for (const run of runs) {
      for (const c of run.checkpoints) if (c.type !== 'symlink') assert.strictEqual(c.bytes, diskBytes(c.path), c.path);
      assert.strictEqual(run.bytes, run.checkpoints.reduce((s, c) => s + c.bytes, 0));
    }
    const ds = runAt(runs, scene.deepspeed.runPath);
    assert.ok(ds.checkpoints.every((c) => c.deepspeed && c.hasWeights));
    assert.ok(!runs.some((r) => r.checkpoints.some((c) => /global_step/.test(c.name))), 'a nested global_step was listed as a checkpoint');
  });

  it('tells the run in progress (fresh mtimes) from old runs (mtimes set days back)', () => {
    assert.deepStrictEqual(runs.filter((r) => r.inProgress).map((r) => r.path), [scene.inProgress.runPath]);
  });

  it('lists a large weight file in no run, not a small one, and never a file inside a checkpoint', () => {
    assert.deepStrictEqual(loose, [scene.looseWeight]);
  });

  it('claims exactly the checkpoints and loose weights, so the workspace category skips them', () => {
    const expected = [scene.hf, scene.deepspeed, scene.lightning, scene.inProgress].flatMap((r) => r.checkpoints).concat(scene.looseWeight);
    assert.deepStrictEqual([...claimed].sort(), expected.sort());
  });

  it('computes what slimming removes: optimizer/scheduler/scaler/RNG state and DeepSpeed global_step*/', () => {
    for (const info of [scene.hf, scene.deepspeed]) {
      for (const c of runAt(runs, info.runPath).checkpoints) {
        assert.deepStrictEqual(names(c.slimParts.map((p) => p.path)), info.stateFiles(c.path), c.path);
        for (const p of c.slimParts) assert.strictEqual(p.bytes, diskBytes(p.path), p.path);
      }
    }
  });
});

describe('checkpoints: retention, delete and slim plans executed for real', function () {
  let box: Sandbox;
  let scene: CheckpointScene;
  const settings = () => ({ looseWeightMinBytes: 256 * KiB });

  beforeEach(() => {
    box = makeSandbox('mlds-ckpt-plan-');
    scene = buildCheckpointScene(box.root);
  });
  afterEach(() => box.cleanup());

  it('retention (keep best 2 + last) deletes exactly the planned checkpoints and nothing else', async () => {
    const result = await planRetention([box.root], 2, { settings: settings(), env: {} });
    const expected = [scene.hf, scene.deepspeed, scene.lightning, scene.inProgress].flatMap((r) => r.retentionDeletes(2));
    assert.deepStrictEqual(rel(box.root, result.json.delete.map((d) => d.path)), rel(box.root, expected));
    // Written out by hand as well, so the test does not only agree with the fixture's own rule.
    assert.deepStrictEqual(rel(box.root, expected), [
      'lightning_logs/version_0/checkpoints/epoch=0-step=100-val_loss=0.90.ckpt',
      'lightning_logs/version_0/checkpoints/epoch=1-step=200-val_loss=0.50.ckpt',
      'lightning_logs/version_0/checkpoints/epoch=3-step=400-val_loss=0.45.ckpt',
      'outputs/bert-sst2/checkpoint-200',
      'outputs/bert-sst2/checkpoint-800',
      'outputs/llama-ds/checkpoint-100',
    ]);
    assert.strictEqual(result.json.bytes, expected.reduce((s, p) => s + diskBytes(p), 0));
    assert.strictEqual(result.plan.needsSecondConfirmation, undefined);
    const reasons = new Map(result.json.keep.map((k) => [k.path, k.reason]));
    assert.match(reasons.get(scene.hf.best!)!, /^best \(eval_loss=0\.41\) from trainer_state\.json best_model_checkpoint/);
    assert.match(reasons.get(scene.hf.last!)!, /newest checkpoint/);
    assert.match(reasons.get(scene.lightning.last!)!, /named by last\.ckpt/);
    assert.match(reasons.get(scene.lightning.lastLink!)!, /frees nothing/);
    for (const p of scene.inProgress.checkpoints) assert.ok(reasons.has(p), `${p} of the run in progress must be kept`);
    assert.match(reasons.get(scene.inProgress.checkpoints[0])!, /run in progress/);
    // Every checkpoint is either kept or deleted, never both, never forgotten.
    const all = [scene.hf, scene.deepspeed, scene.lightning, scene.inProgress].flatMap((r) => r.checkpoints).sort();
    assert.deepStrictEqual([...result.json.delete.map((d) => d.path), ...result.json.keep.map((k) => k.path)].sort(), all);

    const before = snapshotTree(box.dir);
    const report = await executePlan(result.plan);
    assert.deepStrictEqual(report.outcomes.map((o) => o.status), expected.map(() => 'deleted'));
    assert.strictEqual(report.bytesFreed, result.json.bytes);
    const gone = rel(box.dir, expected);
    assertOnlyRemoved(before, snapshotTree(box.dir), gone);
    assert.ok(exists(scene.lightning.lastLink!) && fs.realpathSync(scene.lightning.lastLink!) === scene.lightning.last, 'last.ckpt still resolves');
  });

  it('keep-best 0 keeps only the newest and the best; a big k deletes nothing', async () => {
    const zero = await planRetention([scene.hf.runPath], 0, { settings: settings(), env: {} });
    assert.deepStrictEqual(names(zero.json.delete.map((d) => d.path)), ['checkpoint-200', 'checkpoint-600', 'checkpoint-800']);
    const many = await planRetention([scene.hf.runPath], 10, { settings: settings(), env: {} });
    assert.deepStrictEqual(many.json.delete, []);
    assert.strictEqual(many.json.bytes, 0);
  });

  it('a run in progress proposes nothing unless included, and then needs a second confirmation', async () => {
    const quiet = await planRetention([scene.inProgress.runPath], 1, { settings: settings(), env: {} });
    assert.deepStrictEqual(quiet.json.delete, []);
    const insisted = await planRetention([scene.inProgress.runPath], 1, { settings: settings(), env: {}, includeInProgress: true });
    // best (100, also the top 1) and newest (150) stay; 50 goes.
    assert.deepStrictEqual(names(insisted.json.delete.map((d) => d.path)), ['checkpoint-50']);
    assert.match(insisted.plan.needsSecondConfirmation ?? '', /in progress and may still be training: outputs\/gpt2-live|in progress and may still be training: gpt2-live/);
  });

  it('delete: one modal plan with exact bytes; deleting the link target takes the dangling link; in-progress needs a second confirmation', async () => {
    const { scan: found, scannedAt } = await scanCheckpointPaths([box.root], { settings: settings(), env: {} });
    const lt = runAt(found.runs, scene.lightning.runPath);
    const plan = planDeleteCheckpoints([byPath(lt, scene.lightning.last!)], found.runs, scannedAt);
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type]), [[scene.lightning.last, 'file'], [scene.lightning.lastLink, 'symlink']]);
    assert.strictEqual(plan.bytes, diskBytes(scene.lightning.last!) + fs.lstatSync(scene.lightning.lastLink!).blocks * 512);
    assert.ok(plan.warnings?.some((w) => /newest checkpoint/.test(w)));
    assert.strictEqual(plan.needsSecondConfirmation, undefined);

    const live = runAt(found.runs, scene.inProgress.runPath);
    const livePlan = planDeleteCheckpoints([byPath(live, scene.inProgress.best!)], found.runs, scannedAt);
    assert.ok(livePlan.needsSecondConfirmation, 'deleting from a run in progress needs a second confirmation');
    assert.ok(livePlan.warnings?.some((w) => /best checkpoint/.test(w)));

    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.deepStrictEqual(report.outcomes.map((o) => o.status), ['deleted', 'deleted']);
    assertOnlyRemoved(before, snapshotTree(box.dir), rel(box.dir, [scene.lightning.last!, scene.lightning.lastLink!]));
  });

  it('slim removes training state from kept-for-weights checkpoints; weights and config remain and load', async () => {
    const { scan: found, scannedAt } = await scanCheckpointPaths([scene.hf.runPath, scene.deepspeed.runPath], { settings: settings(), env: {} });
    const plan = planSlimRuns(found.runs, { keepBest: 2, scannedAt });
    // HF: best 400 and 600 are kept for weights (1000 is the newest, kept whole to resume); DeepSpeed: 200 only.
    const slimmed = [path.join(scene.hf.runPath, 'checkpoint-400'), path.join(scene.hf.runPath, 'checkpoint-600'), path.join(scene.deepspeed.runPath, 'checkpoint-200')];
    assert.deepStrictEqual((plan.keep ?? []).map((k) => k.path).sort(), [...slimmed].sort());
    const expectedTargets = slimmed.flatMap((cp) => (cp.includes('llama-ds') ? scene.deepspeed : scene.hf).stateFiles(cp).map((n) => path.join(cp, n)));
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), expectedTargets.sort());
    assert.strictEqual(plan.bytes, expectedTargets.reduce((s, p) => s + diskBytes(p), 0));
    const weightsBefore = new Map(slimmed.map((cp) => [cp, fs.readFileSync(path.join(cp, 'model.safetensors'))]));

    const before = snapshotTree(box.dir);
    const report = await executePlan(plan);
    assert.ok(report.outcomes.every((o) => o.status === 'deleted'), JSON.stringify(report.outcomes));
    assertOnlyRemoved(before, snapshotTree(box.dir), rel(box.dir, expectedTargets));
    for (const cp of slimmed) {
      const info = cp.includes('llama-ds') ? scene.deepspeed : scene.hf;
      assert.deepStrictEqual(fs.readdirSync(cp).sort(), info.keptFiles(cp), `what remains in ${cp}`);
      assert.ok(fs.readFileSync(path.join(cp, 'model.safetensors')).equals(weightsBefore.get(cp)!), 'weights unchanged');
      JSON.parse(fs.readFileSync(path.join(cp, 'config.json'), 'utf8'));
    }
  });

  it('slim refuses ZeRO-3 checkpoints without consolidated weights and Lightning files, saying why', async () => {
    const zero3 = makeHfRun(path.join(box.root, 'outputs', 'zero3'), {
      steps: [10, 20], saveSteps: 10, maxSteps: 20, evals: new Map([[10, 1], [20, 0.5]]), bestStep: 20,
      deepspeed: true, consolidatedWeights: false, newestMs: Date.now() - DAY,
    });
    const { scan: found, scannedAt } = await scanCheckpointPaths([box.root], { settings: settings(), env: {} });
    const z = runAt(found.runs, zero3.runPath);
    const lt = runAt(found.runs, scene.lightning.runPath);
    const plan = planSlim([...z.checkpoints, lt.checkpoints[0]], found.runs, scannedAt);
    assert.deepStrictEqual(plan.targets, []);
    assert.strictEqual(plan.bytes, 0);
    assert.strictEqual(plan.warnings?.filter((w) => /only in DeepSpeed shards/.test(w)).length, 2);
    assert.ok(plan.warnings?.some((w) => /Lightning \.ckpt holds weights and optimizer state/.test(w)));
  });

  it('a checkpoint swapped after the scan is skipped by the executor, not deleted', async () => {
    const result = await planRetention([scene.hf.runPath], 2, { settings: settings(), env: {} });
    const victim = path.join(scene.hf.runPath, 'checkpoint-200');
    fs.renameSync(victim, victim + '.moved');
    fs.mkdirSync(victim);
    writeRealFile(path.join(victim, 'precious.bin'), 1000);
    const report = await executePlan(result.plan);
    const outcome = report.outcomes.find((o) => o.path === victim)!;
    assert.strictEqual(outcome.status, 'skipped');
    assert.ok(exists(path.join(victim, 'precious.bin')));
  });
});

describe('checkpoints: in the scan model, the CLI JSON and plan ids', function () {
  let box: Sandbox;
  let scene: CheckpointScene;
  before(() => {
    box = makeSandbox('mlds-ckpt-model-');
    scene = buildCheckpointScene(box.root);
  });
  after(() => box.cleanup());

  const scanModel = () => scan({ roots: [box.root], env: { HOME: path.join(box.dir, 'home') }, settings: { docker: false, looseWeightMinBytes: scene.looseWeightMinBytes }, only: ['checkpoints', 'workspace'] });

  it('the checkpoints category and the workspace category never count the same bytes', async () => {
    const model = await scanModel();
    const ckpt = model.categories.find((c) => c.id === 'checkpoints')!;
    const ws = model.categories.find((c) => c.id === 'workspace')!;
    assert.ok(ckpt && ws);
    assert.strictEqual(ckpt.bytes + ws.bytes, diskBytes(box.root));
    const expectedReclaim = [scene.hf, scene.deepspeed, scene.lightning, scene.inProgress].flatMap((r) => r.retentionDeletes(2)).reduce((s, p) => s + diskBytes(p), 0);
    assert.strictEqual(ckpt.reclaimableBytes, expectedReclaim);
  });

  it('CLI JSON: runs with forecast, checkpoints with path, bytes, step/epoch, metric, best, last, keep, reason', async () => {
    const json = toJson(await scanModel()) as { categories: { id: string; items: any[] }[] };
    const cat = json.categories.find((c) => c.id === 'checkpoints')!;
    const hf = cat.items.find((i) => i.path === scene.hf.runPath);
    assert.strictEqual(hf.kind, 'run');
    assert.deepStrictEqual({ bytesNeeded: hf.forecast.bytesNeeded, stepsLeft: hf.forecast.stepsLeft }, { bytesNeeded: 10 * diskBytes(scene.hf.last!), stepsLeft: 2000 });
    assert.strictEqual(cat.items.find((i) => i.path === scene.deepspeed.runPath).forecast, null, 'a finished run has no forecast');
    const best = hf.children.find((c: any) => c.path === scene.hf.best);
    for (const key of ['path', 'bytes', 'step', 'epoch', 'metric', 'best', 'last', 'keep', 'reason']) assert.ok(key in best, `checkpoint JSON lacks ${key}`);
    assert.deepStrictEqual([best.step, best.epoch, best.metric, best.best, best.last, best.keep], [400, 0.8, { name: 'eval_loss', value: 0.41 }, true, false, true]);
    assert.deepStrictEqual(best.badges, ['best']);
    const doomed = hf.children.find((c: any) => c.path.endsWith('checkpoint-200'));
    assert.deepStrictEqual([doomed.keep, doomed.reason], [false, 'not among the best 2 by eval_loss, the newest or the best']);
    const lt = cat.items.find((i) => i.path === scene.lightning.runPath);
    const link = lt.children.find((c: any) => c.path === scene.lightning.lastLink);
    assert.deepStrictEqual([link.kind, link.metric, link.last, link.keep], ['checkpoint-link', null, true, true]);
    const live = cat.items.find((i) => i.path === scene.inProgress.runPath);
    // "in progress" is said once, on the run row; its checkpoints are all kept and carry no copy of it.
    assert.deepStrictEqual(live.badges, ['in progress']);
    assert.ok(live.children.every((c: any) => c.keep && !(c.badges ?? []).includes('in progress')));
    const looseGroup = cat.items.find((i) => i.kind === 'loose-weights');
    assert.deepStrictEqual(looseGroup.children.map((c: any) => c.path), [scene.looseWeight]);
  });

  it('plans rebuilt from the model match the plans from the scan; plan ids resolve', async () => {
    const model = await scanModel();
    const direct = await planRetention([box.root], 2, { settings: { looseWeightMinBytes: scene.looseWeightMinBytes }, env: {} });
    const fromModel = checkpointPlanFromModel(model, { action: 'retention', keepBest: 2 })!;
    assert.deepStrictEqual(fromModel.targets, direct.plan.targets);
    assert.deepStrictEqual(retentionJson(fromModel), direct.json);

    const ctx = { env: {}, homeDir: box.dir, settings: { ...defaultSettings(), keepBest: 2 }, now: Date.now() };
    assert.deepStrictEqual((await planFor('checkpoints', model, ctx))!.targets, direct.plan.targets);
    const oneRun = (await planFor(`checkpoints:retention:${scene.hf.runPath}`, model, ctx))!;
    assert.deepStrictEqual(oneRun.targets.map((t) => t.path), scene.hf.retentionDeletes(2));
    assert.deepStrictEqual((await planFor(`checkpoints:run:${scene.hf.runPath}`, model, ctx))!.targets, oneRun.targets);
    const one = (await planFor(`checkpoints:checkpoint:${scene.hf.best}`, model, ctx))!;
    assert.deepStrictEqual(one.targets.map((t) => [t.path, t.type, t.bytes]), [[scene.hf.best, 'dir', diskBytes(scene.hf.best!)]]);
    const slim = (await planFor(`checkpoints:slim:${scene.hf.best}`, model, ctx))!;
    assert.deepStrictEqual(names(slim.targets.map((t) => t.path)), scene.hf.stateFiles(scene.hf.best!));
    const weight = (await planFor(`checkpoints:weight:${scene.looseWeight}`, model, ctx))!;
    assert.deepStrictEqual(weight.targets.map((t) => t.path), [scene.looseWeight]);
    assert.strictEqual(await planFor('checkpoints:checkpoint:/nope', model, ctx), undefined);

    const { runs } = runsFromCategory(model.categories.find((c) => c.id === 'checkpoints')!);
    assert.deepStrictEqual(planRetentionForRuns(runs, { keepBest: 2, scannedAt: model.scannedAt }).targets, direct.plan.targets);
    assert.deepStrictEqual(forecastWarnings(model), [], 'the fixture runs fit on this disk');
  });
});

describe('checkpoints: boundaries of discovery', function () {
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-ckpt-edge-'); });
  afterEach(() => box.cleanup());
  const old = () => Date.now() - 3 * DAY;

  it('never follows a symlink out of a root: linked folders are not entered, a .ckpt link to / is kept as a link', async () => {
    const outsideRun = makeHfRun(path.join(box.outside, 'elsewhere'), { steps: [1, 2], saveSteps: 1, maxSteps: 2, evals: new Map(), newestMs: old() });
    fs.symlinkSync(outsideRun.runPath, path.join(box.root, 'linked-run'));
    fs.symlinkSync(path.join(outsideRun.runPath, 'checkpoint-1'), path.join(box.root, 'checkpoint-7'));
    const lt = makeLightningRun(path.join(box.root, 'lightning_logs', 'version_1'), { files: [{ name: 'epoch=0-step=10.ckpt', bytes: 2000 }, { name: 'epoch=1-step=20.ckpt', bytes: 2000 }], newestMs: old() }, { best: 'epoch=1-step=20.ckpt', retentionDeletes: () => [] });
    fs.symlinkSync('/', path.join(lt.runPath, 'escape.ckpt'));
    setTreeTimes(lt.versionDir, old());
    const result = await planRetention([box.root], 0, { env: {} });
    assert.deepStrictEqual(result.runs.map((r) => r.path), [lt.runPath]);
    const run = result.runs[0];
    const escape = run.checkpoints.find((c) => c.name === 'escape.ckpt')!;
    assert.strictEqual(escape.type, 'symlink');
    assert.strictEqual(escape.linkTarget, '/');
    assert.ok(result.json.keep.some((k) => k.path === escape.path));
    assert.deepStrictEqual(names(result.json.delete.map((d) => d.path)), ['epoch=0-step=10.ckpt']);
    const before = snapshotTree(box.dir);
    await executePlan(result.plan);
    assertOnlyRemoved(before, snapshotTree(box.dir), [path.relative(box.dir, path.join(lt.runPath, 'epoch=0-step=10.ckpt'))]);
  });

  it('honours mlDiskSpace.exclude and skips the ML caches other categories count', async () => {
    makeHfRun(path.join(box.root, 'scratch', 'run'), { steps: [1, 2], saveSteps: 1, maxSteps: 2, evals: new Map(), newestMs: old() });
    const kept = makeHfRun(path.join(box.root, 'keepme'), { steps: [1, 2], saveSteps: 1, maxSteps: 2, evals: new Map(), newestMs: old() });
    const cache = path.join(box.root, 'home', '.cache');
    writeRealFile(path.join(cache, 'torch', 'hub', 'checkpoints', 'resnet50.pth'), 4000);
    const loose = writeRealFile(path.join(box.root, 'export', 'model.pt'), 4000);
    const { scan: found } = await scanCheckpointPaths([box.root], {
      settings: { exclude: ['**/scratch/**'], looseWeightMinBytes: 1000 }, env: { HOME: path.join(box.root, 'home') },
    });
    assert.deepStrictEqual(found.runs.map((r) => r.path), [kept.runPath]);
    assert.deepStrictEqual(found.loose.map((l) => l.path), [loose]);
  });

  const duBytes = (p: string) => Number(execFileSync('du', ['-sB1', p], { encoding: 'utf8' }).split('\t')[0]);

  describe('one scan walk serves checkpoints and workspace: the two never count the same bytes', () => {
    const scanBoth = (roots: string[], settings: Record<string, unknown> = {}) =>
      scan({ roots, env: { HOME: path.join(box.dir, 'home') }, settings: { docker: false, looseWeightMinBytes: 1000, ...settings }, only: ['checkpoints', 'workspace'] });
    const totals = (model: Awaited<ReturnType<typeof scanBoth>>) => {
      const byId = new Map(model.categories.map((c) => [c.id, c]));
      return { checkpoints: byId.get('checkpoints')?.bytes ?? 0, workspace: byId.get('workspace')!.bytes };
    };

    it('excluded folders and hard links: a run under an excluded folder is not listed but its bytes stay in the workspace; a link shared with a checkpoint counts once', async () => {
      const hidden = makeHfRun(path.join(box.root, 'scratch', 'run'), { steps: [1, 2], saveSteps: 1, maxSteps: 2, evals: new Map(), newestMs: old() });
      const kept = makeHfRun(path.join(box.root, 'keepme'), { steps: [1, 2, 3], saveSteps: 1, maxSteps: 3, evals: new Map(), newestMs: old() });
      const linked = path.join(kept.checkpoints[0], 'model.safetensors');
      fs.linkSync(linked, path.join(box.root, 'exported-weights.data'));
      const loose = writeRealFile(path.join(box.root, 'export', 'model.pt'), 4000);
      const looseLink = path.join(box.root, 'backup', 'model-copy.pt');
      fs.mkdirSync(path.dirname(looseLink));
      fs.linkSync(loose, looseLink);
      const model = await scanBoth([box.root], { exclude: ['**/scratch/**'] });
      const cat = model.categories.find((c) => c.id === 'checkpoints')!;
      assert.deepStrictEqual(cat.items.filter((i) => i.kind === 'run').map((i) => i.path), [kept.runPath]);
      assert.ok(!JSON.stringify(cat).includes(hidden.runPath));
      assert.ok(JSON.stringify(cat).includes(loose));
      assert.ok(JSON.stringify(cat).includes(looseLink), 'both names of a hard-linked weight file are listed (its bytes once)');
      const t = totals(model);
      assert.strictEqual(t.checkpoints + t.workspace, duBytes(box.root), 'every byte once: du -sB1 of the root');
      // The linked file's bytes go to whichever of its two names the walk met first: the checkpoint or the workspace.
      const all = kept.checkpoints.reduce((s, c) => s + diskBytes(c), 0) + diskBytes(loose);
      assert.ok([all, all - diskBytes(linked)].includes(t.checkpoints), `${t.checkpoints} of ${all}`);
    });

    it('path globs (fast-glob) and a workspace folder given as a symlink: same invariant, runs named under the folder as given', async () => {
      const real = path.join(box.root, 'real');
      const run = makeHfRun(path.join(real, 'outputs', 'run-a'), { steps: [1, 2], saveSteps: 1, maxSteps: 2, evals: new Map(), newestMs: old() });
      for (const e of [1, 2]) writeRealFile(path.join(real, 'exp', `model_epoch${e}.pt`), 3000);
      const link = path.join(box.dir, 'ws-link');
      fs.symlinkSync(real, link);
      const viaLink = await scanBoth([link]);
      const runs = viaLink.categories.find((c) => c.id === 'checkpoints')!.items.filter((i) => i.kind === 'run').map((i) => i.path);
      assert.deepStrictEqual(runs, [path.join(link, 'outputs', 'run-a')]);
      let t = totals(viaLink);
      // The model_epoch*.pt files are loose weights here (default globs).
      assert.strictEqual(t.checkpoints, run.checkpoints.reduce((s, c) => s + diskBytes(c), 0) + diskBytes(path.join(real, 'exp')) - fs.lstatSync(path.join(real, 'exp')).blocks * 512);
      assert.strictEqual(t.checkpoints + t.workspace, duBytes(real));
      const pathGlobs = await scanBoth([real], { checkpointGlobs: ['**/checkpoint-*/', 'exp/model_epoch*.pt'] });
      const found = pathGlobs.categories.find((c) => c.id === 'checkpoints')!.items.filter((i) => i.kind === 'run').map((i) => i.path).sort();
      assert.deepStrictEqual(found, [path.join(real, 'exp'), run.runPath].sort());
      t = totals(pathGlobs);
      assert.strictEqual(t.checkpoints + t.workspace, duBytes(real));
      assert.deepStrictEqual(pathGlobs.warnings.filter((w) => w.code === 'double-counted'), []);
    });
  });

  it('custom checkpoint globs find other layouts as runs; a lone nameless .ckpt is a loose weight file', async () => {
    const dir = path.join(box.root, 'exp1');
    for (const e of [1, 2, 3]) writeRealFile(path.join(dir, `model_epoch${e}.pt`), 3000);
    const lone = writeRealFile(path.join(box.root, 'misc', 'resnet.ckpt'), 5000);
    setTreeTimes(box.root, old());
    const { scan: found } = await scanCheckpointPaths([box.root], {
      settings: { checkpointGlobs: ['**/checkpoint-*/', '**/*.ckpt', '**/model_epoch*.pt'], looseWeightMinBytes: 1000 }, env: {},
    });
    assert.deepStrictEqual(found.runs.map((r) => [r.path, r.format, r.checkpoints.length]), [[dir, 'other', 3]]);
    assert.deepStrictEqual(found.loose.map((l) => l.path), [lone]);
    const newest = found.runs[0].checkpoints.filter((c) => c.last).map((c) => c.name);
    assert.deepStrictEqual(newest, ['model_epoch3.pt'], 'without steps the newest is the newest by mtime, then name');
  });

  it('a greater-is-better metric in Lightning names ranks the highest first', async () => {
    const lt = makeLightningRun(path.join(box.root, 'lightning_logs', 'version_0'), {
      files: [{ name: 'epoch=0-val_acc=0.70.ckpt', bytes: 1000 }, { name: 'epoch=1-val_acc=0.91.ckpt', bytes: 1000 }, { name: 'epoch=2-val_acc=0.85.ckpt', bytes: 1000 }, { name: 'epoch=3-val_acc=0.80.ckpt', bytes: 1000 }],
      newestMs: old(),
    }, { best: 'epoch=1-val_acc=0.91.ckpt', retentionDeletes: () => [] });
    const result = await planRetention([box.root], 1, { env: {} });
    const run = runAt(result.runs, lt.runPath);
    assert.strictEqual(run.metricDirection, 'max');
    assert.deepStrictEqual(run.checkpoints.filter((c) => c.best).map((c) => c.name), ['epoch=1-val_acc=0.91.ckpt']);
    // keep: best (0.91) and newest (epoch 3).
    assert.deepStrictEqual(names(result.json.delete.map((d) => d.path)), ['epoch=0-val_acc=0.70.ckpt', 'epoch=2-val_acc=0.85.ckpt']);
    // Configurable: say val_acc is lower-is-better and the ranking flips.
    const flipped = await planRetention([box.root], 1, { env: {}, settings: { greaterIsBetter: [] } });
    assert.deepStrictEqual(runAt(flipped.runs, lt.runPath).checkpoints.filter((c) => c.best).map((c) => c.name), ['epoch=0-val_acc=0.70.ckpt']);
  });

  it('last.ckpt as a regular file is the newest; a dangling last.ckpt link leaves the newest by step', async () => {
    const a = makeLightningRun(path.join(box.root, 'a', 'version_0'), { files: [{ name: 'epoch=0-step=5.ckpt', bytes: 1000 }, { name: 'epoch=1-step=10.ckpt', bytes: 1000 }], lastFileBytes: 1000, newestMs: old() }, { best: 'x', retentionDeletes: () => [] });
    const b = makeLightningRun(path.join(box.root, 'b', 'version_0'), { files: [{ name: 'epoch=0-step=5.ckpt', bytes: 1000 }, { name: 'epoch=1-step=10.ckpt', bytes: 1000 }], lastLinkTo: 'gone.ckpt', newestMs: old() }, { best: 'x', retentionDeletes: () => [] });
    const result = await planRetention([box.root], 0, { env: {} });
    const ra = runAt(result.runs, a.runPath);
    assert.deepStrictEqual(ra.checkpoints.filter((c) => c.last).map((c) => c.name), ['last.ckpt']);
    const rb = runAt(result.runs, b.runPath);
    assert.deepStrictEqual(rb.checkpoints.filter((c) => c.last).map((c) => c.name).sort(), ['epoch=1-step=10.ckpt', 'last.ckpt']);
    assert.strictEqual(rb.checkpoints.find((c) => c.name === 'last.ckpt')!.linkTarget, null);
    // No metric: keep-best 0 keeps the newest only (and last.ckpt); both runs lose epoch 0.
    assert.deepStrictEqual(result.json.delete.map((d) => path.relative(box.root, d.path)).sort(), ['a/version_0/checkpoints/epoch=0-step=5.ckpt', 'a/version_0/checkpoints/epoch=1-step=10.ckpt', 'b/version_0/checkpoints/epoch=0-step=5.ckpt']);
  });

  it('a run whose checkpoints are old but whose logs were just written is in progress (HF events file, Lightning metrics.csv)', async () => {
    const hf = makeHfRun(path.join(box.root, 'hf'), { steps: [1, 2], saveSteps: 1, maxSteps: 9, evals: new Map(), newestMs: old(), logs: true });
    const lt = makeLightningRun(path.join(box.root, 'lightning_logs', 'version_3'), { files: [{ name: 'epoch=0-step=1.ckpt', bytes: 100 }, { name: 'epoch=1-step=2.ckpt', bytes: 100 }], newestMs: old() }, { best: 'x', retentionDeletes: () => [] });
    const quiet = makeHfRun(path.join(box.root, 'quiet'), { steps: [1, 2], saveSteps: 1, maxSteps: 9, evals: new Map(), newestMs: old(), logs: true });
    const touch = (p: string) => { const t = new Date(); fs.appendFileSync(p, 'x'); fs.utimesSync(p, t, t); };
    touch(fs.readdirSync(path.join(hf.runPath, 'runs', 'Nov20_10-00-00_gpu01')).map((n) => path.join(hf.runPath, 'runs', 'Nov20_10-00-00_gpu01', n))[0]);
    touch(path.join(lt.versionDir, 'metrics.csv'));
    const { scan: found } = await scanCheckpointPaths([box.root], { env: {} });
    assert.deepStrictEqual(found.runs.filter((r) => r.inProgress).map((r) => r.path).sort(), [hf.runPath, lt.runPath].sort());
    assert.ok(!runAt(found.runs, quiet.runPath).inProgress);
    // activeRunMinutes decides: with 0 minutes nothing is in progress.
    const { scan: none } = await scanCheckpointPaths([box.root], { env: {}, settings: { activeRunMinutes: 0 }, now: Date.now() + 1000 });
    assert.deepStrictEqual(none.runs.filter((r) => r.inProgress), []);
  });

  it('an unreadable folder (as an unprivileged user) is a warning, and the rest is still found', async function () {
    const { runNodeAsNobody } = await import('../support/unprivileged');
    makeHfRun(path.join(box.root, 'open'), { steps: [1, 2], saveSteps: 1, maxSteps: 2, evals: new Map(), newestMs: old() });
    makeHfRun(path.join(box.root, 'locked', 'run'), { steps: [1], saveSteps: 1, maxSteps: 2, evals: new Map(), newestMs: old() });
    fs.chmodSync(box.dir, 0o755);
    for (const p of [box.root, path.join(box.root, 'open')]) fs.chmodSync(p, 0o755);
    const openTree = (p: string) => { const st = fs.lstatSync(p); fs.chmodSync(p, st.isDirectory() ? 0o755 : 0o644); if (st.isDirectory()) for (const n of fs.readdirSync(p)) openTree(path.join(p, n)); };
    openTree(box.root);
    fs.chmodSync(path.join(box.root, 'locked'), 0o000);
    const child = path.join(__dirname, '..', 'support', 'checkpointScanChild.js');
    const out = runNodeAsNobody<{ uid: number; runs: string[]; warnings: { code?: string; path?: string }[] }>(child, [box.root]);
    assert.deepStrictEqual(out.runs, [path.join(box.root, 'open')]);
    assert.ok(out.warnings.some((w) => w.code === 'EACCES' && w.path === path.join(box.root, 'locked')), JSON.stringify(out.warnings));
  });
});
