// The CLI text report's lines under "VS Code Server": each install folder, then its rows
// (builds, old extension versions, ...) with what can go.
import { formatBytes } from '../../format';
import { t } from '../../l10n';
import type { Category } from '../../model';

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function reportLines(category: Category, top: number): string[] {
  const lines: string[] = [];
  for (const install of category.items) {
    const reclaimable = Number(install.fields?.reclaimableBytes ?? 0);
    const extra = reclaimable ? `  ${t('({0} reclaimable)', formatBytes(reclaimable))}` : '';
    lines.push(`${pad(formatBytes(install.bytes), 20)}  ${install.label}${extra}`);
    for (const row of (install.children ?? []).slice(0, top)) {
      const note = row.description ? `  ${row.description}` : '';
      lines.push(`${pad(formatBytes(row.bytes), 31)}  ${row.label}${note}`);
    }
  }
  return lines;
}
