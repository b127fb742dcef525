// How fast a volume fills: a small history of its free bytes and free inodes, and the time until
// either runs out at the current rate. Pure logic (no I/O, no clock): growthFile.ts persists it.
//
// Bounded: points younger than an hour are kept one per minute (a fast-filling disk is seen within
// minutes), older ones one per 10 minutes, none older than 7 days: at most ~1,100 points a volume.
// The rate is a least-squares line through the recent points, taken only when the trend is clear
// (enough points over enough time, a good fit, a real drop). A rise of free space larger than a
// threshold is a deletion (a cleanup, a pruned cache): the trend starts again after it, so freeing
// 50 GB does not read as "filling backwards".

export interface GrowthPoint {
  /** ms since epoch. */
  t: number;
  /** Bytes a user can still write (statfs f_bavail x f_bsize, what "free" means everywhere here). */
  freeBytes: number;
  /** Free inodes (statfs f_ffree); absent on file systems without an inode table. */
  freeInodes?: number;
}

export interface ThinningLimits {
  /** Points younger than this keep the fine step. */
  fineWindowMs: number;
  fineStepMs: number;
  /** Step for older points. */
  stepMs: number;
  maxAgeMs: number;
}

export const DEFAULT_THINNING: ThinningLimits = {
  fineWindowMs: 3600_000,
  fineStepMs: 60_000,
  stepMs: 10 * 60_000,
  maxAgeMs: 7 * 24 * 3600_000,
};

function validPoint(p: GrowthPoint): boolean {
  return Number.isFinite(p.t) && p.t > 0 && Number.isFinite(p.freeBytes) && p.freeBytes >= 0 &&
    (p.freeInodes === undefined || (Number.isFinite(p.freeInodes) && p.freeInodes >= 0));
}

/**
 * Thins a time-sorted list relative to its newest point: drops points older than maxAgeMs, keeps
 * one point per step (the first of each, greedily from the oldest, so a kept point stays kept
 * until it ages out), and always keeps the newest.
 */
export function thinPoints(points: readonly GrowthPoint[], limits: ThinningLimits = DEFAULT_THINNING): GrowthPoint[] {
  if (!points.length) return [];
  const newest = points[points.length - 1];
  const out: GrowthPoint[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const p = points[i];
    const age = newest.t - p.t;
    if (age > limits.maxAgeMs) continue;
    const step = age <= limits.fineWindowMs ? limits.fineStepMs : limits.stepMs;
    const prev = out[out.length - 1];
    if (!prev || p.t - prev.t >= step) out.push(p);
  }
  // The newest always stays (the series ends on "now"); it is thinned once a newer one comes.
  out.push(newest);
  return out;
}

/**
 * Adds a reading. Points at or after its time are dropped first (the clock went back: the new
 * reading is what is true now). Invalid readings are ignored.
 */
export function addGrowthPoint(points: readonly GrowthPoint[], point: GrowthPoint, limits: ThinningLimits = DEFAULT_THINNING): GrowthPoint[] {
  if (!validPoint(point)) return [...points];
  const kept = points.filter((p) => p.t < point.t);
  kept.push(point);
  return thinPoints(kept, limits);
}

/** Two histories of the same volume (another window, an older file) as one: by time, duplicates once. */
export function mergePoints(a: readonly GrowthPoint[], b: readonly GrowthPoint[], limits: ThinningLimits = DEFAULT_THINNING): GrowthPoint[] {
  const byTime = new Map<number, GrowthPoint>();
  for (const p of [...a, ...b]) if (validPoint(p)) byTime.set(p.t, p);
  return thinPoints([...byTime.values()].sort((x, y) => x.t - y.t), limits);
}

// ---------------------------------------------------------------------------------------------
// The rate
// ---------------------------------------------------------------------------------------------

export interface Sample {
  t: number;
  /** What is left (bytes or inodes). */
  v: number;
}

export interface FitOptions {
  /** Only samples this recent are fitted. */
  windowMs: number;
  minSamples: number;
  /** The fitted samples must span at least this long. */
  minSpanMs: number;
  /** Goodness of fit (R^2) needed to call the trend clear. */
  minR2: number;
  /** The fitted line must lose at least this much over the fitted span. */
  minDrop: number;
  /** A rise larger than this (a deletion) starts a new trend. */
  resetOnRise: number;
  /** Forecasts further out than this are not made. */
  maxHorizonMs: number;
}

export interface DeclineFit {
  /** ms from the newest sample until what is left reaches 0 at the fitted rate. */
  msToZero: number;
  /** Fitted rate of use per hour (positive = filling). */
  perHour: number;
  samples: number;
  /** The fitted line: value at the first fitted sample's time, and that time (for drawing it). */
  from: { t: number; v: number };
  to: { t: number; v: number };
}

/** The samples after the last rise larger than `resetOnRise` (a deletion). */
export function sinceLastJump(samples: readonly Sample[], resetOnRise: number): Sample[] {
  let start = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i].v - samples[i - 1].v > resetOnRise) start = i;
  return samples.slice(start);
}

/**
 * Least-squares line through the recent samples; a result only when what is left is clearly going
 * down (enough samples over enough time, a good fit, a real drop) and runs out within the horizon.
 */
