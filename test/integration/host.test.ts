// The VS Code layer in a real extension host: activation and its timings, the tree after a scan
// (sizes from du, not from our code), the status bar against df, the persisted scan shown before a
// refresh finishes, the view refreshing when a checkpoint folder changes (and not while hidden),
// deletion through the shared reclaim flow with the confirmation answered by the test, and the
// threshold notification firing once per crossing.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { formatBytes } from '../../src/core/format';
import type { ScanModel } from '../../src/core/model';
import type { MlDiskSpaceApi } from '../../src/host/api';
import type { ReclaimResult } from '../../src/host/reclaim';
import { partInfo, readFixture, writeRealFile, type HostScratchInfo, type WorkspaceItemsInfo } from './fixture';
import { hostLog } from './hostLog';
import { activatedApi, findByPath, Recorder, waitFor, assertDeletionSummary } from './recorder';

const VIEW_FOCUS = 'mlDiskSpace.items.focus';

const du = (p: string) => Number(execFileSync('du', ['-sB1', p], { encoding: 'utf8' }).split('\t')[0]);
const duApparent = (p: string) => Number(execFileSync('du', ['-sb', p], { encoding: 'utf8' }).split('\t')[0]);
const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Markdown text as a reader sees it (backslash escapes removed). */
const unescapeMd = (s: string) => s.replace(/\\(.)/g, '$1');

/** df's numbers for the volume holding `p`, in bytes. */
function df(p: string): { size: number; used: number; avail: number } {
  const line = execFileSync('df', ['-B1', '--output=size,used,avail', p], { encoding: 'utf8' }).trim().split('\n')[1];
  const [size, used, avail] = line.trim().split(/\s+/).map(Number);
  return { size, used, avail };
}




