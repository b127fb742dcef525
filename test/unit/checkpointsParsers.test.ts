// trainer_state.json and Lightning file names are written by others: malformed, truncated,
// missing, huge, deeply nested, wrong types, a FIFO or a symlink. Each gives a clear problem and
// whatever facts can still be used; nothing throws, nothing hangs. Fuzzed with a fixed seed.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parseLightningName, parseTrainerState, planRetention, readTrainerState, scanCheckpointPaths, metricDirection, MAX_TRAINER_STATE_BYTES } from '../../src/core/categories/checkpoints';
import { isTrainingStateName, isWeightName } from '../../src/core/categories/checkpoints/names';
import { makeHfRun, trainerStateJson, setTreeTimes } from '../support/checkpointFixtures';
import { makeSandbox, type Sandbox } from '../support/deletionFixtures';

const DAY = 86_400_000;
const REAL = trainerStateJson({
  globalStep: 600, maxSteps: 1000, saveSteps: 200, evalSteps: 200, stepsPerEpoch: 400,
  evals: new Map([[200, 0.7], [400, 0.45], [600, 0.5]]), best: { step: 400, value: 0.45, checkpointPath: 'out/checkpoint-400' },
});

describe('trainer_state.json parser', function () {
  let box: Sandbox;
  before(() => { box = makeSandbox('mlds-ts-'); });
  after(() => box.cleanup());
  const file = (name: string, text: string | Buffer) => { const p = path.join(box.root, name); fs.writeFileSync(p, text); return p; };

  it('reads the facts of a real-shaped file', async () => {
    const { state, problems } = await readTrainerState(file('ok.json', REAL));
    assert.deepStrictEqual(problems, []);
    assert.ok(state);
    assert.deepStrictEqual([state.globalStep, state.maxSteps, state.saveSteps, state.bestMetric, state.bestGlobalStep, state.bestModelCheckpoint, state.partial], [600, 1000, 200, 0.45, 400, 'out/checkpoint-400', false]);
    assert.deepStrictEqual([...state.evalByStep.keys()], [200, 400, 600]);
    assert.deepStrictEqual([...state.evalByStep.get(400)!.metrics], [['eval_loss', 0.45]], 'eval_runtime and *_per_second are not metrics');
    assert.strictEqual(state.epochByStep.get(600), 1.5);
  });

  it('a missing file, an empty file, a list, and invalid JSON each say what is wrong', async () => {
    assert.deepStrictEqual((await readTrainerState(path.join(box.root, 'nope.json'))).problems, ['no trainer_state.json']);
    assert.deepStrictEqual((await readTrainerState(file('empty.json', ''))).problems, ['trainer_state.json is empty']);
    assert.deepStrictEqual((await readTrainerState(file('list.json', '[1,2]'))).problems, ['trainer_state.json is not a JSON object']);
    const garbage = await readTrainerState(file('garbage.json', '\u0000\u0001 not json'));
    assert.strictEqual(garbage.state, null);
    assert.match(garbage.problems[0], /^trainer_state\.json is not valid JSON \(.+\): nothing could be used$/);
  });

  it('a truncated file (written while read) still yields the top-level numbers before log_history', async () => {
    const cut = REAL.slice(0, REAL.indexOf('"log_history"') + 200);
    const { state, problems } = await readTrainerState(file('cut.json', cut));
    assert.match(problems[0], /not valid JSON .*only top-level numbers were recovered/);
    assert.deepStrictEqual([state!.globalStep, state!.bestMetric, state!.bestGlobalStep, state!.bestModelCheckpoint, state!.partial], [600, 0.45, 400, 'out/checkpoint-400', true]);
    assert.strictEqual(state!.maxSteps, null, 'max_steps comes after log_history (sorted keys) and was cut off');
  });

  it('fields of the wrong type are dropped one by one, each named', () => {
    const hostile = '{"__proto__": {"polluted": true}, ' + JSON.stringify({
      global_step: '600', max_steps: -5, save_steps: 0, best_metric: 'NaN', best_global_step: 1.5, best_model_checkpoint: { a: 1 },
      epoch: [], log_history: [null, 7, 'x', { step: 'ten', eval_loss: 1 }, { step: 200, eval_loss: 'low' }, { step: 400, eval_loss: 0.3, epoch: '1' }, { step: -1, eval_loss: 1 }],
    }).slice(1);
    const { state, problems } = parseTrainerState(hostile);
    assert.ok(state);
    assert.deepStrictEqual([state.globalStep, state.maxSteps, state.saveSteps, state.bestMetric, state.bestGlobalStep, state.bestModelCheckpoint, state.epoch], [null, null, null, null, null, null, null]);
    assert.deepStrictEqual([...state.evalByStep.entries()].map(([s, r]) => [s, [...r.metrics], r.epoch]), [[400, [['eval_loss', 0.3]], null]]);
    for (const key of ['global_step', 'max_steps', 'best_metric', 'best_global_step', 'best_model_checkpoint', 'epoch', 'save_steps']) {
      assert.ok(problems.some((p) => p.startsWith(key)), `no problem named for ${key}: ${problems.join(' | ')}`);
    }
    assert.ok(problems.includes('5 log_history entries were malformed and skipped'), problems.join(' | '));
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
    assert.match(parseTrainerState('{"log_history": {"step": 1}}').problems[0], /^log_history is not a list/);
  });

  it('deep nesting is refused before JSON.parse, quickly', () => {
    const deep = '{"global_step": 5, "x": ' + '['.repeat(1_000_000) + ']'.repeat(1_000_000) + '}';
    const t = Date.now();
    const { problems } = parseTrainerState(deep);
    assert.ok(Date.now() - t < 5000, 'took too long');
    assert.match(problems[0], /nests 65 levels deep \(over 64\): not parsed/);
  });

  it('a 100 MB file is not read whole: top-level numbers come from its head and tail', async () => {
    const p = path.join(box.root, 'huge.json');
    const head = '{\n  "best_global_step": 400,\n  "best_metric": 0.45,\n  "best_model_checkpoint": "out/checkpoint-400",\n  "epoch": 1.5,\n  "global_step": 600,\n  "log_history": [\n';
    const tail = '\n  ],\n  "max_steps": 1000,\n  "save_steps": 200,\n  "train_batch_size": 8\n}\n';
    const size = 100 * 1024 * 1024;
    const fd = fs.openSync(p, 'w');
    fs.writeSync(fd, head, 0);
    fs.writeSync(fd, tail, size - Buffer.byteLength(tail));
    fs.closeSync(fd);
    assert.strictEqual(fs.statSync(p).size, size);
    const before = process.memoryUsage().rss;
    const { state, problems } = await readTrainerState(p);
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'read far more than the fragments');
    assert.match(problems[0], /is 105 MB \(over the 17 MB read limit\): only top-level numbers were read, not log_history/);
    assert.deepStrictEqual([state!.globalStep, state!.maxSteps, state!.saveSteps, state!.bestMetric, state!.bestGlobalStep, state!.partial], [600, 1000, 200, 0.45, 400, true]);
    assert.ok(MAX_TRAINER_STATE_BYTES < size);
  });

  it('a symlink is not followed and a FIFO does not hang the read', async () => {
    const link = path.join(box.root, 'link.json');
    fs.symlinkSync('/etc/passwd', link);
    assert.deepStrictEqual((await readTrainerState(link)).problems, ['trainer_state.json is a symlink (not followed)']);
    const fifo = path.join(box.root, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    assert.deepStrictEqual((await readTrainerState(fifo)).problems, ['trainer_state.json is not a regular file']);
  });

  it('fuzz: any text gives a state or null plus problems, never an exception (fixed seed)', () => {
    const jsonish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 6 }),
      fc.record({ global_step: fc.anything(), max_steps: fc.anything(), save_steps: fc.anything(), best_metric: fc.anything(), log_history: fc.anything() }, { requiredKeys: [] }).map((o) => JSON.stringify(o) ?? ''),
      fc.constantFrom(REAL).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))),
    );
    fc.assert(fc.property(jsonish, (text) => {
      const { state, problems } = parseTrainerState(text);
      assert.ok(Array.isArray(problems));
      if (state) {
        for (const v of [state.globalStep, state.maxSteps, state.bestGlobalStep]) assert.ok(v === null || (Number.isSafeInteger(v) && v >= 0));
        for (const v of [state.saveSteps, state.bestMetric, state.epoch]) assert.ok(v === null || Number.isFinite(v));
        if (state.saveSteps !== null) assert.ok(state.saveSteps > 0);
        for (const [step, record] of state.evalByStep) {
          assert.ok(Number.isSafeInteger(step));
          for (const value of record.metrics.values()) assert.ok(Number.isFinite(value));
        }
      } else {
        assert.ok(problems.length > 0, 'no state and no reason');
      }
    }), { seed: 20251123, numRuns: 500 });
  });
});

