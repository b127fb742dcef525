// Builds the ML-shaped benchmark tree (issue 6): training runs with checkpoints, a Hugging Face hub
// cache with symlinked snapshots and shared blobs, a conda root whose envs hard-link into pkgs/,
// and many small dataset files in deep folders. Mostly empty or tiny files, and sparse "weights",
// so a 1,000,000-file tree takes about 1 GB of disk.
//
//   node bench/generate.mjs DIR [--files 1000000]      (run.mjs calls it and caches the result)
//
// Deterministic for a given --files. Sections are built by parallel child processes (one per
// section, at most one per core); a marker file written last says the tree is complete.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';

const SECTIONS = ['runs', 'hf', 'conda', 'data'];
export const MARKER = '.mlds-bench-tree.json';

/** Share of the file count per section (sums to 1). */
const SHARE = { runs: 0.05, hf: 0.06, conda: 0.25, data: 0.64 };

function rng(seed) {
  let s = seed >>> 0;
  return (n) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s >>> 8) % n; };
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

/** Counts what was made, for the manifest. */
function counter() {
  return { files: 0, dirs: 0, symlinks: 0, hardlinks: 0 };
}

/** Creates a folder and its missing parents, counting each one made. */
function mkdir(c, p) {
  const made = fs.mkdirSync(p, { recursive: true });
  if (made) c.dirs += path.relative(made, p).split(path.sep).filter(Boolean).length + 1;
}
function empty(c, p) {
  fs.closeSync(fs.openSync(p, 'w'));
  c.files++;
}
function bytes(c, p, n) {
  fs.writeFileSync(p, Buffer.alloc(n, 0x61));
  c.files++;
}
/** A large file that holds (almost) no blocks: a checkpoint's apparent size at no disk cost. */
function sparse(c, p, size, dataBytes = 0) {
  const fd = fs.openSync(p, 'w');
  if (dataBytes) fs.writeSync(fd, Buffer.alloc(dataBytes, 1), 0, dataBytes, 0);
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
  c.files++;
}

/** HF Trainer runs (with DeepSpeed shards) and Lightning runs. */
function buildRuns(root, target) {
  const c = counter();
  const rand = rng(1);
  const perCheckpoint = 16;
  const checkpointsPerRun = 40;
  const runs = Math.max(1, Math.round(target / (perCheckpoint * checkpointsPerRun)));
  for (let r = 0; r < runs; r++) {
    if (r % 5 === 4) {
      // Lightning
      const dir = path.join(root, `project-${r % 7}`, 'lightning_logs', `version_${r}`, 'checkpoints');
      mkdir(c, dir);
      for (let i = 0; i < checkpointsPerRun * 4; i++) {
        sparse(c, path.join(dir, `epoch=${i}-step=${(i + 1) * 50}-val_loss=${(1 / (1 + i)).toFixed(4)}.ckpt`), 300e6 + rand(1000) * 4096, 4096);
      }
      fs.symlinkSync(`epoch=${checkpointsPerRun * 4 - 1}-step=${checkpointsPerRun * 200}-val_loss=${(1 / (checkpointsPerRun * 4)).toFixed(4)}.ckpt`, path.join(dir, 'last.ckpt'));
      c.symlinks++;
      continue;
    }
    const run = path.join(root, `project-${r % 7}`, 'outputs', `run-${r}`);
    for (let k = 1; k <= checkpointsPerRun; k++) {
      const step = k * 500;
      const ck = path.join(run, `checkpoint-${step}`);
      mkdir(c, ck);
      sparse(c, path.join(ck, 'model.safetensors'), 2.4e9, 4096);
      sparse(c, path.join(ck, 'optimizer.pt'), 4.8e9, 8192);
      bytes(c, path.join(ck, 'scheduler.pt'), 1064);
      bytes(c, path.join(ck, 'scaler.pt'), 988);
      bytes(c, path.join(ck, 'rng_state.pth'), 14_244);
      bytes(c, path.join(ck, 'training_args.bin'), 5_176);
      bytes(c, path.join(ck, 'config.json'), 700);
      const state = { global_step: step, max_steps: 40_000, save_steps: 500, log_history: [{ step, eval_loss: 1 / k }] };
      fs.writeFileSync(path.join(ck, 'trainer_state.json'), JSON.stringify(state));
      c.files++;
      const ds = path.join(ck, `global_step${step}`);
      mkdir(c, ds);
      for (let s = 0; s < perCheckpoint - 8; s++) sparse(c, path.join(ds, `bf16_zero_pp_rank_${s}_mp_rank_00_optim_states.pt`), 1.2e9);
    }
  }
  return c;
}

/** An HF hub cache: repos with blobs, two revisions of nested snapshot symlinks, refs. */
function buildHf(root, target) {
  const c = counter();
  const rand = rng(2);
  const hub = path.join(root, 'home', '.cache', 'huggingface', 'hub');
  const perRepo = 100;
  const repos = Math.max(1, Math.round(target / perRepo));
  for (let r = 0; r < repos; r++) {
    const kind = r % 10 === 0 ? 'datasets' : 'models';
    const repo = path.join(hub, `${kind}--org${r % 37}--name-${r}`);
    const blobs = path.join(repo, 'blobs');
    mkdir(c, blobs);
    const blobCount = 30;
    const names = [];
    for (let b = 0; b < blobCount; b++) {
      const name = hex(r * 1_000_003 + b * 7919, 40) + (b === 0 && r % 9 === 0 ? '.incomplete' : '');
      names.push(name);
      if (b < 3) sparse(c, path.join(blobs, name), 1e9 + rand(1000) * 4096, 4096);
      else bytes(c, path.join(blobs, name), 200 + rand(1500));
    }
    mkdir(c, path.join(repo, 'refs'));
    for (let v = 0; v < 2; v++) {
      const commit = hex(r * 31 + v, 40);
      if (v === 0) { fs.writeFileSync(path.join(repo, 'refs', 'main'), commit); c.files++; }
      const snap = path.join(repo, 'snapshots', commit);
      for (let b = v; b < blobCount; b++) {
        const sub = b % 3 === 0 ? path.join(snap, 'onnx', 'fp16') : b % 3 === 1 ? path.join(snap, 'tokenizer') : snap;
        mkdir(c, sub);
        const depth = path.relative(repo, sub).split(path.sep).length;
        fs.symlinkSync(`${'../'.repeat(depth)}blobs/${names[b]}`, path.join(sub, `file-${b}.bin`));
        c.symlinks++;
      }
    }
  }
  return c;
}

