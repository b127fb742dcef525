// Real framework files for the checkpoint tests: torch.save checkpoints shaped like Lightning's,
// written by Debian's torch (python3-torch, for /usr/bin/python3; test/setup/install-test-deps.sh
// installs it), and safetensors files in the real format. A missing torch fails the test loudly.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Debian's torch is for the system python, not a pyenv one that may come first on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'test', 'support', 'torch', 'lightning_run.py');

export function torchRun(spec: Record<string, unknown>): any {
  const r = spawnSync(SYSTEM_PYTHON, [SCRIPT, JSON.stringify(spec)], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`${SYSTEM_PYTHON} with torch failed (is python3-torch installed?): ${r.error?.message ?? ''} ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export interface LightningSpec {
  dir: string;
  monitor: string | null;
  mode?: 'min' | 'max';
  saveTopK?: number;
  saveLast?: boolean;
  stepsPerEpoch?: number;
  /** One validation score per epoch. */
  scores: number[];
  /** mtime of the first file (seconds); each epoch one minute later. */
  mtimeBase?: number;
}

export interface LightningResult {
  /** What Lightning's ModelCheckpoint recorded as best (an absolute path on this machine). */
  best_model_path: string;
  files: string[];
  best_k_models: Record<string, number>;
}

export function writeLightningRun(s: LightningSpec): LightningResult {
  return torchRun({
    do: 'lightning', dir: s.dir, monitor: s.monitor, mode: s.mode ?? 'min', save_top_k: s.saveTopK ?? 1,
    save_last: s.saveLast ?? false, steps_per_epoch: s.stepsPerEpoch ?? 4, scores: s.scores,
    mtime_base: s.mtimeBase ?? Math.floor((Date.now() - 10 * 86_400_000) / 1000),
  });
}

/** torch.load of a .ckpt: its top-level keys, the ModelCheckpoint's best_model_path and the weights. */
export function loadCkpt(file: string): { keys: string[]; best_model_path: string; state_dict: Record<string, number[]> } {
  return torchRun({ do: 'load', file });
}

/** A real torch.save zip (an HF `pytorch_model.bin`). */
export function writeTorchBin(file: string): number {
  return torchRun({ do: 'hf_bin', file }).bytes;
}

/** A valid safetensors file: one U8 tensor of `dataBytes` bytes. */
export function writeSafetensors(file: string, dataBytes: number): string {
  let header = JSON.stringify({ weight: { dtype: 'U8', shape: [dataBytes], data_offsets: [0, dataBytes] } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([len, Buffer.from(header), Buffer.alloc(dataBytes, 7)]));
  return file;
}
