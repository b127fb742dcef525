// The scan model as Prometheus metrics (names in names.ts). Category bytes are split by the
// volume their items lie on, so the per-volume samples of a category add up to its total; bytes
// with no local path (Docker's, measured by the engine) get volume "". Runs are ranked (those that
// will not fit first, then by what they still need, then by size) and only the top ones get
// series: one series per run folder would otherwise grow without bound on a busy box.
import type { Category, Item, ScanModel } from '../model';
import { CHECKPOINTS_CATEGORY_ID } from '../categories/checkpoints/discover';
import type { Forecast } from '../categories/checkpoints/types';
import type { MetricFamily, Sample } from './exposition';
import { METRICS, type MetricKey } from './names';
import { noVolumeLimits, type VolumeLimitSource, type VolumeResolver } from './volumes';

export const DEFAULT_TOP_RUNS = 20;

export interface MetricsOptions {
  /** Runs exported with their own series (0: none). */
  topRuns: number;
  volumes: VolumeResolver;
  limits?: VolumeLimitSource;
}

interface RunRow {
  path: string;
  bytes: number;
  forecast: Forecast | null;
}

function runsOf(model: ScanModel): RunRow[] {
  const category = model.categories.find((c) => c.id === CHECKPOINTS_CATEGORY_ID);
  if (!category || category.error) return [];
  return category.items
    .filter((i): i is Item & { path: string } => i.kind === 'run' && !!i.path)
    .map((i) => ({ path: i.path, bytes: i.bytes, forecast: (i.fields?.forecast as Forecast | null | undefined) ?? null }));
}

/** Most urgent first: will not fit, then most still needed, then largest; path breaks ties. */
export function rankRuns<T extends RunRow>(runs: T[]): T[] {
  const misfit = (r: RunRow) => (r.forecast?.fits === false ? 0 : 1);
  const needed = (r: RunRow) => r.forecast?.bytesNeeded ?? -1;
  return [...runs].sort((a, b) => misfit(a) - misfit(b) || needed(b) - needed(a) || b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface CategorySplit {
  bytes: Map<string, number>;
}

async function splitByVolume(category: Category, volumes: VolumeResolver): Promise<CategorySplit> {
  const bytes = new Map<string, number>();
  const add = (v: string, n: number) => bytes.set(v, (bytes.get(v) ?? 0) + n);
  let located = 0;
  for (const item of category.items) {
    if (!item.path || item.bytes <= 0) continue;
    add(await volumes.volumeOf(item.path), item.bytes);
    located += item.bytes;
  }
  // What no item with a path accounts for (Docker, or a category total beyond its listed items).
  const rest = category.bytes - located;
  if (rest > 0 || bytes.size === 0) add('', Math.max(rest, 0));
  return { bytes };
}

export async function metricsFromScan(model: ScanModel, options: MetricsOptions): Promise<MetricFamily[]> {
  const families = new Map<MetricKey, Sample[]>(Object.keys(METRICS).map((k) => [k as MetricKey, []]));
  const push = (key: MetricKey, value: number, labels?: Record<string, string>) => families.get(key)!.push({ labels, value });
  const seenVolumes = new Set<string>();

  for (const category of [...model.categories].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    push('categoryError', category.error ? 1 : 0, { category: category.id });
    if (category.error) continue;
    const split = await splitByVolume(category, options.volumes);
    for (const [volume, bytes] of split.bytes) {
      push('categoryBytes', bytes, { category: category.id, volume });
      if (volume) seenVolumes.add(volume);
    }
    if (category.reclaimableBytes !== undefined) {
      // Known only for the category as a whole: placed on its volume when it has exactly one.
      const volume = split.bytes.size === 1 ? [...split.bytes.keys()][0] : '';
      push('categoryReclaimableBytes', category.reclaimableBytes, { category: category.id, volume });
    }
  }

  const runs = rankRuns(runsOf(model));
  push('runs', runs.length);
  for (const run of runs.slice(0, options.topRuns)) {
    push('runCheckpointBytes', run.bytes, { run: run.path });
    if (run.forecast) push('runForecastNeededBytes', run.forecast.bytesNeeded, { run: run.path });
    if (run.forecast && run.forecast.fits !== null) push('runFits', run.forecast.fits ? 1 : 0, { run: run.path });
    seenVolumes.add(await options.volumes.volumeOf(run.path));
  }
  for (const root of model.roots) seenVolumes.add(await options.volumes.volumeOf(root));
  seenVolumes.delete('');

  const limits = options.limits ?? noVolumeLimits;
  for (const volume of [...seenVolumes].sort()) {
    try {
      const stats = await options.volumes.stats(volume);
      push('volumeFreeBytes', stats.availableBytes, { volume });
      push('volumeSizeBytes', stats.sizeBytes, { volume });
    } catch {
      // Unmounted since the scan: no sample is better than a wrong one.
    }
    for (const limit of await limits(volume).catch(() => [])) push('volumeLimitFreeBytes', limit.freeBytes, { volume, kind: limit.kind });
  }

  push('scanDurationSeconds', model.durationMs / 1000);
  push('scanTimestampSeconds', model.scannedAt / 1000);
  push('scanErrors', scanErrorCount(model));

  return [...families].map(([key, samples]) => ({ name: METRICS[key].name, help: METRICS[key].help, type: 'gauge', samples }));
}

/** Warnings, plus categories that failed without one (an engine that could not be reached). */
export function scanErrorCount(model: ScanModel): number {
  const warned = new Set(model.warnings.filter((w) => w.code === 'scanner-failed').map((w) => w.category));
  return model.warnings.length + model.categories.filter((c) => c.error && !warned.has(c.id)).length;
}
