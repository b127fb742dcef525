// Builds the "many sharded checkpoints" benchmark tree (issue 22): 300 HF Trainer runs whose
// checkpoints are made of many small files (DeepSpeed ZeRO optimizer shards per rank, sharded
// weights), beside a 200,000-file dataset — ~300,000 files in all, where per-checkpoint work
// (not the walk) decides the scan's time. Files are tiny or sparse: about 1.5 GB apparent per
// checkpoint, a few hundred MB on disk in all. Deterministic.
//
//   node bench/generateSharded.mjs DIR        (run.mjs calls it and caches the result)
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

export const SHARDED_MARKER = '.mlds-bench-sharded.json';
const RUNS = 300;
const CHECKPOINTS_PER_RUN = 3;
const RANKS = 32;
const WEIGHT_SHARDS = 8;
const DATASET_FILES = 200_000;
const DATASET_PER_FOLDER = 1000;

function sparse(p, size) {
  const fd = fs.openSync(p, 'w');
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
}

/** A sparse safetensors file with a real header whose one tensor fills the rest of the file. */
function safetensors(p, size) {
  // The header is padded with spaces to a fixed length (safetensors allows trailing spaces), so the
  // tensor's size follows from the file size.
  const HEADER = 128;
  const dataBytes = size - 8 - HEADER;
  const header = JSON.stringify({ __metadata__: { format: 'pt' }, weight: { dtype: 'U8', shape: [dataBytes], data_offsets: [0, dataBytes] } }).padEnd(HEADER, ' ');
  const head = Buffer.alloc(8 + HEADER);
  head.writeBigUInt64LE(BigInt(HEADER), 0);
  head.write(header, 8, 'utf8');
  const fd = fs.openSync(p, 'w');
  fs.writeSync(fd, head, 0, head.length, 0);
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
}

export function generateSharded(dir) {
  const started = Date.now();
  const root = path.join(dir, 'tree');
  let files = 0;
  for (let r = 0; r < RUNS; r++) {
    const run = path.join(root, `project-${r % 10}`, 'outputs', `run-${r}`);
    for (let k = 1; k <= CHECKPOINTS_PER_RUN; k++) {
      const step = k * 1000;
      const ck = path.join(run, `checkpoint-${step}`);
      const ds = path.join(ck, `global_step${step}`);
      fs.mkdirSync(ds, { recursive: true });
      for (let s = 1; s <= WEIGHT_SHARDS; s++) { safetensors(path.join(ck, `model-0000${s}-of-0000${WEIGHT_SHARDS}.safetensors`), 100e6); files++; }
      fs.writeFileSync(path.join(ck, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: WEIGHT_SHARDS * 100e6 } }));
      const state = { global_step: step, max_steps: 3000, save_steps: 1000, best_metric: 1 / (k + (r % 3)), log_history: [{ step, eval_loss: 1 / k }] };
      fs.writeFileSync(path.join(ck, 'trainer_state.json'), JSON.stringify(state));
      for (const n of ['config.json', 'training_args.bin', 'scheduler.pt', 'rng_state.pth']) fs.writeFileSync(path.join(ck, n), 'x');
      files += 6;
      for (let rank = 0; rank < RANKS; rank++) {
        sparse(path.join(ds, `bf16_zero_pp_rank_${rank}_mp_rank_00_optim_states.pt`), 25e6);
        sparse(path.join(ds, `zero_pp_rank_${rank}_mp_rank_00_model_states.pt`), 1e6);
        files += 2;
      }
    }
  }
  for (let i = 0; i < DATASET_FILES; i++) {
    const folder = path.join(root, 'data', 'train', `part-${String(Math.floor(i / DATASET_PER_FOLDER)).padStart(4, '0')}`);
    if (i % DATASET_PER_FOLDER === 0) fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, `sample-${i}.json`), '{}');
    files++;
  }
  const manifest = { files, runs: RUNS, checkpoints: RUNS * CHECKPOINTS_PER_RUN, seconds: (Date.now() - started) / 1000 };
  fs.writeFileSync(path.join(dir, SHARDED_MARKER), JSON.stringify(manifest));
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) { process.stderr.write('usage: node bench/generateSharded.mjs DIR\n'); process.exit(2); }
  process.stdout.write(JSON.stringify(generateSharded(path.resolve(dir))) + '\n');
}
