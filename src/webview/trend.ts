// The free-space trend under the donut: a line of free bytes over the history the status bar keeps
// (up to 7 days), the fitted current rate as a dashed line over it, and one caption line ("full in
// ~5 h at the current rate"). Plain SVG: no chart library needed for one line.
import { formatBytes } from '../core/format';
import { formatTimeLeft } from '../core/headroom/growthText';
import { t } from '../core/l10n';
import type { ChartGrowth } from '../shared/chartProtocol';

export interface TrendGeometry {
  /** SVG polyline points of the free bytes. */
  line: string;
  /** The fitted line's ends, in the same coordinates. */
  fit?: [number, number, number, number];
}

/** Maps the history into a width x height box (y grows down): time across, free bytes up, scaled to their own range. */
export function trendGeometry(g: ChartGrowth, width: number, height: number, pad = 4): TrendGeometry | undefined {
  if (g.points.length < 2) return undefined;
  const t0 = g.points[0][0];
  const t1 = g.points[g.points.length - 1][0];
  if (!(t1 > t0)) return undefined;
  const values = g.points.map((p) => p[1]);
  if (g.trend) values.push(g.trend.from[1], g.trend.to[1]);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < Math.max(1, hi * 0.001)) {
    // Flat: centre the line instead of magnifying noise.
    const mid = (hi + lo) / 2;
    const half = Math.max(1, mid * 0.01);
    lo = mid - half;
    hi = mid + half;
  }
  const x = (t: number) => pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad);
  const y = (v: number) => pad + (1 - (v - lo) / (hi - lo)) * (height - 2 * pad);
  const r = (n: number) => Math.round(n * 10) / 10;
  const line = g.points.map(([t, v]) => `${r(x(t))},${r(y(v))}`).join(' ');
  const fit: TrendGeometry['fit'] = g.trend ? [r(x(g.trend.from[0])), r(y(g.trend.from[1])), r(x(g.trend.to[0])), r(y(g.trend.to[1]))] : undefined;
  return fit ? { line, fit } : { line };
}

export function trendCaption(g: ChartGrowth): string {
  const first = g.points[0];
  const last = g.points[g.points.length - 1];
  const span = formatTimeLeft(last[0] - first[0]).replace(/^~/, '');
  let text = t('Free space over the last {0}: {1} → {2}', span, formatBytes(first[1]), formatBytes(last[1]));
  if (g.fullInHours !== undefined && g.bytesPerHour !== undefined) {
    text += ' · ' + t('full in {0} at the current rate (~{1}/h, dashed)', formatTimeLeft(g.fullInHours * 3600_000), formatBytes(g.bytesPerHour));
  } else {
    text += ' · ' + t('no clear fill rate');
  }
  return text;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 56;

export function renderTrend(container: HTMLElement, g: ChartGrowth | undefined): void {
  const geometry = g && trendGeometry(g, WIDTH, HEIGHT);
  container.hidden = !geometry;
  if (!g || !geometry) {
    container.replaceChildren();
    return;
  }
  const caption = trendCaption(g);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('class', 'trend-chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', caption);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('class', 'trend-free');
  line.setAttribute('points', geometry.line);
  svg.append(line);
  if (geometry.fit) {
    const fit = document.createElementNS(SVG, 'line');
    fit.setAttribute('class', 'trend-fit');
    const [x1, y1, x2, y2] = geometry.fit;
    fit.setAttribute('x1', String(x1));
    fit.setAttribute('y1', String(y1));
    fit.setAttribute('x2', String(x2));
    fit.setAttribute('y2', String(y2));
    svg.append(fit);
  }
  const p = document.createElement('p');
  p.className = 'trend-caption';
  p.textContent = caption;
  container.replaceChildren(svg, p);
}
