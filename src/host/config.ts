// Reads `mlDiskSpace.*` through VS Code (see configRead.ts for the rules) and says when it changes.
import * as vscode from 'vscode';
import { CONFIG_SECTION, readHostConfig, type HostConfig } from './configRead';

export type { HostConfig, SortBy } from './configRead';

export function readConfig(): HostConfig {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return readHostConfig({
    get: <T>(key: string) => c.get<T>(key),
    inspect: <T>(key: string) => c.inspect<T>(key),
    trusted: vscode.workspace.isTrusted,
  });
}

/** Settings that change what a scan finds (a change makes the current model stale). */
const SCAN_KEYS = [
  'extraRoots', 'exclude', 'checkpointGlobs', 'activeRunMinutes', 'keepBest', 'looseWeightMinMB',
  'docker.host', 'docker.enabled', 'topItems', 'scanWorkers', 'checkpointMetricsGreaterIsBetter',
];

export interface ConfigChange {
  config: HostConfig;
  affectsScan: boolean;
  affects(key: string): boolean;
}

/** Fires with the new config when an `mlDiskSpace.*` setting (or workspace trust) changes. */
export function onDidChangeConfig(listener: (change: ConfigChange) => void): vscode.Disposable {
  const settings = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(CONFIG_SECTION)) return;
    const affects = (key: string) => e.affectsConfiguration(`${CONFIG_SECTION}.${key}`);
    listener({ config: readConfig(), affectsScan: SCAN_KEYS.some(affects), affects });
  });
  // Granting trust makes the workspace's restricted settings count.
  const trust = vscode.workspace.onDidGrantWorkspaceTrust(() =>
    listener({ config: readConfig(), affectsScan: true, affects: () => true }),
  );
  return vscode.Disposable.from(settings, trust);
}
