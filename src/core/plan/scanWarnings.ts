// The scan warnings that touch a plan's targets. A warning inside a target (an entry the walk
// could not read or name: EACCES, ENAMETOOLONG for a tree deeper than PATH_MAX, ...) means the
// bytes planned for that target are a lower bound; one on a folder that holds a target means the
// scan did not see all of it. Plans carry them so every confirmation and report shows them.
import type { ScanWarning } from '../model';
import type { DeletionPlan, PlanScanWarning } from './types';

export type { PlanScanWarning } from './types';
import { isSameOrInside } from '../safety/pathGuards';
import { t } from '../l10n';


/** Long paths (a tree deeper than PATH_MAX has 4,000+ characters) are cut in the middle for text. */
const MAX_SHOWN_PATH = 160;

export function warningsTouching(plan: Pick<DeletionPlan, 'targets'>, warnings: readonly ScanWarning[]): PlanScanWarning[] {
  const out: PlanScanWarning[] = [];
  for (const w of warnings) {
    // Only what the walk could not read (an errno: EACCES, ENAMETOOLONG, ...) makes a size a lower
    // bound; a fact about a run (its metadata, an incomplete checkpoint) is not a read failure.
    if (!w.path || !/^E[A-Z0-9]+$/.test(w.code ?? '')) continue;
    // Inside a target first (the usual case); else a folder above one, inside its root.
    const hit = plan.targets.find((t) => isSameOrInside(w.path!, t.path))
      ?? plan.targets.find((t) => isSameOrInside(t.path, w.path!) && isSameOrInside(w.path!, t.root));
    if (hit) out.push({ ...w, target: hit.path });
  }
  return out;
}

/** The plan with the warnings that touch its targets attached (`scanWarnings`). */
export function withScanWarnings<P extends DeletionPlan>(plan: P, warnings: readonly ScanWarning[]): P {
  const touching = warningsTouching(plan, warnings);
  return touching.length ? { ...plan, scanWarnings: touching } : plan;
}

function shortPath(p: string): string {
  return p.length <= MAX_SHOWN_PATH ? p : `${p.slice(0, 100)}...${p.slice(-50)} (${p.length} characters)`;
}

/** One line for text output: which target, what could not be counted, why. */
export function scanWarningLine(w: PlanScanWarning): string {
  const inside = w.path !== undefined && isSameOrInside(w.path, w.target);
  const what = inside
    ? t('{0} was not fully counted (its size is a lower bound): {1} at {2}', w.target, w.code ?? 'error', shortPath(w.path!))
    : t('the scan could not read {0} ({1}), which holds {2}', shortPath(w.path!), w.code ?? 'error', w.target);
  return what;
}
