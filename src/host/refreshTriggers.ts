// Every reason the view scans again, in one place. The reasons are logged with each scan
// ("Scan started: after deletion"), so the output channel tells why a scan ran. Events that only
// mark the view stale (settings, folders, checkpoint writes) refresh at once when the view is
// visible, else when it is next shown: a hidden view costs no scanning.
import * as vscode from 'vscode';
import type { ConfigChange } from './config';
import type { ScanService } from './scanService';

export const REFRESH = {
  // The user asked.
  scanCommand: 'Scan command',
  retry: 'Retry',
  showWhatUsesSpace: 'Show What Uses Space',
  findLargeItem: 'Find Large Item',
  apiScanNow: 'API scanNow',
  // A destructive command needs a scan to plan from, or must show the disk as it is after it.
  beforeReclaiming: 'before reclaiming',
  beforeDeleting: 'before deleting',
  afterDeletion: 'after deletion',
  afterEngineRemoval: 'after removal',
  dockerUnreachable: 'Docker engine unreachable',
  // Something changed: the view is stale (refreshed when visible).
  settingsChanged: 'settings changed',
  workspaceFoldersChanged: 'workspace folders changed',
  checkpointFolderChanged: 'a checkpoint folder changed',
  // (ScanService itself: "view became visible (<stale reason>)" when a stale view is shown.)
} as const;

export interface RefreshTriggerDeps {
  scans: ScanService;
  /** The checkpoint watcher: it watches the folders of the current roots and settings. */
  watcher: { update(): void };
  view: vscode.TreeView<unknown>;
  onDidChangeConfig: (listener: (change: ConfigChange) => void) => vscode.Disposable;
}

/** The event-driven triggers; the command-driven ones name their REFRESH reason where they scan. */
export function registerRefreshTriggers(deps: RefreshTriggerDeps): vscode.Disposable[] {
  const { scans, watcher } = deps;
  return [
    deps.view.onDidChangeVisibility((e) => { if (e.visible) scans.onViewVisible(); }),
    deps.onDidChangeConfig((change) => {
      if (!change.affectsScan) return;
      watcher.update();
      scans.refreshWhenVisible(REFRESH.settingsChanged, true);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      watcher.update();
      scans.refreshWhenVisible(REFRESH.workspaceFoldersChanged, true);
    }),
    // The checkpoint watcher debounces writes of a running training and calls refreshWhenVisible.
  ];
}