describe('malformed and missing trainer_state.json in real runs', function () {
  let box: Sandbox;
  beforeEach(() => { box = makeSandbox('mlds-ts-run-'); });
  afterEach(() => box.cleanup());
  const old = () => Date.now() - 2 * DAY;

  it('a truncated newest state falls back to the previous checkpoint\'s, with a warning; the scan goes on', async () => {
    const run = makeHfRun(path.join(box.root, 'run'), {
      steps: [100, 200, 300], saveSteps: 100, maxSteps: 1000, evals: new Map([[100, 0.9], [200, 0.4], [300, 0.6]]), bestStep: 200, newestMs: old(),
    });
    const newest = path.join(run.runPath, 'checkpoint-300', 'trainer_state.json');
    fs.writeFileSync(newest, fs.readFileSync(newest, 'utf8').slice(0, 100));
    setTreeTimes(run.runPath, old());
    const { scan, warnings } = await scanCheckpointPaths([box.root], { env: {} });
    const r = scan.runs[0];
    assert.strictEqual(r.trainerState!.path, path.join(run.runPath, 'checkpoint-200', 'trainer_state.json'));
    assert.deepStrictEqual(r.checkpoints.filter((c) => c.best).map((c) => c.name), ['checkpoint-200']);
    assert.deepStrictEqual(r.checkpoints.filter((c) => c.last).map((c) => c.name), ['checkpoint-300']);
    assert.ok(warnings.some((w) => /checkpoint-300: trainer_state\.json is not valid JSON/.test(w.message)), JSON.stringify(warnings));
    assert.ok(warnings.some((w) => /facts from checkpoint-200\/trainer_state\.json/.test(w.message)));
    // Step 300's metric came from the older state's log_history? No: that state ends at 200.
    assert.strictEqual(r.checkpoints.find((c) => c.name === 'checkpoint-300')!.metric, null);
    assert.strictEqual(r.forecast?.stepsLeft, 700, 'the forecast counts from the newest checkpoint step');
  });

  it('no trainer_state.json at all: newest by step is kept, no best, no forecast, a warning', async () => {
    const run = makeHfRun(path.join(box.root, 'run'), { steps: [10, 20, 30], saveSteps: 10, maxSteps: 100, evals: new Map(), newestMs: old() });
    for (const s of [10, 20, 30]) fs.unlinkSync(path.join(run.runPath, `checkpoint-${s}`, 'trainer_state.json'));
    setTreeTimes(run.runPath, old());
    const result = await planRetention([box.root], 1, { env: {} });
    const r = result.runs[0];
    assert.strictEqual(r.trainerState, null);
    assert.strictEqual(r.forecast, null);
    assert.ok(!r.checkpoints.some((c) => c.best));
    assert.ok(result.warnings.some((w) => /no usable trainer_state\.json/.test(w.message)));
    // keep-best 1 without a metric: the newest plus the next newest.
    assert.deepStrictEqual(result.json.delete.map((d) => path.basename(d.path)), ['checkpoint-10']);
    assert.match(result.json.keep.find((k) => k.path.endsWith('checkpoint-20'))!.reason, /among the 1 newest \(no metric found\)/);
  });

  it('a recorded best that no longer exists: the best remaining by the metric is kept, and says so', async () => {
    const run = makeHfRun(path.join(box.root, 'run'), {
      steps: [100, 200, 300, 400], saveSteps: 100, maxSteps: 400, evals: new Map([[100, 0.2], [200, 0.9], [300, 0.5], [400, 0.7]]), bestStep: 100, newestMs: old(),
    });
    fs.rmSync(path.join(run.runPath, 'checkpoint-100'), { recursive: true });
    setTreeTimes(run.runPath, old());
    const { scan } = await scanCheckpointPaths([box.root], { env: {} });
    const r = scan.runs[0];
    assert.deepStrictEqual(r.checkpoints.filter((c) => c.best).map((c) => c.name), ['checkpoint-300']);
    assert.strictEqual(r.bestSource, 'eval_loss in log_history (the recorded best is gone)');
  });

  it('a greater-is-better metric recorded by the Trainer is recognised from best_metric', async () => {
    makeHfRun(path.join(box.root, 'run'), {
      steps: [100, 200, 300], saveSteps: 100, maxSteps: 300, metricName: 'eval_accuracy',
      evals: new Map([[100, 0.61], [200, 0.83], [300, 0.79]]), bestStep: 200, newestMs: old(),
    });
    const { scan } = await scanCheckpointPaths([box.root], { env: {} });
    const r = scan.runs[0];
    assert.deepStrictEqual([r.metricName, r.metricDirection], ['eval_accuracy', 'max']);
    assert.deepStrictEqual(r.checkpoints.map((c) => c.metric?.value), [0.61, 0.83, 0.79]);
  });
});

