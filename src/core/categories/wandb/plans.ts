// Deletion plans of the W&B category. Bulk purges (`wandb:cache`, `wandb:media`) never touch an
// offline run that was never synced, nor its media; such a run is deleted only when chosen on its
// own, and that plan names the loss in its warnings and asks a second confirmation. Sync states
// are read again when the plan is made: a run synced since the scan is treated as synced.
import * as path from 'path';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../../plan/builder';
import { categoryOf, folderEntries, itemOf } from '../../plan/fromModel';
import type { DeletionPlan } from '../../plan/types';
import type { PlanContext } from '../../plan/context';
import type { Item, ScanModel } from '../../model';
import { formatAge } from '../../format';
import { t } from '../../l10n';
import { syncStateNow } from './runs';
import {
  IN_PROGRESS_BADGE, WANDB_CACHE_PURGE_ID, WANDB_CATEGORY_ID, WANDB_MEDIA_PURGE_ID,
} from './scanner';

interface Draft {
  paths: PlannedPath[];
  keep: { path: string; reason: string }[];
  warnings: string[];
  second: string[];
}

const RUN_KINDS = new Set(['wandb-run', 'wandb-offline-run', 'wandb-unsynced-run']);

function allItems(model: ScanModel): Item[] {
  const out: Item[] = [];
  const visit = (list: Item[]) => { for (const i of list) { out.push(i); visit(i.children ?? []); } };
  visit(categoryOf(model, WANDB_CATEGORY_ID).items);
  return out;
}

function root(item: Item): string {
  const r = item.fields?.cacheRoot;
  if (typeof r !== 'string') throw new PlanRefusedError(t('the scan did not record where {0} belongs', item.path ?? item.id));
  return r;
}

function unsyncedWarning(label: string, runPath: string): string {
  return t('{0} was never synced: its folder is the only copy of that run\'s logs, metrics and files, and deleting it loses them for good. To keep them, run "wandb sync {1}" first.', label, runPath);
}

function unsyncedRuns(model: ScanModel): Item[] {
  return allItems(model).filter((i) => i.kind === 'wandb-unsynced-run');
}

/** Entries of the artifact cache and of staging; staging stays while an offline run waits to be synced. */
async function addCache(draft: Draft, model: ScanModel, items: Item[], asked: 'purge' | 'item'): Promise<void> {
  const waiting = unsyncedRuns(model);
  for (const item of items) {
    const r = root(item);
    if (item.kind === 'wandb-staging' && waiting.length) {
      const reason = t('{0} offline runs are not synced yet; their artifacts may still need these staged files to upload', waiting.length);
      if (asked === 'purge') { draft.keep.push({ path: r, reason }); continue; }
      draft.warnings.push(t('Artifact staging: {0}.', reason));
    }
    draft.paths.push(...(await folderEntries(r, r)).map((p) => ({ ...p, label: `${item.label}: ${p.label}`, itemId: item.id })));
  }
}

async function addRun(draft: Draft, item: Item, now: number): Promise<void> {
  const offline = item.fields?.offline === true;
  const state = await syncStateNow(item.path!, offline);
  draft.paths.push({ path: item.path!, root: root(item), label: item.label, itemId: item.id });
  if (state === 'not-synced') {
    draft.warnings.push(unsyncedWarning(item.label, item.path!));
    draft.second.push(t('{0} is an offline run that was never synced: this deletes the only copy of its logs.', item.label));
  }
  if (item.badges?.includes(IN_PROGRESS_BADGE)) {
    const when = item.modifiedMs ? formatAge(item.modifiedMs, now) : '';
    draft.second.push(t('{0} changed {1}: wandb may still be writing to it.', item.label, when));
  }
}

async function addMedia(draft: Draft, item: Item, parent: Item | undefined, asked: 'purge' | 'item', now: number): Promise<void> {
  const run = String(item.fields?.run ?? path.dirname(path.dirname(item.path!)));
  const offline = parent?.fields?.offline === true || path.basename(run).startsWith('offline-');
  if ((await syncStateNow(run, offline)) === 'not-synced') {
    if (asked === 'purge') { draft.keep.push({ path: item.path!, reason: t('the run was never synced: this is the only copy') }); return; }
    throw new PlanRefusedError(t('{0} belongs to a run that was never synced: its media is the only copy (delete the run on its own to drop it)', item.path!));
  }
  if (parent?.badges?.includes(IN_PROGRESS_BADGE)) {
    if (asked === 'purge') { draft.keep.push({ path: item.path!, reason: t('the run changed {0}: it may still be running', parent.modifiedMs ? formatAge(parent.modifiedMs, now) : '') }); return; }
    draft.second.push(t('{0} changed recently: wandb may still be writing to it.', parent.label));
  }
  draft.paths.push({ path: item.path!, root: root(item), label: `${parent?.label ?? path.basename(run)}: files/media`, itemId: item.id });
}

export async function wandbPlan(ids: string[], model: ScanModel, ctx: PlanContext): Promise<DeletionPlan> {
  const draft: Draft = { paths: [], keep: [], warnings: [], second: [] };
  const items = allItems(model);
  let title = '';
  for (const id of ids) {
    if (id === WANDB_CACHE_PURGE_ID || id === WANDB_CATEGORY_ID) {
      await addCache(draft, model, items.filter((i) => i.kind === 'wandb-artifact-cache' || i.kind === 'wandb-staging'), 'purge');
      title = t('Clean the W&B artifact cache');
      continue;
    }
    if (id === WANDB_MEDIA_PURGE_ID) {
      for (const media of items.filter((i) => i.kind === 'wandb-media')) {
        const parent = items.find((r) => RUN_KINDS.has(r.kind) && r.children?.includes(media));
        await addMedia(draft, media, parent, 'purge', ctx.now);
      }
      title = t('Delete the media of synced W&B runs');
      continue;
    }
    const { item, parents } = itemOf(model, id, WANDB_CATEGORY_ID);
    if (!item.reclaimable || !item.path) throw new PlanRefusedError(t('{0} cannot be deleted from here', item.label));
    if (item.kind === 'wandb-artifact-cache' || item.kind === 'wandb-staging') await addCache(draft, model, [item], 'item');
    else if (RUN_KINDS.has(item.kind)) await addRun(draft, item, ctx.now);
    else if (item.kind === 'wandb-media') await addMedia(draft, item, parents[parents.length - 1], 'item', ctx.now);
    else draft.paths.push({ path: item.path, root: root(item), label: item.label, itemId: item.id });
    title ||= ids.length === 1 ? t('Delete {0}', item.label) : t('Delete {0} W&B items', ids.length);
  }
  const plan = await buildPlan({
    title, scannedAt: model.scannedAt, paths: draft.paths, keep: draft.keep, warnings: [...new Set(draft.warnings)], signal: ctx.signal,
  });
  if (draft.second.length) plan.needsSecondConfirmation = draft.second.join(' ');
  return plan;
}
