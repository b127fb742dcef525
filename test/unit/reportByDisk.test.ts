// The CLI's text report leads with what lies on a disk that is filling, as the editor's tree does,
// and says of the rest that deleting it frees nothing there. The thresholds are the extension's
// setting defaults (package.json), so the CLI and the editor call the same disk "filling".
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_VOLUME_THRESHOLDS } from '../../src/core/fillingVolume';
import type { Category, ScanModel } from '../../src/core/model';
import { toText } from '../../src/core/report';

const GB = 1e9;
const category = (id: string, label: string, bytes: number, volume: string): Category => ({
  id, label, bytes, apparentBytes: bytes, volume,
  items: [{ id: `${id}:x`, label: `${id}-item`, kind: 'folder', path: `${volume === '/' ? '' : volume}/${id}`, bytes, apparentBytes: bytes, volume }],
});
const model = (dataPercentUsed: number): ScanModel => ({
  scannedAt: Date.now(), durationMs: 10, roots: ['/data/ws'], warnings: [], cancelled: false,
  volumes: [
    { mountPoint: '/', totalBytes: 500 * GB, freeBytes: 300 * GB, availableBytes: 300 * GB, percentUsed: 40, categories: ['huggingface'] },
    { mountPoint: '/data', totalBytes: 100 * GB, freeBytes: (100 - dataPercentUsed) * GB, availableBytes: (100 - dataPercentUsed) * GB, percentUsed: dataPercentUsed, categories: ['checkpoints'] },
  ],
  categories: [category('huggingface', 'Hugging Face', 80 * GB, '/'), category('checkpoints', 'Checkpoints', 5 * GB, '/data')],
});
const categoryLines = (text: string) => text.split('\n').filter((l) => /^ *[\d.]+ [kMGT]?B  [A-Z]/.test(l));

describe('CLI text report: the disk that is filling first', () => {
  it('uses the extension\'s default thresholds', () => {
    const sections = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')).contributes.configuration as { properties: Record<string, { default: unknown }> }[];
    const props = Object.assign({}, ...sections.map((s) => s.properties)) as Record<string, { default: unknown }>;
    assert.deepStrictEqual(DEFAULT_VOLUME_THRESHOLDS, { warnAtPercentUsed: props['mlDiskSpace.warnAtPercentUsed'].default, criticalAtPercentUsed: props['mlDiskSpace.criticalAtPercentUsed'].default });
  });

  it('/data at 97 %: its checkpoints lead, the larger cache on / says it frees nothing on /data', () => {
    const text = toText(model(97), 5);
    assert.match(text, /^Filling: \/data \(97% used\) — what is on it comes first$/m);
    const lines = categoryLines(text);
    assert.match(lines[0], /Checkpoints$/);
    assert.match(lines[1], /Hugging Face {2}\(on another disk — frees nothing on \/data\)$/);
  });

  it('a workspace folder left with nothing (its run counted under Checkpoints) is not listed, as in the tree', () => {
    const m = model(50);
    const folder = (name: string, bytes: number) => ({ id: `workspace:/data/ws/${name}`, label: name, kind: 'folder', path: `/data/ws/${name}`, bytes, apparentBytes: bytes, volume: '/data' });
    m.categories.push({
      id: 'workspace', label: 'Large workspace items', bytes: 3e6, apparentBytes: 3e6, volume: '/data',
      items: [{ ...folder('', 3e6), id: 'workspace:root:/data/ws', kind: 'workspace-folder', path: '/data/ws', children: [folder('data', 3e6), folder('run', 0)] }],
    });
    const text = toText(m, 5);
    assert.match(text, /\/data\/ws\/data$/m);
    assert.doesNotMatch(text, /\/data\/ws\/run/);
  });

  it('nothing filling: largest first, no disk named', () => {
    const text = toText(model(50), 5);
    assert.doesNotMatch(text, /Filling:|another disk/);
    const lines = categoryLines(text);
    assert.match(lines[0], /Hugging Face$/);
    assert.match(lines[1], /Checkpoints$/);
  });
});
