// The Weights & Biases category: the artifact cache and staging found where wandb puts them, run
// folders under wandb/ in the workspace (and one folder down, and WANDB_DIR), all sized like du
// and never counted again by the workspace; bulk cleans (wandb:cache, wandb:media) never touch an
// offline run that was never synced, whose own plan names the loss and asks a second
// confirmation; every executed plan removes exactly what it planned.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import type { ScanModel } from '../../src/core/model';
import { PlanRefusedError } from '../../src/core/plan/builder';
import { planFor } from '../../src/core/categories/planFor';
import { wandbCategory } from '../../src/core/categories/wandb/descriptor';
import { wandbCacheDir, wandbDataDir } from '../../src/core/categories/wandb/locations';
import { parseRunFolderName, syncStateOf } from '../../src/core/categories/wandb/runs';
import {
  WANDB_CACHE_PURGE_ID, WANDB_MEDIA_PURGE_ID, wandbMediaItemId, wandbRunItemId,
} from '../../src/core/categories/wandb/scanner';
import { runCli } from '../support/runCli';
import { buildWandb, type WandbFixture } from '../support/wandbFixtures';
import { categoryOf, itemById, ownBlocks, planById, planContext, scanCaches } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

const entriesOf = (dir: string) => fs.readdirSync(dir).map((n) => path.join(dir, n)).sort();
const isUnder = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep);

describe('W&B: locations and run folders', () => {
  it('cache and data dirs as wandb (platformdirs) decides them', () => {
    assert.strictEqual(wandbCacheDir({}, '/h', 'linux'), '/h/.cache/wandb');
    assert.strictEqual(wandbCacheDir({ XDG_CACHE_HOME: '/x' }, '/h', 'linux'), '/x/wandb');
    assert.strictEqual(wandbCacheDir({ WANDB_CACHE_DIR: '~/c' }, '/h', 'linux'), '/h/c');
    assert.strictEqual(wandbCacheDir({}, '/h', 'darwin'), '/h/Library/Caches/wandb');
    assert.strictEqual(wandbDataDir({}, '/h', 'linux'), '/h/.local/share/wandb');
    assert.strictEqual(wandbDataDir({ XDG_DATA_HOME: '/d' }, '/h', 'linux'), '/d/wandb');
    assert.strictEqual(wandbDataDir({ WANDB_DATA_DIR: '/w' }, '/h', 'linux'), '/w');
  });

  it('run folder names and the wandb sync marker', () => {
    assert.deepStrictEqual(parseRunFolderName('offline-run-20261129_070000-uns00001'), { offline: true, started: '2026-11-29 07:00:00', runId: 'uns00001' });
    assert.deepStrictEqual(parseRunFolderName('run-20261201_101500-abc12345')?.offline, false);
    assert.strictEqual(parseRunFolderName('latest-run'), undefined);
    assert.strictEqual(parseRunFolderName('run-2026_1-x'), undefined);
    assert.strictEqual(syncStateOf(true, ['files', 'run-a.wandb']).state, 'not-synced');
    assert.strictEqual(syncStateOf(true, ['run-a.wandb', 'run-a.wandb.synced']).state, 'synced');
    // Resumed into two logs: synced only when both are.
    assert.strictEqual(syncStateOf(true, ['a.wandb', 'a.wandb.synced', 'b.wandb']).state, 'not-synced');
    // No log at all: nothing to sync from, still the only copy.
    assert.strictEqual(syncStateOf(true, ['files']).state, 'not-synced');
    assert.strictEqual(syncStateOf(false, ['run-a.wandb']).state, 'online');
  });
});

