// The status bar's history on disk (the extension's global storage): written off the refresh path,
// merged with what another window saved, and a corrupt or FIFO file logged once and replaced.
// Real files in a temp folder standing in for the global storage folder.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GROWTH_FILE_NAME, loadGrowthFile, type Reading } from '../../src/core/headroom/growthFile';
import { GrowthRecorder } from '../../src/host/statusBar/growthRecorder';

const MIN = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('status bar: the free-space history file', () => {
  let dir: string;
  let warnings: string[];
  const log = { warn: (m: string) => warnings.push(m) };
  const reading = (t: number, freeBytes: number): Reading => ({ key: 'mount:/data', path: '/data', totalBytes: 1e12, point: { t, freeBytes } });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-growth-host-'));
    warnings = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a reading returns at once; the file is written after the quiet time, in one write', async () => {
    const rec = new GrowthRecorder(dir, log, 150);
    const now = Date.now();
    for (let i = 0; i < 3; i++) assert.equal((await rec.add(reading(now + i * MIN, 100 - i))).points.length, i + 1);
    assert.equal(fs.existsSync(rec.file), false, 'not written during the refresh');
    await sleep(400);
    const saved = await loadGrowthFile(rec.file);
    assert.deepEqual(saved.history.get('mount:/data')!.points.map((p) => p.freeBytes), [100, 99, 98]);
    assert.deepEqual(warnings, []);
  });

  it('two windows writing the same file keep each other\'s readings', async () => {
    const a = new GrowthRecorder(dir, log, 10_000);
    const b = new GrowthRecorder(dir, log, 10_000);
    const now = Date.now();
    await a.add(reading(now, 100));
    await b.add(reading(now + 2 * MIN, 98));
    await a.flush();
    await b.flush();
    await a.add(reading(now + 4 * MIN, 96));
    await a.flush();
    const saved = (await loadGrowthFile(a.file)).history.get('mount:/data')!;
    assert.deepEqual(saved.points.map((p) => p.freeBytes), [100, 98, 96]);
  });

  it('a corrupt file is logged once and replaced by a valid history', async () => {
    const file = path.join(dir, GROWTH_FILE_NAME);
    fs.writeFileSync(file, '\0\0garbage{');
    const rec = new GrowthRecorder(dir, log, 10_000);
    const now = Date.now();
    await rec.add(reading(now, 5));
    await rec.add(reading(now + MIN, 4));
    await rec.flush();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /is not a free-space history/);
    const saved = await loadGrowthFile(file);
    assert.equal(saved.problem, undefined);
    assert.equal(saved.history.get('mount:/data')!.points.length, 2);
  });

  it('a FIFO at the path does not hang the status bar; it is replaced on the next save', async function () {
    this.timeout(30_000);
    const file = path.join(dir, GROWTH_FILE_NAME);
    execFileSync('mkfifo', [file]);
    const rec = new GrowthRecorder(dir, log, 10_000);
    const started = Date.now();
    await rec.add(reading(Date.now(), 5));
    assert.ok(Date.now() - started < 5000, 'did not wait for a writer');
    await rec.flush();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /FIFO/);
    assert.ok(fs.lstatSync(file).isFile());
  });

  it('a save that fails (a folder at the path) is logged once, and later readings still work', async () => {
    fs.mkdirSync(path.join(dir, GROWTH_FILE_NAME));
    const rec = new GrowthRecorder(dir, log, 10_000);
    const now = Date.now();
    await rec.add(reading(now, 5));
    await rec.flush();
    await rec.add(reading(now + MIN, 4));
    await rec.flush();
    assert.equal(warnings.filter((w) => w.startsWith('cannot save')).length, 1, warnings.join('\n'));
    assert.equal(rec.points('mount:/data').length, 2);
  });
});
