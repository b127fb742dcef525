// Where the inodes went, on a real tree: the tree's "files" order (mlDiskSpace.sortBy = files)
// and the folder the summary names as holding most files. Expected counts come from find(1).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { folderWithMostEntries, inodeSummaryLine } from '../../src/core/headroom/mostEntries';
import type { ScanModel } from '../../src/core/model';
import { scan } from '../../src/core/scan/scan';
import { buildNodeIndex, type ItemNode } from '../../src/host/tree/nodes';
import { filesOf, sortForTree } from '../../src/host/tree/sort';

/** Non-directory entries below `p`, as find counts them. */
const findFiles = (p: string) => execFileSync('find', [p, '-not', '-type', 'd'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;

describe('inodes: sort by file count, the folder holding most files', function () {
  this.timeout(60_000);
  let root: string;
  let model: ScanModel;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-inode-sort-'));
    const mk = (rel: string, n: number, bytes: number) => {
      fs.mkdirSync(path.join(root, rel), { recursive: true });
      for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, rel, `f-${i}.txt`), Buffer.alloc(bytes, 7));
    };
    mk('big', 1, 6 << 20); // largest by bytes, fewest files
    mk('mid', 30, 64 << 10);
    mk('shards/part-0', 250, 10); // most files, tiny
    mk('shards/part-1', 20, 10);
    mk('logs', 90, 100);
    fs.symlinkSync('big/f-0.txt', path.join(root, 'link-to-big')); // a symlink is an entry (an inode) too
    model = await scan({ roots: [root], env: { HOME: path.join(root, 'no-home') }, settings: { docker: false } });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const workspaceChildren = (sortBy: 'size' | 'files') => {
    const index = buildNodeIndex(model, sortBy);
    const workspace = index.roots.find((r) => r.category.id === 'workspace')!;
    const rootNode = workspace.children[0] as ItemNode;
    return rootNode.children.map((c) => (c as ItemNode).item);
  };

  it('sortBy files: most files first, counts equal to find', () => {
    const items = workspaceChildren('files');
    const expected = ['shards', 'logs', 'mid', 'big', 'link-to-big']
      .map((name) => ({ name, files: findFiles(path.join(root, name)) }))
      .sort((a, b) => b.files - a.files);
    assert.deepEqual(items.map((i) => i.label), expected.map((e) => e.name));
    assert.deepEqual(items.map((i) => filesOf(i)), expected.map((e) => e.files));
    // Not the size order: big (6 MB, one file) leads by bytes.
    assert.equal(workspaceChildren('size')[0].label, 'big');
  });

  it('items whose count is unknown come last; a category counts its items\' files', () => {
    const known = { label: 'a', bytes: 1, fields: { files: 3 } };
    const unknown = { label: 'b', bytes: 100 };
    assert.deepEqual(sortForTree([unknown, known], 'files').map((i) => i.label), ['a', 'b']);
    const workspace = model.categories.find((c) => c.id === 'workspace')!;
    assert.equal(filesOf(workspace), findFiles(root));
  });

  it('the folder holding most files is the most specific one holding the bulk: shards/part-0', () => {
    const most = folderWithMostEntries(model)!;
    // shards holds 270 of 392 files (over half of the root), part-0 holds 250 of shards' 270.
    assert.ok(findFiles(path.join(root, 'shards')) * 2 >= findFiles(root));
    assert.equal(most.path, path.join(root, 'shards', 'part-0'));
    assert.equal(most.files, findFiles(path.join(root, 'shards', 'part-0')));
  });

  it('the summary names it only when inodes are pressing', () => {
    assert.equal(inodeSummaryLine(model), undefined, 'this volume has inodes to spare');
    const pressed: ScanModel = {
      ...model,
      volume: { ...model.volume!, limits: [{ kind: 'inodes', source: 'statfs', limitInodes: 1000, usedInodes: 950, freeInodes: 50 }] },
    };
    assert.equal(inodeSummaryLine(pressed), `Most files: ${path.join(root, 'shards', 'part-0')} (250 files, in Large workspace items)`);
  });
});
