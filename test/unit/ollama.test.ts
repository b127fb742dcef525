// The Ollama category on a models folder built by hand as Ollama lays it out: tags sized like du
// with shared layers counted once, unreferenced blobs and interrupted downloads; deleting a tag
// removes its manifest and the blobs no other manifest names (checked on disk after the
// executor ran); prune; and hostile manifests (FIFO, link to /dev/zero, half-written JSON, a
// digest that would climb out of blobs/, a huge file) that end in warnings, never a hang.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ollamaCategory } from '../../src/core/categories/ollama/descriptor';
import { OLLAMA_PRUNE_ID, ollamaModelItemId, ollamaPartialItemId, ollamaUnreferencedBlobItemId, ollamaUnreferencedItemId } from '../../src/core/categories/ollama/ids';
import { ollamaModelsDir, ollamaModelsDirCandidates } from '../../src/core/categories/ollama/locations';
import { displayName, parseManifest } from '../../src/core/categories/ollama/manifests';
import { scanOllama } from '../../src/core/categories/ollama/scanner';
import { executePlan } from '../../src/core/executor';
import type { Item, ScanModel } from '../../src/core/model';
import type { DeletionPlan } from '../../src/core/plan/types';
import { scan } from '../../src/core/scan/scan';
import { buildOllama, writeBlob, writeManifest, type OllamaFixture } from '../support/ollamaFixtures';
import { categoryOf, itemById, planById, planForItems } from '../support/cacheScan';
import { duBytes } from '../support/diskUsage';
import { tempFolder } from '../support/tempFolder';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { runNodeAsNobody } from '../support/unprivileged';

/** The real orchestrator and walker, with only the given models folders (no service install of this machine). */
function scanFolders(env: Record<string, string>, serviceDirs: string[] = []): Promise<ScanModel> {
  return scan({ roots: [], env, only: ['ollama'], settings: { docker: false, workers: 2 }, categories: [{ ...ollamaCategory, scan: (ctx) => scanOllama(ctx, serviceDirs) }] });
}

const rel = (dir: string, p: string) => path.relative(dir, p);
const targetPaths = (plan: DeletionPlan) => plan.targets.map((t) => t.path).sort();

