// `npm run bench:editor`: does the editor stay responsive while we scan a big tree? (issue 6, target 4)
//
//   node bench/editor.mjs [--files 1000000] [--scans 3] [--cancel-after 1000,1500,2000]
//                         [--cancel-in-walk 0,500,2000] [--resolution 2] [--idle 3000]
//
// Opens the ML-shaped tree of bench/generate.mjs (the one `npm run bench` caches under bench/.cache
// or $MLDS_BENCH_DIR; built once if missing) as the workspace folder of a real VS Code (code-server,
// installed by test/setup/install-test-deps.sh) and runs test/bench/editor.bench.ts inside its
// extension host: event-loop delay during `ML Disk Space: Scan`, the gaps between the scan's
// progress updates, and how long `Cancel Scan` takes to stop every walker thread. Prints a table of
// metric, value, target and whether it is met; the raw numbers go to bench/.cache/results/.
// Not part of `npm test`: no test asserts a time (these machines are noisy; read several runs).
// HOME is an empty folder, as in `npm run bench`, so the scan measures the tree and no caches of
// this machine; Docker is off for the same reason.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { generateTree, MARKER } from './generate.mjs';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const FILES = Number(flag('--files', '1000000'));
const SCANS = Math.max(1, Number(flag('--scans', '3')));
const list = (name, dflt) => flag(name, dflt).split(',').filter(Boolean).map(Number);
/** Cancels at fixed ms after the scan's start, and at ms after a walk got under way (its threads busy). */
const CANCEL_AFTER = list('--cancel-after', '1000,1500,2000');
const CANCEL_IN_WALK = list('--cancel-in-walk', '0,500,2000');
const RESOLUTION = Number(flag('--resolution', '2'));
const IDLE = Number(flag('--idle', '3000'));
const CACHE = path.resolve(process.env.MLDS_BENCH_DIR ?? path.join(repo, 'bench', '.cache'));
const TIMEOUT_MS = 20 * 60_000;

const TARGETS = { delayP99Ms: 20, delayMaxMs: 50, progressGapMs: 500, cancelMs: 250 };

/** The tree `npm run bench` uses (same folder, same marker), built only when missing. */
async function cachedTree(files) {
  const dir = path.join(CACHE, `ml-tree-${files}`);
  const marker = path.join(dir, MARKER);
  if (!fs.existsSync(marker)) {
    process.stderr.write(`building the ML-shaped tree of ${files.toLocaleString('en')} files in ${dir} (once; cached)\n`);
    await generateTree(dir, files);
  }
  return { root: path.join(dir, 'tree'), manifest: JSON.parse(fs.readFileSync(marker, 'utf8')) };
}

