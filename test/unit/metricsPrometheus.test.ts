// `ml-disk-space metrics` against the real engines: node_exporter's textfile collector reads the
// file the CLI writes, a real Prometheus scrapes node_exporter and evaluates the shipped alert
// rules, and what Prometheus answers over its HTTP API must equal what `ml-disk-space scan --json`
// reports for the same fixture. The fixture lives on two tmpfs mounts of its own (two volumes;
// nothing else writes there, so free space is the same for both commands), and `df` is the
// reference for the volumes' sizes. Also: promtool accepts the output, --top-runs bounds the run
// series, and a reader (and node_exporter) polling while the file is rewritten never sees a
// half-written file, while the same reader does catch a plain, non-atomic writer.
import * as assert from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { renderExposition, type MetricFamily } from '../../src/core/metrics/exposition';
import { buildCacheHome } from '../support/cacheFixtures';
import { buildCheckpointScene, makeHfRun, KiB } from '../support/checkpointFixtures';
import { makeSandbox, type Sandbox } from '../support/deletionFixtures';
import { pollUntil, promQuery, startNodeExporter, startPrometheus, type PromSample, type Server } from '../support/prometheusServers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const ALERTS = path.join(REPO, 'docs', 'prometheus', 'alerts.yml');
const ATOMIC_WRITE = path.join(REPO, 'out', 'src', 'core', 'metrics', 'atomicWrite.js');
const ARTIFACTS = path.join(REPO, '.test-artifacts');
const MiB = 1024 * KiB;
const DAY = 24 * 3600_000;

interface ItemJson { path: string | null; bytes: number; kind: string; forecast?: { bytesNeeded: number; fits: boolean | null } | null }
interface ScanJson {
  volume: { path: string; totalBytes: number; availableBytes: number };
  categories: { id: string; bytes: number; reclaimableBytes?: number; error?: string; items: ItemJson[] }[];
  warnings: unknown[];
}

function mount(args: string[]): void {
  try {
    execFileSync('mount', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`cannot mount (${args.join(' ')}): ${e.stderr?.toString().trim() || e.message}. This suite needs root with CAP_SYS_ADMIN (the sandbox gives it); it does not skip.`);
  }
}

