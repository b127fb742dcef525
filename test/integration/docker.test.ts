// Docker in a real extension host against a real dockerd that the runner started for this phase
// (fixture part dockerEngine; the extension finds it through DOCKER_HOST). The oracle is the Engine
// API itself, asked over its unix socket with a plain HTTP request (test/support/dockerd.ts), never
// through our DockerClient; and the sizes the scene wrote on purpose.
//
// In order: the tree's numbers vs GET /system/df; an image expanding to Layers (vs
// GET /images/{id}/history) and, lazily, Largest folders (cancellable, cached); Analyze Image… as a
// chart; prunes and removals through the modal confirmation (accepted, declined); and last, the
// engine stopped: the category says so, with Retry, and nothing crashes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { DockerCommandResult } from '../../src/host/docker/runPlan';
import type { AnalyzeImageResult } from '../../src/host/commands/analyzeImage';
import type { CompareImageResult } from '../../src/host/commands/compareImage';
import { formatBytes } from '../../src/core/format';
import type { ScanModel } from '../../src/core/model';
import type { MlDiskSpaceApi } from '../../src/host/api';
import type { ConfirmRequest, Notifier } from '../../src/host/prompts';
import type { RenderedRow } from '../../src/host/tree/itemsTree';
import type { ChartPanelRecord } from '../../src/host/webview/chartPanel';
import { engineCall, engineRequest, inventory, rawDiskUsage } from '../support/dockerd';
import type { DockerEngineInfo } from './dockerFixture';
import { partInfo, readFixture } from './fixture';
import { hostLog } from './hostLog';
import { activatedApi, EXTENSION_ID, waitFor } from './recorder';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);


interface AnalysisStats {
  analyses: number;
  layerReads: number;
  cached: string[];
  running: string[];
  cancelled: string[];
}

const analysisStats = async () => (await vscode.commands.executeCommand<AnalysisStats>('mlDiskSpace.test.dockerAnalyses'))!;

/** Answers the confirmations with `answer` and records them and every notification. */
class Prompter {
  readonly confirms: ConfirmRequest[] = [];
  readonly messages: { level: 'warn' | 'info' | 'error'; text: string }[] = [];
  constructor(private readonly answer: (r: ConfirmRequest) => boolean) {}
  install(api: MlDiskSpaceApi): this {
    const notifier: Notifier = {
      warn: async (text) => void this.messages.push({ level: 'warn', text }),
      info: async (text) => void this.messages.push({ level: 'info', text }),
      error: async (text) => void this.messages.push({ level: 'error', text }),
    };
    api.setPrompts({ confirmer: { confirm: async (r) => (this.confirms.push(r), this.answer(r)) }, notifier });
    return this;
  }
}

