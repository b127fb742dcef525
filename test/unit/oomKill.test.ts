// A real OOM kill: a Python "training" child inside a cgroup v1 memory cgroup with a 64 MiB limit
// allocates until the kernel kills it; `ml-disk-space memory --json` must find the kernel's line
// and explain it (pid, name, time, anon-rss, the cgroup). Plus a real child with oom_score_adj set.
// Needs root (cgroup creation; reading the kernel log) — the sandbox gives it.
import * as assert from 'assert';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const TRAIN = path.join(REPO, 'test', 'support', 'headroom', 'train.py');
const PYTHON = '/usr/bin/python3';
const MEMCG_ROOT = '/sys/fs/cgroup/memory';
const LIMIT = 64 << 20;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('headroom: a real OOM kill, explained by ml-disk-space memory', function () {
  this.timeout(120_000);
  const name = `mlds-oom-${process.pid}-${Date.now()}`;
  const cg = path.join(MEMCG_ROOT, name);
  let victim: ChildProcess;
  let started: number;
  let ended: number;
  let signal: NodeJS.Signals | null;

  before(async function () {
    // No memory controller = this test cannot run: fail loudly, never pass.
    assert.ok(fs.existsSync(path.join(MEMCG_ROOT, 'memory.limit_in_bytes')), `no cgroup v1 memory controller at ${MEMCG_ROOT}`);
    fs.mkdirSync(cg);
    fs.writeFileSync(path.join(cg, 'memory.limit_in_bytes'), String(LIMIT));
    if (fs.existsSync(path.join(cg, 'memory.memsw.limit_in_bytes'))) fs.writeFileSync(path.join(cg, 'memory.memsw.limit_in_bytes'), String(LIMIT));
    started = Date.now();
    // The shell joins the cgroup, then becomes python (same pid): the kernel names that pid.
    victim = spawn('sh', ['-c', `echo $$ > ${cg}/cgroup.procs && exec ${PYTHON} ${TRAIN} grow`], { stdio: ['ignore', 'pipe', 'pipe'] });
    signal = await new Promise((resolve) => victim.once('exit', (_code, sig) => resolve(sig)));
    ended = Date.now();
  });

  after(function () {
    if (fs.existsSync(cg)) fs.rmdirSync(cg);
  });

  it('the child really was killed (SIGKILL) by its cgroup limit', () => {
    assert.strictEqual(signal, 'SIGKILL');
  });

  it('memory --json lists the kill: pid, name, time, anon-rss, the cgroup', () => {
    const r = cli('memory', '--json', '--hours', '1');
    assert.strictEqual(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    // The kernel names pids as the host sees them; the sandbox runs in its own pid namespace (the
    // child has another pid there), so the kill is matched by its cgroup, unique to this run.
    const kills = report.kills.filter((k: { memcg?: string }) => k.memcg === `/${name}`);
    const oomKills = Number(/^oom_kill (\d+)/m.exec(fs.readFileSync(path.join(cg, 'memory.oom_control'), 'utf8'))?.[1]);
    assert.strictEqual(kills.length, oomKills, `the cgroup counted ${oomKills} OOM kill(s); found ${JSON.stringify(report.kills)} (source ${report.kernelLogSource}; notes ${report.notes.join('; ')})`);
    assert.strictEqual(oomKills, 1);
    const [kill] = kills;
    if (fs.readFileSync('/proc/1/comm', 'utf8').trim() !== 'bwrap') assert.strictEqual(kill.pid, victim.pid, 'same pid namespace: the same pid');
    assert.strictEqual(kill.name, 'python3');
    assert.strictEqual(kill.cgroup, true);
    assert.strictEqual(kill.memcg, `/${name}`);
    assert.ok(kill.anonRssBytes > LIMIT / 4 && kill.anonRssBytes <= LIMIT, `anon-rss ${kill.anonRssBytes} vs limit ${LIMIT}`);
    const t = Date.parse(kill.time);
    // Kernel times count from boot; /proc/uptime turns them into wall time to within a few seconds.
    assert.ok(t >= started - 5000 && t <= ended + 5000, `kill at ${kill.time}, child ran ${new Date(started).toISOString()}..${new Date(ended).toISOString()}`);
    assert.match(kill.explanation, new RegExp(`^python3 \\(pid ${kill.pid}\\) was killed by the OOM killer at \\d\\d:\\d\\d UTC .* — anon-rss .*cgroup /${name}`));
  });

  it('the text report explains it in one line', () => {
    const r = cli('memory', '--hours', '1');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`python3 \\(pid \\d+\\) was killed by the OOM killer at .*cgroup /${name} was reached`));
  });
});

describe('headroom: a live Python process with oom_score_adj set', function () {
  let child: ChildProcess;

  before(async function () {
    child = spawn(PYTHON, [TRAIN, 'idle', '500'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
      child.once('exit', (code) => reject(new Error(`exited early (${code})`)));
    });
  });

  after(function () {
    if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  });

  it('memory --json shows its RSS, oom_score and oom_score_adj as /proc says, and the command that protects it', () => {
    const r = cli('memory', '--json');
    assert.strictEqual(r.status, 0, r.stderr);
    const p = JSON.parse(r.stdout).processes.find((x: { pid: number }) => x.pid === child.pid);
    assert.ok(p, 'the child is listed');
    const proc = (f: string) => fs.readFileSync(`/proc/${child.pid}/${f}`, 'utf8');
    assert.strictEqual(p.name, 'train.py');
    assert.strictEqual(p.oomScoreAdj, 500);
    assert.strictEqual(p.oomScoreAdj, Number(proc('oom_score_adj')));
    assert.strictEqual(p.oomScore, Number(proc('oom_score')));
    assert.strictEqual(p.rssBytes, Number(/^VmRSS:\s+(\d+) kB/m.exec(proc('status'))![1]) * 1024);
    assert.ok(p.rssBytes >= 32 << 20, 'holds its 32 MiB');
    assert.strictEqual(p.protectCommand, `sudo choom -p ${child.pid} -n -500`);
    assert.strictEqual(Number(proc('oom_score_adj')), 500, 'reading never changed the process');
  });
});
