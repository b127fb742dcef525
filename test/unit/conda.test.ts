// The conda category on a conda install built by hand (conda itself is not installable here):
// envs whose files are real hard links into pkgs/, tarballs, an unused package, an env known only
// from environments.txt, an active env. Numbers are checked against an independent walk of the
// same folders (and du), the package split against conda's own rule re-implemented here, and
// every plan is executed by the real executor and checked byte for byte.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { discoverConda, parseEnvironmentsTxt, pythonVersionFromMetaName } from '../../src/core/categories/conda/discover';
import { condaProtectedPaths } from '../../src/core/categories/conda/plans';
import { executePlan } from '../../src/core/executor';
import type { Item, ScanModel } from '../../src/core/model';
import type { DeletionPlan } from '../../src/core/plan/types';
import {
  CONDA_CLEAN_PACKAGES_ID, CONDA_CLEAN_TARBALLS_ID, condaEnvItemId, condaPkgsItemId, CONDA_SHARED_WITH,
} from '../../src/core/categories/conda/scanner';
import { addSoftlinkedPackage, buildConda, KiB, type CondaFixture } from '../support/cacheFixtures';
import { categoryOf, itemById, planById, planForItems, scanCaches, sha256 } from '../support/cacheScan';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { tempFolder } from '../support/tempFolder';
import { duBytes } from '../support/diskUsage';

interface Scene {
  dir: string;
  home: string;
  outside: string;
  conda: CondaFixture;
  env: Record<string, string>;
  cleanup(): void;
}

function buildScene(): Scene {
  const { dir, cleanup } = tempFolder('mlds-conda-');
  const home = path.join(dir, 'home');
  const outside = path.join(dir, 'outside');
  const conda = buildConda(home, outside);
  return { dir, home, outside, conda, env: { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), CONDA_PREFIX: conda.envs.ml }, cleanup };
}

/** Inodes of every file in a tree (what the package cache owns). */
function inodesOf(dir: string, into = new Set<string>()): Set<string> {
  const st = fs.lstatSync(dir);
  into.add(`${st.dev}:${st.ino}`);
  if (st.isDirectory()) for (const n of fs.readdirSync(dir)) inodesOf(path.join(dir, n), into);
  return into;
}

/** Disk usage of a prefix without nested prefixes/pkgs, split into bytes not in `owned` and bytes in it. */
function envUsage(prefix: string, excluded: string[], owned: Set<string>): { own: number; shared: number } {
  const out = { own: 0, shared: 0 };
  const seen = new Set<string>();
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (owned.has(key)) out.shared += st.blocks * 512; else out.own += st.blocks * 512;
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) if (!excluded.includes(path.join(p, n))) visit(path.join(p, n));
  };
  visit(prefix);
  return out;
}

/** conda's find_pkgs rule (conda/cli/main_clean.py), written out independently: folders with info/, any file with nlink > 1 = in use. */
function condaRuleUnused(pkgs: string): string[] {
  const unused: string[] = [];
  for (const name of fs.readdirSync(pkgs)) {
    const p = path.join(pkgs, name);
    if (!fs.lstatSync(p).isDirectory() || !fs.existsSync(path.join(p, 'info'))) continue;
    let linked = false;
    const visit = (d: string) => {
      for (const n of fs.readdirSync(d)) {
        const st = fs.lstatSync(path.join(d, n));
        if (st.isDirectory()) visit(path.join(d, n));
        else if (st.nlink > 1) linked = true;
      }
    };
    visit(p);
    if (!linked) unused.push(p);
  }
  return unused.sort();
}

async function execute(plan: DeletionPlan) {
  const report = await executePlan(plan);
  assert.deepStrictEqual(report.outcomes.filter((o) => o.status !== 'deleted'), []);
  assert.strictEqual(report.bytesFreed, plan.bytes);
}

describe('conda: parsing', () => {
  it('reads the python version from conda-meta record names only for python itself', () => {
    assert.strictEqual(pythonVersionFromMetaName('python-3.11.5-h955ad1f_0.json'), '3.11.5');
    assert.strictEqual(pythonVersionFromMetaName('python-3.12.0rc3-hab00c5b_1_cpython.json'), '3.12.0rc3');
    assert.strictEqual(pythonVersionFromMetaName('python_abi-3.11-2_cp311.json'), undefined);
    assert.strictEqual(pythonVersionFromMetaName('python-dateutil-2.8.2-pyhd8ed1ab_0.json'), undefined);
    assert.strictEqual(pythonVersionFromMetaName('python-3.11.5-h955ad1f_0.json.bak'), undefined);
  });

  it('reads environments.txt lines, skipping blanks and comments', () => {
    assert.deepStrictEqual(parseEnvironmentsTxt('/a\r\n\n  /b  \n# c\n'), ['/a', '/b']);
  });
});

