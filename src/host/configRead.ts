// `mlDiskSpace.*` settings -> what the host needs, as a plain function over a small source
// interface (no `vscode` import, unit-tested). In an untrusted workspace, settings that add scan
// roots or change the Docker host are taken from the user's own settings only: a cloned repo
// must not be able to point the scanner (or a later delete) at folders of its choosing.
import { DEFAULT_VOLUME_THRESHOLDS } from '../core/fillingVolume';
import type { CheckpointSettings } from '../core/categories/checkpoints';
import { DEFAULT_GREATER_IS_BETTER } from '../core/categories/checkpoints/names';
import { defaultSettings, type ScanSettings } from '../core/settings';
import type { DeleteMode } from '../core/plan/types';

export const CONFIG_SECTION = 'mlDiskSpace';

/** Keys (below `mlDiskSpace.`) not read from workspace settings in an untrusted workspace. Mirrors package.json restrictedConfigurations. */
export const RESTRICTED_KEYS = ['extraRoots', 'docker.host'] as const;

export type SortBy = 'size' | 'name' | 'age' | 'files';

export interface HostConfig {
  /** Scan settings, plus the checkpoint scanner's own (greaterIsBetter). */
  scan: ScanSettings & Pick<CheckpointSettings, 'greaterIsBetter'>;
  warnAtPercentUsed: number;
  criticalAtPercentUsed: number;
  statusBarRefreshSeconds: number;
  deleteMode: DeleteMode;
  planMaxAgeMinutes: number;
  sortBy: SortBy;
  /** A time-to-full at the current rate under this many hours turns the status bar to warning (0: never). */
  warnWhenFullWithinHours: number;
  /** While a training run is active, warn once when available memory falls under this % of RAM (0: never). */
  memoryWarnBelowPercent: number;
  /** Restricted settings whose workspace value was ignored (untrusted workspace), for the log. */
  ignoredWorkspaceValues: string[];
}

/** What VS Code's WorkspaceConfiguration.inspect gives, reduced to what we use. */
export interface InspectedValue<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface ConfigSource {
  /** The effective value (VS Code's merge of default, user, workspace). */
  get<T>(key: string): T | undefined;
  inspect<T>(key: string): InspectedValue<T> | undefined;
  trusted: boolean;
}

function num(value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function strings(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : fallback;
}

export function readHostConfig(source: ConfigSource): HostConfig {
  const ignored: string[] = [];
  const restricted = <T>(key: string): T | undefined => {
    if (source.trusted) return source.get<T>(key);
    const i = source.inspect<T>(key);
    if (i && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined)) ignored.push(`${CONFIG_SECTION}.${key}`);
    return i?.globalValue ?? i?.defaultValue;
  };
  const d = defaultSettings();
  const greaterIsBetter = strings(source.get('checkpointMetricsGreaterIsBetter'), []);
  const scan: HostConfig['scan'] = {
    topN: num(source.get('topItems'), d.topN, 1, 1000),
    extraRoots: strings(restricted('extraRoots'), d.extraRoots),
    exclude: strings(source.get('exclude'), d.exclude),
    checkpointGlobs: strings(source.get('checkpointGlobs'), d.checkpointGlobs),
    activeRunMinutes: num(source.get('activeRunMinutes'), d.activeRunMinutes, 0),
    keepBest: num(source.get('keepBest'), d.keepBest, 0, 1000),
    looseWeightMinBytes: num(source.get('looseWeightMinMB'), d.looseWeightMinBytes / 1e6, 0) * 1e6,
    dockerHost: (() => {
      const v = restricted<string>('docker.host');
      return typeof v === 'string' ? v.trim() : d.dockerHost;
    })(),
    docker: source.get<boolean>('docker.enabled') !== false,
    workers: num(source.get('scanWorkers'), d.workers, 0, 64),
    // Added to the built-in names (accuracy, f1, bleu, …), never replacing them.
    ...(greaterIsBetter.length ? { greaterIsBetter: [...DEFAULT_GREATER_IS_BETTER, ...greaterIsBetter] } : {}),
  };
  const warn = num(source.get('warnAtPercentUsed'), DEFAULT_VOLUME_THRESHOLDS.warnAtPercentUsed, 0, 100);
  const critical = num(source.get('criticalAtPercentUsed'), DEFAULT_VOLUME_THRESHOLDS.criticalAtPercentUsed, 0, 100);
  const sortBy = source.get<string>('sortBy');
  return {
    scan,
    warnAtPercentUsed: warn,
    criticalAtPercentUsed: critical,
    statusBarRefreshSeconds: num(source.get('statusBar.refreshSeconds'), 60, 5, 24 * 3600),
    deleteMode: source.get<string>('deleteMode') === 'trash' ? 'trash' : 'permanent',
    planMaxAgeMinutes: num(source.get('planMaxAgeMinutes'), 60, 1),
    sortBy: sortBy === 'name' || sortBy === 'age' || sortBy === 'files' ? sortBy : 'size',
    warnWhenFullWithinHours: num(source.get('warnWhenFullWithinHours'), 24, 0, 24 * 365),
    memoryWarnBelowPercent: num(source.get('memory.warnBelowPercentAvailable'), 10, 0, 100),
    ignoredWorkspaceValues: ignored,
  };
}
