// Runs scans (one at a time), holds the current model, persists it, and shows progress. The
// walker does its filesystem work in worker threads, so awaiting a scan here never blocks the
// extension host.
import * as vscode from 'vscode';
import type { Category, ScanModel } from '../core/model';
import { formatBytes } from '../core/format';
import { scan } from '../core/scan/scan';
import type { WalkProgress } from '../core/walker/types';
import type { HostConfig } from './configRead';
import { errorText, ReportedError, type Log } from './log';
import type { ScanStore } from './scanStore';
import { displayText } from '../core/displayText';

export type ModelSource = 'persisted' | 'scan';

export interface ModelState {
  model: ScanModel;
  /** 'persisted': restored from the last session (may be out of date); 'scan': scanned in this session. */
  source: ModelSource;
  /** When this window got it (ms since epoch). */
  receivedAt: number;
}

export interface ScanOptions {
  /** Why, for the log: 'command', 'view became visible', 'after deletion', ... */
  reason: string;
  /** Also show a cancellable notification (user-started scans). Background refreshes show progress in the view only. */
  notify?: boolean;
  /** The inputs changed (settings, a deletion): cancel a running scan and start over instead of joining it. */
  restart?: boolean;
}

export interface ScanProgressEvent {
  message: string;
  walk?: WalkProgress;
}

export interface ScanServiceDeps {
  store: ScanStore;
  log: Log;
  config(): HostConfig;
  /** Workspace folders (file scheme), absolute. Extra roots come from the config. */
  roots(): string[];
  env: Record<string, string | undefined>;
  viewId: string;
  isViewVisible(): boolean;
}

/**
 * Categories that share no files with any other (they are not on the walked filesystem), so one
 * can be rescanned alone and merged into the model without double counting.
 */
const INDEPENDENT_CATEGORIES = new Set(['docker']);

interface RunningScan {
  controller: AbortController;
  promise: Promise<ScanModel>;
  /** Set when a restart replaced this scan: callers waiting on it get the replacement's result. */
  replacedBy?: Promise<ScanModel>;
  notifying: boolean;
  startedAt: number;
  reason: string;
  last?: ScanProgressEvent;
}

export class ScanService implements vscode.Disposable {
  private current?: ModelState;
  private running?: RunningScan;
  private staleReason?: string = 'no scan in this session';
  /** The last save to the store; restore() waits for it so it never reads a half-old file. */
  private saving: Promise<void> = Promise.resolve();
  private readonly modelEmitter = new vscode.EventEmitter<ModelState | undefined>();
  private readonly scanningEmitter = new vscode.EventEmitter<boolean>();
  private readonly progressEmitter = new vscode.EventEmitter<ScanProgressEvent>();
  /** Fires when the model changes (restored, scanned, merged). */
  readonly onDidChangeModel = this.modelEmitter.event;
  /** Fires true when a scan starts and false when none is running any more. */
  readonly onDidChangeScanning = this.scanningEmitter.event;
  readonly onDidProgress = this.progressEmitter.event;

  constructor(private readonly deps: ScanServiceDeps) {}

  get state(): ModelState | undefined {
    return this.current;
  }

  get model(): ScanModel | undefined {
    return this.current?.model;
  }

  get scanning(): boolean {
    return this.running !== undefined;
  }

  /** Why the shown model may be out of date, or undefined when it is fresh from this session. */
  get stale(): string | undefined {
    return this.staleReason;
  }

  /** Shows the last session's scan of this workspace, if there is one and nothing newer is shown. */
  async restore(): Promise<ModelState | undefined> {
    await this.saving;
    const model = await this.deps.store.load();
    if (!model) return undefined;
    if (this.current && this.current.model.scannedAt >= model.scannedAt) return this.current;
    this.setState({ model, source: 'persisted', receivedAt: Date.now() });
    this.staleReason = 'restored from the last session';
    this.deps.log.info(`Showing the scan of ${new Date(model.scannedAt).toISOString()} from the last session; it refreshes when the view is visible`);
    return this.current;
  }

