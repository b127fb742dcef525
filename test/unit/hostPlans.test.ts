// The generic "Delete" of tree items: a plan made from a REAL scan of a real temp tree (identities
// checked against lstat, bytes against du -sB1), executed by the real executor, and checked byte
// for byte that nothing else changed. Also the settings reader's trust rules and the tree's order.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { findItem, type Item, type ScanModel } from '../../src/core/model';
import { scan } from '../../src/core/scan/scan';
import { readHostConfig, type ConfigSource, type InspectedValue } from '../../src/host/configRead';
import { planForItems, rootOf } from '../../src/host/itemsPlan';
import { sortForTree } from '../../src/host/tree/sort';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

const du = (p: string) => Number(execFileSync('du', ['-sB1', p], { encoding: 'utf8' }).split('\t')[0]);

function byPath(model: ScanModel, p: string): Item {
  const stack = model.categories.flatMap((c) => c.items);
  while (stack.length) {
    const item = stack.pop()!;
    if (item.path === p) return item;
    stack.push(...(item.children ?? []));
  }
  throw new Error(`no item for ${p}`);
}

describe('host: generic delete plans from a real scan', () => {
  let box: Sandbox;
  let model: ScanModel;

  before(async function () {
    this.timeout(60_000);
    box = makeSandbox('mlds-hostplan-');
    writeFile(path.join(box.root, 'data', 'a.bin'), 300_000);
    writeFile(path.join(box.root, 'data', 'nested', 'b.bin'), 200_000);
    writeFile(path.join(box.root, 'logs', 'run.log'), 50_000);
    writeFile(path.join(box.root, 'keep', 'important.txt'), 'do not delete');
    fs.symlinkSync(box.outside, path.join(box.root, 'link-out'));
    writeFile(path.join(box.outside, 'precious.bin'), 10_000);
    const home = path.join(box.dir, 'home');
    fs.mkdirSync(home);
    model = await scan({ roots: [box.root], env: { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') }, settings: { docker: false } });
  });

  after(() => box.cleanup());

  it('targets carry the scanned identity, the root, and du\'s bytes; nested selections count once', () => {
    const data = byPath(model, path.join(box.root, 'data'));
    const nested = byPath(model, path.join(box.root, 'data', 'nested'));
    const log = byPath(model, path.join(box.root, 'logs', 'run.log'));
    const { plan, refused, coveredByParent } = planForItems([nested, data, log], model);
    assert.ok(plan);
    assert.deepStrictEqual(refused, []);
    assert.deepStrictEqual(coveredByParent, [nested.path]);
    assert.deepStrictEqual(plan.targets.map((t) => t.path), [data.path, log.path].sort((a, b) => a!.length - b!.length));
    for (const t of plan.targets) {
      const st = fs.lstatSync(t.path);
      assert.strictEqual(t.dev, st.dev);
      assert.strictEqual(t.ino, st.ino);
      assert.strictEqual(t.type, st.isDirectory() ? 'dir' : 'file');
      assert.strictEqual(t.root, box.root);
      assert.strictEqual(t.bytes, du(t.path), `bytes of ${t.path}`);
    }
    assert.strictEqual(plan.bytes, du(data.path!) + du(log.path!));
    assert.strictEqual(plan.scannedAt, model.scannedAt);
    assert.strictEqual(plan.title, 'Delete 2 items');
  });

  it('refuses the root itself, items without a path or identity, and items outside every root', () => {
    const rootItem = findItem(model, `workspace:root:${box.root}`)?.item;
    assert.ok(rootItem, 'the scan lists the root');
    const noPath: Item = { id: 'x:1', label: 'engine thing', kind: 'docker-image', bytes: 5, apparentBytes: 5, reclaimable: true };
    const noIdentity: Item = { id: 'x:2', label: 'hf repo', kind: 'hf-repo', path: path.join(box.root, 'data'), bytes: 5, apparentBytes: 5, reclaimable: true };
    const outside: Item = { ...byPath(model, path.join(box.root, 'logs')), id: 'x:3', path: box.outside };
    const result = planForItems([rootItem, noPath, noIdentity, outside], model);
    assert.strictEqual(result.plan, undefined);
    assert.deepStrictEqual(result.refused.map((r) => r.label), [rootItem.label, 'engine thing', 'hf repo', outside.label]);
    assert.match(result.refused[0].reason, /not offered|root/);
    assert.match(result.refused[3].reason, /not inside a scanned folder/);
  });

  it('rootOf picks the deepest root and does not match a sibling with a common prefix', () => {
    assert.strictEqual(rootOf('/a/b/c', ['/a', '/a/b']), '/a/b');
    assert.strictEqual(rootOf('/a/bc/d', ['/a/b']), undefined);
  });

  it('the executor deletes exactly the planned paths (symlinked folder and its target untouched)', async () => {
    const data = byPath(model, path.join(box.root, 'data'));
    const link = byPath(model, path.join(box.root, 'link-out'));
    const before = snapshotTree(box.dir);
    const { plan } = planForItems([data, link], model);
    assert.ok(plan);
    const report = await executePlan(plan, { protectedPaths: [box.root] });
    assert.deepStrictEqual(report.outcomes.map((o) => [path.basename(o.path), o.status]), [['data', 'deleted'], ['link-out', 'deleted']]);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    const rel = (p: string) => path.relative(box.dir, p);
    assertOnlyRemoved(before, snapshotTree(box.dir), [rel(data.path!), rel(link.path!)]);
    assert.ok(fs.existsSync(path.join(box.outside, 'precious.bin')), 'the symlink target survives');
  });
});

describe('host: settings', () => {
  function source(values: Record<string, InspectedValue<unknown>>, trusted: boolean): ConfigSource {
    return {
      trusted,
      inspect: <T>(key: string) => values[key] as InspectedValue<T> | undefined,
      get: <T>(key: string) => {
        const v = values[key];
        return (v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue ?? v?.defaultValue) as T | undefined;
      },
    };
  }

  it('in an untrusted workspace, extraRoots and docker.host come from the user settings only', () => {
    const values = {
      extraRoots: { defaultValue: [], globalValue: ['/data/runs'], workspaceValue: ['/etc', '/'] },
      'docker.host': { defaultValue: '', workspaceValue: 'tcp://evil.example:2375' },
      exclude: { defaultValue: ['**/.git/**'], workspaceValue: ['**/tmp/**'] },
    };
    const untrusted = readHostConfig(source(values, false));
    assert.deepStrictEqual(untrusted.scan.extraRoots, ['/data/runs']);
    assert.strictEqual(untrusted.scan.dockerHost, '');
    assert.deepStrictEqual(untrusted.scan.exclude, ['**/tmp/**'], 'unrestricted settings still come from the workspace');
    assert.deepStrictEqual(untrusted.ignoredWorkspaceValues, ['mlDiskSpace.extraRoots', 'mlDiskSpace.docker.host']);

    const trusted = readHostConfig(source(values, true));
    assert.deepStrictEqual(trusted.scan.extraRoots, ['/etc', '/']);
    assert.strictEqual(trusted.scan.dockerHost, 'tcp://evil.example:2375');
    assert.deepStrictEqual(trusted.ignoredWorkspaceValues, []);
  });

  it('defaults, units and clamping', () => {
    const c = readHostConfig(source({ looseWeightMinMB: { globalValue: 250 }, warnAtPercentUsed: { globalValue: 150 }, 'statusBar.refreshSeconds': { globalValue: 1 }, sortBy: { globalValue: 'bogus' }, deleteMode: { globalValue: 'trash' } }, true));
    assert.strictEqual(c.scan.looseWeightMinBytes, 250e6);
    assert.strictEqual(c.warnAtPercentUsed, 100);
    assert.strictEqual(c.criticalAtPercentUsed, 98);
    assert.strictEqual(c.statusBarRefreshSeconds, 5);
    assert.strictEqual(c.sortBy, 'size');
    assert.strictEqual(c.deleteMode, 'trash');
    assert.strictEqual(c.planMaxAgeMinutes, 60);
    assert.strictEqual(c.scan.docker, true);
    const d = readHostConfig(source({ deleteMode: { globalValue: 'yes please' } }, true));
    assert.strictEqual(d.deleteMode, 'permanent', 'anything but "trash" is permanent, the documented default');
  });
});

describe('host: tree order', () => {
  const items = [
    { label: 'checkpoint-1000', bytes: 10, modifiedMs: 3000 },
    { label: 'checkpoint-900', bytes: 30, modifiedMs: 1000 },
    { label: 'Alpha', bytes: 20 },
    { label: 'beta', bytes: 20, modifiedMs: 2000 },
  ];
  it('size: largest first, ties by name', () => {
    assert.deepStrictEqual(sortForTree(items, 'size').map((i) => i.label), ['checkpoint-900', 'Alpha', 'beta', 'checkpoint-1000']);
  });
  it('name: case-insensitive, numbers as numbers', () => {
    assert.deepStrictEqual(sortForTree(items, 'name').map((i) => i.label), ['Alpha', 'beta', 'checkpoint-900', 'checkpoint-1000']);
  });
  it('age: least recently modified first, unknown age last', () => {
    assert.deepStrictEqual(sortForTree(items, 'age').map((i) => i.label), ['checkpoint-900', 'beta', 'checkpoint-1000', 'Alpha']);
  });
});
