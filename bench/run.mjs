// `npm run bench`: our scan against du and gdu on the same trees, in one run (issue 6).
//
//   node bench/run.mjs [--files 1000000] [--runs 5] [--workers N[,N...]] [--cases ml-tree,usr] [--cold]
//                      [--tools ours,ours-default,walker,hybrid,native,du,gdu]
//
// --workers 1,2,4,8 runs the walker once per count (scaling with cores; the CLI gets the first).
//
// Builds the ML-shaped tree once (bench/generate.mjs) and caches it under bench/.cache (or
// $MLDS_BENCH_DIR). Each case runs every tool once untimed (warms the page cache and checks our
// numbers against du), then `--runs` timed rounds, the tools in rotating order so that noise from
// other processes spreads over all of them. Prints per case: tool, median wall, min-max, peak RSS
// (GNU time), median CPU time (user + sys: steadier than wall time on a busy machine), and each
// tool's wall time relative to ours. These machines are noisy: read the ratios.
// --cold drops the page cache before every timed run (needs root), for the cold-cache ratios.
//
// Cases are a table (CASES below); other benchmarks add theirs there: { id, label, root(), tools(root) },
// or { id, run() } for one that measures on its own (the deletion case: bench/delete.mjs).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { generateTree, MARKER } from './generate.mjs';
import { generateSharded, SHARDED_MARKER } from './generateSharded.mjs';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const FILES = Number(flag('--files', '1000000'));
const RUNS = Math.max(1, Number(flag('--runs', '5')));
const WORKER_COUNTS = flag('--workers', '').split(',').filter(Boolean);
const WORKERS = WORKER_COUNTS[0];
const COLD = args.includes('--cold');
const WANTED_CASES = flag('--cases', 'ml-tree,sharded,usr,hf,hf-flat,conda,delete').split(',');
const WANTED_TOOLS = flag('--tools', 'ours,ours-default,walker,hybrid,native,du,gdu').split(',');
const CACHE = path.resolve(process.env.MLDS_BENCH_DIR ?? path.join(repo, 'bench', '.cache'));
const CLI = path.join(repo, 'dist', 'cli.js');
const TIME = '/usr/bin/time';
/** The native walker experiment (native/README.md): timed when built (npm run native:build). */
const NATIVE_ADDON = path.join(repo, 'native', 'build', 'Release', 'mlds_walk.node');
/** The JS walker reading folders through the addon: only with native/walker-hook.patch applied. */
const NATIVE_HOOK = fs.existsSync(path.join(repo, 'src', 'core', 'walker', 'nativeLister.ts'));

// ---------------------------------------------------------------------------------------------

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** The walker alone is bundled here (the CLI bundle does not export it). */
async function bundleWalker() {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: [path.join(repo, 'src', 'core', 'walker', 'walker.ts')], outfile: path.join(CACHE, 'walker.cjs'),
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
  });
}

async function ensureTree(files) {
  const dir = path.join(CACHE, `ml-tree-${files}`);
  const marker = path.join(dir, MARKER);
  if (!fs.existsSync(marker)) {
    process.stderr.write(`building the ML-shaped tree of ${files.toLocaleString('en')} files in ${dir} (once; cached)\n`);
    const m = await generateTree(dir, files);
    process.stderr.write(`  ${m.entries.toLocaleString('en')} entries in ${m.seconds.toFixed(0)} s\n`);
  }
  return { root: path.join(dir, 'tree'), manifest: JSON.parse(fs.readFileSync(marker, 'utf8')) };
}

/** A HOME with nothing in it, so `scan` measures the given folder and no caches of this machine. */
function emptyHome() {
  const home = path.join(CACHE, 'empty-home');
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(home, { recursive: true });
  return home;
}

