// A badge's words in the UI language. In the model badges are fixed English tokens (context
// values, icons and tests match them); rows, tooltips and quick picks show these words instead.
import * as vscode from 'vscode';

const WORDS: Record<string, () => string> = {
  best: () => vscode.l10n.t('best'),
  last: () => vscode.l10n.t('last'),
  'would delete': () => vscode.l10n.t('would delete'),
  incomplete: () => vscode.l10n.t('incomplete'),
  'in progress': () => vscode.l10n.t('in progress'),
  'not synced': () => vscode.l10n.t('not synced'),
  'in use': () => vscode.l10n.t('in use'),
  'in use (running)': () => vscode.l10n.t('in use (running)'),
  dangling: () => vscode.l10n.t('dangling'),
  shared: () => vscode.l10n.t('shared'),
  active: () => vscode.l10n.t('active'),
  softlinked: () => vscode.l10n.t('softlinked'),
};

/** The words for a badge; one without words of its own (a conda env's "base" is a name) as it is. */
export function badgeWords(badge: string): string {
  return Object.hasOwn(WORDS, badge) ? WORDS[badge]() : badge;
}
