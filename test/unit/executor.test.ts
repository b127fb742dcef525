// The executor on real temp trees: every case checks, byte for byte, that nothing outside the
// plan changed (snapshot of the whole sandbox before and after).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executePlan, type ExecuteOptions, type ExecutorReport } from '../../src/core/executor';
import type { DeletionPlan } from '../../src/core/plan/types';
import { exists, makeSandbox, planOf, targetOf, writeFile, type Sandbox } from '../support/deletionFixtures';
import { assertOnlyRemoved, snapshotTree, type TreeSnapshot } from '../support/treeSnapshot';
import { runNodeAsNobody, UNPRIVILEGED_GID, UNPRIVILEGED_UID } from '../support/unprivileged';

describe('executor', () => {
  let box: Sandbox;
  let before: TreeSnapshot;
  /** Paths (relative to the sandbox) the case allows to change, and those that must be gone. */
  let planned: string[];
  let gone: string[];

  const rel = (p: string) => path.relative(box.dir, p);
  /** Declares what the case may remove; takes the "before" snapshot. */
  const expectRemoval = (plannedPaths: string[], gonePaths: string[] = plannedPaths) => {
    planned = plannedPaths.map(rel);
    gone = gonePaths.map(rel);
    before = snapshotTree(box.dir);
  };
  const outcome = (report: ExecutorReport, p: string) => {
    const o = report.outcomes.find((x) => x.path === p);
    assert.ok(o, `no outcome for ${p}`);
    return o;
  };
  const run = (plan: DeletionPlan, options?: ExecuteOptions) => executePlan(plan, options);

  beforeEach(() => {
    box = makeSandbox();
    before = new Map();
    planned = [];
    gone = [];
  });

  afterEach(function () {
    try {
      if (before.size && this.currentTest?.state === 'passed') assertOnlyRemoved(before, snapshotTree(box.dir), planned, gone);
    } finally {
      box.cleanup();
    }
  });

  function checkpointRun(): { run: string; a: string; b: string; c: string } {
    const runDir = path.join(box.root, 'run1');
    for (const step of ['100', '200', '300']) {
      writeFile(path.join(runDir, `checkpoint-${step}`, 'model.safetensors'), 5000);
      writeFile(path.join(runDir, `checkpoint-${step}`, 'optimizer.pt'), 9000);
      writeFile(path.join(runDir, `checkpoint-${step}`, 'trainer_state.json'), `{"global_step": ${step}}`);
      writeFile(path.join(runDir, `checkpoint-${step}`, 'global_step' + step, 'zero_pp_rank_0_mp_rank_00_optim_states.pt'), 3000);
    }
    return { run: runDir, a: path.join(runDir, 'checkpoint-100'), b: path.join(runDir, 'checkpoint-200'), c: path.join(runDir, 'checkpoint-300') };
  }

  it('deletes planned folders, files and symlinks, and reports the planned bytes', async () => {
    const { a, b, c } = checkpointRun();
    const loose = writeFile(path.join(box.root, 'loose.pt'), 12_345);
    const link = path.join(box.root, 'last.ckpt');
    fs.symlinkSync(c, link);
    const targets = [targetOf(a, box.root), targetOf(b, box.root), targetOf(loose, box.root), targetOf(link, box.root)];
    expectRemoval([a, b, loose, link]);
    const progress: [number, number, string][] = [];
    const report = await run(planOf(targets), { onProgress: (d, t, p) => progress.push([d, t, p]) });
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['deleted', undefined], ['deleted', undefined], ['deleted', undefined], ['deleted', undefined]]);
    assert.strictEqual(report.bytesFreed, targets.reduce((s, t) => s + t.bytes, 0));
    assert.ok(report.bytesFreed > 2 * (5000 + 9000 + 3000));
    assert.strictEqual(report.cancelled, false);
    assert.deepStrictEqual(report.touchedRoots, [box.root]);
    assert.ok(exists(c) && fs.statSync(path.join(c, 'model.safetensors')).size === 5000, 'the symlink target survives');
    assert.deepStrictEqual(progress[0], [0, 4, a]);
    assert.deepStrictEqual(progress[progress.length - 1], [4, 4, '']);
  });

  it('skips a target that vanished since the scan', async () => {
    const { a, b } = checkpointRun();
    const targets = [targetOf(a, box.root), targetOf(b, box.root)];
    fs.rmSync(a, { recursive: true });
    expectRemoval([b]);
    const report = await run(planOf(targets));
    assert.strictEqual(outcome(report, a).status, 'skipped');
    assert.strictEqual(outcome(report, a).code, 'vanished');
    assert.strictEqual(outcome(report, b).status, 'deleted');
    assert.strictEqual(report.bytesFreed, targets[1].bytes);
  });

  it('skips a target replaced between plan and execution (other inode)', async () => {
    const { a } = checkpointRun();
    const file = writeFile(path.join(box.root, 'weights.bin'), 4096);
    const targets = [targetOf(a, box.root), targetOf(file, box.root)];
    // The old folder is kept elsewhere, so the new one cannot reuse its inode number.
    fs.renameSync(a, path.join(box.outside, 'old-checkpoint-100'));
    writeFile(path.join(a, 'model.safetensors'), 'a new checkpoint written by a still-running job');
    const tmp = file + '.tmp';
    writeFile(tmp, 4096);
    fs.renameSync(tmp, file); // same name, new inode
    expectRemoval([]);
    const report = await run(planOf(targets, { scannedAt: Date.now() + 60_000 }));
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'changed'], ['skipped', 'changed']]);
    assert.match(report.outcomes[0].message!, /device\/inode changed/);
    assert.strictEqual(report.bytesFreed, 0);
    assert.deepStrictEqual(report.touchedRoots, []);
  });

  it('skips a target deleted and re-created after the scan even when the inode number is reused', async () => {
    const { a } = checkpointRun();
    const file = writeFile(path.join(box.root, 'weights.bin'), 4096);
    const plan = planOf([targetOf(a, box.root), targetOf(file, box.root)]);
    await new Promise((r) => setTimeout(r, 30)); // file timestamps use a coarse clock
    for (let attempt = 0; attempt < 20; attempt++) {
      fs.rmSync(a, { recursive: true });
      writeFile(path.join(a, 'model.safetensors'), 'new');
      fs.rmSync(file);
      writeFile(file, 4096);
    }
    expectRemoval([]);
    const reused = [fs.lstatSync(a).ino === plan.targets[0].ino, fs.lstatSync(file).ino === plan.targets[1].ino];
    const report = await run(plan);
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'changed'], ['skipped', 'changed']]);
    // Whichever check caught it, the message says why.
    report.outcomes.forEach((o, i) => assert.match(o.message!, reused[i] ? /created after the scan/ : /created after the scan|device\/inode changed/));
  });

  it('skips a folder replaced by a symlink to another folder; that folder is untouched', async () => {
    const { a } = checkpointRun();
    const precious = path.join(box.outside, 'precious');
    writeFile(path.join(precious, 'data.bin'), 7777);
    const target = targetOf(a, box.root);
    fs.rmSync(a, { recursive: true });
    fs.symlinkSync(precious, a);
    expectRemoval([]);
    const report = await run(planOf([target]));
    assert.strictEqual(outcome(report, a).code, 'changed');
    assert.match(outcome(report, a).message!, /symlink/);
  });

  it('catches a parent folder swapped for a symlink (outside the root, and inside it)', async () => {
    const { run: runDir, a } = checkpointRun();
    const other = path.join(box.root, 'run2');
    writeFile(path.join(other, 'checkpoint-100', 'model.safetensors'), 5000);
    const target = targetOf(a, box.root);
    // The run folder moves outside the root and a symlink takes its place: identity of the
    // checkpoint is unchanged, but it no longer lies inside the root.
    const moved = path.join(box.outside, 'run1');
    fs.renameSync(runDir, moved);
    fs.symlinkSync(moved, runDir);
    const inside = path.join(box.root, 'elsewhere');
    fs.mkdirSync(inside);
    const viaInside = path.join(inside, 'link');
    fs.symlinkSync(other, viaInside);
    const target2 = targetOf(path.join(other, 'checkpoint-100'), box.root, { path: path.join(viaInside, 'checkpoint-100') });
    expectRemoval([]);
    const report = await run(planOf([target, target2]));
    assert.strictEqual(report.outcomes[0].code, 'outside-root');
    assert.strictEqual(report.outcomes[1].code, 'parent-changed');
    assert.ok(exists(path.join(moved, 'checkpoint-100', 'model.safetensors')));
  });

  it('removes symlinks inside deleted folders as links and never touches what they point to', async () => {
    const { a } = checkpointRun();
    const outsideFile = writeFile(path.join(box.outside, 'dataset', 'shard-0.arrow'), 3333);
    const outsideDir = path.join(box.outside, 'dataset');
    const keptInRoot = writeFile(path.join(box.root, 'keep', 'config.json'), '{"keep": true}');
    fs.symlinkSync(outsideDir, path.join(a, 'data-dir-link'));
    fs.symlinkSync(outsideFile, path.join(a, 'data-file-link'));
    // Links to / and HOME are in test/adversarial, run as an unprivileged user so that a
    // regression could not wipe the machine running the tests.
    fs.symlinkSync(box.outside, path.join(a, 'outside-link'));
    fs.symlinkSync(path.join(box.dir, 'outside', '.', 'dataset'), path.join(a, 'outside-link-2'));
    fs.symlinkSync(path.dirname(keptInRoot), path.join(a, 'sibling-link'));
    fs.symlinkSync(path.join(box.dir, 'does-not-exist'), path.join(a, 'dangling'));
    fs.symlinkSync('../checkpoint-100', path.join(a, 'loop'));
    fs.linkSync(outsideFile, path.join(a, 'hardlink-to-outside'));
    const target = targetOf(a, box.root);
    expectRemoval([a]);
    const report = await run(planOf([target]));
    assert.strictEqual(outcome(report, a).status, 'deleted');
    // 3 files + global_step100/ and its file + 8 links + the folder itself.
    assert.strictEqual(outcome(report, a).removedEntries, 14);
    assert.strictEqual(fs.readFileSync(outsideFile).length, 3333);
    assert.strictEqual(fs.statSync(outsideFile).nlink, 1);
  });

  it('never deletes a protected path nor anything that contains one', async () => {
    const { run: runDir, a, b } = checkpointRun();
    const workspace = path.join(box.root, 'project');
    writeFile(path.join(workspace, 'train.py'), 'print(1)');
    const env = path.join(box.root, 'envs', 'active');
    writeFile(path.join(env, 'conda-meta', 'history'), '');
    const targets = [targetOf(workspace, box.root), targetOf(path.join(box.root, 'envs'), box.root), targetOf(a, box.root), targetOf(b, box.root)];
    // b is protected through a symlinked spelling: protection compares real paths.
    const alias = path.join(box.outside, 'alias-of-run');
    fs.symlinkSync(runDir, alias);
    expectRemoval([a]);
    const report = await run(planOf(targets), { protectedPaths: [workspace, env, path.join(alias, 'checkpoint-200')] });
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'protected'], ['skipped', 'protected'], ['deleted', undefined], ['skipped', 'protected']]);
  });

  it('protects HOME and / even when the caller passes no protected paths', async () => {
    // A temporary HOME (os.homedir() honours $HOME): the real one is never handed to the executor.
    // '/' is the sandbox's read-only bind of the system (run-sandboxed.sh), so even a regressed
    // guard cannot remove anything there; the canary HOME check of the sandbox catches the rest.
    const home = path.join(box.root, 'home', 'user');
    writeFile(path.join(home, '.bashrc'), 'export PATH');
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      assert.strictEqual(os.homedir(), home);
      const st = fs.lstatSync(home);
      const plan = planOf([
        { path: home, root: path.dirname(home), dev: st.dev, ino: st.ino, type: 'dir', bytes: 1 },
        { path: '/', root: '/', dev: fs.lstatSync('/').dev, ino: fs.lstatSync('/').ino, type: 'dir', bytes: 1 },
      ], { allowRootTargets: true });
      expectRemoval([]);
      const report = await run(plan);
      assert.deepStrictEqual(report.outcomes.map((o) => o.code), ['protected', 'protected']);
      assert.ok(exists(path.join(home, '.bashrc')));
    } finally {
      if (savedHome === undefined) delete process.env.HOME; else process.env.HOME = savedHome;
    }
  });

  it('protects the conda env this process runs in (CONDA_PREFIX) and its parents', async () => {
    const env = path.join(box.root, 'envs', 'active');
    writeFile(path.join(env, 'conda-meta', 'history'), '');
    const other = path.join(box.root, 'envs', 'old');
    writeFile(path.join(other, 'conda-meta', 'history'), '');
    const saved = process.env.CONDA_PREFIX;
    process.env.CONDA_PREFIX = env;
    try {
      expectRemoval([other]);
      const report = await run(planOf([targetOf(env, box.root), targetOf(path.join(box.root, 'envs'), box.root), targetOf(other, box.root)]));
      assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'protected'], ['skipped', 'protected'], ['deleted', undefined]]);
    } finally {
      if (saved === undefined) delete process.env.CONDA_PREFIX; else process.env.CONDA_PREFIX = saved;
    }
  });

  it('refuses the root itself unless the plan is a cache purge (allowRootTargets)', async () => {
    const cache = path.join(box.root, 'pip-cache');
    writeFile(path.join(cache, 'http-v2', 'a', 'b'), 2000);
    writeFile(path.join(cache, 'wheels', 'x.whl'), 3000);
    const target = targetOf(cache, cache);
    const alias = path.join(box.outside, 'cache-alias');
    fs.symlinkSync(cache, alias);
    expectRemoval([cache]);
    const refused = await run(planOf([target]));
    assert.strictEqual(refused.outcomes[0].code, 'is-root');
    assert.ok(exists(path.join(cache, 'wheels', 'x.whl')));
    // The cache root reached through a symlinked spelling (like ~/.cache -> /data/cache).
    const purge = await run(planOf([{ ...target, path: alias, root: alias }], { allowRootTargets: true }));
    assert.strictEqual(purge.outcomes[0].status, 'deleted');
    assert.ok(!exists(cache));
    assert.ok(fs.lstatSync(alias).isSymbolicLink(), 'the symlink spelling of the root is left alone');
  });

  it('refuses targets outside their root and paths that are not clean absolute paths', async () => {
    const { a } = checkpointRun();
    const outsideFile = writeFile(path.join(box.outside, 'big.bin'), 5000);
    const t = targetOf(outsideFile, box.root);
    const plan = planOf([
      t,
      { ...targetOf(a, box.root), path: box.root + '/run1/../run1/checkpoint-100' },
      { ...targetOf(a, box.root), path: 'run1/checkpoint-100' },
      { ...targetOf(a, box.root), root: path.join(box.root, 'elsewhere') },
    ]);
    expectRemoval([]);
    const report = await run(plan);
    assert.deepStrictEqual(report.outcomes.map((o) => o.code), ['outside-root', 'invalid-path', 'invalid-path', 'root-missing']);
  });

  it('refuses a plan older than planMaxAgeMinutes', async () => {
    const { a, b } = checkpointRun();
    const plan = planOf([targetOf(a, box.root), targetOf(b, box.root)]);
    const scannedAt = plan.scannedAt;
    expectRemoval([]);
    const report = await run(plan, { planMaxAgeMinutes: 30, now: scannedAt + 31 * 60_000 });
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['skipped', 'plan-too-old'], ['skipped', 'plan-too-old']]);
    assert.strictEqual(report.bytesFreed, 0);
    // Fresh enough with an explicit clock.
    expectRemoval([a, b]);
    const ok = await run(plan, { planMaxAgeMinutes: 30, now: scannedAt + 29 * 60_000 });
    assert.deepStrictEqual(ok.outcomes.map((o) => o.status), ['deleted', 'deleted']);
  });

  it('trash mode: without a trash nothing is deleted; a failing trash never falls back to permanent', async () => {
    const { a, b } = checkpointRun();
    const plan = planOf([targetOf(a, box.root), targetOf(b, box.root)]);
    expectRemoval([]);
    const none = await run(plan, { mode: 'trash' });
    assert.deepStrictEqual(none.outcomes.map((o) => [o.status, o.code]), [['skipped', 'trash-unavailable'], ['skipped', 'trash-unavailable']]);
    assert.strictEqual(none.bytesFreed, 0);
    const failing = await run(plan, { mode: 'trash', trash: async () => { throw new Error('no trash on this remote host'); } });
    assert.deepStrictEqual(failing.outcomes.map((o) => [o.status, o.code]), [['skipped', 'trash-unavailable'], ['skipped', 'trash-unavailable']]);
    assert.match(failing.outcomes[0].message!, /no trash on this remote host/);
  });

  it('trash mode with a trash: each validated target is handed to it by its real path', async () => {
    const { a, b } = checkpointRun();
    const trashDir = path.join(box.dir, 'trash');
    fs.mkdirSync(trashDir);
    const plan = planOf([targetOf(a, box.root), targetOf(b, box.root)]);
    fs.rmSync(b, { recursive: true }); // vanished: never handed to the trash
    expectRemoval([a, path.join(trashDir, 'checkpoint-100')], [a]);
    const handed: string[] = [];
    const report = await run(plan, { mode: 'trash', trash: async (p) => { handed.push(p); fs.renameSync(p, path.join(trashDir, path.basename(p))); } });
    assert.deepStrictEqual(handed, [a]);
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['deleted', 'trashed'], ['skipped', 'vanished']]);
    assert.ok(exists(path.join(trashDir, 'checkpoint-100', 'model.safetensors')));
    // The trash folder's new content is expected; the snapshot check must not call it an intruder.
    for (const [k, v] of snapshotTree(box.dir)) if (k.startsWith('trash/checkpoint-100')) before.set(k, v);
  });

  it('cancel between targets: the first items are gone, the rest intact and reported', async () => {
    const { a, b, c } = checkpointRun();
    const controller = new AbortController();
    const plan = planOf([targetOf(a, box.root), targetOf(b, box.root), targetOf(c, box.root)]);
    expectRemoval([a]);
    const report = await run(plan, { signal: controller.signal, onProgress: (done) => { if (done === 1) controller.abort(); } });
    assert.strictEqual(report.cancelled, true);
    assert.deepStrictEqual(report.outcomes.map((o) => [o.status, o.code]), [['deleted', undefined], ['skipped', 'cancelled'], ['skipped', 'cancelled']]);
    assert.strictEqual(report.bytesFreed, plan.targets[0].bytes);
  });

  it('cancel inside a large folder stops between entries and reports the partial folder', async () => {
    const big = path.join(box.root, 'big-run');
    for (let i = 0; i < 1000; i++) writeFile(path.join(big, `shard-${String(i).padStart(5, '0')}.bin`), 10);
    const { a } = checkpointRun();
    const controller = new AbortController();
    let entries = 0;
    const plan = planOf([targetOf(big, box.root), targetOf(a, box.root)]);
    before = snapshotTree(box.dir);
    const report = await run(plan, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (_done, _total, p) => { if (p.includes('shard-') && ++entries === 3) controller.abort(); },
    });
    assert.strictEqual(report.cancelled, true);
    const first = report.outcomes[0];
    assert.deepStrictEqual([first.status, first.code], ['failed', 'cancelled']);
    const left = fs.readdirSync(big).length;
    assert.ok(left > 0 && left < 1000, `some shards removed, most left (left ${left})`);
    assert.ok(first.removedEntries! >= 1 && first.removedEntries! === 1000 - left, `removedEntries ${first.removedEntries} matches what is gone`);
    assert.deepStrictEqual([report.outcomes[1].status, report.outcomes[1].code], ['skipped', 'cancelled']);
    assert.strictEqual(report.bytesFreed, 0);
    // Only shards of the cancelled folder may be gone.
    planned = [path.relative(box.dir, big)];
    gone = [];
  });

  it('collects per-entry EACCES as an unprivileged user and deletes everything it may (run as nobody)', async () => {
    // The sandbox belongs to nobody, except one folder owned by root that nobody cannot write.
    fs.chmodSync(box.dir, 0o755);
    const { a, b } = checkpointRun();
    const locked = path.join(a, 'locked');
    writeFile(path.join(locked, 'rng_state.pth'), 100);
    writeFile(path.join(a, 'readonly-file.bin'), 100);
    const chownTree = (p: string) => {
      fs.lchownSync(p, UNPRIVILEGED_UID, UNPRIVILEGED_GID);
      if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p)) chownTree(path.join(p, n));
    };
    chownTree(box.dir);
    fs.chownSync(locked, 0, 0);
    fs.chownSync(path.join(locked, 'rng_state.pth'), 0, 0);
    fs.chmodSync(locked, 0o755);
    fs.chmodSync(path.join(a, 'readonly-file.bin'), 0o444); // removable: the folder is writable
    const plan = planOf([targetOf(a, box.root), targetOf(b, box.root)]);
    const planFile = path.join(box.dir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify({ op: 'execute', plan }));
    fs.chownSync(planFile, UNPRIVILEGED_UID, UNPRIVILEGED_GID);
    expectRemoval([a, b], [b]);
    const child = require.resolve('../support/executorChild');
    const { uid, report } = runNodeAsNobody<{ uid: number; report: ExecutorReport }>(child, [planFile]);
    assert.strictEqual(uid, UNPRIVILEGED_UID);
    const first = report.outcomes[0];
    assert.strictEqual(first.status, 'failed');
    assert.strictEqual(first.code, 'EACCES');
    assert.deepStrictEqual(first.entryErrors!.map((e) => [e.code, e.path]), [['EACCES', path.join(locked, 'rng_state.pth')]]);
    assert.match(first.message!, /1 entry could not be removed/);
    // Messages name the real path, never the /proc/self/fd/N address the remover works through.
    assert.ok(first.entryErrors![0].message.includes(JSON.stringify(path.join(locked, 'rng_state.pth'))), first.entryErrors![0].message);
    assert.ok(!JSON.stringify(report).includes('/proc/self/fd'));
    assert.strictEqual(report.outcomes[1].status, 'deleted');
    assert.strictEqual(report.bytesFreed, plan.targets[1].bytes);
    // What nobody may delete inside `a` is gone; the locked folder and its file remain.
    assert.deepStrictEqual(fs.readdirSync(a), ['locked']);
    assert.ok(exists(path.join(locked, 'rng_state.pth')));
    assert.deepStrictEqual(report.touchedRoots, [box.root]);
    // Inside `a`, only `locked` and its file must survive.
    const lockedRel = path.relative(box.dir, locked);
    planned = [path.relative(box.dir, a), path.relative(box.dir, b), path.relative(box.dir, planFile)];
    gone = [path.relative(box.dir, b)];
    const after = snapshotTree(box.dir);
    for (const [k] of before) {
      if (k.startsWith(path.relative(box.dir, a) + '/') && !(k === lockedRel || k.startsWith(lockedRel + '/'))) assert.ok(!after.has(k), `should be gone: ${k}`);
    }
    assert.ok(after.has(lockedRel) && after.has(lockedRel + '/rng_state.pth'));
  });
});
