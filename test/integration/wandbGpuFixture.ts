// Fixture part "wandbGpuCaches" (test/integration/fixture.ts): the W&B scene of
// test/support/wandbFixtures.ts (artifact cache, staging, run folders in the workspace, one offline
// run never synced) and the six GPU compile caches of test/support/gpuCacheFixtures.ts at their
// default places in the fake HOME (Inductor's in <fixture>/tmp, with TMPDIR and USER for the
// extension host). The description goes to a JSON file; the part's info is its path. No `vscode` import.
import * as fs from 'fs';
import * as path from 'path';
import { buildGpuCachesAtDefaults, type GpuCacheFixture } from '../support/gpuCacheFixtures';
import { buildWandb, type WandbFixture } from '../support/wandbFixtures';
import type { InfoFile } from './checkpointsFixture';
import { partInfo, type FixtureBuilder, type FixtureDescription } from './fixture';

export interface WandbGpuScene { wandb: WandbFixture; gpu: GpuCacheFixture }

export async function wandbGpuScene(fx: FixtureBuilder): Promise<InfoFile> {
  const tmp = path.join(fx.root, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const wandb = buildWandb(fx.root, Date.now(), { home: fx.home, workspace: fx.workspace });
  const gpu = buildGpuCachesAtDefaults(fx.home, tmp);
  Object.assign(fx.env, gpu.env);
  // The data dir follows XDG_DATA_HOME, which code-server points at a temp folder of its own.
  fx.env.XDG_DATA_HOME = path.join(fx.home, '.local', 'share');
  const infoFile = path.join(fx.root, 'wandb-gpu.json');
  fs.writeFileSync(infoFile, JSON.stringify({ wandb, gpu } satisfies WandbGpuScene, null, 1));
  return { infoFile };
}

export function readWandbGpuScene(fixture: FixtureDescription): WandbGpuScene {
  return JSON.parse(fs.readFileSync(partInfo<InfoFile>(fixture, 'wandbGpuCaches').infoFile, 'utf8')) as WandbGpuScene;
}
