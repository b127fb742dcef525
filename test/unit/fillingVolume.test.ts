// The disk that is filling leads: a workspace on a real, nearly full tmpfs and a pip cache on the
// sandbox's disk. The scan places each category on its mount point (as findmnt says), the tree
// puts the workspace's categories first although the cache is larger, marks the cache as on
// another disk, and the status bar's disks list both with the fullest shown.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fillingVolumes, freesNothingOn, leadWithFilling } from '../../src/core/fillingVolume';
import type { Category, ScanModel } from '../../src/core/model';
import { scan } from '../../src/core/scan/scan';
import { toText } from '../../src/core/report';
import { buildNodeIndex, type ItemNode } from '../../src/host/tree/nodes';
import { readScannedDisks } from '../../src/host/statusBar/scannedDisks';
import { volumeChartData } from '../../src/host/webview/chartData';
import { detailLine } from '../../src/webview/describe';
import { buildStatusView, fullestDisk, shortMount } from '../../src/host/statusBar/statusLogic';

const mountPointOf = (p: string) => execFileSync('findmnt', ['-n', '-o', 'TARGET', '-T', p], { encoding: 'utf8' }).trim();
const THRESHOLDS = { warnAtPercentUsed: 90, criticalAtPercentUsed: 98 };

describe('the disk that is filling leads (two real file systems)', function () {
  this.timeout(60_000);
  let base: string;
  let mnt: string;
  let cacheDir: string;
  let otherProject: string;
  let model: ScanModel;

  before(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-filling-'));
    mnt = path.join(base, 'workspace-disk');
    fs.mkdirSync(mnt);
    // Fails the suite loudly when the mount is refused: this test must not pass without it.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
    // The workspace: a training run whose checkpoint fills its disk past 90 %.
    const run = path.join(mnt, 'project', 'run', 'checkpoint-100');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(path.join(run, 'model.safetensors'), Buffer.alloc(7_700_000, 1));
    fs.writeFileSync(path.join(run, 'trainer_state.json'), '{"global_step": 100}\n');
    // A second workspace folder on the sandbox's own disk, larger than the first: the workspace
    // category is mostly elsewhere but partly on the filling disk.
    otherProject = path.join(base, 'other-project');
    fs.mkdirSync(otherProject);
    fs.writeFileSync(path.join(otherProject, 'dataset.bin'), Buffer.alloc(12 << 20, 3));
    // A pip cache three times larger, on the sandbox's own disk.
    cacheDir = path.join(base, 'pip-cache');
    fs.mkdirSync(path.join(cacheDir, 'http-v2', 'a'), { recursive: true });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(cacheDir, 'http-v2', 'a', `body-${i}`), Buffer.alloc(8 << 20, 2));
    model = await scan({
      roots: [path.join(mnt, 'project'), otherProject],
      env: { HOME: path.join(base, 'no-home'), PIP_CACHE_DIR: cacheDir },
      settings: { docker: false },
    });
  });
  after(() => {
    if (mnt) { try { execFileSync('umount', [mnt]); } catch { execFileSync('umount', ['-l', mnt]); } }
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it('each category and top-level item carries its mount point, as findmnt reports it', () => {
    const otherDisk = mountPointOf(cacheDir);
    assert.notStrictEqual(otherDisk, mnt, 'the cache is on another file system than the workspace');
    const pip = model.categories.find((c) => c.id === 'pip');
    assert.ok(pip, `a pip category: ${model.categories.map((c) => c.id).join(', ')}`);
    assert.strictEqual(pip.volume, otherDisk);
    const onTmpfs = model.categories.filter((c) => c.volume === mnt).map((c) => c.id);
    assert.ok(onTmpfs.length > 0, `some category mostly on the tmpfs; volumes: ${JSON.stringify(model.categories.map((c) => [c.id, c.volume]))}`);
    for (const c of model.categories) for (const i of c.items) if (i.path) assert.strictEqual(i.volume, mountPointOf(i.path), i.path);
    const df = execFileSync('df', ['-B1', '--output=used,avail', mnt], { encoding: 'utf8' }).trim().split('\n')[1].trim().split(/\s+/).map(Number);
    const tmpfs = model.volumes!.find((v) => v.mountPoint === mnt)!;
    assert.ok(Math.abs(tmpfs.percentUsed - (df[0] / (df[0] + df[1])) * 100) < 1, `${tmpfs.percentUsed} % used, df says ${df[0]} used ${df[1]} free`);
    assert.ok(tmpfs.percentUsed >= THRESHOLDS.warnAtPercentUsed, `the workspace disk is filling: ${tmpfs.percentUsed} %`);
    assert.deepStrictEqual(tmpfs.categories.sort(), onTmpfs.sort());
  });

  it('the tree leads with what is on the filling disk and marks the larger cache as on another disk', () => {
    const bySize = buildNodeIndex(model, 'size').roots.map((r) => r.category.id);
    assert.strictEqual(bySize[0], 'pip', `by size alone the cache comes first: ${bySize.join(', ')}`);
    const index = buildNodeIndex(model, 'size', THRESHOLDS);
    const touchesFilling = (c: Category) => c.volume === mnt || c.items.some((i) => i.volume === mnt);
    const order = index.roots.map((r) => r.category);
    const shown = order.map((c) => `${c.id}@${c.volume}[${c.items.map((i) => i.volume).join(',')}]`).join(', ');
    const firstOther = order.findIndex((c) => !touchesFilling(c));
    assert.ok(firstOther > 0, `a category on the filling disk first: ${shown}`);
    assert.ok(order.slice(firstOther).every((c) => !touchesFilling(c)), `every category on the filling disk before the others: ${shown}`);
    const pipNode = index.roots.find((r) => r.category.id === 'pip')!;
    assert.strictEqual(pipNode.freesNothingOn, mnt);
    for (const r of index.roots.slice(0, firstOther)) assert.strictEqual(r.freesNothingOn, undefined, r.category.id);
    // The workspace: mostly on the other disk, yet it leads; its folder there says so, the one on the tmpfs does not.
    const workspace = index.roots.find((r) => r.category.id === 'workspace')!;
    assert.strictEqual(workspace.category.volume, mountPointOf(otherProject), shown);
    assert.ok(index.roots.indexOf(workspace) < firstOther, shown);
    const rowOf = (p: string) => workspace.children.find((n) => n.type === 'item' && n.item.path === p) as ItemNode | undefined;
    assert.strictEqual(rowOf(otherProject)?.freesNothingOn, mnt, workspace.children.map((n) => n.type === 'item' ? n.item.path : n.type).join(', '));
    assert.strictEqual(rowOf(path.join(mnt, 'project'))?.freesNothingOn, undefined);
    assert.strictEqual(workspace.children[0], rowOf(path.join(mnt, 'project')), 'the folder on the filling disk first, though smaller');
    // Nothing is filling at thresholds above the disk's use: the user's sort stands, nothing is marked.
    const calm = buildNodeIndex(model, 'size', { warnAtPercentUsed: 100, criticalAtPercentUsed: 100 });
    assert.deepStrictEqual(calm.roots.map((r) => r.category.id), bySize);
    assert.ok(calm.roots.every((r) => r.freesNothingOn === undefined));
  });

  it('the chart marks the cache as on another disk, in its list line', () => {
    const data = volumeChartData(model, undefined, fillingVolumes(model.volumes!, THRESHOLDS));
    const node = (id: string) => data.root.children!.find((c) => c.id === `category:${id}`)!;
    assert.strictEqual(node('pip').otherDisk, `on another disk — frees nothing on ${mnt}`);
    assert.ok(detailLine(node('pip')).includes(`frees nothing on ${mnt}`), detailLine(node('pip')));
    assert.strictEqual(node('workspace').otherDisk, undefined);
    assert.strictEqual(volumeChartData(model).root.children!.find((c) => c.id === 'category:pip')!.otherDisk, undefined);
  });

  it('the CLI\'s text report leads with the same categories and marks the cache the same way', () => {
    const lines = toText(model, 5).split('\n');
    const fill = lines.findIndex((l) => l.startsWith(`Filling: ${mnt} (`));
    assert.ok(fill >= 0, lines.join('\n'));
    const rows = lines.filter((l) => /^ {0,8}[\d.]+ [kMGT]?B  \S/.test(l)); // category lines (items are indented further)
    // Both categories with something on the filling disk lead (largest first), the larger cache after.
    assert.deepStrictEqual(rows.slice(0, 2).map((l) => l.trim().replace(/^[\d.]+ [kMGT]?B {2}/, '')), ['Large workspace items', 'Checkpoints']);
    const pip = rows.find((l) => /B {2}pip/.test(l));
    assert.strictEqual(rows.indexOf(pip!), 2, rows.join('\n'));
    assert.ok(pip?.endsWith(`(on another disk — frees nothing on ${mnt})`), rows.join('\n'));
  });

  it('the status bar lists both disks and shows the fullest, naming it', async () => {
    const { disks, first } = await readScannedDisks([cacheDir], model);
    assert.strictEqual(first?.mountPoint, mountPointOf(cacheDir));
    assert.deepStrictEqual(disks.map((d) => d.mountPoint).sort(), [mnt, mountPointOf(cacheDir)].sort());
    const fullest = fullestDisk(disks)!;
    assert.strictEqual(fullest.mountPoint, mnt);
    const pipLabel = model.categories.find((c) => c.id === 'pip')!.label;
    const wsLabel = model.categories.find((c) => c.id === 'workspace')!.label;
    assert.deepStrictEqual(disks.find((d) => d.mountPoint !== mnt)!.holds.sort(), [pipLabel, wsLabel].sort());
    assert.ok(!fullest.holds.includes(pipLabel) && fullest.holds.length > 0, fullest.holds.join(', '));
    const view = buildStatusView({
      volumePath: mnt, totalBytes: fullest.totalBytes, freeBytes: fullest.availableBytes, availableBytes: fullest.availableBytes,
      percentUsed: fullest.percentUsed, thresholds: THRESHOLDS, disks, shownMount: mnt,
    });
    assert.ok(view.text.includes(`${shortMount(mnt)}:`), view.text);
    assert.notStrictEqual(view.level, 'ok');
    const perDisk = view.tooltipLines.filter((l) => l.startsWith('  ') && l.includes('% used)'));
    assert.strictEqual(perDisk.length, 2, view.tooltipLines.join('\n'));
    assert.ok(perDisk[0].includes(mnt), 'the fullest disk first');
  });
});

