// The tree rows and the chart breakdown of an image's anatomy (src/host/docker/imageRows.ts): a
// folder's rows add up to the folder, files sit next to folders, long levels are folded, empty
// layers are left out. The anatomy is written by hand here, as folderTotals() would give it; the
// real thing (from a real engine) is checked in test/integration/docker.test.ts.
import * as assert from 'assert';
import type { ImageAnatomy, ImageLayer } from '../../src/core/categories/docker/imageAnatomy';
import { folderTotals } from '../../src/core/categories/docker/imageAnatomy';
import { CompositionCounter } from '../../src/core/categories/docker/imageComposition';
import type { WasteFinding } from '../../src/core/categories/docker/imageWaste';
import { formatBytes } from '../../src/core/format';
import { anatomyBreakdown, compositionKindRows, compositionRows, compositionSummary, entriesIn, folderRows, layerRows, layersSummary, wasteFindingRows, wasteRows, wasteSummary } from '../../src/host/docker/imageRows';

const layer = (instruction: string, bytes: number, shared = false): ImageLayer => ({ createdBy: `/bin/sh -c ${instruction}`, instruction, bytes, createdMs: 0, shared });

/** Files of a small image: path (no leading slash) -> bytes. */
const FILES = new Map<string, number>([
  ['bin/busybox', 1000],
  ['opt/models/a.safetensors', 600],
  ['opt/models/b.safetensors', 300],
  ['opt/README', 5],
  ['usr/lib/python3/site-packages/torch/lib/libtorch.so', 400],
  ['payload', 250],
]);

function compositionOf(files: Map<string, number>) {
  const c = new CompositionCounter();
  for (const [p, b] of files) c.add(p, b);
  return c.finish();
}

