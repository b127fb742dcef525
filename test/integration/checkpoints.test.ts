// Checkpoints in a real extension host, on the scene of fixture part checkpointScene (HF Trainer,
// DeepSpeed and Lightning runs under <workspace>/training, one run in progress): the tree shows the
// runs, their badges and forecasts; Apply Retention Policy… answered through VS Code's real quick
// pick deletes exactly the planned checkpoints and nothing else (byte-for-byte snapshot), and
// nothing when the pick or the confirmation is dismissed; a run in progress needs a second
// confirmation; Delete and Slim free what they showed; a run that will not fit turns the status
// bar to warning. Sizes come from du, expectations from what the fixture wrote.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import { formatBytes, formatCount } from '../../src/core/format';
import type { MlDiskSpaceApi } from '../../src/host/api';
import type { ReclaimResult } from '../../src/host/reclaim';
import type { RenderedRow } from '../../src/host/tree/itemsTree';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { readCheckpointScene, type SceneRun } from './checkpointsFixture';
import { readFixture } from './fixture';
import { hostLog } from './hostLog';
import { activatedApi, answerQuickPick, findByPath, Recorder, waitFor, assertDeletionSummary } from './recorder';
import { duBytes } from '../support/diskUsage';

const CATEGORY_ROW = 'category:checkpoints';
const RETENTION = 'mlDiskSpace.checkpoints.applyRetention';
const ASKING = 'Apply Retention Policy: asking which policy';
const ACCEPT = 'workbench.action.acceptSelectedQuickOpenItem';
const DISMISS = 'workbench.action.closeQuickOpen';

const du = (...paths: string[]) => duBytes(paths);

/** Markdown text as a reader sees it (appendText's &nbsp; and backslash escapes undone). */
const unescapeMd = (s: string) => s.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');