describe('fillingVolume: order and "frees nothing"', () => {
  const volumes = [
    { mountPoint: '/', percentUsed: 40 },
    { mountPoint: '/data', percentUsed: 92 },
    { mountPoint: '/scratch', percentUsed: 99 },
  ];
  it('critical before warning, fuller first; ok volumes are not filling', () => {
    assert.deepStrictEqual(fillingVolumes(volumes, THRESHOLDS).map((f) => [f.mountPoint, f.level]), [['/scratch', 'critical'], ['/data', 'warn']]);
  });
  it('leads with the most urgent disk, keeps the given order within each disk, unknown volumes last', () => {
    const filling = fillingVolumes(volumes, THRESHOLDS);
    const list = [{ id: 'a', volume: '/' }, { id: 'b', volume: '/data' }, { id: 'c' }, { id: 'd', volume: '/scratch' }, { id: 'e', volume: '/data' }];
    assert.deepStrictEqual(leadWithFilling(list, filling).map((x) => x.id), ['d', 'b', 'e', 'a', 'c']);
    assert.strictEqual(freesNothingOn(['/'], filling), '/scratch');
    assert.strictEqual(freesNothingOn(['/data'], filling), undefined);
    assert.strictEqual(freesNothingOn([undefined], filling), undefined);
    assert.strictEqual(freesNothingOn(['/'], []), undefined);
  });
  it('something partly on a filling disk leads and is not marked', () => {
    const filling = fillingVolumes(volumes, THRESHOLDS);
    const mixed = { id: 'workspace', volume: '/', items: ['/', '/data'] };
    const list = [{ id: 'pip', volume: '/', items: ['/'] }, mixed];
    assert.deepStrictEqual(leadWithFilling(list, filling, (x) => [x.volume, ...x.items]).map((x) => x.id), ['workspace', 'pip']);
    assert.strictEqual(freesNothingOn([mixed.volume, ...mixed.items], filling), undefined);
  });
});
