// The chart webview in a real extension host: "Show Chart" opens a panel whose webview (a real
// iframe in the workbench page) receives the scan model and answers with what it drew; a click in
// the webview reveals the item in the tree (the tree's own selection is checked through
// Copy Path, which acts on it); Backspace goes back up; a new scan redraws; an item breakdown (the
// image-analysis entry point) opens in the same webview.
//
// The bundled extension and this file are separate module instances, so the panel's record and the
// test hooks are reached through commands the extension registers in ExtensionMode.Test only.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Item, ScanModel } from '../../src/core/model';
import type { MlDiskSpaceApi } from '../../src/host/api';
import type { ChartPanelRecord } from '../../src/host/webview/chartPanel';
import type { HostToWebview } from '../../src/shared/chartProtocol';
import { partInfo, readFixture, type WorkspaceItemsInfo } from './fixture';
import { activatedApi, waitFor } from './recorder';


async function panels(): Promise<ChartPanelRecord[]> {
  const records = await vscode.commands.executeCommand<ChartPanelRecord[] | undefined>('mlDiskSpace.test.chartPanels');
  assert.ok(Array.isArray(records), 'mlDiskSpace.test.chartPanels is not registered: the extension host is not in ExtensionMode.Test');
  return records;
}

async function panel(key: string): Promise<ChartPanelRecord | undefined> {
  return (await panels()).find((p) => p.key === key && !p.disposed);
}

async function post(key: string, message: HostToWebview): Promise<void> {
  const delivered = await vscode.commands.executeCommand<boolean>('mlDiskSpace.test.chartPost', key, message);
  assert.strictEqual(delivered, true, `postMessage to the ${key} chart was not delivered`);
}

/** The item whose path is `p`, with the ids of its ancestors (as the chart's drill-down path has them). */
function itemAt(model: ScanModel, p: string): { item: Item; ancestors: string[] } | undefined {
  for (const category of model.categories) {
    const stack = category.items.map((item) => ({ item, ancestors: [`category:${category.id}`] }));
    while (stack.length) {
      const { item, ancestors } = stack.pop()!;
      if (item.path === p) return { item, ancestors };
      for (const child of item.children ?? []) stack.push({ item: child, ancestors: [...ancestors, item.id] });
    }
  }
  return undefined;
}

