// The "GPU compile caches" category: each cache found where its tool puts it (defaults and
// variables), sized like du, one item each; every cache purgeable alone and all in one step, each
// clean removing exactly the cache's entries and keeping its folder; nothing counted twice with
// the torch hub, the workspace, or a cache nested in another.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { GPU_CACHES_CLEAN_ID, gpuCacheEntryItemId, gpuCacheItemId } from '../../src/core/categories/gpu-caches/scanner';
import { gpuCacheLocations } from '../../src/core/categories/gpu-caches/locations';
import { buildTorch } from '../support/cacheFixtures';
import { GPU_CACHE_BUILDERS, buildGpuCachesAtDefaults } from '../support/gpuCacheFixtures';
import { categoryOf, itemById, ownBlocks, planById, scanCaches } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

const NAMES = ['triton', 'cuda', 'inductor', 'torch-kernels', 'torch-extensions', 'vllm'];

const entriesOf = (dir: string) => fs.readdirSync(dir).map((n) => path.join(dir, n)).sort();

describe('GPU compile caches: where they are', () => {
  it('defaults and variables, as each tool decides', () => {
    const home = '/home/u';
    const byName = (env: Record<string, string>) => Object.fromEntries(gpuCacheLocations(env, home, 'linux').map((l) => [l.name, [l.dir, l.configuredBy]]));
    assert.deepStrictEqual(byName({ HOME: home, USER: 'ann' }), {
      triton: ['/home/u/.triton/cache', 'default'],
      cuda: ['/home/u/.nv/ComputeCache', 'default'],
      inductor: ['/tmp/torchinductor_ann', 'default'],
      'torch-kernels': ['/home/u/.cache/torch/kernels', 'default'],
      'torch-extensions': ['/home/u/.cache/torch_extensions', 'default'],
      vllm: ['/home/u/.cache/vllm', 'default'],
    });
    // XDG_CACHE_HOME moves the ~/.cache ones, TRITON_HOME moves Triton's, TMPDIR and LOGNAME Inductor's.
    const moved = byName({ HOME: home, XDG_CACHE_HOME: '/x', TRITON_HOME: '/t', TMPDIR: '/scratch', LOGNAME: 'dom\\ann', USER: 'other' });
    assert.deepStrictEqual([moved.triton[0], moved.inductor[0], moved['torch-kernels'][0], moved['torch-extensions'][0], moved.vllm[0]],
      ['/t/.triton/cache', '/scratch/torchinductor_dom_ann', '/x/torch/kernels', '/x/torch_extensions', '/x/vllm']);
    const vars = byName({
      HOME: home, TRITON_CACHE_DIR: '~/tc', CUDA_CACHE_PATH: '/c', TORCHINDUCTOR_CACHE_DIR: '/i', PYTORCH_KERNEL_CACHE_PATH: '/k',
      TORCH_EXTENSIONS_DIR: '/e', VLLM_CACHE_ROOT: '/v',
    });
    assert.deepStrictEqual(Object.values(vars), [
      ['/home/u/tc', 'TRITON_CACHE_DIR'], ['/c', 'CUDA_CACHE_PATH'], ['/i', 'TORCHINDUCTOR_CACHE_DIR'], ['/k', 'PYTORCH_KERNEL_CACHE_PATH'],
      ['/e', 'TORCH_EXTENSIONS_DIR'], ['/v', 'VLLM_CACHE_ROOT'],
    ]);
  });
});

