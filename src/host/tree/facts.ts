// An item's category-specific fields as tooltip lines a person reads: "Files: 1,204",
// "Blobs: 12.3 MB", "Last activity: 3 min ago" — never camelCase keys, raw milliseconds, `false`
// flags or internal ids (dev/ino, hashes the row already names). No vscode here (unit-tested).
import { formatAge, formatBytes } from '../../core/format';
import { t } from '../../core/l10n';

/** Fields that are internal: identities, the walker's own bookkeeping, machine-readable codes. */
const HIDDEN = new Set(['dev', 'ino', 'type', 'name', 'root', 'errorKind', 'code', 'payload', 'manifest', 'link', 'blob', 'omitted']);

/** Names said better than the split key. */
const NAMES: Record<string, () => string> = {
  cacheRoot: () => t('Cache folder'),
  cacheDir: () => t('Cache folder'),
  hubDir: () => t('Hub folder'),
  configuredBy: () => t('Set by'),
  reclaimableMeans: () => t('Reclaimable'),
  dockerSystemDf: () => t('docker system df shows'),
  usedBy: () => t('Used by'),
  hardLinkedFiles: () => t('Hard-linked files'),
  inUseBytes: () => t('In use'),
  sharedBytes: () => t('Shared'),
  reclaimableBytes: () => t('Reclaimable'),
  activityMs: () => t('Last activity'),
};

const MAX_FACTS = 10;

export function humanFacts(fields: Record<string, unknown> | undefined, now = Date.now()): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (HIDDEN.has(key) || value === false || value === null || value === undefined) continue;
    const text = valueText(key, value, now);
    if (text === undefined) continue;
    lines.push(value === true ? nameOf(key) : `${nameOf(key)}: ${text}`);
    if (lines.length === MAX_FACTS) break;
  }
  return lines;
}

/** "blobBytes" -> "Blob", "inProgress" -> "In progress", "step" -> "Step". */
export function nameOf(key: string): string {
  if (Object.prototype.hasOwnProperty.call(NAMES, key)) return NAMES[key]();
  const words = key
    .replace(/(Bytes|Ms|At)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words ? words[0].toUpperCase() + words.slice(1) : key;
}

function valueText(key: string, value: unknown, now: number): string | undefined {
  if (typeof value === 'boolean') return value ? '' : undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    if (/bytes$/i.test(key)) return formatBytes(value);
    // A time stamp (ms since epoch) reads as an age; a span in ms as seconds.
    if (/(Ms|At)$/.test(key) && value > 1e11) return formatAge(value, now);
    if (/Ms$/.test(key)) return t('{0} s', (value / 1000).toFixed(1));
    return Number.isInteger(value) ? value.toLocaleString('en-US') : String(Math.round(value * 100) / 100);
  }
  if (typeof value === 'string') {
    if (!value.length || value.length >= 200) return undefined;
    // A bare content hash says nothing to a person; the row's label names the thing.
    if (/^(sha256:)?[0-9a-f]{32,}$/i.test(value)) return undefined;
    return value;
  }
  return undefined;
}