describe('W&B category', () => {
  let dir: string;
  let cleanup: () => void;
  let w: WandbFixture;
  let model: ScanModel;
  const scanAll = () => scanCaches(w.env, ['wandb', 'checkpoints', 'workspace'], [w.workspace]);
  beforeEach(async () => {
    ({ dir, cleanup } = tempFolder('mlds-wandb-'));
    w = buildWandb(dir);
    model = await scanAll();
  });
  afterEach(() => cleanup());

  it('sizes like du, and the workspace does not count the run folders again', () => {
    const category = categoryOf(model, 'wandb');
    assert.strictEqual(category.bytes, duBytes([w.cacheDir, w.dataDir, ...w.runDirs]));
    assert.strictEqual(category.apparentBytes, duBytes([w.cacheDir, w.dataDir, ...w.runDirs], true));
    assert.deepStrictEqual(category.fields?.runDirs, w.runDirs);
    // The wandb package folder is not a run folder: it stays in the workspace.
    assert.strictEqual(categoryOf(model, 'workspace').bytes, duBytes([w.workspace]) - duBytes(w.runDirs));
    for (const r of Object.values(w.runs)) {
      const item = itemById(model, wandbRunItemId(r.path));
      assert.strictEqual(item.bytes, duBytes([r.path]), `${r.path} vs du`);
      assert.strictEqual(item.fields?.sync, r.state);
      assert.strictEqual(item.badges?.includes('not synced') ?? false, r.state === 'not-synced', item.label);
      assert.strictEqual(item.badges?.includes('in progress') ?? false, r.inProgress, item.label);
      const media = itemById(model, wandbMediaItemId(r.media));
      assert.strictEqual(media.bytes, duBytes([r.media]));
      assert.strictEqual(media.reclaimable, r.state !== 'not-synced');
    }
    // Each run-folder group adds up to its folder.
    for (const d of w.runDirs) {
      const group = category.items.find((i) => i.path === d)!;
      assert.strictEqual(group.children!.reduce((s, c) => s + c.bytes, 0), duBytes([d]));
    }
    // What bulk cleans free: the cache's entries, and media of synced runs not in progress.
    // Staging is left while an offline run waits to be synced.
    const syncedMedia = [w.runs.online, w.runs.synced, w.runs.scripts].map((r) => r.media);
    assert.strictEqual(category.reclaimableBytes, duBytes([w.cacheDir]) - ownBlocks(w.cacheDir) + duBytes(syncedMedia));
  });

  it('no bulk purge of the category ever names a run that was never synced', async () => {
    const unsynced = [w.runs.unsynced.path, w.runs.noLog.path];
    for (const id of Object.keys(wandbCategory.purgeIds!)) {
      const plan = await planById(model, id, w.env);
      const touching = plan.targets.filter((t) => unsynced.some((u) => isUnder(t.path, u)));
      assert.deepStrictEqual(touching, [], id);
      assert.strictEqual(plan.needsSecondConfirmation, undefined, id);
    }
  });

  it('wandb:media deletes files/media of synced runs only; the run in progress is kept and said so', async () => {
    const plan = await planById(model, WANDB_MEDIA_PURGE_ID, w.env);
    const expected = [w.runs.online, w.runs.synced, w.runs.scripts].map((r) => r.media);
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), [...expected].sort());
    assert.strictEqual(plan.bytes, duBytes(expected));
    assert.ok(plan.keep?.some((k) => k.path === w.runs.active.media), JSON.stringify(plan.keep));
    for (const r of [w.runs.unsynced, w.runs.noLog]) assert.ok(plan.keep?.some((k) => k.path === r.media && /never synced/.test(k.reason)), JSON.stringify(plan.keep));
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), expected.map((p) => path.relative(dir, p)));
  });

  it('wandb:cache empties the artifact cache; staging stays while offline runs are not synced', async () => {
    const plan = await planById(model, WANDB_CACHE_PURGE_ID, w.env);
    const expected = entriesOf(w.cacheDir);
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), expected);
    assert.ok(plan.keep?.some((k) => k.path === w.staging && /not synced/.test(k.reason)), JSON.stringify(plan.keep));
    assert.strictEqual(plan.bytes, duBytes([w.cacheDir]) - ownBlocks(w.cacheDir));
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), expected.map((p) => path.relative(dir, p)));
    assert.deepStrictEqual(fs.readdirSync(w.cacheDir), [], 'the cache folder stays');
  });

  it('once no run waits to be synced, wandb:cache empties staging too', async () => {
    fs.rmSync(w.runs.unsynced.path, { recursive: true });
    fs.rmSync(w.runs.noLog.path, { recursive: true });
    model = await scanAll();
    const plan = await planById(model, WANDB_CACHE_PURGE_ID, w.env);
    const expected = [...entriesOf(w.cacheDir), ...entriesOf(w.staging)];
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), expected.sort());
    assert.strictEqual(plan.bytes, categoryOf(model, 'wandb').reclaimableBytes! - duBytes([w.runs.online.media, w.runs.synced.media, w.runs.scripts.media]));
    const before = snapshotTree(dir);
    await executePlan(plan);
    assertOnlyRemoved(before, snapshotTree(dir), expected.map((p) => path.relative(dir, p)));
  });

  it('a run never synced is deleted only on its own: the plan names the loss and asks a second confirmation', async () => {
    for (const r of [w.runs.unsynced, w.runs.noLog]) {
      const plan = await planById(model, wandbRunItemId(r.path), w.env);
      assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.bytes]), [[r.path, duBytes([r.path])]]);
      assert.ok(plan.warnings?.some((x) => x.includes('never synced') && x.includes(`wandb sync ${r.path}`)), JSON.stringify(plan.warnings));
      assert.match(plan.needsSecondConfirmation ?? '', /never synced.*only copy/);
    }
    // Its media alone is refused (the run is the unit that can be chosen).
    await assert.rejects(planFor(wandbMediaItemId(w.runs.unsynced.media), model, planContext(w.env)), PlanRefusedError);
    const plan = await planById(model, wandbRunItemId(w.runs.unsynced.path), w.env);
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), [path.relative(dir, w.runs.unsynced.path)]);
  });

  it('a synced run deletes without a second confirmation; one synced after the scan is seen as synced', async () => {
    const synced = await planById(model, wandbRunItemId(w.runs.synced.path), w.env);
    assert.strictEqual(synced.needsSecondConfirmation, undefined);
    assert.strictEqual(synced.warnings, undefined);
    // `wandb sync` ran after the scan: the marker is read again when planning.
    fs.writeFileSync(path.join(w.runs.unsynced.path, 'run-uns00001.wandb.synced'), '');
    const now = await planById(model, wandbRunItemId(w.runs.unsynced.path), w.env);
    assert.strictEqual(now.needsSecondConfirmation, undefined);
    // The run still being written asks again.
    const active = await planById(model, wandbRunItemId(w.runs.active.path), w.env);
    assert.match(active.needsSecondConfirmation ?? '', /may still be writing/);
  });

  it('runs under WANDB_DIR are found without a workspace folder', async () => {
    const env = { ...w.env, WANDB_DIR: w.workspace };
    const m = await scanCaches(env, ['wandb'], []);
    const category = categoryOf(m, 'wandb');
    assert.deepStrictEqual(category.fields?.runDirs, [w.runDirs[0]]);
    assert.strictEqual(category.bytes, duBytes([w.cacheDir, w.dataDir, w.runDirs[0]]));
  });
});