export function fitDecline(samples: readonly Sample[], o: FitOptions): DeclineFit | undefined {
  if (!samples.length) return undefined;
  const newest = samples[samples.length - 1];
  const recent = sinceLastJump(samples, o.resetOnRise).filter((s) => newest.t - s.t <= o.windowMs);
  if (recent.length < o.minSamples) return undefined;
  const span = newest.t - recent[0].t;
  if (span < o.minSpanMs) return undefined;
  const n = recent.length;
  const t0 = recent[0].t;
  const xs = recent.map((s) => (s.t - t0) / 1000);
  const ys = recent.map((s) => s.v);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return undefined;
  const slope = sxy / sxx; // per second
  if (slope >= 0) return undefined;
  if ((sxy * sxy) / (sxx * syy) < o.minR2) return undefined;
  if (-slope * (span / 1000) < o.minDrop) return undefined;
  const msToZero = (newest.v / -slope) * 1000;
  if (msToZero > o.maxHorizonMs) return undefined;
  const at = (x: number) => my + slope * (x - mx);
  return {
    msToZero, perHour: -slope * 3600, samples: n,
    from: { t: t0, v: at(0) },
    to: { t: newest.t, v: at(xs[n - 1]) },
  };
}

/**
 * The windows tried for "the current rate", shortest first: the first with a clear trend wins, so
 * a run that started 20 minutes ago is seen at its own rate, and a slow steady fill (or one in
 * checkpoint-sized steps) is still seen over hours.
 */
export const RATE_WINDOWS_MS = [30 * 60_000, 2 * 3600_000, 6 * 3600_000, 24 * 3600_000];

export function fitOptionsFor(windowMs: number, total: number, unit: 'bytes' | 'inodes'): FitOptions {
  return {
    windowMs,
    minSamples: 4,
    // A quarter of the window, at least 3 minutes: a short burst is not a trend over hours.
    minSpanMs: Math.max(3 * 60_000, windowMs / 4),
    minR2: 0.8,
    minDrop: unit === 'bytes' ? Math.max(64e6, total * 0.0005) : Math.max(100, total * 0.0005),
    resetOnRise: unit === 'bytes' ? Math.max(256e6, total * 0.002) : Math.max(1000, total * 0.002),
    maxHorizonMs: 30 * 24 * 3600_000,
  };
}

/** The current rate of one series: the shortest window with a clear trend. */
export function currentDecline(samples: readonly Sample[], total: number, unit: 'bytes' | 'inodes'): DeclineFit | undefined {
  for (const w of RATE_WINDOWS_MS) {
    const fit = fitDecline(samples, fitOptionsFor(w, total, unit));
    if (fit) return fit;
  }
  return undefined;
}

/** What `scan --json` (volume.growth), the status bar and the chart say about the trend. */
export interface VolumeGrowth {
  /** Points in the history. */
  points: number;
  /** Time covered by the history (newest - oldest point), hours. */
  spanHours: number;
  /** Bytes used per hour at the current rate (positive = filling); absent when no clear trend. */
  bytesPerHour?: number;
  /** Hours until the free bytes run out at that rate. */
  fullInHours?: number;
  inodesPerHour?: number;
  /** Hours until the free inodes run out at their rate. */
  inodesFullInHours?: number;
  /** The fitted byte trend, for drawing it. */
  bytesTrend?: { from: { t: number; v: number }; to: { t: number; v: number } };
}

export function forecastGrowth(points: readonly GrowthPoint[], totals: { totalBytes: number; totalInodes?: number }): VolumeGrowth {
  const growth: VolumeGrowth = {
    points: points.length,
    spanHours: points.length ? round((points[points.length - 1].t - points[0].t) / 3600_000, 2) : 0,
  };
  const bytes = currentDecline(points.map((p) => ({ t: p.t, v: p.freeBytes })), totals.totalBytes, 'bytes');
  if (bytes) {
    growth.bytesPerHour = Math.round(bytes.perHour);
    growth.fullInHours = round(bytes.msToZero / 3600_000, 2);
    growth.bytesTrend = { from: bytes.from, to: bytes.to };
  }
  const withInodes = points.filter((p) => p.freeInodes !== undefined);
  // Only a history that has always counted inodes (a file system without them reports none).
  if (totals.totalInodes && withInodes.length === points.length) {
    const inodes = currentDecline(withInodes.map((p) => ({ t: p.t, v: p.freeInodes! })), totals.totalInodes, 'inodes');
    if (inodes) {
      growth.inodesPerHour = Math.round(inodes.perHour);
      growth.inodesFullInHours = round(inodes.msToZero / 3600_000, 2);
    }
  }
  return growth;
}

/** The sooner of the two run-outs: what "full in" means. */
export function soonestFull(g: VolumeGrowth | undefined): { hours: number; resource: 'bytes' | 'inodes' } | undefined {
  if (!g) return undefined;
  const b = g.fullInHours;
  const i = g.inodesFullInHours;
  if (b === undefined && i === undefined) return undefined;
  if (i !== undefined && (b === undefined || i < b)) return { hours: i, resource: 'inodes' };
  return { hours: b!, resource: 'bytes' };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
