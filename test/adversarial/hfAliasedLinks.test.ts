// Adversarial (issue: links must resolve the way huggingface_hub resolves them): snapshot links
// written with an ABSOLUTE path through an alias of the cache folder (a symlinked HF_HOME, a
// moved cache, older huggingface_hub versions), and repo links into the 2.x shared store written
// the same way. huggingface_hub follows links, so the blobs they name are in use: prune must keep
// them. Before the fix, prune called such a blob unreferenced and deleted the weights of the only
// referenced revision, leaving a dangling link.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executePlan } from '../../src/core/executor';
import { HF_PRUNE_ID, hfRepoItemId, hfRevisionItemId } from '../../src/core/categories/huggingface/ids';
import { hfStoreItemId } from '../../src/core/categories/huggingface/storeItems';
import { buildSharedStoreHub, KiB, writeHfRepo } from '../support/cacheFixtures';
import { brokenLinks, itemById, planById, scanCaches, sha256 } from '../support/cacheScan';
import { tempFolder } from '../support/tempFolder';

describe('adversarial: HF links written through an alias of the cache folder', function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  let realHfHome: string;
  let aliasHfHome: string;
  let env: Record<string, string>;
  beforeEach(() => {
    ({ dir, cleanup } = tempFolder('mlds-adv-hfalias-'));
    // The cache really lives in data/hf; HOME/.cache/huggingface is a symlink to it (a symlinked HF_HOME).
    realHfHome = path.join(dir, 'data', 'hf');
    fs.mkdirSync(realHfHome, { recursive: true });
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.cache'), { recursive: true });
    aliasHfHome = path.join(home, '.cache', 'huggingface');
    fs.symlinkSync(realHfHome, aliasHfHome);
    env = { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
  });
  afterEach(() => cleanup());

  /** Rewrites a symlink to point at the same file by an absolute path through the alias. */
  function relinkThroughAlias(link: string): void {
    const target = path.resolve(path.dirname(link), fs.readlinkSync(link));
    const viaAlias = path.join(aliasHfHome, path.relative(realHfHome, target));
    fs.unlinkSync(link);
    fs.symlinkSync(viaAlias, link);
    assert.ok(fs.existsSync(link), 'the rewritten link resolves');
  }

  it('a snapshot link written through the alias keeps its blob referenced: prune deletes nothing the revision uses', async () => {
    const hub = path.join(realHfHome, 'hub');
    const repo = writeHfRepo(hub, {
      repoType: 'model', repoId: 'acme/aliased',
      blobs: { w: 16 * KiB, cfg: 4 * KiB },
      revisions: { main: { refs: ['main'], files: { 'model.safetensors': 'w', 'config.json': 'cfg' } } },
    });
    const snap = path.join(repo.path, 'snapshots', repo.revisions.main.commit);
    relinkThroughAlias(path.join(snap, 'model.safetensors'));
    const weightsHash = sha256(repo.blobs.w.path);
    const model = await scanCaches(env, ['huggingface']);
    const rev = itemById(model, hfRevisionItemId(repo.path, repo.revisions.main.commit));
    assert.strictEqual(rev.bytes, 20 * KiB, 'the aliased link counts its blob');
    assert.strictEqual(itemById(model, hfRepoItemId(repo.path)).fields!.unreferencedBytes, 0, 'no blob looks unreferenced');
    const plan = await planById(model, HF_PRUNE_ID, env);
    assert.deepStrictEqual(plan.targets.map((t) => t.path), [], 'prune has nothing to delete');
    await executePlan(plan);
    assert.strictEqual(sha256(path.join(snap, 'model.safetensors')), weightsHash, 'the weights are still there');
    assert.deepStrictEqual(brokenLinks(hub), []);
  });

  it('a repo link into the shared store written through the alias keeps its payload referenced', async () => {
    const hub = path.join(realHfHome, 'hub');
    const fx = buildSharedStoreHub(hub);
    const fp16 = fx.repos['acme/tiny-diffusion-fp16'];
    relinkThroughAlias(fp16.links.f.path);
    const model = await scanCaches(env, ['huggingface']);
    const orphans = itemById(model, hfStoreItemId(hub)).children!.find((c) => c.kind === 'hf-store-unreferenced')!.children!.map((c) => c.path);
    assert.ok(!orphans.includes(fx.payloads.fp16.path), 'the aliased payload is not unreferenced');
    const plan = await planById(model, HF_PRUNE_ID, env);
    assert.ok(!plan.targets.some((t) => t.path === fx.payloads.fp16.path), 'prune keeps it');
    await executePlan(plan);
    assert.ok(fs.existsSync(fx.payloads.fp16.path));
    assert.deepStrictEqual(brokenLinks(hub), []);
  });
});
