// Quota parsing against the output formats of the real tools. The kernels of these machines are
// built without quota support, so the tools cannot print live output here: the fixtures in
// test/fixtures/quota/ are written by make-fixtures.py with the printf formats of quota-tools
// (quota.c, repquota.c), xfsprogs (quota/quota.c) and Lustre (lfs.c). The live check is
// test/live/quota-live.sh, which reports NOT RUN where no quota mount succeeds.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { bindingLimit, statfsLimits } from '../../src/core/headroom/limits';
import { mountContaining, parseMountEntries } from '../../src/core/headroom/mountOf';
import {
  parseLfsQuotaOutput, parseQuotaOutput, parseRepquotaOutput, parseXfsQuotaOutput, quotaToLimit,
} from '../../src/core/headroom/quotaParse';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'quota');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const KIB = 1024;
const GRACE = 4102444800_000; // the generator's future grace end (2100-01-01)
const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('quota output parsing (formats of quota-tools, xfsprogs, lfs)', () => {
  it('quota -w -p -v -u -g: user and group lines, over-soft marks, raw grace, long NFS device on one line', () => {
    const q = parseQuotaOutput(fixture('quota-w-p-v-u-g.txt'), NOW);
    assert.deepStrictEqual(q.map((x) => [x.kind, x.owner, x.device]), [
      ['user-quota', 'alice', '/dev/sda2'],
      ['user-quota', 'alice', 'fileserver.example.org:/export/projects'],
      ['user-quota', 'alice', '/dev/sdb1'],
      ['group-quota', 'ml-team', '/dev/sda2'],
    ]);
    assert.strictEqual(q[0].usedBytes, 9961472 * KIB);
    assert.strictEqual(q[0].softBytes, 8388608 * KIB);
    assert.strictEqual(q[0].hardBytes, 10485760 * KIB);
    assert.strictEqual(q[0].blockGrace, GRACE);
    assert.strictEqual(q[0].inodeGrace, undefined);
    assert.strictEqual(q[2].inodeGrace, 'expired', 'grace epoch in the past');
    assert.strictEqual(q[2].usedInodes, 4990);
  });

  it('a quota becomes a limit: hard limit, soft shown, grace; an expired soft limit leaves nothing; no limits = no entry', () => {
    const q = parseQuotaOutput(fixture('quota-w-p-v-u-g.txt'), NOW);
    const home = quotaToLimit(q[0])!;
    assert.strictEqual(home.limitBytes, 10485760 * KIB);
    assert.strictEqual(home.freeBytes, (10485760 - 9961472) * KIB);
    assert.strictEqual(home.softLimitBytes, 8388608 * KIB);
    assert.strictEqual(home.grace, new Date(GRACE).toISOString());
    assert.strictEqual(quotaToLimit(q[1]), undefined, 'an NFS line without limits limits nothing');
    const sdb = quotaToLimit(q[2])!;
    assert.strictEqual(sdb.freeInodes, 0, 'over the soft inode limit with the grace expired: no inode left');
    assert.strictEqual(sdb.grace, 'expired');
    assert.strictEqual(sdb.limitBytes, undefined);
  });

  it('repquota -p -u: picks the user asked for, flags and raw grace', () => {
    const all = parseRepquotaOutput(fixture('repquota-p-u.txt'), NOW);
    assert.deepStrictEqual(all.map((x) => x.owner), ['root', 'alice', 'bob']);
    const [alice] = parseRepquotaOutput(fixture('repquota-p-u.txt'), NOW, 'alice');
    assert.strictEqual(alice.device, '/dev/sda2');
    assert.strictEqual(alice.blockGrace, 'expired');
    assert.strictEqual(quotaToLimit(alice)!.freeBytes, 0, 'over the soft limit with the grace expired');
    const [bob] = parseRepquotaOutput(fixture('repquota-p-u.txt'), NOW, 'bob');
    assert.strictEqual(bob.inodeGrace, GRACE);
    assert.strictEqual(quotaToLimit(bob)!.freeInodes, 2000 - 1001);
  });

  it('xfs_quota quota -b -i -N: long device wrapped onto its own line, "[6 days]" grace, mount point', () => {
    const [p] = parseXfsQuotaOutput(fixture('xfs_quota-b-i-N-p.txt'), 'project-quota', 'project 42', NOW);
    assert.strictEqual(p.device, '/dev/mapper/vg0-data-long');
    assert.strictEqual(p.mountPoint, '/data');
    assert.strictEqual(p.usedBytes, 921600 * KIB);
    assert.strictEqual(p.hardBytes, 1048576 * KIB);
    assert.strictEqual(p.blockGrace, NOW + 6 * 86400_000);
    assert.strictEqual(p.inodeGrace, undefined);
    const [u] = parseXfsQuotaOutput(fixture('xfs_quota-b-i-N-u.txt'), 'user-quota', 'alice', NOW);
    assert.strictEqual(quotaToLimit(u), undefined, 'no limits set');
  });

  it('lfs quota: usr/grp headings, "*" marks, "6d23h59m" and "none" graces, long mount point wrapped', () => {
    const [u] = parseLfsQuotaOutput(fixture('lfs-quota-u.txt'), NOW);
    assert.strictEqual(u.kind, 'user-quota');
    assert.strictEqual(u.mountPoint, '/lustre/scratch');
    assert.strictEqual(u.usedBytes, 5242880 * KIB);
    assert.strictEqual(u.blockGrace, NOW + (6 * 86400 + 23 * 3600 + 59 * 60) * 1000);
    const [g] = parseLfsQuotaOutput(fixture('lfs-quota-g.txt'), NOW);
    assert.strictEqual(g.kind, 'group-quota');
    assert.strictEqual(g.mountPoint, '/mnt/lustre-long-name');
    assert.strictEqual(g.inodeGrace, 'expired');
    assert.strictEqual(quotaToLimit(g)!.freeInodes, 0);
  });

  it('garbage, empty and truncated output parse to nothing, never throw', () => {
    for (const text of ['', 'quota: Cannot open quotafile\n', 'Disk quotas for user x (uid 1): \n  /dev/sda 12', '\u0000\u0001\n'.repeat(10)]) {
      assert.deepStrictEqual(parseQuotaOutput(text), []);
      assert.deepStrictEqual(parseRepquotaOutput(text), []);
      assert.deepStrictEqual(parseXfsQuotaOutput(text, 'user-quota', 'x'), []);
      assert.deepStrictEqual(parseLfsQuotaOutput(text), []);
    }
  });
});

