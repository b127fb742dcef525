// The status-bar item for the fullest disk that holds something scanned (the first workspace
// folder's, HOME's, the last scan's categories'; scannedDisks.ts): "$(database) 43 GB free",
// threshold colors, a time-to-full estimate from the persisted free-space history (7 days, in the
// extension's global storage: growthRecorder.ts), a hook for
// checkpoint-run forecasts, and one notification per threshold crossing. The decisions are in
// statusLogic.ts (no vscode, unit-tested); this file does the I/O.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { describeBinding } from '../../core/headroom/describe';
import { limitName } from '../../core/headroom/limits';
import { percentUsed, volumeWithQuotas } from '../../core/volume';
import type { BindingLimit, VolumeLimit } from '../../core/headroom/limits';
import type { HostConfig } from '../configRead';
import { errorText, type Log } from '../log';
import type { Prompts } from '../prompts';
import { forecastGrowth, type GrowthPoint, type VolumeGrowth } from '../../core/headroom/growth';
import { growthKeyOf } from '../../core/headroom/growthFile';
import { readingOf } from '../../core/headroom/growthRecord';
import { folderWithMostEntries, inodesArePressing } from '../../core/headroom/mostEntries';
import type { ScanModel, VolumeInfo } from '../../core/model';
import { GrowthRecorder } from './growthRecorder';
import { readScannedDisks } from './scannedDisks';
import {
  buildStatusView, clickCommandFor, effectivePercentUsed, fullestDisk, nextAlert,
  type FullForecast, type SpaceLevel, type StatusView,
} from './statusLogic';

export const STATUS_ITEM_ID = 'mlDiskSpace.freeSpace';
// Button labels: functions, so they are translated when shown (after the translator is installed), not at import.
export const SHOW_WHAT_USES_SPACE = (): string => vscode.l10n.t('Show What Uses Space');
export const DONT_WARN_AGAIN = (): string => vscode.l10n.t("Don't Warn Again for This Volume");

const ALERT_KEY = 'mlDiskSpace.alertedLevels';
const MUTED_KEY = 'mlDiskSpace.mutedVolumes';

export interface StatusState {
  volumePath: string;
  /** Identifies the volume (device number of the folder) for history, alerts and muting. */
  volumeKey: string;
  totalBytes: number;
  freeBytes: number;
  availableBytes: number;
  percentUsed: number;
  level: SpaceLevel;
  text: string;
  tooltip: string;
  background: 'error' | 'warning' | undefined;
  forecast?: FullForecast;
  /** The trend of free bytes and inodes from the persisted history. */
  growth?: VolumeGrowth;
  forecastWarning?: string;
  /** Every limit on the volume (bytes, inodes, quotas) and the one that runs out first. */
  limits: VolumeLimit[];
  binding?: BindingLimit;
  refreshedAt: number;
  /** What clicking the item runs (scan and show the tree at warning or critical). */
  command: string;
}

export interface ThresholdNotification {
  level: SpaceLevel;
  volumeKey: string;
  message: string;
  at: number;
}

export interface FreeSpaceStatusDeps {
  context: vscode.ExtensionContext;
  config(): HostConfig;
  /** The folder whose volume is shown (first workspace folder, else HOME). */
  volumePath(): string;
  prompts: Prompts;
  log: Log;
  /** "Show What Uses Space": focus the view and scan (the disk changed since any earlier scan). */
  showWhatUsesSpace(): void;
  /** The last scan (names the folder with most files when inodes run short; its disks are watched too). */
  model?(): ScanModel | undefined;
  /** More folders whose disks are watched (HOME: the ML caches live there by default). */
  watchedPaths?(): string[];
}

/** The history behind the last refresh, for the chart's trend line. */
export interface GrowthSnapshot {
  path: string;
  totalBytes: number;
  points: GrowthPoint[];
  growth: VolumeGrowth;
}

