// What the donut shows, as numbers: either the scanned categories against each other (each a share
// of the scanned total, the default: ML categories are slivers of a whole disk) or the whole disk
// (the categories, the used space no category explains, reserved and free, each a share of the
// disk). Pure: no DOM, unit-tested in Node.
import { t } from '../core/l10n';
import type { ChartData, ChartNode, DonutView } from '../shared/chartProtocol';

export type { DonutView };

export interface ShareSlice {
  node: ChartNode;
  /** Part of the view's whole, 0..1 (0 when the whole is empty). */
  share: number;
}

export interface DonutShares {
  /** The view drawn: 'disk' falls back to 'scanned' when the scan did not read the volume. */
  view: DonutView;
  /** What the shares are of: the scanned total, or the volume's size. */
  wholeBytes: number;
  slices: ShareSlice[];
}

/** The kinds of the disk view's own slices (not categories). */
export const VOLUME_SLICE_KINDS: ReadonlySet<string> = new Set(['other-used', 'reserved', 'free']);

export function donutShares(data: ChartData, wanted: DonutView): DonutShares {
  const categories = data.root.children ?? [];
  const v = data.volume;
  if (wanted === 'scanned' || !v) {
    const whole = categories.reduce((sum, c) => sum + c.bytes, 0);
    return { view: 'scanned', wholeBytes: whole, slices: categories.map((node) => ({ node, share: ratio(node.bytes, whole) })) };
  }
  const synthetic = (kind: 'other-used' | 'reserved' | 'free', label: string, bytes: number): ChartNode => ({
    id: `synthetic:${kind}`,
    label,
    kind,
    bytes,
    apparentBytes: bytes,
    reclaimable: false,
    revealable: false,
  });
  const nodes = [...categories, synthetic('other-used', t('Other used'), v.otherUsedBytes)];
  if (v.reservedBytes > 0) nodes.push(synthetic('reserved', t('Reserved'), v.reservedBytes));
  nodes.push(synthetic('free', t('Free'), v.freeBytes));
  return { view: 'disk', wholeBytes: v.totalBytes, slices: nodes.map((node) => ({ node, share: ratio(node.bytes, v.totalBytes) })) };
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** A share as the chart writes it: whole percent from 10 %, one decimal below, "<0.1%" for a sliver, "" for nothing. */
export function percentText(share: number): string {
  if (!(share > 0)) return '';
  const p = share * 100;
  // Thresholds where the rounded figure changes form: 9.97 % is "10%", not "10.0%".
  return p >= 9.95 ? `${Math.round(p)}%` : p >= 0.05 ? `${p.toFixed(1)}%` : '<0.1%';
}