describe('checkpoints: runs, retention, delete, slim and forecast in the real extension host', function () {
  this.timeout(120_000);
  const fixture = readFixture();
  const scene = readCheckpointScene(fixture);
  const runs = [scene.runs.hf, scene.runs.deepspeed, scene.runs.lightning, scene.runs.inProgress];
  const finished = [scene.runs.hf, scene.runs.deepspeed, scene.runs.lightning];
  const rel = (p: string) => path.relative(fixture.workspace, p);
  const config = () => vscode.workspace.getConfiguration('mlDiskSpace');
  let api: MlDiskSpaceApi;

  /** What keep best 2 + last deletes in every run (the run in progress: nothing). */
  const expectedDeletes = () => finished.flatMap((r) => r.retentionDeletes['2']);
  const runRow = (run: SceneRun): RenderedRow => {
    const row = api.treeRows(CATEGORY_ROW).find((r) => r.label === run.label);
    assert.ok(row, `no row "${run.label}" under Checkpoints; rows: ${api.treeRows(CATEGORY_ROW).map((r) => r.label).join(', ')}`);
    return row;
  };

  before(async () => {
    api = await activatedApi();
  });

  afterEach(async () => {
    api.setPrompts(undefined);
    for (const key of ['extraRoots', 'activeRunMinutes']) {
      if (config().inspect(key)?.globalValue !== undefined) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  /**
   * The fixture's runs were written moments ago, and slimming rewrites a checkpoint folder (the
   * walker's newest mtime includes folder times), so the Delete and Slim tests judge activity by
   * 0 minutes; activity itself is covered by the badge test and the unit tests.
   */
  const ignoreRecentActivity = async () => {
    await config().update('activeRunMinutes', 0, vscode.ConfigurationTarget.Global);
    return waitFor('a scan with activeRunMinutes 0', async () => {
      const m = await api.scanNow();
      return m.categories.find((c) => c.id === 'checkpoints')?.items.every((i) => i.fields?.inProgress !== true) && m;
    });
  };

  it('the tree shows every run with its checkpoints, sizes from du, badges best / last / would delete, in progress on the run row, step order, and the forecast', async () => {
    const model = await api.scanNow();
    assert.ok(!model.cancelled);
    const categoryRow = api.treeRows().find((r) => r.treeId === CATEGORY_ROW);
    assert.ok(categoryRow, `no Checkpoints category; categories: ${model.categories.map((c) => c.id).join(', ')}`);
    assert.strictEqual(categoryRow.label, 'Checkpoints');
    const reclaimable = du(...expectedDeletes());
    assert.ok(categoryRow.description.includes(`${formatBytes(reclaimable)} reclaimable`), `category "${categoryRow.description}" shows keep-best-2 + last's ${formatBytes(reclaimable)} reclaimable`);

    for (const run of runs) {
      const row = runRow(run);
      const real = run.checkpoints.filter((c) => c !== scene.lastLink);
      assert.ok(row.description.startsWith(formatBytes(du(...real))), `run ${run.label}: "${row.description}" starts with du's ${formatBytes(du(...real))}`);
      assert.ok(row.description.includes(formatCount(real.length, 'checkpoint')), row.description);
      assert.match(row.contextValue, /\bkind-run\b/);
      const children = api.treeRows(row.treeId);
      assert.deepStrictEqual(children.map((c) => c.label).sort(), run.checkpoints.map((c) => path.basename(c)).sort(), `checkpoint rows of ${run.label}`);
      // Checkpoints in step order (not by size): HF's fixture lists them oldest step first.
      if (run === scene.runs.hf) assert.deepStrictEqual(children.map((c) => c.label), run.checkpoints.map((c) => path.basename(c)), 'HF checkpoints in step order');
      const deletes = new Set(run.retentionDeletes['2']);
      for (const cp of run.checkpoints) {
        const child = children.find((c) => c.label === path.basename(cp))!;
        const badges = (child.contextValue.match(/\bbadge-[\w-]+/g) ?? []).map((b) => b.slice('badge-'.length)).sort();
        const want = new Set<string>();
        if (cp === run.best) want.add('best');
        if (cp === run.last || cp === scene.lastLink) want.add('last');
        // What the policy would delete is marked as such; "in progress" is on the run row only.
        if (deletes.has(cp)) want.add('would-delete');
        assert.deepStrictEqual(badges, [...want].sort(), `badges of ${rel(cp)}: ${child.contextValue}`);
        if (cp !== scene.lastLink) assert.ok(child.description.startsWith(formatBytes(du(cp))), `${rel(cp)}: "${child.description}" vs du ${formatBytes(du(cp))}`);
      }
    }
    const live = runRow(scene.runs.inProgress);
    assert.match(live.contextValue, /\bbadge-in-progress\b/);
    assert.ok(live.description.includes('in progress'), live.description);

    // Forecast of the HF run, by hand: from global_step 1000 to max_steps 3000 every 200 steps = 10 more saves of the newest checkpoint's size.
    const { globalStep, maxSteps, saveSteps } = scene.hfState;
    const saves = (maxSteps - globalStep) / saveSteps;
    const needs = `needs ~${formatBytes(saves * du(scene.runs.hf.last!))} more to finish`;
    const hf = runRow(scene.runs.hf);
    assert.ok(hf.description.includes(needs), `HF run "${hf.description}" says "${needs}"`);
    assert.ok(unescapeMd(hf.tooltip).includes(needs), `the tooltip repeats the forecast: ${hf.tooltip}`);
    hostLog(`    run row: ${hf.label} — ${hf.description}`);
  });

  it('Apply Retention Policy…: dismissing the quick pick asks nothing and deletes nothing', async () => {
    await api.scanNow();
    const before = snapshotTree(fixture.workspace);
    const rec = new Recorder(() => true).install(api);
    const result = await answerQuickPick(api, () => vscode.commands.executeCommand<ReclaimResult>(RETENTION, CATEGORY_ROW, [CATEGORY_ROW]), ASKING, [DISMISS], () => false);
    assert.strictEqual(result, undefined);
    assert.deepStrictEqual(rec.confirms, [], 'no confirmation after the pick was dismissed');
    assertOnlyRemoved(before, snapshotTree(fixture.workspace), []);
  });

  it('Apply Retention Policy… on all runs: the one confirmation shows what is deleted and kept with the exact bytes; declining deletes nothing', async () => {
    await api.scanNow();
    const before = snapshotTree(fixture.workspace);
    const rec = new Recorder(() => false).install(api);
    const result = await answerQuickPick(api, () => vscode.commands.executeCommand<ReclaimResult>(RETENTION, CATEGORY_ROW, [CATEGORY_ROW]), ASKING, [ACCEPT], () => rec.confirms.length > 0);
    assert.strictEqual(rec.confirms.length, 1, 'exactly one confirmation (the run in progress is left out, so no second one)');
    const c = rec.confirms[0];
    const expected = expectedDeletes();
    assert.strictEqual(c.kind, 'delete');
    assert.strictEqual(c.bytes, du(...expected), 'the confirmation states du\'s bytes of exactly the checkpoints keep-best-2 + last deletes');
    assert.strictEqual(c.confirmLabel, 'Delete Permanently');
    assert.ok(c.message.includes(formatBytes(c.bytes)), c.message);
    assert.ok(c.message.includes('keep best 2 + last'), c.message);
    assert.ok(c.detail.includes('permanently deleted — this cannot be undone'), c.detail);
    assert.ok(c.detail.includes(`${c.bytes.toLocaleString('en-US')} bytes`), c.detail);
    // Each item once, by name under its folder: never the same path twice.
    for (const p of expected) assert.ok(c.detail.includes(`In ${path.dirname(p)}:`) && c.detail.includes(`• ${path.basename(p)}`), `the dialog lists ${p}:\n${c.detail}`);
    for (const p of expected) assert.ok(!c.detail.includes(p), `${p} is not repeated as a full path per item`);
    assert.match(c.detail, /Kept \(\d+\):/);
    assert.ok(c.detail.includes('best (eval_loss=0.41)'), `the dialog says why the best is kept:\n${c.detail}`);
    assert.strictEqual(result?.confirmed, false);
    assertOnlyRemoved(before, snapshotTree(fixture.workspace), []);
    assert.deepStrictEqual(rec.messages, [], 'no summary after a declined confirmation');
  });

  it('a run in progress: included on request, it needs a second explicit confirmation; declining it deletes nothing', async () => {
    await api.scanNow();
    const live = scene.runs.inProgress;
    const id = `checkpoints:run:${live.runPath}`;
    const before = snapshotTree(fixture.workspace);
    const rec = new Recorder((r) => r.kind === 'delete').install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>(RETENTION, id, [id], { keepBest: 2, includeInProgress: true });
    assert.deepStrictEqual(rec.confirms.map((r) => r.kind), ['delete', 'second']);
    // By hand: eval_loss 3.1 @50, 2.9 @100 (best), 2.95 @150 (newest): keeping the best 2 + last leaves checkpoint-50.
    const doomed = path.join(live.runPath, 'checkpoint-50');
    assert.strictEqual(rec.confirms[0].bytes, du(doomed));
    assert.ok(rec.confirms[0].detail.includes(`In ${live.runPath}:`) && rec.confirms[0].detail.includes('checkpoint-50'), rec.confirms[0].detail);
    assert.ok(rec.confirms[1].message.includes('in progress'), rec.confirms[1].message);
    assert.ok(rec.confirms[1].message.includes(live.label), rec.confirms[1].message);
    assert.strictEqual(result?.confirmed, false);
    assertOnlyRemoved(before, snapshotTree(fixture.workspace), []);
  });

  it('Apply Retention Policy… accepted: deletes exactly the planned checkpoints, every other byte stays, and the tree is rescanned', async () => {
    const model = await api.scanNow();
    const before = snapshotTree(fixture.workspace);
    const duBefore = du(fixture.workspace);
    const rec = new Recorder(() => true).install(api);
    const result = await answerQuickPick(api, () => vscode.commands.executeCommand<ReclaimResult>(RETENTION, CATEGORY_ROW, [CATEGORY_ROW]), ASKING, [ACCEPT], () => rec.confirms.length > 0);
    const expected = expectedDeletes();
    const bytes = rec.confirms[0]?.bytes;
    assert.strictEqual(rec.confirms.length, 1);
    assert.ok(result?.confirmed, 'confirmed');
    assert.deepStrictEqual(result.failures, []);
    assert.strictEqual(result.items, expected.length);
    assert.strictEqual(result.reclaimedBytes, bytes);
    assertOnlyRemoved(before, snapshotTree(fixture.workspace), expected.map(rel));
    assert.strictEqual(duBefore - du(fixture.workspace), bytes, 'du of the workspace dropped by exactly the bytes the confirmation showed');
    assertDeletionSummary(rec.messages, bytes, expected.length <= 3 ? expected.map((p) => findByPath('checkpoints', model, p)!.label) : [], fixture.workspace);
    const now = api.getModel()!;
    assert.ok(now.scannedAt > model.scannedAt, 'rescanned after deleting');
    for (const p of expected) assert.strictEqual(findByPath('checkpoints', now, p), undefined, `${rel(p)} is gone from the model`);
    const bestRow = api.treeRows(runRow(scene.runs.hf).treeId).find((r) => r.label === path.basename(scene.runs.hf.best!));
    assert.match(bestRow?.contextValue ?? '', /\bbadge-best\b/, 'the best checkpoint is still there, still the best');
    hostLog(`    retention (keep best 2 + last) on all runs: ${result.summary}`);
  });

  it('Delete Checkpoint(s)… on a multi-selection frees exactly what it showed', async () => {
    const model = await ignoreRecentActivity();
    const targets = [path.join(scene.runs.hf.runPath, 'checkpoint-600'), path.join(scene.runs.lightning.runPath, 'epoch=2-step=300-val_loss=0.30.ckpt')];
    const ids = targets.map((p) => findByPath('checkpoints', model, p)?.id);
    assert.ok(ids.every(Boolean), 'both checkpoints are in the model');
    const before = snapshotTree(fixture.workspace);
    const expected = du(...targets);
    const rec = new Recorder(() => true).install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.checkpoints.delete', ids[0], ids);
    assert.strictEqual(rec.confirms.length, 1);
    assert.strictEqual(rec.confirms[0].bytes, expected);
    assert.strictEqual(result?.reclaimedBytes, expected);
    assert.strictEqual(result?.items, 2);
    assertOnlyRemoved(before, snapshotTree(fixture.workspace), targets.map(rel));
  });

  it('Slim Checkpoint(s) on the best checkpoint removes its optimizer and training state; weights and config stay', async () => {
    const model = await ignoreRecentActivity();
    const { checkpoint, removed, remaining } = scene.slim;
    const item = findByPath('checkpoints', model, checkpoint);
    assert.ok(item, `${rel(checkpoint)} is in the model`);
    const removedPaths = removed.map((f) => path.join(checkpoint, f));
    const expected = du(...removedPaths);
    const before = snapshotTree(fixture.workspace);
    const rec = new Recorder(() => true).install(api);
    const result = await vscode.commands.executeCommand<ReclaimResult>('mlDiskSpace.checkpoints.slim', item.id, [item.id]);
    assert.strictEqual(rec.confirms.length, 1);
    assert.strictEqual(rec.confirms[0].bytes, expected, `slimming frees du's bytes of ${removed.join(', ')}`);
    assert.strictEqual(result?.reclaimedBytes, expected);
    assertOnlyRemoved(before, snapshotTree(fixture.workspace), removedPaths.map(rel));
    const after = snapshotTree(fixture.workspace);
    for (const f of remaining) assert.ok(after.has(rel(path.join(checkpoint, f))), `${f} stays`);
    assert.ok(after.has(rel(path.join(checkpoint, 'model.safetensors'))) && after.has(rel(path.join(checkpoint, 'config.json'))), 'weights and config stay loadable');
  });

  it('a run that will not fit: its forecast is on its row and turns the status bar to warning, until the run is gone', async () => {
    const huge = scene.hugeRun;
    await config().update('extraRoots', [scene.hugeRunRoot], vscode.ConfigurationTarget.Global);
    const model = await waitFor('the extra root\'s run in the model', async () => {
      const m = await api.scanNow();
      return findByPath('checkpoints', m, huge.runPath) && m;
    });
    assert.ok(model);
    // By hand: global_step 200, save_steps 100, max_steps 10^12 -> (10^12 - 200) / 100 saves of the newest checkpoint.
    const newest = du(huge.last!);
    const needs = `needs ~${formatBytes(((1e12 - 200) / 100) * newest)} more to finish`;
    const row = runRow(huge);
    assert.ok(row.description.includes(needs), `"${row.description}" says "${needs}"`);
    const step = Number(/runs out near step (\d+)/.exec(row.description)?.[1]);
    const avail = Number(execFileSync('df', ['-B1', '--output=avail', huge.runPath], { encoding: 'utf8' }).trim().split('\n')[1]);
    // Saves that fit in the free space df reports (allowing 64 MiB of drift while tests write).
    const expectedStep = (k: number) => 300 + Math.floor(k / newest) * 100;
    assert.ok(step >= expectedStep(avail - 64 * 2 ** 20) && step <= expectedStep(avail + 64 * 2 ** 20), `runs out near step ${step}; df says ${avail} B free, ${newest} B per save`);
    const warned = await waitFor('the forecast warning on the status bar', async () => {
      const s = await api.refreshStatus();
      return s?.forecastWarning ? s : undefined;
    });
    assert.ok(warned.forecastWarning!.startsWith(`${huge.label} ${needs}`), warned.forecastWarning);
    assert.ok(warned.text.endsWith('$(warning)'), warned.text);
    assert.strictEqual(warned.background, warned.level === 'critical' ? 'error' : 'warning');
    assert.ok(warned.tooltip.includes(`Warning: ${huge.label} ${needs}`), warned.tooltip);
    hostLog(`    status bar: "${warned.text}" — ${warned.forecastWarning}`);

    await config().update('extraRoots', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the run to leave the model', async () => !findByPath('checkpoints', await api.scanNow(), huge.runPath));
    const cleared = await waitFor('the warning to clear', async () => {
      const s = await api.refreshStatus();
      return s && !s.forecastWarning ? s : undefined;
    });
    assert.ok(!cleared.text.includes('$(warning)'), cleared.text);
  });
});