describe('W&B from the CLI', function () {
  this.timeout(120_000);
  it('purge of a run never synced: --yes alone deletes nothing and says why; with --include-active it goes', async () => {
    const { dir, cleanup } = tempFolder('mlds-wandb-cli-');
    try {
      const w = buildWandb(dir);
      const env = { PATH: process.env.PATH ?? '', HOME: w.home };
      const id = wandbRunItemId(w.runs.unsynced.path);
      const before = snapshotTree(dir);
      const refused = await runCli(['purge', id, '--yes'], { env, cwd: w.workspace });
      assert.strictEqual(refused.status, 1, refused.stdout + refused.stderr);
      assert.match(refused.stdout, /never synced/);
      assert.match(refused.stdout, /Nothing was deleted/);
      assertOnlyRemoved(before, snapshotTree(dir), []);
      const help = await runCli(['purge', '--help'], { env });
      for (const p of ['wandb:cache', 'wandb:media', 'gpu-caches:clean']) assert.ok(help.stdout.includes(p), help.stdout);
      const done = await runCli(['purge', id, '--yes', '--include-active'], { env, cwd: w.workspace });
      assert.strictEqual(done.status, 0, done.stdout + done.stderr);
      assertOnlyRemoved(before, snapshotTree(dir), [path.relative(dir, w.runs.unsynced.path)]);
    } finally {
      cleanup();
    }
  });
});
