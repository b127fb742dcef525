// The chart webview: receives the chart data from the host, draws the donut, the treemap and the
// list, keeps the drill-down position in the webview state (so it survives a reload), asks the host
// to reveal clicked items in the tree, and redraws when the color theme changes.
import { formatAge, formatBytes } from '../core/format';
import {
  isHostToWebview,
  parseViewState,
  type ChartData,
  type ChartNode,
  type ChartViewState,
  type WebviewToHost,
} from '../shared/chartProtocol';
import { Charts, type DonutSlice } from './charts';
import { toCss, type Rgba } from './colors';
import { escapeHtml, share, tooltipHtml } from './describe';
import { NodeList, type ListKey } from './list';
import { focusChain, hasChildren, indexNodes, isSynthetic, validFocusPath, type NodeIndex } from './nodes';
import { observeTheme, readTheme, type Theme } from './theme';
import { renderTrend } from './trend';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: ChartViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const saved = parseViewState(vscode.getState());
let data: ChartData | undefined = saved?.breakdown;
let index: NodeIndex | undefined = data && indexNodes(data.root);
let focusPath: string[] = saved?.focusPath ?? [];
let theme: Theme = readTheme();

const charts = new Charts($('donut'), $('treemap'), {
  onNodeClick: (id) => onNodeClick(id),
  tooltip: (id) => tooltipFor(id),
});
const list = new NodeList($<HTMLTableSectionElement>('rows'), $('list-caption'), { onKey: (id, key) => onListKey(id, key) });

// ---------------------------------------------------------------------------------------------
// What clicks and keys do
// ---------------------------------------------------------------------------------------------

/** A click on a box or slice (and the test hook's simulated click). */
function onNodeClick(id: string): void {
  const entry = lookup(id);
  if (!entry || isSynthetic(entry.node)) return;
  // Items are shown in the tree; categories only zoom (their row is always at the tree's top).
  if (entry.node.kind !== 'category' && entry.node.revealable) post({ type: 'reveal', id });
  if (hasChildren(entry.node)) setFocus(entry.path, false);
}

function onListKey(id: string, key: ListKey): void {
  if (key === 'Backspace') return goUp(true);
  const entry = lookup(id);
  if (!entry) return;
  const revealable = entry.node.revealable && !isSynthetic(entry.node);
  if (key === 'Enter' && hasChildren(entry.node)) return setFocus(entry.path, true);
  if (revealable) post({ type: 'reveal', id });
}

function goUp(fromKeyboard: boolean): void {
  if (!focusPath.length) return;
  const cameFrom = focusPath[focusPath.length - 1];
  setFocus(focusPath.slice(0, -1), fromKeyboard, cameFrom);
}

function setFocus(path: string[], fromKeyboard: boolean, activeRow?: string): void {
  focusPath = path;
  saveState();
  render(activeRow);
  if (fromKeyboard) list.focus(activeRow);
}

