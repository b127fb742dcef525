// The Hugging Face category on real caches built by hand (huggingface_hub is not installable
// here): real relative symlinks from snapshots into blobs, shared blobs, nested snapshot folders,
// refs/pr/1, a detached revision, `.incomplete` and unreferenced blobs, every corruption kind.
// Numbers are checked against sizes the fixture wrote and against lstat/du, never against the
// code's own output; deletions go through the real executor and are checked byte for byte.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { scanCacheDir } from '@huggingface/hub';
import { executePlan } from '../../src/core/executor';
import { parseRefContent, parseRepoFolderName } from '../../src/core/categories/huggingface/names';
import { parseHfRepo } from '../../src/core/categories/huggingface/parseRepo';
import { asyncOps, blobOfLink, listRepo, syncOps } from '../../src/core/categories/huggingface/repoListing';
import { listRepos, listWorkerPath } from '../../src/core/categories/huggingface/listPool';
import { createLimiter } from '../../src/core/limit';
import type { ScanModel } from '../../src/core/model';
import type { DeletionPlan } from '../../src/core/plan/types';
import { HF_PRUNE_ID, hfDatasetsDownloadsItemId, hfIncompleteItemId, hfRepoItemId, hfRevisionItemId } from '../../src/core/categories/huggingface/ids';
import {
  buildHfDatasets, buildHfHub, buildHfXet, KiB, writeHfRepo, type HfHubFixture, type HfRepoFixture,
} from '../support/cacheFixtures';
import { brokenLinks, categoryOf, itemById, ownBlocks, planById, planForItems, scanCaches, sha256 } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { groupTargets } from '../../src/core/plan/targetGroups';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

const DAY = 24 * 3600_000;

interface Scene {
  dir: string;
  home: string;
  hubRoot: string;
  env: Record<string, string>;
  hf: HfHubFixture;
  datasets: ReturnType<typeof buildHfDatasets>;
  xet: ReturnType<typeof buildHfXet>;
  cleanup(): void;
}