function cli(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * MiB });
  if (r.status !== 0) throw new Error(`ml-disk-space ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** `df -B1` of a mount point: the reference for size and available bytes. */
function df(mountPoint: string): { size: number; avail: number } {
  const out = execFileSync('df', ['-B1', '--output=size,avail', mountPoint], { encoding: 'utf8' }).trim().split('\n')[1].trim().split(/\s+/);
  return { size: Number(out[0]), avail: Number(out[1]) };
}

const byLabel = (samples: PromSample[], label: string) => new Map(samples.map((s) => [s.metric[label] ?? '', s.value]));

describe('metrics: ml-disk-space metrics -> node_exporter -> Prometheus (real engines)', function () {
  this.timeout(240_000);
  let box: Sandbox;
  const mounted: string[] = [];
  const servers: Server[] = [];
  let vol: string; let vol2: string;
  let env: NodeJS.ProcessEnv;
  let roots: string[];
  let scanJson: ScanJson;
  let textDir: string;
  let promFile: string;
  let bigRun: string; let oddRun: string;
  let nodeExporter: Server; let prometheus: Server;
  let metricsStartedS: number; let metricsEndedS: number;
  const report: Record<string, unknown> = {};

  before(async () => {
    box = makeSandbox('mlds-metrics-');
    vol = path.join(box.dir, 'vol');
    vol2 = path.join(box.dir, 'vol2');
    for (const [where, size] of [[vol, '96m'], [vol2, '16m']]) {
      fs.mkdirSync(where);
      mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', where]);
      mounted.push(where);
    }
    const now = Date.now();
    const caches = buildCacheHome(path.join(vol, 'home'), path.join(vol, 'outside'), now);
    buildCheckpointScene(path.join(vol, 'ws'), now);
    // 12 MiB a checkpoint, 98 saves left: far more than a 96 MiB volume holds.
    bigRun = makeHfRun(path.join(vol, 'ws', 'outputs', 'big-run'), {
      steps: [100, 200], saveSteps: 100, maxSteps: 10_000, evals: new Map(), weightBytes: 4 * MiB, optimizerBytes: 8 * MiB, newestMs: now - 2 * DAY,
    }).runPath;
    // On the second volume, a run whose folder name needs every escape of the format.
    oddRun = makeHfRun(path.join(vol2, 'ws2', 'runs', 'q"uote \\back\nline\ttab é'), {
      steps: [10, 20], saveSteps: 10, maxSteps: 40, evals: new Map(), weightBytes: 16 * KiB, newestMs: now - 2 * DAY,
    }).runPath;
    roots = [path.join(vol, 'ws'), path.join(vol2, 'ws2')];
    env = { ...process.env, ...caches.env };

    textDir = path.join(box.dir, 'textfile');
    fs.mkdirSync(textDir);
    promFile = path.join(textDir, 'ml_disk_space.prom');
    const serverDir = path.join(box.dir, 'servers');
    fs.mkdirSync(serverDir);
    nodeExporter = await startNodeExporter(serverDir, textDir);
    servers.push(nodeExporter);
    prometheus = await startPrometheus(serverDir, new URL(nodeExporter.url).host, [ALERTS]);
    servers.push(prometheus);

    scanJson = JSON.parse(cli(['scan', ...roots, '--json', '--no-docker'], env)) as ScanJson;
    metricsStartedS = Date.now() / 1000;
    cli(['metrics', ...roots, '--no-docker', '--output', promFile], env);
    metricsEndedS = Date.now() / 1000;
  });

  after(async () => {
    for (const s of servers.reverse()) await s.stop();
    for (const m of mounted.reverse()) {
      try { execFileSync('umount', [m]); } catch { execFileSync('umount', ['-l', m]); }
    }
    box?.cleanup();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'metrics-prometheus.json'), JSON.stringify(report, null, 2));
  });

  /** The volume (one of the two mounts) a path lies on, as the test built it. */
  const volumeOf = (p: string | null) => (!p ? '' : p.startsWith(vol2 + '/') ? vol2 : p.startsWith(vol + '/') ? vol : '?');

  it('promtool check metrics accepts the file, with nothing to complain about', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: fs.readFileSync(promFile), encoding: 'utf8' });
    assert.strictEqual(r.error, undefined, 'promtool must be installed (Debian prometheus)');
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.strictEqual((r.stdout + r.stderr).trim(), '');
  });

  it('category bytes in Prometheus equal scan --json, split by the volume their items lie on', async () => {
    const expected = new Map<string, number>();
    for (const c of scanJson.categories) {
      let located = 0;
      for (const item of c.items) {
        if (!item.path || item.bytes <= 0) continue;
        const key = `${c.id} ${volumeOf(item.path)}`;
        expected.set(key, (expected.get(key) ?? 0) + item.bytes);
        located += item.bytes;
      }
      if (c.bytes - located > 0) expected.set(`${c.id} `, c.bytes - located);
    }
    const samples = await pollUntil('ml_disk_space_category_bytes in Prometheus', 60_000, async () => {
      const s = await promQuery(prometheus, 'ml_disk_space_category_bytes');
      return s.length >= expected.size ? s : undefined;
    });
    const got = new Map(samples.map((s) => [`${s.metric.category} ${s.metric.volume ?? ''}`, s.value]));
    report.categoryBytes = [...expected].map(([key, bytes]) => ({ series: key, scanJson: bytes, prometheus: got.get(key) }));
    assert.deepStrictEqual(got, expected);
    // Both volumes hold something, and each category's volumes add up to its scan --json total.
    assert.ok([...got.keys()].some((k) => k.endsWith(` ${vol2}`)), 'the second volume has its own series');
    const sums = await promQuery(prometheus, 'sum by (category) (ml_disk_space_category_bytes)');
    assert.deepStrictEqual(byLabel(sums, 'category'), new Map(scanJson.categories.map((c) => [c.id, c.bytes])));
  });

  it('reclaimable bytes equal scan --json per category (on the volume when there is one)', async () => {
    const samples = await promQuery(prometheus, 'ml_disk_space_category_reclaimable_bytes');
    const expected = new Map(scanJson.categories.filter((c) => c.reclaimableBytes !== undefined).map((c) => [c.id, c.reclaimableBytes!]));
    report.reclaimableBytes = [...expected].map(([id, bytes]) => ({ category: id, scanJson: bytes, prometheus: byLabel(samples, 'category').get(id) }));
    assert.deepStrictEqual(byLabel(samples, 'category'), expected);
    for (const s of samples) {
      const volumes = new Set(scanJson.categories.find((c) => c.id === s.metric.category)!.items.filter((i) => i.path && i.bytes > 0).map((i) => volumeOf(i.path)));
      assert.strictEqual(s.metric.volume ?? '', volumes.size === 1 ? [...volumes][0] : '', `volume of ${s.metric.category}`);
    }
  });

  it('volume free and size equal scan --json (first root) and df -B1 (both volumes)', async () => {
    const free = byLabel(await promQuery(prometheus, 'ml_disk_space_volume_free_bytes'), 'volume');
    const size = byLabel(await promQuery(prometheus, 'ml_disk_space_volume_size_bytes'), 'volume');
    assert.deepStrictEqual([...free.keys()].sort(), [vol, vol2].sort());
    assert.strictEqual(free.get(vol), scanJson.volume.availableBytes);
    assert.strictEqual(size.get(vol), scanJson.volume.totalBytes);
    for (const v of [vol, vol2]) {
      const ref = df(v);
      assert.strictEqual(free.get(v), ref.avail, `free of ${v}`);
      assert.strictEqual(size.get(v), ref.size, `size of ${v}`);
    }
    report.volumes = [vol, vol2].map((v) => ({ volume: v, prometheusFree: free.get(v), prometheusSize: size.get(v), df: df(v), scanJson: v === vol ? scanJson.volume : null }));
    // Unknown limits are not exported (no quota support on this kernel, no reader plugged in yet).
    assert.deepStrictEqual(await promQuery(prometheus, 'ml_disk_space_volume_limit_free_bytes'), []);
  });

  it('every run: checkpoint bytes, forecast and fits equal scan --json; the odd name comes back intact', async () => {
    const runs = scanJson.categories.find((c) => c.id === 'checkpoints')!.items.filter((i) => i.kind === 'run');
    assert.ok(runs.some((r) => r.path === oddRun), 'the fixture run with quotes, a backslash and a newline in its name is found');
    const bytes = byLabel(await promQuery(prometheus, 'ml_disk_space_run_checkpoint_bytes'), 'run');
    const needed = byLabel(await promQuery(prometheus, 'ml_disk_space_run_forecast_needed_bytes'), 'run');
    const fits = byLabel(await promQuery(prometheus, 'ml_disk_space_run_fits'), 'run');
    assert.deepStrictEqual(bytes, new Map(runs.map((r) => [r.path!, r.bytes])));
    assert.deepStrictEqual(needed, new Map(runs.filter((r) => r.forecast).map((r) => [r.path!, r.forecast!.bytesNeeded])));
    assert.deepStrictEqual(fits, new Map(runs.filter((r) => r.forecast && r.forecast.fits !== null).map((r) => [r.path!, r.forecast!.fits ? 1 : 0])));
    assert.strictEqual(fits.get(bigRun), 0, 'the 12 MiB-a-save run does not fit its 96 MiB volume');
    assert.deepStrictEqual((await promQuery(prometheus, 'ml_disk_space_runs')).map((s) => s.value), [runs.length]);
    report.rawRunQueries = Object.fromEntries(await Promise.all(['ml_disk_space_run_checkpoint_bytes', 'ml_disk_space_run_forecast_needed_bytes', 'ml_disk_space_run_fits'].map(async (q) => [q, await promQuery(prometheus, q)])));
    report.runs = runs.map((r) => ({ run: r.path, scanJson: { bytes: r.bytes, bytesNeeded: r.forecast?.bytesNeeded ?? null, fits: r.forecast?.fits ?? null }, prometheus: { bytes: bytes.get(r.path!), bytesNeeded: needed.get(r.path!) ?? null, fits: fits.get(r.path!) ?? null } }));
  });

  it('scan errors equal scan --json warnings; the scan time is when metrics ran; node_exporter read the file cleanly', async () => {
    const one = async (q: string) => (await promQuery(prometheus, q)).map((s) => s.value);
    assert.deepStrictEqual(await one('ml_disk_space_scan_errors'), [scanJson.warnings.length]);
    const [stamp] = await one('ml_disk_space_scan_timestamp_seconds');
    assert.ok(stamp >= metricsStartedS - 1 && stamp <= metricsEndedS + 1, `timestamp ${stamp} within [${metricsStartedS}, ${metricsEndedS}]`);
    const [duration] = await one('ml_disk_space_scan_duration_seconds');
    assert.ok(duration > 0 && duration <= metricsEndedS - metricsStartedS, `duration ${duration}`);
    assert.deepStrictEqual(await one('node_textfile_scrape_error'), [0]);
    report.scan = { errors: { scanJsonWarnings: scanJson.warnings.length, prometheus: (await one('ml_disk_space_scan_errors'))[0] }, timestamp: stamp, duration };
  });

  it('the shipped alert rule flags the run that will not fit, and only it', async () => {
    const alerts = await pollUntil('MLDiskSpaceRunWillNotFit in /api/v1/alerts', 30_000, async () => {
      const res = await fetch(`${prometheus.url}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) });
      const body = await res.json() as { data: { alerts: { labels: Record<string, string>; state: string; value: string }[] } };
      const mine = body.data.alerts.filter((a) => a.labels.alertname === 'MLDiskSpaceRunWillNotFit');
      return mine.length ? mine : undefined;
    });
    // `for: 15m` holds it pending here; promtool test rules (below) checks it fires after that.
    assert.deepStrictEqual(alerts.map((a) => [a.labels.run, a.state]), [[bigRun, 'pending']]);
    const runs = scanJson.categories.find((c) => c.id === 'checkpoints')!.items;
    assert.strictEqual(Number(alerts[0].value), runs.find((r) => r.path === bigRun)!.forecast!.bytesNeeded);
    report.alert = alerts;
  });

  it('promtool test rules: both shipped alerts fire when they should, and only then', () => {
    const r = spawnSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: path.dirname(ALERTS), encoding: 'utf8' });
    report.promtoolTestRules = { status: r.status, output: (r.stdout + r.stderr).trim() };
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });

  it('--top-runs bounds the run series: the most urgent runs first, the count of all runs kept', () => {
    const text = cli(['metrics', ...roots, '--no-docker', '--top-runs', '1'], env);
    const runSeries = text.split('\n').filter((l) => l.startsWith('ml_disk_space_run_checkpoint_bytes{'));
    assert.deepStrictEqual(runSeries.map((l) => l.slice(0, l.lastIndexOf(' '))), [`ml_disk_space_run_checkpoint_bytes{run="${bigRun}"}`]);
    const runs = scanJson.categories.find((c) => c.id === 'checkpoints')!.items.filter((i) => i.kind === 'run').length;
    assert.match(text, new RegExp(`^ml_disk_space_runs ${runs}$`, 'm'));
    const none = cli(['metrics', ...roots, '--no-docker', '--top-runs', '0'], env);
    assert.ok(!/^ml_disk_space_run_/m.test(none));
  });

  describe('a half-written file is never visible', () => {
    // Two large, different files (thousands of series), so a non-atomic write is caught mid-way.
    const bigText = (n: number, tag: string) => {
      const family: MetricFamily = { name: 'ml_disk_space_churn_test', help: 'test series', type: 'gauge', samples: [] };
      for (let i = 0; i < n; i++) family.samples.push({ labels: { run: `/data/runs/${tag}/run-${i}` }, value: i });
      return renderExposition([family]);
    };
    const texts = [bigText(30_000, 'a'), bigText(20_000, 'b')];
    const seriesCounts = [30_000, 20_000];

    /** Rewrites `file` `rounds` times alternating the two texts, in a separate process. */
    function writer(file: string, rounds: number, atomic: boolean) {
      const script = atomic
        ? `const { writeFileAtomic } = require(${JSON.stringify(ATOMIC_WRITE)});
           const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
           (async () => { for (let i = 0; i < ${rounds}; i++) await writeFileAtomic(${JSON.stringify(file)}, texts[i % 2]); })();`
        : `const fs = require('fs');
           const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
           (async () => { for (let i = 0; i < ${rounds}; i++) {
             const buf = Buffer.from(texts[i % 2]); const fd = fs.openSync(${JSON.stringify(file)}, 'w');
             for (let o = 0; o < buf.length; o += 65536) { fs.writeSync(fd, buf, o, Math.min(65536, buf.length - o)); await new Promise((r) => setImmediate(r)); }
             fs.closeSync(fd); } })();`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'ignore', 'pipe'] });
      child.stdin.end(JSON.stringify(texts));
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      const done = new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exit ${code}: ${stderr}`)))));
      let finished = false;
      void done.then(() => { finished = true; }, () => { finished = true; });
      return { done, finished: () => finished };
    }

    /** Reads every *.prom in the folder and scrapes node_exporter until the writer ends (bounded). */
    async function watch(dir: string, file: string, w: { finished(): boolean }) {
      const result = { reads: 0, scrapes: 0, partialReads: 0, scrapeErrors: 0, badScrapes: 0 };
      const deadline = Date.now() + 120_000;
      const reader = (async () => {
        while (!w.finished() && Date.now() < deadline) {
          for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.prom') && path.join(dir, n) === file)) {
            let content: string;
            try { content = fs.readFileSync(path.join(dir, name), 'utf8'); } catch { continue; }
            result.reads++;
            if (!texts.includes(content)) result.partialReads++;
          }
          await new Promise((r) => setImmediate(r));
        }
      })();
      const scraper = (async () => {
        while (!w.finished() && Date.now() < deadline) {
          const body = await (await fetch(`${nodeExporter.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
          result.scrapes++;
          if (/^node_textfile_scrape_error 1$/m.test(body)) result.scrapeErrors++;
          const n = body.split('\n').filter((l) => l.startsWith('ml_disk_space_churn_test{')).length;
          if (n !== 0 && !seriesCounts.includes(n)) result.badScrapes++;
        }
      })();
      await Promise.all([reader, scraper]);
      return result;
    }

    it('atomic writes: every read and every node_exporter scrape sees one whole file', async () => {
      const file = path.join(textDir, 'churn.prom');
      const w = writer(file, 150, true);
      const seen = await watch(textDir, file, w);
      await w.done;
      report.atomicChurn = seen;
      assert.ok(seen.reads >= 20 && seen.scrapes >= 3, `enough reads and scrapes during the writes: ${JSON.stringify(seen)}`);
      assert.deepStrictEqual({ partialReads: seen.partialReads, scrapeErrors: seen.scrapeErrors, badScrapes: seen.badScrapes }, { partialReads: 0, scrapeErrors: 0, badScrapes: 0 });
      // No temporary file is left behind.
      assert.deepStrictEqual(fs.readdirSync(textDir).sort(), ['churn.prom', 'ml_disk_space.prom']);
      fs.rmSync(file);
    });

    it('control: the same watcher catches a plain writer that writes in place', async () => {
      const file = path.join(textDir, 'churn.prom');
      const w = writer(file, 150, false);
      const seen = await watch(textDir, file, w);
      await w.done;
      report.plainChurn = seen;
      fs.rmSync(file);
      assert.ok(seen.partialReads > 0, `the watcher must see partial files of a non-atomic writer: ${JSON.stringify(seen)}`);
    });
  });
});
