// The Ollama category: model tags with the blobs only they use, layers several tags share,
// blobs no manifest names and interrupted downloads (docs/OLLAMA.md).
import { t } from '../../l10n';
import type { CategoryDescriptor } from '../descriptor';
import { OLLAMA_CATEGORY_ID, OLLAMA_PRUNE_ID } from './ids';
import { planOllama } from './plans';
import { ollamaReportLines } from './reportText';
import { scanOllama } from './scanner';

export const ollamaCategory: CategoryDescriptor = {
  id: OLLAMA_CATEGORY_ID,
  get label() { return t('Ollama models'); },
  order: 47,
  icon: 'robot',
  cache: true,
  scan: (ctx) => scanOllama(ctx),
  planFor: planOllama,
  purgeIds: {
    get [OLLAMA_PRUNE_ID]() { return t('Ollama: delete blobs no model uses and interrupted downloads (ollama prune)'); },
  },
  kinds: {
    'ollama-model': { get label() { return t('Ollama model'); }, icon: 'tag' },
    'ollama-shared': { get label() { return t('Layers shared by several tags'); }, icon: 'link' },
    'ollama-shared-blob': { get label() { return t('Shared layer'); }, icon: 'file-binary' },
    'ollama-unreferenced': { get label() { return t('Blobs no model uses'); }, icon: 'trash' },
    'ollama-unreferenced-blob': { get label() { return t('Blob no model uses'); }, icon: 'trash' },
    'ollama-partial': { get label() { return t('Interrupted download'); }, icon: 'cloud-download' },
    'ollama-broken-manifest': { get label() { return t('Unreadable manifest'); }, icon: 'warning' },
    'ollama-other': { get label() { return t('Ollama (other)'); } },
  },
  reportLines: ollamaReportLines,
};
