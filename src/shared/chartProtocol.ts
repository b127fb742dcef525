// The messages between the chart panel (extension host, src/host/webview) and the chart's browser
// code (src/webview). One file, imported by both sides, so a message that one side sends and the
// other does not understand is a type error. No `vscode` import and no DOM types here: the host
// side must not need the DOM, the browser side cannot have vscode.

/** The panel's webview type; also in package.json (`onWebviewPanel:` activation event). */
export const CHART_VIEW_TYPE = 'mlDiskSpace.chart';

/** One box of the chart: a category, an item, or a synthetic slice (other used, free, the rest). */
export interface ChartNode {
  /** The model item id (revealable in the tree), `category:<id>` for categories, `synthetic:<what>` otherwise. */
  id: string;
  label: string;
  /** What it is: 'category', the item's kind ('folder', 'hf-repo', 'docker-image', …), or 'other-used' / 'free' / 'rest'. */
  kind: string;
  /** The kind in words ("Hugging Face repo"), from the category registry; absent for synthetic kinds. */
  kindLabel?: string;
  path?: string;
  /** Disk usage (st_blocks x 512), counted once across the model. */
  bytes: number;
  /** Apparent size (st_size) of the same files. */
  apparentBytes: number;
  reclaimable: boolean;
  /** True when the tree has a row for this id (clicking it reveals the row). */
  revealable: boolean;
  description?: string;
  /** A category on another disk than the one filling: "on another disk — frees nothing on /data" (already translated). */
  otherDisk?: string;
  /** Why a category could not be scanned (e.g. Docker engine down). */
  error?: string;
  /** Categories: a colour slot fixed per category (its place in the registry), so a category keeps its colour when the ranking changes. */
  colorIndex?: number;
  /** Children kept for the chart, largest first; the smallest are folded into one `rest` node. */
  children?: ChartNode[];
}

export interface ChartVolume {
  path: string;
  totalBytes: number;
  /** What a user can still write (statfs f_bavail), as the status bar and `df`'s "Available" show it. */
  freeBytes: number;
  /** Free blocks only root may use, or that a quota withholds (f_bfree - f_bavail); 0 on most volumes but ext4's 5 %. */
  reservedBytes: number;
  /** totalBytes - f_bfree: what files take, as `df`'s "Used". */
  usedBytes: number;
  /** Used bytes the scan did not attribute to any category ("Other used"); 0 when the categories add up to more. */
  otherUsedBytes: number;
}

/** The free-space history of the volume (the status bar's), for the trend line under the donut. */
export interface ChartGrowth {
  /** [ms since epoch, free bytes], oldest first. */
  points: [number, number][];
  /** The volume the history is of. */
  path: string;
  /** Fitted rate (positive = filling) and time to full, when the trend is clear. */
  bytesPerHour?: number;
  fullInHours?: number;
  /** The fitted line, [ms, bytes] at its two ends. */
  trend?: { from: [number, number]; to: [number, number] };
}

export interface ChartData {
  /** 'volume': the scan model (donut of the volume + treemap of categories); 'breakdown': one item's tree (e.g. a Docker image). */
  mode: 'volume' | 'breakdown';
  title: string;
  /** Root of the treemap: children are the categories (volume) or the item's parts (breakdown). */
  root: ChartNode;
  /** Present in volume mode when the scan read the volume's size. */
  volume?: ChartVolume;
  /** ms since epoch, volume mode. */
  scannedAt?: number;
  /** Volume mode: how free space moved (absent until the status bar has a history). */
  growth?: ChartGrowth;
  /** One line shown under the title, e.g. which figure the sizes are. */
  note: string;
}

/** What the donut shows: the scanned categories against each other (default), or the whole disk. */
export type DonutView = 'scanned' | 'disk';

/** Host -> webview. */
export type HostToWebview =
  /**
   * Sent first on every `ready`: the webview cannot call vscode.l10n, so the host hands it the
   * extension's bundle for VS Code's display language (empty for English: the keys are the English).
   */
  | { type: 'locale'; language: string; bundle: Record<string, string> }
  | { type: 'data'; data: ChartData }
  /** No model yet (before the first scan): the webview explains and offers to scan. */
  | { type: 'empty'; message: string }
  /** Integration-test hook: the webview runs its own click handler on this node id, as a click would. */
  | { type: 'test:click'; id: string }
  /** Integration-test hook: the webview runs its keyboard handler as if `key` was pressed on the list row of `id`. */
  | { type: 'test:key'; id: string; key: 'Enter' | 'Backspace' };

/** Webview -> host. */
export type WebviewToHost =
  /** The script loaded and listens; the host answers with `data` or `empty`. */
  | { type: 'ready' }
  /** Drawn: how many categories (volume) or top-level parts (breakdown), and where the drill-down is. */
  | { type: 'rendered'; mode: ChartData['mode']; categories: number; focusId: string; theme: ThemeKind; donutView?: DonutView }
  /** The user clicked (or pressed Enter on) an item: show it in the tree. */
  | { type: 'reveal'; id: string }
  /** The user asked for a scan from the empty state. */
  | { type: 'scan' }
  /** Something failed in the webview (it also shows it); the host logs it. */
  | { type: 'error'; message: string };

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** What the webview keeps with getState/setState, and the serializer hands back after a reload. */
export interface ChartViewState {
  mode: ChartData['mode'];
  /** Ids from the root's child down to the node the treemap is zoomed into (empty: the root). */
  focusPath: string[];
  /** Breakdown panels keep their data: the host cannot rebuild an image analysis after a reload. */
  breakdown?: ChartData;
  /** The donut's view the user picked (absent: 'scanned'). */
  donutView?: DonutView;
}

/** Runtime check of a message from the other side (webview messages are untrusted input). */
export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (!m || typeof m !== 'object') return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
    case 'scan':
      return true;
    case 'reveal':
      return typeof msg.id === 'string';
    case 'error':
      return typeof msg.message === 'string';
    case 'rendered':
      return (msg.mode === 'volume' || msg.mode === 'breakdown') && typeof msg.categories === 'number' && typeof msg.focusId === 'string';
    default:
      return false;
  }
}

export function isHostToWebview(m: unknown): m is HostToWebview {
  if (!m || typeof m !== 'object') return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'data':
      return !!msg.data && typeof msg.data === 'object';
    case 'empty':
      return typeof msg.message === 'string';
    case 'locale':
      return typeof msg.language === 'string' && isStringRecord(msg.bundle);
    case 'test:click':
      return typeof msg.id === 'string';
    case 'test:key':
      return typeof msg.id === 'string' && (msg.key === 'Enter' || msg.key === 'Backspace');
    default:
      return false;
  }
}

/** Reads a state the webview saved (or a serializer handed back), dropping anything malformed. */
export function parseViewState(state: unknown): ChartViewState | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const s = state as Record<string, unknown>;
  if (s.mode !== 'volume' && s.mode !== 'breakdown') return undefined;
  const focusPath = Array.isArray(s.focusPath) ? s.focusPath.filter((x): x is string => typeof x === 'string') : [];
  const breakdown = s.breakdown && typeof s.breakdown === 'object' && (s.breakdown as ChartData).root ? (s.breakdown as ChartData) : undefined;
  const donutView = s.donutView === 'scanned' || s.donutView === 'disk' ? s.donutView : undefined;
  return { mode: s.mode, focusPath, breakdown, ...(donutView ? { donutView } : {}) };
}

function isStringRecord(x: unknown): x is Record<string, string> {
  return !!x && typeof x === 'object' && !Array.isArray(x) && Object.values(x).every((v) => typeof v === 'string');
}