/** The standard tools for a root. `check(stdout)` returns totals to compare with du (untimed run only). */
function standardTools(root) {
  const workers = WORKERS ? ['--workers', WORKERS] : [];
  const env = { PATH: process.env.PATH, HOME: emptyHome() };
  const tools = [
    {
      id: 'ours', label: `ours: ml-disk-space scan --json${WORKERS ? ` --workers ${WORKERS}` : ''}`,
      argv: [process.execPath, CLI, 'scan', root, '--json', '--no-docker', ...workers], env,
      totals: (out) => {
        const model = JSON.parse(out);
        const sum = (k) => model.categories.reduce((s, c) => s + (c[k] ?? 0), 0);
        return { bytes: sum('bytes'), apparentBytes: sum('apparentBytes') };
      },
    },
    // What a user gets without --no-docker: the Docker category asks whatever engine the
    // environment names (none on most machines: then the cost is the socket probe).
    {
      id: 'ours-default', label: 'ours: scan --json (Docker on)',
      argv: [process.execPath, CLI, 'scan', root, '--json', ...workers], env,
    },
    ...(WORKER_COUNTS.length ? WORKER_COUNTS : [undefined]).map((n) => ({
      id: n === undefined || n === WORKERS ? 'walker' : `walker-${n}`, group: 'walker',
      label: `ours: walker only${n ? ` (${n} workers)` : ''}`,
      argv: [process.execPath, path.join(repo, 'bench', 'walk.mjs'), root, ...(n ? ['--workers', n] : [])],
      env: { ...env, MLDS_BENCH_WALKER: path.join(CACHE, 'walker.cjs') },
      totals: (out) => JSON.parse(out),
    })),
    ...(fs.existsSync(NATIVE_ADDON) && NATIVE_HOOK ? [{
      id: 'hybrid', label: 'walker + native folder lister',
      argv: [process.execPath, path.join(repo, 'bench', 'walk.mjs'), root, ...workers],
      env: { ...env, MLDS_BENCH_WALKER: path.join(CACHE, 'walker.cjs'), MLDS_NATIVE_ADDON: NATIVE_ADDON },
      totals: (out) => JSON.parse(out),
    }] : []),
    ...(fs.existsSync(NATIVE_ADDON) ? (WORKER_COUNTS.length ? WORKER_COUNTS : [undefined]).map((n) => ({
      id: n === undefined || n === WORKERS ? 'native' : `native-${n}`, group: 'native',
      label: `native walker (totals only)${n ? ` (${n} threads)` : ''}`,
      argv: [process.execPath, path.join(repo, 'bench', 'walk-native.mjs'), root, ...(n ? ['--workers', n] : [])],
      env, totals: (out) => JSON.parse(out),
    })) : []),
    { id: 'du', label: 'du -sb', argv: ['du', '-sb', root], totals: (out) => ({ apparentBytes: Number(out.split('\t')[0]) }) },
    // Untimed: only checks our disk-usage figure.
    { id: 'du-B1', label: 'du -sB1', argv: ['du', '-sB1', root], checkOnly: true, totals: (out) => ({ bytes: Number(out.split('\t')[0]) }) },
    { id: 'gdu', label: 'gdu -n -s', argv: ['gdu', '-n', '-s', root] },
  ];
  return tools.filter((t) => (t.checkOnly || WANTED_TOOLS.includes(t.group ?? t.id)) && (t.argv[0] !== 'gdu' || have('gdu')));
}

/**
 * A folder holding `build(dir)`'s output, built once: the large cache trees of the unit tests'
 * support code (test/support/largeCacheTrees.ts, compiled by `npm run compile-tests`).
 */