function buildScene(now = Date.now()): Scene {
  const { dir, cleanup } = tempFolder('mlds-hf-');
  const home = path.join(dir, 'home');
  const hfHome = path.join(home, '.cache', 'huggingface');
  const hf = buildHfHub(path.join(hfHome, 'hub'), path.join(dir, 'outside'), now);
  const datasets = buildHfDatasets(path.join(hfHome, 'datasets'));
  const xet = buildHfXet(path.join(hfHome, 'xet'));
  return { dir, home, hubRoot: hf.hubRoot, env: { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') }, hf, datasets, xet, cleanup };
}

const revId = (repo: HfRepoFixture, key: string) => hfRevisionItemId(repo.path, repo.revisions[key].commit);
const snapshotOf = (repo: HfRepoFixture, key: string) => path.join(repo.path, 'snapshots', repo.revisions[key].commit);
const rel = (scene: Scene, p: string) => path.relative(scene.dir, p);

async function execute(plan: DeletionPlan) {
  const report = await executePlan(plan);
  assert.deepStrictEqual(report.outcomes.filter((o) => o.status !== 'deleted'), [], 'every target deleted');
  assert.strictEqual(report.bytesFreed, plan.bytes);
  return report;
}

describe('hf: names and refs', () => {
  it('parses repo folder names like huggingface_hub', () => {
    assert.deepStrictEqual(parseRepoFolderName('models--google--gemma-2b'), { repoType: 'model', repoId: 'google/gemma-2b' });
    assert.deepStrictEqual(parseRepoFolderName('datasets--squad'), { repoType: 'dataset', repoId: 'squad' });
    assert.deepStrictEqual(parseRepoFolderName('spaces--a--b--c'), { repoType: 'space', repoId: 'a/b/c' });
    assert.ok('error' in parseRepoFolderName('models'));
    assert.ok('error' in parseRepoFolderName('buckets--a--b'));
    assert.ok('error' in parseRepoFolderName('models--'));
  });

  it('accepts one trailing newline in a ref (decision: the revision stays referenced), nothing else', () => {
    const c = 'a'.repeat(40);
    assert.deepStrictEqual(parseRefContent(c), { commit: c, trailingNewline: false });
    assert.deepStrictEqual(parseRefContent(`${c}\n`), { commit: c, trailingNewline: true });
    assert.deepStrictEqual(parseRefContent(`${c}\r\n`), { commit: c, trailingNewline: true });
    assert.deepStrictEqual(parseRefContent(`${c}\n\n`), { commit: `${c}\n\n`, trailingNewline: false });
    assert.deepStrictEqual(parseRefContent(` ${c}`), { commit: ` ${c}`, trailingNewline: false });
    assert.deepStrictEqual(parseRefContent(''), { commit: '', trailingNewline: false });
  });
});

describe('hf: snapshot links', () => {
  const repo = '/c/hub/models--a--b';
  const link = (rel: string) => `${repo}/snapshots/abc/${rel}`;
  it('names the blob a link points to, whatever the nesting, and nothing outside blobs/', () => {
    assert.strictEqual(blobOfLink(repo, link('config.json'), 0, '../../blobs/f00d'), 'f00d');
    assert.strictEqual(blobOfLink(repo, link('unet/w.bin'), 1, '../../../blobs/beef'), 'beef');
    assert.strictEqual(blobOfLink(repo, link('unet/w.bin'), 1, '../../blobs/beef'), undefined, 'one level short: snapshots/abc/blobs');
    assert.strictEqual(blobOfLink(repo, link('x'), 0, `${repo}/blobs/abs`), 'abs', 'absolute links are resolved');
    assert.strictEqual(blobOfLink(repo, link('x'), 0, '../../blobs/../blobs/twisty'), 'twisty');
    assert.strictEqual(blobOfLink(repo, link('x'), 0, '../../blobs/..'), undefined);
    assert.strictEqual(blobOfLink(repo, link('x'), 0, '../../blobs/sub/deeper'), undefined);
    assert.strictEqual(blobOfLink(repo, link('x'), 0, '../../../models--other--repo/blobs/f00d'), undefined);
    assert.strictEqual(blobOfLink(repo, link('x'), 0, '/etc/passwd'), undefined);
  });
});

describe('hf: scanning the hub cache', () => {
  let scene: Scene;
  let model: ScanModel;
  const now = Date.now();
  before(async () => {
    scene = buildScene(now);
    model = await scanCaches(scene.env, ['huggingface']);
  });
  after(() => scene.cleanup());

  const repoItem = (repo: HfRepoFixture) => itemById(model, hfRepoItemId(repo.path));

  it('lists each repo with its type and id, sized like du; the category is the three caches', () => {
    const { hf } = scene;
    for (const repo of [hf.vision, hf.corpus, hf.demo, hf.newline, hf.downloading]) {
      const item = repoItem(repo);
      assert.strictEqual(item.kind, 'hf-repo');
      assert.strictEqual(item.fields!.repoType, repo.repoType);
      assert.strictEqual(item.fields!.repoId, repo.repoId);
      assert.strictEqual(item.label, repo.repoId);
      assert.strictEqual(item.bytes, duBytes(repo.path), repo.repoId);
    }
    const category = categoryOf(model, 'huggingface');
    const roots = [scene.hubRoot, scene.datasets.root, scene.xet.root];
    assert.strictEqual(category.bytes, roots.reduce((s, r) => s + duBytes(r), 0));
    assert.strictEqual(category.bytes, duBytes(roots), 'du -B1');
    assert.strictEqual(category.apparentBytes, duBytes(roots, true), 'du -b');
    assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0), category.bytes, 'items add up to the category');
    assert.deepStrictEqual(category.fields!.hubCache, scene.hubRoot);
  });

  it('a revision is the blobs it links to, each once; the repo counts each blob once', () => {
    const v = scene.hf.vision;
    const item = repoItem(v);
    const revs = new Map((item.children ?? []).filter((c) => c.kind === 'hf-revision').map((c) => [c.fields!.commit, c]));
    const main = revs.get(v.revisions.main.commit)!;
    const pr1 = revs.get(v.revisions.pr1.commit)!;
    const old = revs.get(v.revisions.old.commit)!;
    // main links cfg twice (config.json, config_copy.json): counted once.
    assert.strictEqual(main.bytes, (4 + 16 + 8) * KiB);
    assert.strictEqual(pr1.bytes, (4 + 12 + 8) * KiB);
    assert.strictEqual(old.bytes, (4 + 16 + 4) * KiB);
    assert.deepStrictEqual(main.fields!.refs, ['main']);
    assert.deepStrictEqual(pr1.fields!.refs, ['refs/pr/1']);
    assert.deepStrictEqual(old.fields!.refs, []);
    assert.strictEqual(old.fields!.detached, true);
    assert.deepStrictEqual(old.badges, ['detached']);
    assert.strictEqual(main.fields!.detached, false);
    assert.deepStrictEqual(main.children!.map((f) => f.label).sort(),
      ['config.json', 'config_copy.json', 'model.safetensors', 'unet/diffusion_pytorch_model.safetensors']);
    assert.ok(old.children!.some((f) => f.label === 'tokenizer/vocab/tokenizer.json' && f.bytes === 4 * KiB), 'nested folders are read');
    assert.strictEqual(item.fields!.blobBytes, (4 + 16 + 12 + 8 + 4) * KiB);
    assert.strictEqual(item.fields!.nbFiles, 5);
    assert.ok(main.bytes + pr1.bytes + old.bytes > (item.fields!.blobBytes as number), 'revisions share blobs');
    assert.strictEqual(item.fields!.childrenOverlap, true);
    const json = item.fields!.revisions as { commit: string; refs: string[]; bytes: number; detached: boolean }[];
    assert.deepStrictEqual(
      json.map((r) => [r.commit, r.refs, r.bytes, r.detached]).sort(),
      [
        [v.revisions.main.commit, ['main'], 28 * KiB, false],
        [v.revisions.pr1.commit, ['refs/pr/1'], 24 * KiB, false],
        [v.revisions.old.commit, [], 24 * KiB, true],
      ].sort(),
    );
  });

  it('exclusiveBytes of a revision is what deleting it alone frees (snapshot, refs, blobs only it uses)', () => {
    const v = scene.hf.vision;
    const rev = (key: string) => itemById(model, revId(v, key)).fields!.exclusiveBytes;
    assert.strictEqual(rev('main'), duBytes(snapshotOf(v, 'main')) + ownBlocks(path.join(v.path, 'refs', 'main')));
    assert.strictEqual(rev('pr1'), duBytes(snapshotOf(v, 'pr1')) + ownBlocks(path.join(v.path, 'refs', 'refs', 'pr', '1')) + 12 * KiB);
    assert.strictEqual(rev('old'), duBytes(snapshotOf(v, 'old')) + 4 * KiB);
    // The only revision of a repo: deleting it takes the repo.
    assert.strictEqual(itemById(model, revId(scene.hf.demo, 'pinned')).fields!.exclusiveBytes, duBytes(scene.hf.demo.path));
  });

  it('lists interrupted downloads and unreferenced blobs, and last accessed / modified per repo', () => {
    const v = scene.hf.vision;
    const item = repoItem(v);
    assert.strictEqual(item.fields!.incompleteBytes, 8 * KiB);
    assert.strictEqual(item.fields!.incompleteFiles, 1);
    assert.strictEqual(item.fields!.unreferencedBytes, 4 * KiB);
    const incomplete = item.children!.find((c) => c.kind === 'hf-incomplete')!;
    assert.deepStrictEqual(incomplete.children!.map((c) => c.path), [v.blobs.partial.path]);
    assert.ok(v.blobs.partial.path.endsWith('.incomplete'));
    const unref = item.children!.find((c) => c.kind === 'hf-unreferenced')!;
    assert.deepStrictEqual(unref.children!.map((c) => c.path), [v.blobs.orphan.path]);
    // huggingface_hub: newest atime / mtime over the blobs revisions link to.
    const linked = ['cfg', 'w1', 'w2', 'unet', 'tok'].map((l) => fs.statSync(v.blobs[l].path));
    assert.strictEqual(item.fields!.lastAccessed, new Date(Math.max(...linked.map((s) => s.atimeMs))).toISOString());
    assert.strictEqual(item.fields!.lastModified, new Date(Math.max(...linked.map((s) => s.mtimeMs))).toISOString());
    assert.ok(Math.abs(Date.parse(item.fields!.lastAccessed as string) - (now - DAY)) < 2000, 'w2 was read a day ago');
    assert.strictEqual(Math.trunc(item.accessedMs!), Date.parse(item.fields!.lastAccessed as string));
  });

  it('reports every corrupted repo as a warning and still counts its bytes', () => {
    const category = categoryOf(model, 'huggingface');
    const codes = new Set(scene.hf.corrupt.map((c) => c.code));
    assert.deepStrictEqual([...codes].sort(), ['hf-broken-symlink', 'hf-file-in-snapshots', 'hf-missing-commit', 'hf-no-snapshots', 'hf-refs-not-folder']);
    for (const c of scene.hf.corrupt) {
      const warning = model.warnings.find((w) => w.code === c.code && w.path?.startsWith(c.path));
      assert.ok(warning, `warning for ${c.path}`);
      assert.strictEqual(warning.category, 'huggingface');
      const item = itemById(model, hfRepoItemId(c.path));
      assert.deepStrictEqual(item.badges, ['corrupted']);
      assert.strictEqual(item.fields!.corruptCode, c.code);
      assert.strictEqual(item.bytes, duBytes(c.path));
      assert.strictEqual(item.children, undefined);
    }
    assert.ok(model.warnings.some((w) => w.code === 'hf-not-a-repo' && w.path === scene.hf.notARepo));
    const other = category.items.find((i) => i.kind === 'hf-other')!;
    assert.ok(other.children!.some((c) => c.path === scene.hf.notARepo));
  });

  it('reads a ref ending in a newline (with a warning): its revision is not detached', () => {
    const n = scene.hf.newline;
    const rev = itemById(model, revId(n, 'main'));
    assert.deepStrictEqual(rev.fields!.refs, ['main']);
    assert.strictEqual(rev.fields!.detached, false);
    assert.ok(model.warnings.some((w) => w.code === 'hf-ref-newline' && w.path === path.join(n.path, 'refs', 'main')));
  });

  it('neither follows nor counts a snapshot link pointing outside the cache', () => {
    const c = scene.hf.corpus;
    const rev = itemById(model, revId(c, 'main'));
    assert.strictEqual(rev.bytes, (20 + 20 + 4) * KiB);
    const extern = rev.children!.find((f) => f.label === 'data/extern.bin')!;
    assert.strictEqual(extern.bytes, 0);
    assert.strictEqual(extern.fields!.link, 'outside');
    assert.ok(model.warnings.some((w) => w.code === 'hf-link-outside'));
  });

  it('shows the datasets cache with downloads/ and downloads/extracted/ apart, and the xet cache by folder', () => {
    const d = scene.datasets;
    const ds = categoryOf(model, 'huggingface').items.find((i) => i.kind === 'hf-datasets-cache')!;
    assert.strictEqual(ds.bytes, duBytes(d.root));
    const downloads = ds.children!.find((c) => c.kind === 'hf-datasets-downloads')!;
    const extracted = ds.children!.find((c) => c.kind === 'hf-datasets-extracted')!;
    assert.strictEqual(downloads.bytes, duBytes(d.downloads) - duBytes(d.extracted));
    assert.strictEqual(extracted.bytes, duBytes(d.extracted));
    assert.ok(extracted.bytes >= d.extractedBytes);
    const folder = ds.children!.find((c) => c.path === d.datasetFolder)!;
    assert.strictEqual(folder.bytes, duBytes(d.datasetFolder));
    const xet = categoryOf(model, 'huggingface').items.find((i) => i.kind === 'hf-xet-cache')!;
    assert.strictEqual(xet.bytes, duBytes(scene.xet.root));
    const endpoint = xet.children!.find((c) => c.path === scene.xet.endpoint)!;
    assert.deepStrictEqual(endpoint.children!.map((c) => c.label).sort(), ['chunk-cache', 'shard-cache']);
  });

  it('lists repos the same way in the listing workers, with sync calls and with fs.promises', async () => {
    const repos = [scene.hf.vision.path, scene.hf.corpus.path, ...scene.hf.corrupt.map((c) => c.path)];
    assert.ok(listWorkerPath(), 'the listing worker script is next to the pool');
    const fromWorkers = await listRepos(repos);
    for (const r of repos) {
      const sync = await listRepo(r, syncOps);
      assert.deepStrictEqual(await listRepo(r, asyncOps(createLimiter(8))), sync, r);
      assert.deepStrictEqual(fromWorkers.get(r), sync, r);
    }
  });

  it('stops listing when the scan is cancelled', async () => {
    await assert.rejects(listRepos([scene.hf.vision.path], { signal: AbortSignal.abort() }), { name: 'AbortError' });
    const controller = new AbortController();
    const pending = listRepos(Array(200).fill(scene.hf.vision.path), { signal: controller.signal, workers: 1 });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
  });

  it('reclaimableBytes is what prune frees', async () => {
    const plan = await planById(model, HF_PRUNE_ID, scene.env);
    assert.strictEqual(categoryOf(model, 'huggingface').reclaimableBytes, plan.bytes);
  });
});

