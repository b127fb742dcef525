// The pip category on a pip cache filled by hand, cross-checked against pip itself
// (`python3 -m pip cache info/list`, which this machine's Python has): the same files counted,
// and after our purge pip finds nothing left. Sizes are checked against du.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pipCacheSetting } from '../../src/core/categories/pip/config';
import { executePlan } from '../../src/core/executor';
import type { ScanModel } from '../../src/core/model';
import { isPipWheelName, PIP_PURGE_ID, pipFolderItemId } from '../../src/core/categories/pip/scanner';
import { buildPip, type PipFixture } from '../support/cacheFixtures';
import { categoryOf, itemById, ownBlocks, planById, scanCaches } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

interface PipInfo {
  /** Folders pip counts as its HTTP cache (23.3+ lists http-v2 and http, older pips only http). */
  httpDirs: string[];
  httpFiles: number;
  wheels: number;
  listed: string[];
}

/** What pip itself says about the cache in PIP_CACHE_DIR (fails loudly if pip is missing). */
function pipInfo(cacheDir: string, home: string): PipInfo {
  const env = { PATH: process.env.PATH ?? '', HOME: home, PIP_CACHE_DIR: cacheDir, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  const info = execFileSync('python3', ['-m', 'pip', 'cache', 'info'], { env, encoding: 'utf8' });
  const number = (label: string) => {
    const m = new RegExp(`^${label}: (\\d+)$`, 'm').exec(info);
    assert.ok(m, `pip cache info has no "${label}":\n${info}`);
    return Number(m[1]);
  };
  const httpDirs = [...info.matchAll(/^Package index page cache location[^:]*: (.+)$/gm)].map((m) => m[1].trim());
  const list = execFileSync('python3', ['-m', 'pip', 'cache', 'list', '--format=abspath'], { env, encoding: 'utf8' });
  return { httpDirs, httpFiles: number('Number of HTTP files'), wheels: number('Number of locally built wheels'), listed: list.split('\n').filter(Boolean).sort() };
}

describe('pip', () => {
  let dir: string;
  let cleanup: () => void;
  let pip: PipFixture;
  let env: Record<string, string>;
  let model: ScanModel;
  beforeEach(async () => {
    ({ dir, cleanup } = tempFolder('mlds-pip-'));
    pip = buildPip(path.join(dir, 'pip-cache'));
    env = { HOME: path.join(dir, 'home'), PIP_CACHE_DIR: pip.root };
    model = await scanCaches(env, ['pip']);
  });
  afterEach(() => cleanup());

  it('recognises wheel file names as pip counts them (*-*.whl)', () => {
    assert.ok(isPipWheelName('pkg_a-1.0-py3-none-any.whl'));
    assert.ok(!isPipWheelName('origin.json'));
    assert.ok(!isPipWheelName('nodash.whl'));
    assert.ok(!isPipWheelName('pkg.whl.json'));
  });

  it('sizes http-v2/, http/ and wheels/ like du and counts their files as pip does', () => {
    const category = categoryOf(model, 'pip');
    assert.strictEqual(category.bytes, duBytes([pip.root]));
    assert.strictEqual(category.apparentBytes, duBytes([pip.root], true));
    for (const name of ['http-v2', 'http', 'wheels']) {
      const item = itemById(model, pipFolderItemId(path.join(pip.root, name)));
      assert.strictEqual(item.kind, 'pip-cache-folder');
      assert.strictEqual(item.bytes, duBytes(path.join(pip.root, name)), name);
    }
    const selfcheck = itemById(model, pipFolderItemId(pip.selfcheck));
    assert.strictEqual(selfcheck.kind, 'folder');
    assert.strictEqual(category.items.reduce((s, i) => s + i.bytes, 0) + ownBlocks(pip.root), category.bytes, 'items + the cache folder itself');
    // Against the fixture's own record ...
    const wheelsItem = itemById(model, pipFolderItemId(path.join(pip.root, 'wheels')));
    assert.strictEqual(wheelsItem.fields!.wheels, pip.wheels.length);
    assert.strictEqual(wheelsItem.fields!.files, pip.wheels.length + pip.wheelDirOtherFiles.length);
    assert.strictEqual(category.fields!.httpFiles, pip.httpFiles.length);
    // ... and against pip itself.
    const info = pipInfo(pip.root, env.HOME);
    assert.ok(info.httpDirs.length >= 1, 'pip names its HTTP cache folder');
    const ourHttpFiles = info.httpDirs.reduce((s, d) => s + (itemById(model, pipFolderItemId(d)).fields!.files as number), 0);
    assert.strictEqual(ourHttpFiles, info.httpFiles, `HTTP files in ${info.httpDirs.join(', ')}`);
    assert.strictEqual(wheelsItem.fields!.wheels, info.wheels);
    assert.deepStrictEqual(info.listed, pip.wheels.map((w) => w.path).sort());
    assert.strictEqual(category.reclaimableBytes, ['http-v2', 'http', 'wheels'].reduce((s, n) => s + duBytes(path.join(pip.root, n)), 0));
  });

  it('purge deletes http-v2/, http/ and wheels/; pip then finds nothing; the rest stays', async () => {
    const plan = await planById(model, PIP_PURGE_ID, env);
    const folders = ['http-v2', 'http', 'wheels'].map((n) => path.join(pip.root, n));
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes, t.root]), folders.map((f) => [f, 'dir', duBytes(f), pip.root]));
    assert.strictEqual(plan.bytes, categoryOf(model, 'pip').reclaimableBytes);
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assert.deepStrictEqual(report.outcomes.map((o) => o.status), ['deleted', 'deleted', 'deleted']);
    assertOnlyRemoved(before, snapshotTree(dir), folders.map((f) => path.relative(dir, f)));
    const info = pipInfo(pip.root, env.HOME);
    assert.deepStrictEqual([info.httpFiles, info.wheels, info.listed], [0, 0, []]);
  });

  it('is hidden when there is no pip cache', async () => {
    const none = await scanCaches({ HOME: path.join(dir, 'home'), PIP_CACHE_DIR: path.join(dir, 'missing') }, ['pip']);
    assert.deepStrictEqual(none.categories, []);
  });
});