describe('weight and training-state file names', function () {
  // The walker marks folders with the weight expression alone, so it must never take training state for weights.
  it('weights load on their own; no training-state name, nor training_args.bin, is a weight name', () => {
    const weights = ['model.safetensors', 'model-00001-of-00008.safetensors', 'adapter_model.safetensors', 'pytorch_model.bin',
      'pytorch_model-00002-of-00003.bin', 'model.pt', 'adapter_model.bin', 'diffusion_pytorch_model.bin', 'tf_model.h5', 'flax_model.msgpack', 'pytorch_model_fsdp_0'];
    const state = ['optimizer.pt', 'optimizer.bin', 'optimizer_0', 'optimizer_1.bin', 'scheduler.pt', 'scheduler.bin', 'scaler.pt', 'rng_state.pth',
      'rng_state_3.pth', 'random_states_0.pkl'];
    const neither = ['training_args.bin', 'zero_pp_rank_0_mp_rank_00_optim_states.pt', 'mp_rank_00_model_states.pt', 'model.safetensors.index.json', 'trainer_state.json'];
    for (const n of weights) assert.ok(isWeightName(n) && !isTrainingStateName(n), n);
    for (const n of state) assert.ok(isTrainingStateName(n) && !isWeightName(n), n);
    for (const n of neither) assert.ok(!isWeightName(n) && !isTrainingStateName(n), n);
    // Every name that would be training state, generated: never a weight.
    fc.assert(fc.property(fc.constantFrom('optimizer', 'scheduler', 'scaler', 'rng_state', 'random_states'), fc.constantFrom('', '_0', '_12'),
      fc.constantFrom('', '.pt', '.bin', '.pth', '.pkl', '.safetensors'), (stem, n, ext) => !(isTrainingStateName(stem + n + ext) && isWeightName(stem + n + ext))));
  });
});

