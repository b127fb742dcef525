// Removing /dev/shm leftovers: a plan of the reclaimable segments, executed by the one executor
// after a fresh look at /proc right before each removal (a process that mapped or opened a
// segment since the scan keeps it: skipped 'in-use', never deleted).
import { executePlan, type ExecuteOptions, type ExecutorReport } from '../executor';
import type { DeletionPlan } from '../plan/types';
import { fileKey, findFileUsers } from './procUsage';
import type { ShmReport } from './shm';
import { t } from '../l10n';

export const SHM_PURGE_ID = 'shm:leftovers';

export function planShmLeftovers(report: ShmReport): DeletionPlan {
  const targets = report.segments.filter((s) => s.reclaimable).map((s) => ({
    path: s.path, root: report.dir, dev: s.dev, ino: s.ino, type: 'file' as const, bytes: s.bytes, label: `${s.name} (${s.kind})`,
  }));
  return {
    title: t('Remove {0} /dev/shm leftover(s) of exited processes', targets.length),
    scannedAt: report.scannedAt,
    targets,
    bytes: targets.reduce((a, t) => a + t.bytes, 0),
    keep: report.segments.filter((s) => !s.reclaimable).map((s) => ({ path: s.path, reason: s.reason })),
    warnings: report.unreadableProcesses ? [t('{0} process(es) could not be inspected; segments they might use are kept', report.unreadableProcesses)] : [],
  };
}

export async function executeShmPlan(plan: DeletionPlan, options: ExecuteOptions = {}): Promise<ExecutorReport> {
  const merged: ExecutorReport = { title: plan.title, outcomes: [], bytesFreed: 0, cancelled: false, touchedRoots: [], mode: 'permanent' };
  for (const target of plan.targets) {
    const { users } = await findFileUsers(target.dev);
    const pids = users.get(fileKey(target.dev, target.ino));
    if (pids?.size) {
      merged.outcomes.push({ path: target.path, label: target.label, bytes: target.bytes, status: 'skipped', code: 'in-use', message: t('now in use by pid {0}; kept', [...pids].join(', ')) });
      continue;
    }
    const one = await executePlan({ ...plan, targets: [target] }, options);
    merged.outcomes.push(...one.outcomes);
    merged.bytesFreed += one.bytesFreed;
    merged.cancelled ||= one.cancelled;
    for (const r of one.touchedRoots) if (!merged.touchedRoots.includes(r)) merged.touchedRoots.push(r);
  }
  return merged;
}
