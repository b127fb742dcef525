// The cache categories in a real extension host, for the fake HOME of fixture part mlCaches (a
// Hugging Face hub with shared blobs and a detached revision, a datasets and a xet cache, a conda
// root whose envs hard-link pkgs/, pip, uv and torch hub caches; HOME, XDG_CACHE_HOME and
// CONDA_PREFIX reach the extension host through the fixture's environment). Numbers are checked
// against du (hard links once across its arguments, like our totals), never against our code; the
// purges go through the real commands with the confirmation answered by the test and must free
// exactly the bytes they showed, touching nothing else (byte-for-byte snapshot).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { formatBytes, formatCount } from '../../src/core/format';
import type { Category, Item, ScanModel } from '../../src/core/model';
import type { MlDiskSpaceApi } from '../../src/host/api';
import type { ReclaimResult } from '../../src/host/reclaim';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { readCacheHome } from './cachesFixture';
import { readFixture } from './fixture';
import { hostLog } from './hostLog';
import { activatedApi, Recorder, assertDeletionSummary } from './recorder';
import { duBytes, duEachBytes } from '../support/diskUsage';

const duEach = (...paths: string[]) => duEachBytes(paths);
const du = (...paths: string[]) => duBytes(paths);

function category(model: ScanModel, id: string): Category {
  const c = model.categories.find((x) => x.id === id);
  assert.ok(c, `no ${id} category; categories: ${model.categories.map((x) => x.id).join(', ')}`);
  assert.ok(!c.error, `${id}: ${c.error}`);
  return c;
}

function byPath(c: Category, p: string): Item | undefined {
  const stack = [...c.items];
  while (stack.length) {
    const item = stack.pop()!;
    if (item.path === p) return item;
    stack.push(...(item.children ?? []));
  }
  return undefined;
}

