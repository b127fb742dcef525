// ML Disk Space: Delete Checkpoints… — the selected checkpoints, loose weight files, or every
// checkpoint of the selected runs (multi-select), or a quick pick from the palette. One modal
// confirmation with the exact bytes, naming the best/newest checkpoints it would take; a run in
// progress asks a second time. `last.ckpt` links to a deleted checkpoint go with it.
import { CHECKPOINTS_CATEGORY_ID, checkpointPlanFromModel } from '../../core/categories/checkpoints';
import { lastScanWith } from '../caches/lastScan';
import { pickCheckpoints, selectedCheckpointIds } from '../checkpoints/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

const TITLE = (): string => t('Delete Checkpoints');

export const checkpointDeleteCommand: CommandSpec = {
  id: 'mlDiskSpace.checkpoints.delete',
  async run(s, clicked, selection): Promise<ReclaimResult | undefined> {
    const selected = selectedCheckpointIds(s, clicked, selection);
    const model = await lastScanWith(s, CHECKPOINTS_CATEGORY_ID, t('no training checkpoints'));
    if (!model) return undefined;
    const ids = selected.ids.length ? selected.ids : await pickCheckpoints(s, model, TITLE());
    if (!ids) return undefined;
    const plan = checkpointPlanFromModel(model, { action: 'delete', ids, keepBest: s.config().scan.keepBest });
    if (!plan) {
      void s.prompts.notifier.warn(t('{0}: the selected checkpoints are not in the last scan; scan again.', TITLE()));
      return undefined;
    }
    return s.reclaimer.executePlan(plan);
  },
};