  /** Drops the in-memory model (the tree shows the welcome view) — the state of a window that just opened. */
  forget(): void {
    this.current = undefined;
    this.staleReason = 'no scan in this session';
    void vscode.commands.executeCommand('setContext', 'mlDiskSpace.hasModel', false);
    this.modelEmitter.fire(undefined);
  }

  /**
   * Something changed on disk or in the settings: refresh now when the view is visible, else
   * remember it and refresh when the view is shown (a hidden view costs no scanning).
   */
  refreshWhenVisible(reason: string, restart = false): void {
    this.staleReason = reason;
    if (this.deps.isViewVisible() && this.current) {
      void this.scan({ reason, restart }).catch(() => undefined);
    }
  }

  /** The view became visible: refresh if what it shows is stale (and something is shown at all: the first scan is the user's choice). */
  onViewVisible(): void {
    if (this.staleReason && this.current && !this.running) {
      void this.scan({ reason: `view became visible (${this.staleReason})` }).catch(() => undefined);
    }
  }

  /** Scans every root; joins a running scan unless `restart`. Resolves with the model (check `cancelled`). */
  scan(options: ScanOptions): Promise<ScanModel> {
    const running = this.running;
    if (running && !options.restart) {
      if (options.notify && !running.notifying) this.showNotification(running);
      return this.resultOf(running);
    }
    if (running) {
      // The old walk stops within the walker's cancel grace; the new one need not wait for it.
      this.deps.log.info(`Restarting the running scan (${options.reason})`);
      running.controller.abort();
      const next = this.start({ ...options, notify: options.notify || running.notifying });
      running.replacedBy = this.resultOf(next);
      return running.replacedBy;
    }
    return this.resultOf(this.start(options));
  }

  /** Cancels the running scan; the previous model stays. */
  cancel(): boolean {
    if (!this.running) return false;
    this.deps.log.info('Scan cancelled by the user');
    this.running.controller.abort();
    return true;
  }

  /**
   * Retries failed categories (e.g. Docker engine down). Independent categories are rescanned
   * alone and merged; anything else needs a full scan to keep totals counted once.
   */
  async rescanCategories(ids: string[], reason: string): Promise<ScanModel> {
    const base = this.current?.model;
    if (!base || this.running || !ids.every((id) => INDEPENDENT_CATEGORIES.has(id))) {
      return this.scan({ reason, notify: true });
    }
    const controller = new AbortController();
    const config = this.deps.config();
    this.deps.log.info(`Rescanning ${ids.join(', ')} (${reason})`);
    const partial = await scan({ roots: this.deps.roots(), env: this.deps.env, settings: config.scan, signal: controller.signal, only: ids });
    if (this.current?.model !== base) return this.current!.model; // a full scan landed meanwhile
    const categories: Category[] = base.categories.filter((c) => !ids.includes(c.id));
    for (const id of ids) {
      const fresh = partial.categories.find((c) => c.id === id);
      if (fresh) categories.push(fresh);
    }
    const merged: ScanModel = {
      ...base,
      categories,
      warnings: [...base.warnings.filter((w) => !w.category || !ids.includes(w.category)), ...partial.warnings],
    };
    this.adopt(merged, 'retry');
    return merged;
  }

  dispose(): void {
    this.running?.controller.abort();
    this.modelEmitter.dispose();
    this.scanningEmitter.dispose();
    this.progressEmitter.dispose();
  }

  private resultOf(run: RunningScan): Promise<ScanModel> {
    return run.promise.then((model) => run.replacedBy ?? model);
  }

  private afterSettled(run: RunningScan): Promise<void> {
    return run.promise.then(() => undefined, () => undefined);
  }

