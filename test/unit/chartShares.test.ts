// The donut's numbers: by default the scanned categories against each other (shares of the scanned
// total, so ML categories are not 0.1 % slivers of a disk), the whole disk one click away (the
// categories, what no category explains, reserved and free, as shares of the disk), and the one
// way a share is written.
import * as assert from 'assert';
import type { Item, ScanModel } from '../../src/core/model';
import { volumeChartData } from '../../src/host/webview/chartData';
import { donutShares, percentText } from '../../src/webview/shares';

const GB = 1e9;
const MB = 1e6;
const item = (id: string, bytes: number): Item => ({ id, label: id, kind: 'folder', path: `/ws/${id}`, bytes, apparentBytes: bytes });

// A 2 TB disk with 1.2 TB used, of which the scan found 300 MB in two categories (and Docker down).
function model(over: Partial<ScanModel> = {}): ScanModel {
  return {
    scannedAt: 1_700_000_000_000,
    durationMs: 5,
    roots: ['/ws'],
    volume: { path: '/ws', totalBytes: 2000 * GB, freeBytes: 800 * GB, availableBytes: 700 * GB },
    categories: [
      { id: 'hf', label: 'Hugging Face', bytes: 100 * MB, apparentBytes: 100 * MB, items: [item('repo', 100 * MB)] },
      { id: 'checkpoints', label: 'Checkpoints', bytes: 200 * MB, apparentBytes: 200 * MB, items: [item('run', 200 * MB)] },
      { id: 'docker', label: 'Docker', bytes: 0, apparentBytes: 0, items: [], error: 'engine down' },
    ],
    warnings: [],
    cancelled: false,
    ...over,
  };
}

const byLabel = (d: ReturnType<typeof donutShares>) => Object.fromEntries(d.slices.map((s) => [s.node.label, s.share]));
const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

describe('chart: donut shares', () => {
  it('the scanned view sets the categories against each other: shares of the scanned total that add up to 1', () => {
    const d = donutShares(volumeChartData(model()), 'scanned');
    assert.strictEqual(d.view, 'scanned');
    assert.strictEqual(d.wholeBytes, 300 * MB);
    assert.deepStrictEqual(
      d.slices.map((s) => s.node.id),
      ['category:checkpoints', 'category:hf', 'category:docker'],
    );
    const shares = byLabel(d);
    close(shares.Checkpoints, 2 / 3);
    close(shares['Hugging Face'], 1 / 3);
    assert.strictEqual(shares.Docker, 0);
    assert.ok(!d.slices.some((s) => s.node.kind === 'free' || s.node.kind === 'other-used'), 'no disk slices in the scanned view');
  });

  it('the disk view shows the whole volume: categories, other used, reserved and free as shares of the disk', () => {
    const d = donutShares(volumeChartData(model()), 'disk');
    assert.strictEqual(d.view, 'disk');
    assert.strictEqual(d.wholeBytes, 2000 * GB);
    assert.deepStrictEqual(
      d.slices.map((s) => s.node.kind),
      ['category', 'category', 'category', 'other-used', 'reserved', 'free'],
    );
    const shares = byLabel(d);
    close(shares.Checkpoints, (200 * MB) / (2000 * GB)); // the sliver the scanned view is for
    close(shares.Free, 700 / 2000); // what the user can write (f_bavail), as df's Available
    close(shares.Reserved, 100 / 2000);
    close(shares['Other used'], (1200 * GB - 300 * MB) / (2000 * GB));
    close(d.slices.reduce((sum, s) => sum + s.share, 0), 1); // the parts make up the disk
  });

  it('leaves out the reserved slice when nothing is reserved', () => {
    const d = donutShares(volumeChartData(model({ volume: { path: '/ws', totalBytes: 1000, freeBytes: 400, availableBytes: 400 } })), 'disk');
    assert.deepStrictEqual(d.slices.filter((s) => s.node.kind !== 'category').map((s) => s.node.kind), ['other-used', 'free']);
  });

  it('without the volume size only the scanned view exists', () => {
    const d = donutShares(volumeChartData(model({ volume: undefined })), 'disk');
    assert.strictEqual(d.view, 'scanned');
    assert.strictEqual(d.wholeBytes, 300 * MB);
  });

  it('nothing scanned: every share is 0, not NaN', () => {
    const d = donutShares(volumeChartData(model({ categories: [{ id: 'pip', label: 'pip', bytes: 0, apparentBytes: 0, items: [] }] })), 'scanned');
    assert.deepStrictEqual(d.slices.map((s) => s.share), [0]);
  });

  it('writes a share one way: whole percent from 10 %, one decimal below, "<0.1%" for a sliver, nothing for 0', () => {
    assert.deepStrictEqual(
      [2 / 3, 0.1, 0.0997, 0.0994, 0.001, 0.000_49, 0, Number.NaN].map(percentText),
      ['67%', '10%', '10%', '9.9%', '0.1%', '<0.1%', '', ''],
    );
  });
});
