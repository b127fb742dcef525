// Adversarial: same-device bind mounts made WHILE a deletion runs. A bind mount keeps st_dev, and
// a mount table read before the deletion does not list it, so only a check made when each folder
// is entered can tell it is another place. Every mount here is a real `mount --bind` made by a
// helper process during executePlan; afterwards the mounts are undone and the precious tree must be
// byte-identical, everything outside the plan unchanged, and the report must name the mount.
import * as assert from 'assert';
import * as path from 'path';
import { executePlan, type ExecutorReport } from '../../src/core/executor';
import { walk } from '../../src/core/walker/walker';
import { makeSandbox, writeFile, type Sandbox } from '../support/deletionFixtures';
import { mount, startMountRacer, unmountAllUnder, type MountRacer } from '../support/mounts';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';
import { planFromWalk } from '../support/walkPlans';

/** A checkpoint-shaped tree: top files, a deep chain a/b/c/d, and `shards/` with many files. */
function fillCheckpoint(dir: string, shards: number): void {
  writeFile(path.join(dir, 'model.safetensors'), 4000);
  writeFile(path.join(dir, 'optimizer.pt'), 8000);
  writeFile(path.join(dir, 'a', 'b', 'c', 'd', 'deep.bin'), 500);
  writeFile(path.join(dir, 'a', 'b', 'c', 'd', 'e', 'deeper.bin'), 500);
  for (let i = 0; i < shards; i++) writeFile(path.join(dir, 'shards', `part-${i}.bin`), 64);
}

/** Paths of the report that name a mount: refused targets and entries not entered. */
function mountMentions(report: ExecutorReport): string[] {
  const out: string[] = [];
  for (const o of report.outcomes) {
    if (o.code === 'mount-point') out.push(o.path, o.message ?? '');
    for (const e of o.entryErrors ?? []) if (e.code === 'mount-point') out.push(e.path);
  }
  return out;
}