describe('conda: discovery', () => {
  it('finds base, envs in envs dirs, envs only in environments.txt and the active env', async () => {
    const scene = buildScene();
    try {
      const install = await discoverConda(scene.env, scene.home, 'linux');
      const { envs } = scene.conda;
      assert.deepStrictEqual(install.envs.map((e) => [e.prefix, e.name, e.isBase, e.isActive]), [
        [envs.base, 'base', true, false],
        [envs.ml, 'ml', false, true],
        [envs.web, 'web', false, false],
        [envs.external, 'external-env', false, false],
      ].sort((a, b) => Number(b[2]) - Number(a[2]) || String(a[0]).localeCompare(String(b[0]))));
      assert.deepStrictEqual(install.envs.find((e) => e.prefix === envs.external)!.foundBy, ['environments.txt']);
      assert.deepStrictEqual(install.pkgsDirs, [scene.conda.pkgs]);
      assert.deepStrictEqual(install.roots, [scene.conda.root]);
      assert.strictEqual(install.activePrefix, envs.ml);
    } finally {
      scene.cleanup();
    }
  });

  it('finds a micromamba root (no base env) from MAMBA_ROOT_PREFIX and ~/.conda/envs', async () => {
    const { dir, cleanup } = tempFolder('mlds-mamba-');
    try {
      const root = path.join(dir, 'mamba-root');
      fs.mkdirSync(path.join(root, 'pkgs'), { recursive: true });
      fs.mkdirSync(path.join(root, 'envs', 'tiny', 'conda-meta'), { recursive: true });
      fs.mkdirSync(path.join(dir, '.conda', 'envs', 'user-env', 'conda-meta'), { recursive: true });
      fs.mkdirSync(path.join(dir, '.conda', 'envs', 'not-an-env'), { recursive: true });
      const install = await discoverConda({ MAMBA_ROOT_PREFIX: root }, dir, 'linux');
      assert.deepStrictEqual(install.roots, [root]);
      assert.deepStrictEqual(install.envs.map((e) => [e.name, e.isBase]).sort(), [['tiny', false], ['user-env', false]]);
      assert.deepStrictEqual(install.pkgsDirs, [path.join(root, 'pkgs')]);
    } finally {
      cleanup();
    }
  });
});

describe('conda: hostile environments.txt', () => {
  it('ignores HOME (or anything holding it) listed as an env, and relative or missing lines', async () => {
    const { dir, cleanup } = tempFolder('mlds-condatxt-');
    try {
      const home = path.join(dir, 'home');
      fs.mkdirSync(path.join(home, 'conda-meta'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'conda-meta'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'real-env', 'conda-meta'), { recursive: true });
      fs.mkdirSync(path.join(home, '.conda'), { recursive: true });
      fs.writeFileSync(path.join(home, '.conda', 'environments.txt'), [home, dir, 'relative/env', path.join(dir, 'gone'), path.join(dir, 'real-env')].join('\n'));
      const install = await discoverConda({}, home, 'linux');
      assert.deepStrictEqual(install.envs.map((e) => e.prefix), [path.join(dir, 'real-env')]);
      assert.deepStrictEqual(install.problems.map((p) => p.path).sort(), [dir, home].sort());
    } finally {
      cleanup();
    }
  });
});