function requireBuilt(rel) {
  const file = path.join(repo, rel);
  if (!fs.existsSync(file)) {
    process.stderr.write(`missing ${rel}: run npm run build && npm run compile-tests (npm run bench:editor does)\n`);
    process.exit(2);
  }
  return file;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = (x) => (x === null || x === undefined ? 'n/a' : `${Number(x).toFixed(x < 10 ? 2 : x < 100 ? 1 : 0)} ms`);
const spread = (xs) => (xs.length > 1 ? ` (${xs.map((x) => ms(x).replace(' ms', '')).join(' / ')})` : '');

/** The table: metric, value, target, met? Medians over the scans for the delays; worst case for guarantees. */
function table(r) {
  const rows = [];
  const scans = r.scans ?? [];
  const cancels = (r.cancels ?? []).filter((c) => !c.finishedBeforeCancel);
  const met = (ok) => (ok === undefined ? '-' : ok ? 'yes' : 'NO');
  if (r.idle) rows.push(['event-loop delay p99, idle (no scan)', ms(r.idle.p99), '-', '-']);
  if (scans.length) {
    const p = (k) => scans.map((s) => s.eventLoopDelay[k]);
    rows.push([`event-loop delay p50 during scan (median of ${scans.length})`, ms(median(p('p50'))) + spread(p('p50')), '-', '-']);
    rows.push([`event-loop delay p99 during scan (median of ${scans.length})`, ms(median(p('p99'))) + spread(p('p99')), `<= ${TARGETS.delayP99Ms} ms`, met(median(p('p99')) <= TARGETS.delayP99Ms)]);
    rows.push(['event-loop delay max during scan (worst)', ms(Math.max(...p('max'))) + spread(p('max')), `<= ${TARGETS.delayMaxMs} ms`, met(Math.max(...p('max')) <= TARGETS.delayMaxMs)]);
    // Persisting the model (host/scanStore.ts) happens in this window.
    const after = scans.map((s) => (s.afterScan ?? s.afterScan1s).max);
    rows.push(['event-loop delay max, 3 s after the scan: model adopted, drawn, persisted (worst)', ms(Math.max(...after)) + spread(after), `<= ${TARGETS.delayMaxMs} ms`, met(Math.max(...after) <= TARGETS.delayMaxMs)]);
    const gaps = scans.map((s) => s.progress.maxGapMs);
    rows.push(['max gap between progress updates (worst)', ms(Math.max(...gaps)) + spread(gaps), `<= ${TARGETS.progressGapMs} ms`, met(Math.max(...gaps) <= TARGETS.progressGapMs)]);
    rows.push(['progress updates per scan / median gap', `${median(scans.map((s) => s.progress.events))} / ${ms(median(scans.map((s) => s.progress.medianGapMs)))}`, '-', '-']);
    const walls = scans.map((s) => s.progress.scanMs / 1000);
    const cpu = scans.map((s) => s.mainThreadCpuMs / s.commandMs);
    if (cpu.every((x) => Number.isFinite(x))) rows.push(['extension host main thread busy during scan (median)', `${(median(cpu) * 100).toFixed(0)}% of wall (${cpu.map((x) => (x * 100).toFixed(0) + '%').join(' / ')})`, '-', '-']);
    rows.push(['scan wall time in the extension host (median)', `${median(walls).toFixed(1)} s (${walls.map((w) => w.toFixed(1)).join(' / ')})`, '-', '-']);
  }
  for (const [label, group] of [['at a fixed time after the start', cancels.filter((c) => c.when.includes('after the start'))], ['during a walk', cancels.filter((c) => c.when.includes('into a walk'))]]) {
    if (!group.length) continue;
    const stopped = group.map((c) => c.threadsStoppedMs);
    const worst = Math.max(...stopped.map((x) => x ?? Infinity));
    rows.push([`cancel ${label} -> every walker thread exited (worst of ${group.length})`, ms(worst) + spread(stopped), `<= ${TARGETS.cancelMs} ms`, met(worst <= TARGETS.cancelMs)]);
  }
  if (cancels.length) {
    const settled = cancels.map((c) => c.scanSettledMs);
    rows.push([`cancel -> scan promise settled (worst of ${cancels.length})`, ms(Math.max(...settled.map((x) => x ?? Infinity))) + spread(settled), '-', '-']);
  }
  const skipped = (r.cancels ?? []).filter((c) => c.finishedBeforeCancel);
  if (skipped.length) rows.push([`cancels not measured: the scan finished first`, skipped.map((c) => c.when).join(', '), '-', 'n/a']);
  return `${render(rows)}\n\n${notes(r)}`;
}

/** Where the time went: the longest progress gap of each scan, stalls by stage, what each cancel hit. */
function notes(r) {
  const lines = [];
  for (const [i, s] of (r.scans ?? []).entries()) lines.push(`scan ${i + 1}: longest progress gap ${ms(s.progress.maxGapMs)} between "${s.progress.maxGapBetween}"`);
  const stalls = {};
  for (const s of r.scans ?? []) {
    for (const [stage, b] of Object.entries(s.stallsOver50ms ?? {})) {
      const t = (stalls[stage] ??= { count: 0, maxMs: 0, totalMs: 0, cpuMs: 0 });
      t.count += b.count; t.maxMs = Math.max(t.maxMs, b.maxMs); t.totalMs += b.totalMs; t.cpuMs += b.cpuMs ?? NaN;
    }
  }
  const byStage = Object.entries(stalls).sort((a, b) => b[1].totalMs - a[1].totalMs);
  if (byStage.length) {
    lines.push(`event-loop stalls > 50 ms over all scans, by the stage running then (main-thread CPU in them: busy on the thread, the rest waiting for a core):`);
    for (const [stage, t] of byStage) lines.push(`  ${stage}: ${t.count} stalls, longest ${ms(t.maxMs)}, ${ms(t.totalMs)} in all, ${Number.isNaN(t.cpuMs) ? 'CPU n/a' : `${ms(t.cpuMs)} CPU`}`);
  }
  for (const c of r.cancels ?? []) {
    lines.push(c.finishedBeforeCancel ? `cancel ${c.when}: the scan had finished (${ms(c.scanMs)})` : `cancel ${c.when} (at ${ms(c.cancelAtMs)}, in "${c.stageAtCancel}"): threads exited after ${ms(c.threadsStoppedMs)}, scan settled after ${ms(c.scanSettledMs)}`);
  }
  return lines.join('\n');
}

function render(rows) {
  const w = [0, 1, 2, 3].map((i) => Math.max(...[['metric', 'value', 'target', 'met?'], ...rows].map((row) => String(row[i]).length)));
  const line = (row) => row.map((c, i) => String(c).padEnd(w[i])).join('  ').trimEnd();
  return [line(['metric', 'value', 'target', 'met?']), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

async function main() {
  requireBuilt('dist/extension.js');
  const harnessJs = requireBuilt('out/test/runner/harness.js');
  const benchIndex = requireBuilt('out/test/bench/index.js');
  requireBuilt('out/test/bench/editor.bench.js');
  const { PhaseContext } = require(harnessJs);
  const { loadTools } = require(path.join(repo, 'out', 'test', 'runner', 'tools.js'));
  const tools = loadTools();

  fs.mkdirSync(CACHE, { recursive: true });
  const { root: tree, manifest } = await cachedTree(FILES);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-eb-'));
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { recursive: true });
  const resultsDir = path.join(CACHE, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const out = path.join(resultsDir, `editor-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const config = { out, tree, scans: SCANS, cancelAfterMs: CANCEL_AFTER, cancelInWalkMs: CANCEL_IN_WALK, resolutionMs: RESOLUTION, idleMs: IDLE };
  const fixture = {
    root: tmp, workspace: tree, home, parts: {},
    env: { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), MLDS_EDITOR_BENCH: JSON.stringify(config) },
  };
  const phase = { name: 'bench-editor', description: 'editor responsiveness during a scan', timeoutMs: TIMEOUT_MS, run: async () => ({ checks: [] }) };
  const artifacts = path.join(repo, '.test-artifacts', 'bench-editor');
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const ctx = new PhaseContext(phase, repo, tools, fixture, artifacts, tmp);
  process.stderr.write(`tree: ${tree} (${manifest.entries.toLocaleString('en')} entries); ${SCANS} scans, cancels ${CANCEL_AFTER.join(', ')} ms after the start and ${CANCEL_IN_WALK.join(', ')} ms into a walk; ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);

  let failed = false;
  let timer;
  try {
    const server = await ctx.startServer({ settings: { 'mlDiskSpace.docker.enabled': false } });
    await Promise.race([
      ctx.runExtensionTests(server, benchIndex),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`bench timed out after ${TIMEOUT_MS / 60_000} min`)), TIMEOUT_MS); }),
    ]);
  } catch (err) {
    failed = true;
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n(logs: ${artifacts})\n`);
  } finally {
    clearTimeout(timer);
    await ctx.dispose(failed);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!fs.existsSync(out)) {
    process.stderr.write('no results were written\n');
    process.exit(1);
  }
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  process.stdout.write(`\nEditor responsiveness during a scan: ${manifest.entries.toLocaleString('en')}-entry ML-shaped tree (${FILES.toLocaleString('en')} files asked), `
    + `inside the code-server extension host, node ${r.node}, ${r.cores} cores, load at start ${r.loadAvgAtStart?.join(' ')}; `
    + `monitorEventLoopDelay resolution ${RESOLUTION} ms (its samples include the resolution: a free loop reads ~${RESOLUTION} ms)\n\n${table(r)}\n\n(results: ${out})\n`);
  process.exit(failed ? 1 : 0);
}

// Ctrl-C: exit, which runs codeServer.ts's exit hook that ends the server's process group.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