describe('Ollama', function () {
  this.timeout(30_000);
  let dir: string;
  let cleanup: () => void;
  let fx: OllamaFixture;
  let env: Record<string, string>;
  let model: ScanModel;
  beforeEach(async () => {
    ({ dir, cleanup } = tempFolder('mlds-ollama-'));
    fx = buildOllama(path.join(dir, 'models'));
    env = { HOME: path.join(dir, 'home'), OLLAMA_MODELS: fx.modelsDir };
    model = await scanFolders(env);
  });
  afterEach(() => cleanup());

  it('shows each tag with the blobs only it uses; shared layers once; the rows add up to du', () => {
    const category = categoryOf(model, 'ollama');
    assert.strictEqual(category.bytes, duBytes([fx.modelsDir]), 'category = du -sB1 of the models folder');
    assert.strictEqual(category.apparentBytes, duBytes([fx.modelsDir], true), 'apparent = du -sb');
    assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0), category.bytes, 'rows add up: nothing counted twice');
    const { llama, custom, hf } = fx.tags;
    const b = fx.blobs;
    const expect = [
      { tag: llama, own: [b.llamaConfig, b.template], shared: [b.weights, b.license], others: ['hf.co/bartowski/Foo-GGUF:Q4_K_M', 'jmorgan/custom:latest'] },
      { tag: custom, own: [b.customConfig, b.system], shared: [b.weights], others: ['llama3.1:8b'] },
      { tag: hf, own: [b.hfConfig, b.hfWeights], shared: [b.license], others: ['llama3.1:8b'] },
    ];
    for (const e of expect) {
      const item = itemById(model, ollamaModelItemId(e.tag.manifest));
      assert.strictEqual(item.label, e.tag.label);
      assert.strictEqual(item.kind, 'ollama-model');
      assert.strictEqual(item.bytes, duBytes([e.tag.manifest, ...e.own.map((x) => x.path)]), `${e.tag.label}: manifest + own blobs`);
      assert.strictEqual(item.sharedBytes, duBytes(e.shared.map((x) => x.path)), `${e.tag.label}: shared bytes`);
      assert.match(item.sharedWith!, new RegExp(e.others.map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(', ')));
      assert.strictEqual(item.fields!.sizeWithSharedBytes, duBytes([e.tag.manifest, ...e.own.map((x) => x.path), ...e.shared.map((x) => x.path)]));
      assert.strictEqual(item.fields!.statedSizeBytes, [e.tag.config, ...e.tag.layers].reduce((s, x) => s + x.size, 0), 'the sizes the manifest states');
      assert.strictEqual(item.reclaimable, true);
    }
    const shared = category.items.find((i) => i.kind === 'ollama-shared')!;
    assert.strictEqual(shared.bytes, duBytes([b.weights.path, b.license.path]));
    assert.strictEqual(shared.reclaimable, false);
    const unreferenced = itemById(model, ollamaUnreferencedItemId(fx.modelsDir));
    assert.deepStrictEqual([unreferenced.bytes, unreferenced.reclaimable], [duBytes([b.unreferenced.path]), true]);
    assert.deepStrictEqual(unreferenced.children!.map((c) => c.path), [b.unreferenced.path]);
    const oldPartial = itemById(model, ollamaPartialItemId(path.join(fx.blobsDir, fx.oldPartial.blob)));
    assert.strictEqual(oldPartial.kind, 'ollama-partial');
    assert.match(oldPartial.label, /incomplete download/);
    assert.strictEqual(oldPartial.bytes, duBytes(fx.oldPartial.files), 'data file + part sidecars');
    const recent = itemById(model, ollamaPartialItemId(path.join(fx.blobsDir, fx.recentPartial.blob)));
    assert.match(recent.description!, /may still be downloading/);
    assert.strictEqual(category.reclaimableBytes, duBytes([b.unreferenced.path, ...fx.oldPartial.files]), 'prune: unreferenced + interrupted (not the running one)');
    assert.deepStrictEqual(model.warnings, []);
  });

  it('deleting one tag removes its manifest and its own blobs; blobs another tag uses stay', async () => {
    const { llama } = fx.tags;
    const plan = await planForItems(model, [ollamaModelItemId(llama.manifest)], env);
    const gone = [llama.manifest, fx.blobs.llamaConfig.path, fx.blobs.template.path];
    assert.deepStrictEqual(targetPaths(plan), [...gone].sort());
    assert.strictEqual(plan.targets[0].path, llama.manifest, 'the manifest goes first, as ollama rm does');
    assert.deepStrictEqual(plan.keep!.map((k) => k.path).sort(), [fx.blobs.weights.path, fx.blobs.license.path].sort());
    assert.match(plan.keep!.find((k) => k.path === fx.blobs.weights.path)!.reason, /jmorgan\/custom:latest/);
    const expectedBytes = duBytes(gone);
    assert.strictEqual(plan.bytes, expectedBytes);
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, expectedBytes);
    assertOnlyRemoved(before, snapshotTree(dir), gone.map((p) => rel(dir, p)));
    assert.ok(fs.existsSync(fx.blobs.weights.path) && fs.existsSync(fx.blobs.license.path), 'shared blobs stay');
    // The next scan: the other tags are whole, and nothing became unreferenced.
    const after = await scanFolders(env);
    assert.deepStrictEqual(after.warnings, []);
    assert.strictEqual(categoryOf(after, 'ollama').items.filter((i) => i.kind === 'ollama-model').length, 2);
  });

  it('deleting two tags that share the weights frees the weights (no OTHER manifest names them)', async () => {
    const { llama, custom } = fx.tags;
    const plan = await planForItems(model, [ollamaModelItemId(llama.manifest), ollamaModelItemId(custom.manifest)], env);
    const b = fx.blobs;
    const gone = [llama.manifest, custom.manifest, b.llamaConfig.path, b.template.path, b.weights.path, b.customConfig.path, b.system.path];
    assert.deepStrictEqual(targetPaths(plan), [...gone].sort());
    assert.deepStrictEqual(plan.keep!.map((k) => k.path), [b.license.path], 'the licence stays for the hf.co tag');
    const before = snapshotTree(dir);
    await executePlan(plan);
    assertOnlyRemoved(before, snapshotTree(dir), gone.map((p) => rel(dir, p)));
  });

  it('re-reads the manifests when planning: a tag pulled since the scan keeps the blob it now uses', async () => {
    // A new tag naming the blob the scan saw as unused, and also llama3.1:8b's template.
    writeManifest(fx.modelsDir, 'registry.ollama.ai/library/llama3.1/8b-instruct', 'llama3.1:8b-instruct', fx.blobs.llamaConfig, [fx.blobs.unreferenced, fx.blobs.template]);
    const prune = await planById(model, OLLAMA_PRUNE_ID, env);
    assert.ok(!prune.targets.some((t) => t.path === fx.blobs.unreferenced.path));
    assert.match(prune.keep!.find((k) => k.path === fx.blobs.unreferenced.path)!.reason, /llama3\.1:8b-instruct/);
    const tag = await planForItems(model, [ollamaModelItemId(fx.tags.llama.manifest)], env);
    assert.deepStrictEqual(targetPaths(tag), [fx.tags.llama.manifest].sort(), 'config and template are used by the new tag now');
  });

  it('prune: blobs no manifest names and interrupted downloads; a download changed just now stays', async () => {
    const plan = await planById(model, OLLAMA_PRUNE_ID, env);
    const gone = [fx.blobs.unreferenced.path, ...fx.oldPartial.files];
    assert.deepStrictEqual(targetPaths(plan), [...gone].sort());
    assert.ok(plan.keep!.some((k) => k.path === fx.recentPartial.files[0] && /may still be running/.test(k.reason)));
    assert.strictEqual(plan.bytes, categoryOf(model, 'ollama').reclaimableBytes);
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), gone.map((p) => rel(dir, p)));
  });

  it('single rows: an unreferenced blob, and an interrupted download with its part sidecars', async () => {
    const plan = await planForItems(model, [ollamaUnreferencedBlobItemId(fx.blobs.unreferenced.path), ollamaPartialItemId(path.join(fx.blobsDir, fx.recentPartial.blob))], env);
    assert.deepStrictEqual(targetPaths(plan), [fx.blobs.unreferenced.path, ...fx.recentPartial.files].sort());
    assert.ok(plan.warnings!.some((w) => /may still be writing/.test(w)), 'chosen by hand, a running download is deleted with a warning');
  });

  it('the tree offers "Delete from Cache…" on every reclaimable row and on no other (package.json when-clause)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when: string }[]> } };
    const entry = pkg.contributes.menus['view/item/context'].find((m) => m.command === 'mlDiskSpace.caches.deleteItems')!;
    const clauses = [...entry.when.matchAll(/viewItem =~ \/(.*?)\/(?= &&|$)/g)].map((m) => new RegExp(m[1]));
    assert.ok(clauses.length >= 3, entry.when);
    const rows: Item[] = [];
    const visit = (items: Item[]) => { for (const i of items) { rows.push(i); visit(i.children ?? []); } };
    visit(categoryOf(model, 'ollama').items);
    for (const row of rows) {
      // The tokens src/host/tree/render.ts (contextValueOf) gives an item row.
      const tokens = ['mldsItem', 'cat-ollama', `kind-${row.kind}`, row.path ? 'hasPath' : '', row.reclaimable ? 'reclaimable' : '', ...(row.badges ?? []).map((b) => `badge-${b.replace(/\s+/g, '-')}`)].filter(Boolean).join(' ');
      assert.strictEqual(clauses.every((re) => re.test(tokens)), row.reclaimable === true, `${row.kind} "${tokens}"`);
    }
    assert.ok(rows.some((r) => r.reclaimable) && rows.some((r) => !r.reclaimable));
  });

  it('rows that are not deletable are refused', async () => {
    const shared = categoryOf(model, 'ollama').items.find((i) => i.kind === 'ollama-shared')!;
    await assert.rejects(planForItems(model, [shared.id], env), /cannot be deleted/);
    await assert.rejects(planForItems(model, [shared.children![0].id], env), /cannot be deleted/);
  });
});