function anatomy(limit = 2000): ImageAnatomy {
  const largestFiles = [...FILES].map(([p, bytes]) => ({ path: '/' + p, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, limit);
  return {
    image: 'x',
    id: 'sha256:x',
    bytes: 2555,
    layers: [layer('(imported filesystem)', 1000, true), layer('ENV A=1', 0), layer('COPY . /opt', 905), layer('RUN pip install torch', 400), layer('COPY payload /', 250)],
    paths: folderTotals(FILES, 8).slice(0, limit),
    largestFiles,
    pythonPackages: [],
    modelWeights: [],
    hints: [],
    composition: compositionOf(FILES),
    waste: [],
    wasteBytes: 0,
  };
}

describe('docker image rows (tree and chart of an image anatomy)', () => {
  it('the root level lists top folders and root files, largest first, adding up to every file', () => {
    const { entries, unlistedBytes } = entriesIn(anatomy(), '');
    assert.deepStrictEqual(entries.map((e) => [e.path, e.bytes, e.folder]), [
      ['/bin', 1000, true],
      ['/opt', 905, true],
      ['/usr', 400, true],
      ['/payload', 250, false],
    ]);
    assert.strictEqual(unlistedBytes, 0);
    assert.strictEqual(entries.reduce((s, e) => s + e.bytes, 0), [...FILES.values()].reduce((s, b) => s + b, 0));
  });

  it('a folder lists its sub-folders and its own files; what the lists leave out is one row', () => {
    const rows = folderRows(anatomy(), '/opt');
    assert.deepStrictEqual(rows.map((r) => `${r.label} ${r.description}`), [`models ${formatBytes(900)}`, `README ${formatBytes(5)}`]);
    assert.strictEqual(rows[0].expandable, true);
    assert.deepStrictEqual(rows[0].data, { kind: 'folder', dir: '/opt/models' });
    assert.strictEqual(rows[1].expandable, false);
    // With only the 3 largest files known, README is not listed: /opt shows it as the rest.
    const cut = folderRows(anatomy(3), '/opt');
    assert.deepStrictEqual(cut.map((r) => `${r.label} ${r.description}`), [`models ${formatBytes(900)}`, `smaller files and deeper folders ${formatBytes(5)}`]);
  });

  it('a long level is folded after the row limit, keeping the bytes', () => {
    const rows = folderRows(anatomy(), '', 2);
    assert.deepStrictEqual(rows.map((r) => `${r.label} ${r.description}`), ['/bin 1.0 kB', '/opt 905 B', `2 smaller entries ${formatBytes(650)}`]);
  });

  it('layers: only those with data, in build order, with the shared badge; the summary counts the rest', () => {
    const layers = anatomy().layers;
    const rows = layerRows(layers);
    assert.deepStrictEqual(rows.map((r) => `${r.label} | ${r.description}`), [
      '(imported filesystem) | 1.0 kB · shared',
      'COPY . /opt | 905 B',
      'RUN pip install torch | 400 B',
      'COPY payload / | 250 B',
    ]);
    assert.deepStrictEqual(rows.map((r) => r.key), ['layer:0', 'layer:2', 'layer:3', 'layer:4'], 'keys stay stable by position in the history');
    assert.match(rows[0].contextTokens!.join(' '), /\bbadge-shared\b/);
    assert.strictEqual(layersSummary(layers), `4 layers · ${formatBytes(2555)} · ${formatBytes(1000)} shared · 1 empty step not shown`);
  });

  it('the chart breakdown holds the same Layers and Largest folders, each adding up', () => {
    const root = anatomyBreakdown('sha256:x', 'x:1', anatomy());
    assert.deepStrictEqual(root.children!.map((c) => [c.label, c.bytes]), [
      ['Composition', 2555],
      ['Layers', 2555],
      ['Largest folders', 2555],
    ]);
    // The kinds of FILES: busybox is OS, the safetensors are weights, torch is PyTorch, the rest (README, payload) the rest.
    assert.deepStrictEqual(root.children![0].children!.map((c) => [c.label, c.bytes]), [['OS base', 1000], ['Model weights', 900], ['PyTorch', 400], ['Everything else', 255]]);
    const folders = root.children![2].children!;
    assert.deepStrictEqual(folders.map((f) => f.label), ['/bin', '/opt', '/usr', '/payload']);
    const opt = folders[1];
    assert.deepStrictEqual(opt.children!.map((c) => [c.label, c.bytes]), [['models', 900], ['README', 5]]);
    const ids = new Set<string>();
    const walk = (i: typeof root) => {
      assert.ok(!ids.has(i.id), `duplicate id ${i.id}`);
      ids.add(i.id);
      for (const c of i.children ?? []) walk(c);
    };
    walk(root);
  });
});

describe('docker image composition and waste rows', () => {
  const files = new Map<string, number>([
    ['usr/local/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so', 700],
    ['usr/local/lib/python3.11/site-packages/torch/__init__.py', 100],
    ...Array.from({ length: 12 }, (_, i): [string, number] => [`usr/local/lib/python3.11/site-packages/pkg${i}/x.py`, 100 + i]),
  ]);
  const c = compositionOf(files);

  it('Composition: kinds largest first with their share; torch shows libtorch_cuda; packages list the top 10 and fold the rest', () => {
    const rows = compositionRows(c);
    const python = 12 * 100 + (11 * 12) / 2;
    assert.deepStrictEqual(rows.map((r) => [r.label, r.description]), [
      ['Other Python packages', `${formatBytes(python)} · ${Math.round((python / (python + 800)) * 100)} %`],
      ['PyTorch', `${formatBytes(800)} · ${Math.round((800 / (python + 800)) * 100)} % · libtorch_cuda ${formatBytes(700)}`],
    ]);
    assert.ok(rows.every((r) => r.expandable));
    const pkgs = compositionKindRows(c, 'python');
    assert.deepStrictEqual(pkgs.map((r) => r.label), ['pkg11', 'pkg10', 'pkg9', 'pkg8', 'pkg7', 'pkg6', 'pkg5', 'pkg4', 'pkg3', 'pkg2', '2 more packages']);
    assert.strictEqual(pkgs[10].description, formatBytes(100 + 101));
    assert.deepStrictEqual(compositionKindRows(c, 'pytorch').map((r) => [r.label, r.description]), [['libtorch_cuda', formatBytes(700)], ['the rest of torch', formatBytes(100)]]);
    assert.strictEqual(compositionSummary(c, 1), `Other Python packages ${formatBytes(python)}`);
  });

  it('Waste: a finding per row with its layer; expanding shows the fix first, the layers, then examples', () => {
    const w: WasteFinding = {
      kind: 'deleted-later', what: 'files a later layer deletes', bytes: 5000, files: 4, examples: ['/a', '/b', '/c'],
      layer: { index: 1, createdBy: '/bin/sh -c make', instruction: 'RUN make' },
      other: { index: 2, createdBy: '/bin/sh -c rm -rf /a', instruction: 'RUN rm -rf /a' },
      fix: 'Delete them in the same RUN that creates them, not in a later one: saves 5.0 kB',
    };
    assert.deepStrictEqual(wasteRows([w]).map((r) => [r.label, r.description]), [['files a later layer deletes', `${formatBytes(5000)} · layer 2: RUN make`]]);
    assert.deepStrictEqual(wasteFindingRows(w).map((r) => r.label), [w.fix, 'layer 2: RUN make', 'deleted by layer 3: RUN rm -rf /a', '/a', '/b', '/c', '1 more file']);
    assert.strictEqual(wasteSummary({ waste: [w], wasteBytes: 5000 }), `${formatBytes(5000)} in 1 finding`);
    assert.deepStrictEqual(wasteRows([]).map((r) => r.label), ['No waste found']);
  });
});