describe('adversarial: bind mounts made during a deletion', () => {
  let box: Sandbox;
  let racer: MountRacer | undefined;
  beforeEach(() => { box = makeSandbox('mlds-adv-mrace-'); racer = undefined; });
  afterEach(async () => {
    await racer?.stop();
    racer = undefined;
    unmountAllUnder(box.dir);
    box.cleanup();
  });

  const rel = (p: string) => path.relative(box.dir, p);

  /** run/checkpoint-{1,2} (planned) and checkpoint-3 (kept); a precious look-alike outside the root. */
  async function build(shards = 30) {
    const run = path.join(box.root, 'run');
    const ck = [1, 2, 3].map((s) => path.join(run, `checkpoint-${s}`));
    for (const c of ck) fillCheckpoint(c, shards);
    // The precious tree has the same names as a checkpoint and as the run: a remover that enters
    // it by mistake finds everything it expects.
    const precious = path.join(box.outside, 'precious');
    fillCheckpoint(precious, 20);
    fillCheckpoint(path.join(precious, 'checkpoint-2'), 20);
    const result = await walk([box.root], { topN: 100, detailDepth: 8 });
    const plan = planFromWalk(result, box.root, [ck[0], ck[1]]);
    return { run, ck, precious, plan };
  }

  /** Runs the plan; `during(path)` is called once, at the first entry removed inside checkpoint-1. */
  async function deleteWith(plan: Parameters<typeof executePlan>[0], ck1: string, during: () => void) {
    let fired = false;
    const report = await executePlan(plan, {
      progressIntervalMs: 0,
      onProgress: (_d, _t, p) => {
        if (fired || !p.startsWith(ck1 + '/')) return;
        fired = true;
        during();
      },
    });
    assert.ok(fired, 'the mount was made during the deletion');
    return report;
  }

  it('a mount on a deep sub-folder not yet reached: never entered, named in the report', async () => {
    const { ck, precious, plan } = await build();
    const before = snapshotTree(box.dir);
    const deep = path.join(ck[0], 'a', 'b', 'c', 'd');
    const report = await deleteWith(plan, ck[0], () => mount(['--bind', precious, deep]));
    const o = report.outcomes[0];
    assert.deepStrictEqual([o.status, o.code], ['failed', 'mount-point'], JSON.stringify(o));
    assert.ok(o.entryErrors!.some((e) => e.code === 'mount-point' && e.path === deep), JSON.stringify(o.entryErrors));
    assert.deepStrictEqual([report.outcomes[1].status, report.outcomes[1].code], ['deleted', undefined]);
    unmountAllUnder(box.dir);
    // Only the two checkpoints changed; the precious tree and checkpoint-3 are byte-identical.
    assertOnlyRemoved(before, snapshotTree(box.dir), [rel(ck[0]), rel(ck[1])], [rel(ck[1])]);
  });

  it('a mount on the checkpoint being deleted, and on the next checkpoint: neither mount is entered', async () => {
    const { ck, precious, plan } = await build();
    const before = snapshotTree(box.dir);
    const report = await deleteWith(plan, ck[0], () => {
      mount(['--bind', precious, ck[0]]);
      mount(['--bind', precious, ck[1]]);
    });
    const [o1, o2] = report.outcomes;
    assert.deepStrictEqual([o1.status, o1.code], ['failed', 'mount-point'], JSON.stringify(o1));
    assert.ok(mountMentions(report).includes(ck[0]), JSON.stringify(o1));
    assert.deepStrictEqual([o2.status, o2.code], ['skipped', 'mount-point'], JSON.stringify(o2));
    unmountAllUnder(box.dir);
    // checkpoint-1 was emptied through the descriptor held before the mount; checkpoint-2 untouched.
    assertOnlyRemoved(before, snapshotTree(box.dir), [rel(ck[0])], []);
  });

  it('a mount on the run folder (the parent) with a look-alike next checkpoint: refused as a mount', async () => {
    const { run, ck, precious, plan } = await build();
    const before = snapshotTree(box.dir);
    const report = await deleteWith(plan, ck[0], () => mount(['--bind', precious, run]));
    const o2 = report.outcomes[1];
    assert.deepStrictEqual([o2.status, o2.code], ['skipped', 'mount-point'], JSON.stringify(o2));
    assert.ok(o2.message!.includes(run), o2.message);
    unmountAllUnder(box.dir);
    assertOnlyRemoved(before, snapshotTree(box.dir), [rel(ck[0])]);
  });

  it('the run itself bind-mounted inside the checkpoint being deleted: the kept checkpoint survives', async () => {
    const { run, ck, plan } = await build();
    const before = snapshotTree(box.dir);
    // Same device, and the mount's root has the run's own inode: every identity check passes.
    const inside = path.join(ck[0], 'a', 'b');
    const report = await deleteWith(plan, ck[0], () => mount(['--bind', run, inside]));
    assert.ok(mountMentions(report).includes(inside), JSON.stringify(report.outcomes[0]));
    unmountAllUnder(box.dir);
    assertOnlyRemoved(before, snapshotTree(box.dir), [rel(ck[0]), rel(ck[1])], [rel(ck[1])]);
  });

  it('a helper racing mounts into the tree at several places while it is deleted: nothing outside the plan is touched', async function () {
    this.timeout(240_000);
    const ROUNDS = 5;
    const seen: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) { box.cleanup(); box = makeSandbox('mlds-adv-mrace-'); }
      const { run, ck, precious, plan } = await build(200);
      const placements = [
        path.join(ck[0], 'a', 'b', 'c', 'd'), path.join(ck[0], 'shards'), ck[0],
        path.join(ck[1], 'a', 'b', 'c'), path.join(ck[1], 'shards'), ck[1], run,
      ];
      const before = snapshotTree(box.dir);
      let started = false;
      const report = await executePlan(plan, {
        progressIntervalMs: 0,
        onProgress: () => { if (!started) { started = true; racer = startMountRacer(precious, placements); } },
      });
      const mounted = await racer!.stop();
      racer = undefined;
      seen.push(...mounted.map((m) => path.relative(box.root, m)));
      unmountAllUnder(box.dir);
      const mentions = mountMentions(report);
      // A mount at or inside a checkpoint keeps its folder from being removed, so the deletion
      // met it and must say so. One on the run folder may land after the last checkpoint was
      // opened (the deletion then never looks there again): only the trees are checked for it.
      for (const m of mounted.filter((p) => plan.targets.some((t) => p === t.path || p.startsWith(t.path + '/')))) {
        const named = mentions.some((t) => t.includes(m)) || mentions.some((t) => m.startsWith(t + '/'));
        assert.ok(named, `round ${round}: the mount at ${m} is not named in the report: ${JSON.stringify(report.outcomes)}`);
      }
      assertOnlyRemoved(before, snapshotTree(box.dir), [rel(ck[0]), rel(ck[1])], []);
    }
    assert.ok(seen.length > 0, 'the helper mounted somewhere during the deletions');
    console.log(`      mounts made during ${ROUNDS} deletions: ${seen.join(', ')}`);
  });
});
