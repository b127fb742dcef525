// The keyboard and screen-reader way to the same data: a table of the drilled-into node's children.
// One row is in the tab order at a time (roving tabindex); arrows move, Enter opens a row (or
// shows it in the tree when it has nothing inside), Space shows it in the tree, Backspace goes up.
import { formatBytes } from '../core/format';
import type { ChartNode } from '../shared/chartProtocol';
import { toCss, type Rgba } from './colors';
import { t } from '../core/l10n';
import { detailLine } from './describe';
import { percentText } from './shares';

export type ListKey = 'Enter' | 'Space' | 'Backspace';

export interface ListHandlers {
  onKey(id: string, key: ListKey): void;
}

export class NodeList {
  private activeId?: string;

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly caption: HTMLElement,
    /** The size column's header: it says what the percentages are of. */
    private readonly sizeHead: HTMLElement,
    private readonly handlers: ListHandlers,
  ) {
    body.addEventListener('keydown', (e) => this.onKeyDown(e));
    body.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest('tr');
      if (row?.dataset.id) this.activate(row.dataset.id, false);
    });
    body.addEventListener('dblclick', (e) => {
      const row = (e.target as HTMLElement).closest('tr');
      if (row?.dataset.id) handlers.onKey(row.dataset.id, 'Enter');
    });
  }

  /** `sizeHeading` says what the rows' percentages are of ("Size (% of scanned)"). */
  render(focus: ChartNode, colorOf: (child: ChartNode, index: number) => Rgba, sizeHeading: string, keepActive?: string): void {
    const children = focus.children ?? [];
    this.caption.textContent = !children.length
      ? t('{0}: nothing inside to show', focus.label)
      : children.length === 1
        ? t('{0}: {1} in {2} part', focus.label, formatBytes(focus.bytes), children.length)
        : t('{0}: {1} in {2} parts', focus.label, formatBytes(focus.bytes), children.length);
    this.sizeHead.textContent = sizeHeading;
    const rows = children.map((child, i) => this.row(child, focus.bytes, colorOf(child, i)));
    this.body.replaceChildren(...rows);
    const wanted = keepActive ?? this.activeId;
    this.activate(rows.some((r) => r.dataset.id === wanted) ? wanted! : rows[0]?.dataset.id, false);
  }

  /** Moves keyboard focus into the list (after a drill made from the keyboard). */
  focus(id?: string): void {
    if (id) this.activate(id, false);
    this.rowOf(this.activeId)?.focus();
  }

  private row(node: ChartNode, whole: number, color: Rgba): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.id = node.id;
    tr.tabIndex = -1;
    const opens = !!node.children?.length;
    const reveals = node.revealable && !node.id.startsWith('synthetic:');
    if (opens) tr.setAttribute('aria-expanded', 'false'); // "collapsed": Enter opens it
    tr.classList.toggle('opens', opens);
    tr.classList.toggle('reveals', reveals);

    const name = document.createElement('th');
    name.scope = 'row';
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.backgroundColor = toCss(color); // CSSOM: allowed by the CSP, unlike style="" markup
    swatch.setAttribute('aria-hidden', 'true');
    const label = document.createElement('span');
    label.className = 'name';
    label.textContent = node.label;
    const details = document.createElement('span');
    details.className = 'details';
    const actions = [opens ? t('Enter opens') : reveals ? t('Enter shows in tree') : '', opens && reveals ? t('Space shows in tree') : ''].filter(Boolean).join(', ');
    details.textContent = detailLine(node);
    name.append(swatch, label, details);
    if (actions) {
      const hint = document.createElement('span');
      hint.className = 'visually-hidden';
      hint.textContent = `. ${actions}`;
      name.append(hint);
    }

    const size = document.createElement('td');
    size.className = 'num';
    const bytes = document.createElement('span');
    bytes.className = 'bytes';
    bytes.textContent = node.error ? '—' : formatBytes(node.bytes);
    const pct = document.createElement('span');
    pct.className = 'share';
    pct.textContent = node.error || whole <= 0 ? '' : percentText(node.bytes / whole);
    size.append(bytes, pct);
    tr.append(name, size);
    return tr;
  }

  private rows(): HTMLTableRowElement[] {
    return Array.from(this.body.rows);
  }

  private rowOf(id: string | undefined): HTMLTableRowElement | undefined {
    return id === undefined ? undefined : this.rows().find((r) => r.dataset.id === id);
  }

  private activate(id: string | undefined, focus: boolean): void {
    this.activeId = id;
    for (const r of this.rows()) {
      const active = r.dataset.id === id;
      r.tabIndex = active ? 0 : -1;
      r.classList.toggle('active', active);
    }
    if (focus) this.rowOf(id)?.focus();
  }

  private onKeyDown(e: KeyboardEvent): void {
    const rows = this.rows();
    const row = (e.target as HTMLElement).closest('tr');
    const i = row ? rows.indexOf(row) : -1;
    const move = (to: number) => {
      e.preventDefault();
      const target = rows[Math.max(0, Math.min(rows.length - 1, to))];
      if (target) this.activate(target.dataset.id, true);
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(i + 1);
      case 'ArrowUp':
        return move(i - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(rows.length - 1);
      case 'PageDown':
        return move(i + 10);
      case 'PageUp':
        return move(i - 10);
      case 'Enter':
      case ' ':
      case 'Backspace':
        if (!row?.dataset.id) return;
        e.preventDefault();
        this.handlers.onKey(row.dataset.id, e.key === ' ' ? 'Space' : (e.key as ListKey));
        return;
    }
  }
}
