// huggingface_hub 2.x's shared blob store, built by hand from its layout (huggingface_hub is not
// installable here): payloads in <hub>/blobs/<2 hex>/<hash> with .refs manifests and .lock files,
// repo blobs/ entries as relative symlinks into it, two repos sharing one payload, an orphaned
// payload, a payload without manifest. The expected numbers come from an independent model of
// huggingface_hub's rules written here against the filesystem (follow every link, count each
// resolved file once by its st_size; free a payload only when no repo link is left and its
// manifest is readable; prune removes payloads no repo links to), never from the code under test.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { finishHfManifestEdits } from '../../src/core/categories/huggingface/manifestEdits';
import { executePlan } from '../../src/core/executor';
import type { Item, ScanModel } from '../../src/core/model';
import type { DeletionPlan } from '../../src/core/plan/types';
import { HF_PRUNE_ID, hfRepoItemId, hfRevisionItemId } from '../../src/core/categories/huggingface/ids';
import { hfStoreItemId } from '../../src/core/categories/huggingface/storeItems';
import { buildSharedStoreHub, type SharedStoreFixture } from '../support/cacheFixtures';
import { brokenLinks, categoryOf, itemById, planById, planForItems, scanCaches } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

// ---- an independent model of huggingface_hub 2.x ------------------------------------------

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) visit(path.join(p, n));
    else out.push(p);
  };
  if (fs.existsSync(dir)) visit(dir);
  return out;
}

/** huggingface_hub's size_on_disk: every snapshot file resolved (Path.resolve), each resolved file once, st_size. */
function hfSize(snapshotDirs: string[]): number {
  const resolved = new Set<string>();
  for (const d of snapshotDirs) for (const f of filesBelow(d)) resolved.add(fs.realpathSync(f));
  return [...resolved].reduce((s, p) => s + fs.statSync(p).size, 0);
}
const repoSize = (repo: string) => hfSize(fs.readdirSync(path.join(repo, 'snapshots')).map((c) => path.join(repo, 'snapshots', c)));

/** What huggingface_hub checks when it scans: refs name existing snapshots, every link resolves, every manifest line is a live link to its payload. */
function assertHfReadsCache(hub: string): void {
  assert.deepStrictEqual(brokenLinks(hub), [], 'no dangling link');
  for (const name of fs.readdirSync(hub).filter((n) => n.includes('--'))) {
    const repo = path.join(hub, name);
    for (const ref of filesBelow(path.join(repo, 'refs'))) {
      assert.ok(fs.existsSync(path.join(repo, 'snapshots', fs.readFileSync(ref, 'utf8'))), `${ref} names an existing snapshot`);
    }
  }
  for (const f of filesBelow(path.join(hub, 'blobs')).filter((p) => p.endsWith('.refs'))) {
    const payload = f.slice(0, -'.refs'.length);
    assert.ok(fs.existsSync(payload), `manifest ${f} has its payload`);
    for (const line of fs.readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      const link = path.join(hub, line);
      assert.strictEqual(fs.realpathSync(link), fs.realpathSync(payload), `manifest line ${line} is a live link to its payload`);
    }
  }
}

const manifestLines = (p: string) => fs.readFileSync(p, 'utf8').split('\n').filter(Boolean).sort();

// ---- tests --------------------------------------------------------------------------------------

