// Checkpoint scan benchmark (issue 7): a 50-run, 2,000-checkpoint fixture, our checkpoint scan
// (discovery + sizing + trainer_state.json + keep rules) against `du -sb` and `du -sB1` on the
// same run folders, in one run on the same warm tree. Medians of several runs and their ratio;
// these machines are noisy, so read ratios, not absolute times.
//
//   npm run compile-tests && node bench/checkpoints.mjs [--runs 5] [--keep]
//
// The fixture (~16k files, ~190 MB of random bytes) is built with the test fixture builders
// (test/support/checkpointFixtures.ts) under the OS temp folder and removed afterwards unless --keep.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(repo, 'out');
if (!fs.existsSync(path.join(out, 'src', 'core', 'checkpoints', 'index.js'))) {
  console.error('compile first: npm run compile-tests');
  process.exit(2);
}
const { scanCheckpointPaths } = require(path.join(out, 'src/core/categories/checkpoints/index.js'));
const { makeHfRun, makeLightningRun } = require(path.join(out, 'test/support/checkpointFixtures.js'));

const argv = process.argv.slice(2);
const RUNS = Number(argv[argv.indexOf('--runs') + 1]) > 0 && argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 5;
const KEEP = argv.includes('--keep');
const KiB = 1024;
const DAY = 86_400_000;

function buildFixture(root) {
  const t0 = Date.now();
  const runs = [];
  const old = Date.now() - 3 * DAY;
  // 30 HF runs, 10 HF + DeepSpeed runs, 10 Lightning runs; 40 checkpoints each = 2,000.
  for (let r = 0; r < 40; r++) {
    const steps = Array.from({ length: 40 }, (_, i) => (i + 1) * 100);
    const evals = new Map(steps.map((s) => [s, 1 / (1 + s / 1000) + ((s * 7919) % 13) / 100]));
    const info = makeHfRun(path.join(root, `project-${r % 5}`, 'outputs', `run-${r}`), {
      steps, saveSteps: 100, maxSteps: 8000, evalSteps: 100, evals, bestStep: [...evals].sort((a, b) => a[1] - b[1])[0][0],
      weightBytes: 24 * KiB, optimizerBytes: 48 * KiB, deepspeed: r >= 30, consolidatedWeights: true, newestMs: old - r * 3600_000,
    });
    runs.push(info.runPath);
  }
  for (let r = 0; r < 10; r++) {
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `epoch=${i}-step=${(i + 1) * 50}-val_loss=${(1 / (1 + i) + (i % 3) / 10).toFixed(4)}.ckpt`, bytes: 60 * KiB }));
    const info = makeLightningRun(path.join(root, `project-${r % 5}`, 'lightning_logs', `version_${r}`), { files: files.slice(0, 39), lastFileBytes: 60 * KiB, newestMs: old }, { best: files[0].name, retentionDeletes: () => [] });
    runs.push(info.runPath);
  }
  return { runs, seconds: (Date.now() - t0) / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeDu(flag, dirs) {
  const t = process.hrtime.bigint();
  const r = spawnSync('du', [flag, '--total', ...dirs], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`du failed: ${r.stderr}`);
  const total = Number(r.stdout.trim().split('\n').pop().split('\t')[0]);
  return { ms, total };
}

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-bench-ckpt-'));
  try {
    process.stderr.write('building fixture… ');
    const { runs, seconds } = buildFixture(root);
    process.stderr.write(`${seconds.toFixed(1)} s\n`);
    // Warm the page cache for everyone: one untimed pass of each tool.
    execFileSync('du', ['-sb', root]);
    const first = await scanCheckpointPaths([root], { env: {} });
    const checkpoints = first.scan.runs.reduce((n, r) => n + r.checkpoints.length, 0);
    const files = Number(execFileSync('sh', ['-c', `find "${root}" | wc -l`]).toString().trim());

    const ours = [], duB = [], duB1 = [];
    let last;
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so drift in machine load hits all three alike.
      const t = process.hrtime.bigint();
      last = await scanCheckpointPaths([root], { env: {} });
      ours.push(Number(process.hrtime.bigint() - t) / 1e6);
      duB.push(timeDu('-sb', runs).ms);
      duB1.push(timeDu('-sB1', runs).ms);
    }
    const ckptDirs = last.scan.runs.flatMap((r) => r.checkpoints.filter((c) => c.type !== 'symlink').map((c) => c.path));
    const duCkptApparent = timeDu('-sb', ckptDirs).total;
    const duCkptDisk = timeDu('-sB1', ckptDirs).total;
    const oursDisk = last.scan.runs.reduce((s, r) => s + r.bytes, 0);
    const oursApparent = last.scan.runs.reduce((s, r) => s + r.apparentBytes, 0);
    const result = {
      machine: { cpus: os.cpus().length, node: process.version, platform: `${os.type()} ${os.release()}` },
      fixture: { runs: last.scan.runs.length, checkpoints, entries: files, buildSeconds: seconds },
      runs: RUNS,
      medianMs: { ours: median(ours), duSb: median(duB), duSB1: median(duB1) },
      ratio: { oursOverDuSb: median(ours) / median(duB), oursOverDuSB1: median(ours) / median(duB1) },
      allMs: { ours, duSb: duB, duSB1: duB1 },
      // What we count is the checkpoints (not logs beside them): compare with du on exactly those.
      bytes: { oursDisk, duCheckpointsDisk: duCkptDisk, oursApparent, duCheckpointsApparent: duCkptApparent },
      warnings: last.warnings.length,
      firstWarnings: last.warnings.slice(0, 3),
      cancelled: last.scan.cancelled,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`\n${checkpoints} checkpoints in ${result.fixture.runs} runs (${files} entries): ours ${median(ours).toFixed(0)} ms, du -sb ${median(duB).toFixed(0)} ms, du -sB1 ${median(duB1).toFixed(0)} ms (median of ${RUNS}); ratio ours/du -sb = ${result.ratio.oursOverDuSb.toFixed(2)}`);
    console.log(`bytes: ours ${oursDisk} disk / ${oursApparent} apparent; du on the checkpoints ${duCkptDisk} (-B1) / ${duCkptApparent} (-b)`);
  } finally {
    if (KEEP) console.error(`fixture kept at ${root}`);
    else execFileSync('rm', ['-rf', '--one-file-system', '--', root]);
  }
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
