// The torch hub category: repos torch.hub downloaded and the checkpoint files in hub/checkpoints,
// sized like du, each deletable, and "delete all" leaving trusted_list and the folders.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import type { ScanModel } from '../../src/core/model';
import { TORCH_CLEAN_ID, torchCheckpointItemId, torchRepoItemId } from '../../src/core/categories/torch/scanner';
import { buildTorch, type TorchFixture } from '../support/cacheFixtures';
import { categoryOf, itemById, planById, planForItems, scanCaches } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

describe('torch hub', () => {
  let dir: string;
  let cleanup: () => void;
  let torch: TorchFixture;
  let env: Record<string, string>;
  let model: ScanModel;
  beforeEach(async () => {
    ({ dir, cleanup } = tempFolder('mlds-torch-'));
    torch = buildTorch(path.join(dir, 'torch-home'));
    env = { HOME: path.join(dir, 'home'), TORCH_HOME: torch.torchHome };
    model = await scanCaches(env, ['torch']);
  });
  afterEach(() => cleanup());

  it('lists repos and checkpoint files, sized like du', () => {
    const category = categoryOf(model, 'torch');
    assert.strictEqual(category.bytes, duBytes([torch.hub]));
    assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0), category.bytes, 'items add up');
    const repo = itemById(model, torchRepoItemId(torch.repo));
    assert.strictEqual(repo.kind, 'torch-repo');
    assert.strictEqual(repo.bytes, duBytes(torch.repo));
    for (const c of torch.checkpoints) {
      const item = itemById(model, torchCheckpointItemId(c.path));
      assert.deepStrictEqual([item.kind, item.bytes, item.reclaimable], ['torch-checkpoint', c.bytes, true]);
    }
    const other = category.items.find((i) => i.kind === 'torch-other')!;
    assert.strictEqual(other.reclaimable, false);
    assert.ok(other.children!.some((c) => c.path === torch.trustedList));
    assert.strictEqual(category.reclaimableBytes, duBytes(torch.repo) + torch.checkpoints.reduce((s, c) => s + c.bytes, 0));
  });

  it('deletes chosen checkpoints', async () => {
    const chosen = torch.checkpoints[0].path;
    const plan = await planForItems(model, [torchCheckpointItemId(chosen)], env);
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes, t.root]), [[chosen, 'file', torch.checkpoints[0].bytes, torch.hub]]);
    const before = snapshotTree(dir);
    await executePlan(plan);
    assertOnlyRemoved(before, snapshotTree(dir), [path.relative(dir, chosen)]);
  });

  it('clean: every repo and checkpoint; trusted_list and the folders stay', async () => {
    const plan = await planById(model, TORCH_CLEAN_ID, env);
    const expected = [torch.repo, ...torch.checkpoints.map((c) => c.path)];
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), expected.sort());
    assert.strictEqual(plan.bytes, categoryOf(model, 'torch').reclaimableBytes);
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), expected.map((p) => path.relative(dir, p)));
  });
});

describe('torch hub: incomplete downloads', () => {
  it('a `.partial` download is an incomplete download, not a checkpoint (and can still be deleted)', async () => {
    const { dir, cleanup } = tempFolder('mlds-torch-partial-');
    try {
      const torch = buildTorch(path.join(dir, 'torch-home'));
      // torch.hub.download_url_to_file writes `<file>.<uuid hex>.partial` and renames it when done.
      const partial = path.join(torch.hub, 'checkpoints', 'resnet50-0676ba61.pth.7f3c0e9a5b2d4c1e8f6a9b0c1d2e3f40.partial');
      fs.writeFileSync(partial, Buffer.alloc(8 * 1024, 7));
      const env = { HOME: path.join(dir, 'home'), TORCH_HOME: torch.torchHome };
      const model = await scanCaches(env, ['torch']);
      const items = categoryOf(model, 'torch').items;
      assert.ok(!items.some((i) => i.kind === 'torch-checkpoint' && i.path === partial), 'not listed as a checkpoint');
      const item = items.find((i) => i.path === partial)!;
      assert.strictEqual(item.kind, 'torch-partial');
      assert.match(item.label, /incomplete download/);
      assert.deepStrictEqual(items.filter((i) => i.kind === 'torch-checkpoint').map((i) => i.path).sort(), torch.checkpoints.map((c) => c.path).sort());
      const plan = await planForItems(model, [item.id], env);
      assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.bytes]), [[partial, duBytes(partial)]]);
    } finally {
      cleanup();
    }
  });
});
