// The free-space history: thinning (one point a minute for the last hour, one per 10 minutes
// before, 7 days), the current-rate forecast (least squares, deletions ignored), and its file on
// disk — real files, including a corrupt one, a FIFO, a link to /dev/zero, an oversized one and a
// folder at the path — and the CLI's `scan --json` volume.growth on a real tmpfs.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  addGrowthPoint, DEFAULT_THINNING, forecastGrowth, mergePoints, soonestFull, type GrowthPoint,
} from '../../src/core/headroom/growth';
import {
  cliGrowthFile, GROWTH_FILE_NAME, growthKeyOf, loadGrowthFile, recordReading, saveGrowthFile, type GrowthHistory, type Reading,
} from '../../src/core/headroom/growthFile';
import { growthJson, growthLines } from '../../src/core/headroom/growthText';

const MIN = 60_000;
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const GB = 1e9;
const TB = 1e12;
const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

/** Readings every `stepMs` from `start` to `end`, free bytes from `free(t)`. */
function feed(points: GrowthPoint[], start: number, end: number, stepMs: number, free: (t: number) => number, inodes?: (t: number) => number): GrowthPoint[] {
  let h = points;
  for (let t = start; t <= end; t += stepMs) h = addGrowthPoint(h, { t, freeBytes: free(t), ...(inodes ? { freeInodes: inodes(t) } : {}) });
  return h;
}

