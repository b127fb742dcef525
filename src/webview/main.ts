// The chart webview: receives the chart data from the host, draws the donut (the scanned
// categories against each other, or the whole disk: the user's pick), the treemap and the list,
// keeps the drill-down position and the donut's view in the webview state (so they survive a
// reload), asks the host to reveal clicked items in the tree, and redraws when the color theme
// changes. Its texts come from the locale bundle the host sends first.
import { formatAge, formatBytes } from '../core/format';
import { bundleTranslator, setTranslator, t } from '../core/l10n';
import {
  isHostToWebview,
  parseViewState,
  type ChartData,
  type ChartNode,
  type ChartViewState,
  type DonutView,
  type WebviewToHost,
} from '../shared/chartProtocol';
import { Charts, type DonutSlice } from './charts';
import { toCss, type Rgba } from './colors';
import { escapeHtml, tooltipHtml } from './describe';
import { NodeList, type ListKey } from './list';
import { focusChain, hasChildren, indexNodes, isSynthetic, validFocusPath, type NodeIndex } from './nodes';
import { donutShares, percentText, VOLUME_SLICE_KINDS, type DonutShares } from './shares';
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
let donutView: DonutView = saved?.donutView ?? 'scanned';
let theme: Theme = readTheme();

const charts = new Charts($('donut'), $('treemap'), {
  onNodeClick: (id) => onNodeClick(id),
  tooltip: (id) => tooltipFor(id),
});
const list = new NodeList($<HTMLTableSectionElement>('rows'), $('list-caption'), $('list-size-head'), { onKey: (id, key) => onListKey(id, key) });

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
  const slice = shares()?.slices.find((s) => s.node.id === id);
  return slice && { node: slice.node, path: [] };
}

