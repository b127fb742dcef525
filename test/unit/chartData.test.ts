// The chart's data, cut from a scan model: volume slices that add up to the volume, the largest
// children kept with the rest folded into one box, reveal only for ids the tree has, and the
// protocol's guards against malformed messages from the webview.
import * as assert from 'assert';
import { CATEGORIES } from '../../src/core/categories';
import type { Item, ScanModel } from '../../src/core/model';
import { breakdownChartData, volumeChartData, volumeSlices } from '../../src/host/webview/chartData';
import { isHostToWebview, isWebviewToHost, parseViewState } from '../../src/shared/chartProtocol';

const item = (id: string, bytes: number, children?: Item[], extra: Partial<Item> = {}): Item => ({
  id,
  label: id,
  kind: 'folder',
  path: `/ws/${id}`,
  bytes,
  apparentBytes: bytes + 1,
  children,
  ...extra,
});

function model(over: Partial<ScanModel> = {}): ScanModel {
  return {
    scannedAt: 1_700_000_000_000,
    durationMs: 5,
    roots: ['/ws'],
    volume: { path: '/ws', totalBytes: 1000, freeBytes: 300, availableBytes: 250 },
    categories: [
      { id: 'small', label: 'Small', bytes: 100, apparentBytes: 110, items: [item('s1', 100)] },
      { id: 'big', label: 'Big', bytes: 400, apparentBytes: 400, reclaimableBytes: 50, items: [item('b1', 300, [item('b1a', 200), item('b1b', 100)]), item('b2', 100)] },
      { id: 'docker', label: 'Docker', bytes: 0, apparentBytes: 0, items: [], error: 'engine down' },
    ],
    warnings: [],
    cancelled: false,
    ...over,
  };
}

describe('chart data', () => {
  it('slices the volume like df: used, free to the user, reserved, and what no category explains', () => {
    const v = volumeSlices({ path: '/ws', totalBytes: 1000, freeBytes: 300, availableBytes: 250 }, 500);
    assert.deepStrictEqual(v, { path: '/ws', totalBytes: 1000, freeBytes: 250, reservedBytes: 50, usedBytes: 700, otherUsedBytes: 200 });
    // The slices of the donut make up the whole volume.
    assert.strictEqual(500 + v.otherUsedBytes + v.reservedBytes + v.freeBytes, v.totalBytes);
    // Categories on other volumes can add up to more than this one uses: nothing left over, never negative.
    assert.strictEqual(volumeSlices({ path: '/', totalBytes: 1000, freeBytes: 900, availableBytes: 900 }, 500).otherUsedBytes, 0);
  });

  it('keeps every category (largest first, failed ones too) and says which are reclaimable', () => {
    const data = volumeChartData(model());
    assert.strictEqual(data.mode, 'volume');
    assert.deepStrictEqual(data.root.children!.map((c) => [c.id, c.bytes, c.reclaimable]), [
      ['category:big', 400, true],
      ['category:small', 100, false],
      ['category:docker', 0, false],
    ]);
    assert.strictEqual(data.root.bytes, 500);
    assert.strictEqual(data.root.children![2].error, 'engine down');
    assert.strictEqual(data.volume!.otherUsedBytes, 200);
    // Items keep their path, both sizes and their children, and are revealable (the tree has them).
    const b1 = data.root.children![0].children![0];
    assert.deepStrictEqual([b1.id, b1.path, b1.bytes, b1.apparentBytes, b1.revealable], ['b1', '/ws/b1', 300, 301, true]);
    assert.deepStrictEqual(b1.children!.map((c) => c.id), ['b1a', 'b1b']);
  });

  it('each category keeps one colour slot whatever its rank, and no two registered categories share one', () => {
    const cats = CATEGORIES.map((c, i) => ({ id: c.id, label: c.label, bytes: (i + 1) * 100, apparentBytes: 0, items: [item(`${c.id}-x`, (i + 1) * 100)] }));
    const slots = (m: ScanModel) => Object.fromEntries(volumeChartData(m).root.children!.map((c) => [c.id, c.colorIndex]));
    const growing = slots(model({ categories: cats }));
    // Reverse the sizes: the ranking flips, the colour slots stay.
    const shrinking = slots(model({ categories: cats.map((c, i) => ({ ...c, bytes: (cats.length - i) * 100 })) }));
    assert.deepStrictEqual(shrinking, growing);
    const values = Object.values(growing);
    assert.strictEqual(new Set(values).size, CATEGORIES.length, `slots ${JSON.stringify(growing)}`);
    assert.deepStrictEqual(values.map((v) => typeof v), CATEGORIES.map(() => 'number'));
  });

  it('a category whose items are reclaimable counts as reclaimable even without a total', () => {
    const m = model({ categories: [{ id: 'ck', label: 'Checkpoints', bytes: 10, apparentBytes: 10, items: [item('run', 10, [item('ck1', 10, undefined, { reclaimable: true })])] }] });
    assert.strictEqual(volumeChartData(m).root.children![0].reclaimable, true);
  });

  it('keeps the largest children per node and folds the rest into one box, so the parts still add up', () => {
    const children = Array.from({ length: 30 }, (_, i) => item(`c${i}`, 30 - i));
    const m = model({ categories: [{ id: 'ws', label: 'WS', bytes: 465, apparentBytes: 495, items: [item('root', 465, children)] }] });
    const kids = volumeChartData(m, { childrenPerNode: 5, depth: 3 }).root.children![0].children![0].children!;
    assert.strictEqual(kids.length, 6);
    assert.deepStrictEqual(kids.slice(0, 5).map((k) => k.id), ['c0', 'c1', 'c2', 'c3', 'c4']);
    const rest = kids[5];
    assert.strictEqual(rest.id, 'synthetic:rest:root');
    assert.strictEqual(rest.label, '25 smaller items');
    assert.strictEqual(rest.revealable, false);
    assert.strictEqual(kids.reduce((s, k) => s + k.bytes, 0), 465);
  });

  it('stops at the depth limit and drops empty items', () => {
    const deep = item('l1', 4, [item('l2', 4, [item('l3', 4, [item('l4', 4)])]), item('empty', 0)]);
    const m = model({ categories: [{ id: 'ws', label: 'WS', bytes: 4, apparentBytes: 4, items: [deep] }] });
    const l1 = volumeChartData(m, { childrenPerNode: 10, depth: 2 }).root.children![0].children![0];
    assert.deepStrictEqual(l1.children!.map((c) => c.id), ['l2']);
    assert.strictEqual(l1.children![0].children, undefined);
  });

  it('a breakdown marks revealable only the ids the tree has', () => {
    const root = item('img', 30, [item('layer1', 20, [item('f1', 20)]), item('layer2', 10)], { kind: 'docker-image', path: undefined });
    const data = breakdownChartData('Image x', root, (id) => id === 'layer2');
    assert.strictEqual(data.mode, 'breakdown');
    assert.strictEqual(data.root.id, 'img');
    assert.deepStrictEqual(data.root.children!.map((c) => [c.id, c.revealable]), [['layer1', false], ['layer2', true]]);
    assert.strictEqual(data.volume, undefined);
  });
});

