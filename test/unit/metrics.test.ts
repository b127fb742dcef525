// The pieces of `ml-disk-space metrics` on their own: the exposition writer (escaping checked by
// the real parser, promtool), the ranking of runs, the volume of a path (real mounts), the atomic
// write's leftovers, and the systemd units (checked by systemd's own parser, systemd-analyze).
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../../src/core/metrics/atomicWrite';
import { escapeLabelValue, renderExposition, type MetricFamily } from '../../src/core/metrics/exposition';
import { metricsFromScan, rankRuns } from '../../src/core/metrics/fromScan';
import type { ScanModel } from '../../src/core/model';
import { METRICS } from '../../src/core/metrics/names';
import { serviceUnit, systemdQuote, timerUnit, type TimerUnitsRequest } from '../../src/core/metrics/systemdUnits';
import { createVolumeResolver, longestMountPrefix, type VolumeResolver } from '../../src/core/metrics/volumes';
import { makeSandbox, type Sandbox } from '../support/deletionFixtures';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');

function promtoolCheck(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool must be installed (Debian prometheus): ${r.error.message}`);
  return { status: r.status, output: (r.stdout + r.stderr).trim() };
}

function systemdVerify(unitFile: string): { status: number | null; output: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', unitFile], { encoding: 'utf8' });
  if (r.error) throw new Error(`systemd-analyze must be installed (Debian systemd): ${r.error.message}`);
  return { status: r.status, output: (r.stdout + r.stderr).trim() };
}

describe('metrics: exposition writer', () => {
  const hostile = ['plain', 'q"uote', 'back\\slash', 'new\nline', 'tab\tand\rreturn', 'é ü 漢字 🚀', '\\"\n', ''];

  it('escapes label values as the format says, and promtool reads every hostile value', () => {
    assert.strictEqual(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    const family: MetricFamily = { name: 'ml_disk_space_run_checkpoint_bytes', help: 'help with \\ and\nnewline', type: 'gauge', samples: hostile.map((run, i) => ({ labels: { run }, value: i })) };
    const text = renderExposition([family]);
    assert.strictEqual(text.split('\n').filter((l) => l.startsWith('ml_disk_space_run_checkpoint_bytes{')).length, hostile.length, 'one line per sample');
    assert.deepStrictEqual(promtoolCheck(text), { status: 0, output: '' });
  });

  it('promtool rejects what an unescaped writer would produce (the check above can fail)', () => {
    const broken = '# HELP m x\n# TYPE m gauge\nm{run="new\nline"} 1\n';
    assert.notStrictEqual(promtoolCheck(broken).status, 0);
  });

  it('writes special values as the parser reads them; refuses invalid names and repeated series', () => {
    const text = renderExposition([{ name: 'm', help: 'h', type: 'gauge', samples: [{ labels: { a: '1' }, value: NaN }, { labels: { a: '2' }, value: Infinity }, { labels: { a: '3' }, value: -Infinity }, { labels: { a: '4' }, value: 0.25 }] }]);
    assert.match(text, /^m\{a="1"\} NaN$/m);
    assert.match(text, /^m\{a="2"\} \+Inf$/m);
    assert.match(text, /^m\{a="3"\} -Inf$/m);
    assert.deepStrictEqual(promtoolCheck(text), { status: 0, output: '' });
    assert.throws(() => renderExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [{ value: 1 }] }]), /invalid metric name/);
    assert.throws(() => renderExposition([{ name: 'm', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }]), /invalid label name/);
    assert.throws(() => renderExposition([{ name: 'm', help: '', type: 'gauge', samples: [{ labels: { a: 'x' }, value: 1 }, { labels: { a: 'x' }, value: 2 }] }]), /series written twice/);
    assert.strictEqual(renderExposition([{ name: 'm', help: '', type: 'gauge', samples: [] }]), '', 'a family without samples is left out');
  });

  it('every metric name is a valid, documented name under ml_disk_space_', () => {
    const docs = fs.readFileSync(path.join(REPO, 'docs', 'METRICS.md'), 'utf8');
    for (const spec of Object.values(METRICS)) {
      assert.match(spec.name, /^ml_disk_space_[a-z_]+$/);
      assert.ok(docs.includes(`\`${spec.name}\``), `${spec.name} is listed in docs/METRICS.md`);
    }
  });
});

