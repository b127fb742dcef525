// Adversarial: a Hugging Face hub cache whose refs and snapshot links point outside the cache
// (`../../..`, absolute paths, symlinked refs/blobs/snapshots). The real scan and the real HF
// plans run on it, the executor carries the plans out, and everything outside the cache (and
// everything the plans did not list) is checked byte for byte.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { planHfDeleteRepos, planHfDeleteRevisions, planHfPrune } from '../../src/core/categories/huggingface/plans';
import { findItem, type ScanModel } from '../../src/core/model';
import { scan } from '../../src/core/scan/scan';
import { defaultSettings } from '../../src/core/settings';
import { hfRepoItemId, hfRevisionItemId } from '../../src/core/categories/huggingface/ids';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const DAY = 24 * 3600 * 1000;

describe('adversarial: HF refs and links pointing outside the cache', function () {
  this.timeout(60_000);
  let box: Sandbox;
  let hub: string;
  beforeEach(() => {
    box = makeSandbox('mlds-adv-hf-');
    hub = path.join(box.root, 'hub');
  });
  afterEach(() => box.cleanup());

  function build() {
    const secret = writeFile(path.join(box.outside, 'secret', 'model.safetensors'), 9000);
    writeFile(path.join(box.outside, 'blobs', 'b1'), 1000);
    fs.mkdirSync(path.join(box.outside, 'snap'), { recursive: true });
    // A: valid repo; its detached revision C2 holds links that escape the cache.
    const a = path.join(hub, 'models--org--good');
    writeFile(path.join(a, 'blobs', 'b1'), 1000);
    writeFile(path.join(a, 'blobs', 'b2'), 5000);
    writeFile(path.join(a, 'blobs', 'b3.incomplete'), 700);
    writeFile(path.join(a, 'refs', 'main'), C1);
    fs.mkdirSync(path.join(a, 'snapshots', C1, 'sub'), { recursive: true });
    fs.symlinkSync('../../blobs/b1', path.join(a, 'snapshots', C1, 'config.json'));
    fs.symlinkSync('../../../blobs/b2', path.join(a, 'snapshots', C1, 'sub', 'model.safetensors'));
    fs.mkdirSync(path.join(a, 'snapshots', C2));
    fs.symlinkSync('../../blobs/b1', path.join(a, 'snapshots', C2, 'config.json'));
    fs.symlinkSync('../../../../../outside/secret/model.safetensors', path.join(a, 'snapshots', C2, 'escape'));
    fs.symlinkSync('../../blobs/../../../../outside/blobs/b1', path.join(a, 'snapshots', C2, 'dotdot-through-blobs'));
    fs.symlinkSync(secret, path.join(a, 'snapshots', C2, 'absolute'));
    // B: a ref whose content walks out of the cache.
    const b = path.join(hub, 'models--org--ref-traversal');
    writeFile(path.join(b, 'blobs', 'b1'), 1000);
    writeFile(path.join(b, 'refs', 'main'), '../../../../outside/secret');
    fs.mkdirSync(path.join(b, 'snapshots', C1), { recursive: true });
    fs.symlinkSync('../../blobs/b1', path.join(b, 'snapshots', C1, 'config.json'));
    // C: refs/main is a symlink to a file outside.
    const c = path.join(hub, 'models--org--ref-symlink');
    writeFile(path.join(c, 'blobs', 'b1'), 1000);
    fs.mkdirSync(path.join(c, 'refs'), { recursive: true });
    fs.symlinkSync(secret, path.join(c, 'refs', 'main'));
    fs.mkdirSync(path.join(c, 'snapshots', C1), { recursive: true });
    fs.symlinkSync('../../blobs/b1', path.join(c, 'snapshots', C1, 'config.json'));
    // D: blobs/ is a symlink to a folder outside.
    const d = path.join(hub, 'models--org--blobs-symlink');
    fs.mkdirSync(d, { recursive: true });
    fs.symlinkSync(path.join(box.outside, 'blobs'), path.join(d, 'blobs'));
    writeFile(path.join(d, 'refs', 'main'), C1);
    fs.mkdirSync(path.join(d, 'snapshots', C1), { recursive: true });
    fs.symlinkSync('../../blobs/b1', path.join(d, 'snapshots', C1, 'config.json'));
    // E: a snapshot that is a symlink to a folder outside; refs/pr/1 nested.
    const e = path.join(hub, 'datasets--org--snapshot-symlink');
    writeFile(path.join(e, 'blobs', 'b1'), 1000);
    writeFile(path.join(e, 'refs', 'pr', '1'), C1);
    fs.mkdirSync(path.join(e, 'snapshots'), { recursive: true });
    fs.symlinkSync(path.join(box.outside, 'snap'), path.join(e, 'snapshots', C1));
    // Everything is old: nothing counts as a download in progress.
    const old = new Date(Date.now() - 10 * DAY);
    const age = (p: string) => {
      const st = fs.lstatSync(p);
      if (st.isDirectory()) for (const n of fs.readdirSync(p)) age(path.join(p, n));
      fs.lutimesSync(p, old, old);
    };
    age(box.dir);
    return { a, b, c, d, e };
  }

  async function scanHub(): Promise<ScanModel> {
    return scan({ roots: [], env: { HOME: path.join(box.dir, 'home'), HF_HUB_CACHE: hub }, only: ['huggingface'], settings: { ...defaultSettings(), workers: 2 } });
  }

  it('the scan counts nothing outside the cache, flags each bad repo, and never crashes', async () => {
    const r = build();
    const model = await scanHub();
    const category = model.categories.find((c) => c.id === 'huggingface');
    assert.ok(category, JSON.stringify(model.warnings));
    const good = findItem(model, hfRepoItemId(r.a));
    assert.ok(good, 'the valid repo is listed');
    // Repo A's own blobs only (b1, b2, b3.incomplete): 9000-byte secret never counted.
    const blobsDisk = ['b1', 'b2', 'b3.incomplete'].reduce((s, n) => s + fs.lstatSync(path.join(r.a, 'blobs', n)).blocks * 512, 0);
    assert.ok(good.item.bytes >= blobsDisk && good.item.bytes < blobsDisk + 64 * 1024, `repo bytes ${good.item.bytes}`);
    const text = JSON.stringify(model.warnings) + JSON.stringify(category);
    for (const repo of [r.b, r.c, r.d, r.e]) assert.ok(text.includes(path.basename(repo)), `${path.basename(repo)} is reported`);
    assert.match(text, /links outside the repo/);
  });

  it('deleting the detached revision, pruning, and deleting the corrupted repos never touch anything outside the cache', async () => {
    const r = build();
    const model = await scanHub();
    const outsideBefore = snapshotTree(box.outside);
    const before = snapshotTree(box.dir);
    const removed: string[] = [];

    const revPlan = await planHfDeleteRevisions(model, [hfRevisionItemId(r.a, C2)]);
    assert.deepStrictEqual(revPlan.targets.map((t) => t.path), [path.join(r.a, 'snapshots', C2)], 'only the snapshot: b1 is still used by C1');
    for (const t of revPlan.targets) assert.ok(t.path.startsWith(hub + '/'), `${t.path} outside the cache`);
    const pruneModel = await scanHub();
    const prunePlan = await planHfPrune(pruneModel, { env: {}, homeDir: box.dir, settings: defaultSettings(), now: Date.now() });
    for (const t of prunePlan.targets) assert.ok(t.path.startsWith(hub + '/'), `${t.path} outside the cache`);
    const repoIds = [r.b, r.c, r.d, r.e].map(hfRepoItemId).filter((id) => findItem(model, id));
    assert.strictEqual(repoIds.length, 4, 'the corrupted repos are listed as repos, so they can be deleted');
    const repoPlan = await planHfDeleteRepos(model, repoIds);
    assert.deepStrictEqual(prunePlan.targets.map((t) => t.path), [path.join(r.a, 'snapshots', C2), path.join(r.a, 'blobs', 'b3.incomplete')]);
    assert.deepStrictEqual(repoPlan.targets.map((t) => t.path), [r.b, r.c, r.d, r.e]);

    for (const plan of [revPlan, repoPlan]) {
      const report = await executePlan(plan);
      assert.ok(report.outcomes.every((o) => o.status === 'deleted'), JSON.stringify(report.outcomes));
      removed.push(...plan.targets.map((t) => t.path));
    }
    // Prune was planned before the revision went: what it listed that is gone now is 'vanished', never a crash.
    const pruneReport = await executePlan(prunePlan);
    for (const o of pruneReport.outcomes) {
      assert.ok(o.status === 'deleted' || o.code === 'vanished', JSON.stringify(o));
      if (o.status === 'deleted') removed.push(o.path);
    }
    assert.deepStrictEqual(snapshotTree(box.outside), outsideBefore, 'outside the cache: byte-for-byte unchanged');
    assertOnlyRemoved(before, snapshotTree(box.dir), removed.map((p) => path.relative(box.dir, p)));
    // The ref-named revision of the valid repo survives with its blobs.
    assert.ok(fs.existsSync(path.join(r.a, 'snapshots', C1, 'sub', 'model.safetensors')));
    assert.strictEqual(fs.readFileSync(path.join(r.a, 'snapshots', C1, 'config.json')).length, 1000);
  });
});
