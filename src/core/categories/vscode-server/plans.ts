// Deletion plans for the VS Code Server category. An id is a leaf (a build, an extension folder,
// a downloaded package, a log folder, a workspace storage folder), a row that stands for its
// offered leaves (a group, the downloaded-packages folder, an install folder), or the purge id
// (every offered leaf of every install folder). Whether something is in use is asked again now:
// a server started since the scan keeps its build.
import { t } from '../../l10n';
import { findItem, type Item, type ScanModel } from '../../model';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../../plan/builder';
import { categoryOf, itemOf } from '../../plan/fromModel';
import type { DeletionPlan } from '../../plan/types';
import { inUseReason, readInUseFacts } from './inUseCheck';
import { KIND, LEAF_KINDS, VSCODE_SERVER_CATEGORY_ID, VSCODE_SERVER_CLEAN_ID } from './scanner';

/** The offered leaves below (or at) an item. */
function offeredLeaves(item: Item): Item[] {
  if (LEAF_KINDS.has(item.kind)) return item.reclaimable && item.path ? [item] : [];
  if (item.kind === KIND.vsixCache && !item.reclaimable) return [];
  return (item.children ?? []).flatMap(offeredLeaves);
}

function rootOf(item: Item): string {
  const root = item.fields?.cacheRoot;
  if (typeof root !== 'string') throw new PlanRefusedError(t('the scan did not record which server folder {0} belongs to', item.path ?? item.id));
  return root;
}

const WARN_BUILDS = () => t('A client still on a removed version downloads its server again when it connects.');
const WARN_EXTENSIONS = () => t('A window opened before an extension update may still run the old version: reload it first.');

export async function planVscodeServer(ids: string[], model: ScanModel, env: Record<string, string | undefined>, signal?: AbortSignal): Promise<DeletionPlan> {
  let leaves: Item[];
  let title: string;
  if (ids.length === 1 && ids[0] === VSCODE_SERVER_CLEAN_ID) {
    leaves = categoryOf(model, VSCODE_SERVER_CATEGORY_ID).items.flatMap(offeredLeaves);
    title = t('Clean VS Code Server leftovers');
  } else {
    leaves = [];
    for (const id of ids) {
      const { item } = itemOf(model, id, VSCODE_SERVER_CATEGORY_ID);
      const found = offeredLeaves(item);
      if (!found.length) {
        throw new PlanRefusedError(typeof item.fields?.inUse === 'string'
          ? t('{0} cannot be deleted from here: {1}', item.label, item.fields.inUse)
          : t('{0} cannot be deleted from here', item.label));
      }
      leaves.push(...found);
    }
    title = ids.length === 1 ? t('Delete {0}', findItem(model, ids[0])!.item.label) : t('Delete {0} items', ids.length);
  }
  const facts = await readInUseFacts(env);
  const paths: PlannedPath[] = [];
  const keep: { path: string; reason: string }[] = [];
  for (const leaf of leaves) {
    const commit = typeof leaf.fields?.commit === 'string' ? leaf.fields.commit : undefined;
    const inUse = inUseReason(leaf.path!, facts, commit);
    if (inUse) keep.push({ path: leaf.path!, reason: inUse });
    else paths.push({ path: leaf.path!, root: rootOf(leaf), label: leaf.label, itemId: leaf.id });
  }
  const warnings: string[] = [];
  if (leaves.some((l) => (l.kind === KIND.build || l.kind === KIND.cli) && !keep.some((k) => k.path === l.path))) warnings.push(WARN_BUILDS());
  if (leaves.some((l) => l.kind === KIND.extension && !keep.some((k) => k.path === l.path))) warnings.push(WARN_EXTENSIONS());
  return buildPlan({ title, scannedAt: model.scannedAt, paths, keep, warnings, signal });
}