describe('metrics: run ranking (bounded cardinality)', () => {
  const run = (p: string, bytes: number, forecast: { bytesNeeded: number; fits: boolean | null } | null) => ({ path: p, bytes, forecast: forecast as never });
  it('runs that will not fit first, then by bytes still needed, then by size, then path', () => {
    const ranked = rankRuns([
      run('/a-small-no-forecast', 10, null),
      run('/b-fits-needs-much', 5, { bytesNeeded: 900, fits: true }),
      run('/c-misfit-needs-little', 1, { bytesNeeded: 50, fits: false }),
      run('/d-big-no-forecast', 1000, null),
      run('/e-misfit-needs-much', 1, { bytesNeeded: 5000, fits: false }),
      run('/f-unknown-fit', 1, { bytesNeeded: 100, fits: null }),
    ]);
    assert.deepStrictEqual(ranked.map((r) => r.path), ['/e-misfit-needs-much', '/c-misfit-needs-little', '/b-fits-needs-much', '/f-unknown-fit', '/d-big-no-forecast', '/a-small-no-forecast']);
  });
});

describe('metrics: from a scan model (Docker, failed categories, several volumes)', () => {
  // A resolver by path prefix, standing in for mounts (the real one is tested on real mounts below
  // and end to end in metricsPrometheus.test.ts).
  const volumes: VolumeResolver = {
    volumeOf: async (p) => (p.startsWith('/data/') ? '/data' : p.startsWith('/home/') ? '/home' : ''),
    stats: async (v) => ({ sizeBytes: v.length * 1000, availableBytes: v.length * 10 }),
  };
  const item = (p: string | undefined, bytes: number) => ({ id: `x:${p}`, label: 'x', kind: 'folder', path: p, bytes, apparentBytes: bytes });
  const model: ScanModel = {
    scannedAt: 1_700_000_000_500, durationMs: 2500, roots: ['/data/ws'], cancelled: false,
    warnings: [{ message: 'unreadable', code: 'EACCES' }, { message: 'Conda: boom', code: 'scanner-failed', category: 'conda' }],
    categories: [
      { id: 'docker', label: 'Docker', bytes: 700, apparentBytes: 700, reclaimableBytes: 300, items: [item(undefined, 500), item(undefined, 200)] },
      { id: 'workspace', label: 'Workspace', bytes: 110, apparentBytes: 110, reclaimableBytes: 40, items: [item('/data/ws', 100), item('/home/u/ws', 10)] },
      { id: 'pip', label: 'pip', bytes: 50, apparentBytes: 50, reclaimableBytes: 50, items: [item('/home/u/.cache/pip/http', 30), item('/home/u/.cache/pip/wheels', 20)] },
      { id: 'conda', label: 'conda', bytes: 0, apparentBytes: 0, items: [], error: 'Conda: boom' },
      { id: 'huggingface', label: 'HF', bytes: 0, apparentBytes: 0, items: [], error: 'engine down' },
    ],
  };

  it('bytes without a path on volume ""; reclaimable on the one volume or ""; failed categories flagged, not zeroed', async () => {
    const text = renderExposition(await metricsFromScan(model, { topRuns: 20, volumes }));
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    const has = (l: string) => assert.ok(lines.includes(l), `${l}\n---\n${text}`);
    has('ml_disk_space_category_bytes{category="docker",volume=""} 700');
    has('ml_disk_space_category_reclaimable_bytes{category="docker",volume=""} 300');
    has('ml_disk_space_category_bytes{category="workspace",volume="/data"} 100');
    has('ml_disk_space_category_bytes{category="workspace",volume="/home"} 10');
    has('ml_disk_space_category_reclaimable_bytes{category="workspace",volume=""} 40');
    has('ml_disk_space_category_reclaimable_bytes{category="pip",volume="/home"} 50');
    has('ml_disk_space_category_error{category="conda"} 1');
    has('ml_disk_space_category_error{category="pip"} 0');
    assert.ok(!lines.some((l) => l.startsWith('ml_disk_space_category_bytes{category="conda"')), 'no bytes for a category that failed');
    has('ml_disk_space_volume_free_bytes{volume="/data"} 50');
    has('ml_disk_space_volume_size_bytes{volume="/home"} 5000');
    // Two warnings (one of them the conda failure) + HF failed without a warning.
    has('ml_disk_space_scan_errors 3');
    has('ml_disk_space_scan_duration_seconds 2.5');
    has('ml_disk_space_scan_timestamp_seconds 1700000000.5');
    has('ml_disk_space_runs 0');
    assert.deepStrictEqual(promtoolCheck(text), { status: 0, output: '' });
  });
});

