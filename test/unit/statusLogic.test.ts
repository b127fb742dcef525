// The status bar's decisions: threshold levels, one notification per crossing (with hysteresis),
// the time-to-full fit, and the text/tooltip it leads to. Expectations are computed by hand.
import * as assert from 'node:assert/strict';
import {
  shortMount,
  addSample, buildStatusView, clickCommandFor, defaultForecastOptions, estimateTimeToFull, formatDuration, levelFor, nextAlert,
  type FreeSample, type SpaceLevel,
} from '../../src/host/statusBar/statusLogic';

const T = { warnAtPercentUsed: 90, criticalAtPercentUsed: 98 };
const GB = 1e9;
const MIN = 60_000;

describe('status bar logic', () => {
  describe('levelFor', () => {
    it('is ok below warn, warn from warn, critical from critical (inclusive)', () => {
      assert.equal(levelFor(89.99, T), 'ok');
      assert.equal(levelFor(90, T), 'warn');
      assert.equal(levelFor(97.9, T), 'warn');
      assert.equal(levelFor(98, T), 'critical');
      assert.equal(levelFor(100, T), 'critical');
    });
    it('lets critical win when the thresholds are set the wrong way round', () => {
      assert.equal(levelFor(95, { warnAtPercentUsed: 99, criticalAtPercentUsed: 95 }), 'critical');
    });
  });

  describe('nextAlert: once per crossing', () => {
    /** Feeds a series of percentages and returns which refreshes notified. */
    const run = (series: number[], start: SpaceLevel = 'ok') => {
      let notified = start;
      const out: (SpaceLevel | undefined)[] = [];
      for (const p of series) {
        const step = nextAlert(notified, p, T);
        notified = step.notified;
        out.push(step.notify);
      }
      return { out, notified };
    };

    it('notifies when crossing warn, not again while it stays above', () => {
      const { out } = run([50, 89, 90.5, 91, 92, 90.1]);
      assert.deepEqual(out, [undefined, undefined, 'warn', undefined, undefined, undefined]);
    });

    it('notifies again for critical after warn, and once only', () => {
      const { out } = run([91, 98.5, 99, 98.2]);
      assert.deepEqual(out, ['warn', 'critical', undefined, undefined]);
    });

    it('jumping straight from ok to critical notifies critical once (not warn too)', () => {
      assert.deepEqual(run([10, 99, 99]).out, [undefined, 'critical', undefined]);
    });

    it('hovering at the threshold does not re-notify: it re-arms only 1 point below', () => {
      // 90.5 (notify) -> 89.5 (within the margin: stays armed) -> 90.2 (no new crossing)
      assert.deepEqual(run([90.5, 89.5, 90.2]).out, ['warn', undefined, undefined]);
    });

    it('a real drop below the threshold re-arms, so the next crossing notifies again', () => {
      assert.deepEqual(run([90.5, 80, 90.5]).out, ['warn', undefined, 'warn']);
    });

    it('falling from critical to warn re-arms critical only', () => {
      const r = run([99, 92, 98.5]);
      assert.deepEqual(r.out, ['critical', undefined, 'critical']);
      assert.equal(r.notified, 'critical');
    });

    it('remembers a crossing notified before a reload (state passed in)', () => {
      assert.deepEqual(run([93], 'warn').out, [undefined]);
    });
  });

  describe('history', () => {
    it('keeps samples in time order within the age and count limits', () => {
      let h: FreeSample[] = [];
      for (let i = 0; i < 10; i++) h = addSample(h, { t: i * MIN, availableBytes: 100 - i }, { maxSamples: 5, maxAgeMs: 100 * MIN });
      assert.deepEqual(h.map((s) => s.t / MIN), [5, 6, 7, 8, 9]);
      h = addSample(h, { t: 200 * MIN, availableBytes: 1 }, { maxSamples: 5, maxAgeMs: 100 * MIN });
      assert.deepEqual(h.map((s) => s.t / MIN), [200], 'older than maxAge dropped');
      h = addSample(h, { t: 150 * MIN, availableBytes: 1 }, { maxSamples: 5, maxAgeMs: 100 * MIN });
      assert.deepEqual(h.map((s) => s.t / MIN), [150], 'a clock that went back drops the samples "from the future"');
    });
  });

  describe('estimateTimeToFull', () => {
    const total = 1000 * GB;
    const opts = defaultForecastOptions(total);
    const line = (startFree: number, bytesPerMin: number, minutes: number[], noise: number[] = []) =>
      minutes.map((m, i) => ({ t: 1_700_000_000_000 + m * MIN, availableBytes: startFree - bytesPerMin * m + (noise[i] ?? 0) }));

    it('fits a steady decline: 43 GB free, losing 0.2 GB/min -> 215 min', () => {
      const samples = line(43 * GB + 0.2 * GB * 10, 0.2 * GB, [0, 2, 4, 6, 8, 10]);
      const f = estimateTimeToFull(samples, opts);
      assert.ok(f, 'expected a forecast');
      assert.ok(Math.abs(f.msToFull - 215 * MIN) < 1000, `msToFull ${f.msToFull / MIN} min`);
      assert.ok(Math.abs(f.bytesPerHour - 12 * GB) < 1e6);
      assert.equal(formatDuration(f.msToFull), '~4 h');
    });

    it('tolerates noise but not a flat or rising volume', () => {
      const noisy = line(100 * GB, 0.5 * GB, [0, 1, 2, 3, 4, 5, 6], [0.1 * GB, -0.1 * GB, 0.05 * GB, 0, -0.05 * GB, 0.1 * GB, 0]);
      assert.ok(estimateTimeToFull(noisy, opts));
      assert.equal(estimateTimeToFull(line(100 * GB, 0, [0, 1, 2, 3, 4, 5]), opts), undefined, 'flat');
      assert.equal(estimateTimeToFull(line(100 * GB, -0.5 * GB, [0, 1, 2, 3, 4, 5]), opts), undefined, 'rising');
    });

    it('needs enough samples over enough time', () => {
      assert.equal(estimateTimeToFull(line(100 * GB, 1 * GB, [0, 1, 2]), opts), undefined, '3 samples');
      assert.equal(estimateTimeToFull(line(100 * GB, 1 * GB, [0, 0.5, 1, 1.5, 2]), opts), undefined, '2 min span');
    });

    it('ignores a drop too small to mean anything (0.5 MB/min on a 1 TB volume)', () => {
      assert.equal(estimateTimeToFull(line(100 * GB, 0.5e6, [0, 2, 4, 6, 8, 10]), opts), undefined);
    });

    it('rejects a poor fit (a zig-zag with a slight downward slope)', () => {
      const zig = [0, 1, 2, 3, 4, 5, 6, 7].map((m, i) => ({ t: m * MIN, availableBytes: 100 * GB + (i % 2 ? 10 * GB : -10 * GB) - m * 0.1 * GB }));
      assert.equal(estimateTimeToFull(zig, opts), undefined);
    });

    it('starts over after a cleanup (a rise of free space) instead of averaging across it', () => {
      const before = line(50 * GB, 1 * GB, [0, 1, 2, 3, 4, 5]);
      const after = line(80 * GB, 0.2 * GB, [6, 7, 8, 9, 10]);
      // Only 5 samples / 4 min after the cleanup: enough samples, enough span (>= 3 min).
      const f = estimateTimeToFull([...before, ...after], opts);
      assert.ok(f);
      assert.ok(Math.abs(f.bytesPerHour - 12 * GB) < 1e6, `rate ${f.bytesPerHour / GB} GB/h is the post-cleanup one`);
    });

    it('does not forecast beyond a week', () => {
      const slow = line(900 * GB, 0.05 * GB, [0, 5, 10, 15, 20, 25, 30]); // 900 GB at 3 GB/h = 12.5 days
      assert.equal(estimateTimeToFull(slow, opts), undefined);
    });
  });

  describe('formatDuration', () => {
    it('rounds to minutes, hours or days', () => {
      assert.equal(formatDuration(30_000), '< 1 min');
      assert.equal(formatDuration(45 * MIN), '~45 min');
      assert.equal(formatDuration(89 * MIN), '~89 min');
      assert.equal(formatDuration(3 * 60 * MIN), '~3 h');
      assert.equal(formatDuration(47 * 60 * MIN), '~47 h');
      assert.equal(formatDuration(3 * 24 * 60 * MIN), '~3 days');
    });
  });

  describe('buildStatusView', () => {
    const base = { volumePath: '/data', totalBytes: 1000 * GB, freeBytes: 60 * GB, availableBytes: 43 * GB, thresholds: T };

    it('shows available bytes as "free", no background when ok', () => {
      const v = buildStatusView({ ...base, percentUsed: 50 });
      assert.equal(v.text, '$(database) 43.0 GB free');
      assert.equal(v.level, 'ok');
      assert.equal(v.background, undefined);
      assert.ok(v.tooltipLines.some((l) => l.startsWith('Total: 1.0 TB')));
      assert.ok(v.tooltipLines.some((l) => l.startsWith('Used: 940 GB (50.0 %)')));
      assert.ok(v.tooltipLines.some((l) => l.includes('43.0 GB available to you') && l.includes('60.0 GB including blocks reserved')));
    });

    it('warning and error backgrounds at the thresholds', () => {
      assert.equal(buildStatusView({ ...base, percentUsed: 91 }).background, 'warning');
      assert.equal(buildStatusView({ ...base, percentUsed: 98.5 }).background, 'error');
    });

    it('the tooltip reads as sentences: no setting ids, no camelCase; at warning or critical it says a click scans', () => {
      for (const percentUsed of [50, 91, 98.5]) {
        const v = buildStatusView({ ...base, percentUsed });
        for (const line of v.tooltipLines) {
          assert.doesNotMatch(line, /mlDiskSpace\.|[a-z][A-Z][a-z]+[A-Z]/, `tooltip line "${line}" shows an internal name`);
        }
        assert.ok(v.tooltipLines.includes(`Warns at ${T.warnAtPercentUsed} % used, critical at ${T.criticalAtPercentUsed} %`));
        assert.strictEqual(v.tooltipLines.includes('Click to scan and see what is on this disk'), v.level !== 'ok');
      }
    });

    it('clicking scans and shows the tree at warning and critical, only focuses the view when ok', () => {
      assert.equal(clickCommandFor(buildStatusView({ ...base, percentUsed: 50 }).level), 'mlDiskSpace.items.focus');
      assert.equal(clickCommandFor(buildStatusView({ ...base, percentUsed: 91 }).level), 'mlDiskSpace.showWhatUsesSpace');
      assert.equal(clickCommandFor(buildStatusView({ ...base, percentUsed: 98.5 }).level), 'mlDiskSpace.showWhatUsesSpace');
    });

    it('adds "full in" with a forecast, and a forecast warning turns it to warning', () => {
      const v = buildStatusView({ ...base, percentUsed: 50, forecast: { msToFull: 3 * 3600_000, bytesPerHour: 14 * GB, samples: 10 } });
      assert.equal(v.text, '$(database) 43.0 GB free · full in ~3 h');
      const w = buildStatusView({ ...base, percentUsed: 50, forecastWarning: 'run-a needs ~138 GB more' });
      assert.equal(w.background, 'warning');
      assert.equal(w.level, 'ok');
      assert.ok(w.text.endsWith('$(warning)'));
      assert.ok(w.tooltipLines.includes('Warning: run-a needs ~138 GB more'));
    });

    it('the persisted history\'s trend: "full in" from the sooner of bytes and inodes, a short time-to-full turns it to warning', () => {
      const growth = { points: 60, spanHours: 1, bytesPerHour: 4 * GB, fullInHours: 10.75, inodesPerHour: 90_000, inodesFullInHours: 0.5 };
      const v = buildStatusView({ ...base, percentUsed: 50, growth, warnWhenFullWithinHours: 24 });
      assert.equal(v.text, '$(database) 43.0 GB free · out of inodes in ~30 min');
      assert.equal(v.level, 'ok');
      assert.equal(v.background, 'warning');
      assert.ok(v.tooltipLines.includes('Full in ~11 h at the current rate (filling at ~4.0 GB/h)'), v.tooltipLines.join('\n'));
      assert.ok(v.tooltipLines.includes('Out of inodes in ~30 min at the current rate (~90,000 files/h)'), v.tooltipLines.join('\n'));
      assert.ok(v.tooltipLines.includes('Warning: full within 24 h at this rate'));
      const later = buildStatusView({ ...base, percentUsed: 50, growth: { points: 60, spanHours: 1, bytesPerHour: GB, fullInHours: 43 }, warnWhenFullWithinHours: 24 });
      assert.equal(later.text, '$(database) 43.0 GB free · full in ~43 h');
      assert.equal(later.background, undefined, '43 h is not within 24 h');
      const off = buildStatusView({ ...base, percentUsed: 50, growth, warnWhenFullWithinHours: 0 });
      assert.equal(off.background, undefined, '0 turns the colour off');
      const steady = buildStatusView({ ...base, percentUsed: 50, growth: { points: 60, spanHours: 1 }, warnWhenFullWithinHours: 24 });
      assert.equal(steady.text, '$(database) 43.0 GB free');
    });

    it('names the folder with most files when given', () => {
      const v = buildStatusView({ ...base, percentUsed: 50, mostEntries: 'Most files (last scan): /data/shards, 1,204,311 files' });
      assert.ok(v.tooltipLines.includes('Most files (last scan): /data/shards, 1,204,311 files'));
    });
  });
});

describe('status bar: the disk named in the text', () => {
  it('a short mount point as it is, a long one by its last folder (the tooltip keeps the full path)', () => {
    assert.strictEqual(shortMount('/data'), '/data');
    assert.strictEqual(shortMount('/lustre/project/ml/scratch'), '…/scratch');
  });
});
