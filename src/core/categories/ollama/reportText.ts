// The Ollama part of the CLI's human report: tags named as `ollama list` names them, each with
// the id `ml-disk-space purge` takes (`ollama:<name>`), then the other rows.
import { formatBytes } from '../../format';
import type { Category } from '../../model';
import { OLLAMA_CATEGORY_ID } from './ids';

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** The id `purge` takes for a tag: `ollama:llama3.1:8b` (tags of a second models folder need their item id). */
export const ollamaTagShortId = (label: string) => `${OLLAMA_CATEGORY_ID}:${label}`;

export function ollamaReportLines(category: Category, top: number): string[] {
  const several = String(category.fields?.modelsDirs ?? '').includes('\n');
  return [...category.items].sort((a, b) => b.bytes - a.bytes).slice(0, top).map((item) => {
    const note = item.description ? `  ${item.description}` : '';
    const purge = item.kind === 'ollama-model' && !several ? `  purge ${ollamaTagShortId(item.label)}` : '';
    return `${pad(formatBytes(item.bytes), 20)}  ${item.label}${note}${purge}`;
  });
}