describe('Lightning file names', function () {
  it('parses epoch, step, metrics (signed, exponent), -vN and last', () => {
    assert.deepStrictEqual(parseLightningName('epoch=3-step=400.ckpt'), { epoch: 3, step: 400, version: null, last: false, metrics: {} });
    assert.deepStrictEqual(parseLightningName('epoch=3-val_loss=0.021.ckpt'), { epoch: 3, step: null, version: null, last: false, metrics: { val_loss: 0.021 } });
    assert.deepStrictEqual(parseLightningName('epoch=02-step=1200-val_loss=-1.5e-03-v2.ckpt'), { epoch: 2, step: 1200, version: 2, last: false, metrics: { val_loss: -0.0015 } });
    assert.deepStrictEqual(parseLightningName('last.ckpt'), { epoch: null, step: null, version: null, last: true, metrics: {} });
    assert.deepStrictEqual(parseLightningName('last-v1.ckpt'), { epoch: null, step: null, version: 1, last: true, metrics: {} });
    assert.deepStrictEqual(parseLightningName('model-03-0.0210.ckpt').metrics, {}, 'auto_insert_metric_name=False names carry no names');
    assert.deepStrictEqual(parseLightningName('epoch=1-val_acc=nan.ckpt').metrics, {}, 'nan is not a metric value');
    assert.deepStrictEqual(parseLightningName('__proto__=1-constructor=2.ckpt').metrics, { constructor: 2 });
  });

  it('metric direction: *loss* lower, accuracy-like higher, configurable', () => {
    assert.strictEqual(metricDirection('val_loss'), 'min');
    assert.strictEqual(metricDirection('val/acc_loss'), 'min');
    assert.strictEqual(metricDirection('val_acc'), 'max');
    assert.strictEqual(metricDirection('eval_f1'), 'max');
    assert.strictEqual(metricDirection('val_mape'), 'min', 'a token match: mape is not map');
    assert.strictEqual(metricDirection('val_wer'), 'min');
    assert.strictEqual(metricDirection('val_wer', ['val_wer']), 'max');
  });

  it('fuzz: any name parses without throwing, into finite numbers (fixed seed)', () => {
    const part = fc.oneof(fc.constantFrom('epoch', 'step', 'val_loss', 'acc', 'last', 'v', '-', '=', '.', 'e', 'nan', 'inf', '__proto__'), fc.string({ maxLength: 8 }), fc.double().map(String), fc.integer().map(String));
    fc.assert(fc.property(fc.array(part, { maxLength: 12 }).map((a) => a.join('') + '.ckpt'), (name) => {
      const r = parseLightningName(name);
      for (const v of [r.epoch, r.step, r.version]) assert.ok(v === null || (Number.isSafeInteger(v) && v >= 0));
      for (const [k, v] of Object.entries(r.metrics)) assert.ok(!Number.isNaN(v) && k.length > 0);
      assert.strictEqual(Object.getPrototypeOf(r.metrics), Object.prototype);
    }), { seed: 20251123, numRuns: 1000 });
  });
});
