// /dev/shm leftovers on a real tmpfs standing in for /dev/shm (MLDS_SHM_DIR), with segments written
// by real processes: some that exited, one that maps its segment, one that only holds it open.
// Only the exited ones are offered and removed; the freed bytes are what the tmpfs gets back.
import * as assert from 'assert';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scanShm } from '../../src/core/headroom/shm';
import { executeShmPlan, planShmLeftovers } from '../../src/core/headroom/shmReclaim';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const SEGMENT = path.join(REPO, 'test', 'support', 'headroom', 'shmSegment.py');
const PYTHON = '/usr/bin/python3';
const TEN_MIN_AGO = new Date(Date.now() - 600_000);

function leaveSegment(dir: string, name: string, size: number): string {
  const r = spawnSync(PYTHON, [SEGMENT, dir, name, String(size), 'exit'], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim().split(' ')[1];
}

function liveSegment(dir: string, name: string, size: number, mode: 'map' | 'fd' | 'attach'): Promise<{ child: ChildProcess; path: string }> {
  const child = spawn(PYTHON, [SEGMENT, dir, name, String(size), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^ready (.+)\n/.exec(out);
      if (m) resolve({ child, path: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`segment process exited early (${code})`)));
  });
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const duBytes = (p: string) => Number(execFileSync('du', ['-B1', p], { encoding: 'utf8' }).split('\t')[0]);
const usedBytes = (p: string) => { const s = fs.statfsSync(p); return (s.blocks - s.bfree) * s.bsize; };
const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  assert.strictEqual(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

describe('headroom: /dev/shm leftovers (a tmpfs stands in for /dev/shm)', function () {
  let base: string;
  let shm: string;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];
  let mapper: { child: ChildProcess; path: string };
  let holder: { child: ChildProcess; path: string };
  let leftovers: string[];

  before(async function () {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-shm-'));
    shm = path.join(base, 'shm');
    fs.mkdirSync(shm);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=1777', 'tmpfs', shm]);
    env = { ...process.env, MLDS_SHM_DIR: shm };
    leftovers = [
      leaveSegment(shm, 'torch_{pid}_1893321_0', 3 << 20),
      leaveSegment(shm, 'psm_0c1d2e3f', 1 << 20),
      leaveSegment(shm, 'sem.mp-dead', 32),
    ];
    mapper = await liveSegment(shm, 'torch_{pid}_live_0', 2 << 20, 'map');
    holder = await liveSegment(shm, 'psm_live_fd', 512 << 10, 'fd');
    children.push(mapper.child, holder.child);
    // Old enough to be offered: only the live mapping / open fd may protect a segment here.
    for (const p of [...leftovers, mapper.path, holder.path]) fs.utimesSync(p, TEN_MIN_AGO, TEN_MIN_AGO);
  });

  after(async function () {
    // The segment processes hold files of the tmpfs open or mapped until they are gone, not just
    // signalled: unmounting before they have exited fails with EBUSY (seen on a loaded CI machine).
    await Promise.all(children.map(killAndWait));
    const umount = shm ? spawnSync('umount', [shm], { encoding: 'utf8' }) : undefined;
    // Never leave the mount behind, whatever held it; then say so.
    if (umount && umount.status !== 0) spawnSync('umount', ['-l', shm]);
    if (base) fs.rmSync(base, { recursive: true, force: true });
    if (umount && umount.status !== 0) throw new Error(`umount ${shm} failed once every segment process had exited: ${umount.stderr.trim()}`);
  });

  it('memory --json: leftovers of exited processes are reclaimable, the mapped and the open segment name their pids', () => {
    const r = cli(env, 'memory', '--json');
    const byName = new Map<string, { reclaimable: boolean; pids: number[]; bytes: number; kind: string }>(r.shm.segments.map((s: { name: string }) => [s.name, s]));
    for (const p of leftovers) assert.strictEqual(byName.get(path.basename(p))?.reclaimable, true, path.basename(p));
    assert.strictEqual(byName.get(path.basename(leftovers[0]))?.kind, 'torch');
    assert.deepStrictEqual(byName.get(path.basename(mapper.path))?.pids, [mapper.child.pid]);
    assert.strictEqual(byName.get(path.basename(mapper.path))?.reclaimable, false);
    assert.deepStrictEqual(byName.get('psm_live_fd')?.pids, [holder.child.pid]);
    assert.strictEqual(byName.get('psm_live_fd')?.reclaimable, false);
    assert.strictEqual(r.shm.dir, shm);
    assert.strictEqual(r.shm.reclaimableBytes, leftovers.reduce((a, p) => a + duBytes(p), 0), 'bytes as du -B1 counts them');
  });

  it('purge shm:leftovers plans exactly the leftovers, and --yes frees what the tmpfs gets back; live segments stay', () => {
    const plan = cli(env, 'purge', 'shm:leftovers', '--json');
    assert.deepStrictEqual(plan.delete.map((d: { path: string }) => d.path).sort(), [...leftovers].sort());
    assert.deepStrictEqual(plan.keep.map((k: { path: string }) => k.path).sort(), [holder.path, mapper.path].sort());
    const expected = leftovers.reduce((a, p) => a + duBytes(p), 0);
    const before = usedBytes(shm);
    const report = cli(env, 'purge', 'shm:leftovers', '--yes', '--json');
    assert.deepStrictEqual(report.outcomes.map((o: { status: string }) => o.status), ['deleted', 'deleted', 'deleted']);
    assert.strictEqual(report.bytesFreed, expected);
    assert.strictEqual(before - usedBytes(shm), expected, 'the tmpfs got back exactly the bytes reported');
    for (const p of leftovers) assert.ok(!fs.existsSync(p), p);
    assert.ok(fs.existsSync(mapper.path) && fs.existsSync(holder.path));
  });

  it('a segment a process maps after the scan is skipped at the moment of acting, not deleted', async () => {
    const late = leaveSegment(shm, 'torch_{pid}_late_0', 1 << 20);
    fs.utimesSync(late, TEN_MIN_AGO, TEN_MIN_AGO);
    const plan = planShmLeftovers(await scanShm({ dir: shm }));
    assert.deepStrictEqual(plan.targets.map((t) => t.path), [late]);
    const attached = await liveSegment(shm, path.basename(late), 0, 'attach');
    children.push(attached.child);
    const report = await executeShmPlan(plan);
    assert.strictEqual(report.outcomes[0].status, 'skipped');
    assert.strictEqual(report.outcomes[0].code, 'in-use');
    assert.strictEqual(report.bytesFreed, 0);
    assert.ok(fs.existsSync(late));
  });

  it('a segment written in the last minute is not offered', async () => {
    const fresh = leaveSegment(shm, 'psm_fresh', 4096);
    const seg = (await scanShm({ dir: shm })).segments.find((s) => s.path === fresh)!;
    assert.strictEqual(seg.reclaimable, false);
    assert.match(seg.reason, /last minute/);
  });
});
