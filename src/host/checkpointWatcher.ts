// Refreshes the model when a checkpoint appears or disappears under a scanned root (a training
// run saved one, or the user deleted one in a terminal). Debounced: a checkpoint is many files
// written over seconds, and a running job saves again and again.
import * as path from 'path';
import * as vscode from 'vscode';
import type { HostConfig } from './configRead';
import type { Log } from './log';
import type { ScanService } from './scanService';
import { REFRESH } from './refreshTriggers';

export interface CheckpointWatcherDeps {
  scans: ScanService;
  config(): HostConfig;
  /** Workspace folders; extra roots come from the config. */
  roots(): string[];
  log: Log;
  /** Quiet time after the last event before refreshing. */
  debounceMs?: number;
  /** At most one refresh per this long, however busy the folder is. */
  minIntervalMs?: number;
}

export class CheckpointWatcher implements vscode.Disposable {
  private watchers: vscode.FileSystemWatcher[] = [];
  private timer?: NodeJS.Timeout;
  /** Start of the current burst of events (undefined: none pending). */
  private firstEventAt?: number;
  private lastEventAt = 0;
  private lastEventPath?: string;
  private lastRefreshAt = 0;

  constructor(private readonly deps: CheckpointWatcherDeps) {
    this.update();
  }

  /** (Re)creates the watchers for the current roots and checkpoint globs. */
  update(): void {
    this.disposeWatchers();
    const config = this.deps.config();
    const roots = [...new Set([...this.deps.roots(), ...config.scan.extraRoots])];
    for (const root of roots) {
      for (const glob of config.scan.checkpointGlobs) {
        const pattern = glob.replace(/\/+$/, '');
        // The checkpoint itself (created / deleted) and files written into a checkpoint folder.
        for (const p of [pattern, `${pattern}/**`]) {
          const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), p), false, true, false);
          watcher.onDidCreate((uri) => this.onEvent(uri));
          watcher.onDidDelete((uri) => this.onEvent(uri));
          this.watchers.push(watcher);
        }
      }
      // Deleting a whole run (or any folder above a checkpoint) reports only that folder, which
      // no checkpoint pattern matches: compare deletions with the checkpoints the model knows.
      const deletions = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**'), true, true, false);
      deletions.onDidDelete((uri) => {
        if (this.holdsKnownCheckpoint(uri.fsPath)) this.onEvent(uri);
      });
      this.watchers.push(deletions);
    }
    this.deps.log.info(`Watching ${config.scan.checkpointGlobs.join(', ')} under ${roots.join(', ') || 'no folders'} for checkpoint changes`);
  }

  dispose(): void {
    this.disposeWatchers();
    if (this.timer) clearTimeout(this.timer);
  }

  private disposeWatchers(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  /** True when `p` is, or contains, a run or checkpoint of the current model. */
  private holdsKnownCheckpoint(p: string): boolean {
    const category = this.deps.scans.model?.categories.find((c) => c.id === 'checkpoints');
    const prefix = p.endsWith(path.sep) ? p : p + path.sep;
    const stack = [...(category?.items ?? [])];
    while (stack.length) {
      const item = stack.pop()!;
      if (item.path && (item.path === p || item.path.startsWith(prefix))) return true;
      stack.push(...(item.children ?? []));
    }
    return false;
  }

  private onEvent(uri: vscode.Uri): void {
    if (this.firstEventAt === undefined) {
      this.firstEventAt = Date.now();
      this.deps.log.info(`Checkpoint change seen: ${uri.fsPath}; refreshing once it settles`);
    }
    this.lastEventAt = Date.now();
    this.lastEventPath = uri.fsPath;
    if (this.timer) clearTimeout(this.timer);
    const debounce = this.deps.debounceMs ?? 5_000;
    const wait = Math.max(debounce, this.lastRefreshAt + (this.deps.minIntervalMs ?? 15_000) - Date.now());
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    this.firstEventAt = undefined;
    const model = this.deps.scans.model;
    // Our own deletions rescan anyway: a scan that started after the last change already sees it.
    if (model && model.scannedAt - model.durationMs > this.lastEventAt) return;
    this.lastRefreshAt = Date.now();
    this.deps.log.info(`Checkpoint folder changed (${this.lastEventPath}); refreshing`);
    this.deps.scans.refreshWhenVisible(REFRESH.checkpointFolderChanged);
  }
}