describe('growth: free-space history', () => {
  describe('thinning', () => {
    it('keeps 7 days: one point a minute in the last hour, one per 10 minutes before, the newest always', () => {
      const now = Date.now();
      // 8 days of readings every 30 s (the status bar's fastest refresh is 5 s; 30 s keeps the test quick).
      const h = feed([], now - 8 * DAY, now, 30_000, () => 500 * GB);
      const newest = h[h.length - 1];
      assert.equal(newest.t, now - ((8 * DAY) % 30_000), 'the newest reading is kept');
      assert.ok(newest.t - h[0].t <= DEFAULT_THINNING.maxAgeMs, 'nothing older than 7 days');
      assert.ok(newest.t - h[0].t >= DEFAULT_THINNING.maxAgeMs - 10 * MIN, 'the 7 days are covered');
      for (let i = 1; i < h.length - 1; i++) {
        const gap = h[i].t - h[i - 1].t;
        const age = newest.t - h[i].t;
        const step = age <= HOUR ? MIN : 10 * MIN;
        assert.ok(gap >= step, `point ${i} (age ${Math.round(age / MIN)} min) is ${gap / 1000} s after the previous one`);
        // No hole: at most one step plus one reading interval between kept points.
        assert.ok(gap <= 10 * MIN + 30_000, `hole of ${gap / MIN} min at age ${Math.round(age / MIN)} min`);
      }
      const bound = (7 * DAY) / (10 * MIN) + HOUR / MIN + 2;
      assert.ok(h.length <= bound, `${h.length} points, bound ${bound}`);
      assert.ok(h.length >= bound - 12, `${h.length} points: thinned too much`);
    });

    it('a reading earlier than the newest point (the clock went back) drops the points after it', () => {
      const now = Date.now();
      const h = feed([], now - 10 * MIN, now, MIN, () => 100 * GB);
      const back = addGrowthPoint(h, { t: now - 5 * MIN - 30_000, freeBytes: 99 * GB });
      assert.equal(back[back.length - 1].freeBytes, 99 * GB);
      assert.ok(back.every((p) => p.t <= now - 5 * MIN - 30_000));
    });

    it('ignores readings that are not numbers', () => {
      const h = addGrowthPoint([], { t: Date.now(), freeBytes: 10 });
      assert.equal(addGrowthPoint(h, { t: Date.now() + MIN, freeBytes: NaN }).length, 1);
      assert.equal(addGrowthPoint(h, { t: Date.now() + MIN, freeBytes: -5 }).length, 1);
    });

    it('merging two windows\' histories keeps every time once, thinned', () => {
      const now = Date.now();
      const a = feed([], now - 30 * MIN, now, 2 * MIN, () => GB);
      const b = feed([], now - 31 * MIN, now - MIN, 2 * MIN, () => GB);
      const m = mergePoints(a, b);
      assert.deepEqual(m.map((p) => p.t), [...new Set([...a, ...b].map((p) => p.t))].sort((x, y) => x - y));
    });
  });

  describe('forecast', () => {
    it('a steady fill: the rate and the time to full of the fitted line', () => {
      const now = Date.now();
      const rate = 12 * GB; // per hour
      const free = (t: number) => 200 * GB - (rate * (t - (now - 40 * MIN))) / HOUR;
      const h = feed([], now - 40 * MIN, now, MIN, free);
      const g = forecastGrowth(h, { totalBytes: TB });
      assert.equal(g.points, h.length);
      assert.ok(Math.abs(g.bytesPerHour! - rate) < 1, `${g.bytesPerHour}`);
      const expected = free(h[h.length - 1].t) / rate;
      assert.ok(Math.abs(g.fullInHours! - expected) <= 0.05, `${g.fullInHours} vs ${expected}`);
      assert.deepEqual(soonestFull(g), { hours: g.fullInHours, resource: 'bytes' });
      const lines = growthLines(g);
      assert.match(lines[0], /^Full in ~\d+ h at the current rate \(filling at ~12\.0 GB\/h\)$/);
    });

    it('a deletion (free space jumps up) starts the trend again: the rate after it counts, not "filling backwards"', () => {
      const now = Date.now();
      const start = now - 60 * MIN;
      const jumpAt = now - 25 * MIN;
      // 20 GB/h before, 50 GB freed, then 6 GB/h.
      const free = (t: number) => (t < jumpAt ? 300 * GB - (20 * GB * (t - start)) / HOUR : 338 * GB - (6 * GB * (t - jumpAt)) / HOUR);
      const h = feed([], start, now, MIN, free);
      const g = forecastGrowth(h, { totalBytes: TB });
      assert.ok(g.bytesPerHour !== undefined, 'a trend after the deletion');
      assert.ok(Math.abs(g.bytesPerHour - 6 * GB) < 1e6, `${g.bytesPerHour}`);
    });

    it('checkpoint-sized steps (5 GB every 30 min) read over hours as 10 GB/h', () => {
      const now = Date.now();
      const start = now - 6 * HOUR;
      const free = (t: number) => 400 * GB - 5 * GB * Math.floor((t - start) / (30 * MIN));
      const h = feed([], start, now, 5 * MIN, free);
      const g = forecastGrowth(h, { totalBytes: TB });
      assert.ok(g.bytesPerHour !== undefined);
      assert.ok(Math.abs(g.bytesPerHour - 10 * GB) < 1.5 * GB, `${g.bytesPerHour}`);
    });

    it('a run that started 20 minutes ago after hours of nothing: its own rate, not diluted', () => {
      const now = Date.now();
      const start = now - 5 * HOUR;
      const began = now - 20 * MIN;
      const free = (t: number) => (t < began ? 100 * GB : 100 * GB - (30 * GB * (t - began)) / HOUR);
      const h = feed([], start, now, MIN, free);
      const g = forecastGrowth(h, { totalBytes: TB });
      assert.ok(g.bytesPerHour !== undefined && g.bytesPerHour > 20 * GB, `${g.bytesPerHour}`);
    });

    it('steady, rising, noisy or too short: no forecast', () => {
      const now = Date.now();
      const flat = feed([], now - 2 * HOUR, now, MIN, () => 100 * GB);
      assert.equal(forecastGrowth(flat, { totalBytes: TB }).fullInHours, undefined);
      const rising = feed([], now - 2 * HOUR, now, MIN, (t) => 100 * GB + (t - now + 2 * HOUR) * 10);
      assert.equal(forecastGrowth(rising, { totalBytes: TB }).fullInHours, undefined);
      const noisy = feed([], now - 2 * HOUR, now, MIN, (t) => 100 * GB + (Math.round(t / MIN) % 2 ? 3 * GB : -3 * GB));
      assert.equal(forecastGrowth(noisy, { totalBytes: TB }).fullInHours, undefined);
      const short = feed([], now - 2 * MIN, now, MIN, (t) => 100 * GB - (t - now) * 1e6);
      assert.equal(forecastGrowth(short, { totalBytes: TB }).fullInHours, undefined);
      assert.deepEqual(growthJson(forecastGrowth(flat, { totalBytes: TB })).fullInHours, null);
    });

    it('inodes running out faster than bytes: the sooner one is what "full" means', () => {
      const now = Date.now();
      const start = now - 60 * MIN;
      const h = feed([], start, now, MIN, () => 500 * GB, (t) => 1_000_000 - Math.round((600_000 * (t - start)) / HOUR));
      const g = forecastGrowth(h, { totalBytes: TB, totalInodes: 2_000_000 });
      assert.equal(g.fullInHours, undefined, 'bytes are steady');
      assert.ok(Math.abs(g.inodesPerHour! - 600_000) <= 1, `${g.inodesPerHour}`);
      assert.ok(Math.abs(g.inodesFullInHours! - 400_000 / 600_000) <= 0.05, `${g.inodesFullInHours}`);
      assert.deepEqual(soonestFull(g), { hours: g.inodesFullInHours, resource: 'inodes' });
      assert.match(growthLines(g)[0], /^Out of inodes in ~40 min at the current rate/);
    });
  });

  describe('the history file', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-growth-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const reading = (t: number, freeBytes: number, key = 'mount:/data'): Reading => ({
      key, path: '/data/project', totalBytes: TB, totalInodes: 1e6, point: { t, freeBytes, freeInodes: 5e5 },
    });

    it('round-trips through a real file, written atomically with mode 0600', async () => {
      const file = path.join(dir, 'state', 'ml-disk-space', GROWTH_FILE_NAME);
      const now = Date.now();
      for (let i = 0; i < 5; i++) {
        const r = await recordReading(file, reading(now + i * MIN, 100 * GB - i * GB));
        assert.equal(r.problem, undefined);
        assert.equal(r.volume.points.length, i + 1);
      }
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), [GROWTH_FILE_NAME], 'no temporary file left');
      const loaded = await loadGrowthFile(file);
      assert.equal(loaded.problem, undefined);
      const v = loaded.history.get('mount:/data')!;
      assert.deepEqual(v.points.map((p) => p.freeBytes), [100, 99, 98, 97, 96].map((n) => n * GB));
      assert.equal(v.totalInodes, 1e6);
    });

    it('a volume whose size changed starts a new history', async () => {
      const file = path.join(dir, GROWTH_FILE_NAME);
      const now = Date.now();
      await recordReading(file, reading(now, 100 * GB));
      const r = await recordReading(file, { ...reading(now + MIN, 50 * GB), totalBytes: 2 * TB });
      assert.equal(r.volume.points.length, 1);
    });

    it('a corrupt file (half-written JSON, then valid JSON with hostile values) is replaced, with one line saying why', async () => {
      const file = path.join(dir, GROWTH_FILE_NAME);
      fs.writeFileSync(file, '{"version":1,"volumes":{"mount:/data":{"totalBytes":1e12,"points":[[17');
      const loaded = await loadGrowthFile(file);
      assert.equal(loaded.history.size, 0);
      assert.match(loaded.problem!, /is not a free-space history .*starting a new one/);
      const r = await recordReading(file, reading(Date.now(), 10 * GB));
      assert.match(r.problem!, /not a free-space history/);
      assert.equal((await loadGrowthFile(file)).problem, undefined, 'rewritten as a valid history');

      const now = Date.now();
      fs.writeFileSync(file, JSON.stringify({
        version: 1,
        volumes: {
          'mount:/data': { totalBytes: TB, points: [[now - 2 * MIN, 5 * GB], [now - MIN, 'x'], [-1, 3], [now, -4], 'junk', [now - 30 * MIN, 7 * GB, 12]] },
          'mount:/bad': { totalBytes: 'big', points: [[now, 1]] },
          'mount:/empty': { totalBytes: TB, points: 'none' },
        },
      }));
      const hostile = await loadGrowthFile(file);
      assert.equal(hostile.problem, undefined);
      assert.deepEqual([...hostile.history.keys()], ['mount:/data']);
      assert.deepEqual(hostile.history.get('mount:/data')!.points, [{ t: now - 30 * MIN, freeBytes: 7 * GB, freeInodes: 12 }, { t: now - 2 * MIN, freeBytes: 5 * GB }]);
    });

    it('a FIFO at the path: read without waiting for a writer, then replaced by a regular file', async function () {
      this.timeout(30_000);
      const file = path.join(dir, GROWTH_FILE_NAME);
      execFileSync('mkfifo', [file]);
      const started = Date.now();
      const loaded = await loadGrowthFile(file);
      // Waiting for a writer would never end; a loaded CI machine may take a second or two.
      assert.ok(Date.now() - started < 5000, 'did not block');
      assert.match(loaded.problem!, /is a FIFO, not a regular file/);
      const r = await recordReading(file, reading(Date.now(), GB));
      assert.match(r.problem!, /FIFO/);
      assert.ok(fs.lstatSync(file).isFile(), 'the FIFO was replaced by the history');
      assert.equal((await loadGrowthFile(file)).history.get('mount:/data')!.points.length, 1);
    });

    it('a link to /dev/zero and an oversized file are refused, not read', async () => {
      const zero = path.join(dir, 'zero.json');
      fs.symlinkSync('/dev/zero', zero);
      assert.match((await loadGrowthFile(zero)).problem!, /not a regular file/);
      const big = path.join(dir, 'big.json');
      fs.writeFileSync(big, Buffer.alloc(5 * 1024 * 1024, 0x20));
      assert.match((await loadGrowthFile(big)).problem!, /read limit/);
      // Saving replaces the link itself; /dev/zero is untouched (it could not be written anyway).
      await saveGrowthFile(zero, new Map() as GrowthHistory);
      assert.ok(fs.lstatSync(zero).isFile());
    });

    it('a folder at the path: the reading is still returned, the problem said, nothing thrown', async () => {
      const file = path.join(dir, GROWTH_FILE_NAME);
      fs.mkdirSync(file);
      const r = await recordReading(file, reading(Date.now(), GB));
      assert.equal(r.volume.points.length, 1);
      assert.match(r.problem!, /cannot save the free-space history .*\(EISDIR\)|is a folder/);
    });

    it('the CLI file lives under XDG_STATE_HOME, else ~/.local/state (a relative XDG_STATE_HOME is ignored)', () => {
      assert.equal(cliGrowthFile({ XDG_STATE_HOME: '/s', HOME: '/h' }), `/s/ml-disk-space/${GROWTH_FILE_NAME}`);
      assert.equal(cliGrowthFile({ HOME: '/h' }), `/h/.local/state/ml-disk-space/${GROWTH_FILE_NAME}`);
      assert.equal(cliGrowthFile({ XDG_STATE_HOME: 'rel', HOME: '/h' }), `/h/.local/state/ml-disk-space/${GROWTH_FILE_NAME}`);
    });
  });

  describe('ml-disk-space scan --json: volume.growth on a real tmpfs', function () {
    let base: string;
    let mnt: string;
    let state: string;
    before(function () {
      base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-growth-cli-'));
      mnt = path.join(base, 'mnt');
      state = path.join(base, 'state');
      fs.mkdirSync(mnt);
      // A tmpfs of its own: nothing else writes to it, so its free space is what the test wrote.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2g,nr_inodes=4096', 'tmpfs', mnt]);
      fs.writeFileSync(path.join(mnt, 'data.bin'), Buffer.alloc(1 << 20, 1));
    });
    after(function () {
      if (mnt) spawnSync('umount', [mnt]);
      if (base) fs.rmSync(base, { recursive: true, force: true });
    });

    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, 'scan', '--no-docker', ...args, mnt], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_STATE_HOME: state } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const statF = () => {
      const [bavail, bsize, ffree] = execFileSync('stat', ['-f', '-c', '%a %S %d', mnt], { encoding: 'utf8' }).trim().split(' ').map(Number);
      return { free: bavail * bsize, ffree };
    };

    it('each scan adds a reading to $XDG_STATE_HOME/ml-disk-space/; --no-history adds none', () => {
      const file = path.join(state, 'ml-disk-space', GROWTH_FILE_NAME);
      const first = JSON.parse(cli('--json')).volume.growth;
      assert.deepEqual(first, { points: 1, spanHours: 0, bytesPerHour: null, fullInHours: null, inodesPerHour: null, inodesFullInHours: null });
      assert.equal(JSON.parse(cli('--json')).volume.growth.points, 2);
      const before = fs.readFileSync(file, 'utf8');
      assert.equal(JSON.parse(cli('--json', '--no-history')).volume.growth, undefined);
      assert.equal(fs.readFileSync(file, 'utf8'), before);
      const saved = JSON.parse(before).volumes[`mount:${mnt}`];
      const real = statF();
      assert.equal(saved.points[1][1], real.free, 'free bytes as stat -f reports them');
      assert.equal(saved.points[1][2], real.ffree, 'free inodes as stat -f reports them');
    });

    it('with 40 minutes of history filling at 1 GB/h before it, the scan reports that rate and when the tmpfs is full', async () => {
      const file = path.join(state, 'ml-disk-space', GROWTH_FILE_NAME);
      fs.rmSync(file, { force: true });
      const key = await growthKeyOf(mnt);
      assert.equal(key, `mount:${mnt}`);
      const { free, ffree } = statF();
      const now = Date.now();
      const points: [number, number, number][] = [];
      for (let age = 40; age >= 1; age--) points.push([now - age * MIN, free + Math.round((GB * age * MIN) / HOUR), ffree]);
      const totalBytes = Number(execFileSync('stat', ['-f', '-c', '%b', mnt], { encoding: 'utf8' })) * Number(execFileSync('stat', ['-f', '-c', '%S', mnt], { encoding: 'utf8' }));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ version: 1, volumes: { [key]: { path: mnt, totalBytes, totalInodes: 4096, points } } }));
      const out = JSON.parse(cli('--json'));
      const g = out.volume.growth;
      assert.equal(g.points, 41);
      assert.ok(Math.abs(g.bytesPerHour - GB) < GB * 0.02, `bytesPerHour ${g.bytesPerHour}`);
      const expected = free / GB;
      assert.ok(Math.abs(g.fullInHours - expected) < 0.1, `fullInHours ${g.fullInHours}, expected ~${expected.toFixed(2)}`);
      assert.equal(g.inodesFullInHours, null, 'inodes are steady');
      const text = cli();
      // This scan is seconds later: the readings since the seed are level, so the rate is a little under 1 GB/h.
      const m = /Full in ~\d+ (?:min|h) at the current rate \(filling at ~([\d.]+) (MB|GB)\/h\)/.exec(text);
      assert.ok(m, text);
      const rate = Number(m[1]) * (m[2] === 'GB' ? GB : 1e6);
      assert.ok(Math.abs(rate - GB) < GB * 0.02, `text rate ${m[1]} ${m[2]}/h`);
    });
  });
});
