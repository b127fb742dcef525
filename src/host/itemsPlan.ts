// The generic "Delete" of selected tree items (workspace folders and files, any walked item):
// a DeletionPlan made only from what the scan saw (path, root, device, inode, type, bytes). No
// `vscode` import; unit-tested.
import * as path from 'path';
import { formatCount } from '../core/format';
import type { Item, ScanModel } from '../core/model';
import { planBytes, type DeletionPlan, type DeletionTarget, type TargetType } from '../core/plan/types';
import { isSameOrInside } from '../core/safety/pathGuards';
import { t } from '../core/l10n';

export interface RefusedItem {
  label: string;
  path?: string;
  reason: string;
}

export interface ItemsPlan {
  /** Undefined when no selected item can be deleted this way. */
  plan?: DeletionPlan;
  refused: RefusedItem[];
  /** Selected items left out because a selected folder already contains them. */
  coveredByParent: string[];
}

const TARGET_TYPES: Record<string, TargetType> = { dir: 'dir', file: 'file', symlink: 'symlink' };

/** The scanned root an item was found under: the deepest root containing its path. */
export function rootOf(p: string, roots: readonly string[]): string | undefined {
  return roots.filter((r) => isSameOrInside(p, r)).sort((a, b) => b.length - a.length)[0];
}

export function planForItems(items: Item[], model: ScanModel): ItemsPlan {
  const refused: RefusedItem[] = [];
  const candidates: { item: Item; target: DeletionTarget }[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    const refuse = (reason: string) => refused.push({ label: item.label, path: item.path, reason });
    if (!item.path) {
      refuse(t('it is not a file or folder on disk'));
      continue;
    }
    if (item.reclaimable !== true) {
      refuse(t('it is not offered for deletion (a scanned root, or its category has its own command)'));
      continue;
    }
    const f = item.fields ?? {};
    const type = typeof f.type === 'string' ? TARGET_TYPES[f.type] : undefined;
    if (typeof f.dev !== 'number' || typeof f.ino !== 'number' || !type) {
      refuse(t('the scan recorded no file identity for it; use its category\'s own command'));
      continue;
    }
    const root = rootOf(item.path, model.roots);
    if (!root) {
      refuse(t('it is not inside a scanned folder'));
      continue;
    }
    if (root === item.path) {
      refuse(t('it is a scanned root folder itself'));
      continue;
    }
    candidates.push({
      item,
      target: { path: item.path, root, dev: f.dev, ino: f.ino, type, bytes: item.bytes, itemId: item.id, label: item.label },
    });
  }
  // A selected folder already frees everything inside it: count those bytes once.
  candidates.sort((a, b) => a.target.path.length - b.target.path.length);
  const targets: DeletionTarget[] = [];
  const coveredByParent: string[] = [];
  for (const c of candidates) {
    if (targets.some((t) => t.type === 'dir' && isSameOrInside(c.target.path, t.path))) coveredByParent.push(c.target.path);
    else targets.push(c.target);
  }
  if (!targets.length) return { refused, coveredByParent };
  const inProgress = candidates.filter((c) => c.item.badges?.some((b) => /in[ -]progress/i.test(b)));
  const plan: DeletionPlan = {
    title: targets.length === 1 ? t('Delete {0}', targets[0].label ?? path.basename(targets[0].path)) : t('Delete {0}', formatCount(targets.length, 'item')),
    scannedAt: model.scannedAt,
    targets,
    bytes: planBytes(targets),
  };
  if (inProgress.length) {
    plan.needsSecondConfirmation = (inProgress.length === 1 ? t('{0} is marked in progress: a training run may still be writing there.', inProgress.map((c) => c.item.label).join(', ')) : t('{0} are marked in progress: a training run may still be writing there.', inProgress.map((c) => c.item.label).join(', ')));
  }
  return { plan, refused, coveredByParent };
}
