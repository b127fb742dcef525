// The chart panel (host side): `ML Disk Space: Show Chart` opens one panel on the scan model (a
// donut of the volume and a drill-down treemap); `showBreakdown` opens one on any item's tree (a
// Docker image's layers and folders). Clicks in the webview reveal items in the tree. Panels come
// back after a window reload through the serializer; the webview keeps its drill-down position in
// its own state.
import * as vscode from 'vscode';
import { findItem, type Item, type ScanModel } from '../../core/model';
import {
  CHART_VIEW_TYPE,
  isWebviewToHost,
  parseViewState,
  type ChartData,
  type HostToWebview,
  type WebviewToHost,
} from '../../shared/chartProtocol';
import { breakdownChartData, categoryNodeId, volumeChartData } from './chartData';
import { fillingVolumes, type VolumeThresholds } from '../../core/fillingVolume';
import { chartHtml, chartWebviewOptions } from './chartHtml';

export const SHOW_CHART_COMMAND = 'mlDiskSpace.showChart';
const VOLUME_KEY = 'volume';
const VOLUME_TITLE = (): string => vscode.l10n.t('Disk Usage Chart');

export interface ChartDeps {
  getModel(): ScanModel | undefined;
  onDidChangeModel: vscode.Event<ScanModel | undefined>;
  /** Shows and selects the row of this model id (item id or `category:<id>`) in the tree. */
  revealItem(id: string): Promise<unknown>;
  /** The free-space history for the trend line, when there is one. */
  getGrowth?(): ChartData['growth'];
  /** The status bar's thresholds: categories not on a disk past them are marked as on another disk. */
  getThresholds?(): VolumeThresholds;
}

export type RenderedAck = Extract<WebviewToHost, { type: 'rendered' }>;

/** What one panel went through; integration tests read it (test-mode command only). */
export interface ChartPanelRecord {
  key: string;
  mode: ChartData['mode'];
  title: string;
  visible: boolean;
  disposed: boolean;
  rendered: RenderedAck[];
  /** Each reveal the webview asked for, and whether the tree had that row. */
  reveals: { id: string; revealed: boolean }[];
  errors: string[];
}

let controller: ChartController | undefined;

export function registerChart(context: vscode.ExtensionContext, deps: ChartDeps): void {
  const ctl = new ChartController(context.extensionUri, deps);
  controller = ctl;
  context.subscriptions.push(
    ctl,
    { dispose: () => (controller = controller === ctl ? undefined : controller) },
    vscode.window.registerWebviewPanelSerializer(CHART_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => ctl.restore(panel, state),
    }),
  );
  if (context.extensionMode === vscode.ExtensionMode.Test) context.subscriptions.push(...registerTestCommands(ctl));
}

/** Opens (or brings forward) the chart of the last scan (the Show Chart command). */
export function showVolumeChart(): void {
  if (!controller) throw new Error('showVolumeChart called before registerChart');
  controller.showVolume();
}

/**
 * Opens (or brings forward) a chart of one item's tree, e.g. the folders and layers of a Docker
 * image. Ids of `rootItem`'s descendants that are rows of the tree are revealed there on click.
 */
export function showBreakdown(title: string, rootItem: Item): void {
  if (!controller) throw new Error('showBreakdown called before registerChart');
  controller.showBreakdown(title, rootItem);
}