/** A conda root: extracted packages in pkgs/, tarballs, and envs whose files hard-link into pkgs/. */
function buildConda(root, target) {
  const c = counter();
  const rand = rng(3);
  const conda = path.join(root, 'home', 'miniconda3');
  const envs = 3;
  // target = pkgFiles * (1 + envs)
  const pkgFiles = Math.max(10, Math.round(target / (1 + envs)));
  const perPkg = 100;
  const pkgs = Math.max(1, Math.round(pkgFiles / perPkg));
  const all = [];
  for (let p = 0; p < pkgs; p++) {
    const pkg = path.join(conda, 'pkgs', `pkg${p}-1.${p % 13}.0-py311_0`);
    for (let d = 0; d < 4; d++) mkdir(c, path.join(pkg, 'lib', 'python3.11', 'site-packages', `mod${p}`, `sub${d}`));
    mkdir(c, path.join(pkg, 'info'));
    bytes(c, path.join(pkg, 'info', 'index.json'), 300);
    for (let f = 0; f < perPkg - 1; f++) {
      const rel = path.join('lib', 'python3.11', 'site-packages', `mod${p}`, `sub${f % 4}`, `f${f}.py`);
      if (rand(4) === 0) empty(c, path.join(pkg, rel)); else bytes(c, path.join(pkg, rel), 100 + rand(3000));
      all.push([pkg, rel]);
    }
    if (p % 3 === 0) { sparse(c, path.join(conda, 'pkgs', `pkg${p}-1.${p % 13}.0-py311_0.conda`), 40e6 + rand(100) * 4096, 4096); }
  }
  const made = new Set();
  for (let e = 0; e < envs; e++) {
    const env = e === 0 ? conda : path.join(conda, 'envs', `env${e}`);
    mkdir(c, path.join(env, 'conda-meta'));
    bytes(c, path.join(env, 'conda-meta', 'history'), 500);
    for (const [pkg, rel] of all) {
      const to = path.join(env, rel);
      const dir = path.dirname(to);
      if (!made.has(dir)) { mkdir(c, dir); made.add(dir); }
      fs.linkSync(path.join(pkg, rel), to);
      c.hardlinks++;
    }
  }
  return c;
}

/** Datasets: many small files (mostly empty, some a few hundred bytes) in deep shard folders. */
function buildData(root, target) {
  const c = counter();
  const rand = rng(4);
  const perFolder = 100;
  const folders = Math.max(1, Math.round(target / perFolder));
  for (let f = 0; f < folders; f++) {
    const ds = `dataset-${f % 6}`;
    const dir = path.join(root, 'data', ds, f % 10 === 0 ? 'validation' : 'train', hex(f % 256, 2), hex((f >> 8) % 64, 2), `shard-${f}`);
    mkdir(c, dir);
    for (let i = 0; i < perFolder; i++) {
      const p = path.join(dir, `sample-${f * perFolder + i}.${i % 2 ? 'jpg' : 'json'}`);
      if (rand(5) === 0) bytes(c, p, 1 + rand(900)); else empty(c, p);
    }
  }
  return c;
}

const BUILDERS = { runs: buildRuns, hf: buildHf, conda: buildConda, data: buildData };

/** Builds the tree under `dir` (a fresh folder), in parallel processes. Returns the manifest. */
export async function generateTree(dir, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const self = fileURLToPath(import.meta.url);
  const parallel = Math.max(1, Math.min(SECTIONS.length, os.availableParallelism?.() ?? os.cpus().length));
  const results = {};
  const queue = [...SECTIONS];
  const runOne = (section) => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self, '--section', section, dir, '--files', String(files)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`generating ${section} failed (${code})`))));
  });
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      process.stderr.write(`  generating ${s}…\n`);
      results[s] = await runOne(s);
    }
  }));
  const total = counter();
  for (const c of Object.values(results)) for (const k of Object.keys(total)) total[k] += c[k];
  const manifest = { files, sections: results, total, entries: total.files + total.dirs + total.symlinks + total.hardlinks, seconds: (Date.now() - t0) / 1000 };
  fs.writeFileSync(path.join(dir, MARKER), JSON.stringify(manifest, null, 2));
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
  const files = Number(flag('--files', '1000000'));
  const section = flag('--section', undefined);
  const dir = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!dir || !(files > 0)) {
    process.stderr.write('usage: node bench/generate.mjs DIR [--files N]\n');
    process.exit(2);
  }
  if (section) {
    const c = BUILDERS[section](path.join(dir, 'tree'), Math.round(files * SHARE[section]));
    process.stdout.write(JSON.stringify(c));
  } else {
    generateTree(dir, files).then((m) => process.stdout.write(JSON.stringify(m, null, 2) + '\n'));
  }
}