describe('conda: scanning', () => {
  let scene: Scene;
  let model: ScanModel;
  before(async () => {
    scene = buildScene();
    model = await scanCaches(scene.env, ['conda']);
  });
  after(() => scene.cleanup());

  const pkgsItem = () => itemById(model, condaPkgsItemId(scene.conda.pkgs));
  const group = (kind: string) => pkgsItem().children!.find((c) => c.kind === kind)!;
  const names = (items: Item[] | undefined) => (items ?? []).map((i) => i.label).sort();

  it('splits the package cache like conda clean: tarballs, unused packages, in-use packages', () => {
    const { packages, tarballs, pkgs } = scene.conda;
    assert.deepStrictEqual(names(group('conda-tarballs').children), tarballs.map((t) => path.basename(t.path)).sort());
    assert.deepStrictEqual(group('conda-unused-packages').children!.map((c) => c.path).sort(), condaRuleUnused(pkgs));
    assert.deepStrictEqual(names(group('conda-unused-packages').children), [packages.oldpkg.name]);
    assert.deepStrictEqual(names(group('conda-in-use-packages').children), [packages.numpy.name, packages.python.name, packages.requests.name].sort());
    assert.strictEqual(group('conda-in-use-packages').reclaimable, false);
    const other = group('conda-pkgs-other');
    assert.ok(other.children!.some((c) => c.path === scene.conda.notAPackage), 'a folder without info/ is not a package');
    assert.strictEqual(group('conda-tarballs').bytes, tarballs.reduce((s, t) => s + t.bytes, 0));
    assert.strictEqual(group('conda-unused-packages').bytes, duBytes(packages.oldpkg.path));
    assert.strictEqual(pkgsItem().bytes, duBytes(pkgs));
    assert.strictEqual(pkgsItem().children!.reduce((s, c) => s + c.bytes, 0), pkgsItem().bytes);
  });

  it('counts env files hard-linked from pkgs/ once, in the package cache, and shows them as shared', () => {
    const { envs, pkgs, root } = scene.conda;
    const owned = inodesOf(pkgs);
    const nested = [pkgs, envs.ml, envs.web];
    const expected: Record<string, { own: number; shared: number }> = {
      [envs.base]: envUsage(root, nested, owned),
      [envs.ml]: envUsage(envs.ml, [], owned),
      [envs.web]: envUsage(envs.web, [], owned),
      [envs.external]: envUsage(envs.external, [], owned),
    };
    // The hand count of what the fixture linked: python (16+8 KiB), numpy (20+4 KiB), requests (4 KiB).
    assert.strictEqual(expected[envs.base].shared, 24 * KiB);
    assert.strictEqual(expected[envs.ml].shared, 48 * KiB);
    assert.strictEqual(expected[envs.web].shared, 4 * KiB);
    for (const [prefix, e] of Object.entries(expected)) {
      const item = itemById(model, condaEnvItemId(prefix));
      assert.strictEqual(item.bytes, e.own, `${prefix} bytes`);
      assert.strictEqual(item.sharedBytes ?? 0, e.shared, `${prefix} shared`);
      if (e.shared) assert.strictEqual(item.sharedWith, CONDA_SHARED_WITH);
    }
    const category = categoryOf(model, 'conda');
    assert.strictEqual(category.bytes, duBytes([root, envs.external]), 'du -B1 over the install and the external env');
    assert.strictEqual(category.apparentBytes, duBytes([root, envs.external], true), 'du -b');
    assert.strictEqual(category.reclaimableBytes, group('conda-tarballs').bytes + group('conda-unused-packages').bytes);
  });

  it('marks base and the active env, with python versions and last modified', () => {
    const { envs } = scene.conda;
    const base = itemById(model, condaEnvItemId(envs.base));
    const ml = itemById(model, condaEnvItemId(envs.ml));
    const web = itemById(model, condaEnvItemId(envs.web));
    assert.deepStrictEqual([base.badges, base.reclaimable, base.fields!.python], [['base'], false, '3.11.5']);
    assert.deepStrictEqual([ml.badges, ml.reclaimable, ml.fields!.python], [['active'], false, '3.11.5']);
    assert.deepStrictEqual([web.badges, web.reclaimable, web.fields!.python], [undefined, true, '3.10.12']);
    assert.strictEqual(itemById(model, condaEnvItemId(envs.external)).fields!.python, null);
    const newest = Math.max(...[envs.web, path.join(envs.web, 'data.bin'), path.join(envs.web, 'conda-meta', 'history')].map((p) => fs.lstatSync(p).mtimeMs));
    assert.ok(web.modifiedMs! >= newest);
  });
});

