// The Ollama category: model tags with the blobs only they use, layers several tags share,
// blobs no manifest names and interrupted downloads (docs/OLLAMA.md).
import type { CategoryDescriptor } from '../descriptor';
import { OLLAMA_CATEGORY_ID, OLLAMA_CATEGORY_LABEL, OLLAMA_PRUNE_ID } from './ids';
import { planOllama } from './plans';
import { ollamaReportLines } from './reportText';
import { scanOllama } from './scanner';

export const ollamaCategory: CategoryDescriptor = {
  id: OLLAMA_CATEGORY_ID,
  label: OLLAMA_CATEGORY_LABEL,
  order: 47,
  icon: 'robot',
  cache: true,
  scan: (ctx) => scanOllama(ctx),
  planFor: planOllama,
  purgeIds: {
    [OLLAMA_PRUNE_ID]: 'Ollama: delete blobs no model uses and interrupted downloads (ollama prune)',
  },
  kinds: {
    'ollama-model': { label: 'Ollama model', icon: 'tag' },
    'ollama-shared': { label: 'Layers shared by several tags', icon: 'link' },
    'ollama-shared-blob': { label: 'Shared layer', icon: 'file-binary' },
    'ollama-unreferenced': { label: 'Blobs no model uses', icon: 'trash' },
    'ollama-unreferenced-blob': { label: 'Blob no model uses', icon: 'trash' },
    'ollama-partial': { label: 'Interrupted download', icon: 'cloud-download' },
    'ollama-broken-manifest': { label: 'Unreadable manifest', icon: 'warning' },
    'ollama-other': { label: 'Ollama (other)' },
  },
  reportLines: ollamaReportLines,
};