describe('binding limit', () => {
  const fsNumbers = { bsize: 4096, blocks: 1_000_000, bfree: 600_000, bavail: 550_000, files: 100_000, ffree: 90_000 };

  it('a quota with fewer bytes left than the disk binds', () => {
    const quota = quotaToLimit(parseQuotaOutput(fixture('quota-w-p-v-u-g.txt'), NOW)[0])!;
    const b = bindingLimit([...statfsLimits(fsNumbers), quota])!;
    assert.strictEqual(b.kind, 'user-quota');
    assert.strictEqual(b.resource, 'bytes');
  });

  it('inodes bind when they are more used than bytes; the disk binds otherwise', () => {
    assert.strictEqual(bindingLimit(statfsLimits(fsNumbers))!.kind, 'filesystem');
    const b = bindingLimit(statfsLimits({ ...fsNumbers, ffree: 10 }))!;
    assert.strictEqual(b.kind, 'inodes');
    assert.strictEqual(b.freeInodes, 10);
    assert.ok(b.percentUsed > 99);
  });

  it('a file system without an inode table (files = 0) has no inode limit', () => {
    assert.deepStrictEqual(statfsLimits({ ...fsNumbers, files: 0, ffree: 0 }).map((l) => l.kind), ['filesystem']);
  });
});

describe('mount of a path (which quota lines apply)', () => {
  // /proc/self/mountinfo lines as the kernel writes them (a space in a mount point is \040).
  const MOUNTINFO = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    '30 22 0:27 / /home rw,relatime shared:9 - nfs4 fileserver.example.org:/export/home rw,vers=4.2',
    '31 30 0:28 / /home/alice/my\\040data rw,relatime - xfs /dev/mapper/vg0-data rw,prjquota',
    '32 22 0:29 / /lustre/scratch rw - lustre 10.0.0.1@tcp:/scratch rw',
  ].join('\n');

  it('the innermost mount wins; escaped names are decoded; a sibling prefix is not inside', () => {
    const entries = parseMountEntries(MOUNTINFO);
    assert.strictEqual(mountContaining(entries, '/home/alice/my data/run1')?.fsType, 'xfs');
    assert.strictEqual(mountContaining(entries, '/home/alice/my data/run1')?.source, '/dev/mapper/vg0-data');
    assert.strictEqual(mountContaining(entries, '/home/alice/code')?.source, 'fileserver.example.org:/export/home');
    assert.strictEqual(mountContaining(entries, '/homework')?.mountPoint, '/');
    assert.strictEqual(mountContaining(entries, '/lustre/scratch')?.fsType, 'lustre');
  });
});