describe('Ollama: hostile manifests', function () {
  this.timeout(30_000);
  it('a FIFO, a link to /dev/zero, half-written JSON, a digest climbing out of blobs/ and a huge file: warnings, and no blob is guessed unused', async () => {
    const { dir, cleanup } = tempFolder('mlds-ollama-hostile-');
    try {
      const fx = buildOllama(path.join(dir, 'models'));
      const lib = path.join(fx.modelsDir, 'manifests', 'registry.ollama.ai', 'library');
      fs.mkdirSync(path.join(lib, 'fifo'));
      execFileSync('mkfifo', [path.join(lib, 'fifo', 'latest')]);
      fs.mkdirSync(path.join(lib, 'zero'));
      fs.symlinkSync('/dev/zero', path.join(lib, 'zero', 'latest'));
      fs.mkdirSync(path.join(lib, 'half'));
      fs.writeFileSync(path.join(lib, 'half', 'latest'), '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"dig');
      fs.mkdirSync(path.join(lib, 'escape'));
      fs.writeFileSync(path.join(lib, 'escape', 'latest'), JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:../../../../etc/passwd' }, layers: [] }));
      fs.mkdirSync(path.join(lib, 'huge'));
      fs.writeFileSync(path.join(lib, 'huge', 'latest'), Buffer.alloc(3 * 1024 * 1024, 0x20));
      const env = { HOME: path.join(dir, 'home'), OLLAMA_MODELS: fx.modelsDir };
      const t0 = Date.now();
      const model = await scanFolders(env);
      assert.ok(Date.now() - t0 < 20_000, 'no hang');
      const category = categoryOf(model, 'ollama');
      assert.strictEqual(category.error, undefined);
      const warned = (name: string) => model.warnings.find((w) => w.path === path.join(lib, name, 'latest'));
      assert.match(warned('fifo')!.message, /FIFO/);
      assert.ok(warned('zero'), 'link to /dev/zero');
      assert.match(warned('half')!.message, /not valid JSON/);
      assert.match(warned('escape')!.message, /not a sha256 digest/);
      assert.match(warned('huge')!.message, /read limit/);
      assert.strictEqual(category.bytes, duBytes([fx.modelsDir]), 'sizes still right');
      assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0), category.bytes);
      // The good tags are still listed; the unreadable manifests are under Other.
      assert.strictEqual(category.items.filter((i) => i.kind === 'ollama-model').length, 3);
      const other = category.items.find((i) => i.kind === 'ollama-other')!;
      assert.strictEqual(other.children!.filter((c: Item) => c.kind === 'ollama-broken-manifest').length, 5);
      // An unreadable manifest might name any blob: none is offered as unused, prune keeps it.
      const unreferenced = itemById(model, ollamaUnreferencedItemId(fx.modelsDir));
      assert.strictEqual(unreferenced.reclaimable, false);
      assert.strictEqual(category.reclaimableBytes, duBytes(fx.oldPartial.files));
      const prune = await planById(model, OLLAMA_PRUNE_ID, env);
      assert.deepStrictEqual(targetPaths(prune), [...fx.oldPartial.files].sort());
      assert.match(prune.keep!.find((k) => k.path === fx.blobs.unreferenced.path)!.reason, /cannot be read/);
      // Deleting a tag deletes its manifest only: its own blobs might be named by an unreadable manifest.
      const tag = await planForItems(model, [ollamaModelItemId(fx.tags.hf.manifest)], env);
      assert.deepStrictEqual(targetPaths(tag), [fx.tags.hf.manifest]);
      assert.ok(tag.warnings!.some((w) => /cannot be read/.test(w)));
      const before = snapshotTree(dir);
      await executePlan(tag);
      assertOnlyRemoved(before, snapshotTree(dir), [rel(dir, fx.tags.hf.manifest)]);
    } finally {
      cleanup();
    }
  });

  it('a tag whose blob is missing is listed as incomplete, with a warning', async () => {
    const { dir, cleanup } = tempFolder('mlds-ollama-missing-');
    try {
      const fx = buildOllama(path.join(dir, 'models'));
      fs.rmSync(fx.blobs.hfWeights.path);
      const model = await scanFolders({ HOME: path.join(dir, 'home'), OLLAMA_MODELS: fx.modelsDir });
      const item = itemById(model, ollamaModelItemId(fx.tags.hf.manifest));
      assert.deepStrictEqual(item.badges, ['incomplete']);
      assert.ok(model.warnings.some((w) => w.code === 'missing-blob' && w.path === fx.tags.hf.manifest));
      assert.strictEqual(categoryOf(model, 'ollama').bytes, duBytes([fx.modelsDir]));
    } finally {
      cleanup();
    }
  });
});

