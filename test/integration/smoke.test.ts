// Runs inside a real extension host: the extension is there, activates, scans the fixture
// workspace, and its model gives the fixture's folders the bytes `du` gives them.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Item } from '../../src/core/model';
import type { MlDiskSpaceApi } from '../../src/host/api';
import { partInfo, readFixture, WorkspaceItemsInfo } from './fixture';
import { EXTENSION_ID } from './recorder';
import { duBytes } from '../support/diskUsage';

const duDiskUsage = (p: string) => duBytes(p);
const duApparent = (p: string) => duBytes(p, true);

/** Depth-first search for the item with this path, with the list it sits in. */
function findByPath(items: Item[], p: string): { item: Item; siblings: Item[] } | undefined {
  for (const item of items) {
    if (item.path === p) return { item, siblings: items };
    const found = findByPath(item.children ?? [], p);
    if (found) return found;
  }
  return undefined;
}

function outline(items: Item[], depth = 0): string {
  return items.map((i) => `${'  '.repeat(depth)}${i.label} ${i.path ?? ''} ${i.bytes}\n${outline(i.children ?? [], depth + 1)}`).join('');
}

describe('smoke: ML Disk Space in a real extension host', () => {
  const fixture = readFixture();
  const ws = partInfo<WorkspaceItemsInfo>(fixture, 'workspaceItems');
  let api: MlDiskSpaceApi;

  it('opened the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepStrictEqual(
      folders.map((f) => f.uri.fsPath),
      [fixture.workspace],
    );
  });

  it(`has ${EXTENSION_ID} installed, and it activates with its API`, async () => {
    const ext = vscode.extensions.getExtension<MlDiskSpaceApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found; installed: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
    api = await ext.activate();
    assert.strictEqual(ext.isActive, true);
    assert.strictEqual(typeof api?.getModel, 'function', 'activate() must return { getModel() }');
  });

  it('mlDiskSpace.scan resolves and the workspace category holds the largest folder with du\'s byte count', async () => {
    assert.ok(api, 'extension did not activate');
    await vscode.commands.executeCommand('mlDiskSpace.scan');
    const model = api.getModel();
    assert.ok(model, 'getModel() is undefined after mlDiskSpace.scan resolved');
    assert.strictEqual(model.cancelled, false);

    const category = model.categories.find((c) => c.id === 'workspace');
    assert.ok(category, `no 'workspace' category; got: ${model.categories.map((c) => c.id).join(', ')}`);

    const largest = ws.folders[0];
    const expectedDisk = duDiskUsage(largest.path);
    // The fixture wrote real bytes, so disk usage covers at least the bytes written.
    assert.ok(expectedDisk >= largest.apparentBytes, `du says ${expectedDisk} B for ${largest.path}, fewer than the ${largest.apparentBytes} B written`);

    const found = findByPath(category.items, largest.path);
    assert.ok(found, `no item with path ${largest.path} in the workspace category:\n${outline(category.items)}`);
    assert.strictEqual(found.item.bytes, expectedDisk, `disk usage of ${path.basename(largest.path)}`);
    assert.strictEqual(found.item.apparentBytes, duApparent(largest.path), `apparent size of ${path.basename(largest.path)}`);

    // It is the largest among its siblings, and listed first.
    const second = findByPath(category.items, ws.folders[1].path);
    assert.ok(second, `no item with path ${ws.folders[1].path}:\n${outline(category.items)}`);
    assert.strictEqual(second.item.bytes, duDiskUsage(ws.folders[1].path));
    assert.ok(found.item.bytes > second.item.bytes);
    assert.strictEqual(found.siblings[0], found.item, `largest folder is not listed first:\n${outline(found.siblings)}`);
  });
});
