// The pip category on a pip cache filled by hand, cross-checked against pip itself
// (`python3 -m pip cache info/list`, which this machine's Python has): the same files counted,
// and after our purge pip finds nothing left. Sizes are checked against du.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import type { ScanModel } from '../../src/core/model';
import { isPipWheelName, PIP_PURGE_ID, pipFolderItemId } from '../../src/core/scanners/pip';
import { buildPip, type PipFixture } from '../support/cacheFixtures';
import { categoryOf, diskUsage, duTotal, itemById, ownBlocks, planById, scanCaches, tempDir } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

interface PipInfo {
  /** Folders pip counts as its HTTP cache (23.3+ lists http-v2 and http, older pips only http). */
  httpDirs: string[];
  httpFiles: number;
  wheels: number;
  listed: string[];
}

/** What pip itself says about the cache in PIP_CACHE_DIR (fails loudly if pip is missing). */
function pipInfo(cacheDir: string, home: string): PipInfo {
  const env = { PATH: process.env.PATH ?? '', HOME: home, PIP_CACHE_DIR: cacheDir, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  const info = execFileSync('python3', ['-m', 'pip', 'cache', 'info'], { env, encoding: 'utf8' });
  const number = (label: string) => {
    const m = new RegExp(`^${label}: (\\d+)$`, 'm').exec(info);
    assert.ok(m, `pip cache info has no "${label}":\n${info}`);
    return Number(m[1]);
  };
  const httpDirs = [...info.matchAll(/^Package index page cache location[^:]*: (.+)$/gm)].map((m) => m[1].trim());
  const list = execFileSync('python3', ['-m', 'pip', 'cache', 'list', '--format=abspath'], { env, encoding: 'utf8' });
  return { httpDirs, httpFiles: number('Number of HTTP files'), wheels: number('Number of locally built wheels'), listed: list.split('\n').filter(Boolean).sort() };
}

describe('pip', () => {
  let dir: string;
  let cleanup: () => void;
  let pip: PipFixture;
  let env: Record<string, string>;
  let model: ScanModel;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir('mlds-pip-'));
    pip = buildPip(path.join(dir, 'pip-cache'));
    env = { HOME: path.join(dir, 'home'), PIP_CACHE_DIR: pip.root };
    model = await scanCaches(env, ['pip']);
  });
  afterEach(() => cleanup());

  it('recognises wheel file names as pip counts them (*-*.whl)', () => {
    assert.ok(isPipWheelName('pkg_a-1.0-py3-none-any.whl'));
    assert.ok(!isPipWheelName('origin.json'));
    assert.ok(!isPipWheelName('nodash.whl'));
    assert.ok(!isPipWheelName('pkg.whl.json'));
  });

  it('sizes http-v2/, http/ and wheels/ like du and counts their files as pip does', () => {
    const category = categoryOf(model, 'pip');
    assert.strictEqual(category.bytes, duTotal([pip.root]));
    assert.strictEqual(category.apparentBytes, duTotal([pip.root], true));
    for (const name of ['http-v2', 'http', 'wheels']) {
      const item = itemById(model, pipFolderItemId(path.join(pip.root, name)));
      assert.strictEqual(item.kind, 'pip-cache-folder');
      assert.strictEqual(item.bytes, diskUsage(path.join(pip.root, name)), name);
    }
    const selfcheck = itemById(model, pipFolderItemId(pip.selfcheck));
    assert.strictEqual(selfcheck.kind, 'folder');
    assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0) + ownBlocks(pip.root), category.bytes, 'items + the cache folder itself');
    // Against the fixture's own record ...
    const wheelsItem = itemById(model, pipFolderItemId(path.join(pip.root, 'wheels')));
    assert.strictEqual(wheelsItem.fields!.wheels, pip.wheels.length);
    assert.strictEqual(wheelsItem.fields!.files, pip.wheels.length + pip.wheelDirOtherFiles.length);
    assert.strictEqual(category.fields!.httpFiles, pip.httpFiles.length);
    // ... and against pip itself.
    const info = pipInfo(pip.root, env.HOME);
    assert.ok(info.httpDirs.length >= 1, 'pip names its HTTP cache folder');
    const ourHttpFiles = info.httpDirs.reduce((s, d) => s + (itemById(model, pipFolderItemId(d)).fields!.files as number), 0);
    assert.strictEqual(ourHttpFiles, info.httpFiles, `HTTP files in ${info.httpDirs.join(', ')}`);
    assert.strictEqual(wheelsItem.fields!.wheels, info.wheels);
    assert.deepStrictEqual(info.listed, pip.wheels.map((w) => w.path).sort());
    assert.strictEqual(category.reclaimableBytes, ['http-v2', 'http', 'wheels'].reduce((s, n) => s + diskUsage(path.join(pip.root, n)), 0));
  });

  it('purge deletes http-v2/, http/ and wheels/; pip then finds nothing; the rest stays', async () => {
    const plan = await planById(model, PIP_PURGE_ID, env);
    const folders = ['http-v2', 'http', 'wheels'].map((n) => path.join(pip.root, n));
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes, t.root]), folders.map((f) => [f, 'dir', diskUsage(f), pip.root]));
    assert.strictEqual(plan.bytes, categoryOf(model, 'pip').reclaimableBytes);
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assert.deepStrictEqual(report.outcomes.map((o) => o.status), ['deleted', 'deleted', 'deleted']);
    assertOnlyRemoved(before, snapshotTree(dir), folders.map((f) => path.relative(dir, f)));
    const info = pipInfo(pip.root, env.HOME);
    assert.deepStrictEqual([info.httpFiles, info.wheels, info.listed], [0, 0, []]);
  });

  it('is hidden when there is no pip cache', async () => {
    const none = await scanCaches({ HOME: path.join(dir, 'home'), PIP_CACHE_DIR: path.join(dir, 'missing') }, ['pip']);
    assert.deepStrictEqual(none.categories, []);
  });
});
