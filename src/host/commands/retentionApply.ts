// ML Disk Space: Apply Retention Policy… — on the selected runs (a checkpoint row stands for its
// run), on the Checkpoints category or, from the palette, on every run: a quick pick "keep best
// k + last" (k from mlDiskSpace.keepBest first), then the plan — what is deleted, what is kept and
// why, the exact bytes — in the one modal confirmation. Runs in progress are untouched unless
// chosen explicitly, and then asked about a second time.
// Programmatic callers (keybindings, tests) may pass { keepBest, includeInProgress } as the third
// argument instead of answering the quick pick.
import { CHECKPOINTS_CATEGORY_ID } from '../../core/categories/checkpoints';
import { formatCount } from '../../core/format';
import { lastScanWith } from '../caches/lastScan';
import { pickRetention, retentionPlanFor, type RetentionChoice } from '../checkpoints/retentionPick';
import { isOptions, selectedCheckpointIds } from '../checkpoints/selection';
import type { ReclaimResult } from '../reclaim';
import type { CommandSpec } from '../services';
import { t } from '../../core/l10n';

export const retentionApplyCommand: CommandSpec = {
  id: 'mlDiskSpace.checkpoints.applyRetention',
  async run(s, clicked, selection, options): Promise<ReclaimResult | undefined> {
    const selected = selectedCheckpointIds(s, clicked, selection);
    const model = await lastScanWith(s, CHECKPOINTS_CATEGORY_ID, t('no training runs'));
    if (!model) return undefined;
    const ids = selected.allRuns || !selected.ids.length ? undefined : selected.ids;
    const all = retentionPlanFor(model, undefined, { keepBest: 0, includeInProgress: false })?.runs.length ?? 0;
    const inScope = retentionPlanFor(model, ids, { keepBest: 0, includeInProgress: false })?.runs ?? [];
    if (!inScope.length) {
      void s.prompts.notifier.warn(t('Apply Retention Policy: the selection holds no training run of the last scan.'));
      return undefined;
    }
    const scope = ids ? (inScope.length === 1 ? inScope[0].run.label : formatCount(inScope.length, 'run')) : `all ${formatCount(all, 'run')}`;
    let choice: RetentionChoice | undefined;
    if (isOptions<RetentionChoice>(options, ['keepBest', 'includeInProgress'])) {
      choice = {
        keepBest: typeof options.keepBest === 'number' ? options.keepBest : s.config().scan.keepBest,
        includeInProgress: options.includeInProgress === true,
      };
    } else {
      choice = await pickRetention(s, model, ids, scope);
    }
    if (!choice) {
      s.log.info('Apply Retention Policy: no policy chosen; nothing was deleted');
      return undefined;
    }
    const plan = retentionPlanFor(model, ids, choice)!;
    s.log.info(`Apply Retention Policy to ${scope}: keep best ${choice.keepBest} + last${choice.includeInProgress ? ', runs in progress included' : ''}`);
    return s.reclaimer.executePlan(plan);
  },
};
