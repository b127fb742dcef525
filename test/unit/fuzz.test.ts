// Property-based fuzzing of every parser that reads input we did not write: trainer_state.json,
// Lightning checkpoint names, HF cache names and refs, conda metadata names and
// environments.txt, docker host strings and docker context JSON files, and /proc mountinfo.
// Fixed seed and bounded runs, so a failure reproduces and the suite stays fast.
import * as assert from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseLightningName, metricDirection } from '../../src/core/categories/checkpoints/names';
import { parseTrainerState, recoverTopLevelNumbers } from '../../src/core/categories/checkpoints/trainerState';
import { parseEnvironmentsTxt, pythonVersionFromMetaName } from '../../src/core/categories/conda/discover';
import { normaliseHost, parseDockerHost, resolveDockerEndpoint } from '../../src/core/categories/docker/connection';
import { parseRefContent, parseRepoFolderName, repoFolderName } from '../../src/core/categories/huggingface/names';
import { parseMountInfo } from '../../src/core/safety/mountPoints';

const SEED = 20240611;
const RUNS = 300;
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns });

/** Any text, including lone surrogates, control characters and astral code points. */
const anyText = fc.string({ unit: 'binary', maxLength: 300 });
/** Printable-ish text (what a hostile but plausible file name or JSON string looks like). */
const nameText = fc.string({ unit: 'grapheme', maxLength: 120 });

const isNullOrFiniteNumber = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const isNullOrStepInt = (v: unknown) => v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

function checkTrainerResult(r: ReturnType<typeof parseTrainerState>): void {
  assert.ok(Array.isArray(r.problems) && r.problems.every((p) => typeof p === 'string' && p.length > 0));
  if (!r.state) return;
  const s = r.state;
  for (const k of ['globalStep', 'maxSteps', 'bestGlobalStep'] as const) assert.ok(isNullOrStepInt(s[k]), `${k}=${s[k]}`);
  for (const k of ['saveSteps', 'epoch', 'numTrainEpochs', 'bestMetric'] as const) assert.ok(isNullOrFiniteNumber(s[k]), `${k}=${s[k]}`);
  assert.ok(s.saveSteps === null || s.saveSteps > 0);
  assert.ok(s.bestModelCheckpoint === null || typeof s.bestModelCheckpoint === 'string');
  for (const [step, rec] of s.evalByStep) {
    assert.ok(Number.isSafeInteger(step) && step >= 0);
    for (const v of rec.metrics.values()) assert.ok(Number.isFinite(v));
  }
}

/** JSON values of any shape, with trainer_state keys mixed in so wrong types get exercised. */
const trainerKeys = fc.constantFrom('global_step', 'max_steps', 'save_steps', 'epoch', 'num_train_epochs', 'best_metric',
  'best_global_step', 'best_model_checkpoint', 'log_history', 'step', 'eval_loss', 'eval_accuracy', '__proto__', 'constructor');
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null), fc.boolean(), fc.double(), fc.integer(), fc.constantFrom(1e308, -1, -0, 2 ** 53 + 2, 0.5), nameText,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(trainerKeys, nameText), tie('value'), { maxKeys: 8 }),
  ),
})).value;

