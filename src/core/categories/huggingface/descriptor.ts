// The Hugging Face category: the hub cache (repos, revisions, blobs, the Xet shared store), the
// datasets cache and the Xet chunk cache.
import { idBelongsTo, type CategoryDescriptor } from '../descriptor';
import { folderEntries, cacheRootOf, itemOf } from '../../plan/fromModel';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../../plan/builder';
import { mergePlans } from '../../plan/merge';
import type { PlanContext } from '../../plan/context';
import type { DeletionPlan } from '../../plan/types';
import type { ScanModel } from '../../model';
import { isHfFriendlyId, resolveHfFriendlyId } from './friendlyIds';
import { planHfDeleteRepos, planHfDeleteRevisions, planHfLooseBlobs, planHfPrune, planHfStoreOrphans } from './plans';
import { hfReportLines } from './reportText';
import { scanHuggingface } from './scanner';
import { HF_CATEGORY_ID, HF_CATEGORY_LABEL, HF_PRUNE_ID } from './ids';
import { t } from '../../l10n';

type Group = 'repos' | 'revisions' | 'loose' | 'store' | 'entries';

const GROUP_OF_KIND: Record<string, Group> = {
  'hf-repo': 'repos',
  'hf-revision': 'revisions',
  'hf-incomplete': 'loose', 'hf-unreferenced': 'loose', 'hf-incomplete-blob': 'loose', 'hf-unreferenced-blob': 'loose',
  'hf-store-unreferenced': 'store', 'hf-store-orphan': 'store',
};

async function planHf(ids: string[], model: ScanModel, ctx: PlanContext): Promise<DeletionPlan> {
  const signal = ctx.signal;
  // `huggingface:model/org/name@abc12345` and the like, as the CLI prints them.
  ids = ids.map((id) => {
    if (!isHfFriendlyId(id)) return id;
    try {
      return resolveHfFriendlyId(model, id);
    } catch (err) {
      throw new PlanRefusedError((err as Error).message);
    }
  });
  if (ids.length === 1 && idBelongsTo(ids[0], HF_PRUNE_ID)) {
    const repo = ids[0].slice(HF_PRUNE_ID.length + 1);
    return planHfPrune(model, ctx, repo ? [repo] : undefined, signal);
  }
  const groups = new Map<Group, string[]>();
  const plans: Promise<DeletionPlan>[] = [];
  for (const id of ids) {
    const { item, parents } = itemOf(model, id, HF_CATEGORY_ID);
    const group = GROUP_OF_KIND[item.kind];
    if (group) { groups.set(group, [...(groups.get(group) ?? []), id]); continue; }
    if (item.kind === 'hf-datasets-cache' || item.kind === 'hf-xet-cache') {
      const root = cacheRootOf(item, parents);
      plans.push(folderEntries(item.path!, root).then((paths) => buildPlan({ title: t('Empty {0}', item.label), scannedAt: model.scannedAt, paths, signal })));
      continue;
    }
    if (item.kind === 'hf-datasets-downloads') {
      const root = cacheRootOf(item, parents);
      plans.push(folderEntries(item.path!, root, ['extracted']).then((paths) => buildPlan({ title: t('Delete the datasets downloads (keeping downloads/extracted)'), scannedAt: model.scannedAt, paths, signal })));
      continue;
    }
    if (!item.reclaimable || !item.path) throw new PlanRefusedError(t('{0} cannot be deleted from here', item.label));
    groups.set('entries', [...(groups.get('entries') ?? []), id]);
  }
  const done: DeletionPlan[] = [];
  for (const [group, list] of groups) {
    if (group === 'repos') done.push(await planHfDeleteRepos(model, list, signal));
    else if (group === 'revisions') done.push(await planHfDeleteRevisions(model, list, signal));
    else if (group === 'loose') done.push(await planHfLooseBlobs(model, list, ctx, signal));
    else if (group === 'store') done.push(await planHfStoreOrphans(model, list, ctx, signal));
    else done.push(await planEntries(model, list, signal));
  }
  for (const p of plans) done.push(await p);
  return mergePlans(t('Delete {0} items', ids.length), done);
}

async function planEntries(model: ScanModel, ids: string[], signal?: AbortSignal): Promise<DeletionPlan> {
  const paths: PlannedPath[] = ids.map((id) => {
    const { item, parents } = itemOf(model, id, HF_CATEGORY_ID);
    return { path: item.path!, root: cacheRootOf(item, parents), label: item.label, itemId: item.id };
  });
  return buildPlan({ title: paths.length === 1 ? t('Delete {0}', paths[0].label) : t('Delete {0} items', paths.length), scannedAt: model.scannedAt, paths, signal });
}

export const huggingfaceCategory: CategoryDescriptor = {
  id: HF_CATEGORY_ID,
  label: HF_CATEGORY_LABEL,
  order: 40,
  icon: 'hubot',
  cache: true,
  scan: scanHuggingface,
  planFor: planHf,
  purgeIds: {
    get [HF_PRUNE_ID]() { return t('Hugging Face: delete detached revisions, interrupted downloads and unreferenced blobs (hf cache prune)'); },
  },
  kinds: {
    'hf-repo': { get label() { return t('Hugging Face repo'); }, icon: 'repo' },
    'hf-revision': { get label() { return t('Hugging Face revision'); }, icon: 'git-commit' },
    'hf-file': { get label() { return t('Hugging Face file'); }, icon: 'file' },
    'hf-incomplete': { get label() { return t('Interrupted downloads'); }, icon: 'cloud-download' },
    'hf-unreferenced': { get label() { return t('Blobs no revision uses'); }, icon: 'trash' },
    'hf-store': { get label() { return t('Xet shared blob store'); }, icon: 'database' },
    'hf-store-unreferenced': { get label() { return t('Shared-store payloads no repo uses'); }, icon: 'trash' },
    'hf-store-orphan': { get label() { return t('Shared-store payload no repo uses'); }, icon: 'trash' },
    'hf-datasets-cache': { get label() { return t('Hugging Face datasets cache'); }, icon: 'database' },
    'hf-datasets-downloads': { get label() { return t('Datasets downloads'); }, icon: 'cloud-download' },
    'hf-xet-cache': { get label() { return t('Xet chunk cache'); }, icon: 'database' },
    'hf-other': { get label() { return t('Hugging Face cache (other)'); } },
    blob: { get label() { return t('Blob'); }, icon: 'file-binary' },
  },
  reportLines: hfReportLines,
};
