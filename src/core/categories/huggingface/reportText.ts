// The Hugging Face part of the CLI's human report: repos named as `hf cache ls` names them
// (`model/org/name`), each revision with its refs and an id that can be typed back into
// `ml-disk-space purge`, and, where our size and huggingface_hub's differ, why.

import { formatBytes } from '../../format';
import type { Category, Item } from '../../model';
import { hfRevisionShortId } from './friendlyIds';
import { t } from '../../l10n';

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Why this repo's size is not the number `hf cache ls` shows for it (empty when they agree). */
export function sizeDifferences(repo: Item): string[] {
  const f = repo.fields ?? {};
  const why: string[] = [];
  const hf = num(f.hfSizeOnDisk);
  const ours = repo.bytes + (repo.sharedBytes ?? 0);
  if (f.corrupt) return [t('huggingface_hub skips this corrupted repo; we count its folder')];
  if (repo.sharedBytes) why.push(t('{0} shared with other repos is counted once, under the shared blob store', formatBytes(repo.sharedBytes)));
  if (num(f.incompleteBytes)) why.push(t('{0} of interrupted downloads (hf cache ls leaves them out)', formatBytes(num(f.incompleteBytes))));
  if (num(f.unreferencedBytes)) why.push(t('{0} of blobs no revision uses (hf cache ls leaves them out)', formatBytes(num(f.unreferencedBytes))));
  if (hf && ours !== hf) why.push(t('we count disk blocks like du, with the repo\'s folders, links and refs; hf cache ls adds up file sizes'));
  return why;
}

export function hfReportLines(category: Category, top: number): string[] {
  const lines: string[] = [];
  const items = [...category.items].sort((a, b) => b.bytes - a.bytes).slice(0, top);
  for (const item of items) {
    if (item.kind !== 'hf-repo') {
      lines.push(`${pad(formatBytes(item.bytes), 20)}  ${item.label}${item.description ? `  ${item.description}` : ''}`);
      continue;
    }
    const name = String(item.fields?.name ?? item.label);
    const hf = num(item.fields?.hfSizeOnDisk);
    const hfNote = hf && hf !== item.bytes ? t(' (hf cache ls: {0})', formatBytes(hf)) : '';
    lines.push(`${pad(formatBytes(item.bytes), 20)}  ${name}${hfNote}  ${item.description ?? ''}`.trimEnd());
    for (const why of sizeDifferences(item)) lines.push(`${' '.repeat(22)}  why: ${why}`);
    for (const rev of (item.children ?? []).filter((c) => c.kind === 'hf-revision')) {
      const refs = (rev.fields?.refs as string[] | undefined) ?? [];
      const commit = String(rev.fields?.commit ?? '');
      lines.push(`${pad(formatBytes(rev.bytes), 30)}  ${(refs.length ? refs.join(', ') : '(detached)').padEnd(14)} ${commit.slice(0, 8)}  purge ${hfRevisionShortId(name, commit)}`);
    }
  }
  return lines;
}
