// Two images side by side, by kind: which parts grew or shrank (after a base-image or torch
// upgrade, say), the Python packages that changed most, and the waste of each.
import { formatBytes } from '../../format';
import { KIND_LABELS, KIND_ORDER, type CompositionKind } from './imageComposition';
import type { ImageAnatomy } from './imageAnatomy';
import { t } from '../../l10n';

export interface KindDelta {
  kind: CompositionKind | 'torch-cuda';
  label: string;
  a: number;
  b: number;
  /** b − a: positive when B is larger. */
  delta: number;
}

export interface PackageDelta {
  name: string;
  a: number;
  b: number;
  delta: number;
}

export interface ImageDiff {
  a: { image: string; id: string; bytes: number; filesBytes: number; wasteBytes: number };
  b: { image: string; id: string; bytes: number; filesBytes: number; wasteBytes: number };
  /** Every kind either image has, largest change first; libtorch_cuda as its own row after PyTorch's. */
  kinds: KindDelta[];
  /** Python packages whose size differs, largest change first. */
  packages: PackageDelta[];
}

const side = (x: ImageAnatomy) => ({ image: x.image, id: x.id, bytes: x.bytes, filesBytes: x.composition.total, wasteBytes: x.wasteBytes });
const byChange = <T extends { delta: number; a: number; b: number }>(x: T, y: T) => Math.abs(y.delta) - Math.abs(x.delta) || Math.max(y.a, y.b) - Math.max(x.a, x.b);

export function compareAnatomies(a: ImageAnatomy, b: ImageAnatomy): ImageDiff {
  const kinds: KindDelta[] = KIND_ORDER.map((kind) => ({ kind, label: KIND_LABELS[kind], a: a.composition.kinds[kind], b: b.composition.kinds[kind], delta: b.composition.kinds[kind] - a.composition.kinds[kind] }));
  kinds.push({ kind: 'torch-cuda', label: t('PyTorch: libtorch_cuda'), a: a.composition.torchCudaBytes, b: b.composition.torchCudaBytes, delta: b.composition.torchCudaBytes - a.composition.torchCudaBytes });
  const names = new Map<string, { a: number; b: number }>();
  for (const p of a.composition.packages) names.set(p.name, { a: p.bytes, b: 0 });
  for (const p of b.composition.packages) names.set(p.name, { a: names.get(p.name)?.a ?? 0, b: p.bytes });
  const packages = [...names].map(([name, s]) => ({ name, a: s.a, b: s.b, delta: s.b - s.a })).filter((p) => p.delta !== 0);
  return {
    a: side(a),
    b: side(b),
    kinds: kinds.filter((k) => k.a > 0 || k.b > 0).sort(byChange),
    packages: packages.sort(byChange),
  };
}

/** `+1.2 MB`, `−300 kB`, `0 B`. */
export function formatDelta(bytes: number): string {
  if (bytes === 0) return 'same';
  return (bytes > 0 ? '+' : '−') + formatBytes(Math.abs(bytes));
}

/** The comparison as plain text lines (CLI, editor). */
export function diffLines(d: ImageDiff, topPackages = 10): string[] {
  const rows: [string, string, string, string][] = [['', d.a.image, d.b.image, 'change']];
  for (const k of d.kinds) rows.push([k.label, formatBytes(k.a), formatBytes(k.b), formatDelta(k.delta)]);
  rows.push([t('Files in total'), formatBytes(d.a.filesBytes), formatBytes(d.b.filesBytes), formatDelta(d.b.filesBytes - d.a.filesBytes)]);
  rows.push([t('Waste found'), formatBytes(d.a.wasteBytes), formatBytes(d.b.wasteBytes), formatDelta(d.b.wasteBytes - d.a.wasteBytes)]);
  const lines = table(rows);
  if (d.packages.length) {
    lines.push('', t('Python packages that changed (largest change first{0}):', d.packages.length > topPackages ? t(', {0} of {1}', topPackages, d.packages.length) : ''));
    lines.push(...table(d.packages.slice(0, topPackages).map((p) => [p.name, formatBytes(p.a), formatBytes(p.b), formatDelta(p.delta)])).map((l) => '  ' + l));
  }
  return lines;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}