describe('metrics: volumes and atomic writes (real mounts)', () => {
  let box: Sandbox;
  const mounted: string[] = [];
  before(() => { box = makeSandbox('mlds-metrics-unit-'); });
  after(() => {
    for (const m of mounted.reverse()) { try { execFileSync('umount', [m]); } catch { execFileSync('umount', ['-l', m]); } }
    box.cleanup();
  });

  it('longest mount point prefix, on path boundaries', () => {
    const points = ['/', '/data', '/data/fast', '/dat'];
    assert.strictEqual(longestMountPrefix('/data/fast/x', points), '/data/fast');
    assert.strictEqual(longestMountPrefix('/data/fastest', points), '/data');
    assert.strictEqual(longestMountPrefix('/database', points), '/');
    assert.strictEqual(longestMountPrefix('/data', points), '/data');
  });

  it('the volume of a path: its mount point, through symlinks, and by the nearest parent once it is gone', async () => {
    const mnt = path.join(box.dir, 'mnt');
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    mounted.push(mnt);
    fs.mkdirSync(path.join(mnt, 'runs', 'a'), { recursive: true });
    fs.symlinkSync(path.join(mnt, 'runs'), path.join(box.root, 'runs-link'));
    fs.symlinkSync('/etc/hostname', path.join(mnt, 'runs', 'a', 'last.ckpt'));
    const volumes = createVolumeResolver();
    assert.strictEqual(await volumes.volumeOf(path.join(mnt, 'runs', 'a')), mnt);
    assert.strictEqual(await volumes.volumeOf(path.join(box.root, 'runs-link', 'a')), mnt, 'a root reached through a symlink');
    assert.strictEqual(await volumes.volumeOf(path.join(mnt, 'runs', 'a', 'last.ckpt')), mnt, "a link's bytes lie beside it, not at its target");
    assert.strictEqual(await volumes.volumeOf(path.join(mnt, 'runs', 'gone', 'deeper')), mnt);
    const df = execFileSync('df', ['-B1', '--output=size,avail', mnt], { encoding: 'utf8' }).trim().split('\n')[1].trim().split(/\s+/).map(Number);
    assert.deepStrictEqual(await volumes.stats(mnt), { sizeBytes: df[0], availableBytes: df[1] });
  });

  it('an atomic write leaves no temporary file, replaces the old content whole, and keeps mode 0644 under umask 077', async () => {
    const dir = path.join(box.root, 'atomic');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'out.prom');
    fs.writeFileSync(file, 'old\n');
    const old = process.umask(0o077);
    try {
      await writeFileAtomic(file, 'new\n');
    } finally {
      process.umask(old);
    }
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'new\n');
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o644);
    assert.deepStrictEqual(fs.readdirSync(dir), ['out.prom']);
    // Over a folder: one error, the temporary file removed.
    fs.mkdirSync(path.join(dir, 'taken.prom'));
    await assert.rejects(writeFileAtomic(path.join(dir, 'taken.prom'), 'x'), /EISDIR|EEXIST|ENOTEMPTY/);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['out.prom', 'taken.prom']);
  });
});