function row(rows: RenderedRow[], label: string | RegExp): RenderedRow {
  const found = rows.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  assert.ok(found, `no row ${label}; rows: ${rows.map((r) => `${r.label} [${r.description}]`).join(' | ')}`);
  return found;
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('docker: the Docker category against a real dockerd', function () {
  this.timeout(120_000);
  const fixture = readFixture();
  const engine = partInfo<DockerEngineInfo>(fixture, 'dockerEngine');
  const sock = engine.socketPath;
  let api: MlDiskSpaceApi;

  before(async () => {
    api = await activatedApi();
    assert.strictEqual(process.env.DOCKER_HOST, engine.host, 'the extension host got the fixture engine as DOCKER_HOST');
    hostLog(`    dockerd (${engine.storageDriver}) at ${engine.host}; scene built in ${engine.sceneBuiltMs} ms`);
  });

  afterEach(() => api.setPrompts(undefined));

  it('the tree shows the Docker category with the numbers GET /system/df gives', async () => {
    const model = (await vscode.commands.executeCommand<ScanModel>('mlDiskSpace.scan'))!;
    const df = await rawDiskUsage(sock);
    const category = model.categories.find((c) => c.id === 'docker');
    assert.ok(category && !category.error, `docker category: ${category?.error ?? 'missing'}`);
    assert.strictEqual(category.fields?.endpoint, engine.host);

    // The oracle, from the raw answer: image layers counted once (LayersSize), writable layers, volume data; no build cache here.
    const images = df.Images ?? [];
    const containersBytes = sum((df.Containers ?? []).map((c) => c.SizeRw ?? 0));
    const volumesBytes = sum((df.Volumes ?? []).map((v) => v.UsageData?.Size ?? 0));
    assert.strictEqual(df.BuildCache, null, 'the legacy builder leaves no build cache');
    assert.strictEqual(category.bytes, df.LayersSize + containersBytes + volumesBytes, 'category total');

    const groups = api.treeRows('category:docker');
    // The build cache is empty here (BuildCache null): its "0 B" row is left out of the tree.
    assert.deepStrictEqual(
      groups.map((r) => r.label).sort(),
      ['Containers', 'Images', 'Volumes'],
    );
    const expectGroup = (label: string, bytes: number, count: number, noun: string) => {
      const r = row(groups, label);
      assert.ok(r.description.startsWith(`${formatBytes(bytes)} · ${count} ${noun}${count === 1 ? '' : 's'}`), `${label}: "${r.description}" vs df ${formatBytes(bytes)}, ${count}`);
    };
    expectGroup('Images', df.LayersSize, images.length, 'image');
    expectGroup('Containers', containersBytes, (df.Containers ?? []).length, 'container');
    expectGroup('Volumes', volumesBytes, (df.Volumes ?? []).length, 'volume');
    assert.ok(row(api.treeRows('category:docker'), 'Images').collapsible);

    // Every image, container and volume row against its own line of /system/df.
    const table: string[] = [];
    const imageRows = api.treeRows(row(groups, 'Images').treeId);
    assert.strictEqual(imageRows.length, images.length);
    for (const raw of images) {
      const r = imageRows.find((x) => x.itemId === `docker:image:${raw.Id}`);
      assert.ok(r, `no row for image ${raw.Id}`);
      const dangling = !raw.RepoTags?.length || raw.RepoTags[0] === '<none>:<none>';
      assert.strictEqual(r.label, dangling ? `<none> (${short(raw.Id)})` : raw.RepoTags![0]);
      assert.ok(r.description.startsWith(formatBytes(raw.Size)), `${r.label}: "${r.description}" vs Size ${raw.Size}`);
      assert.ok(r.description.includes(`${formatBytes(raw.Size - raw.SharedSize)} unique`), `${r.label}: "${r.description}" vs unique ${raw.Size - raw.SharedSize}`);
      assert.strictEqual(/\bdangling\b/.test(r.description), dangling, `${r.label} dangling badge`);
      assert.ok(r.collapsible, `${r.label} expands to its layers`);
      assert.match(r.contextValue, /\bkind-docker-image(\s|$)/);
      table.push(`${r.label.padEnd(24)} tree "${r.description}"  | df Size ${raw.Size} SharedSize ${raw.SharedSize} Containers ${raw.Containers}`);
    }
    const containerRows = api.treeRows(row(groups, 'Containers').treeId);
    for (const raw of df.Containers ?? []) {
      const r = row(containerRows, raw.Names[0].replace(/^\//, ''));
      assert.ok(r.description.startsWith(`${formatBytes(raw.SizeRw ?? 0)} · ${raw.State}`), `${r.label}: "${r.description}"`);
      table.push(`${r.label.padEnd(24)} tree "${r.description}"  | df SizeRw ${raw.SizeRw ?? 0} State ${raw.State}`);
    }
    const volumeRows = api.treeRows(row(groups, 'Volumes').treeId);
    for (const raw of df.Volumes ?? []) {
      const r = row(volumeRows, raw.Name);
      const use = raw.UsageData!.RefCount > 0 ? `used by ${raw.UsageData!.RefCount} container` : 'unused';
      // The size leads, once (the row's own description does not repeat it), then the use.
      const size = formatBytes(raw.UsageData!.Size);
      assert.ok(r.description.startsWith(`${size} · `) && r.description.endsWith(` · ${use}`) && r.description.split(size).length === 2, `${r.label}: "${r.description}"`);
      table.push(`${r.label.padEnd(24)} tree "${r.description}"  | df Size ${raw.UsageData!.Size} RefCount ${raw.UsageData!.RefCount}`);
    }
    // The scene's own bytes: the volume the fixture filled, the container's writes.
    assert.strictEqual(df.Volumes!.find((v) => v.Name === 'data-orphan')!.UsageData!.Size, engine.bytes.dataOrphan);
    assert.strictEqual(df.Containers!.find((c) => c.Id === engine.ids.stoppedContainer)!.SizeRw, engine.bytes.stoppedWritable);
    hostLog(`    Docker category "${api.treeRows().find((r) => r.treeId === 'category:docker')!.description}" = LayersSize ${df.LayersSize} + SizeRw ${containersBytes} + volumes ${volumesBytes}`);
    for (const line of table) hostLog(`      ${line}`);
  });

  it('an image expands to Layers matching GET /images/{id}/history; Largest folders is read only when expanded, then cached', async () => {
    const before = await analysisStats();
    assert.strictEqual(before.analyses, 0, 'nothing was analyzed before an image was expanded');
    const imageTreeId = `docker:image:${engine.ids.ml1}`;
    const own = await api.loadTreeRows(imageTreeId);
    assert.deepStrictEqual(own.map((r) => r.label), ['Layers', 'Composition', 'Waste', 'Largest folders']);
    assert.ok(own.every((r) => r.collapsible && r.type === 'extra'));

    const layers = await api.loadTreeRows(`${imageTreeId}/layers`);
    const history = (await engineCall(sock, 'GET', `/images/${engine.ids.ml1}/history`, [200])).json() as { Size: number; CreatedBy: string }[];
    const withData = history.filter((h) => h.Size > 0).reverse(); // the API lists newest first; the tree oldest first
    assert.deepStrictEqual(
      layers.map((r) => r.description.replace(/ · shared$/, '')),
      withData.map((h) => formatBytes(h.Size)),
      'one row per layer with data, in build order, with its size',
    );
    // Hand-computed: the COPY layers are the bytes the scene copied; the base layer is shared with the other images.
    assert.deepStrictEqual(withData.map((h) => h.Size).slice(1), [engine.bytes.ml1Models, engine.bytes.ml1Torch, engine.bytes.ml1Script]);
    assert.strictEqual(layers[0].label, '(imported filesystem)');
    assert.match(layers[0].description, / · shared$/, 'the base layer is shared with the other images');
    assert.strictEqual(layers[1].label, 'COPY …/model.safetensors', 'a short label: no content hash, the destination by its last part');
    assert.strictEqual(layers[2].label, 'COPY …/libtorch.so');
    assert.ok(layers.slice(1).every((r) => !r.description.includes('shared')), 'the COPY layers are this image’s own');
    for (const [i, r] of layers.entries()) assert.ok(r.tooltip.includes(withData[i].CreatedBy.replace(/^\/bin\/sh -c /, '').slice(0, 20).trim()), `tooltip of layer ${i} has the full instruction`);
    const afterLayers = await analysisStats();
    assert.strictEqual(afterLayers.analyses, 0, 'layers come from the history: the image itself is not read');

    const folders = await api.loadTreeRows(`${imageTreeId}/folders`);
    const afterFolders = await analysisStats();
    assert.strictEqual(afterFolders.analyses, 1, 'expanding Largest folders analyzed the image once');
    const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p))!;
    assert.strictEqual(folders[0].label, '/bin', `largest first: ${folders.map((r) => r.label).join(', ')}`);
    assert.strictEqual(row(folders, '/bin').description, formatBytes(fs.statSync(busybox).size));
    assert.strictEqual(row(folders, '/opt').description, formatBytes(engine.bytes.ml1Models));
    assert.strictEqual(row(folders, '/usr').description, formatBytes(engine.bytes.ml1Torch));
    assert.strictEqual(row(folders, '/workspace').description, formatBytes(engine.bytes.ml1Script));
    const opt = await api.loadTreeRows(row(folders, '/opt').treeId);
    assert.deepStrictEqual(opt.map((r) => `${r.label} ${r.description}`), [`models ${formatBytes(engine.bytes.ml1Models)}`]);
    const models = await api.loadTreeRows(opt[0].treeId);
    assert.deepStrictEqual(models.map((r) => `${r.label} ${r.description}`), [`model.safetensors ${formatBytes(engine.bytes.ml1Models)}`]);

    // Collapsing and expanding again, or a new model: the same answer without reading the image again.
    await api.loadTreeRows(`${imageTreeId}/folders`);
    await vscode.commands.executeCommand('mlDiskSpace.retryCategory', 'category:docker');
    assert.deepStrictEqual((await api.loadTreeRows(imageTreeId)).map((r) => r.label), ['Layers', 'Composition', 'Waste', 'Largest folders']);
    const again = await api.loadTreeRows(`${imageTreeId}/folders`);
    assert.deepStrictEqual(again.map((r) => r.label), folders.map((r) => r.label));
    assert.strictEqual((await analysisStats()).analyses, 1, 'cached per image id');
    assert.match((await api.loadTreeRows(imageTreeId))[3].description, /in the final filesystem$/, 'the row says it is analyzed');
  });

  it('an analysis cancelled from its progress stays cancelled until the user asks again', async () => {
    const imageTreeId = `docker:image:${engine.ids.ml2}`;
    await api.loadTreeRows(imageTreeId);
    const startedBefore = (await analysisStats()).analyses;
    const loading = api.loadTreeRows(`${imageTreeId}/folders`);
    assert.strictEqual(await vscode.commands.executeCommand<number>('mlDiskSpace.test.cancelDockerAnalyses'), 1, 'one analysis was running');
    const cancelled = await loading;
    assert.deepStrictEqual(cancelled.map((r) => r.label), ['Analysis cancelled — click to analyze again']);
    // A refresh of the tree does not start it again behind the user's back.
    assert.deepStrictEqual((await api.loadTreeRows(`${imageTreeId}/folders`)).map((r) => r.label), ['Analysis cancelled — click to analyze again']);
    assert.strictEqual((await analysisStats()).analyses, startedBefore + 1);
    // The row's click: analyze again.
    await vscode.commands.executeCommand('mlDiskSpace.docker.retryImageAnalysis', `${engine.host}|${engine.ids.ml2}`, `${imageTreeId}/folders`);
    const rows = await api.loadTreeRows(`${imageTreeId}/folders`);
    assert.strictEqual(row(rows, '/data').description, formatBytes(engine.bytes.ml2Data));
    assert.strictEqual((await analysisStats()).analyses, startedBefore + 2);
  });

  it('Composition and Waste of an image: kinds hand-computed from the scene, waste with its layer and fix; no new read', async () => {
    const analyses = (await analysisStats()).analyses;
    const imageTreeId = `docker:image:${engine.ids.ml1}`;
    const busybox = fs.statSync(['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p))!).size;
    const kinds = await api.loadTreeRows(`${imageTreeId}/composition`);
    const total = busybox + engine.bytes.ml1Models + engine.bytes.ml1Torch + engine.bytes.ml1Script;
    const expected: [string, number][] = [['OS base', busybox], ['Model weights', engine.bytes.ml1Models], ['PyTorch', engine.bytes.ml1Torch], ['Everything else', engine.bytes.ml1Script]];
    expected.sort((a, b) => b[1] - a[1]);
    assert.deepStrictEqual(kinds.map((r) => [r.label, r.description]), expected.map(([label, bytes]) => [label, `${formatBytes(bytes)} · ${Math.round((bytes / total) * 100)} %`]));
    // ml:1 holds nothing wasted; ml:2 copied a data folder in.
    assert.deepStrictEqual((await api.loadTreeRows(`${imageTreeId}/waste`)).map((r) => r.label), ['No waste found']);
    assert.strictEqual((await analysisStats()).analyses, analyses, 'ml:1 was analyzed already');
    const ml2 = `docker:image:${engine.ids.ml2}`;
    await api.loadTreeRows(ml2);
    const waste = await api.loadTreeRows(`${ml2}/waste`);
    assert.deepStrictEqual(waste.map((r) => r.label), ['test and data folders']);
    assert.match(waste[0].description, new RegExp(`^${formatBytes(engine.bytes.ml2Data).replace('.', '\\.')} · layer 2: COPY …/data\\.bin$`));
    const finding = await api.loadTreeRows(waste[0].treeId);
    assert.match(finding[0].label, /\.dockerignore/);
    assert.deepStrictEqual(finding.map((r) => r.label).slice(-1), ['/data/data.bin']);
  });

  it('Compare With Another Image… opens the diff by kind in an editor', async () => {
    const result = (await vscode.commands.executeCommand<CompareImageResult>('mlDiskSpace.docker.compareImage', `docker:image:${engine.ids.ml1}`, undefined, engine.ids.ml2))!;
    assert.ok(result, 'the command resolved with the comparison');
    const delta = (kind: string) => result.diff.kinds.find((k) => k.kind === kind)?.delta;
    // ml:2 = base + 200 KiB /data/data.bin (a *.bin counts as weights); ml:1 = base + weights + torch + script.
    assert.strictEqual(delta('weights'), engine.bytes.ml2Data - engine.bytes.ml1Models);
    assert.strictEqual(delta('pytorch'), -engine.bytes.ml1Torch);
    assert.strictEqual(delta('rest'), -engine.bytes.ml1Script);
    assert.strictEqual(delta('os'), 0);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.getText() === result.text, 'the comparison is the active editor');
    assert.match(result.text, /^# ml:1 → ml:2/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Analyze Image… opens the same breakdown as a chart, from the cached analysis', async () => {
    const analyses = (await analysisStats()).analyses;
    const result = (await vscode.commands.executeCommand<AnalyzeImageResult>('mlDiskSpace.docker.analyzeImage', `docker:image:${engine.ids.ml1}`))!;
    assert.ok(result, 'the command resolved with the analysis');
    assert.strictEqual(result.label, 'ml:1');
    assert.strictEqual(result.layers, 4);
    const panel = await waitFor('the breakdown chart to draw', async () => {
      const records = (await vscode.commands.executeCommand<ChartPanelRecord[]>('mlDiskSpace.test.chartPanels')) ?? [];
      return records.find((p) => p.key === result.panelKey && !p.disposed && p.rendered.length > 0);
    });
    assert.strictEqual(panel.mode, 'breakdown');
    assert.strictEqual(panel.title, 'Image ml:1');
    assert.deepStrictEqual(panel.errors, []);
    assert.strictEqual(panel.rendered[0].categories, 3, 'three boxes: Composition, Layers and Largest folders');
    assert.strictEqual((await analysisStats()).analyses, analyses, 'the tree’s analysis was reused');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Prune Dangling Images, confirmed: the dangling image goes (removed by id), the freed bytes are measured, nothing else changes', async () => {
    const before = await inventory(sock);
    const raw = (await rawDiskUsage(sock)).Images!.find((i) => i.Id === engine.ids.dangling)!;
    assert.ok(raw, 'the scene has its dangling image');
    const expected = raw.Size - raw.SharedSize;
    const prompts = new Prompter(() => true).install(api);
    const result = (await vscode.commands.executeCommand<DockerCommandResult>('mlDiskSpace.docker.pruneDanglingImages'))!;

    assert.strictEqual(prompts.confirms.length, 1, 'one modal confirmation');
    const confirm = prompts.confirms[0];
    assert.strictEqual(confirm.kind, 'delete');
    assert.strictEqual(confirm.message, `Prune 1 dangling image and free ${formatBytes(expected)}?`);
    assert.ok(confirm.detail.includes(`Remove 1 dangling (untagged) image that no container uses? This frees ${formatBytes(expected)}.`), confirm.detail);
    assert.ok(confirm.detail.includes('This cannot be undone.'), confirm.detail);
    assert.ok(confirm.detail.includes(`image <none> (${short(engine.ids.dangling)}) — ${formatBytes(expected)}`), confirm.detail);
    assert.strictEqual(confirm.bytes, expected);

    assert.ok(result.confirmed && !result.cancelled, JSON.stringify(result.failures));
    // Removed by id (never the engine's prune): the bytes are the drop of the engine's own total.
    assert.strictEqual(result.report!.bytesSource, 'measured');
    assert.strictEqual(result.report!.bytesFreed, expected, 'the dangling image’s own layer');
    assert.strictEqual(result.reclaimedBytes, expected);
    assert.strictEqual(result.items, 1);
    assert.deepStrictEqual(result.failures, []);
    assert.strictEqual(result.summary, `Reclaimed ${formatBytes(expected)} (1 item)`);
    assert.deepStrictEqual(prompts.messages, [{ level: 'info', text: `Reclaimed ${formatBytes(expected)} (1 item).` }]);

    const after = await inventory(sock);
    assert.ok(!after.images.has(engine.ids.dangling), 'the dangling image is gone');
    assert.deepStrictEqual([...after.images].sort(), [...before.images].filter(([id]) => id !== engine.ids.dangling).sort(), 'every other image is untouched, tags included');
    assert.deepStrictEqual(after.containers, before.containers);
    assert.deepStrictEqual(after.volumes, before.volumes);
    // The tree was rescanned: no row for it any more.
    const imageRows = api.treeRows(row(api.treeRows('category:docker'), 'Images').treeId);
    assert.ok(!imageRows.some((r) => r.itemId === `docker:image:${engine.ids.dangling}`), 'the tree no longer shows it');
    assert.strictEqual(imageRows.length, after.images.size);
  });

  it('Prune Unused Volumes, declined: the confirmation warns of data loss with the bytes, and nothing changes', async () => {
    const before = await inventory(sock);
    const df = await rawDiskUsage(sock);
    const prompts = new Prompter(() => false).install(api);
    const result = (await vscode.commands.executeCommand<DockerCommandResult>('mlDiskSpace.docker.pruneUnusedVolumes'))!;
    assert.strictEqual(prompts.confirms.length, 1);
    const confirm = prompts.confirms[0];
    assert.strictEqual(confirm.bytes, engine.bytes.dataOrphan);
    assert.strictEqual(confirm.message, `Prune 1 unused volume and free ${formatBytes(engine.bytes.dataOrphan)}?`);
    assert.match(confirm.detail, /DATA LOSS: volumes hold data written by containers/);
    assert.match(confirm.detail, /Everything in data-orphan is deleted permanently/);
    assert.strictEqual(confirm.confirmLabel, 'Delete Volumes and Their Data');
    assert.ok(!confirm.detail.includes('data-used'), 'the volume a container uses is not offered');
    assert.strictEqual(result.confirmed, false);
    assert.strictEqual(result.report, undefined, 'nothing ran');
    assert.deepStrictEqual(prompts.messages, [], 'no progress, no summary');
    assert.deepStrictEqual(await inventory(sock), before);
    const volumes = (d: typeof df) => (d.Volumes ?? []).map((v) => `${v.Name} ${v.UsageData?.Size} ${v.UsageData?.RefCount} ${v.CreatedAt}`).sort();
    assert.deepStrictEqual(volumes(await rawDiskUsage(sock)), volumes(df), 'volume data untouched');
  });

  it('Remove Image(s) on an image a stopped container uses: asks to include the container, says so, removes both', async () => {
    const before = await inventory(sock);
    const prompts = new Prompter(() => true).install(api);
    const result = (await vscode.commands.executeCommand<DockerCommandResult>('mlDiskSpace.docker.removeImages', `docker:image:${engine.ids.used}`))!;
    assert.deepStrictEqual(prompts.confirms.map((c) => c.kind), ['include', 'delete']);
    assert.match(prompts.confirms[0].message, /^1 selected image is used by stopped containers\. Remove that container too\?$/);
    assert.ok(prompts.confirms[0].detail.includes('used:1: used by stopped-c (exited)'), prompts.confirms[0].detail);
    const confirm = prompts.confirms[1];
    assert.strictEqual(confirm.message.split(' and free ')[0], 'Remove 1 image and 1 stopped container');
    assert.ok(confirm.detail.includes('The stopped containers using them are removed too: stopped-c'), confirm.detail);
    assert.ok(confirm.detail.includes(`container stopped-c — ${formatBytes(engine.bytes.stoppedWritable)}`), confirm.detail);
    assert.ok(result.confirmed);
    assert.deepStrictEqual(result.failures, []);
    assert.strictEqual(result.items, 2);
    const after = await inventory(sock);
    assert.ok(!after.images.has(engine.ids.used) && !after.containers.has(engine.ids.stoppedContainer), 'image and container gone');
    assert.deepStrictEqual(after.volumes, before.volumes, 'its volume is kept');
    assert.deepStrictEqual([...after.images.keys()].sort(), [...before.images.keys()].filter((id) => id !== engine.ids.used).sort());
    hostLog(`    removed used:1 and stopped-c: "${result.summary}" (bytes measured as the drop of the engine's total)`);
  });

  it('with the engine stopped: the category shows why, with Retry; commands warn once; nothing crashes', async () => {
    process.kill(engine.pid, 'SIGTERM');
    // Wait for a DEFINITE state, not the first failure: while dockerd shuts down a ping can fail
    // with ECONNRESET/EPIPE and a later one with ENOENT. Only "no socket file" (ENOENT) or "no
    // listener on it" (ECONNREFUSED) are final: a stopped engine cannot go back from them.
    const code = await waitFor('dockerd to be gone (socket removed or refusing)', () =>
      engineRequest(sock, 'GET', '/_ping', { timeoutMs: 1000 }).then(
        () => undefined,
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? err.code : undefined),
      ),
    );
    const model = (await vscode.commands.executeCommand<ScanModel>('mlDiskSpace.retryCategory', 'category:docker'))!;
    const category = model.categories.find((c) => c.id === 'docker')!;
    const expected = new RegExp(`^Docker engine not reachable at ${engine.host.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (ECONNREFUSED|ENOENT|EPIPE|ECONNRESET)$`);
    assert.match(category.error ?? '', expected);
    const rows = api.treeRows('category:docker');
    assert.strictEqual(rows.length, 1, `one row says it: ${rows.map((r) => r.label).join(' | ')}`);
    assert.strictEqual(rows[0].type, 'error');
    assert.match(rows[0].label, expected);
    assert.ok(rows[0].label.endsWith(code!), `the row names the socket error the engine's absence gives: ${code}`);
    // The Retry entries (inline and context menu) are contributed for this row's contextValue.
    const menus = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when: string }[]> } }).contributes.menus['view/item/context'];
    const retry = menus.filter((m) => m.command === 'mlDiskSpace.retryCategory');
    assert.ok(retry.length >= 1);
    for (const m of retry) {
      const re = m.when.match(/viewItem =~ \/(.*)\/$/)![1];
      assert.match(rows[0].contextValue, new RegExp(re), `Retry (${m.when}) applies to "${rows[0].contextValue}"`);
    }
    assert.ok(model.categories.some((c) => c.id === 'workspace' && !c.error), 'the other categories are unaffected');

    // A command now: one warning naming the engine, no confirmation, no crash.
    const prompts = new Prompter(() => true).install(api);
    const result = (await vscode.commands.executeCommand<DockerCommandResult>('mlDiskSpace.docker.pruneBuildCache'))!;
    assert.match(result.engineError ?? '', expected);
    assert.strictEqual(prompts.confirms.length, 0);
    assert.strictEqual(prompts.messages.length, 1);
    assert.match(prompts.messages[0].text, expected);
    assert.deepStrictEqual(api.treeRows('category:docker').map((r) => r.type), ['error']);
    hostLog(`    engine stopped: "${rows[0].label}"`);
  });
});