describe('GPU compile caches at their default places', () => {
  let dir: string;
  let cleanup: () => void;
  let dirs: Record<string, string>;
  let env: Record<string, string>;
  beforeEach(() => {
    ({ dir, cleanup } = tempFolder('mlds-gpu-'));
    fs.mkdirSync(path.join(dir, 'tmp'));
    ({ dirs, env } = buildGpuCachesAtDefaults(path.join(dir, 'home'), path.join(dir, 'tmp')));
  });
  afterEach(() => cleanup());

  it('one item per cache, each sized like du; the category is their total and claims them', async () => {
    const model = await scanCaches(env, ['gpu-caches']);
    const category = categoryOf(model, 'gpu-caches');
    assert.strictEqual(category.items.length, NAMES.length);
    for (const name of NAMES) {
      const item = itemById(model, gpuCacheItemId(dirs[name]));
      assert.strictEqual(item.fields?.cache, name);
      assert.strictEqual(item.bytes, duBytes([dirs[name]]), `${name} vs du -sB1`);
      assert.strictEqual(item.apparentBytes, duBytes([dirs[name]], true), `${name} vs du -sb`);
      assert.strictEqual(item.reclaimable, true);
    }
    assert.strictEqual(category.bytes, duBytes(Object.values(dirs)));
    // Everything but the six folders' own entries goes with a clean.
    assert.strictEqual(category.reclaimableBytes, duBytes(Object.values(dirs)) - Object.values(dirs).reduce((s, d) => s + ownBlocks(d), 0));
  });

  for (const name of NAMES) {
    it(`gpu-caches:${name} deletes that cache's entries and keeps its folder`, async () => {
      const model = await scanCaches(env, ['gpu-caches']);
      const plan = await planById(model, `gpu-caches:${name}`, env);
      const expected = entriesOf(dirs[name]);
      assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), expected);
      assert.ok(plan.targets.every((t) => t.root === dirs[name]));
      assert.strictEqual(plan.bytes, duBytes([dirs[name]]) - ownBlocks(dirs[name]), 'the plan frees the cache less its folder');
      // The same plan from the tree's item.
      const fromItem = await planById(model, gpuCacheItemId(dirs[name]), env);
      assert.deepStrictEqual(fromItem.targets.map((t) => [t.path, t.bytes]), plan.targets.map((t) => [t.path, t.bytes]));
      const before = snapshotTree(dir);
      const report = await executePlan(plan);
      assert.strictEqual(report.bytesFreed, plan.bytes);
      assert.ok(report.outcomes.every((o) => o.status === 'deleted'), JSON.stringify(report.outcomes));
      assertOnlyRemoved(before, snapshotTree(dir), expected.map((p) => path.relative(dir, p)));
      assert.deepStrictEqual(fs.readdirSync(dirs[name]), [], 'the folder stays, empty');
    });
  }

  it('gpu-caches:clean empties every cache in one plan; Triton dump/ and the rest of HOME stay', async () => {
    const model = await scanCaches(env, ['gpu-caches']);
    const plan = await planById(model, GPU_CACHES_CLEAN_ID, env);
    const expected = NAMES.flatMap((n) => entriesOf(dirs[n]));
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), [...expected].sort());
    assert.strictEqual(plan.bytes, categoryOf(model, 'gpu-caches').reclaimableBytes);
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), expected.map((p) => path.relative(dir, p)));
    for (const n of NAMES) assert.deepStrictEqual(fs.readdirSync(dirs[n]), []);
    assert.ok(fs.existsSync(path.join(dir, 'home', '.triton', 'dump', 'README')));
  });

  it('an entry row deletes just that entry', async () => {
    const model = await scanCaches(env, ['gpu-caches']);
    const target = path.join(dirs['torch-extensions'], 'py311_cu121');
    const plan = await planById(model, gpuCacheEntryItemId(target), env);
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.bytes]), [[target, duBytes([target])]]);
    const before = snapshotTree(dir);
    await executePlan(plan);
    assertOnlyRemoved(before, snapshotTree(dir), [path.relative(dir, target)]);
  });

  it('a FIFO in a cache neither hangs the scan nor the plan: it is kept and said so', async () => {
    const fifo = path.join(dirs.vllm, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const model = await scanCaches(env, ['gpu-caches']);
    const plan = await planById(model, 'gpu-caches:vllm', env);
    assert.ok(!plan.targets.some((t) => t.path === fifo));
    assert.ok(plan.keep?.some((k) => k.path === fifo), JSON.stringify(plan.keep));
  });
});

describe('GPU compile caches: counted once', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempFolder('mlds-gpu-once-')));
  afterEach(() => cleanup());

  it('variables win over the defaults; a cache inside another one (or named twice) is one item', async () => {
    const home = path.join(dir, 'home');
    buildGpuCachesAtDefaults(home, path.join(dir, 'tmp-unused'));
    const inductor = path.join(dir, 'scratch', 'inductor');
    GPU_CACHE_BUILDERS.inductor(inductor);
    const nestedTriton = path.join(inductor, 'triton');
    const ext = path.join(dir, 'scratch', 'ext');
    GPU_CACHE_BUILDERS['torch-extensions'](ext);
    const env = {
      HOME: home, TMPDIR: path.join(dir, 'tmp-unused'), USER: 'trainer',
      TORCHINDUCTOR_CACHE_DIR: inductor, TRITON_CACHE_DIR: nestedTriton, TORCH_EXTENSIONS_DIR: ext, VLLM_CACHE_ROOT: ext,
      CUDA_CACHE_PATH: path.join(dir, 'nowhere'), PYTORCH_KERNEL_CACHE_PATH: path.join(dir, 'nowhere'),
    };
    const model = await scanCaches(env, ['gpu-caches']);
    const category = categoryOf(model, 'gpu-caches');
    assert.deepStrictEqual(category.items.map((i) => i.fields?.cache).sort(), ['inductor', 'torch-extensions']);
    assert.strictEqual(category.bytes, duBytes([inductor, ext]));
  });

  it('~/.cache/torch/kernels and the torch hub (<TORCH_HOME>/hub) share ~/.cache/torch without sharing a byte', async () => {
    const home = path.join(dir, 'home');
    const torch = buildTorch(path.join(home, '.cache', 'torch'));
    const kernels = path.join(home, '.cache', 'torch', 'kernels');
    GPU_CACHE_BUILDERS['torch-kernels'](kernels);
    const model = await scanCaches({ HOME: home, TMPDIR: path.join(dir, 'tmp'), USER: 'u' }, ['torch', 'gpu-caches']);
    assert.strictEqual(categoryOf(model, 'torch').bytes, duBytes([torch.hub]));
    assert.strictEqual(categoryOf(model, 'gpu-caches').bytes, duBytes([kernels]));
    assert.strictEqual(categoryOf(model, 'torch').bytes + categoryOf(model, 'gpu-caches').bytes, duBytes([torch.hub, kernels]));
  });

  it('a cache inside a workspace folder is left out of the workspace total', async () => {
    const workspace = path.join(dir, 'project');
    const cache = path.join(workspace, '.inductor');
    GPU_CACHE_BUILDERS.inductor(cache);
    const code = path.join(workspace, 'train.py');
    fs.writeFileSync(code, 'print(1)\n');
    const model = await scanCaches({ HOME: path.join(dir, 'home'), TORCHINDUCTOR_CACHE_DIR: cache, TMPDIR: dir, USER: 'u' }, ['gpu-caches', 'workspace'], [workspace]);
    assert.strictEqual(categoryOf(model, 'gpu-caches').bytes, duBytes([cache]));
    assert.strictEqual(categoryOf(model, 'workspace').bytes, duBytes([workspace]) - duBytes([cache]));
  });
});