function lookup(id: string): { node: ChartNode; path: string[] } | undefined {
  if (!index) return undefined;
  const hit = index.byId.get(id);
  if (hit) return hit;
  const slice = volumeSlices().find((s) => s.node.id === id);
  return slice && { node: slice.node, path: [] };
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

/** Top-level parts keep one color each, in the donut, the treemap, the legend and the list. */
function topColor(id: string, fallbackIndex: number): Rgba {
  const top = data?.root.children ?? [];
  const node = top.find((c) => c.id === id);
  // The category's own slot (fixed in the registry), not its rank: colours stay when sizes change.
  const n = node?.colorIndex ?? fallbackIndex;
  return theme.palette[n % theme.palette.length];
}

function colorOf(focus: ChartNode): (child: ChartNode, i: number) => Rgba {
  if (focus === data?.root) return (child, i) => (isSynthetic(child) ? theme.otherUsed : topColor(child.id, i));
  // Inside a part: its children cycle through the palette, starting after the part's own color.
  const start = data?.root.children?.find((c) => c.id === focusPath[0])?.colorIndex ?? 0;
  return (child, i) => (isSynthetic(child) ? theme.otherUsed : theme.palette[(start + 1 + i) % theme.palette.length]);
}

function volumeSlices(): DonutSlice[] {
  if (!data?.volume) return [];
  const v = data.volume;
  const categories = (data.root.children ?? []).map((c, i) => ({ node: c, color: topColor(c.id, i) }));
  const synthetic = (kind: 'other-used' | 'reserved' | 'free', label: string, bytes: number, color: Rgba): DonutSlice => ({
    node: { id: `synthetic:${kind}`, label, kind, bytes, apparentBytes: bytes, reclaimable: false, revealable: false },
    color,
  });
  const slices = [...categories, synthetic('other-used', 'Other used', v.otherUsedBytes, theme.otherUsed)];
  if (v.reservedBytes > 0) slices.push(synthetic('reserved', 'Reserved', v.reservedBytes, theme.reserved));
  slices.push(synthetic('free', 'Free', v.freeBytes, theme.free));
  return slices;
}

const VOLUME_KINDS = new Set(['other-used', 'reserved', 'free']);

function tooltipFor(id: string): string {
  const entry = lookup(id);
  if (!entry) return '';
  const node = entry.node;
  const inVolume = data?.volume && (node.kind === 'category' || VOLUME_KINDS.has(node.kind));
  const chain = index ? focusChain(index.root, entry.path.slice(0, -1)) : [];
  const parent = chain[chain.length - 1];
  const category = data?.mode === 'volume' ? index?.byId.get(entry.path[0])?.node.label : undefined;
  const hint = isSynthetic(node) ? undefined : node.kind === 'category' ? 'Click to open' : [node.revealable ? 'click shows it in the tree' : '', hasChildren(node) ? 'opens it' : ''].filter(Boolean).join(' and ');
  return tooltipHtml(node, {
    category,
    whole: inVolume ? data!.volume!.totalBytes : parent?.bytes,
    wholeLabel: inVolume ? 'the volume' : parent && parent !== index?.root ? parent.label : data?.mode === 'volume' ? 'everything scanned' : parent?.label,
    hint: hint ? hint.charAt(0).toUpperCase() + hint.slice(1) : undefined,
  });
}

function render(activeRow?: string): void {
  try {
    draw(activeRow);
  } catch (err) {
    showError(err);
  }
}

function draw(activeRow?: string): void {
  $('app').setAttribute('aria-busy', 'false');
  $('empty').hidden = true;
  if (!data || !index) return;
  const chain = focusChain(data.root, focusPath);
  const focus = chain[chain.length - 1];
  document.body.dataset.mode = data.mode;

  $('title').textContent = data.title;
  $('summary').textContent = summaryText(data);
  $('note').textContent = data.note;
  $('charts').hidden = false;
  $('list-section').hidden = false;

  const donutFigure = $('donut-figure');
  donutFigure.hidden = !data.volume;
  if (data.volume) {
    const slices = volumeSlices();
    $('donut-caption').textContent = `Volume holding ${data.volume.path}`;
    charts.renderDonut(data.volume, slices, focusPath[0], theme);
    $('donut-center').innerHTML = `<span class="big">${escapeHtml(formatBytes(data.volume.freeBytes))}</span><span>free of ${escapeHtml(formatBytes(data.volume.totalBytes))}</span>`;
    renderLegend(slices, data.volume.totalBytes);
  }
  renderTrend($('trend'), data.mode === 'volume' ? data.growth : undefined);
  renderCrumbs(chain);
  const colors = colorOf(focus);
  charts.renderTreemap(focus, colors, theme);
  list.render(focus, colors, activeRow);

  document.body.dataset.focus = focus.id;
  document.body.dataset.renderedTheme = theme.kind;
  post({ type: 'rendered', mode: data.mode, categories: data.root.children?.length ?? 0, focusId: focus.id, theme: theme.kind });
}

function summaryText(d: ChartData): string {
  const parts: string[] = [];
  if (d.volume) {
    parts.push(`${formatBytes(d.volume.totalBytes)} total`, `${formatBytes(d.volume.usedBytes)} used`, `${formatBytes(d.volume.freeBytes)} free`);
    if (d.volume.reservedBytes > 0) parts.push(`${formatBytes(d.volume.reservedBytes)} reserved`);
  }
  if (d.mode === 'volume') parts.push(`${formatBytes(d.root.bytes)} in ${d.root.children?.length ?? 0} categories`);
  if (d.scannedAt) parts.push(`scanned ${formatAge(d.scannedAt)}`);
  return parts.join(' · ');
}

function renderCrumbs(chain: ChartNode[]): void {
  const nav = $('crumbs');
  const items = chain.map((node, i) => {
    const label = i === 0 ? (data?.mode === 'volume' ? 'All categories' : node.label) : node.label;
    if (i === chain.length - 1) {
      const here = document.createElement('span');
      here.className = 'crumb current';
      here.setAttribute('aria-current', 'location');
      here.textContent = label;
      return here;
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'crumb';
    button.textContent = label;
    button.addEventListener('click', () => setFocus(focusPath.slice(0, i), false));
    return button;
  });
  const parts: Node[] = [];
  items.forEach((el, i) => {
    if (i) {
      const sep = document.createElement('span');
      sep.className = 'sep';
      sep.setAttribute('aria-hidden', 'true');
      sep.textContent = '›';
      parts.push(sep);
    }
    parts.push(el);
  });
  if (chain.length > 1) {
    const back = document.createElement('button');
    back.type = 'button';
    back.className = 'back';
    back.textContent = 'Back';
    back.title = 'Back up one level (Backspace)';
    back.addEventListener('click', () => goUp(false));
    parts.unshift(back);
  }
  nav.replaceChildren(...parts);
}

function renderLegend(slices: DonutSlice[], total: number): void {
  const items = slices.map((s) => {
    const li = document.createElement('li');
    const opens = s.node.kind === 'category' && hasChildren(s.node);
    const el = document.createElement(opens ? 'button' : 'span');
    el.className = 'legend-entry';
    if (opens) {
      (el as HTMLButtonElement).type = 'button';
      el.addEventListener('click', () => setFocus([s.node.id], false));
    }
    if (focusPath[0] === s.node.id) el.classList.add('selected');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.backgroundColor = toCss(s.color);
    swatch.setAttribute('aria-hidden', 'true');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = s.node.label;
    const size = document.createElement('span');
    size.className = 'size';
    size.textContent = s.node.error ? 'not available' : `${formatBytes(s.node.bytes)} · ${share(s.node.bytes, total)}`;
    el.append(swatch, name, size);
    li.append(el);
    return li;
  });
  $('legend').replaceChildren(...items);
}

function showEmpty(message: string): void {
  data = undefined;
  index = undefined;
  $('app').setAttribute('aria-busy', 'false');
  $('empty-message').textContent = message;
  $('empty').hidden = false;
  $('charts').hidden = true;
  $('list-section').hidden = true;
  $('summary').textContent = '';
  $('note').textContent = '';
  document.body.dataset.focus = '';
}

function showError(err: unknown): void {
  const message = err instanceof Error ? `${err.message}` : String(err);
  const el = $('error');
  el.textContent = `The chart could not be drawn: ${message}`;
  el.hidden = false;
  post({ type: 'error', message });
}

function saveState(): void {
  vscode.setState({ mode: data?.mode ?? 'volume', focusPath, breakdown: data?.mode === 'breakdown' ? data : undefined });
}

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

window.addEventListener('message', (event: MessageEvent) => {
  const message: unknown = event.data;
  if (!isHostToWebview(message)) return;
  switch (message.type) {
    case 'data':
      data = message.data;
      index = indexNodes(data.root);
      focusPath = validFocusPath(data.root, focusPath);
      saveState();
      render();
      break;
    case 'empty':
      showEmpty(message.message);
      break;
    case 'test:click':
      onNodeClick(message.id);
      break;
    case 'test:key':
      onListKey(message.id, message.key);
      break;
  }
});

document.addEventListener('keydown', (e) => {
  // Backspace anywhere in the panel (the list handles its own rows) goes back up one level.
  if (e.key === 'Backspace' && !e.defaultPrevented && !(e.target instanceof HTMLInputElement)) {
    e.preventDefault();
    goUp(true);
  }
});

$('scan').addEventListener('click', () => post({ type: 'scan' }));

observeTheme(document, () => {
  theme = readTheme();
  render();
});

window.addEventListener('error', (e) => showError(e.error ?? e.message));

if (data) render(); // a restored breakdown draws from its saved state at once
post({ type: 'ready' });
