// The retention rule: per run keep the newest checkpoint, the best one, and the best k by the
// run's metric (or the k newest where no metric ranks them: never called "best"); a run that may
// still be training proposes nothing. Half-written checkpoints are proposed for deletion, and a
// run always keeps its newest complete checkpoint, whatever k is. Every checkpoint gets a
// decision and the reasons for it.
import { formatAge } from '../../format';
import { compareCheckpoints, rankByMetric } from './analyse';
import type { Checkpoint, Run } from './types';

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
  return run.metricName ? `keep best ${keepBest} + last` : `no metric found: keeping the newest ${keepBest + 1}`;
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
    if (c.type === 'symlink') keep(c, c.linkTarget ? `link to ${c.linkTarget} (frees nothing)` : 'dangling link (frees nothing)', c.lastByName ? BADGE_LAST : undefined);
    else if (c.linkedFrom?.length) keep(c, `named by ${c.linkedFrom.map((p) => p.split('/').pop()).join(', ')}`, BADGE_LAST);
    else if (c.lastByName) keep(c, 'last.ckpt', BADGE_LAST);
    else if (c.last) keep(c, 'newest checkpoint', BADGE_LAST);
    if (c.best) {
      const metric = describeMetric(c);
      keep(c, `best${metric ? ` (${metric})` : ''}${run.bestSource ? ` from ${run.bestSource}` : ''}`, BADGE_BEST);
    }
  }

  const ranked = run.metricDirection ? rankByMetric(run.checkpoints, run.metricDirection) : [];
  for (const c of ranked.slice(0, k)) keep(c, `among the best ${k} by ${run.metricName}`);
  if (ranked.length < k) {
    // Too few checkpoints carry a metric: fill the k places with the newest of the others.
    const rankedSet = new Set(ranked);
    const others = run.checkpoints.filter((c) => c.type !== 'symlink' && !c.incomplete && !rankedSet.has(c) && !c.last && !c.lastByName).sort((a, b) => compareCheckpoints(b, a));
    const what = run.metricName ? `no ${run.metricName} to rank by` : 'no metric found';
    for (const c of others.slice(0, k - ranked.length)) keep(c, `among the ${k} newest (${what})`);
  }

  // Whatever happened above: the newest complete checkpoint stays (training resumes from it).
  const complete = run.checkpoints.filter((c) => c.type !== 'symlink' && !c.incomplete);
  if (complete.length && !complete.some((c) => decisions.get(c)!.keep)) {
    keep(complete.reduce((a, b) => (compareCheckpoints(b, a) > 0 ? b : a)), 'newest complete checkpoint (a run always keeps one)', BADGE_LAST);
  }

  if (run.inProgress) {
    const since = formatAge(run.activityMs, options.now ?? Date.now());
    for (const d of decisions.values()) {
      if (!d.keep && !options.includeInProgress) {
        d.keep = true;
        d.reasons.push(`run in progress (changed ${since}): nothing is proposed`);
      }
    }
  }

  for (const d of decisions.values()) {
    if (d.keep) continue;
    const c = d.checkpoint;
    const rule = c.incomplete
      ? `incomplete: ${c.incomplete}`
      : k === 0 ? `not the newest${run.metricName ? ' or the best' : ''}` : ranked.length ? `not among the best ${k} by ${run.metricName}, the newest or the best` : `not among the ${k} newest (no metric found)`;
    d.reasons.push(run.inProgress ? `${rule} (run in progress: you chose to include it)` : rule);
    d.badges.push(BADGE_DELETE);
  }
  return run.checkpoints.map((c) => decisions.get(c)!);
}
