// Composition root: creates the services, wires their events, registers commands and features.
// Everything disposable goes into context.subscriptions.
import * as os from 'os';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { ActivationTimings, MlDiskSpaceApi } from './api';
import { condaProtectedPaths } from '../core/categories/conda/plans';
import { setBackgroundThreadNice } from '../core/threadPriority';
import { CURRENT_APP_ROOT_VAR } from '../core/categories/vscode-server/roots';
import { CheckpointWatcher } from './checkpointWatcher';
import { registerCommands } from './commands';
import { onDidChangeConfig, readConfig } from './config';
import { REFRESH, registerRefreshTriggers } from './refreshTriggers';
import { installHostTranslation } from './l10n';
import type { HostConfig } from './configRead';
import { FEATURES } from './features';
import { Log } from './log';
import { Prompts } from './prompts';
import { Reclaimer } from './reclaim';
import { ScanService } from './scanService';
import { ScanStore, workspaceKeyOf } from './scanStore';
import type { HostServices } from './services';
import { FreeSpaceStatus } from './statusBar/freeSpaceStatus';
import { ItemsTree, VIEW_ID } from './tree/itemsTree';

/**
 * Niceness of the scan's threads below the extension host's: at 10 the kernel gives a runnable
 * host thread about nine times their share of a core, and on an idle core they run at full speed.
 */
const EDITOR_BACKGROUND_NICE = 10;

