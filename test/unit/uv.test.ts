// The uv category on a uv cache built by hand (uv is not installable here) with a venv whose
// package files are real hard links into the cache, as uv installs them on Linux. The cache is
// scanned before the workspace, so those bytes are counted once (in uv) and the venv shows them
// as shared; cleaning the cache frees only what no venv still links to, and the plan says so.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import type { ScanModel } from '../../src/core/model';
import { UV_CLEAN_ID, uvEntryItemId } from '../../src/core/scanners/uv';
import { buildUv, type UvFixture } from '../support/cacheFixtures';
import { categoryOf, diskUsage, duTotal, itemById, ownBlocks, planById, scanCaches, sha256, tempDir } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

describe('uv', () => {
  let dir: string;
  let cleanup: () => void;
  let uv: UvFixture;
  let workspace: string;
  let env: Record<string, string>;
  let model: ScanModel;
  beforeEach(async () => {
    ({ dir, cleanup } = tempDir('mlds-uv-'));
    workspace = path.join(dir, 'project');
    uv = buildUv(path.join(dir, 'home', '.cache', 'uv'), path.join(workspace, '.venv'));
    env = { HOME: path.join(dir, 'home'), XDG_CACHE_HOME: path.join(dir, 'home', '.cache') };
    model = await scanCaches(env, ['uv', 'workspace'], [workspace]);
  });
  afterEach(() => cleanup());

  const linkedBytes = () => uv.linkedFromVenv.reduce((s, l) => s + l.bytes, 0);

  it('counts the cache like du and the venv without the files it shares with the cache', () => {
    const category = categoryOf(model, 'uv');
    assert.strictEqual(category.bytes, diskUsage(uv.root));
    assert.strictEqual(category.bytes, duTotal([uv.root]));
    assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0) + ownBlocks(uv.root), category.bytes);
    assert.strictEqual(category.reclaimableBytes, diskUsage(uv.root) - ownBlocks(uv.root), 'at most the cache without its folder');
    assert.match(String(category.fields!.reclaimableMeans), /at most: 2 files are hard-linked/);
    const archive = itemById(model, uvEntryItemId(path.join(uv.root, 'archive-v0')));
    assert.strictEqual(archive.fields!.hardLinkedFiles, uv.linkedFromVenv.length);
    const ws = categoryOf(model, 'workspace');
    // Counted once across categories: uv + workspace = du over both.
    assert.strictEqual(ws.bytes, diskUsage(workspace) - linkedBytes());
    assert.strictEqual(ws.bytes + category.bytes, duTotal([uv.root, workspace]));
    const root = ws.items[0];
    assert.strictEqual(root.sharedBytes, linkedBytes());
  });

  it('clean: every entry of the cache; files a venv still links to stay, and the plan says how much', async () => {
    const plan = await planById(model, UV_CLEAN_ID, env);
    const entries = fs.readdirSync(uv.root).sort().map((n) => path.join(uv.root, n));
    assert.deepStrictEqual(plan.targets.map((t) => t.path), entries);
    assert.ok(plan.targets.every((t) => t.root === uv.root));
    assert.strictEqual(plan.bytes, diskUsage(uv.root) - ownBlocks(uv.root) - linkedBytes());
    assert.ok(plan.warnings!.some((w) => /24\.6 kB in 2 files stay on disk/.test(w)), JSON.stringify(plan.warnings));
    const hashes = uv.linkedFromVenv.map((l) => sha256(l.venvPath));
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assert.ok(report.outcomes.every((o) => o.status === 'deleted'));
    assertOnlyRemoved(before, snapshotTree(dir), entries.map((e) => path.relative(dir, e)));
    assert.deepStrictEqual(fs.readdirSync(uv.root), []);
    assert.deepStrictEqual(uv.linkedFromVenv.map((l) => sha256(l.venvPath)), hashes, 'the venv still works');
  });

  it('deletes one cache bucket', async () => {
    const bucket = path.join(uv.root, 'wheels-v5');
    const plan = await planById(model, uvEntryItemId(bucket), env);
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes]), [[bucket, 'dir', diskUsage(bucket)]]);
    const before = snapshotTree(dir);
    await executePlan(plan);
    assertOnlyRemoved(before, snapshotTree(dir), [path.relative(dir, bucket)]);
  });
});