describe('hf 2.x shared blob store', () => {
  let dir: string;
  let cleanup: () => void;
  let hub: string;
  let fx: SharedStoreFixture;
  let env: Record<string, string>;
  let model: ScanModel;
  const tiny = () => fx.repos['acme/tiny-diffusion'];
  const fp16 = () => fx.repos['acme/tiny-diffusion-fp16'];
  const snapshot = (repoId: string, key: string) => path.join(fx.repos[repoId].path, 'snapshots', fx.repos[repoId].revisions[key].commit);
  const payloadFiles = (label: string) => [fx.payloads[label].path, fx.payloads[label].manifest, fx.payloads[label].lock].filter((p): p is string => !!p);
  const rel = (p: string) => path.relative(dir, p);

  async function run(plan: DeletionPlan) {
    const report = await executePlan(plan);
    assert.deepStrictEqual(report.outcomes.filter((o) => o.status !== 'deleted'), [], 'every target deleted');
    await finishHfManifestEdits(plan);
    return report;
  }

  beforeEach(async () => {
    ({ dir, cleanup } = tempFolder('mlds-hf2-'));
    const home = path.join(dir, 'home');
    hub = path.join(home, '.cache', 'huggingface', 'hub');
    fx = buildSharedStoreHub(hub);
    env = { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
    model = await scanCaches(env, ['huggingface']);
  });
  afterEach(() => cleanup());

  it('sizes each repo and revision through the store, as huggingface_hub reports them', () => {
    for (const r of [tiny(), fp16()]) {
      const item = itemById(model, hfRepoItemId(r.path));
      assert.strictEqual(item.fields!.hfSizeOnDisk, repoSize(r.path), `${r.repoId}: size like huggingface_hub`);
      assert.strictEqual(item.fields!.name, `model/${r.repoId}`);
      for (const [key, rev] of Object.entries(r.revisions)) {
        const revItem = itemById(model, hfRevisionItemId(r.path, rev.commit));
        assert.strictEqual(revItem.apparentBytes, hfSize([snapshot(r.repoId, key)]), `${r.repoId}@${key}`);
      }
    }
    // The fixture's sizes are multiples of 4096: disk usage equals size for the payloads.
    const t = itemById(model, hfRepoItemId(tiny().path));
    assert.strictEqual(t.fields!.sizeWithSharedBytes, duBytes([tiny().path]) + ['weights', 'cfg', 'prWeights', 'oldTok'].reduce((s, l) => s + fx.payloads[l].bytes, 0));
  });

  it('counts a payload two repos share once, in the store item, and shows it as shared in both repos', () => {
    const category = categoryOf(model, 'huggingface');
    assert.strictEqual(category.bytes, duBytes([hub]));
    const hubItems = category.items.filter((i) => i.path?.startsWith(hub));
    assert.strictEqual(hubItems.reduce((s, i) => s + i.bytes, 0), duBytes([hub]), 'the items add up to the cache: nothing counted twice');
    for (const r of [tiny(), fp16()]) {
      const item = itemById(model, hfRepoItemId(r.path));
      assert.strictEqual(item.sharedBytes, fx.payloads.weights.bytes);
      assert.match(item.sharedWith!, new RegExp(r === tiny() ? fp16().folderName : tiny().folderName));
    }
    const store = itemById(model, hfStoreItemId(hub));
    assert.strictEqual(store.fields!.payloads, Object.keys(fx.payloads).length);
    const byKind = (k: string) => store.children!.find((c) => c.kind === k)!;
    assert.deepStrictEqual(byKind('hf-store-shared').children!.map((c) => c.path), [fx.payloads.weights.path]);
    assert.deepStrictEqual(byKind('hf-store-unreferenced').children!.map((c) => c.path), [fx.payloads.orphan.path]);
    assert.strictEqual(store.fields!.unreferencedBytes, fx.payloads.orphan.bytes);
    const other = category.items.find((i) => i.kind === 'hf-other');
    assert.ok(!other || other.bytes < 64 * 1024, `the store is not lumped into "Other hub cache files" (${other?.bytes})`);
  });

  it('deleting a PR revision frees its snapshot, ref, link and the payload only it used, like huggingface_hub', async () => {
    const pr = snapshot('acme/tiny-diffusion', 'pr');
    const gone = [pr, path.join(tiny().path, 'refs', 'refs', 'pr', '1'), tiny().links.pw.path, ...payloadFiles('prWeights')];
    const plan = await planForItems(model, [hfRevisionItemId(tiny().path, tiny().revisions.pr.commit)], env);
    assert.deepStrictEqual(plan.targets.map((t) => rel(t.path)).sort(), gone.map(rel).sort());
    assert.strictEqual(plan.bytes, duBytes(gone));
    assert.ok(plan.bytes >= fx.payloads.prWeights.bytes);
    const item = itemById(model, hfRevisionItemId(tiny().path, tiny().revisions.pr.commit));
    assert.strictEqual(item.fields!.exclusiveBytes, plan.bytes, 'the scan told the same number');
    const before = snapshotTree(dir);
    const report = await run(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), gone.map(rel));
    assertHfReadsCache(hub);
  });

  it('deleting a repo frees its payloads nothing else uses; a shared one stays and its manifest drops the repo; one without manifest is left, as huggingface_hub leaves it', async () => {
    const plan = await planForItems(model, [hfRepoItemId(fp16().path)], env);
    const gone = [fp16().path, ...payloadFiles('fp16cfg')];
    assert.deepStrictEqual(plan.targets.map((t) => rel(t.path)).sort(), gone.map(rel).sort());
    assert.strictEqual(plan.bytes, duBytes(gone));
    assert.ok(plan.keep!.some((k) => k.path === fx.payloads.fp16.path && /manifest/.test(k.reason)), 'the payload without manifest is kept, with the reason');
    const weightsManifest = fx.payloads.weights.manifest!;
    assert.deepStrictEqual(manifestLines(weightsManifest), [path.relative(hub, fp16().links.w.path), path.relative(hub, tiny().links.w.path)].sort());
    await run(plan);
    assert.ok(fs.existsSync(fx.payloads.weights.path), 'the shared payload stays');
    assert.deepStrictEqual(manifestLines(weightsManifest), [path.relative(hub, tiny().links.w.path)], 'its manifest no longer names the deleted repo');
    assert.ok(fs.existsSync(fx.payloads.fp16.path), 'leaked like huggingface_hub; prune takes it');
    assertHfReadsCache(hub);
    // The payload left behind is now an orphan: the next scan shows it and prune removes it.
    const again = await scanCaches(env, ['huggingface']);
    const orphans = itemById(again, hfStoreItemId(hub)).children!.find((c) => c.kind === 'hf-store-unreferenced')!.children!.map((c) => c.path).sort();
    assert.deepStrictEqual(orphans, [fx.payloads.fp16.path, fx.payloads.orphan.path].sort());
  });

  it('prune removes detached revisions, the payloads they alone used and payloads no repo links to; nothing else', async () => {
    const old = snapshot('acme/tiny-diffusion', 'old');
    const gone = [old, tiny().links.tok.path, ...payloadFiles('oldTok'), ...payloadFiles('orphan')];
    const plan = await planById(model, HF_PRUNE_ID, env);
    assert.deepStrictEqual(plan.targets.map((t) => rel(t.path)).sort(), gone.map(rel).sort());
    assert.strictEqual(plan.bytes, duBytes(gone));
    assert.strictEqual(categoryOf(model, 'huggingface').reclaimableBytes, plan.bytes, 'the scan told what prune frees');
    const before = snapshotTree(dir);
    await run(plan);
    assertOnlyRemoved(before, snapshotTree(dir), gone.map(rel));
    assertHfReadsCache(hub);
  });

  it('never trusts the manifest alone: a payload whose manifest forgot a repo that links to it is kept', async () => {
    // Hand-edit the weights manifest to name only tiny-diffusion; fp16 still links to the payload.
    fs.writeFileSync(fx.payloads.weights.manifest!, `${path.relative(hub, tiny().links.w.path)}\n`);
    const plan = await planForItems(model, [hfRepoItemId(tiny().path)], env);
    assert.ok(!plan.targets.some((t) => t.path === fx.payloads.weights.path), 'the payload fp16 uses is not planned');
    await run(plan);
    assert.ok(fs.existsSync(fx.payloads.weights.path));
    assertHfReadsCache(hub);
    const again = await scanCaches(env, ['huggingface']);
    assert.strictEqual(itemById(again, hfRepoItemId(fp16().path)).fields!.hfSizeOnDisk, repoSize(fp16().path));
  });

  it('keeps an unreferenced payload changed in the last minutes (a download may be writing it)', async () => {
    const now = new Date();
    fs.utimesSync(fx.payloads.orphan.path, now, now);
    const fresh = await scanCaches(env, ['huggingface']);
    const plan = await planById(fresh, HF_PRUNE_ID, env);
    assert.ok(!plan.targets.some((t) => t.path === fx.payloads.orphan.path));
    assert.ok(plan.keep!.some((k) => k.path === fx.payloads.orphan.path));
  });

  it('deletes an unreferenced payload picked in the tree, with its manifest and lock', async () => {
    const store = itemById(model, hfStoreItemId(hub));
    const group = store.children!.find((c) => c.kind === 'hf-store-unreferenced') as Item;
    const plan = await planForItems(model, [group.id], env);
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), payloadFiles('orphan').sort());
    assert.strictEqual(plan.bytes, duBytes(payloadFiles('orphan')));
    await run(plan);
    assertHfReadsCache(hub);
  });
});
