// Fixture part "mlCaches" (test/integration/fixture.ts): every ML cache of
// test/support/cacheFixtures.ts in the fake HOME (HF hub, datasets and xet caches, a conda root
// with envs hard-linked from pkgs/, pip, uv with a venv linking into it, torch hub), and the
// environment (HOME, XDG_CACHE_HOME, CONDA_PREFIX of the `ml` env, ...) for the extension host.
// The full description goes to a JSON file next to the fixture; the part's info is only its path
// (the fixture description travels in the workbench URL, which has a size limit). No `vscode` import.
import * as fs from 'fs';
import * as path from 'path';
import { mlCaches, type CacheHomeFixture } from '../support/cacheFixtures';
import type { InfoFile } from './checkpointsFixture';
import { partInfo, type FixtureBuilder, type FixtureDescription } from './fixture';

export async function mlCachesHome(fx: FixtureBuilder): Promise<InfoFile> {
  const caches = await mlCaches(fx);
  const infoFile = path.join(fx.root, 'ml-caches.json');
  fs.writeFileSync(infoFile, JSON.stringify(caches, null, 1));
  return { infoFile };
}

/** The caches as fixture part mlCaches described them. */
export function readCacheHome(fixture: FixtureDescription): CacheHomeFixture {
  return JSON.parse(fs.readFileSync(partInfo<InfoFile>(fixture, 'mlCaches').infoFile, 'utf8')) as CacheHomeFixture;
}