export async function activate(context: vscode.ExtensionContext): Promise<MlDiskSpaceApi> {
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const timings: ActivationTimings = { activateMs: 0, hostUptimeAtActivationMs: Math.round(process.uptime() * 1000) };
  const subs = context.subscriptions;
  subs.push(installHostTranslation());
  // Scans run in background threads that yield the CPU to this one: the editor stays responsive.
  setBackgroundThreadNice(EDITOR_BACKGROUND_NICE);

  const log = new Log();
  subs.push(log);
  let config: HostConfig = readConfig();
  const getConfig = () => config;
  const workspaceRoots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  // The server build this window runs on (vscode.env.appRoot) is never offered for deletion.
  const env: Record<string, string | undefined> = { ...process.env, [CURRENT_APP_ROOT_VAR]: vscode.env.appRoot };
  const homeDir = env.HOME || os.homedir();
  void vscode.commands.executeCommand('setContext', 'mlDiskSpace.hasModel', false);

  const store = new ScanStore(context.globalStorageUri.fsPath, () =>
    workspaceKeyOf(workspaceRoots(), vscode.workspace.workspaceFile?.scheme === 'file' ? vscode.workspace.workspaceFile.fsPath : undefined),
  );
  let viewVisible = () => false; // until the tree exists
  const scans = new ScanService({
    store, log, env, viewId: VIEW_ID,
    config: getConfig,
    roots: workspaceRoots,
    isViewVisible: () => viewVisible(),
  });
  subs.push(scans);
  const tree = new ItemsTree(scans, getConfig);
  subs.push(tree);
  viewVisible = () => tree.view.visible;
  const prompts = new Prompts();
  const status = new FreeSpaceStatus({
    context, prompts, log,
    config: getConfig,
    volumePath: () => workspaceRoots()[0] ?? homeDir,
    model: () => scans.model,
    watchedPaths: () => [homeDir],
    showWhatUsesSpace: () => void vscode.commands.executeCommand('mlDiskSpace.showWhatUsesSpace'),
  });
  subs.push(status);
  const reclaimer = new Reclaimer({
    prompts, log, scans,
    config: getConfig,
    // The executor also refuses anything holding base or the active conda env (the conda plans refuse them first).
    protectedPaths: () => [...workspaceRoots(), ...getConfig().scan.extraRoots, homeDir, ...(scans.model ? condaProtectedPaths(scans.model, env) : [])],
  });
  const watcher = new CheckpointWatcher({ scans, log, config: getConfig, roots: workspaceRoots });
  subs.push(watcher);

  const services: HostServices = { context, log, config: getConfig, scans, tree, reclaimer, prompts, status, workspaceRoots, env };
  subs.push(...registerCommands(services));
  for (const feature of FEATURES) {
    const result = feature(services);
    if (Array.isArray(result)) subs.push(...result);
    else if (result) subs.push(result);
  }

  // When things refresh.
  let restoreMark: { start: number; restoredMs?: number; populatedMs?: number } | undefined;
  if (tree.view.visible) timings.viewVisibleMs = 0;
  tree.onDidPopulate((state) => {
    if (timings.populatedMs === undefined) {
      timings.populatedMs = since();
      timings.populatedSource = state.source;
      const afterView = timings.viewVisibleMs !== undefined ? `, ${timings.populatedMs - timings.viewVisibleMs} ms after the view was shown` : '';
      log.info(`Tree populated ${timings.populatedMs} ms after activation${afterView} (${state.source === 'persisted' ? "the last session's scan" : 'a scan of this session'})`);
    }
    if (restoreMark && state.source === 'persisted' && restoreMark.populatedMs === undefined) restoreMark.populatedMs = Math.round(performance.now() - restoreMark.start);
  });
  subs.push(
    tree.view.onDidChangeVisibility((e) => {
      if (e.visible && timings.viewVisibleMs === undefined) timings.viewVisibleMs = since();
    }),
    scans.onDidChangeModel((state) => {
      if (state?.source === 'scan' && timings.firstScanMs === undefined) timings.firstScanMs = since();
      void status.refresh();
    }),
    onDidChangeConfig((change) => {
      config = change.config;
      if (change.affects('sortBy')) tree.rebuild();
      if (change.affects('statusBar.refreshSeconds')) status.restartTimer();
      if (change.affects('warnAtPercentUsed') || change.affects('criticalAtPercentUsed')) {
        void status.refresh();
        tree.rebuild(); // the tree leads with what is on a volume past these thresholds
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void status.refresh()),
    ...registerRefreshTriggers({ scans, watcher, view: tree.view, onDidChangeConfig }),
  );

  const restore = async (): Promise<void> => {
    const state = await scans.restore();
    if (state?.source === 'persisted' && restoreMark) restoreMark.restoredMs = Math.round(performance.now() - restoreMark.start);
    void vscode.commands.executeCommand('setContext', 'mlDiskSpace.ready', true);
    if (tree.view.visible) scans.onViewVisible();
  };
  void status.refresh();
  void restore().then(() => {
    if (scans.state?.source === 'persisted') {
      timings.restoredMs = since();
      log.info(`Last session's scan restored ${timings.restoredMs} ms after activation`);
    }
  });

  timings.activateMs = since();
  log.info(`Activated in ${timings.activateMs} ms (extension host up for ${timings.hostUptimeAtActivationMs} ms); roots: ${workspaceRoots().join(', ') || 'none'}`);

  const api: MlDiskSpaceApi = {
    getModel: () => scans.model,
    getModelSource: () => scans.state?.source,
    onDidChangeModel: (listener, thisArgs, disposables) => scans.onDidChangeModel((s) => listener.call(thisArgs, s?.model), undefined, disposables),
    scanNow: () => scans.scan({ reason: REFRESH.apiScanNow }),
    isScanning: () => scans.scanning,
    revealItem: (id) => tree.revealItem(id),
    treeRows: (parent) => tree.rendered(parent),
    loadTreeRows: (parent) => tree.renderedRows(parent),
    getStatus: () => status.state,
    refreshStatus: () => status.refresh(),
    thresholdNotifications: () => status.notifications,
    setForecastWarning: (text) => status.setForecastWarning(text),
    setPrompts: (p) => prompts.set(p),
    async restoreFromStorage() {
      restoreMark = { start: performance.now() };
      scans.forget();
      await restore();
      return scans.state?.source;
    },
    timings: () => ({ ...timings, lastRestore: restoreMark && { restoredMs: restoreMark.restoredMs, populatedMs: restoreMark.populatedMs } }),
    logLines: () => log.lines(),
  };
  return api;
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
