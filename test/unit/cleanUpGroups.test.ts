// "Clean Up…" offers each purge id of the registry once, measured by the plan it would run: on a
// real conda install (tarballs + an unused package, built on disk) the combined "conda clean -t -p"
// is not offered next to its two parts, and of chosen groups one that another already covers is
// dropped (so nothing is deleted or counted twice).
import * as assert from 'assert';
import * as path from 'path';
import { offeredGroups, purgeGroupsOf, withoutCovered, type MeasuredGroup } from '../../src/core/categories/cleanUpGroups';
import { CONDA_CLEAN_ID } from '../../src/core/categories/conda/descriptor';
import { CONDA_CLEAN_PACKAGES_ID, CONDA_CLEAN_TARBALLS_ID } from '../../src/core/categories/conda/scanner';
import { purgeIds } from '../../src/core/categories';
import { buildConda } from '../support/cacheFixtures';
import { planById, scanCaches } from '../support/cacheScan';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

describe('Clean Up: the groups it offers', () => {
  it('lists the purge ids of the scanned categories; conda clean -t -p is not offered beside its parts; sizes are what du says', async () => {
    const { dir, cleanup } = tempFolder('mlds-cleanup-');
    try {
      const home = path.join(dir, 'home');
      const conda = buildConda(home, path.join(dir, 'outside'));
      const env = { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), CONDA_PREFIX: conda.envs.ml };
      const model = await scanCaches(env, ['conda']);
      const groups = purgeGroupsOf(model);
      const condaIds = Object.keys(purgeIds()).filter((id) => id.startsWith('conda:'));
      assert.deepStrictEqual(groups.map((g) => g.id).sort(), condaIds.sort(), 'every conda purge id of the registry, nothing of unscanned categories');
      const measured: MeasuredGroup[] = [];
      for (const g of groups) {
        const plan = await planById(model, g.id, env);
        measured.push({ ...g, bytes: plan.bytes, targets: plan.targets.map((t) => t.path) });
      }
      const offered = offeredGroups(measured);
      assert.deepStrictEqual(offered.map((g) => g.id).sort(), [CONDA_CLEAN_PACKAGES_ID, CONDA_CLEAN_TARBALLS_ID].sort());
      const tarballs = offered.find((g) => g.id === CONDA_CLEAN_TARBALLS_ID)!;
      assert.strictEqual(tarballs.bytes, duBytes(conda.tarballs.map((t) => t.path)), 'the tarball group frees what du counts for the archives');
      // The combined group, if someone chose it with its parts, covers them: only it runs.
      const both = measured.find((g) => g.id === CONDA_CLEAN_ID)!;
      assert.deepStrictEqual(withoutCovered([tarballs, both]).map((g) => g.id), [CONDA_CLEAN_ID]);
      assert.deepStrictEqual(withoutCovered(offered).map((g) => g.id).sort(), offered.map((g) => g.id).sort(), 'disjoint groups all run');
    } finally {
      cleanup();
    }
  });

  it('drops empty groups and categories the scan had with an error', () => {
    const model = {
      scannedAt: 0, durationMs: 0, roots: [], warnings: [], cancelled: false,
      categories: [
        { id: 'pip', label: 'pip cache', bytes: 0, apparentBytes: 0, items: [] },
        { id: 'docker', label: 'Docker', bytes: 0, apparentBytes: 0, items: [], error: 'engine unreachable' },
      ],
    };
    const groups = purgeGroupsOf(model);
    assert.deepStrictEqual(groups.map((g) => g.categoryId), ['pip'], 'Docker with an error offers nothing');
    assert.deepStrictEqual(offeredGroups(groups.map((g) => ({ ...g, bytes: 0, targets: [] }))), []);
  });
});
