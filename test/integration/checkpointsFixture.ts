// Fixture part "checkpointScene" (test/integration/fixture.ts): the shared checkpoint scene of
// test/support/checkpointFixtures.ts under <workspace>/training (HF Trainer, DeepSpeed and
// Lightning runs with known best/last, a run in progress written just now), and outside the
// workspace a run set up for more saves than any disk holds (max_steps 10^12), for the forecast
// warning; the tests add its folder as an extra root only while they need it.
// What the tests need is plain data written to a JSON file next to the fixture (the part's info
// holds only its path: the fixture description travels in the workbench URL, which has a size
// limit); the retention outcome for each k is computed here from what the scene wrote, never by
// the code under test. No `vscode` import.
import * as fs from 'fs';
import * as path from 'path';
import { buildCheckpointScene, makeHfRun, type RunInfo } from '../support/checkpointFixtures';
import { partInfo, type FixtureBuilder, type FixtureDescription } from './fixture';

const DAY = 24 * 3600_000;

export interface SceneRun {
  runPath: string;
  /** The run's label in the tree: its path relative to the scanned root. */
  label: string;
  /** Every checkpoint path, oldest first (the Lightning run's last.ckpt link last). */
  checkpoints: string[];
  best: string | null;
  last: string | null;
  /** What "keep best k + last" deletes, for k = 0..3 (empty for the run in progress). */
  retentionDeletes: Record<string, string[]>;
}

export interface CheckpointSceneInfo {
  /** <workspace>/training: everything of the scene. */
  root: string;
  runs: { hf: SceneRun; deepspeed: SceneRun; lightning: SceneRun; inProgress: SceneRun };
  /** The Lightning run's last.ckpt symlink (to its newest checkpoint). */
  lastLink: string;
  /** The HF run's trainer_state.json facts at its newest checkpoint (the forecast's inputs). */
  hfState: { globalStep: number; maxSteps: number; saveSteps: number };
  /** HF checkpoint kept as best (not the newest): what slimming removes from it and what must remain. */
  slim: { checkpoint: string; removed: string[]; remaining: string[] };
  /** Outside the workspace: <root>/extra-runs (add it to mlDiskSpace.extraRoots) holding run "huge-run". */
  hugeRunRoot: string;
  hugeRun: SceneRun;
}

function sceneRun(info: RunInfo, root: string): SceneRun {
  const retentionDeletes: Record<string, string[]> = {};
  for (let k = 0; k <= 3; k++) retentionDeletes[k] = info.retentionDeletes(k).sort();
  return { runPath: info.runPath, label: path.relative(root, info.runPath), checkpoints: info.checkpoints, best: info.best, last: info.last, retentionDeletes };
}

/** The part's info: where the scene's description is. */
export interface InfoFile {
  infoFile: string;
}

/** The scene as fixture part checkpointScene described it. */
export function readCheckpointScene(fixture: FixtureDescription): CheckpointSceneInfo {
  return JSON.parse(fs.readFileSync(partInfo<InfoFile>(fixture, 'checkpointScene').infoFile, 'utf8')) as CheckpointSceneInfo;
}

export async function checkpointScene(fx: FixtureBuilder): Promise<InfoFile> {
  const now = Date.now();
  const scene = buildCheckpointScene(path.join(fx.workspace, 'training'), now);
  const hugeRunRoot = path.join(fx.root, 'extra-runs');
  const huge = makeHfRun(path.join(hugeRunRoot, 'huge-run'), {
    steps: [100, 200], saveSteps: 100, maxSteps: 1e12, evalSteps: 100,
    evals: new Map([[100, 1.5], [200, 1.2]]), bestStep: 200, newestMs: now - DAY,
  });
  const slimCheckpoint = path.join(scene.hf.runPath, 'checkpoint-400');
  const info: CheckpointSceneInfo = {
    root: scene.root,
    runs: {
      hf: sceneRun(scene.hf, fx.workspace),
      deepspeed: sceneRun(scene.deepspeed, fx.workspace),
      lightning: sceneRun(scene.lightning, fx.workspace),
      inProgress: sceneRun(scene.inProgress, fx.workspace),
    },
    lastLink: scene.lightning.lastLink!,
    hfState: { globalStep: 1000, maxSteps: 3000, saveSteps: 200 },
    slim: { checkpoint: slimCheckpoint, removed: scene.hf.stateFiles(slimCheckpoint), remaining: scene.hf.keptFiles(slimCheckpoint) },
    hugeRunRoot,
    hugeRun: sceneRun(huge, hugeRunRoot),
  };
  const infoFile = path.join(fx.root, 'checkpoint-scene.json');
  fs.writeFileSync(infoFile, JSON.stringify(info, null, 1));
  return { infoFile };
}
