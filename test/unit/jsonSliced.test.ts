// Persisting the last scan in time slices (core/jsonSliced.ts, used by host/scanStore.ts): the
// file holds exactly JSON.stringify's text — for a real scan model of a real tree, and for the
// values JSON.stringify treats specially — and writing a big model lets timers run meanwhile.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { jsonPieces, writeJsonSliced } from '../../src/core/jsonSliced';
import { scan } from '../../src/core/scan/scan';

describe('JSON written in time slices', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-json-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // 0: every object and array is taken apart (the default hands small ones to JSON.stringify).
  const sliced = (v: unknown, smallNodes = 0) => [...jsonPieces(v, smallNodes)].join('');

  it('gives JSON.stringify\'s text for the values it treats specially', () => {
    const cases: unknown[] = [
      null, 0, -0, 1.5, NaN, Infinity, 'a"b\\c\n\u0001\u2028 é 😀', true, [], {}, [[], [{}]],
      [undefined, () => 1, Symbol('s'), null, NaN],
      { a: undefined, b: () => 1, c: Symbol('s'), d: null, 'k"\n': 1, e: [undefined], f: { g: undefined } },
      { when: new Date(0), nested: { toJSON: () => undefined }, viaKey: { toJSON: (k: string) => `key:${k}` } },
      [{ toJSON: () => undefined }],
      new Number(3), new String('s'), new Boolean(false),
      { 2: 'two', 1: 'one', b: 'b', a: 'a' },
    ];
    for (const c of cases) {
      assert.strictEqual(sliced(c), JSON.stringify(c), `for ${String(JSON.stringify(c))}`);
      assert.strictEqual(sliced(c, 3), JSON.stringify(c), `for ${String(JSON.stringify(c))}, small parts whole`);
    }
    // Where JSON.stringify gives undefined, there is nothing to write.
    assert.strictEqual(sliced(undefined), '');
    assert.strictEqual(JSON.stringify(undefined), undefined);
  });

  it('throws on a cycle, like JSON.stringify', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    assert.throws(() => JSON.stringify(a), TypeError);
    assert.throws(() => sliced(a), TypeError);
    // The same object twice (not a cycle) is written twice.
    const shared = { s: 1 };
    assert.strictEqual(sliced([shared, shared]), JSON.stringify([shared, shared]));
  });

  it('a real scan model: the file written is JSON.stringify of it, byte for byte', async () => {
    const root = path.join(dir, 'tree');
    for (let i = 0; i < 3; i++) {
      const ck = path.join(root, 'run', `checkpoint-${(i + 1) * 100}`);
      fs.mkdirSync(ck, { recursive: true });
      fs.writeFileSync(path.join(ck, 'model.safetensors'), Buffer.alloc(4096 * (i + 1), 1));
      fs.writeFileSync(path.join(ck, 'trainer_state.json'), JSON.stringify({ global_step: (i + 1) * 100, log_history: [] }));
    }
    fs.mkdirSync(path.join(root, 'data', 'odd\nname'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data', 'odd\nname', 'x.bin'), Buffer.alloc(10_000, 2));
    const model = await scan({ roots: [root], env: { HOME: path.join(dir, 'home'), PATH: process.env.PATH }, settings: { docker: false } });
    assert.ok(model.categories.length > 0);
    const file = path.join(dir, 'scan.json');
    await writeJsonSliced(file, model, { chunkChars: 512, smallNodes: 0 });
    assert.strictEqual(fs.readFileSync(file, 'utf8'), JSON.stringify(model));
    await writeJsonSliced(file, model);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), JSON.stringify(model));
  });

  it('a big model: timers keep firing while it is written, and the text is exact', async () => {
    // ~40 MB of JSON, shaped like a model: categories of items with children and fields.
    const items = Array.from({ length: 150_000 }, (_, i) => ({
      id: `workspace:/data/shard-${i}`, label: `shard-${i}`, kind: 'folder', bytes: i * 4096, apparentBytes: i * 4000,
      paths: [`/data/shard-${i}`], fields: { files: i, modifiedAt: 1_700_000_000_000 + i, note: undefined },
      children: [{ id: `c${i}`, label: 'x', bytes: 1 }],
    }));
    const model = { scannedAt: Date.now(), categories: [{ id: 'workspace', label: 'Workspace', bytes: 1, items }], warnings: [] };
    const file = path.join(dir, 'big.json');
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 10);
    delay.enable();
    const started = Date.now();
    await writeJsonSliced(file, model);
    const elapsed = Date.now() - started;
    delay.disable();
    clearInterval(timer);
    const t0 = Date.now();
    const whole = JSON.stringify(model);
    const oneShotMs = Date.now() - t0;
    console.log(`      (${(whole.length / 1e6).toFixed(0)} MB of JSON in ${elapsed} ms; longest event-loop stall ${(delay.max / 1e6).toFixed(0)} ms; a 10 ms timer fired ${ticks} times; one JSON.stringify of it: ${oneShotMs} ms)`);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), whole);
    // One JSON.stringify would hold the loop for the whole write (the timer would fire about
    // once). An average, not a wall-clock bound: a loaded 2-core machine stalls any process at times.
    assert.ok(ticks >= elapsed / 100, `a 10 ms timer fired ${ticks} times in ${elapsed} ms: the event loop was blocked`);
  });
});