class ChartController implements vscode.Disposable {
  private readonly panels = new Map<string, ChartPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: ChartDeps,
  ) {
    this.disposables.push(deps.onDidChangeModel(() => this.panels.get(VOLUME_KEY)?.sendContent()));
  }

  showVolume(): void {
    const open = this.panels.get(VOLUME_KEY);
    if (open) return open.panel.reveal();
    this.attach(this.createPanel(VOLUME_TITLE()), VOLUME_KEY, 'volume', () => this.volumeContent());
  }

  showBreakdown(title: string, rootItem: Item): void {
    const key = `breakdown:${rootItem.id}`;
    const data = breakdownChartData(title, rootItem, (id) => this.inModel(id));
    const open = this.panels.get(key);
    if (open) {
      open.setContent(() => ({ type: 'data', data }));
      return open.panel.reveal();
    }
    this.attach(this.createPanel(title), key, 'breakdown', () => ({ type: 'data', data }));
  }

  /** A panel VS Code restores after a reload, with the state its webview saved. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const saved = parseViewState(state);
    panel.webview.options = chartWebviewOptions(this.extensionUri);
    if (saved?.mode === 'breakdown' && saved.breakdown) {
      const data = saved.breakdown;
      this.attach(panel, `breakdown:${data.root.id}`, 'breakdown', () => ({ type: 'data', data }));
    } else {
      this.panels.get(VOLUME_KEY)?.panel.dispose(); // one volume chart at a time
      this.attach(panel, VOLUME_KEY, 'volume', () => this.volumeContent());
    }
  }

  records(): ChartPanelRecord[] {
    return [...this.panels.values()].map((p) => p.snapshot());
  }

  panel(key: string): ChartPanel | undefined {
    return this.panels.get(key);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private createPanel(title: string): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(CHART_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, chartWebviewOptions(this.extensionUri));
  }

  private attach(panel: vscode.WebviewPanel, key: string, mode: ChartData['mode'], content: () => HostToWebview): void {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    const chart = new ChartPanel(panel, key, mode, content, (id) => this.reveal(id));
    this.panels.set(key, chart);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === chart) this.panels.delete(key);
      chart.dispose();
    });
    panel.webview.html = chartHtml(panel.webview, this.extensionUri, panel.title);
  }

  private volumeContent(): HostToWebview {
    const model = this.deps.getModel();
    if (!model) return { type: 'empty', message: vscode.l10n.t('No scan yet. Scan to see what fills the disk.') };
    const growth = this.deps.getGrowth?.();
    const thresholds = this.deps.getThresholds?.();
    const data = volumeChartData(model, undefined, thresholds && fillingVolumes(model.volumes ?? [], thresholds));
    return { type: 'data', data: growth ? { ...data, growth } : data };
  }

  private inModel(id: string): boolean {
    const model = this.deps.getModel();
    if (!model) return false;
    return model.categories.some((c) => categoryNodeId(c.id) === id) || findItem(model, id) !== undefined;
  }

  private async reveal(id: string): Promise<boolean> {
    // The webview may show an older model (or an image breakdown): only ids the tree has now.
    if (!this.inModel(id)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('ML Disk Space: that item is not in the current scan. Scan again to see it in the tree.'));
      return false;
    }
    const result = await this.deps.revealItem(id);
    return result !== false;
  }
}

class ChartPanel implements vscode.Disposable {
  private readonly record: ChartPanelRecord;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly key: string,
    mode: ChartData['mode'],
    private content: () => HostToWebview,
    private readonly reveal: (id: string) => Promise<boolean>,
  ) {
    this.record = { key, mode, title: panel.title, visible: panel.visible, disposed: false, rendered: [], reveals: [], errors: [] };
    this.disposables.push(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
  }

  setContent(content: () => HostToWebview): void {
    this.content = content;
    this.sendContent();
  }

  /** Sends what the panel shows now; a hidden webview drops it and asks again ('ready') when shown. */
  sendContent(): void {
    void this.post(this.content());
  }

  post(message: HostToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  snapshot(): ChartPanelRecord {
    return { ...this.record, visible: this.panel.visible, rendered: [...this.record.rendered], reveals: [...this.record.reveals], errors: [...this.record.errors] };
  }

  dispose(): void {
    this.record.disposed = true;
    for (const d of this.disposables) d.dispose();
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isWebviewToHost(message)) {
      this.record.errors.push(`unknown message from the chart webview: ${safeJson(message)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        // The locale first: the webview draws the content in the display language.
        void this.post({ type: 'locale', language: vscode.env.language, bundle: vscode.l10n.bundle ?? {} });
        this.sendContent();
        break;
      case 'rendered':
        this.record.rendered.push(message);
        break;
      case 'reveal': {
        const revealed = await this.reveal(message.id);
        this.record.reveals.push({ id: message.id, revealed });
        break;
      }
      case 'scan':
        await vscode.commands.executeCommand('mlDiskSpace.scan');
        break;
      case 'error':
        this.record.errors.push(message.message);
        console.error(`[ML Disk Space chart] ${message.message}`);
        break;
    }
  }
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x).slice(0, 200);
  } catch {
    return String(x);
  }
}

/**
 * Test-only commands (registered in ExtensionMode.Test only, never contributed): the integration
 * tests run in the same extension host but load their own copy of this module, so they reach the
 * bundled one through commands.
 */
function registerTestCommands(ctl: ChartController): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mlDiskSpace.test.chartPanels', () => ctl.records()),
    vscode.commands.registerCommand('mlDiskSpace.test.chartPost', (key: string, message: HostToWebview) => ctl.panel(key)?.post(message) ?? false),
    vscode.commands.registerCommand('mlDiskSpace.test.showBreakdown', (title: string, rootItem: Item) => {
      ctl.showBreakdown(title, rootItem);
      return `breakdown:${rootItem.id}`;
    }),
  ];
}