/** `python3 -m pip cache dir` under exactly this environment: the folder, or undefined when pip says the cache is off. */
function realPipCacheDir(env: Record<string, string>): string | undefined {
  const full = { PATH: process.env.PATH ?? '', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', ...env };
  try {
    return execFileSync('python3', ['-m', 'pip', 'cache', 'dir'], { env: full, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '');
    assert.match(stderr, /cache is disabled/, `pip failed for another reason: ${stderr}`);
    return undefined;
  }
}

describe('pip: where the cache is, by pip\'s own precedence (compared with the real pip cache dir)', function () {
  // Each case starts the real pip (seconds each on a busy machine).
  this.timeout(300_000);
  let dir: string;
  let cleanup: () => void;
  let home: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempFolder('mlds-pipcfg-'));
    home = path.join(dir, 'home');
    fs.mkdirSync(home, { recursive: true });
  });
  afterEach(() => cleanup());

  const write = (p: string, text: string) => { fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, text); return p; };
  const cacheAt = (name: string) => path.join(dir, name);
  const userConf = () => path.join(home, '.config', 'pip', 'pip.conf');

  /** Our answer equals pip's for this environment; returns it. */
  function agree(env: Record<string, string>): string | undefined {
    const ours = pipCacheSetting(env, home, 'linux');
    const theirs = realPipCacheDir(env);
    assert.strictEqual(ours.dir, theirs, `ours ${JSON.stringify(ours)} vs pip ${theirs}`);
    return theirs;
  }

  it('cache-dir in ~/.config/pip/pip.conf: found like pip; the scan shows it and pip:purge works', async () => {
    write(userConf(), `[global]\ncache-dir = ${cacheAt('from-user-conf')}\n`);
    const env = { HOME: home };
    assert.strictEqual(agree(env), cacheAt('from-user-conf'));
    const fx = buildPip(cacheAt('from-user-conf'));
    const model = await scanCaches(env, ['pip']);
    assert.strictEqual(categoryOf(model, 'pip').fields!.cacheDir, fx.root);
    assert.strictEqual(categoryOf(model, 'pip').fields!.configuredBy, userConf());
    const plan = await planById(model, PIP_PURGE_ID, env);
    assert.deepStrictEqual(plan.targets.map((t) => path.basename(t.path)).sort(), ['http', 'http-v2', 'wheels']);
    await executePlan(plan);
    assert.deepStrictEqual(pipInfo(fx.root, home).listed, []);
  });

  it('the order of files: legacy ~/.pip, then ~/.config/pip ($XDG_CONFIG_HOME), [cache] over [global], $VIRTUAL_ENV/pip.conf, then PIP_CONFIG_FILE', () => {
    write(path.join(home, '.pip', 'pip.conf'), `[global]\ncache-dir = ${cacheAt('legacy')}\n`);
    assert.strictEqual(agree({ HOME: home }), cacheAt('legacy'));
    write(userConf(), `[global]\ncache_dir = ${cacheAt('new-user')}\n`);
    assert.strictEqual(agree({ HOME: home }), cacheAt('new-user'), 'the new user file overrides the legacy one; cache_dir spelled with _');
    const xdg = path.join(dir, 'xdg');
    write(path.join(xdg, 'pip', 'pip.conf'), `[global]\ncache-dir = ${cacheAt('xdg')}\n`);
    assert.strictEqual(agree({ HOME: home, XDG_CONFIG_HOME: xdg }), cacheAt('xdg'));
    write(userConf(), `[global]\ncache-dir = ${cacheAt('new-user')}\n[cache]\ncache-dir = ${cacheAt('cache-section')}\n`);
    assert.strictEqual(agree({ HOME: home }), cacheAt('cache-section'), '[cache] is the section of pip cache');
    const venv = path.join(dir, 'venv');
    write(path.join(venv, 'pip.conf'), `[global]\ncache-dir = ${cacheAt('venv')}\n`);
    // pip reads the site file from sys.prefix; VIRTUAL_ENV is how we know it. The real pip here is not in that venv, so only ours is checked.
    assert.strictEqual(pipCacheSetting({ HOME: home, VIRTUAL_ENV: venv }, home, 'linux').dir, cacheAt('venv'));
    const envFile = write(path.join(dir, 'env.conf'), `[global]\ncache-dir = ${cacheAt('env-file')}\n`);
    assert.strictEqual(agree({ HOME: home, PIP_CONFIG_FILE: envFile }), cacheAt('env-file'));
    // An existing PIP_CONFIG_FILE without cache-dir: the user files are not read at all.
    write(envFile, '[global]\ntimeout = 10\n');
    assert.strictEqual(agree({ HOME: home, PIP_CONFIG_FILE: envFile }), path.join(home, '.cache', 'pip'));
    assert.strictEqual(agree({ HOME: home, PIP_CONFIG_FILE: '/dev/null' }), path.join(home, '.cache', 'pip'), '/dev/null: no file at all');
  });

  it('PIP_CACHE_DIR overrides every file; PIP_NO_CACHE_DIR (any yes/no value) and no-cache-dir turn the cache off: no pip category', async () => {
    write(userConf(), `[global]\ncache-dir = ${cacheAt('user')}\n`);
    assert.strictEqual(agree({ HOME: home, PIP_CACHE_DIR: cacheAt('env') }), cacheAt('env'));
    buildPip(cacheAt('user'));
    for (const value of ['1', 'false']) {
      assert.strictEqual(agree({ HOME: home, PIP_NO_CACHE_DIR: value }), undefined);
      const model = await scanCaches({ HOME: home, PIP_NO_CACHE_DIR: value }, ['pip']);
      assert.deepStrictEqual(model.categories, [], `PIP_NO_CACHE_DIR=${value}`);
    }
    write(userConf(), `[global]\ncache-dir = ${cacheAt('user')}\nno-cache-dir = true\n`);
    assert.strictEqual(agree({ HOME: home }), undefined);
  });

  it('labels the folders in pip\'s words', async () => {
    const fx = buildPip(cacheAt('labels'));
    const model = await scanCaches({ HOME: home, PIP_CACHE_DIR: fx.root }, ['pip']);
    const labels = Object.fromEntries(categoryOf(model, 'pip').items.filter((i) => i.kind === 'pip-cache-folder').map((i) => [path.basename(i.path!), i.label]));
    assert.deepStrictEqual(labels, { 'http-v2': 'Package index page cache (http-v2)', http: 'Package index page cache (http)', wheels: 'Locally built wheels' });
  });
});