function setDonutView(view: DonutView): void {
  if (view === donutView) return;
  donutView = view;
  saveState();
  render();
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

/** The donut's numbers in the view the user picked (volume mode only: a breakdown has no donut). */
function shares(): DonutShares | undefined {
  return data?.mode === 'volume' ? donutShares(data, donutView) : undefined;
}

function donutSlices(d: DonutShares): DonutSlice[] {
  const volumeColor = (kind: string): Rgba => (kind === 'free' ? theme.free : kind === 'reserved' ? theme.reserved : theme.otherUsed);
  return d.slices.map((s, i) => ({ node: s.node, color: VOLUME_SLICE_KINDS.has(s.node.kind) ? volumeColor(s.node.kind) : topColor(s.node.id, i) }));
}

/** A share with what it is of, in the donut's view: "36% of scanned", "<0.1% of disk". */
function viewShareText(d: DonutShares, bytes: number): string {
  const pct = percentText(d.wholeBytes > 0 ? bytes / d.wholeBytes : 0);
  if (!pct) return '';
  return d.view === 'disk' ? t('{0} of disk', pct) : t('{0} of scanned', pct);
}

function tooltipFor(id: string): string {
  const entry = lookup(id);
  if (!entry) return '';
  const node = entry.node;
  const d = shares();
  const chain = index ? focusChain(index.root, entry.path.slice(0, -1)) : [];
  const parent = chain[chain.length - 1];
  const category = data?.mode === 'volume' ? index?.byId.get(entry.path[0])?.node.label : undefined;
  let shareText = '';
  if (d && (node.kind === 'category' || VOLUME_SLICE_KINDS.has(node.kind))) shareText = viewShareText(d, node.bytes);
  else if (parent && parent.bytes > 0) {
    const pct = percentText(node.bytes / parent.bytes);
    shareText = pct ? t('{0} of {1}', pct, parent.label) : '';
  }
  return tooltipHtml(node, { category, shareText, hint: clickHint(node) });
}

function clickHint(node: ChartNode): string | undefined {
  if (isSynthetic(node)) return undefined;
  if (node.kind === 'category') return t('Click to open');
  const opens = hasChildren(node);
  if (node.revealable) return opens ? t('Click shows it in the tree and opens it') : t('Click shows it in the tree');
  return opens ? t('Click opens it') : undefined;
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

  const d = shares();
  $('donut-figure').hidden = !d;
  if (d) renderDonut(d);
  renderTrend($('trend'), data.mode === 'volume' ? data.growth : undefined);
  renderCrumbs(chain);
  const colors = colorOf(focus);
  charts.renderTreemap(focus, colors, theme);
  const sizeHeading = focus === data.root && data.mode === 'volume' ? t('Size (% of scanned)') : t('Size (% of {0})', focus.label);
  list.render(focus, colors, sizeHeading, activeRow);

  document.body.dataset.focus = focus.id;
  document.body.dataset.renderedTheme = theme.kind;
  post({ type: 'rendered', mode: data.mode, categories: data.root.children?.length ?? 0, focusId: focus.id, theme: theme.kind, ...(d ? { donutView: d.view } : {}) });
}

/** The donut, its centre, caption, view buttons and legend, for the view in `d`. */
function renderDonut(d: DonutShares): void {
  if (!data) return;
  const slices = donutSlices(d);
  const v = data.volume;
  // The "Whole disk" view needs the volume's size; without it only the scanned view exists.
  $('donut-views').hidden = !v;
  for (const button of [$('view-scanned'), $('view-disk')]) button.setAttribute('aria-pressed', String(button.dataset.view === d.view));
  const figure = $('donut-figure');
  figure.dataset.view = d.view;
  figure.dataset.wholeBytes = String(d.wholeBytes);
  if (d.view === 'disk' && v) {
    $('donut-caption').textContent = t('Disk holding {0} · % of disk ({1})', v.path, formatBytes(v.totalBytes));
    $('donut-center').innerHTML = centerHtml(formatBytes(v.freeBytes), t('free of {0}', formatBytes(v.totalBytes)));
  } else {
    $('donut-caption').textContent = t('Scanned categories · % of scanned ({0})', formatBytes(d.wholeBytes));
    // One short word: the hole of a 300 px wide donut holds no more (the count is in the summary).
    $('donut-center').innerHTML = centerHtml(formatBytes(d.wholeBytes), t('scanned in total'));
  }
  const description = `${$('donut-caption').textContent}. ` + slices.map((s) => `${s.node.label} ${formatBytes(s.node.bytes)}`).join(', ') + '.';
  charts.renderDonut(slices, description, focusPath[0], theme);
  renderLegend(d, slices);
}

function centerHtml(big: string, small: string): string {
  return `<span class="big">${escapeHtml(big)}</span><span>${escapeHtml(small)}</span>`;
}

function summaryText(d: ChartData): string {
  const parts: string[] = [];
  if (d.volume) {
    parts.push(t('{0} total', formatBytes(d.volume.totalBytes)), t('{0} used', formatBytes(d.volume.usedBytes)), t('{0} free', formatBytes(d.volume.freeBytes)));
    if (d.volume.reservedBytes > 0) parts.push(t('{0} reserved', formatBytes(d.volume.reservedBytes)));
  }
  if (d.mode === 'volume') {
    const n = d.root.children?.length ?? 0;
    parts.push(n === 1 ? t('{0} in {1} category', formatBytes(d.root.bytes), n) : t('{0} in {1} categories', formatBytes(d.root.bytes), n));
  }
  if (d.scannedAt) parts.push(t('scanned {0}', formatAge(d.scannedAt)));
  return parts.join(' · ');
}

function renderCrumbs(chain: ChartNode[]): void {
  const nav = $('crumbs');
  const items = chain.map((node, i) => {
    const label = i === 0 ? (data?.mode === 'volume' ? t('All categories') : node.label) : node.label;
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
    back.textContent = t('Back');
    back.title = t('Back up one level (Backspace)');
    back.addEventListener('click', () => goUp(false));
    parts.unshift(back);
  }
  nav.replaceChildren(...parts);
}

function renderLegend(d: DonutShares, slices: DonutSlice[]): void {
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
    // The percentage's "of what" is the caption's (and the list's column header's): one per number.
    const pct = percentText(d.wholeBytes > 0 ? s.node.bytes / d.wholeBytes : 0);
    size.textContent = s.node.error ? t('not available') : pct ? `${formatBytes(s.node.bytes)} · ${pct}` : formatBytes(s.node.bytes);
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
  el.textContent = t('The chart could not be drawn: {0}', message);
  el.hidden = false;
  post({ type: 'error', message });
}

function saveState(): void {
  vscode.setState({ mode: data?.mode ?? 'volume', focusPath, breakdown: data?.mode === 'breakdown' ? data : undefined, donutView });
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
    case 'locale':
      setTranslator(bundleTranslator(message.bundle));
      document.documentElement.lang = message.language;
      if (data) render();
      break;
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
// Buttons: Tab reaches them, Enter and Space press them.
$('view-scanned').addEventListener('click', () => setDonutView('scanned'));
$('view-disk').addEventListener('click', () => setDonutView('disk'));

observeTheme(document, () => {
  theme = readTheme();
  render();
});

window.addEventListener('error', (e) => showError(e.error ?? e.message));

if (data) render(); // a restored breakdown draws from its saved state at once
post({ type: 'ready' });
