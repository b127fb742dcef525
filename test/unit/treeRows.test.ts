// What the tree shows of a REAL scan: a pip cache built on disk with pip's own housekeeping
// (selfcheck/) and uv's CACHEDIR.TAG: those rows are left out, the caches' content rows stay, and
// the user's own workspace files are never hidden. Tooltip facts read as words, not field dumps.
import * as assert from 'assert';
import * as path from 'path';
import type { Category, Item } from '../../src/core/model';
import { humanFacts, nameOf } from '../../src/host/tree/facts';
import { isShownRow } from '../../src/core/shownRows';
import { formatAge, formatBytes } from '../../src/core/format';
import { writeFile } from '../support/deletionFixtures';
import { scanCaches } from '../support/cacheScan';
import { tempFolder } from '../support/tempFolder';

function allItems(c: Category): Item[] {
  const out: Item[] = [];
  const stack = [...c.items];
  while (stack.length) {
    const i = stack.pop()!;
    out.push(i);
    stack.push(...(i.children ?? []));
  }
  return out;
}

describe('tree rows: what is left out', () => {
  it('hides pip selfcheck/ and uv CACHEDIR.TAG of a real scan, keeps the cache folders', async () => {
    const { dir, cleanup } = tempFolder('mlds-rows-');
    try {
      const pip = path.join(dir, 'pip');
      const uv = path.join(dir, 'uv');
      writeFile(path.join(pip, 'http-v2', 'a', 'entry.body'), 64 * 1024);
      writeFile(path.join(pip, 'wheels', 'ab', 'pkg-1.0-py3-none-any.whl'), 32 * 1024);
      writeFile(path.join(pip, 'selfcheck', 'state.json'), '{}');
      writeFile(path.join(uv, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n');
      writeFile(path.join(uv, 'wheels-v5', 'pypi', 'x.whl'), 16 * 1024);
      const model = await scanCaches({ HOME: path.join(dir, 'home'), PIP_CACHE_DIR: pip, UV_CACHE_DIR: uv }, ['pip', 'uv']);
      const shown = (id: string) => {
        const c = model.categories.find((x) => x.id === id)!;
        return allItems(c).filter((i) => isShownRow(i, c)).map((i) => path.basename(i.path ?? i.label));
      };
      const hidden = (id: string) => {
        const c = model.categories.find((x) => x.id === id)!;
        return allItems(c).filter((i) => !isShownRow(i, c)).map((i) => path.basename(i.path ?? i.label));
      };
      assert.ok(hidden('pip').includes('selfcheck'), `pip hidden: ${hidden('pip')}`);
      assert.ok(shown('pip').includes('http-v2') && shown('pip').includes('wheels'), `pip shown: ${shown('pip')}`);
      assert.ok(hidden('uv').includes('CACHEDIR.TAG'), `uv hidden: ${hidden('uv')}`);
      assert.ok(!shown('uv').includes('CACHEDIR.TAG'));
    } finally {
      cleanup();
    }
  });

  it('hides an empty Docker group, never a workspace file, keeps a reclaimable object of unknown size', () => {
    const cat = (id: string): Category => ({ id, label: id, bytes: 0, apparentBytes: 0, items: [] });
    const item = (kind: string, bytes: number, reclaimable = false): Item => ({ id: `x:${kind}`, label: 'Build cache', kind, bytes, apparentBytes: bytes, reclaimable, children: [] });
    assert.strictEqual(isShownRow(item('docker-build-cache', 0, true), cat('docker')), false);
    assert.strictEqual(isShownRow(item('docker-volume', 0, true), cat('docker')), true);
    assert.strictEqual(isShownRow({ ...item('file', 0), label: 'CACHEDIR.TAG' }, cat('workspace')), true);
  });

  it('hides a workspace subfolder left with nothing (its run counted under Checkpoints), never the workspace folder itself', () => {
    const workspace: Category = { id: 'workspace', label: 'Large workspace items', bytes: 0, apparentBytes: 0, items: [] };
    const folder = (kind: string, bytes: number, children: Item[] = []): Item => ({ id: `workspace:${kind}:/p/run`, label: 'run', kind, bytes, apparentBytes: bytes, reclaimable: true, children });
    assert.strictEqual(isShownRow(folder('folder', 0), workspace), false);
    assert.strictEqual(isShownRow(folder('workspace-folder', 0), workspace), true);
    assert.strictEqual(isShownRow(folder('folder', 4096), workspace), true);
    assert.strictEqual(isShownRow(folder('file', 0), workspace), true);
    assert.strictEqual(isShownRow(folder('folder', 0), { ...workspace, id: 'checkpoints' }), true);
  });
});

describe('tree tooltips: facts in words', () => {
  it('no camelCase keys, no raw ms, no false flags, no hashes', () => {
    const now = Date.now();
    const lines = humanFacts({ activityMs: now - 5 * 60_000, blobBytes: 2_000_000, inProgress: false, wheels: 1204, blob: 'a'.repeat(64), hardLinkedFiles: 3, durationMs: 1500, best: true }, now);
    assert.deepStrictEqual(lines, [
      `Last activity: ${formatAge(now - 5 * 60_000, now)}`,
      `Blob: ${formatBytes(2_000_000)}`,
      'Wheels: 1,204',
      'Hard-linked files: 3',
      'Duration: 1.5 s',
      'Best',
    ]);
    for (const l of lines) assert.doesNotMatch(l, /[a-z][A-Z]/, l);
    assert.strictEqual(nameOf('inProgress'), 'In progress');
  });
});