export class FreeSpaceStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer?: NodeJS.Timeout;
  private current?: StatusState;
  private forecastWarning?: string;
  private refreshing?: Promise<StatusState | undefined>;
  private lastError?: string;
  private lastGrowth?: GrowthSnapshot;
  private readonly growth: GrowthRecorder;
  readonly notifications: ThresholdNotification[] = [];

  constructor(private readonly deps: FreeSpaceStatusDeps) {
    this.growth = new GrowthRecorder(deps.context.globalStorageUri.fsPath, deps.log);
    // The 6-hour history earlier versions kept in globalState; the file above replaces it.
    void deps.context.globalState.update('mlDiskSpace.freeSpaceHistory', undefined);
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 100);
    this.item.name = vscode.l10n.t('ML Disk Space: Free Space');
    this.item.command = 'mlDiskSpace.items.focus';
    this.item.text = '$(database) …';
    this.item.show();
    this.restartTimer();
  }

  get state(): StatusState | undefined {
    return this.current;
  }

  /** The free-space history of the volume shown, as of the last refresh. */
  get growthSnapshot(): GrowthSnapshot | undefined {
    return this.lastGrowth;
  }

  /** Saves the history now (tests; deactivation saves too). */
  flushHistory(): Promise<void> {
    return this.growth.flush();
  }

  private mostEntriesLine(volume: VolumeInfo, warnAtPercentUsed: number): string | undefined {
    const model = this.deps.model?.();
    if (!model || !inodesArePressing(volume, warnAtPercentUsed)) return undefined;
    const most = folderWithMostEntries(model);
    return most && `Most files (last scan): ${most.path}, ${most.files.toLocaleString('en-US')} files`;
  }

  /** Restarts the refresh interval (mlDiskSpace.statusBar.refreshSeconds changed). */
  restartTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.refresh(), this.deps.config().statusBarRefreshSeconds * 1000);
  }

  /** A checkpoint run that will not fit (issue 7's forecast) turns the item to warning; undefined clears it. */
  setForecastWarning(text: string | undefined): void {
    this.forecastWarning = text?.trim() || undefined;
    void this.refresh();
  }

  /** Reads free space now (one statfs); concurrent calls share one read. */
  refresh(): Promise<StatusState | undefined> {
    if (!this.refreshing) {
      this.refreshing = this.refreshNow().finally(() => (this.refreshing = undefined));
    }
    return this.refreshing;
  }

  /** Undoes every "Don't Warn Again for This Volume". */
  async resetWarnings(): Promise<void> {
    await this.deps.context.globalState.update(MUTED_KEY, []);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.growth.dispose();
    this.item.dispose();
  }

  private async refreshNow(): Promise<StatusState | undefined> {
    const folderPath = this.deps.volumePath();
    // Every disk that holds something scanned; the fullest is shown (a cache on another disk frees nothing on it).
    const { disks, first } = await readScannedDisks([folderPath, ...(this.deps.watchedPaths?.() ?? [])], this.deps.model?.())
      .catch(() => ({ disks: [], first: undefined }));
    const fullest = fullestDisk(disks);
    // The folder's own path while its disk is the fullest (or cannot be read), else the fuller disk's mount point.
    const other = fullest && first && fullest.percentUsed > first.percentUsed ? fullest : undefined;
    const volumePath = other ? other.mountPoint : folderPath;
    const shownMount = other ? other.mountPoint : first?.mountPoint;
    const config = this.deps.config();
    let volume;
    let volumeKey: string;
    try {
      volume = await volumeWithQuotas(volumePath);
      volumeKey = `dev:${(await fs.promises.stat(volumePath)).dev}`;
    } catch (err) {
      const message = vscode.l10n.t('cannot read free space of {0}: {1}', volumePath, errorText(err));
      if (message !== this.lastError) this.deps.log.warn(message);
      this.lastError = message;
      this.item.text = '$(database) ?';
      this.item.tooltip = message;
      this.item.backgroundColor = undefined;
      return undefined;
    }
    this.lastError = undefined;
    const now = Date.now();
    // The history is keyed by mount point (stable across reboots, shared with other windows).
    const reading = readingOf(volume, await growthKeyOf(volumePath).catch(() => volumeKey), now);
    const history = await this.growth.add(reading);
    const growth = forecastGrowth(history.points, { totalBytes: reading.totalBytes, totalInodes: reading.totalInodes });
    this.lastGrowth = { points: history.points, growth, totalBytes: volume.totalBytes, path: volumePath };
    const forecast: FullForecast | undefined = growth.fullInHours !== undefined && growth.bytesPerHour !== undefined
      ? { msToFull: growth.fullInHours * 3600_000, bytesPerHour: growth.bytesPerHour, samples: growth.points }
      : undefined;
    // Thresholds apply to whatever runs out first: the disk's bytes, its inodes or a quota.
    const bytesPercent = percentUsed(volume);
    const pct = effectivePercentUsed(bytesPercent, volume.binding);
    const thresholds = { warnAtPercentUsed: config.warnAtPercentUsed, criticalAtPercentUsed: config.criticalAtPercentUsed };
    const view: StatusView = buildStatusView({
      volumePath,
      totalBytes: volume.totalBytes,
      freeBytes: volume.freeBytes,
      availableBytes: volume.availableBytes,
      percentUsed: bytesPercent,
      thresholds,
      forecast,
      forecastWarning: this.forecastWarning,
      limits: volume.limits,
      binding: volume.binding,
      growth,
      warnWhenFullWithinHours: config.warnWhenFullWithinHours,
      mostEntries: this.mostEntriesLine(volume, config.warnAtPercentUsed),
      disks,
      shownMount,
    });
    this.item.text = view.text;
    this.item.tooltip = view.tooltipLines.join('\n');
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(`statusBarItem.${view.background}Background`) : undefined;
    this.item.command = clickCommandFor(view.level);
    this.current = {
      volumePath, volumeKey,
      totalBytes: volume.totalBytes, freeBytes: volume.freeBytes, availableBytes: volume.availableBytes,
      percentUsed: pct, level: view.level, text: view.text, tooltip: view.tooltipLines.join('\n'), background: view.background,
      forecast, growth, forecastWarning: this.forecastWarning, limits: volume.limits ?? [], binding: volume.binding, refreshedAt: now,
      command: clickCommandFor(view.level),
    };
    await this.checkThreshold(this.current, thresholds);
    return this.current;
  }

  private async checkThreshold(state: StatusState, thresholds: { warnAtPercentUsed: number; criticalAtPercentUsed: number }): Promise<void> {
    const alerted = this.deps.context.globalState.get<Record<string, SpaceLevel>>(ALERT_KEY, {});
    const step = nextAlert(alerted[state.volumeKey] ?? 'ok', state.percentUsed, thresholds);
    if (step.notified !== (alerted[state.volumeKey] ?? 'ok')) {
      await this.deps.context.globalState.update(ALERT_KEY, { ...alerted, [state.volumeKey]: step.notified });
    }
    if (!step.notify) return;
    const muted = this.deps.context.globalState.get<string[]>(MUTED_KEY, []);
    if (muted.includes(state.volumeKey)) {
      this.deps.log.info(`Volume of ${state.volumePath} crossed the ${step.notify} threshold (${state.percentUsed.toFixed(1)} % used); not notifying, muted for this volume`);
      return;
    }
    const binding = state.binding && state.binding.kind !== 'filesystem' ? state.binding : undefined;
    const message = binding
      ? vscode.l10n.t('{0} {1} on the volume of {2}: {3}.', step.notify === 'critical' ? vscode.l10n.t('Almost out of') : vscode.l10n.t('Running low on'), limitName(binding), state.volumePath, describeBinding(binding))
      : step.notify === 'critical'
        ? vscode.l10n.t('Disk almost full: the volume of {0} is {1} % used, {2} free.', state.volumePath, state.percentUsed.toFixed(1), formatBytes(state.availableBytes))
        : vscode.l10n.t('Disk space is getting low: the volume of {0} is {1} % used, {2} free.', state.volumePath, state.percentUsed.toFixed(1), formatBytes(state.availableBytes));
    this.notifications.push({ level: step.notify, volumeKey: state.volumeKey, message, at: Date.now() });
    this.deps.log.info(`Threshold notification (${step.notify}): ${message}`);
    // Almost full is an error (work is about to fail), not the same warning as getting low.
    const notify = step.notify === 'critical' ? this.deps.prompts.notifier.error : this.deps.prompts.notifier.warn;
    void notify(message, SHOW_WHAT_USES_SPACE(), DONT_WARN_AGAIN()).then(async (choice) => {
      if (choice === SHOW_WHAT_USES_SPACE()) this.deps.showWhatUsesSpace();
      if (choice === DONT_WARN_AGAIN()) {
        const list = this.deps.context.globalState.get<string[]>(MUTED_KEY, []);
        if (!list.includes(state.volumeKey)) await this.deps.context.globalState.update(MUTED_KEY, [...list, state.volumeKey]);
        this.deps.log.info(`No more disk-space warnings for the volume of ${state.volumePath} (${state.volumeKey})`);
      }
    });
  }
}