describe('Ollama: where the models are', () => {
  it('OLLAMA_MODELS, else ~/.ollama/models; the Linux service folder too', () => {
    assert.strictEqual(ollamaModelsDir({}, '/home/u', 'linux'), '/home/u/.ollama/models');
    assert.strictEqual(ollamaModelsDir({ OLLAMA_MODELS: ' "/data/ollama" ' }, '/home/u', 'linux'), '/data/ollama');
    assert.strictEqual(ollamaModelsDir({ OLLAMA_MODELS: '' }, '/home/u', 'linux'), '/home/u/.ollama/models');
    assert.strictEqual(ollamaModelsDir({ OLLAMA_MODELS: '~/m' }, '/home/u', 'linux'), '/home/u/m');
    assert.strictEqual(ollamaModelsDir({}, 'C:\\Users\\u', 'win32'), 'C:\\Users\\u\\.ollama\\models');
    assert.deepStrictEqual(ollamaModelsDirCandidates({}, '/home/u', 'linux'), ['/home/u/.ollama/models', '/usr/share/ollama/.ollama/models']);
    assert.deepStrictEqual(ollamaModelsDirCandidates({}, '/Users/u', 'darwin'), ['/Users/u/.ollama/models']);
  });

  it('names as ollama list shows them', () => {
    assert.strictEqual(displayName('registry.ollama.ai', 'library', 'llama3.1', '8b'), 'llama3.1:8b');
    assert.strictEqual(displayName('registry.ollama.ai', 'jmorgan', 'custom', 'latest'), 'jmorgan/custom:latest');
    assert.strictEqual(displayName('hf.co', 'bartowski', 'Foo-GGUF', 'Q4_K_M'), 'hf.co/bartowski/Foo-GGUF:Q4_K_M');
    const parsed = parseManifest('/m/manifests/registry.ollama.ai/library/x/1b', JSON.stringify({ layers: [{ digest: 'sha256:' + 'a'.repeat(64) }, { digest: 'sha256:' + 'a'.repeat(64) }] }));
    assert.ok(!('reason' in parsed) && parsed.layers.length === 1, 'a blob named twice counts once');
  });

  it('a service folder the user cannot read is left out with one warning (run as nobody)', () => {
    const { dir, cleanup } = tempFolder('mlds-ollama-perm-');
    try {
      fs.chmodSync(dir, 0o755);
      const service = path.join(dir, 'service-models');
      buildOllama(service);
      fs.chmodSync(service, 0o700); // as the install script's `ollama` user would own it
      const child = require.resolve('../support/ollamaFindChild');
      const { found, warnings } = runNodeAsNobody<{ uid: number; found: string[]; warnings: { message: string; path: string; code: string }[] }>(child, [service]);
      assert.deepStrictEqual(found, []);
      assert.deepStrictEqual(warnings.map((w) => [w.path, w.code]), [[service, 'EACCES']]);
      assert.match(warnings[0].message, /cannot read the Ollama models folder/);
    } finally {
      cleanup();
    }
  });

  it('a second models folder (the service install) is scanned too, each blob counted once, labels say where', async () => {
    const { dir, cleanup } = tempFolder('mlds-ollama-two-');
    try {
      const user = buildOllama(path.join(dir, 'user-models'));
      const service = path.join(dir, 'service-models');
      fs.mkdirSync(path.join(service, 'blobs'), { recursive: true });
      const cfg = writeBlob(path.join(service, 'blobs'), Buffer.from('{"model_family":"gemma"}'), 'application/vnd.docker.container.image.v1+json');
      const w = writeBlob(path.join(service, 'blobs'), Buffer.alloc(50_000, 3), 'application/vnd.ollama.image.model');
      const tag = writeManifest(service, 'registry.ollama.ai/library/gemma/2b', 'gemma:2b', cfg, [w]);
      // The same folder named twice (a link to it) is scanned once.
      fs.symlinkSync(user.modelsDir, path.join(dir, 'link-to-user'));
      const model = await scanFolders({ HOME: path.join(dir, 'home'), OLLAMA_MODELS: user.modelsDir }, [service, path.join(dir, 'link-to-user')]);
      const category = categoryOf(model, 'ollama');
      assert.strictEqual(category.bytes, duBytes([user.modelsDir, service]));
      const gemma = itemById(model, ollamaModelItemId(tag.manifest));
      assert.strictEqual(gemma.label, `gemma:2b — ${service}`);
      assert.strictEqual(gemma.fields!.cacheRoot, service);
    } finally {
      cleanup();
    }
  });
});

