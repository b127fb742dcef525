// Kernel-log parsing for the OOM killer's lines. The kmsg records below were read from this
// machine's /dev/kmsg right after test/unit/oomKill.test.ts caused a real kill; the global-OOM
// line follows mm/oom_kill.c's format ("%s: Killed process %d (%s) total-vm:%lukB, anon-rss:…").
import * as assert from 'assert';
import { parseDmesg, parseJournal, parseKmsgRecord, parseOomKills } from '../../src/core/headroom/kernelLog';

const BOOT = Date.parse('2026-12-03T16:48:00Z');
const KMSG = [
  '6,498,3063078997,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/mlds-oom-2-1796319536096,task_memcg=/mlds-oom-2-1796319536096,task=python3,pid=23132,uid=0\n',
  '3,499,3063079011,-;Memory cgroup out of memory: Killed process 23132 (python3) total-vm:79500kB, anon-rss:65288kB, file-rss:4696kB, shmem-rss:0kB, UID:0 pgtables:192kB oom_score_adj:0\n',
];

describe('kernel log: OOM kills', () => {
  it('kmsg records: time from boot + usec, the cgroup from the oom-kill line, sizes in bytes', () => {
    const lines = KMSG.map((r) => parseKmsgRecord(r, BOOT)!);
    assert.strictEqual(lines[1].timeMs, BOOT + 3063079011 / 1000);
    const [k] = parseOomKills(lines);
    assert.strictEqual(k.pid, 23132);
    assert.strictEqual(k.name, 'python3');
    assert.strictEqual(k.anonRssBytes, 65288 * 1024);
    assert.strictEqual(k.totalVmBytes, 79500 * 1024);
    assert.strictEqual(k.uid, 0);
    assert.strictEqual(k.oomScoreAdj, 0);
    assert.strictEqual(k.cgroup, true);
    assert.strictEqual(k.memcg, '/mlds-oom-2-1796319536096');
  });

  it('a machine-wide OOM kill from dmesg and from journalctl, names with spaces and parentheses', () => {
    const dmesg = parseDmesg(
      '[ 5120.004211] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=pt_main_thread,pid=4121,uid=1000\n' +
      '[ 5120.004300] Out of memory: Killed process 4121 (pt_main_thread) total-vm:70123456kB, anon-rss:61234567kB, file-rss:1024kB, shmem-rss:2048kB, UID:1000 pgtables:120000kB oom_score_adj:0\n' +
      'garbage line\n', BOOT);
    const [k] = parseOomKills(dmesg);
    assert.strictEqual(k.pid, 4121);
    assert.strictEqual(k.cgroup, false);
    assert.strictEqual(k.time, new Date(BOOT + 5120004.3).toISOString());
    assert.strictEqual(k.anonRssBytes, 61234567 * 1024);
    const journal = parseJournal('1796300000.250000 gpu-node-3 kernel: Out of memory: Killed process 77 (python (train)) total-vm:1kB, anon-rss:2kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:4kB oom_score_adj:-100\n');
    const [j] = parseOomKills(journal);
    assert.strictEqual(j.name, 'python (train)');
    assert.strictEqual(j.oomScoreAdj, -100);
    assert.strictEqual(j.time, new Date(1796300000250).toISOString());
  });

  it('lines that are not OOM kills give nothing; a malformed record is skipped', () => {
    assert.deepStrictEqual(parseOomKills([{ timeMs: 0, text: 'EXT4-fs (vda): mounted filesystem' }]), []);
    assert.strictEqual(parseKmsgRecord('no semicolon here', BOOT), undefined);
    assert.strictEqual(parseKmsgRecord('6,1,notanumber,-;x', BOOT), undefined);
  });
});
