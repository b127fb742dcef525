// Which checkpoint items a command acts on: the rows it was invoked on (multi-select; a run stands
// for its checkpoints, the category row for every run), item ids passed by a caller, or, from the
// palette, a quick pick over the last scan's checkpoints.
import { badgeWords } from '../../core/badgeWords';
import * as vscode from 'vscode';
import { CHECKPOINTS_CATEGORY_ID } from '../../core/categories/checkpoints';
import { formatBytes, formatCount } from '../../core/format';
import type { Item, ScanModel } from '../../core/model';
import { itemsOf } from '../caches/selection';
import type { HostServices } from '../services';
import { displayPick, displayText } from '../../core/displayText';

/** Item kinds of the checkpoints category that commands act on. */
export const RUN_KIND = 'run';
export const CHECKPOINT_KINDS = new Set(['checkpoint', 'checkpoint-link']);
export const WEIGHT_FILE_KIND = 'weight-file';
const LOOSE_GROUP_KIND = 'loose-weights';

export interface CheckpointSelection {
  /** Run, checkpoint and loose weight file ids (a selected "Loose weight files" row gives its files). */
  ids: string[];
  /** The Checkpoints category row itself was selected: every run. */
  allRuns: boolean;
}

export function selectedCheckpointIds(s: HostServices, clicked: unknown, selection: unknown): CheckpointSelection {
  const out: CheckpointSelection = { ids: [], allRuns: false };
  const add = (id: string) => {
    if (!out.ids.includes(id)) out.ids.push(id);
  };
  for (const node of s.tree.nodesFromArgs(clicked, selection)) {
    if (node.category.id !== CHECKPOINTS_CATEGORY_ID) continue;
    if (node.type === 'category') out.allRuns = true;
    if (node.type !== 'item') continue;
    const item = node.item;
    if (item.kind === RUN_KIND || CHECKPOINT_KINDS.has(item.kind) || item.kind === WEIGHT_FILE_KIND) add(item.id);
    else if (item.kind === LOOSE_GROUP_KIND) for (const child of item.children ?? []) add(child.id);
  }
  return out;
}

/** True when the options argument of a programmatic call is an object with these keys (not a tree node). */
export function isOptions<T extends object>(value: unknown, keys: (keyof T)[]): value is Partial<T> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && keys.some((k) => k in (value as object)) && !('treeId' in (value as object));
}

interface Pick extends vscode.QuickPickItem {
  id: string;
}

/** Palette: a multi-select quick pick of every checkpoint and loose weight file, largest first. */
export async function pickCheckpoints(s: HostServices, model: ScanModel, title: string): Promise<string[] | undefined> {
  const category = model.categories.find((c) => c.id === CHECKPOINTS_CATEGORY_ID);
  const found: { item: Item; parents: Item[] }[] = category
    ? [...itemsOf(category)].filter(({ item }) => item.kind === 'checkpoint' || item.kind === WEIGHT_FILE_KIND)
    : [];
  if (!found.length) {
    void s.prompts.notifier.info(vscode.l10n.t('{0}: the last scan found no checkpoints.', title));
    return undefined;
  }
  const picks: Pick[] = found
    .sort((a, b) => b.item.bytes - a.item.bytes)
    .map(({ item, parents }) => ({
      id: item.id,
      label: item.label,
      description: [formatBytes(item.bytes), ...(item.badges ?? []).map(badgeWords)].join(' · '),
      detail: parents[0]?.kind === RUN_KIND ? `${parents[0].label} · ${item.description ?? ''}` : item.path,
    }));
  s.log.info(`${title}: asking which of ${formatCount(picks.length, 'checkpoint')}`);
  const chosen = await vscode.window.showQuickPick(picks.map(displayPick), {
    title: displayText(title),
    placeHolder: vscode.l10n.t('Checkpoints to delete (largest first; type to filter by name or run)'),
    canPickMany: true,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return chosen?.length ? chosen.map((p) => p.id) : undefined;
}
