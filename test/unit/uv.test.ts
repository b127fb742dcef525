// The uv category on a uv cache built by hand (uv is not installable here) with a venv whose
// package files are real hard links into the cache, as uv installs them on Linux. The cache is
// scanned before the workspace, so those bytes are counted once (in uv) and the venv shows them
// as shared; cleaning the cache frees only what no venv still links to, and the plan says so.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { uvCacheSetting } from '../../src/core/categories/uv/config';
import { executePlan } from '../../src/core/executor';
import type { ScanModel } from '../../src/core/model';
import { UV_CLEAN_ID, uvEntryItemId } from '../../src/core/categories/uv/scanner';
import { buildUv, type UvFixture } from '../support/cacheFixtures';
import { categoryOf, itemById, ownBlocks, planById, scanCaches, sha256 } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

describe('uv', () => {
  let dir: string;
  let cleanup: () => void;
  let uv: UvFixture;
  let workspace: string;
  let env: Record<string, string>;
  let model: ScanModel;
  beforeEach(async () => {
    ({ dir, cleanup } = tempFolder('mlds-uv-'));
    workspace = path.join(dir, 'project');
    uv = buildUv(path.join(dir, 'home', '.cache', 'uv'), path.join(workspace, '.venv'));
    env = { HOME: path.join(dir, 'home'), XDG_CACHE_HOME: path.join(dir, 'home', '.cache') };
    model = await scanCaches(env, ['uv', 'workspace'], [workspace]);
  });
  afterEach(() => cleanup());

  const linkedBytes = () => uv.linkedFromVenv.reduce((s, l) => s + l.bytes, 0);

  it('counts the cache like du and the venv without the files it shares with the cache', () => {
    const category = categoryOf(model, 'uv');
    assert.strictEqual(category.bytes, duBytes(uv.root));
    assert.strictEqual(category.bytes, duBytes([uv.root]));
    assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0) + ownBlocks(uv.root), category.bytes);
    assert.strictEqual(category.reclaimableBytes, duBytes(uv.root) - ownBlocks(uv.root), 'at most the cache without its folder');
    assert.match(String(category.fields!.reclaimableMeans), /at most: 2 files are hard-linked/);
    const archive = itemById(model, uvEntryItemId(path.join(uv.root, 'archive-v0')));
    assert.strictEqual(archive.fields!.hardLinkedFiles, uv.linkedFromVenv.length);
    const ws = categoryOf(model, 'workspace');
    // Counted once across categories: uv + workspace = du over both.
    assert.strictEqual(ws.bytes, duBytes(workspace) - linkedBytes());
    assert.strictEqual(ws.bytes + category.bytes, duBytes([uv.root, workspace]));
    const root = ws.items[0];
    assert.strictEqual(root.sharedBytes, linkedBytes());
  });

  it('clean: every entry of the cache; files a venv still links to stay, and the plan says how much', async () => {
    const plan = await planById(model, UV_CLEAN_ID, env);
    const entries = fs.readdirSync(uv.root).sort().map((n) => path.join(uv.root, n));
    assert.deepStrictEqual(plan.targets.map((t) => t.path), entries);
    assert.ok(plan.targets.every((t) => t.root === uv.root));
    assert.strictEqual(plan.bytes, duBytes(uv.root) - ownBlocks(uv.root) - linkedBytes());
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
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes]), [[bucket, 'dir', duBytes(bucket)]]);
    const before = snapshotTree(dir);
    await executePlan(plan);
    assertOnlyRemoved(before, snapshotTree(dir), [path.relative(dir, bucket)]);
  });
});

describe('uv: where the cache is (uv\'s precedence)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => { ({ dir, cleanup } = tempFolder('mlds-uvcfg-')); });
  afterEach(() => cleanup());

  const write = (p: string, text: string) => { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); return p; };

  it('cache-dir from the user uv.toml, a project uv.toml, pyproject [tool.uv]; UV_CACHE_DIR wins; UV_NO_CACHE noted', async () => {
    const home = path.join(dir, 'home');
    const project = path.join(dir, 'project');
    const env: Record<string, string> = { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
    write(path.join(home, '.config', 'uv', 'uv.toml'), `cache-dir = "${path.join(dir, 'user-cache')}"\n`);
    assert.deepStrictEqual(uvCacheSetting(env, home, 'linux', [project]).dir, path.join(dir, 'user-cache'));
    // A project pyproject.toml with [tool.uv] overrides the user file; relative to the file's folder.
    write(path.join(project, 'pyproject.toml'), '[project]\nname = "x"\n\n[tool.uv]\ncache-dir = "./.uv-cache" # local\n');
    assert.deepStrictEqual(uvCacheSetting(env, home, 'linux', [path.join(project, 'src')]), { dir: path.join(project, '.uv-cache'), source: path.join(project, 'pyproject.toml'), noCache: false });
    // uv.toml beside it wins over pyproject.toml.
    write(path.join(project, 'uv.toml'), `cache-dir = '${path.join(dir, 'uv-toml-cache')}'\n`);
    assert.strictEqual(uvCacheSetting(env, home, 'linux', [project]).dir, path.join(dir, 'uv-toml-cache'));
    // A pyproject.toml without [tool.uv] is not a uv config: the user file decides.
    const other = path.join(dir, 'other');
    write(path.join(other, 'pyproject.toml'), '[project]\nname = "y"\n');
    assert.strictEqual(uvCacheSetting(env, home, 'linux', [other]).dir, path.join(dir, 'user-cache'));
    assert.strictEqual(uvCacheSetting({ ...env, UV_CACHE_DIR: path.join(dir, 'env-cache') }, home, 'linux', [project]).dir, path.join(dir, 'env-cache'));
    assert.strictEqual(uvCacheSetting({ ...env, UV_NO_CONFIG: '1' }, home, 'linux', [project]).dir, path.join(home, '.cache', 'uv'));
    // The scan finds the cache the project config names, and says when UV_NO_CACHE is set.
    const uv = buildUv(path.join(dir, 'uv-toml-cache'), path.join(project, '.venv'));
    const model = await scanCaches({ ...env, UV_NO_CACHE: '1' }, ['uv'], [project]);
    assert.strictEqual(categoryOf(model, 'uv').fields!.cacheDir, uv.root);
    assert.strictEqual(categoryOf(model, 'uv').fields!.configuredBy, path.join(project, 'uv.toml'));
    assert.match(String(categoryOf(model, 'uv').fields!.note), /UV_NO_CACHE/);
  });
});