describe('host: the VS Code layer in a real extension host', function () {
  this.timeout(180_000);
  const fixture = readFixture();
  const ws = partInfo<WorkspaceItemsInfo>(fixture, 'workspaceItems');
  const scratch = partInfo<HostScratchInfo>(fixture, 'hostScratch');
  let api: MlDiskSpaceApi;
  const config = () => vscode.workspace.getConfiguration('mlDiskSpace');

  before(async () => {
    api = await activatedApi();
  });

  afterEach(async () => {
    api.setPrompts(undefined);
    for (const key of ['deleteMode', 'warnAtPercentUsed', 'criticalAtPercentUsed']) {
      if (config().inspect(key)?.globalValue !== undefined) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('activates; prints its activation timings', () => {
    const t = api.timings();
    assert.strictEqual(typeof t.activateMs, 'number');
    hostLog(`    activation: activate() took ${t.activateMs} ms; extension host up ${t.hostUptimeAtActivationMs} ms when it was called`);
    assert.ok(api.logLines().some((l) => l.startsWith('Activated in ')), 'the log says it activated');
  });

  it('mlDiskSpace.scan fills the tree: sizes, tooltips and context values from du', async () => {
    const model = (await vscode.commands.executeCommand<ScanModel>('mlDiskSpace.scan'))!;
    assert.ok(model && !model.cancelled, 'the scan command resolves with a complete model');
    assert.strictEqual(api.getModel(), model);
    assert.strictEqual(api.getModelSource(), 'scan');

    const roots = api.treeRows();
    const wsCategory = roots.find((r) => r.treeId === 'category:workspace');
    assert.ok(wsCategory, `no workspace category row; rows: ${roots.map((r) => r.label).join(', ')}`);
    assert.strictEqual(wsCategory.label, 'Large workspace items');
    // Category rows are ordered by size, largest first.
    const catBytes = roots.map((r) => model.categories.find((c) => `category:${c.id}` === r.treeId)!.bytes);
    assert.deepStrictEqual(catBytes, [...catBytes].sort((a, b) => b - a));

    const [rootRow] = api.treeRows(wsCategory.treeId);
    assert.ok(rootRow, 'the workspace folder row');
    assert.strictEqual(rootRow.label, path.basename(fixture.workspace));
    assert.match(rootRow.contextValue, /\bkind-workspace-folder\b/);
    assert.doesNotMatch(rootRow.contextValue, /\bdeletable\b/, 'a workspace folder itself is never offered for deletion');

    const children = api.treeRows(rootRow.treeId);
    const dataRow = children.find((r) => r.label === 'data');
    assert.ok(dataRow, `no data row under the workspace folder; rows: ${children.map((r) => `${r.label} ${r.description}`).join(' | ')}`);
    const dataDisk = du(ws.folders[0].path);
    const dataApparent = duApparent(ws.folders[0].path);
    assert.ok(dataRow.description.startsWith(formatBytes(dataDisk)), `description "${dataRow.description}" starts with du's ${formatBytes(dataDisk)}`);
    assert.ok(unescapeMd(dataRow.tooltip).includes(ws.folders[0].path), `tooltip has the full path: ${dataRow.tooltip}`);
    assert.match(dataRow.tooltip, new RegExp(`Disk usage: \\*\\*[^*]+\\*\\* \\(${dataDisk.toLocaleString('en-US')} bytes\\)`));
    assert.match(dataRow.tooltip, new RegExp(`Apparent size: [^(]+\\(${dataApparent.toLocaleString('en-US')} bytes\\) — the sum of the file sizes`));
    assert.match(dataRow.contextValue, /\bmldsItem\b.*\bkind-folder\b.*\bhasPath\b.*\bdeletable\b/);
    // Siblings are ordered by disk usage.
    const bytesById = new Map<string, number>();
    const stack = model.categories.flatMap((c) => c.items);
    while (stack.length) {
      const i = stack.pop()!;
      bytesById.set(i.id, i.bytes);
      stack.push(...(i.children ?? []));
    }
    const sizes = children.map((r) => bytesById.get(r.itemId!)!);
    assert.deepStrictEqual(sizes, [...sizes].sort((a, b) => b - a), 'children sorted by size');
    const scratchRow = children.find((r) => r.label === 'scratch');
    assert.ok(scratchRow);
    assert.ok(scratchRow.description.startsWith(formatBytes(du(scratch.dir))));
  });

  it('the status bar shows the free space df reports for the workspace volume', async () => {
    const state = await api.refreshStatus();
    const d = df(fixture.workspace);
    assert.ok(state, 'status refreshed');
    assert.strictEqual(state.volumePath, fixture.workspace);
    assert.strictEqual(state.totalBytes, d.size, 'total = df size');
    // Free space moves while tests write; allow 64 MiB of drift between the two reads.
    assert.ok(Math.abs(state.availableBytes - d.avail) <= 64 * 1024 * 1024, `available ${state.availableBytes} vs df ${d.avail}`);
    assert.ok(Math.abs(state.percentUsed - (100 * d.used) / (d.used + d.avail)) < 0.5, `percent used ${state.percentUsed} vs df`);
    assert.ok(state.text.startsWith(`$(database) ${formatBytes(state.availableBytes)} free`), state.text);
    assert.match(state.tooltip, new RegExp(`Total: ${formatBytes(d.size).replace('.', '\\.')}`));
    hostLog(`    status bar: "${state.text}" (df: ${formatBytes(d.avail)} available of ${formatBytes(d.size)})`);
  });

  it('reveals an item by id (for the chart), and says false for an unknown id', async () => {
    const model = api.getModel()!;
    const data = findByPath(undefined, model, ws.folders[0].path)!;
    assert.strictEqual(await api.revealItem(data.id), true);
    assert.strictEqual(await api.revealItem('workspace:folder:/no/such/item'), false);
  });

  it('persisted scan: shown at once on (re)activation, then refreshed in the background when the view is visible', async () => {
    await vscode.commands.executeCommand(VIEW_FOCUS);
    const previous = (await api.scanNow());
    assert.ok(!previous.cancelled);
    const events: { source?: string; scannedAt?: number; scanning: boolean }[] = [];
    const sub = api.onDidChangeModel((m) => events.push({ source: api.getModelSource(), scannedAt: m?.scannedAt, scanning: api.isScanning() }));
    try {
      const source = await api.restoreFromStorage();
      assert.strictEqual(source, 'persisted');
      assert.strictEqual(api.getModel()?.scannedAt, previous.scannedAt, 'the persisted model is the last scan');
      assert.ok(api.treeRows().length > 0, 'the tree has rows from the persisted model');
      assert.strictEqual(api.isScanning(), true, 'a background refresh is running while the persisted model is shown');
      const refreshed = await waitFor('the background refresh', () => events.find((e) => e.source === 'scan'));
      assert.ok(refreshed.scannedAt! > previous.scannedAt);
      assert.deepStrictEqual(events.map((e) => e.source), [undefined, 'persisted', 'scan'], 'persisted first, then the refresh');
      const t = await waitFor('the tree to draw the persisted model', () => api.timings().lastRestore?.populatedMs !== undefined && api.timings().lastRestore, 10_000);
      hostLog(`    persisted scan: in memory ${t.restoredMs} ms and drawn in the tree ${t.populatedMs} ms after the restore started; the background refresh finished later`);
      const all = api.timings();
      hostLog(`    this window: activate ${all.activateMs} ms; tree first populated ${all.populatedMs ?? '-'} ms after activation (${all.populatedSource ?? 'never'}); first scan done ${all.firstScanMs ?? '-'} ms after activation`);
    } finally {
      sub.dispose();
    }
  });

  it('refreshes when a checkpoint folder changes, but not while the view is hidden', async () => {
    await api.scanNow();
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await sleep(500);
    const before = api.getModel()!.scannedAt;
    // As a trainer does: the run folder exists, a checkpoint appears in it. (A folder created with
    // its contents in the same instant can slip past the OS file watcher, whose watch on the new
    // folder starts only after its creation event; the next save is seen then.)
    const runDir = path.join(scratch.dir, 'run-w');
    fs.mkdirSync(runDir);
    await sleep(1_000);
    const ckpt = path.join(runDir, 'checkpoint-10');
    writeRealFile(path.join(ckpt, 'model.safetensors'), 32 * 1024);
    await waitFor('the watcher to see the new checkpoint', () => api.logLines().some((l) => l.startsWith(`Checkpoint change seen: ${ckpt}`)), 10_000);
    // Debounce is 5 s: wait well past it. Hidden view: no scan.
    await sleep(8_000);
    assert.strictEqual(api.getModel()!.scannedAt, before, 'no scan while the view is hidden');
    assert.strictEqual(api.isScanning(), false);
    // Shown again: the change is picked up.
    await vscode.commands.executeCommand(VIEW_FOCUS);
    const model = await waitFor('a refresh after the view became visible', () => api.getModel()!.scannedAt > before && api.getModel(), 60_000).catch((err) => {
      throw new Error(`${err.message}; log:\n${api.logLines().slice(-15).join('\n')}`);
    });
    assert.ok(findByPath(undefined, model, ckpt) || JSON.stringify(model).includes(ckpt), `the new checkpoint ${ckpt} is in the refreshed model`);
    assert.ok(api.logLines().some((l) => l.includes('Checkpoint folder changed')), 'the log names the change');

    // Visible view: a change refreshes by itself (here: the whole run folder deleted in a terminal).
    const visibleBefore = model.scannedAt;
    fs.rmSync(runDir, { recursive: true, force: true });
    const after = await waitFor('a refresh after the checkpoint was removed', () => api.getModel()!.scannedAt > visibleBefore && api.getModel(), 90_000).catch((err) => {
      throw new Error(`${err.message}; log:\n${api.logLines().slice(-12).join('\n')}`);
    });
    assert.ok(!JSON.stringify(after).includes(ckpt), 'the removed checkpoint is gone from the model');
  });

  it('Delete with the confirmation accepted frees exactly the bytes it showed, and nothing else', async () => {
    await vscode.commands.executeCommand(VIEW_FOCUS);
    const model = await api.scanNow();
    const oldRun = findByPath(undefined, model, scratch.oldRun);
    const tmp = findByPath(undefined, model, scratch.tmpFile);
    assert.ok(oldRun && tmp, 'both targets are in the model');
    const expected = du(scratch.oldRun) + du(scratch.tmpFile);
    assert.strictEqual(oldRun.bytes + tmp.bytes, expected, 'the model shows du\'s bytes for them');
    const wsBefore = du(fixture.workspace);
    const keep = { cancel: sha(scratch.cancelFile), keep: sha(scratch.keepFile) };

    const rec = new Recorder(() => true);
    rec.install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.deleteItems', oldRun.id, [oldRun.id, tmp.id]);
    assert.ok(result, 'the command returns its result');

    assert.strictEqual(rec.confirms.length, 1, 'exactly one confirmation');
    const c = rec.confirms[0];
    assert.strictEqual(c.kind, 'delete');
    assert.strictEqual(c.bytes, expected);
    assert.strictEqual(c.confirmLabel, 'Delete Permanently');
    assert.ok(c.message.includes(formatBytes(expected)), c.message);
    assert.ok(c.detail.includes('permanently deleted — this cannot be undone'), c.detail);
    assert.ok(c.detail.includes(`${expected.toLocaleString('en-US')} bytes`), c.detail);
    for (const p of [scratch.oldRun, scratch.tmpFile]) assert.ok(c.detail.includes(`In ${path.dirname(p)}:`) && c.detail.includes(path.basename(p)), `the dialog lists ${p} once, by name under its folder:\n${c.detail}`);

    assert.strictEqual(result.confirmed, true);
    assert.deepStrictEqual(result.failures, []);
    assert.strictEqual(result.items, 2);
    assert.strictEqual(result.reclaimedBytes, expected);
    assert.ok(!fs.existsSync(scratch.oldRun) && !fs.existsSync(scratch.tmpFile), 'both are gone');
    assert.deepStrictEqual({ cancel: sha(scratch.cancelFile), keep: sha(scratch.keepFile) }, keep, 'the siblings are untouched');
    assert.strictEqual(wsBefore - du(fixture.workspace), expected, 'du of the workspace dropped by exactly the shown bytes');
    assertDeletionSummary(rec.messages, expected, [oldRun.label, tmp.label], fixture.workspace);

    // The model was rescanned after the deletion.
    const now = api.getModel()!;
    assert.ok(now.scannedAt > model.scannedAt, 'rescanned after deleting');
    assert.strictEqual(findByPath(undefined, now, scratch.oldRun), undefined);
    assert.ok(api.logLines().some((l) => l.includes(`deleted: ${scratch.oldRun}`)), 'the log lists each deleted target');
  });

  it('Delete with the confirmation cancelled deletes nothing', async () => {
    const model = await api.scanNow();
    const target = findByPath(undefined, model, scratch.cancelFile);
    assert.ok(target);
    const before = { hash: sha(scratch.cancelFile), du: du(fixture.workspace) };
    const rec = new Recorder(() => false);
    rec.install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.deleteItems', target.id, [target.id]);
    assert.strictEqual(rec.confirms.length, 1);
    assert.strictEqual(result?.confirmed, false);
    assert.strictEqual(result?.reclaimedBytes, 0);
    assert.strictEqual(sha(scratch.cancelFile), before.hash);
    assert.strictEqual(du(fixture.workspace), before.du);
    assert.deepStrictEqual(rec.messages, [], 'no summary after a cancelled confirmation');
  });

  it('trash mode: the dialog says the space returns only when the trash is emptied; never silently permanent', async () => {
    await config().update('deleteMode', 'trash', vscode.ConfigurationTarget.Global);
    const model = await api.scanNow();
    const target = findByPath(undefined, model, scratch.cancelFile)!;
    const hash = sha(scratch.cancelFile);
    // Accept the first question, decline any "delete permanently instead?".
    const rec = new Recorder((r) => r.kind === 'delete');
    rec.install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.deleteItems', target.id, [target.id]);
    const first = rec.confirms[0];
    assert.strictEqual(first.confirmLabel, 'Move to Trash');
    assert.ok(first.detail.includes('moved to the trash; the space returns only when the trash is emptied'), first.detail);
    const fallback = rec.confirms.find((r) => r.kind === 'trash-fallback');
    if (fallback) {
      // This file service has no trash (code-server's extension host): we asked, the answer was no.
      hostLog('    trash mode: no trash here; the fallback question was asked and declined');
      assert.strictEqual(fallback.confirmLabel, 'Delete Permanently');
      assert.ok(fallback.detail.includes('cannot be undone'));
      assert.strictEqual(sha(scratch.cancelFile), hash, 'declining the fallback deletes nothing');
      assert.strictEqual(result?.reclaimedBytes, 0);
      assert.deepStrictEqual(result?.failures.map((f) => f.code), ['trash-unavailable']);
    } else {
      hostLog('    trash mode: the file service has a trash; the file was moved there');
      assert.ok(!fs.existsSync(scratch.cancelFile));
      assert.match(result!.summary!, /to the trash; that space returns when the trash is emptied/);
    }
  });

  it('threshold notification fires once per crossing, and "Don\'t Warn Again" mutes the volume', async () => {
    const notifications = () => api.thresholdNotifications().length;
    let muteNext = false;
    const rec = new Recorder(() => false, (_text, actions) => (muteNext && actions.includes("Don't Warn Again for This Volume") ? "Don't Warn Again for This Volume" : undefined));
    rec.install(api);
    // Start from "nothing notified": thresholds at 100 % re-arm any earlier crossing.
    await config().update('warnAtPercentUsed', 100, vscode.ConfigurationTarget.Global);
    await config().update('criticalAtPercentUsed', 100, vscode.ConfigurationTarget.Global);
    await waitFor('level ok', async () => (await api.refreshStatus())?.level === 'ok');
    const start = notifications();

    await config().update('warnAtPercentUsed', 1, vscode.ConfigurationTarget.Global);
    await waitFor('the warn notification', () => notifications() === start + 1);
    for (let i = 0; i < 3; i++) await api.refreshStatus();
    await sleep(300);
    assert.strictEqual(notifications(), start + 1, 'once per crossing, however often it refreshes');
    const state = api.getStatus()!;
    assert.strictEqual(state.level, 'warn');
    assert.strictEqual(state.background, 'warning');
    assert.strictEqual(state.command, 'mlDiskSpace.showWhatUsesSpace', 'at warning a click scans and shows the tree');
    const shown = rec.messages.filter((m) => m.text.startsWith('Disk space is getting low'));
    assert.strictEqual(shown.length, 1);
    assert.strictEqual(shown[0].level, 'warn');
    assert.deepStrictEqual(shown[0].actions, ['Show What Uses Space', "Don't Warn Again for This Volume"]);

    // Back below (re-arms), crossing again notifies again; this time the user mutes the volume.
    await config().update('warnAtPercentUsed', 100, vscode.ConfigurationTarget.Global);
    await waitFor('level ok again', async () => (await api.refreshStatus())?.level === 'ok');
    muteNext = true;
    await config().update('warnAtPercentUsed', 1, vscode.ConfigurationTarget.Global);
    await waitFor('the second crossing', () => notifications() === start + 2);
    await waitFor('the mute to be stored', () => api.logLines().some((l) => l.startsWith('No more disk-space warnings')));

    // Muted: a third crossing is logged, not shown.
    await config().update('warnAtPercentUsed', 100, vscode.ConfigurationTarget.Global);
    await waitFor('level ok a third time', async () => (await api.refreshStatus())?.level === 'ok');
    await config().update('warnAtPercentUsed', 1, vscode.ConfigurationTarget.Global);
    await waitFor('the muted crossing in the log', () => api.logLines().some((l) => l.includes('not notifying, muted for this volume')));
    assert.strictEqual(notifications(), start + 2);
    await vscode.commands.executeCommand('mlDiskSpace.resetWarnings');
  });

  it('a checkpoint-run forecast that will not fit turns the status bar to warning', async () => {
    api.setForecastWarning('run-a needs ~138 GB more; 43 GB free');
    const warned = await waitFor('the forecast warning', async () => {
      const s = await api.refreshStatus();
      return s?.forecastWarning ? s : undefined;
    });
    assert.strictEqual(warned.background, warned.level === 'critical' ? 'error' : 'warning');
    assert.ok(warned.text.endsWith('$(warning)'));
    assert.ok(warned.tooltip.includes('Warning: run-a needs ~138 GB more; 43 GB free'));
    api.setForecastWarning(undefined);
    const cleared = await api.refreshStatus();
    assert.strictEqual(cleared?.forecastWarning, undefined);
    assert.ok(!cleared?.text.includes('$(warning)'));
  });
});
