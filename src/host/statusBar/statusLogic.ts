// The status bar's decisions, as plain functions (no `vscode` import, unit-tested with mocha):
// which threshold level a volume is at, when a crossing deserves a notification, and how soon the
// volume fills at the current rate.
import { formatBytes } from '../../core/format';
import { bindingStatusText, describeBinding, describeLimit } from '../../core/headroom/describe';
import { fitDecline, soonestFull, type VolumeGrowth } from '../../core/headroom/growth';
import { formatTimeLeft, growthSentences } from '../../core/headroom/growthText';
import type { BindingLimit, VolumeLimit } from '../../core/headroom/limits';
import { t } from '../../core/l10n';
import { volumeLevel, type VolumeLevel, type VolumeThresholds } from '../../core/fillingVolume';

// The tree and the chart judge a volume by the same thresholds (core/fillingVolume.ts).
export type SpaceLevel = VolumeLevel;
export type Thresholds = VolumeThresholds;
export const levelFor = volumeLevel;

const RANK: Record<SpaceLevel, number> = { ok: 0, warn: 1, critical: 2 };

/** The command the item runs when clicked: at warning or critical, scan and show what is on the disk. */
export function clickCommandFor(level: SpaceLevel): string {
  return level === 'ok' ? 'mlDiskSpace.items.focus' : 'mlDiskSpace.showWhatUsesSpace';
}

/**
 * One step of the "notify once per crossing" state machine. `armedBelow` is the highest level
 * already notified for this volume ('ok' = nothing notified). A level above it notifies once; the
 * state steps back down only when usage falls `hysteresis` points below the threshold, so a volume
 * hovering at 90.0 % does not notify on every refresh.
 */
export function nextAlert(
  notified: SpaceLevel,
  percentUsed: number,
  t: Thresholds,
  hysteresis = 1,
): { notified: SpaceLevel; notify?: SpaceLevel } {
  const current = levelFor(percentUsed, t);
  if (RANK[current] > RANK[notified]) return { notified: current, notify: current };
  const withMargin = levelFor(percentUsed + hysteresis, t);
  return { notified: RANK[withMargin] < RANK[notified] ? withMargin : notified };
}

export interface FreeSample {
  /** ms since epoch. */
  t: number;
  /** Bytes available to the user (f_bavail x f_bsize), what "free" in the status bar means. */
  availableBytes: number;
}

export interface HistoryLimits {
  maxSamples: number;
  maxAgeMs: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxSamples: 360, maxAgeMs: 6 * 3600_000 };

/** Appends a sample, dropping samples older than the limits and any out of time order. */
export function addSample(history: FreeSample[], sample: FreeSample, limits = DEFAULT_HISTORY_LIMITS): FreeSample[] {
  const kept = history.filter((s) => s.t < sample.t && sample.t - s.t <= limits.maxAgeMs);
  kept.push(sample);
  return kept.slice(-limits.maxSamples);
}

export interface ForecastOptions {
  /** Only samples this recent are fitted. */
  windowMs: number;
  minSamples: number;
  /** The fitted samples must span at least this long. */
  minSpanMs: number;
  /** Goodness of fit (R^2) needed to call the trend clear. */
  minR2: number;
  /** The fitted line must lose at least this many bytes over the fitted span. */
  minDropBytes: number;
  /** A rise of free space larger than this (a cleanup) starts a new trend. */
  resetOnRiseBytes: number;
  /** Forecasts further out than this are not shown. */
  maxHorizonMs: number;
}

export function defaultForecastOptions(totalBytes: number): ForecastOptions {
  return {
    windowMs: 30 * 60_000,
    minSamples: 4,
    minSpanMs: 3 * 60_000,
    minR2: 0.8,
    minDropBytes: Math.max(64e6, totalBytes * 0.0005),
    resetOnRiseBytes: Math.max(256e6, totalBytes * 0.002),
    maxHorizonMs: 7 * 24 * 3600_000,
  };
}

export interface FullForecast {
  /** ms from the newest sample until available space reaches 0 at the fitted rate. */
  msToFull: number;
  /** Fitted rate (positive = filling). */
  bytesPerHour: number;
  samples: number;
}

/**
 * Least-squares line through the recent samples; a forecast only when free space is clearly going
 * down (enough samples over enough time, a good fit, a real drop), else undefined.
 */
export function estimateTimeToFull(history: FreeSample[], options: ForecastOptions): FullForecast | undefined {
  const fit = fitDecline(history.map((s) => ({ t: s.t, v: s.availableBytes })), {
    windowMs: options.windowMs, minSamples: options.minSamples, minSpanMs: options.minSpanMs, minR2: options.minR2,
    minDrop: options.minDropBytes, resetOnRise: options.resetOnRiseBytes, maxHorizonMs: options.maxHorizonMs,
  });
  return fit && { msToFull: fit.msToZero, bytesPerHour: fit.perHour, samples: fit.samples };
}

/** "~45 min", "~3 h", "~2 days" (core/headroom/growthText.ts). */
export function formatDuration(ms: number): string {
  return formatTimeLeft(ms);
}

export interface StatusInput {
  volumePath: string;
  totalBytes: number;
  freeBytes: number;
  availableBytes: number;
  percentUsed: number;
  thresholds: Thresholds;
  forecast?: FullForecast;
  /** From a checkpoint-run forecast that will not fit (issue 7), e.g. "run-a needs ~138 GB more". */
  forecastWarning?: string;
  /** Every limit on the volume (bytes, inodes, quotas) and the one that runs out first. */
  limits?: VolumeLimit[];
  binding?: BindingLimit;
  /** The trend from the persisted history (bytes and inodes); takes the place of `forecast` when given. */
  growth?: VolumeGrowth;
  /** A time-to-full under this many hours turns the item to warning (0 or absent: never). */
  warnWhenFullWithinHours?: number;
  /** "Most files: …" from the last scan, shown when inodes are pressing. */
  mostEntries?: string;
  /** Every disk that holds something scanned; with more than one, each gets a line and the text names the disk shown. */
  disks?: DiskLine[];
  /** Mount point of the disk shown (one of `disks`). */
  shownMount?: string;
}