function cachedFixture(name, build) {
  const dir = path.join(CACHE, name);
  const marker = path.join(dir, '.mlds-bench-fixture.json');
  if (!fs.existsSync(marker)) {
    process.stderr.write(`building ${name} (once; cached)\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    const made = build(dir);
    fs.writeFileSync(marker, JSON.stringify(made));
  }
  return dir;
}

function largeCacheTrees() {
  const compiled = path.join(repo, 'out', 'test', 'support', 'largeCacheTrees.js');
  if (!fs.existsSync(compiled)) throw new Error('compile the tests first: npm run compile-tests (npm run bench does)');
  return require(compiled);
}

/**
 * A cache case: our CLI with HOME set so that it finds the cache (and scans an empty folder,
 * so the cache's category is all it measures) against du, gdu and `extra` peers on the cache folder.
 */
function cacheTools(home, cacheDir, category, extra = []) {
  const workers = WORKERS ? ['--workers', WORKERS] : [];
  const empty = path.join(CACHE, 'empty-folder');
  fs.mkdirSync(empty, { recursive: true });
  const ours = {
    id: 'ours', label: `ours: ml-disk-space scan (${category} only)`,
    argv: [process.execPath, CLI, 'scan', empty, '--json', '--no-docker', ...workers], env: { PATH: process.env.PATH, HOME: home },
    totals: (out) => {
      const c = JSON.parse(out).categories.find((x) => x.id === category);
      return { bytes: c?.bytes, apparentBytes: c?.apparentBytes };
    },
  };
  const tools = [
    ours,
    { id: 'du', label: 'du -sb', argv: ['du', '-sb', cacheDir], totals: (out) => ({ apparentBytes: Number(out.split('\t')[0]) }) },
    { id: 'du-B1', label: 'du -sB1', argv: ['du', '-sB1', cacheDir], checkOnly: true, totals: (out) => ({ bytes: Number(out.split('\t')[0]) }) },
    { id: 'gdu', label: 'gdu -n -s', argv: ['gdu', '-n', '-s', cacheDir] },
    ...extra,
  ];
  return tools.filter((t) => (t.checkOnly || t.extra || WANTED_TOOLS.includes(t.id)) && (t.argv[0] !== 'gdu' || have('gdu')));
}

function hfCase(id, nested) {
  return {
    id,
    targets: { scanCacheDir: 1.0 },
    label: () => `Hugging Face hub cache, 16 repos, 19,856 files${nested ? ', files in snapshot subfolders (diffusers layout)' : ', flat snapshots'}`,
    root: async () => {
      const home = cachedFixture(`${id}-home`, (dir) => largeCacheTrees().buildLargeHfCache(path.join(dir, '.cache', 'huggingface', 'hub'), 16, 400, nested));
      return path.join(home, '.cache', 'huggingface', 'hub');
    },
    tools: (hub) => cacheTools(path.resolve(hub, '..', '..', '..'), hub, 'huggingface', [{
      id: 'scanCacheDir', extra: true, label: '@huggingface/hub scanCacheDir',
      argv: [process.execPath, path.join(repo, 'bench', 'hfScanCacheDir.mjs'), hub],
      // Apparent size only, and only of what it found: compared, not required to match.
      totals: (out) => ({ apparentBytes: JSON.parse(out).apparentBytes, peer: true }),
    }]),
  };
}

/** The benchmark cases. Hook: add { id, label, root: async () => path, tools: (root) => [...] }. */
export const CASES = [
  {
    id: 'ml-tree',
    label: () => `ML-shaped tree, ${FILES.toLocaleString('en')} files`,
    root: async () => (await ensureTree(FILES)).root,
    tools: standardTools,
  },
  {
    id: 'sharded',
    label: () => '300 runs of DeepSpeed-sharded checkpoints (900 checkpoints of 78 files) + a 200,000-file dataset',
    root: async () => {
      const dir = path.join(CACHE, 'sharded');
      if (!fs.existsSync(path.join(dir, SHARDED_MARKER))) {
        process.stderr.write(`building the sharded-checkpoints tree in ${dir} (once; cached)\n`);
        fs.rmSync(dir, { recursive: true, force: true });
        generateSharded(dir);
      }
      return path.join(dir, 'tree');
    },
    tools: standardTools,
  },
  { id: 'usr', label: () => '/usr', root: async () => '/usr', tools: standardTools },
  hfCase('hf', true),
  hfCase('hf-flat', false),
  {
    id: 'conda',
    targets: { du: 1.2 },
    label: () => 'conda install (~/miniconda3): 250 packages in pkgs/, base and 2 envs hard-linking them',
    root: async () => path.join(cachedFixture('conda-home', (dir) => largeCacheTrees().buildLargeCondaRoot(path.join(dir, 'miniconda3'))), 'miniconda3'),
    tools: (root) => cacheTools(path.dirname(root), root, 'conda'),
  },
  {
    // Deletes: bench/delete.mjs runs inside the sandbox, on throwaway trees of its own.
    id: 'delete',
    run: () => {
      const r = spawnSync('bash', [path.join(repo, 'test', 'sandbox', 'run-sandboxed.sh'), process.execPath, path.join(repo, 'bench', 'delete.mjs'), '--runs', String(RUNS)], {
        cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20,
      });
      const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
      if (r.status !== 0 || !line) throw new Error(`bench/delete.mjs failed (${r.status})`);
      return JSON.parse(line);
    },
  },
];

// ---------------------------------------------------------------------------------------------

function dropCaches() {
  spawnSync('sync');
  fs.writeFileSync('/proc/sys/vm/drop_caches', '3\n');
}

/** One timed run: wall time (ms, from here), peak RSS (KiB) and CPU seconds (user + sys, from GNU time), stdout. */
function runOnce(tool, keepOutput) {
  const timeFile = path.join(CACHE, 'time.out');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(TIME, ['-f', '%M %U %S', '-o', timeFile, ...tool.argv], {
    env: tool.env ?? process.env, encoding: 'utf8', maxBuffer: 256 << 20,
    stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${tool.argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  const [rssKiB, user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, rssKiB, cpuMs: (user + sys) * 1000, stdout: r.stdout };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const secs = (ms) => (ms / 1000).toFixed(2);
const pad = (s, n) => String(s).padEnd(n);

async function runCase(c) {
  const root = await c.root();
  const all = c.tools(root);
  const tools = all.filter((t) => !t.checkOnly);
  const label = c.label();
  process.stderr.write(`\n[${c.id}] ${label}: warm-up and checks\n`);
  const checks = [];
  const totals = {};
  for (const tool of all) {
    const { stdout } = runOnce(tool, true);
    if (tool.totals) totals[tool.id] = tool.totals(stdout.trim());
  }
  const du = { ...totals.du, ...totals['du-B1'] };
  for (const id of Object.keys(totals).filter((x) => x === 'ours' || x === 'hybrid' || x.startsWith('walker') || x.startsWith('native'))) {
    const t = totals[id];
    if (!t) continue;
    for (const k of ['bytes', 'apparentBytes']) {
      if (du[k] === undefined) continue;
      checks.push(`${id} ${k} ${t[k] === du[k] ? '=' : '≠'} du (${t[k]} vs ${du[k]})`);
    }
  }
  for (const [id, t] of Object.entries(totals)) {
    if (t.peer) checks.push(`${id} found apparentBytes ${t.apparentBytes} (du -sb: ${du.apparentBytes}; ours: ${totals.ours?.apparentBytes})`);
  }
  const samples = new Map(tools.map((t) => [t.id, []]));
  for (let round = 0; round < RUNS; round++) {
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[(i + round) % tools.length];
      if (COLD) dropCaches();
      samples.get(tool.id).push(runOnce(tool, false));
    }
    process.stderr.write(`  round ${round + 1}/${RUNS}\n`);
  }
  const rows = tools.map((t) => {
    const s = samples.get(t.id);
    const ms = s.map((x) => x.ms);
    return {
      id: t.id, label: t.label, median: median(ms), min: Math.min(...ms), max: Math.max(...ms),
      cpu: median(s.map((x) => x.cpuMs)), rssMiB: Math.max(...s.map((x) => x.rssKiB)) / 1024,
    };
  });
  const ours = rows.find((r) => r.id === 'ours') ?? rows[0];
  const single = rows.find((r) => r.label.endsWith('(1 workers)'));
  const lines = [];
  lines.push(`${label} (${root}), ${COLD ? 'COLD' : 'warm'} cache, ${RUNS} runs each, ${os.availableParallelism?.() ?? os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  lines.push(`${pad('tool', 42)}${pad('median', 10)}${pad('min-max', 15)}${pad('CPU', 9)}${pad('peak RSS', 11)}ratio to ours`);
  for (const r of rows) {
    lines.push(`${pad(r.label, 42)}${pad(secs(r.median) + ' s', 10)}${pad(`${secs(r.min)}-${secs(r.max)} s`, 15)}${pad(secs(r.cpu) + ' s', 9)}${pad(r.rssMiB.toFixed(0) + ' MB', 11)}${(r.median / ours.median).toFixed(2)}x`);
  }
  // Issue 6's targets: <= 1.0x du and gdu for the trees; per case otherwise (conda <= 1.2x du, HF faster than scanCacheDir).
  const targets = c.targets ?? { du: 1.0, gdu: 1.0 };
  for (const peer of rows.filter((r) => r.id === 'du' || r.id === 'gdu' || r.id === 'scanCacheDir')) {
    for (const mine of rows.filter((r) => r.id.startsWith('ours') || r.id === 'hybrid' || r.id.startsWith('walker') || r.id.startsWith('native'))) {
      const ratio = mine.median / peer.median;
      const target = targets[peer.id];
      lines.push(`  ${mine.id} / ${peer.id} = ${ratio.toFixed(2)}${target === undefined ? '' : ` (target <= ${target.toFixed(1)}: ${ratio <= target ? 'met' : 'not met'})`}`);
    }
  }
  // The native experiment against the JS walker it would replace (same thread count).
  for (const n of rows.filter((r) => r.id.startsWith('native') || r.id === 'hybrid')) {
    const js = rows.find((r) => r.id === n.id.replace(/^(native|hybrid)/, 'walker'));
    if (js) lines.push(`  ${n.id} / ${js.id} = ${(n.median / js.median).toFixed(2)} (CPU ${(n.cpu / js.cpu).toFixed(2)})`);
  }
  if (single) {
    for (const r of rows.filter((x) => x.id.startsWith('walker') && x !== single)) lines.push(`  ${r.label}: speed-up over 1 worker ${(single.median / r.median).toFixed(2)}x`);
  }
  for (const check of checks) lines.push(`  check: ${check}`);
  return { id: c.id, label, root, cold: COLD, runs: RUNS, rows, checks, text: lines.join('\n') };
}

async function main() {
  if (!fs.existsSync(CLI) || !fs.existsSync(path.join(repo, 'dist', 'walkerWorker.js'))) {
    process.stderr.write('build first: npm run build (npm run bench does)\n');
    process.exit(2);
  }
  if (!fs.existsSync(TIME)) {
    process.stderr.write(`${TIME} is missing: apt-get install time (test/setup/install-test-deps.sh installs it)\n`);
    process.exit(2);
  }
  fs.mkdirSync(CACHE, { recursive: true });
  await bundleWalker();
  const results = [];
  for (const c of CASES.filter((x) => WANTED_CASES.includes(x.id))) results.push(c.run ? await c.run() : await runCase(c));
  const out = path.join(CACHE, 'results');
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
  process.stdout.write('\n' + results.map((r) => r.text).join('\n\n') + `\n\n(results: ${file})\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