describe('caches: Hugging Face, conda, pip, uv and torch hub of a fake HOME in the real extension host', function () {
  this.timeout(120_000);
  const fixture = readFixture();
  const caches = readCacheHome(fixture);
  let api: MlDiskSpaceApi;

  before(async () => {
    api = await activatedApi();
  });

  afterEach(() => api.setPrompts(undefined));

  it('the tree shows every cache category of the fixture HOME with du\'s numbers', async () => {
    const model = await api.scanNow();
    assert.ok(!model.cancelled);
    const rows = api.treeRows();
    const row = (id: string) => {
      const r = rows.find((x) => x.treeId === `category:${id}`);
      assert.ok(r, `no ${id} row in the tree; rows: ${rows.map((x) => x.label).join(', ')}`);
      return r;
    };
    const expect = (id: string, bytes: number) => {
      assert.strictEqual(category(model, id).bytes, bytes, `${id}: du says ${bytes}`);
      assert.ok(row(id).description.startsWith(formatBytes(bytes)), `${id} row "${row(id).description}" starts with ${formatBytes(bytes)}`);
    };
    const { hf, datasets, xet, conda, pip, uv, torch } = caches;

    // Hugging Face: hub + datasets + xet; a repo = its whole folder (snapshot links and refs included, links not followed).
    expect('huggingface', du(hf.hubRoot, datasets.root, xet.root));
    const vision = byPath(category(model, 'huggingface'), hf.vision.path)!;
    assert.strictEqual(vision.bytes, du(hf.vision.path));
    assert.ok(vision.description?.includes('3 revisions (1 detached)'), vision.description);
    const hfRows = api.treeRows('category:huggingface');
    assert.ok(hfRows.some((r) => r.label === 'acme/vision-7b' && /\bkind-hf-repo\b/.test(r.contextValue)), hfRows.map((r) => r.label).join(', '));

    // conda: everything under the install root plus the env known only from environments.txt; env files hard-linked
    // from pkgs/ are counted once, in pkgs/: an env's size is what du adds for it after pkgs/.
    expect('conda', du(conda.root, conda.envs.external));
    const c = category(model, 'conda');
    const [, mlOwn] = duEach(conda.pkgs, conda.envs.ml);
    const ml = byPath(c, conda.envs.ml)!;
    assert.strictEqual(ml.bytes, mlOwn, 'the ml env: what it does not share with pkgs/');
    assert.strictEqual(ml.sharedBytes, du(conda.envs.ml) - mlOwn, 'shared with the package cache');
    assert.deepStrictEqual(ml.badges, ['active'], 'CONDA_PREFIX of the extension host is the ml env');
    const tarballs = c.items.find((i) => i.kind === 'conda-pkgs')!.children!.find((i) => i.kind === 'conda-tarballs')!;
    assert.strictEqual(tarballs.bytes, du(...conda.tarballs.map((t) => t.path)));
    const unused = c.items.find((i) => i.kind === 'conda-pkgs')!.children!.find((i) => i.kind === 'conda-unused-packages')!;
    assert.deepStrictEqual(unused.children!.map((i) => i.path), [conda.packages.oldpkg.path], 'only oldpkg is linked into no env');

    // pip: the cache folder; http-v2/ with its files counted, wheels/ with pip's wheel count.
    expect('pip', du(pip.root));
    const pipRows = api.treeRows('category:pip');
    const httpV2 = pipRows.find((r) => r.label === 'Package index page cache (http-v2)')!;
    assert.ok(httpV2.description.startsWith(`${formatBytes(du(path.join(pip.root, 'http-v2')))} · ${formatCount(3, 'file')}`), httpV2.description);
    assert.ok(pipRows.find((r) => r.label === 'Locally built wheels')!.description.includes(formatCount(pip.wheels.length, 'wheel')));

    // uv and torch hub: their folders; each torch checkpoint file its own row.
    expect('uv', du(uv.root));
    expect('torch', du(torch.hub));
    for (const cp of torch.checkpoints) assert.strictEqual(byPath(category(model, 'torch'), cp.path)?.bytes, du(cp.path));
    hostLog(`    cache rows: ${['huggingface', 'conda', 'pip', 'uv', 'torch'].map((id) => `${row(id).label} ${row(id).description}`).join(' | ')}`);
  });

  it('Purge pip Cache with the confirmation accepted frees exactly the bytes it showed: http-v2/, http/, wheels/', async () => {
    const scanned = await api.scanNow();
    const { pip } = caches;
    const purged = ['http-v2', 'http', 'wheels'].map((d) => path.join(pip.root, d));
    const labels = purged.map((p) => byPath(category(scanned, 'pip'), p)!.label);
    const expected = du(...purged);
    const before = snapshotTree(pip.root);
    const duBefore = du(pip.root);
    const rec = new Recorder(() => true).install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.pip.purge');
    assert.strictEqual(rec.confirms.length, 1);
    const c = rec.confirms[0];
    assert.strictEqual(c.bytes, expected, 'the confirmation shows du\'s bytes of the three folders');
    assert.ok(c.message.includes(formatBytes(expected)) && c.detail.includes('permanently deleted'), `${c.message}\n${c.detail}`);
    assert.strictEqual(result?.reclaimedBytes, expected);
    assert.strictEqual(duBefore - du(pip.root), expected, 'du of the pip cache dropped by exactly the shown bytes');
    assertOnlyRemoved(before, snapshotTree(pip.root), ['http-v2', 'http', 'wheels']);
    assertDeletionSummary(rec.messages, expected, labels, pip.root);
    assert.ok(!byPath(category(api.getModel()!, 'pip'), purged[0]), 'rescanned: http-v2/ is gone from the tree');
  });

  it('Prune Hugging Face Cache: detached revisions, interrupted downloads and orphan blobs go, the shown bytes come back, everything else stays', async () => {
    await api.scanNow();
    const { hf } = caches;
    const before = snapshotTree(hf.hubRoot);
    const duBefore = du(hf.hubRoot);
    const rec = new Recorder(() => true).install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.hf.prune');
    assert.strictEqual(rec.confirms.length, 1);
    const shown = rec.confirms[0].bytes;
    assert.ok(shown > 0);
    assert.strictEqual(result?.reclaimedBytes, shown);
    assert.deepStrictEqual(result?.failures, []);
    assert.strictEqual(duBefore - du(hf.hubRoot), shown, 'du of the hub dropped by exactly the shown bytes');
    const deleted = result!.reports!.flatMap((r) => r.outcomes).filter((o) => o.status === 'deleted').map((o) => path.relative(hf.hubRoot, o.path));
    assertOnlyRemoved(before, snapshotTree(hf.hubRoot), deleted);
    // By hand (cacheFixtures.ts): what prune must take and what it must leave.
    const v = hf.vision;
    // The confirmation speaks of revisions, not of blob hashes.
    const detail = rec.confirms[0].detail;
    assert.ok(detail.includes(`• vision-7b @ ${v.revisions.old.commit.slice(0, 8)}, detached, downloaded `), detail);
    assert.ok(!detail.includes(path.basename(v.blobs.tok.path).slice(0, 16)), `a blob hash in the confirmation:\n${detail}`);
    const gone = [
      path.join(v.folderName, 'snapshots', v.revisions.old.commit),
      path.relative(hf.hubRoot, v.blobs.tok.path), // only the detached revision used it
      path.relative(hf.hubRoot, v.blobs.partial.path), // an old .incomplete
      path.relative(hf.hubRoot, v.blobs.orphan.path),
      hf.demo.folderName, // its only revision is detached
    ];
    for (const g of gone) assert.ok(deleted.some((d) => g === d || g.startsWith(d + '/')), `${g} was pruned; deleted: ${deleted.join(', ')}`);
    const stays = [
      path.join(v.folderName, 'snapshots', v.revisions.main.commit),
      path.relative(hf.hubRoot, v.blobs.w1.path), // shared by main and the detached revision
      path.relative(hf.hubRoot, hf.downloading.blobs.part.path), // written a minute ago: a download may be running
      hf.corpus.folderName,
    ];
    for (const s of stays) assert.ok(!deleted.some((d) => s === d || s.startsWith(d + '/')), `${s} must stay`);
    assert.strictEqual(fs.statSync(hf.outsideTarget).size, 4 * 1024, 'the file a snapshot links to outside the cache is untouched');
    hostLog(`    ${result!.summary}`);
  });

  it('conda: never removes base nor the active env (nothing asked, nothing deleted); removing another env frees what it showed', async () => {
    const model = await api.scanNow();
    const { conda } = caches;
    const c = category(model, 'conda');
    const idOf = (prefix: string) => byPath(c, prefix)!.id;
    const before = snapshotTree(conda.root);
    const refused = new Recorder(() => true).install(api);
    const ids = [idOf(conda.envs.base), idOf(conda.envs.ml)];
    const none = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.conda.removeEnvs', ids[0], ids);
    assert.strictEqual(none, undefined);
    assert.deepStrictEqual(refused.confirms, [], 'no confirmation is even asked');
    const warning = refused.messages.find((m) => m.level === 'warn')?.text ?? '';
    assert.match(warning, /base environment is never removed/);
    assert.match(warning, /active environment \(CONDA_PREFIX\) is never removed/);
    assertOnlyRemoved(before, snapshotTree(conda.root), []);

    // web hard-links requests from pkgs/: those files stay; du of the whole install drops by exactly the shown bytes.
    const duBefore = du(conda.root, conda.envs.external);
    const webOwn = duEach(conda.pkgs, conda.envs.web)[1];
    const rec = new Recorder(() => true).install(api);
    const web = idOf(conda.envs.web);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.conda.removeEnvs', web, [web]);
    assert.strictEqual(rec.confirms.length, 1);
    assert.strictEqual(result?.reclaimedBytes, rec.confirms[0].bytes);
    assert.strictEqual(duBefore - du(conda.root, conda.envs.external), rec.confirms[0].bytes, 'du dropped by exactly the shown bytes');
    assert.strictEqual(rec.confirms[0].bytes, webOwn, 'what web does not share with pkgs/ (du after pkgs/)');
    assertOnlyRemoved(before, snapshotTree(conda.root), [path.relative(conda.root, conda.envs.web)]);
  });
});
