// The chart's free-space trend line: the status bar's history as chart data, mapped into the SVG
// box (time across, free bytes up, scaled to their own range), and its caption.
import * as assert from 'node:assert/strict';
import { addGrowthPoint, forecastGrowth, type GrowthPoint } from '../../src/core/headroom/growth';
import { growthChartData } from '../../src/host/webview/chartData';
import { trendCaption, trendGeometry } from '../../src/webview/trend';

const MIN = 60_000;
const GB = 1e9;

describe('chart: free-space trend line', () => {
  const now = Date.now();
  let points: GrowthPoint[] = [];
  // 40 min filling at 6 GB/h from 50 GB.
  for (let i = 0; i <= 40; i++) points = addGrowthPoint(points, { t: now - (40 - i) * MIN, freeBytes: 50 * GB - i * 0.1 * GB });
  const growth = forecastGrowth(points, { totalBytes: 1e12 });
  const data = growthChartData({ path: '/data', points, growth })!;

  it('carries every point, the rate, the time to full and the fitted line', () => {
    assert.equal(data.points.length, points.length);
    assert.deepEqual(data.points[0], [points[0].t, points[0].freeBytes]);
    assert.ok(Math.abs(data.bytesPerHour! - 6 * GB) < 1);
    assert.equal(data.fullInHours, growth.fullInHours);
    // The current rate is fitted over the shortest clear window (the last 30 min here).
    assert.equal(data.trend!.from[0], now - 30 * MIN);
    assert.ok(Math.abs(data.trend!.to[1] - points[points.length - 1].freeBytes) < 1e3, 'an exact line fits its last point');
  });

  it('maps the oldest point to the left, the newest to the right, falling free space downwards', () => {
    const g = trendGeometry(data, 300, 56)!;
    const xy = g.line.split(' ').map((p) => p.split(',').map(Number));
    assert.equal(xy.length, points.length);
    assert.deepEqual(xy[0], [4, 4], 'most free: top left');
    assert.deepEqual(xy[xy.length - 1], [296, 52], 'least free: bottom right');
    for (let i = 1; i < xy.length; i++) assert.ok(xy[i][0] > xy[i - 1][0] && xy[i][1] >= xy[i - 1][1]);
    // The fitted line starts where its window does (30 of the 40 min) and lies on the exact points.
    const start = xy.find((p) => p[0] === g.fit![0])!;
    assert.deepEqual(g.fit, [start[0], start[1], 296, 52]);
    assert.equal(start[0], Math.round((4 + (10 / 40) * 292) * 10) / 10);
  });

  it('a flat history is drawn level in the middle, not magnified noise; one point draws nothing', () => {
    const flat = { path: '/d', points: [[now - MIN, GB], [now, GB]] as [number, number][] };
    assert.equal(trendGeometry(flat, 300, 56)!.line, '4,28 296,28');
    assert.equal(trendGeometry({ path: '/d', points: [[now, GB]] }, 300, 56), undefined);
    assert.equal(growthChartData({ path: '/d', points: points.slice(0, 1), growth }), undefined);
  });

  it('caption: the span, the change, and the forecast when there is one', () => {
    assert.equal(trendCaption(data), `Free space over the last 40 min: 50.0 GB → 46.0 GB · full in ~8 h at the current rate (~6.0 GB/h, dashed)`);
    assert.equal(trendCaption({ path: '/d', points: [[now - 3 * 3600_000, GB], [now, GB]] }), 'Free space over the last 3 h: 1.0 GB → 1.0 GB · no clear fill rate');
  });
});