describe('hf: plans and deletion', () => {
  let scene: Scene;
  let model: ScanModel;
  beforeEach(async () => {
    scene = buildScene();
    model = await scanCaches(scene.env, ['huggingface']);
  });
  afterEach(() => scene.cleanup());

  const targetsOf = (plan: DeletionPlan) => plan.targets.map((t) => [rel(scene, t.path), t.type]);

  it('one revision: its snapshot and ref, no blob another revision links to', async () => {
    const v = scene.hf.vision;
    const plan = await planForItems(model, [revId(v, 'main')], scene.env);
    const snapshot = snapshotOf(v, 'main');
    const ref = path.join(v.path, 'refs', 'main');
    assert.deepStrictEqual(targetsOf(plan), [[rel(scene, snapshot), 'dir'], [rel(scene, ref), 'file']]);
    assert.deepStrictEqual(plan.targets.map((t) => t.bytes), [duBytes(snapshot), ownBlocks(ref)]);
    assert.strictEqual(plan.bytes, duBytes(snapshot) + ownBlocks(ref));
    assert.strictEqual(plan.bytes, itemById(model, revId(v, 'main')).fields!.exclusiveBytes);
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [rel(scene, snapshot), rel(scene, ref)]);
    assert.deepStrictEqual(brokenLinks(v.path), [], 'remaining revisions still resolve');
    const again = await parseHfRepo(v.path);
    assert.strictEqual(again.corrupt, undefined);
    assert.deepStrictEqual(again.revisions.map((r) => r.commit).sort(), [v.revisions.pr1.commit, v.revisions.old.commit].sort());
  });

  it('two revisions: snapshots, then refs, then the blobs only they used', async () => {
    const v = scene.hf.vision;
    const plan = await planForItems(model, [revId(v, 'old'), revId(v, 'main')], scene.env);
    const blobs = [v.blobs.w1.path, v.blobs.tok.path].sort();
    const expected = [
      [rel(scene, snapshotOf(v, 'main')), 'dir'],
      [rel(scene, snapshotOf(v, 'old')), 'dir'],
      [rel(scene, path.join(v.path, 'refs', 'main')), 'file'],
      ...blobs.map((b) => [rel(scene, b), 'file']),
    ];
    // Snapshots in either order, but every snapshot before every ref before every blob.
    const got = targetsOf(plan);
    assert.deepStrictEqual(got.slice(0, 2).sort(), expected.slice(0, 2).sort());
    assert.deepStrictEqual(got.slice(2), expected.slice(2));
    assert.strictEqual(plan.bytes, duBytes(snapshotOf(v, 'main')) + duBytes(snapshotOf(v, 'old')) + ownBlocks(path.join(v.path, 'refs', 'main')) + (16 + 4) * KiB);
    // The confirmation names revisions, not blob hashes: each line is a revision and what deleting it frees.
    const commit8 = (key: string) => v.revisions[key].commit.slice(0, 8);
    assert.deepStrictEqual(
      groupTargets(plan.targets).groups.map((g) => [g.label.replace(/, downloaded .+$/, ', downloaded …'), g.bytes]).sort(),
      [
        [`vision-7b @ ${commit8('main')}, main, downloaded …`, duBytes(snapshotOf(v, 'main')) + ownBlocks(path.join(v.path, 'refs', 'main'))],
        [`vision-7b @ ${commit8('old')}, detached, downloaded …`, duBytes(snapshotOf(v, 'old')) + 4 * KiB],
        ['vision-7b: files the deleted revisions share', 16 * KiB],
      ].sort(),
    );
    assert.deepStrictEqual(groupTargets(plan.targets).ungrouped, []);
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), expected.map((e) => e[0]));
    assert.deepStrictEqual(brokenLinks(v.path), []);
  });

  it('every revision of a repo: the whole repo folder', async () => {
    const v = scene.hf.vision;
    const plan = await planForItems(model, ['main', 'pr1', 'old'].map((k) => revId(v, k)), scene.env);
    assert.deepStrictEqual(targetsOf(plan), [[rel(scene, v.path), 'dir']]);
    assert.strictEqual(plan.bytes, duBytes(v.path));
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [rel(scene, v.path)]);
  });

  it('delete repos (a corrupted one too); a link pointing outside goes as a link, its target stays', async () => {
    const { corpus } = scene.hf;
    const dangling = scene.hf.corrupt.find((c) => c.code === 'hf-broken-symlink')!;
    const outsideHash = sha256(scene.hf.outsideTarget);
    const plan = await planForItems(model, [hfRepoItemId(corpus.path), hfRepoItemId(dangling.path)], scene.env);
    assert.deepStrictEqual(targetsOf(plan).map((t) => t[0]).sort(), [rel(scene, corpus.path), rel(scene, dangling.path)].sort());
    assert.strictEqual(plan.bytes, duBytes(corpus.path) + duBytes(dangling.path));
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [rel(scene, corpus.path), rel(scene, dangling.path)]);
    assert.strictEqual(sha256(scene.hf.outsideTarget), outsideHash);
  });

  it('prune: detached revisions and loose blobs; a repo with only detached revisions goes whole; a download in progress stays', async () => {
    const { vision: v, demo, downloading, newline } = scene.hf;
    const plan = await planById(model, HF_PRUNE_ID, scene.env);
    const expected = [
      [rel(scene, demo.path), 'dir'],
      [rel(scene, snapshotOf(v, 'old')), 'dir'],
      [rel(scene, v.blobs.tok.path), 'file'],
      [rel(scene, v.blobs.partial.path), 'file'],
      [rel(scene, v.blobs.orphan.path), 'file'],
    ];
    assert.deepStrictEqual(targetsOf(plan), expected);
    assert.strictEqual(plan.bytes, duBytes(demo.path) + duBytes(snapshotOf(v, 'old')) + (4 + 8 + 4) * KiB);
    // Per revision in the confirmation: the detached one with the blob only it used; loose blobs by what they are.
    const { groups, ungrouped } = groupTargets(plan.targets);
    assert.deepStrictEqual(groups.map((g) => [g.label.replace(/, downloaded \d+ \w+ ago$|, downloaded just now$/, ''), g.bytes]), [
      [`vision-7b @ ${v.revisions.old.commit.slice(0, 8)}, detached`, duBytes(snapshotOf(v, 'old')) + 4 * KiB],
      ['vision-7b: interrupted downloads', 8 * KiB],
      ['vision-7b: blobs no revision links to', 4 * KiB],
    ]);
    assert.deepStrictEqual(ungrouped.map((t) => rel(scene, t.path)), [rel(scene, demo.path)], 'a repo that goes whole is its own line');
    assert.ok(plan.keep!.some((k) => k.path === downloading.path && /download may be in progress/.test(k.reason)));
    assert.ok(plan.keep!.some((k) => k.path === downloading.blobs.part.path));
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), expected.map((e) => e[0]));
    const again = await scanCaches(scene.env, ['huggingface']);
    assert.deepStrictEqual(again.warnings.filter((w) => w.path?.startsWith(v.path + path.sep)), [], 'the pruned repo is sound');
    assert.deepStrictEqual(again.warnings.filter((w) => w.path?.startsWith(newline.path + path.sep)).map((w) => w.code), ['hf-ref-newline']);
    const vision = itemById(again, hfRepoItemId(v.path));
    assert.deepStrictEqual((vision.fields!.revisions as { detached: boolean }[]).map((r) => r.detached), [false, false]);
    assert.strictEqual(vision.fields!.incompleteBytes, 0);
    const second = await planById(again, HF_PRUNE_ID, scene.env);
    assert.deepStrictEqual(second.targets, [], 'nothing left to prune but the download in progress');
  });

  it('re-reads the repo when planning: a blob a revision linked to after the scan is kept', async () => {
    const v = scene.hf.vision;
    // After the scan, a new revision arrives that links to the blob only `old` used.
    const added = writeHfRepo(scene.hubRoot, {
      repoType: 'model', repoId: 'acme/vision-7b', blobs: {},
      revisions: {},
    });
    assert.strictEqual(added.path, v.path);
    const snap = path.join(v.path, 'snapshots', 'f'.repeat(40));
    fs.mkdirSync(path.join(snap, 'tokenizer'), { recursive: true });
    fs.symlinkSync(path.join('..', '..', '..', 'blobs', v.blobs.tok.name), path.join(snap, 'tokenizer', 'tokenizer.json'));
    fs.writeFileSync(path.join(v.path, 'refs', 'v2'), 'f'.repeat(40));
    const plan = await planForItems(model, [revId(v, 'old')], scene.env);
    assert.deepStrictEqual(targetsOf(plan), [[rel(scene, snapshotOf(v, 'old')), 'dir']]);
    await execute(plan);
    assert.ok(fs.existsSync(v.blobs.tok.path));
    assert.deepStrictEqual(brokenLinks(v.path), []);
  });

  it('refuses ids the scan does not have; keeps revisions gone since the scan', async () => {
    await assert.rejects(planForItems(model, [hfRevisionItemId(scene.hf.vision.path, 'e'.repeat(40))], scene.env), /not in the last scan/);
    await assert.rejects(planForItems(model, [`huggingface:file:${path.join(snapshotOf(scene.hf.vision, 'main'), 'config.json')}`], scene.env), /cannot be deleted/);
    fs.rmSync(snapshotOf(scene.hf.vision, 'old'), { recursive: true });
    const plan = await planForItems(model, [revId(scene.hf.vision, 'old')], scene.env);
    assert.deepStrictEqual(plan.targets, []);
    assert.ok(plan.keep!.some((k) => /no longer in the cache/.test(k.reason)));
  });

  it('carries the identity seen when planning: a blob swapped afterwards is skipped by the executor', async () => {
    const v = scene.hf.vision;
    const plan = await planForItems(model, [revId(v, 'old'), revId(v, 'main')], scene.env);
    const swapped = v.blobs.tok.path;
    // Written beside it, then renamed over it: a different inode (never a reused number).
    fs.writeFileSync(`${swapped}.new`, Buffer.alloc(4 * KiB, 1));
    fs.renameSync(`${swapped}.new`, swapped);
    const report = await executePlan(plan);
    const outcome = report.outcomes.find((o) => o.path === swapped)!;
    assert.strictEqual(outcome.status, 'skipped');
    assert.strictEqual(outcome.code, 'changed');
    assert.ok(fs.existsSync(swapped));
    assert.strictEqual(report.outcomes.filter((o) => o.status === 'deleted').length, plan.targets.length - 1);
  });

  it('deletes one repo\'s interrupted downloads only', async () => {
    const v = scene.hf.vision;
    const plan = await planForItems(model, [hfIncompleteItemId(v.path)], scene.env);
    assert.deepStrictEqual(targetsOf(plan), [[rel(scene, v.blobs.partial.path), 'file']]);
    assert.strictEqual(plan.bytes, 8 * KiB);
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [rel(scene, v.blobs.partial.path)]);
  });

  it('datasets downloads without extracted/, and a xet folder', async () => {
    const d = scene.datasets;
    const plan = await planForItems(model, [hfDatasetsDownloadsItemId(d.downloads)], scene.env);
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), d.downloadFiles.map((f) => f.path).sort());
    assert.strictEqual(plan.bytes, d.downloadFiles.reduce((s, f) => s + f.bytes, 0));
    const chunk = path.join(scene.xet.endpoint, 'chunk-cache');
    const xetPlan = await planForItems(model, [`huggingface:folder:${chunk}`], scene.env);
    assert.deepStrictEqual(targetsOf(xetPlan), [[rel(scene, chunk), 'dir']]);
    assert.strictEqual(xetPlan.bytes, duBytes(chunk));
    const before = snapshotTree(scene.dir);
    await execute(plan);
    await execute(xetPlan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [...d.downloadFiles.map((f) => rel(scene, f.path)), rel(scene, chunk)]);
  });
});