describe('fuzz: parsers of files we did not write', function () {
  this.timeout(120_000);

  describe('trainer_state.json', () => {
    it('any text: never throws, every fact it returns is well-typed', () => {
      fc.assert(fc.property(anyText, (text) => checkTrainerResult(parseTrainerState(text))), params());
    });

    it('any JSON document (wrong types, odd keys, __proto__): never throws, well-typed', () => {
      fc.assert(fc.property(hostileJson, (value) => {
        const text = JSON.stringify(value) ?? 'undefined';
        checkTrainerResult(parseTrainerState(text));
        // Truncated at any point (a file read while the Trainer writes it).
        checkTrainerResult(parseTrainerState(text.slice(0, Math.floor(text.length / 2))));
      }), params());
    });

    it('deep nesting at any depth: never throws (no stack overflow)', () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
        const close = open === '[' ? ']' : '}';
        const text = `{"global_step": 5, "x": ${open.repeat(depth)}1${close.repeat(depth)}}`;
        checkTrainerResult(parseTrainerState(text));
      }), params(40));
    });

    it('a well-formed state round-trips its numbers', () => {
      const state = fc.record({
        global_step: fc.nat({ max: 10_000_000 }),
        max_steps: fc.nat({ max: 10_000_000 }),
        save_steps: fc.integer({ min: 1, max: 100_000 }),
        best_metric: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        best_model_checkpoint: fc.option(nameText, { nil: null }),
        log_history: fc.array(fc.record({ step: fc.nat({ max: 1_000_000 }), eval_loss: fc.double({ noNaN: true, noDefaultInfinity: true }) }), { maxLength: 20 }),
      });
      fc.assert(fc.property(state, (s) => {
        const r = parseTrainerState(JSON.stringify(s, null, 2));
        assert.deepStrictEqual(r.problems, []);
        assert.strictEqual(r.state!.globalStep, s.global_step);
        assert.strictEqual(r.state!.maxSteps, s.max_steps);
        assert.strictEqual(r.state!.saveSteps, s.save_steps);
        assert.ok(r.state!.bestMetric === s.best_metric, `${r.state!.bestMetric} vs ${s.best_metric}`); // JSON has no -0
        assert.strictEqual(r.state!.bestModelCheckpoint, s.best_model_checkpoint);
        // The last entry logged for a step wins, as in the Trainer's own log.
        const last = new Map(s.log_history.map((e) => [e.step, e.eval_loss]));
        for (const [step, loss] of last) assert.ok(r.state!.evalByStep.get(step)!.metrics.get('eval_loss') === loss);
      }), params());
    });

    it('recovering top-level numbers from any fragment never throws and yields well-typed numbers', () => {
      fc.assert(fc.property(anyText, fc.nat({ max: 1e9 }), (junk, step) => {
        const r = recoverTopLevelNumbers(`${junk}\n  "global_step": ${step},\n${junk}`);
        assert.ok(r);
        assert.ok(isNullOrStepInt(r.globalStep));
        const r2 = recoverTopLevelNumbers(junk);
        if (r2) for (const k of ['globalStep', 'maxSteps', 'bestGlobalStep'] as const) assert.ok(isNullOrStepInt(r2[k]));
      }), params());
    });
  });

  describe('Lightning checkpoint file names', () => {
    it('any name: never throws; epoch/step are non-negative integers; metrics are numbers; no prototype keys', () => {
      fc.assert(fc.property(fc.oneof(anyText, nameText.map((n) => `${n}.ckpt`)), (name) => {
        const r = parseLightningName(name);
        assert.ok(isNullOrStepInt(r.epoch) && isNullOrStepInt(r.step));
        assert.ok(r.version === null || (Number.isSafeInteger(r.version) && r.version >= 0));
        assert.strictEqual(typeof r.last, 'boolean');
        assert.strictEqual(Object.getPrototypeOf(r.metrics), Object.prototype);
        for (const [k, v] of Object.entries(r.metrics)) {
          assert.ok(k !== '__proto__' && typeof v === 'number' && !Number.isNaN(v));
          assert.ok(['min', 'max'].includes(metricDirection(k)));
        }
      }), params(1000));
      assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
    });

    it('names made from Lightning templates parse back to their values', () => {
      const metricName = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).filter((n) => !['epoch', 'step', 'global_step', 'inf', 'nan'].includes(n));
      fc.assert(fc.property(fc.nat({ max: 99_999 }), fc.nat({ max: 9_999_999 }), metricName, fc.integer({ min: 0, max: 999_999 }), fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
        (epoch, step, metric, milli, v) => {
          const value = (milli / 1000).toFixed(3);
          const name = `epoch=${epoch}-step=${step}-${metric}=${value}${v === null ? '' : `-v${v}`}.ckpt`;
          const r = parseLightningName(name);
          assert.deepStrictEqual([r.epoch, r.step, r.version, r.last], [epoch, step, v, false]);
          assert.strictEqual(r.metrics[metric], Number(value));
        }), params());
    });
  });

  describe('Hugging Face cache names and refs', () => {
    it('any folder name: never throws; a parsed name is a known type and folds back to the same folder', () => {
      fc.assert(fc.property(fc.oneof(anyText, nameText.map((n) => `models--${n}`), nameText.map((n) => `datasets--${n}--${n}`)), (name) => {
        const r = parseRepoFolderName(name);
        // A folder name on disk has no '/' (the repo id's '/' is written as '--').
        if (name.includes('/')) return;
        if ('error' in r) { assert.ok(r.error.length > 0); return; }
        assert.ok(['model', 'dataset', 'space'].includes(r.repoType));
        assert.strictEqual(repoFolderName(r.repoType, r.repoId), name);
      }), params(1000));
    });

    it('any ref content: never throws; a trailing line break is removed once, nothing else changes', () => {
      fc.assert(fc.property(anyText, (content) => {
        const r = parseRefContent(content);
        if (r.trailingNewline) assert.ok(content === r.commit + '\n' || content === r.commit + '\r\n');
        else assert.strictEqual(r.commit, content);
        assert.ok(!r.trailingNewline || !/[\r\n]/.test(r.commit));
      }), params(1000));
    });
  });

  describe('conda metadata', () => {
    it('environments.txt: never throws; every prefix is a trimmed, non-empty, non-comment line', () => {
      fc.assert(fc.property(fc.array(fc.oneof(anyText, fc.constantFrom('# comment', '', '   ', '/opt/conda/envs/x', '\r')), { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        for (const p of parseEnvironmentsTxt(text)) {
          assert.ok(p.length > 0 && p === p.trim() && !p.startsWith('#') && !/[\r\n]/.test(p));
        }
      }), params());
    });

    it('conda-meta file names: never throws; a python version is digits and dots first', () => {
      fc.assert(fc.property(fc.oneof(anyText, nameText.map((n) => `python-${n}.json`), fc.constantFrom('python-3.11.8-hab00c5b_0_cpython.json', 'python_abi-3.11-4_cp311.json', 'python-dateutil-2.9.0-pyhd8ed1ab_0.json')), (name) => {
        const v = pythonVersionFromMetaName(name);
        if (v !== undefined) assert.match(v, /^\d+(\.\d+)*/);
      }), params(1000));
      assert.strictEqual(pythonVersionFromMetaName('python-3.11.8-hab00c5b_0_cpython.json'), '3.11.8');
      assert.strictEqual(pythonVersionFromMetaName('python_abi-3.11-4_cp311.json'), undefined);
    });
  });

  describe('docker hosts and context files', () => {
    it('any DOCKER_HOST string: never throws; the result is a known protocol or says why not', () => {
      fc.assert(fc.property(fc.oneof(anyText, nameText.map((n) => `tcp://${n}`), nameText.map((n) => `ssh://${n}`), nameText.map((n) => `/${n}`)), fc.constantFrom<NodeJS.Platform>('linux', 'darwin', 'win32'), (host, platform) => {
        const r = parseDockerHost(normaliseHost(host, platform));
        assert.ok(['unix', 'npipe', 'tcp', 'http', 'https', 'ssh', 'invalid'].includes(r.protocol));
        if (r.protocol === 'invalid') assert.ok(r.reason.length > 0);
        if ('port' in r) assert.ok(Number.isInteger(r.port) && r.port >= 0 && r.port <= 65535);
      }), params(1000));
    });

    it('hostile ~/.docker/config.json and context meta.json files: never throws, falls back with a warning', () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-fuzz-docker-'));
      try {
        const docker = path.join(home, '.docker');
        const metaDir = path.join(docker, 'contexts', 'meta', 'abc');
        fs.mkdirSync(metaDir, { recursive: true });
        const content = fc.oneof(anyText, hostileJson.map((v) => JSON.stringify(v) ?? ''),
          fc.record({ currentContext: fc.oneof(nameText, hostileJson) }).map((v) => JSON.stringify(v)));
        const meta = fc.oneof(anyText, hostileJson.map((v) => JSON.stringify(v) ?? ''),
          fc.record({ Name: fc.constantFrom('ctx', 'other'), Endpoints: fc.oneof(hostileJson, fc.record({ docker: fc.oneof(hostileJson, fc.record({ Host: fc.oneof(nameText, hostileJson), SkipTLSVerify: hostileJson })) })) }).map((v) => JSON.stringify(v)));
        fc.assert(fc.property(content, meta, (configText, metaText) => {
          fs.writeFileSync(path.join(docker, 'config.json'), configText);
          fs.writeFileSync(path.join(metaDir, 'meta.json'), metaText);
          const r = resolveDockerEndpoint({ env: { DOCKER_CONTEXT: 'ctx' }, home, platform: 'linux', exists: () => false });
          assert.strictEqual(typeof r.endpoint.host, 'string');
          assert.ok(r.endpoint.host.length > 0);
          assert.ok(r.warnings.every((w) => typeof w === 'string'));
          // The requested context is either used, or the fallback says why.
          if (r.endpoint.source === 'context') assert.strictEqual(r.endpoint.contextName, 'ctx');
          else assert.ok(r.warnings.length > 0, 'falling back without a warning');
          const r2 = resolveDockerEndpoint({ env: {}, home, platform: 'linux', exists: () => false });
          assert.strictEqual(typeof r2.endpoint.host, 'string');
        }), params(200));
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  });

  describe('/proc/self/mountinfo (our own parser of kernel text)', () => {
    it('any text: never throws; every mount point is absolute', () => {
      fc.assert(fc.property(fc.array(fc.oneof(anyText, fc.constant('36 35 98:0 /mnt1 /mnt/with\\040space rw - ext3 /dev/root rw')), { maxLength: 20 }), (lines) => {
        for (const p of parseMountInfo(lines.join('\n'))) assert.ok(p.startsWith('/'));
      }), params());
      assert.ok(parseMountInfo('36 35 98:0 /mnt1 /mnt/with\\040space rw - ext3 /dev/root rw').has('/mnt/with space'));
    });
  });
});