  private start(options: ScanOptions): RunningScan {
    const controller = new AbortController();
    const config = this.deps.config();
    const roots = this.deps.roots();
    const run: RunningScan = { controller, promise: undefined as unknown as Promise<ScanModel>, notifying: false, startedAt: Date.now(), reason: options.reason };
    this.deps.log.info(`Scan started (${options.reason}): ${[...roots, ...config.scan.extraRoots].join(', ') || 'no workspace folders'} and the ML caches of ${this.deps.env.HOME ?? 'HOME'}`);
    for (const key of config.ignoredWorkspaceValues) this.deps.log.warn(`Untrusted workspace: ignoring the workspace's value of ${key}`);
    run.promise = scan({
      roots,
      env: this.deps.env,
      settings: config.scan,
      signal: controller.signal,
      onProgress: (message, walk) => {
        run.last = { message, walk };
        this.progressEmitter.fire(run.last);
      },
    }).then(
      (model) => {
        this.finish(run);
        if (model.cancelled) {
          this.deps.log.info(`Scan cancelled after ${((Date.now() - run.startedAt) / 1000).toFixed(1)} s; the previous result stays`);
        } else {
          this.adopt(model, options.reason);
        }
        return model;
      },
      (err) => {
        this.finish(run);
        this.deps.log.error('Scan failed', err);
        void vscode.window.showErrorMessage(displayText(vscode.l10n.t('ML Disk Space: the scan failed: {0}', errorText(err))), vscode.l10n.t('Show Log')).then((choice) => {
          if (choice) this.deps.log.show();
        });
        throw new ReportedError(err);
      },
    );
    this.running = run;
    this.scanningEmitter.fire(true);
    void vscode.commands.executeCommand('setContext', 'mlDiskSpace.scanning', true);
    // Progress in the view (a bar under its title) for every scan.
    void vscode.window.withProgress({ location: { viewId: this.deps.viewId } }, () => this.afterSettled(run));
    if (options.notify) this.showNotification(run);
    return run;
  }

  private finish(run: RunningScan): void {
    if (this.running !== run) return;
    this.running = undefined;
    this.scanningEmitter.fire(false);
    void vscode.commands.executeCommand('setContext', 'mlDiskSpace.scanning', false);
  }

  private showNotification(run: RunningScan): void {
    run.notifying = true;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ML Disk Space: scanning'), cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => {
          if (this.running === run) this.cancel();
        });
        let lastReport = 0;
        const report = (e: ScanProgressEvent | undefined) => {
          const now = Date.now();
          if (!e || now - lastReport < 250) return;
          lastReport = now;
          progress.report({ message: progressText(e) });
        };
        report(run.last);
        const sub = this.progressEmitter.event((e) => {
          if (this.running === run) report(e);
        });
        return this.afterSettled(run).finally(() => sub.dispose());
      },
    );
  }

  private adopt(model: ScanModel, reason: string): void {
    this.staleReason = undefined;
    this.setState({ model, source: 'scan', receivedAt: Date.now() });
    this.logSummary(model, reason);
    this.saving = this.deps.store.save(model).catch((err) => this.deps.log.warn(`Could not save the scan for the next session: ${errorText(err)}`));
  }

  private setState(state: ModelState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', 'mlDiskSpace.hasModel', true);
    this.modelEmitter.fire(state);
  }

  private logSummary(model: ScanModel, reason: string): void {
    const total = model.categories.reduce((s, c) => s + c.bytes, 0);
    this.deps.log.info(
      `Scan finished (${reason}) in ${(model.durationMs / 1000).toFixed(1)} s: ${model.categories.length} categories, ${formatBytes(total)} on disk, ${model.warnings.length} warnings`,
    );
    for (const c of model.categories) {
      this.deps.log.info(`  ${c.label}: ${c.error ? `not available: ${c.error}` : `${formatBytes(c.bytes)} on disk (${formatBytes(c.apparentBytes)} apparent), ${c.items.length} items`}`);
    }
    for (const w of model.warnings.slice(0, 50)) this.deps.log.warn(`  ${w.code ? `[${w.code}] ` : ''}${w.message}`);
    if (model.warnings.length > 50) this.deps.log.warn(`  … and ${model.warnings.length - 50} more warnings`);
  }
}

export function progressText(e: ScanProgressEvent): string {
  if (!e.walk) return e.message;
  // Discovery (globbing) counts folders only; sizing counts files and bytes.
  if (!e.walk.files && e.walk.dirs) return vscode.l10n.t('{0}: {1} folders', e.message, e.walk.dirs.toLocaleString('en-US'));
  return vscode.l10n.t('{0}: {1} files, {2}', e.message, e.walk.files.toLocaleString('en-US'), formatBytes(e.walk.bytes));
}