describe('hf: @huggingface/hub scanCacheDir as a peer (not an oracle)', () => {
  it('undercounts nested snapshot folders and ignores nested refs where we do not', async () => {
    const { dir, cleanup } = tempFolder('mlds-hfpeer-');
    try {
      const hubRoot = path.join(dir, 'hub');
      // A diffusers-style model: the weights live in subfolders of the snapshot.
      const repo = writeHfRepo(hubRoot, {
        repoType: 'model', repoId: 'acme/diffusion',
        blobs: { index: 4 * KiB, unet: 64 * KiB, vae: 32 * KiB, te: 48 * KiB },
        revisions: {
          main: { refs: ['main'], files: { 'model_index.json': 'index', 'unet/diffusion_pytorch_model.safetensors': 'unet', 'vae/diffusion_pytorch_model.safetensors': 'vae', 'text_encoder/model.safetensors': 'te' } },
          pr: { refs: ['refs/pr/7'], files: { 'model_index.json': 'index' } },
        },
      });
      const theirs = await scanCacheDir(hubRoot);
      const ourModel = await scanCaches({ HOME: dir, HF_HUB_CACHE: hubRoot }, ['huggingface']);
      const ours = itemById(ourModel, hfRepoItemId(repo.path));
      const trueBlobBytes = (4 + 64 + 32 + 48) * KiB;
      assert.strictEqual(ours.fields!.blobApparentBytes, trueBlobBytes);
      const their = theirs.repos.find((r) => r.path === repo.path)!;
      assert.strictEqual(their.size, 4 * KiB, 'scanCacheDir sees only model_index.json');
      const theirPr = their.revisions.find((r) => r.commitOid === repo.revisions.pr.commit)!;
      assert.deepStrictEqual(theirPr.refs, [], 'scanCacheDir ignores refs/refs/pr/7');
      const ourPr = itemById(ourModel, revId(repo, 'pr'));
      assert.deepStrictEqual(ourPr.fields!.refs, ['refs/pr/7']);
      assert.strictEqual(ourPr.fields!.detached, false);
    } finally {
      cleanup();
    }
  });
});
