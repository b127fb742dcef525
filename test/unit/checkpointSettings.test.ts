// mlDiskSpace.checkpointMetricsGreaterIsBetter from the host's settings reader to the scan: the
// names are added to the built-in ones, and a metric they name is ranked greater-is-better, which
// changes which checkpoint is "best" and what retention deletes. Real Lightning run on disk;
// expectations by hand from the file names.
import * as assert from 'assert';
import * as path from 'path';
import { DEFAULT_GREATER_IS_BETTER } from '../../src/core/categories/checkpoints';
import type { Item } from '../../src/core/model';
import { scan } from '../../src/core/scan/scan';
import { readHostConfig, type ConfigSource } from '../../src/host/configRead';
import { KiB, makeLightningRun } from '../support/checkpointFixtures';
import { makeSandbox, type Sandbox } from '../support/deletionFixtures';

const DAY = 86_400_000;

function source(values: Record<string, unknown>): ConfigSource {
  return { trusted: true, get: <T>(key: string) => values[key] as T | undefined, inspect: () => undefined };
}

describe('settings: mlDiskSpace.checkpointMetricsGreaterIsBetter', () => {
  let box: Sandbox;
  let runPath: string;
  const files = ['epoch=0-step=10-val_mrr=0.40.ckpt', 'epoch=1-step=20-val_mrr=0.70.ckpt', 'epoch=2-step=30-val_mrr=0.55.ckpt', 'epoch=3-step=40-val_mrr=0.50.ckpt'];

  before(() => {
    box = makeSandbox('mlds-gib-');
    const run = makeLightningRun(path.join(box.root, 'lightning_logs', 'version_0'), {
      files: files.map((name) => ({ name, bytes: 8 * KiB })),
      newestMs: Date.now() - 2 * DAY,
    }, { best: files[1], retentionDeletes: () => [] });
    runPath = run.runPath;
  });
  after(() => box.cleanup());

  it('is read as an addition to the built-in names; empty or absent leaves the built-in list to the scanner', () => {
    const set = readHostConfig(source({ checkpointMetricsGreaterIsBetter: ['mrr', '', 42, 'ndcg'] })).scan;
    assert.deepStrictEqual(set.greaterIsBetter, [...DEFAULT_GREATER_IS_BETTER, 'mrr', 'ndcg']);
    assert.strictEqual(readHostConfig(source({ checkpointMetricsGreaterIsBetter: [] })).scan.greaterIsBetter, undefined);
    assert.strictEqual(readHostConfig(source({})).scan.greaterIsBetter, undefined);
  });

  it('decides which checkpoint is best and what keep best 1 + last deletes', async () => {
    const checkpointRows = async (values: Record<string, unknown>) => {
      const config = readHostConfig(source({ ...values, activeRunMinutes: 30 }));
      const model = await scan({ roots: [box.root], env: { HOME: box.outside }, settings: { ...config.scan, keepBest: 1, docker: false } });
      const run = model.categories.find((c) => c.id === 'checkpoints')?.items.find((i) => i.path === runPath);
      assert.ok(run, 'the run is found');
      return new Map((run.children ?? []).map((c: Item) => [c.label, c]));
    };
    // Built-in: "mrr" is no known greater-is-better name, so lower is better: 0.40 is best.
    const plain = await checkpointRows({});
    assert.deepStrictEqual(plain.get(files[0])!.badges, ['best']);
    // Keep best 1 + last (epoch 3): by hand, 0.70 and 0.55 go.
    assert.deepStrictEqual([...plain.values()].filter((c) => c.fields?.keep === false).map((c) => c.label).sort(), [files[1], files[2]]);

    // With "mrr" added, greater is better: 0.70 is best; 0.40 and 0.55 go.
    const mrr = await checkpointRows({ checkpointMetricsGreaterIsBetter: ['mrr'] });
    assert.deepStrictEqual(mrr.get(files[1])!.badges, ['best']);
    assert.deepStrictEqual([...mrr.values()].filter((c) => c.fields?.keep === false).map((c) => c.label).sort(), [files[0], files[2]]);
  });
});