describe('chart protocol guards', () => {
  it('accepts the messages the webview sends and rejects malformed ones', () => {
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'reveal', id: 'x' }));
    assert.ok(isWebviewToHost({ type: 'rendered', mode: 'volume', categories: 3, focusId: 'synthetic:root', theme: 'dark' }));
    for (const bad of [null, 'reveal', {}, { type: 'reveal' }, { type: 'reveal', id: 3 }, { type: 'rendered', mode: 'pie', categories: 1, focusId: 'x' }, { type: 'delete', id: 'x' }]) {
      assert.strictEqual(isWebviewToHost(bad), false, JSON.stringify(bad));
    }
    assert.ok(isHostToWebview({ type: 'test:key', id: 'x', key: 'Enter' }));
    assert.strictEqual(isHostToWebview({ type: 'test:key', id: 'x', key: 'Delete' }), false);
    assert.ok(isHostToWebview({ type: 'locale', language: 'ko', bundle: { Free: '여유 공간' } }));
    for (const bad of [{ type: 'locale', language: 'ko' }, { type: 'locale', language: 'ko', bundle: { Free: 3 } }, { type: 'locale', bundle: {} }]) {
      assert.strictEqual(isHostToWebview(bad), false, JSON.stringify(bad));
    }
  });

  it('reads back a saved view state, dropping what is malformed', () => {
    assert.deepStrictEqual(parseViewState({ mode: 'volume', focusPath: ['a', 3, 'b'] }), { mode: 'volume', focusPath: ['a', 'b'], breakdown: undefined });
    assert.deepStrictEqual(parseViewState({ mode: 'volume', focusPath: [], donutView: 'disk' }), { mode: 'volume', focusPath: [], breakdown: undefined, donutView: 'disk' });
    assert.deepStrictEqual(parseViewState({ mode: 'volume', focusPath: [], donutView: 'pie' }), { mode: 'volume', focusPath: [], breakdown: undefined });
    assert.strictEqual(parseViewState({ mode: 'other' }), undefined);
    assert.strictEqual(parseViewState(undefined), undefined);
  });
});
