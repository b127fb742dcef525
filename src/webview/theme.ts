// The chart's colors and fonts, read from the `--vscode-*` variables VS Code puts on the webview's
// <html>, never hard-coded; re-read when the color theme changes (VS Code then swaps the body's
// vscode-light / vscode-dark / vscode-high-contrast class and rewrites the variables).
import type { ThemeKind } from '../shared/chartProtocol';
import { flatten, mix, parseColor, readableOn, toCss, type Rgba } from './colors';

export interface Theme {
  kind: ThemeKind;
  background: Rgba;
  foreground: Rgba;
  muted: Rgba;
  /** Category/box fills, opaque, in order of use. */
  palette: Rgba[];
  otherUsed: Rgba;
  /** Free blocks the user cannot write (root-reserved, quota). */
  reserved: Rgba;
  free: Rgba;
  /** Lines around slices and boxes where the theme wants them (high contrast), else the background. */
  outline: Rgba;
  outlineWidth: number;
  focusBorder: Rgba;
  hover: { background: Rgba; foreground: Rgba; border: Rgba };
  fontFamily: string;
  fontSize: number;
}

/** Distinct hues first; the red and yellow that mean "error" and "warning" elsewhere come last. */
const PALETTE_VARS = [
  'charts-blue',
  'charts-green',
  'charts-purple',
  'charts-orange',
  'terminal-ansiCyan',
  'terminal-ansiMagenta',
  'terminal-ansiBrightBlue',
  'terminal-ansiBrightGreen',
  'charts-yellow',
  'charts-red',
];

export function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(doc: Document = document): Theme {
  const style = getComputedStyle(doc.documentElement);
  const raw = (name: string) => style.getPropertyValue(`--vscode-${name}`).trim();
  const kind = themeKind(doc.body);
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';

  const background = opaque(parseColor(raw('editor-background')) ?? parseColor(getComputedStyle(doc.body).backgroundColor));
  const foreground = flatten(parseColor(raw('editor-foreground')) ?? parseColor(raw('foreground')) ?? parseColor(getComputedStyle(doc.body).color) ?? invert(background), background);
  const read = (name: string) => {
    const c = parseColor(raw(name));
    return c && c.a > 0 ? flatten(c, background) : undefined;
  };
  // Box fills use each color's hue at full strength: some themes give a chart color as a faint
  // overlay (Dark/Light Modern: charts.orange at 33 % alpha), which reads as mud under a label.
  const palette = PALETTE_VARS.map((name) => parseColor(raw(name)))
    .filter((c): c is Rgba => !!c && c.a > 0)
    .map((c) => ({ ...c, a: 1 }));
  if (!palette.length) palette.push(foreground);
  const contrastBorder = read('contrastBorder');
  const hoverBackground = read('editorHoverWidget-background') ?? background;

  return {
    kind,
    background,
    foreground,
    muted: read('descriptionForeground') ?? mix(background, foreground, 0.7),
    palette,
    // Derived from the theme's own background and text, so they sit quietly in every theme.
    otherUsed: mix(background, foreground, 0.42),
    reserved: mix(background, foreground, 0.26),
    free: mix(background, foreground, 0.14),
    outline: highContrast ? (contrastBorder ?? foreground) : background,
    outlineWidth: highContrast ? 1 : 1.5,
    focusBorder: read('focusBorder') ?? foreground,
    hover: {
      background: hoverBackground,
      foreground: read('editorHoverWidget-foreground') ?? foreground,
      border: read('editorHoverWidget-border') ?? contrastBorder ?? mix(background, foreground, 0.3),
    },
    fontFamily: raw('font-family') || 'sans-serif',
    fontSize: parseFloat(raw('font-size')) || 13,
  };
}

/** Text color for a label drawn on `fill`: the theme's foreground or background, whichever reads better. */
export function labelColor(theme: Theme, fill: Rgba): string {
  return toCss(readableOn(fill, [theme.foreground, theme.background]));
}

/**
 * Calls `onChange` when the theme changes: VS Code swaps the body's theme class and rewrites the
 * variables in <html>'s style attribute (both observed; several mutations make one call per frame).
 */
export function observeTheme(doc: Document, onChange: () => void): () => void {
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(doc.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}

function opaque(c: Rgba | undefined): Rgba {
  if (!c) return { r: 0, g: 0, b: 0, a: 1 }; // no background readable at all: the canvas default
  return c.a >= 1 ? c : flatten(c, { r: 0, g: 0, b: 0, a: 1 });
}

function invert(c: Rgba): Rgba {
  return { r: 255 - c.r, g: 255 - c.g, b: 255 - c.b, a: 1 };
}
