// Turns "delete these paths" into a DeletionPlan with exact bytes and the identity (dev/ino/type)
// of each target as it is on disk now, for every cache category. The executor re-checks that
// identity right before deleting.

import * as path from 'path';
import { formatBytes, formatCount } from '../format';
import { planBytes, type DeletionPlan, type DeletionTarget } from './types';
import { isSameOrInside, isStrictlyInside } from '../safety/pathGuards';
import { measureTargets } from './freedBytes';
import { t } from '../l10n';

export interface PlannedPath {
  path: string;
  /** The scanned cache root the path was found under; the executor keeps the target inside it. */
  root: string;
  label?: string;
  /** Targets of the same group are one line of the confirmation, with their summed bytes (e.g. one HF revision). */
  group?: string;
  itemId?: string;
  /** Execution phase: lower first (HF: 0 repos, 1 snapshots, 2 refs, 3 blobs). Stable within a phase. */
  phase?: number;
}

export interface PlanRequest {
  title: string;
  scannedAt: number;
  paths: PlannedPath[];
  keep?: { path: string; reason: string }[];
  warnings?: string[];
  /** Purge-cache plans only: a target may be its root. */
  allowRootTargets?: boolean;
  /**
   * When set, a target with a file hard-linked from outside the plan is not deleted but kept with
   * this reason (conda's unused packages: a package an env linked since the scan is in use now).
   */
  skipIfLinkedOutside?: string;
  /** Carried to the plan as is (see DeletionPlan.hfManifestEdits). */
  hfManifestEdits?: DeletionPlan['hfManifestEdits'];
  signal?: AbortSignal;
}

/** Thrown for a request the plan must refuse outright (a root, a path outside its root). */
export class PlanRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanRefusedError';
  }
}

export async function buildPlan(request: PlanRequest): Promise<DeletionPlan> {
  const keep = [...(request.keep ?? [])];
  const warnings = [...(request.warnings ?? [])];
  const seen = new Set<string>();
  const wanted: (PlannedPath & { index: number })[] = [];
  request.paths.forEach((p, index) => {
    const abs = path.resolve(p.path);
    const root = path.resolve(p.root);
    if (!isSameOrInside(abs, root)) throw new PlanRefusedError(t('{0} is not inside {1}', abs, root));
    if (abs === root && !request.allowRootTargets) throw new PlanRefusedError(t('refusing to delete the cache root itself: {0}', root));
    if (seen.has(abs)) return;
    seen.add(abs);
    wanted.push({ ...p, path: abs, root, index });
  });
  // A path inside another planned path goes with it (deleting it first would only add a step).
  const outer = wanted.filter((p) => !wanted.some((q) => q !== p && isStrictlyInside(p.path, q.path)));
  outer.sort((a, b) => (a.phase ?? 0) - (b.phase ?? 0) || a.index - b.index);

  // Measure; targets that cannot be read or (when asked) that are linked from outside drop out,
  // and the rest is measured again, since an inode shared with a dropped target is not freed.
  let candidates = outer;
  let measured = await measureTargets(candidates.map((p) => p.path), { signal: request.signal });
  for (;;) {
    const dropped = new Set<number>();
    candidates.forEach((p, i) => {
      const m = measured[i];
      if (m.error) {
        keep.push({ path: p.path, reason: m.error === 'ENOENT' ? t('no longer exists') : t('cannot be read now ({0})', m.error) });
        dropped.add(i);
      } else if (request.skipIfLinkedOutside && m.keptByLinksFiles > 0) {
        keep.push({ path: p.path, reason: request.skipIfLinkedOutside });
        dropped.add(i);
      }
    });
    if (!dropped.size) break;
    candidates = candidates.filter((_, i) => !dropped.has(i));
    measured = await measureTargets(candidates.map((p) => p.path), { signal: request.signal });
  }
  const targets: DeletionTarget[] = [];
  let keptByLinksBytes = 0;
  let keptByLinksFiles = 0;
  candidates.forEach((p, i) => {
    const m = measured[i];
    keptByLinksBytes += m.keptByLinksBytes;
    keptByLinksFiles += m.keptByLinksFiles;
    const target: DeletionTarget = { path: p.path, root: p.root, dev: m.dev, ino: m.ino, type: m.type, bytes: m.bytes };
    if (p.label) target.label = p.label;
    if (p.group) target.group = p.group;
    if (p.itemId) target.itemId = p.itemId;
    targets.push(target);
  });
  if (keptByLinksFiles > 0) {
    warnings.push(
      t('{0} in {1} stay on disk: ', formatBytes(keptByLinksBytes), formatCount(keptByLinksFiles, 'file')) +
      t('they are hard-linked from outside what is deleted (e.g. an environment still uses them), so deleting frees nothing there.'),
    );
  }
  const plan: DeletionPlan = {
    title: request.title,
    scannedAt: request.scannedAt,
    targets,
    bytes: planBytes(targets),
    bytesMeasured: true,
  };
  if (keep.length) plan.keep = keep;
  if (warnings.length) plan.warnings = warnings;
  if (request.allowRootTargets) plan.allowRootTargets = true;
  if (request.hfManifestEdits?.length) plan.hfManifestEdits = request.hfManifestEdits;
  return plan;
}
