// The retention rule: per run keep the newest checkpoint, the best one, and the best k by the
// run's metric (or the k newest where no metric ranks them: never called "best"); a run that may
// still be training proposes nothing. Half-written checkpoints are proposed for deletion, and a
// run always keeps its newest complete checkpoint, whatever k is. Every checkpoint gets a
// decision and the reasons for it.
import { formatAge } from '../../format';
import { compareCheckpoints, rankByMetric } from './analyse';
import type { Checkpoint, Run } from './types';
import { t } from '../../l10n';

export const BADGE_BEST = 'best';
export const BADGE_LAST = 'last';
/** On the checkpoints the current policy (keep best k + last) would delete. */
export const BADGE_DELETE = 'would delete';
export const BADGE_INCOMPLETE = 'incomplete';
/** On the run row only (its checkpoints carry no copy of it). */
export const BADGE_IN_PROGRESS = 'in progress';

export interface CheckpointDecision {
  checkpoint: Checkpoint;
  keep: boolean;
  /** Why it is kept, or why it is proposed for deletion. */
  reasons: string[];
  badges: string[];
}

export interface RetentionOptions {
  /** Best checkpoints kept besides the newest (mlDiskSpace.keepBest). */
  keepBest: number;
  /** Apply the rule to runs in progress too (the user insisted; the plan then needs a second confirmation). */
  includeInProgress?: boolean;
  /** For "changed N min ago" (default: now). */
  now?: number;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString());

/** What the rule keeps in a run, in words: "keep best 2 + last", or "no metric found: keeping the newest 3". */
export function retentionRuleText(run: Pick<Run, 'metricName'>, keepBest: number): string {
  return run.metricName ? t('keep best {0} + last', keepBest) : t('no metric found: keeping the newest {0}', keepBest + 1);
}

export function describeMetric(c: Checkpoint): string | undefined {
  return c.metric ? `${c.metric.name}=${fmt(c.metric.value)}` : undefined;
}

export function decideRetention(run: Run, options: RetentionOptions): CheckpointDecision[] {
  const k = Math.max(0, Math.floor(Number.isFinite(options.keepBest) ? options.keepBest : 0));
  const decisions = new Map<Checkpoint, CheckpointDecision>();
  for (const c of run.checkpoints) decisions.set(c, { checkpoint: c, keep: false, reasons: [], badges: [] });
  const keep = (c: Checkpoint, reason: string, badge?: string) => {
    const d = decisions.get(c)!;
    d.keep = true;
    d.reasons.push(reason);
    if (badge && !d.badges.includes(badge)) d.badges.push(badge);
  };

  for (const c of run.checkpoints) {
    if (c.incomplete) {
      const d = decisions.get(c)!;
      d.badges.push(BADGE_INCOMPLETE);
      continue;
    }
    if (c.type === 'symlink') keep(c, c.linkTarget ? t('link to {0} (frees nothing)', c.linkTarget) : t('dangling link (frees nothing)'), c.lastByName ? BADGE_LAST : undefined);
    else if (c.linkedFrom?.length) keep(c, t('named by {0}', c.linkedFrom.map((p) => p.split('/').pop()).join(', ')), BADGE_LAST);
    else if (c.lastByName) keep(c, 'last.ckpt', BADGE_LAST);
    else if (c.last) keep(c, t('newest checkpoint'), BADGE_LAST);
    if (c.best) {
      const metric = describeMetric(c);
      keep(c, `best${metric ? ` (${metric})` : ''}${run.bestSource ? ` from ${run.bestSource}` : ''}`, BADGE_BEST);
    }
  }

  const ranked = run.metricDirection ? rankByMetric(run.checkpoints, run.metricDirection) : [];
  for (const c of ranked.slice(0, k)) keep(c, t('among the best {0} by {1}', k, run.metricName));
  if (ranked.length < k) {
    // Too few checkpoints carry a metric: fill the k places with the newest of the others.
    const rankedSet = new Set(ranked);
    const others = run.checkpoints.filter((c) => c.type !== 'symlink' && !c.incomplete && !rankedSet.has(c) && !c.last && !c.lastByName).sort((a, b) => compareCheckpoints(b, a));
    const what = run.metricName ? t('no {0} to rank by', run.metricName) : t('no metric found');
    for (const c of others.slice(0, k - ranked.length)) keep(c, t('among the {0} newest ({1})', k, what));
  }

  // Whatever happened above: the newest complete checkpoint stays (training resumes from it).
  const complete = run.checkpoints.filter((c) => c.type !== 'symlink' && !c.incomplete);
  if (complete.length && !complete.some((c) => decisions.get(c)!.keep)) {
    keep(complete.reduce((a, b) => (compareCheckpoints(b, a) > 0 ? b : a)), t('newest complete checkpoint (a run always keeps one)'), BADGE_LAST);
  }

  if (run.inProgress) {
    const since = formatAge(run.activityMs, options.now ?? Date.now());
    for (const d of decisions.values()) {
      if (!d.keep && !options.includeInProgress) {
        d.keep = true;
        d.reasons.push(t('run in progress (changed {0}): nothing is proposed', since));
      }
    }
  }

  for (const d of decisions.values()) {
    if (d.keep) continue;
    const c = d.checkpoint;
    const rule = c.incomplete
      ? `incomplete: ${c.incomplete}`
      : k === 0 ? t('not the newest{0}', run.metricName ? t(' or the best') : '') : ranked.length ? t('not among the best {0} by {1}, the newest or the best', k, run.metricName) : t('not among the {0} newest (no metric found)', k);
    d.reasons.push(run.inProgress ? t('{0} (run in progress: you chose to include it)', rule) : rule);
    d.badges.push(BADGE_DELETE);
  }
  return run.checkpoints.map((c) => decisions.get(c)!);
}