/** A disk that holds something scanned (the workspace, HOME's caches, a category's items). */
export interface DiskLine {
  mountPoint: string;
  totalBytes: number;
  availableBytes: number;
  /** Bytes like df, or the inodes when those are fuller. */
  percentUsed: number;
  /** Names of the categories of the last scan that are on it. */
  holds: string[];
}

/** The disk the status bar shows: the fullest (the first of equals). */
export function fullestDisk(disks: readonly DiskLine[]): DiskLine | undefined {
  let best: DiskLine | undefined;
  for (const d of disks) if (!best || d.percentUsed > best.percentUsed) best = d;
  return best;
}

/** One free-space line per disk, fullest first: "/data: 2.1 GB free of 500 GB (99.6 % used) — Checkpoints, Workspace". */
export function diskLines(disks: readonly DiskLine[]): string[] {
  return [...disks].sort((a, b) => b.percentUsed - a.percentUsed).map((d) => {
    const line = t('{0}: {1} free of {2} ({3} % used)', d.mountPoint, formatBytes(d.availableBytes), formatBytes(d.totalBytes), d.percentUsed.toFixed(1));
    return `  ${line}${d.holds.length ? ` — ${d.holds.join(', ')}` : ''}`;
  });
}

/** How used the volume is for the thresholds: the disk's bytes, or the binding limit (inodes, a quota) when that is fuller. */
export function effectivePercentUsed(percentUsed: number, binding?: BindingLimit): number {
  return Math.max(percentUsed, binding?.percentUsed ?? 0);
}

export interface StatusView {
  text: string;
  level: SpaceLevel;
  /** 'error' at critical, 'warning' at warn or with a forecast warning, else none. */
  background: 'error' | 'warning' | undefined;
  tooltipLines: string[];
}

/** Mounts deeper than this many characters are named by their last folder in the status bar (the tooltip has the full path). */
const MAX_MOUNT_CHARS = 16;

/** "/data", or "…/scratch" for "/lustre/project/ml/scratch": the status bar has little room. */
export function shortMount(mountPoint: string): string {
  return mountPoint.length <= MAX_MOUNT_CHARS ? mountPoint : `…/${mountPoint.slice(mountPoint.lastIndexOf('/') + 1)}`;
}

export function buildStatusView(input: StatusInput): StatusView {
  const binding = input.binding && input.binding.kind !== 'filesystem' ? input.binding : undefined;
  const level = levelFor(effectivePercentUsed(input.percentUsed, binding), input.thresholds);
  let text = binding ? `$(database) ${bindingStatusText(binding)}` : t('$(database) {0} free', formatBytes(input.availableBytes));
  const soonest = input.growth ? soonestFull(input.growth) : input.forecast && { hours: input.forecast.msToFull / 3600_000, resource: 'bytes' as const };
  if (soonest) text += soonest.resource === 'inodes' ? t(' · out of inodes in {0}', formatDuration(soonest.hours * 3600_000)) : t(' · full in {0}', formatDuration(soonest.hours * 3600_000));
  const fullSoon = !!soonest && !!input.warnWhenFullWithinHours && soonest.hours <= input.warnWhenFullWithinHours;
  if (input.forecastWarning) text += ' $(warning)';
  const severalDisks = !!input.disks && input.disks.length > 1 && !!input.shownMount;
  // With several disks, the text says which one it is about.
  if (severalDisks) text = text.replace('$(database) ', `$(database) ${shortMount(input.shownMount!)}: `);
  const background = level === 'critical' ? 'error' : level === 'warn' || input.forecastWarning || fullSoon ? 'warning' : undefined;
  const used = input.totalBytes - input.freeBytes;
  const lines = [
    t('Volume of {0}', input.volumePath),
    t('Total: {0}', formatBytes(input.totalBytes)),
    t('Used: {0} ({1} %)', formatBytes(used), input.percentUsed.toFixed(1)),
    t('Free: {0} available to you', formatBytes(input.availableBytes)) +
      (input.freeBytes !== input.availableBytes ? t(' ({0} including blocks reserved for root)', formatBytes(input.freeBytes)) : ''),
  ];
  if (input.growth) {
    lines.push(...growthSentences(input.growth));
    if (fullSoon) lines.push(t('Warning: full within {0} h at this rate', input.warnWhenFullWithinHours));
  } else if (input.forecast) {
    lines.push(t('Filling at ~{0}/h: full in {1} at this rate', formatBytes(input.forecast.bytesPerHour), formatDuration(input.forecast.msToFull)));
  }
  if (input.forecastWarning) lines.push(t('Warning: {0}', input.forecastWarning));
  if (binding) lines.push(t('Runs out first: {0}', describeBinding(binding)));
  if (input.mostEntries) lines.push(input.mostEntries);
  if (input.limits && input.limits.length > 1) {
    lines.push(t('Limits on this volume:'));
    for (const l of input.limits) lines.push(`  ${describeLimit(l)}`);
  }
  if (severalDisks) {
    lines.push(t('Free space on each disk that holds something scanned:'));
    lines.push(...diskLines(input.disks!));
  }
  lines.push(t('Warns at {0} % used, critical at {1} %', input.thresholds.warnAtPercentUsed, input.thresholds.criticalAtPercentUsed));
  if (level !== 'ok') lines.push(t('Click to scan and see what is on this disk'));
  return { text, level, background, tooltipLines: lines };
}
