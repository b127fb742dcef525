// A badge's words in the UI language. In the model badges are fixed English tokens (the editor's
// context values and icons, and tests match them); descriptions, rows, tooltips, quick picks and the
// CLI's report show these words instead.
import { t } from './l10n';

const WORDS: Record<string, () => string> = {
  best: () => t('best'),
  last: () => t('last'),
  'would delete': () => t('would delete'),
  incomplete: () => t('incomplete'),
  'in progress': () => t('in progress'),
  'not synced': () => t('not synced'),
  'in use': () => t('in use'),
  'in use (running)': () => t('in use (running)'),
  dangling: () => t('dangling'),
  shared: () => t('shared'),
  active: () => t('active'),
  softlinked: () => t('softlinked'),
  unused: () => t('unused'),
  detached: () => t('detached'),
  'has detached': () => t('has detached'),
  corrupted: () => t('corrupted'),
};

/** The words for a badge; one without words of its own (a conda env's "base" is a name) as it is. */
export function badgeWords(badge: string): string {
  return Object.hasOwn(WORDS, badge) ? WORDS[badge]() : badge;
}
