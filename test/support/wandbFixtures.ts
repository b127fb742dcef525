// Weights & Biases on disk, built by hand the way wandb lays it out: a workspace with wandb/ run
// folders (online `run-<date>_<time>-<id>`, offline `offline-run-…` synced — `<id>.wandb.synced`
// beside the log, as `wandb sync` leaves it — and never synced, one offline run without its
// .wandb log, one still being written), the latest-run and debug.log links, a second wandb/ one
// folder down (scripts/), a folder named wandb that is the Python package (not runs), the artifact
// cache (artifacts/obj/md5/<2 hex>/<rest>, tmp/, wandb-core logs) and the data dir's staging.
import * as fs from 'fs';
import * as path from 'path';
import { setTreeTimes } from './checkpointFixtures';
import { writeRealFile, writeTextFile } from '../integration/fixture';

const KiB = 1024;
const DAY = 24 * 3600_000;

export interface WandbRunFixture {
  path: string;
  media: string;
  state: 'online' | 'synced' | 'not-synced';
  inProgress: boolean;
}

export interface WandbFixture {
  workspace: string;
  home: string;
  /** <workspace>/wandb and <workspace>/scripts/wandb. */
  runDirs: string[];
  /** The Python package folder named wandb (no runs): stays in the workspace category. */
  notRuns: string;
  runs: Record<'online' | 'synced' | 'unsynced' | 'noLog' | 'active' | 'scripts', WandbRunFixture>;
  cacheDir: string;
  dataDir: string;
  staging: string;
  env: Record<string, string>;
}

function run(dir: string, name: string, o: { offline: boolean; synced?: boolean; log?: boolean; mediaKiB: number; logKiB?: number }): { path: string; media: string } {
  const p = path.join(dir, name);
  const id = name.split('-').pop()!;
  const files = path.join(p, 'files');
  writeTextFile(path.join(files, 'config.yaml'), '_wandb:\n  value:\n    cli_version: 0.19.1\nlr:\n  value: 0.0003\n');
  writeTextFile(path.join(files, 'wandb-summary.json'), '{"loss": 0.21, "_step": 1200}\n');
  writeTextFile(path.join(files, 'wandb-metadata.json'), '{"program": "train.py", "gpu": "NVIDIA H100"}\n');
  writeRealFile(path.join(files, 'output.log'), 8 * KiB);
  writeTextFile(path.join(files, 'requirements.txt'), 'torch==2.5.1\nwandb==0.19.1\n');
  const media = path.join(files, 'media');
  writeRealFile(path.join(media, 'images', `samples_${id}_0.png`), (o.mediaKiB - 4) * KiB);
  writeRealFile(path.join(media, 'table', `preds_${id}.table.json`), 4 * KiB);
  writeRealFile(path.join(p, 'logs', 'debug.log'), 4 * KiB);
  writeRealFile(path.join(p, 'logs', 'debug-internal.log'), 8 * KiB);
  fs.mkdirSync(path.join(p, 'tmp', 'code'), { recursive: true });
  if (o.log !== false) {
    const log = writeRealFile(path.join(p, `run-${id}.wandb`), (o.logKiB ?? 16) * KiB);
    if (o.synced) writeTextFile(`${log}.synced`, '');
  }
  return { path: p, media };
}

/** The scene under `root` (root/home, root/project), or in the given HOME and workspace folder. */
export function buildWandb(root: string, now = Date.now(), at?: { home: string; workspace: string }): WandbFixture {
  const home = at?.home ?? path.join(root, 'home');
  const workspace = at?.workspace ?? path.join(root, 'project');
  writeTextFile(path.join(workspace, 'train.py'), 'import wandb\nwandb.init()\n');
  writeRealFile(path.join(workspace, 'data', 'train.bin'), 64 * KiB);
  const wandbDir = path.join(workspace, 'wandb');
  const scriptsDir = path.join(workspace, 'scripts', 'wandb');
  const online = run(wandbDir, 'run-20261201_101500-abc12345', { offline: false, mediaKiB: 24 });
  const synced = run(wandbDir, 'offline-run-20261130_080000-syn00001', { offline: true, synced: true, mediaKiB: 20, logKiB: 12 });
  const unsynced = run(wandbDir, 'offline-run-20261129_070000-uns00001', { offline: true, mediaKiB: 28 });
  const noLog = run(wandbDir, 'offline-run-20261128_060000-nolog001', { offline: true, log: false, mediaKiB: 12 });
  const scripts = run(scriptsDir, 'run-20261125_120000-scr00001', { offline: false, mediaKiB: 16 });
  fs.symlinkSync('run-20261201_101500-abc12345', path.join(wandbDir, 'latest-run'));
  fs.symlinkSync(path.join('run-20261201_101500-abc12345', 'logs', 'debug.log'), path.join(wandbDir, 'debug.log'));
  fs.symlinkSync(path.join('run-20261201_101500-abc12345', 'logs', 'debug-internal.log'), path.join(wandbDir, 'debug-internal.log'));
  // A clone with the wandb package inside: a folder named wandb, but no runs.
  const notRuns = path.join(workspace, 'vendor', 'wandb');
  writeRealFile(path.join(notRuns, '__init__.py'), 8 * KiB);
  writeRealFile(path.join(notRuns, 'sdk', 'wandb_run.py'), 12 * KiB);

  const cacheDir = path.join(home, '.cache', 'wandb');
  writeRealFile(path.join(cacheDir, 'artifacts', 'obj', 'md5', '3f', '9a0c1b2d3e4f5a6b7c8d9e0f1a2b3c'), 40 * KiB);
  writeRealFile(path.join(cacheDir, 'artifacts', 'obj', 'md5', 'c1', '00112233445566778899aabbccddee'), 24 * KiB);
  writeRealFile(path.join(cacheDir, 'artifacts', 'obj', 'etag', '7e', 'a9b8c7d6e5f4'), 8 * KiB);
  writeRealFile(path.join(cacheDir, 'artifacts', 'tmp', 'tmp4k2j1x'), 4 * KiB);
  writeRealFile(path.join(cacheDir, 'logs', 'core-debug-20261201_101500.log'), 4 * KiB);
  const dataDir = path.join(home, '.local', 'share', 'wandb');
  const staging = path.join(dataDir, 'artifacts', 'staging');
  writeRealFile(path.join(staging, 'tmpx7_model.safetensors'), 32 * KiB);
  writeRealFile(path.join(staging, 'tmpq2_eval.json'), 4 * KiB);
  for (const p of [workspace, cacheDir, dataDir]) setTreeTimes(p, now - 5 * DAY);
  // Written a minute ago: wandb may still be logging to it.
  const active = run(wandbDir, 'run-20261203_093000-act00001', { offline: false, mediaKiB: 8 });
  setTreeTimes(active.path, now - 60_000);
  return {
    workspace, home, runDirs: [wandbDir, path.dirname(scripts.path)], notRuns,
    runs: {
      online: { ...online, state: 'online', inProgress: false },
      synced: { ...synced, state: 'synced', inProgress: false },
      unsynced: { ...unsynced, state: 'not-synced', inProgress: false },
      noLog: { ...noLog, state: 'not-synced', inProgress: false },
      active: { ...active, state: 'online', inProgress: true },
      scripts: { ...scripts, state: 'online', inProgress: false },
    },
    cacheDir, dataDir, staging,
    env: { HOME: home },
  };
}