describe('chart webview', () => {
  const fixture = readFixture();
  const ws = partInfo<WorkspaceItemsInfo>(fixture, 'workspaceItems');
  /** data/ (one 3 MiB file): a folder with a child, so a click both reveals and zooms. */
  const dataFolder = ws.folders[0].path;
  let api: MlDiskSpaceApi;
  let model: ScanModel;

  before(async () => {
    api = await activatedApi();
    model = await api.scanNow();
    assert.strictEqual(model.cancelled, false, 'the scan was cancelled');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Show Chart opens a panel whose webview receives the model and draws every category', async () => {
    await vscode.commands.executeCommand('mlDiskSpace.showChart');
    const record = await waitFor('the chart webview to answer "rendered"', async () => {
      const p = await panel('volume');
      return p && p.rendered.length > 0 && p;
    });
    const ack = record.rendered[record.rendered.length - 1];
    assert.strictEqual(ack.mode, 'volume');
    assert.strictEqual(ack.categories, api.getModel()!.categories.length, 'categories drawn vs categories in the model');
    assert.ok(ack.categories > 0, 'the model has no category');
    assert.strictEqual(ack.focusId, 'synthetic:root', 'a new chart starts at the top');
    assert.deepStrictEqual(record.errors, [], 'the webview reported errors');
    assert.strictEqual(record.title, 'Disk Usage Chart');

    // A second Show Chart brings the same panel forward instead of opening another.
    await vscode.commands.executeCommand('mlDiskSpace.showChart');
    assert.strictEqual((await panels()).filter((p) => p.key === 'volume' && !p.disposed).length, 1);
  });

  it('a click on an item in the webview reveals and selects it in the tree, and zooms into it', async () => {
    model = api.getModel()!;
    const target = itemAt(model, dataFolder);
    assert.ok(target, `no item for ${dataFolder} in the model`);
    assert.ok(target.item.children?.length, `${dataFolder} has no children in the model, so a click cannot zoom`);
    const before = (await panel('volume'))!;

    await post('volume', { type: 'test:click', id: target.item.id });

    const after = await waitFor('the webview to ask for a reveal', async () => {
      const p = await panel('volume');
      return p && p.reveals.length > before.reveals.length && p;
    });
    assert.deepStrictEqual(after.reveals[after.reveals.length - 1], { id: target.item.id, revealed: true });

    // The tree's selection is that row: Copy Path without arguments acts on the selection.
    const selected = await waitFor('the tree selection to hold the clicked item', async () => {
      const paths = await vscode.commands.executeCommand<string[] | undefined>('mlDiskSpace.copyPath');
      return paths && paths.length === 1 && paths[0] === dataFolder && paths;
    }, 10_000).catch(async (err: Error) => {
      const paths = await vscode.commands.executeCommand<string[] | undefined>('mlDiskSpace.copyPath');
      throw new Error(`${err.message}; Copy Path (the tree's selection) gave ${JSON.stringify(paths)}`);
    });
    assert.deepStrictEqual(selected, [dataFolder]);
    assert.strictEqual(await vscode.env.clipboard.readText(), dataFolder);

    // The webview zoomed into the folder it clicked.
    await waitFor(`the webview to draw ${target.item.id}`, async () => (await panel('volume'))?.rendered.at(-1)?.focusId === target.item.id, 10_000);
  });

  it('Backspace in the list goes back up one level, to the clicked folder\'s parent', async () => {
    model = api.getModel()!;
    const target = itemAt(model, dataFolder)!;
    const parentId = target.ancestors[target.ancestors.length - 1];
    await post('volume', { type: 'test:key', id: target.item.children![0].id, key: 'Backspace' });
    await waitFor(`the webview to draw ${parentId}`, async () => (await panel('volume'))?.rendered.at(-1)?.focusId === parentId, 10_000);
    // Enter on a row with children opens it (without a reveal: the keyboard stays in the panel).
    const reveals = (await panel('volume'))!.reveals.length;
    await post('volume', { type: 'test:key', id: target.item.id, key: 'Enter' });
    await waitFor(`Enter to open ${target.item.id}`, async () => (await panel('volume'))?.rendered.at(-1)?.focusId === target.item.id, 10_000);
    assert.strictEqual((await panel('volume'))!.reveals.length, reveals, 'Enter on a folder revealed it instead of only opening it');
  });

  it('a new scan redraws the open chart with the new model', async () => {
    const drawn = (await panel('volume'))!.rendered.length;
    await vscode.commands.executeCommand('mlDiskSpace.scan');
    const record = await waitFor('a redraw after the scan', async () => {
      const p = await panel('volume');
      return p && p.rendered.length > drawn && p;
    });
    const ack = record.rendered[record.rendered.length - 1];
    assert.strictEqual(ack.categories, api.getModel()!.categories.length);
    // Still where the user was: the drill-down position survives a refresh of the data.
    const target = itemAt(api.getModel()!, dataFolder)!;
    assert.strictEqual(ack.focusId, target.item.id);
  });

  it('showBreakdown opens an item breakdown (e.g. an image analysis) in the same webview', async () => {
    const layer = (n: number, bytes: number, children?: Item[]): Item => ({
      id: `test-image:layer:${n}`,
      label: `layer ${n}`,
      kind: 'docker-layer',
      bytes,
      apparentBytes: bytes,
      children,
    });
    const file = (n: number, bytes: number): Item => ({ id: `test-image:file:${n}`, label: `/opt/file-${n}`, kind: 'file', path: `/opt/file-${n}`, bytes, apparentBytes: bytes });
    const root: Item = {
      id: 'test-image:root',
      label: 'test-image:latest',
      kind: 'docker-image',
      bytes: 6_000_000,
      apparentBytes: 6_000_000,
      children: [layer(1, 4_000_000, [file(1, 3_000_000), file(2, 1_000_000)]), layer(2, 2_000_000)],
    };
    const key = await vscode.commands.executeCommand<string>('mlDiskSpace.test.showBreakdown', 'Image test-image:latest', root);
    const record = await waitFor('the breakdown webview to answer "rendered"', async () => {
      const p = await panel(key);
      return p && p.rendered.length > 0 && p;
    });
    assert.strictEqual(record.mode, 'breakdown');
    assert.strictEqual(record.title, 'Image test-image:latest');
    assert.deepStrictEqual(record.rendered[0], { type: 'rendered', mode: 'breakdown', categories: 2, focusId: 'test-image:root', theme: record.rendered[0].theme });
    // Its items are not rows of the tree: a click zooms in and asks for no reveal.
    await post(key, { type: 'test:click', id: 'test-image:layer:1' });
    await waitFor('the breakdown to zoom into layer 1', async () => (await panel(key))?.rendered.at(-1)?.focusId === 'test-image:layer:1', 10_000);
    assert.deepStrictEqual((await panel(key))!.reveals, []);
    assert.ok((await panel('volume')) && !(await panel('volume'))!.disposed, 'the volume chart was replaced by the breakdown');
  });
});