describe('Ollama: CLI', function () {
  this.timeout(120_000);
  const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
  it('scan --json shows the category; purge ollama:prune prints the plan; purge ollama:<tag> --yes deletes it', () => {
    const { dir, cleanup } = tempFolder('mlds-ollama-cli-');
    try {
      const fx = buildOllama(path.join(dir, 'models'));
      fs.mkdirSync(path.join(dir, 'work'));
      const env = { PATH: process.env.PATH ?? '', HOME: path.join(dir, 'home'), OLLAMA_MODELS: fx.modelsDir };
      const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd: path.join(dir, 'work'), timeout: 100_000 });
      const scanned = cli('scan', '--json', '--no-docker');
      assert.strictEqual(scanned.status, 0, scanned.stderr);
      const category = (JSON.parse(scanned.stdout) as { categories: { id: string; bytes: number; items: { label: string; kind: string }[] }[] }).categories.find((c) => c.id === 'ollama');
      assert.ok(category, 'the ollama category is in scan --json');
      assert.strictEqual(category.bytes, duBytes([fx.modelsDir]));
      assert.deepStrictEqual(category.items.filter((i) => i.kind === 'ollama-model').map((i) => i.label).sort(), Object.values(fx.tags).map((x) => x.label).sort());
      const text = cli('scan', '--no-docker');
      assert.match(text.stdout, /llama3\.1:8b .*purge ollama:llama3\.1:8b/);
      const help = cli('purge', '--help');
      assert.match(help.stdout, /ollama:prune/);
      const plan = cli('purge', 'ollama:prune', '--json');
      assert.strictEqual(plan.status, 0, plan.stderr);
      const planned = (JSON.parse(plan.stdout) as { delete: { path: string }[] }).delete.map((d) => d.path).sort();
      assert.deepStrictEqual(planned, [fx.blobs.unreferenced.path, ...fx.oldPartial.files].sort());
      assert.ok(fs.existsSync(fx.blobs.unreferenced.path), 'without --yes nothing is deleted');
      const removed = cli('purge', 'ollama:jmorgan/custom:latest', '--yes', '--json');
      assert.strictEqual(removed.status, 0, removed.stderr);
      assert.ok(!fs.existsSync(fx.tags.custom.manifest) && !fs.existsSync(fx.blobs.system.path), 'its manifest and own blob are gone');
      assert.ok(fs.existsSync(fx.blobs.weights.path), 'the weights llama3.1:8b uses stay');
      const unknown = cli('purge', 'ollama:nope:latest');
      assert.strictEqual(unknown.status, 2);
      assert.match(unknown.stderr, /not in the last scan/);
    } finally {
      cleanup();
    }
  });
});