describe('metrics: systemd service + timer', () => {
  let box: Sandbox;
  before(() => { box = makeSandbox('mlds-metrics-units-'); });
  after(() => box.cleanup());

  const request = (node: string, args: string[]): TimerUnitsRequest => ({
    node, cli: CLI, args, intervalMinutes: 10, scope: 'user', env: { HOME: '/home/a b', HF_HOME: '/data/hf %h $HOME', UNRELATED: 'x' },
  });

  it('systemd-analyze verify accepts the units; a program path with spaces, % and $ reaches systemd intact', () => {
    // systemd checks the program exists: a path it unquoted wrongly would fail verify.
    const odd = path.join(box.root, 'node dir %h $HOME');
    fs.mkdirSync(odd);
    const node = path.join(odd, 'node');
    fs.symlinkSync(process.execPath, node);
    const dir = path.join(box.root, 'units');
    fs.mkdirSync(dir);
    const r = request(node, ['/data/runs', '--output', '/var/lib/node_exporter/text "q" 100%.prom']);
    fs.writeFileSync(path.join(dir, 'ml-disk-space-metrics.service'), serviceUnit(r));
    fs.writeFileSync(path.join(dir, 'ml-disk-space-metrics.timer'), timerUnit(r));
    assert.deepStrictEqual(systemdVerify(path.join(dir, 'ml-disk-space-metrics.service')), { status: 0, output: '' });
    assert.deepStrictEqual(systemdVerify(path.join(dir, 'ml-disk-space-metrics.timer')), { status: 0, output: '' });
    const service = fs.readFileSync(path.join(dir, 'ml-disk-space-metrics.service'), 'utf8');
    assert.match(service, /^Environment="HOME=\/home\/a b"$/m);
    assert.match(service, /^Environment="HF_HOME=\/data\/hf %%h \$HOME"$/m, 'specifiers doubled; $ is literal in Environment=');
    assert.ok(!service.includes('UNRELATED'));
    assert.match(fs.readFileSync(path.join(dir, 'ml-disk-space-metrics.timer'), 'utf8'), /^OnUnitActiveSec=10min$/m);
  });

  it('control: the same verify fails when the program path is not what systemd reads', () => {
    const dir = path.join(box.root, 'units-bad');
    fs.mkdirSync(dir);
    // Unescaped % would be read as a specifier: the path systemd looks for differs.
    const unit = serviceUnit(request(process.execPath, [])).replace(systemdQuote(process.execPath, { dollars: false }), `${process.execPath}%h`);
    fs.writeFileSync(path.join(dir, 'ml-disk-space-metrics.service'), unit);
    assert.notStrictEqual(systemdVerify(path.join(dir, 'ml-disk-space-metrics.service')).status, 0);
  });

  it('quotes arguments for ExecStart: specifiers and $ doubled, quotes and control characters escaped', () => {
    assert.strictEqual(systemdQuote('/plain/path.prom', { dollars: true }), '/plain/path.prom');
    assert.strictEqual(systemdQuote('a b', { dollars: true }), '"a b"');
    assert.strictEqual(systemdQuote('100%$x', { dollars: true }), '"100%%$$x"');
    assert.strictEqual(systemdQuote('100%$x', { dollars: false }), '"100%%$x"');
    assert.strictEqual(systemdQuote('q"\\\n', { dollars: true }), '"q\\"\\\\\\x0a"');
  });

  it('ml-disk-space metrics --install-timer writes both units; --output must be a .prom file', () => {
    const dir = path.join(box.root, 'cli-units');
    const out = path.join(box.root, 'textfile', 'ml_disk_space.prom');
    const ok = spawnSync(process.execPath, [CLI, 'metrics', '--install-timer', dir, '--output', out, box.root, '--top-runs', '5', '--no-docker', '--interval', '30'], { encoding: 'utf8' });
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /systemctl --user enable --now ml-disk-space-metrics\.timer/);
    const service = fs.readFileSync(path.join(dir, 'ml-disk-space-metrics.service'), 'utf8');
    assert.ok(service.includes(`ExecStart=${process.execPath} ${CLI} metrics ${box.root} --output ${out} --top-runs 5 --no-docker`), service);
    assert.deepStrictEqual(systemdVerify(path.join(dir, 'ml-disk-space-metrics.service')), { status: 0, output: '' });
    assert.match(fs.readFileSync(path.join(dir, 'ml-disk-space-metrics.timer'), 'utf8'), /^OnUnitActiveSec=30min$/m);
    const bad = spawnSync(process.execPath, [CLI, 'metrics', '--install-timer', dir, '--output', path.join(box.root, 'x.txt')], { encoding: 'utf8' });
    assert.strictEqual(bad.status, 2);
    assert.match(bad.stderr, /must end in \.prom/);
    const missing = spawnSync(process.execPath, [CLI, 'metrics', '--install-timer', dir], { encoding: 'utf8' });
    assert.strictEqual(missing.status, 2);
    assert.match(missing.stderr, /needs --output/);
  });

  it('ml-disk-space metrics: an unwritable output is one line and exit 1; a bad --top-runs is exit 2', () => {
    const r = spawnSync(process.execPath, [CLI, 'metrics', box.root, '--no-docker', '--output', path.join(box.root, 'no', 'such', 'dir', 'x.prom')], { encoding: 'utf8', timeout: 60_000 });
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /^ml-disk-space: cannot write .*x\.prom: ENOENT\n$/);
    const t = spawnSync(process.execPath, [CLI, 'metrics', '--top-runs', '-1'], { encoding: 'utf8' });
    assert.strictEqual(t.status, 2);
  });
});
