// Several plans over distinct files (different caches, different categories) as one plan, so a
// multi-selection is confirmed once and executed in order.
import { planBytes, type DeletionPlan } from './types';

export function mergePlans(title: string, plans: DeletionPlan[]): DeletionPlan {
  if (plans.length === 1) return plans[0];
  const targets = plans.flatMap((p) => p.targets);
  const keep = plans.flatMap((p) => p.keep ?? []);
  const warnings = plans.flatMap((p) => p.warnings ?? []);
  const merged: DeletionPlan = {
    title,
    scannedAt: Math.min(...plans.map((p) => p.scannedAt)),
    targets,
    bytes: planBytes(targets),
  };
  if (keep.length) merged.keep = keep;
  if (warnings.length) merged.warnings = [...new Set(warnings)];
  if (plans.some((p) => p.allowRootTargets)) merged.allowRootTargets = true;
  const second = plans.find((p) => p.needsSecondConfirmation)?.needsSecondConfirmation;
  if (second) merged.needsSecondConfirmation = second;
  const edits = plans.flatMap((p) => p.hfManifestEdits ?? []);
  if (edits.length) merged.hfManifestEdits = edits;
  return merged;
}
