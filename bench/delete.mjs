// Deletion benchmark (issue 22): our executor against `rm -rf` on identical trees, in one run.
//
//   bash test/sandbox/run-sandboxed.sh node bench/delete.mjs [--files 100000] [--runs 5] [--dir /tmp]
//                                                            [--executor out/src/core/executor.js] [--also OTHER.js]
//
// It deletes, so it refuses to run outside the sandbox (run.mjs starts it there): every tree is a
// throwaway folder under the sandbox's private /tmp (on the real disk). Each round builds two
// identical checkpoint-shaped trees (a DeepSpeed checkpoint: weight shards, and optimizer shards
// in many folders), flushes them to disk (`sync`), then deletes one with `rm -rf` and the other
// with ours (executePlan on a one-target plan, as the extension and the CLI call it: re-validation,
// worker start and all), the order alternating by round. Prints medians, min-max and the ratio.
// --executor: the compiled executor to time (default: this checkout's out/src/core/executor.js);
// --also: a second executor timed on a third identical tree (another build, e.g. an older one).
// --dir: where the trees go (default the sandbox's /tmp, on disk; /dev/shm shows CPU cost alone:
// on a disk busy with other work both tools wait on the same I/O and the ratio says little).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const FILES = Number(flag('--files', '100000'));
const RUNS = Math.max(1, Number(flag('--runs', '5')));
const EXECUTOR = path.resolve(flag('--executor', path.join(repo, 'out', 'src', 'core', 'executor.js')));
const ALSO = flag('--also', undefined) && path.resolve(flag('--also'));
const DIR = flag('--dir', os.tmpdir());
/** Files per optimizer-shard folder. */
const PER_FOLDER = 1000;

if (process.env.MLDS_SANDBOX !== '1') {
  process.stderr.write('bench/delete.mjs deletes trees: run it inside the sandbox (bash test/sandbox/run-sandboxed.sh node bench/delete.mjs)\n');
  process.exit(2);
}
if (!fs.existsSync(EXECUTOR)) {
  process.stderr.write(`${EXECUTOR} is missing: npm run compile-tests first (npm run bench does)\n`);
  process.exit(2);
}

/** checkpoint-1/: 8 weight shards + trainer files, global_step1/<folder>/shard-N (1 KiB each). Returns the entry count. */
function buildTree(dir) {
  const ck = path.join(dir, 'checkpoint-1');
  const body = Buffer.alloc(1024, 0x61);
  let entries = 0;
  const mk = (p) => { fs.mkdirSync(p); entries++; };
  const file = (p) => { fs.writeFileSync(p, body); entries++; };
  mk(ck);
  for (let i = 1; i <= 8; i++) file(path.join(ck, `model-0000${i}-of-00008.safetensors`));
  for (const n of ['trainer_state.json', 'config.json', 'scheduler.pt', 'rng_state.pth']) file(path.join(ck, n));
  mk(path.join(ck, 'global_step1'));
  let left = FILES - 12;
  for (let f = 0; left > 0; f++) {
    const sub = path.join(ck, 'global_step1', `zero_pp_rank_${f}`);
    mk(sub);
    for (let i = 0; i < PER_FOLDER && left > 0; i++, left--) file(path.join(sub, `mp_rank_00_optim_states.${i}.pt`));
  }
  return { path: ck, entries };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const secs = (ms) => (ms / 1000).toFixed(2);

async function main() {
  const executors = { ours: require(EXECUTOR).executePlan, ...(ALSO ? { also: require(ALSO).executePlan } : {}) };
  const ids = Object.keys(executors).concat('rm');
  const work = fs.mkdtempSync(path.join(DIR, 'mlds-bench-delete-'));
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  let entries = 0;
  for (let round = 0; round < RUNS; round++) {
    const trees = {};
    for (const id of ids) {
      const dir = path.join(work, `${id}-${round}`);
      fs.mkdirSync(dir);
      trees[id] = buildTree(dir);
      entries = trees[id].entries;
    }
    spawnSync('sync');
    const order = ids.map((_, i) => ids[(i + round) % ids.length]);
    for (const id of order) {
      const { path: target } = trees[id];
      const t0 = process.hrtime.bigint();
      if (id === 'rm') {
        const r = spawnSync('rm', ['-rf', target]);
        if (r.status !== 0) throw new Error(`rm -rf failed: ${r.stderr}`);
      } else {
        const st = fs.lstatSync(target);
        const plan = {
          title: 'bench', scannedAt: Date.now() + 1000, bytes: 0,
          targets: [{ path: target, root: path.dirname(target), dev: st.dev, ino: st.ino, type: 'dir', bytes: 0, label: 'checkpoint-1' }],
        };
        const report = await executors[id](plan, {});
        const o = report.outcomes[0];
        if (o.status !== 'deleted' || o.removedEntries !== entries) throw new Error(`ours did not delete the tree: ${JSON.stringify(o)}`);
      }
      samples[id].push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (fs.existsSync(target)) throw new Error(`${target} is still there after ${id}`);
    }
    process.stderr.write(`  round ${round + 1}/${RUNS}: ${ids.map((id) => `${id} ${secs(samples[id].at(-1))} s`).join(', ')}\n`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  const ours = median(samples.ours);
  const rm = median(samples.rm);
  const ratio = ours / rm;
  const row = (label, xs) => `${label.padEnd(42)}${(secs(median(xs)) + ' s').padEnd(10)}${secs(Math.min(...xs))}-${secs(Math.max(...xs))} s`;
  const text = [
    `Deleting a checkpoint of ${entries.toLocaleString('en')} entries (${PER_FOLDER} files per folder, 1 KiB each) in ${DIR}, ${RUNS} runs each, ${os.availableParallelism?.() ?? os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `${'tool'.padEnd(42)}${'median'.padEnd(10)}min-max`,
    row('ours: executePlan (worker, sync calls)', samples.ours),
    ...(ALSO ? [row(`also: ${path.relative(repo, ALSO)}`, samples.also)] : []),
    row('rm -rf', samples.rm),
    `  ours / rm -rf = ${ratio.toFixed(2)} (target <= 1.5: ${ratio <= 1.5 ? 'met' : 'not met'})`,
    ...(ALSO ? [`  also / rm -rf = ${(median(samples.also) / rm).toFixed(2)}`] : []),
  ].join('\n');
  process.stdout.write(JSON.stringify({ id: 'delete', label: 'deletion vs rm -rf', entries, runs: RUNS, samples, ratio, text }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench/delete.mjs failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