describe('conda: plans and deletion', () => {
  let scene: Scene;
  let model: ScanModel;
  beforeEach(async () => {
    scene = buildScene();
    model = await scanCaches(scene.env, ['conda']);
  });
  afterEach(() => scene.cleanup());

  const rel = (p: string) => path.relative(scene.dir, p);

  it('clean tarballs: exactly the archives and conda 26\'s *.partial leftovers, not the old *.part', async () => {
    const plan = await planById(model, CONDA_CLEAN_TARBALLS_ID, scene.env);
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes]).sort(), scene.conda.tarballs.map((t) => [t.path, 'file', t.bytes]).sort());
    assert.ok(scene.conda.tarballs.some((t) => t.path.endsWith('.conda.partial')));
    assert.ok(!plan.targets.some((t) => t.path === scene.conda.oldPart), '*.part is not a tarball for conda >= 26.1');
    assert.match(plan.title, new RegExp(`in ${scene.conda.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), 'the plan names the install');
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), scene.conda.tarballs.map((t) => rel(t.path)));
  });

  it('clean unused packages: what conda clean -p removes, nothing an env uses', async () => {
    const plan = await planById(model, CONDA_CLEAN_PACKAGES_ID, scene.env);
    const old = scene.conda.packages.oldpkg.path;
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.type, t.bytes]), [[old, 'dir', duBytes(old)]]);
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [rel(old)]);
    assert.deepStrictEqual(condaRuleUnused(scene.conda.pkgs), []);
  });

  it('keeps a package an env linked after the scan', async () => {
    const old = scene.conda.packages.oldpkg;
    fs.linkSync(path.join(old.path, 'lib', 'oldpkg.so'), path.join(scene.conda.envs.web, 'oldpkg.so'));
    const plan = await planById(model, CONDA_CLEAN_PACKAGES_ID, scene.env);
    assert.deepStrictEqual(plan.targets, []);
    assert.deepStrictEqual(plan.keep, [{ path: old.path, reason: 'in use now: an environment hard-links its files' }]);
  });

  it('remove an env: frees its own files; files shared with pkgs/ stay (and say so)', async () => {
    const { web } = scene.conda.envs;
    const api = path.join(scene.conda.packages.requests.path, 'lib', 'python3.11', 'site-packages', 'requests', 'api.py');
    const apiHash = sha256(api);
    const plan = await planById(model, condaEnvItemId(web), scene.env);
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.root, t.type]), [[web, path.dirname(web), 'dir']]);
    assert.strictEqual(plan.bytes, duBytes(web) - 4 * KiB);
    assert.strictEqual(plan.bytes, itemById(model, condaEnvItemId(web)).bytes);
    assert.ok(plan.warnings!.some((w) => /4\.1 kB in 1 file stay on disk/.test(w)));
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [rel(web)]);
    assert.strictEqual(sha256(api), apiHash);
    assert.strictEqual(fs.lstatSync(api).nlink, 1);
  });

  it('an env outside every envs dir is removed inside its own parent folder', async () => {
    const { external } = scene.conda.envs;
    const plan = await planById(model, condaEnvItemId(external), scene.env);
    assert.deepStrictEqual(plan.targets.map((t) => [t.path, t.root, t.bytes]), [[external, path.dirname(external), duBytes(external)]]);
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), [rel(external)]);
  });

  it('never removes base nor the active env (at scan time or now)', async () => {
    const { base, ml, web } = scene.conda.envs;
    await assert.rejects(planById(model, condaEnvItemId(base), scene.env), /base environment is never removed/);
    await assert.rejects(planById(model, condaEnvItemId(ml), scene.env), /active environment/);
    await assert.rejects(planById(model, condaEnvItemId(web), { ...scene.env, CONDA_PREFIX: web }), /active environment/);
    const mixed = await planForItems(model, [condaEnvItemId(web), condaEnvItemId(ml)], scene.env);
    assert.deepStrictEqual(mixed.targets.map((t) => t.path), [web]);
    assert.deepStrictEqual(mixed.keep!.map((k) => k.path), [ml]);
    // What the host hands the executor as protectedPaths: a plan made by hand for base is refused there too.
    const protectedPaths = condaProtectedPaths(model, scene.env);
    assert.deepStrictEqual(protectedPaths.sort(), [base, ml].sort());
    const forged = { ...mixed, targets: [{ ...mixed.targets[0], path: base, root: path.dirname(base) }] };
    const st = fs.lstatSync(base);
    forged.targets[0].dev = st.dev;
    forged.targets[0].ino = st.ino;
    const report = await executePlan(forged, { protectedPaths });
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'protected']]);
    assert.ok(fs.existsSync(path.join(base, 'conda-meta')));
  });

  it('cleans one package cache from its tree item (tarballs and unused packages together)', async () => {
    const plan = await planForItems(model, [condaPkgsItemId(scene.conda.pkgs)], scene.env);
    const expected = [...scene.conda.tarballs.map((t) => t.path), scene.conda.packages.oldpkg.path].sort();
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), expected);
    assert.strictEqual(plan.bytes, categoryOf(model, 'conda').reclaimableBytes);
    const before = snapshotTree(scene.dir);
    await execute(plan);
    assertOnlyRemoved(before, snapshotTree(scene.dir), expected.map(rel));
  });
});

describe('conda: packages used through softlinks, and plans per install', () => {
  let scene: Scene;
  beforeEach(() => { scene = buildScene(); });
  afterEach(() => scene.cleanup());

  it('a package an env softlinks (conda-meta link type 2) is in use, named with the env; clean -p keeps it', async () => {
    const soft = addSoftlinkedPackage(scene.conda, scene.conda.envs.web);
    assert.ok(condaRuleUnused(scene.conda.pkgs).includes(soft.path), 'conda\'s own rule would call it unused (and break the env)');
    const model = await scanCaches(scene.env, ['conda']);
    const pkgs = itemById(model, condaPkgsItemId(scene.conda.pkgs));
    const unused = pkgs.children!.find((c) => c.kind === 'conda-unused-packages')!.children!.map((c) => c.path);
    assert.ok(!unused.includes(soft.path), 'not proposed as unused');
    const inUse = pkgs.children!.find((c) => c.kind === 'conda-in-use-packages')!.children!.find((c) => c.path === soft.path)!;
    assert.deepStrictEqual(inUse.fields!.softlinkedBy, [scene.conda.envs.web]);
    assert.match(inUse.description!, /softlinked into web/);
    const plan = await planById(model, CONDA_CLEAN_PACKAGES_ID, scene.env);
    assert.deepStrictEqual(plan.targets.map((t) => t.path), [scene.conda.packages.oldpkg.path]);
    await execute(plan);
    assert.ok(fs.existsSync(path.join(scene.conda.envs.web, 'lib', 'softpkg.so')), 'the env still resolves its softlink');
  });

  it('a package softlinked after the scan is kept by the plan, with the env named', async () => {
    const model = await scanCaches(scene.env, ['conda']);
    // oldpkg was unused at scan time; now the web env softlinks it.
    const old = scene.conda.packages.oldpkg;
    fs.symlinkSync(path.join(old.path, 'lib', 'oldpkg.so'), path.join(scene.conda.envs.web, 'oldpkg.so'));
    fs.writeFileSync(path.join(scene.conda.envs.web, 'conda-meta', `${old.name}.json`), JSON.stringify({ name: 'oldpkg', link: { source: old.path, type: 2 } }));
    const plan = await planById(model, CONDA_CLEAN_PACKAGES_ID, scene.env);
    assert.deepStrictEqual(plan.targets, []);
    assert.ok(plan.keep!.some((k) => k.path === old.path && k.reason.includes(scene.conda.envs.web)));
  });

  it('two installs: the clean ids refuse to span both; per-install ids clean only that install\'s package cache', async () => {
    // A second install (miniforge3) registered only through environments.txt.
    const other = path.join(scene.dir, 'outside', 'miniforge3');
    fs.mkdirSync(path.join(other, 'conda-meta'), { recursive: true });
    fs.mkdirSync(path.join(other, 'condabin'), { recursive: true });
    const otherTarball = path.join(other, 'pkgs', 'zlib-1.3-0.conda');
    fs.mkdirSync(path.dirname(otherTarball), { recursive: true });
    fs.writeFileSync(otherTarball, Buffer.alloc(4 * KiB, 1));
    fs.appendFileSync(scene.conda.environmentsTxt, `\n${other}\n`);
    const model = await scanCaches(scene.env, ['conda']);
    assert.deepStrictEqual((categoryOf(model, 'conda').fields!.pkgsDirs as string[]).sort(), [path.join(other, 'pkgs'), scene.conda.pkgs].sort());
    await assert.rejects(planById(model, CONDA_CLEAN_TARBALLS_ID, scene.env), /2 conda installs/);
    const plan = await planById(model, `${CONDA_CLEAN_TARBALLS_ID}:${path.join(other, 'pkgs')}`, scene.env);
    assert.deepStrictEqual(plan.targets.map((t) => t.path), [otherTarball]);
    assert.match(plan.targets[0].label!, new RegExp(`install ${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const mine = await planById(model, `${CONDA_CLEAN_TARBALLS_ID}:${scene.conda.pkgs}`, scene.env);
    assert.deepStrictEqual(mine.targets.map((t) => t.path).sort(), scene.conda.tarballs.map((t) => t.path).sort());
  });
});
