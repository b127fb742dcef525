// Rows the tree and the CLI's text report leave out because they tell the user nothing: empty group
// rows ("Build cache 0 B") and the caches' own housekeeping files (CACHEDIR.TAG, pip's selfcheck/,
// lock files). Their bytes still count in the category's total; the CLI's JSON keeps every item. Workspace and
// checkpoint rows are the user's own files: shown, except a workspace subfolder left with nothing
// (its files are counted in another category, e.g. a run folder under Checkpoints, or it is empty):
// "run 0 B · 0 files" says nothing. No vscode here (unit-tested).
import type { Category, Item } from './model';

/** Housekeeping names inside the tools' caches (the tools recreate them; nothing to decide about). */
const NOISE_NAMES = new Set(['CACHEDIR.TAG', 'selfcheck', '.lock', '.locks', '.gitignore', 'version.txt']);
/** Categories whose rows are the user's own files: nothing there is hidden. */
const USER_CATEGORIES = new Set(['workspace', 'checkpoints']);

export function isShownRow(item: Item, category: Category): boolean {
  if (USER_CATEGORIES.has(category.id)) return !(category.id === 'workspace' && item.kind === 'folder' && item.bytes === 0 && !item.children?.length);
  const name = item.path ? item.path.slice(item.path.lastIndexOf('/') + 1) : item.label;
  if (NOISE_NAMES.has(name) || NOISE_NAMES.has(item.label)) return false;
  // An empty row with nothing below: a group with no records, a 0-byte leftover. A reclaimable
  // object of unknown size (a remote Docker volume reads 0) stays.
  const empty = item.bytes === 0 && !item.children?.length;
  return !(empty && (!item.reclaimable || isGroupKind(item.kind)));
}

function isGroupKind(kind: string): boolean {
  return kind === 'docker-images' || kind === 'docker-containers' || kind === 'docker-volumes' || kind === 'docker-build-cache';
}
