// ML Disk Space: Slim Checkpoints… — removes optimizer, scheduler, scaler and RNG state and
// DeepSpeed global_step*/ folders from the selected checkpoints, or from the checkpoints the
// retention policy keeps for their weights in the selected runs / every run (the newest stays
// whole so training can resume). Weights and configs stay loadable. Checkpoints that cannot be
// slimmed (Lightning files, ZeRO shards without consolidated weights) are named, not touched.
import { CHECKPOINTS_CATEGORY_ID, checkpointPlanFromModel } from '../../core/categories/checkpoints';
import { lastScanWith } from '../caches/lastScan';
import { selectedCheckpointIds } from '../checkpoints/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const slimCheckpointsCommand: CommandSpec = {
  id: 'mlDiskSpace.checkpoints.slim',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const selected = selectedCheckpointIds(s, clicked, selection);
    const model = await lastScanWith(s, CHECKPOINTS_CATEGORY_ID, t('no training checkpoints'));
    if (!model) return undefined;
    const ids = selected.allRuns || !selected.ids.length ? undefined : selected.ids;
    const plan = checkpointPlanFromModel(model, { action: 'slim', ids, keepBest: s.config().scan.keepBest });
    if (!plan) {
      void s.prompts.notifier.warn(t('Slim Checkpoints: the selection holds no checkpoint of the last scan.'));
      return undefined;
    }
    if (!plan.targets.length) {
      const why = plan.warnings?.length ? ` ${plan.warnings.join(' ')}` : t(' No kept checkpoint holds optimizer or training state that can go.');
      s.log.info(`Slim Checkpoints: nothing to remove.${why}`);
      void s.prompts.notifier.info(t('Slim Checkpoints: nothing to remove.{0}', why));
      return undefined;
    }
    return s.reclaimer.executePlan(plan);
  },
};
