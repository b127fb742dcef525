// The Checkpoints category: training runs and their checkpoints in the workspace folders and
// extra roots (the other files of this folder do the work). Its folders and files are claimed, so the
// workspace category never counts the same bytes again.
import type { CategoryDescriptor } from '../descriptor';
import { withFreedBytes } from '../../plan/freedBytes';
import type { ScanModel } from '../../model';
import type { DeletionPlan } from '../../plan/types';
import type { PlanContext } from '../../plan/context';
import { PlanRefusedError } from '../../plan/builder';
import { CHECKPOINTS_CATEGORY_ID, checkpointCategory, checkpointPlanFromModel, discoverCheckpoints, type CheckpointSettings } from './index';
import { t } from '../../l10n';

export const checkpointsCategory: CategoryDescriptor = {
  id: CHECKPOINTS_CATEGORY_ID,
  get label() { return t('Checkpoints'); },
  // After the caches (they own hard-linked originals), before the workspace category.
  order: 50,
  icon: 'history',
  async scan(ctx) {
    if (!ctx.roots.length) return undefined;
    const settings = ctx.settings as CheckpointSettings;
    const scan = await discoverCheckpoints({
      roots: ctx.roots, settings, walker: ctx.walker, now: ctx.now, signal: ctx.signal,
      env: ctx.env, homeDir: ctx.homeDir, greaterIsBetter: settings.greaterIsBetter,
      progress: ctx.progress, warn: ctx.warn,
      sharedWalk: async (onCollected) => (await ctx.workspaceWalk(onCollected)).result,
    });
    if (!scan.runs.length && !scan.loose.length) return undefined;
    const category = await checkpointCategory(scan, { keepBest: settings.keepBest, now: ctx.now });
    return { category, claimedPaths: scan.claimedPaths };
  },
  async planFor(ids, model, ctx) {
    if (ids.length !== 1) throw new PlanRefusedError(t('checkpoint plans take one id at a time'));
    const plan = checkpointPlanFor(ids[0], model, ctx);
    // Bytes are what deleting frees: a file hard-linked from a backup outside the plan frees nothing.
    return plan ? withFreedBytes(plan) : undefined;
  },
  kinds: {
    run: { get label() { return t('Training run'); }, icon: 'graph-line' },
    checkpoint: { get label() { return t('Checkpoint'); }, icon: 'save' },
    'checkpoint-link': { get label() { return t('Link to a checkpoint'); }, icon: 'file-symlink-file' },
    'loose-weights': { get label() { return t('Loose weight files'); }, icon: 'files' },
    'weight-file': { get label() { return t('Weight file'); }, icon: 'file-binary' },
  },
};

/**
 * Plan ids (CLI `purge <id>`, host commands):
 *   checkpoints | checkpoints:retention             retention (keep best k + last) over every run
 *   checkpoints:retention:<run path>                retention for one run
 *   checkpoints:run:<run path>                      retention for one run (a run item's id)
 *   checkpoints:checkpoint:<path>                   delete one checkpoint (a checkpoint item's id)
 *   checkpoints:weight:<path>                       delete one loose weight file (its item's id)
 *   checkpoints:slim                                slim the kept-for-weights checkpoints of every run
 *   checkpoints:slim:<run or checkpoint path>       slim one run's kept checkpoints, or one checkpoint
 */
function checkpointPlanFor(id: string, model: ScanModel, ctx: PlanContext): DeletionPlan | undefined {
  if (id !== CHECKPOINTS_CATEGORY_ID && !id.startsWith(`${CHECKPOINTS_CATEGORY_ID}:`)) return undefined;
  const base = { keepBest: ctx.settings.keepBest, now: ctx.now, includeInProgress: ctx.includeInProgress };
  const rest = (prefix: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : undefined);
  if (id === 'checkpoints' || id === 'checkpoints:retention') return checkpointPlanFromModel(model, { ...base, action: 'retention' });
  if (id === 'checkpoints:slim') return checkpointPlanFromModel(model, { ...base, action: 'slim' });
  const retentionOf = rest('checkpoints:retention:');
  if (retentionOf) return checkpointPlanFromModel(model, { ...base, action: 'retention', ids: [`checkpoints:run:${retentionOf}`] });
  if (id.startsWith('checkpoints:run:')) return checkpointPlanFromModel(model, { ...base, action: 'retention', ids: [id] });
  const slimOf = rest('checkpoints:slim:');
  if (slimOf) return checkpointPlanFromModel(model, { ...base, action: 'slim', ids: [`checkpoints:run:${slimOf}`, `checkpoints:checkpoint:${slimOf}`] });
  if (id.startsWith('checkpoints:checkpoint:') || id.startsWith('checkpoints:weight:')) return checkpointPlanFromModel(model, { ...base, action: 'delete', ids: [id] });
  return undefined;
}
