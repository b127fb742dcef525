// The one executor for every deletion (checkpoints, caches, workspace items). It takes a plan made
// from a scan and, for each target right before acting, re-checks it against what the scan saw
// (safety/validateTarget.ts); a target that changed is skipped and reported, never deleted.
// Folders are removed by our own lstat-based remover (safety/removeTree.ts): it never follows a
// symlink, never leaves the root's filesystem, and collects per-entry errors. It runs in a worker
// thread (safety/treeRemover.ts) with synchronous calls, at `rm -rf`'s pace; everything on this
// thread is asynchronous (fs.promises), so running it in the extension host does not block the editor.
import type { DeleteMode, DeletionPlan, DeletionTarget, ExecutionReport, TargetOutcome } from './plan/types';
import { mountIdsAvailable } from './safety/mountId';
import { readMountPoints } from './safety/mountPoints';
import { resolveProtectedPaths } from './safety/pathGuards';
import { withPath, type EntryError } from './safety/removeTree';
import { createTreeRemover, type TreeRemover } from './safety/treeRemover';
import { validateTarget } from './safety/validateTarget';
import { promises as fsp } from 'fs';
import { t as tr } from './l10n';

export type { EntryError } from './safety/removeTree';

export interface ExecuteOptions {
  /** 'permanent' (default) or 'trash' (needs `trash`). */
  mode?: DeleteMode;
  /** Stops between targets and between entries of a large folder; the rest is reported as skipped 'cancelled'. */
  signal?: AbortSignal;
  /** done/total count targets; currentPath is the entry being removed (throttled inside a large folder). */
  onProgress?: (done: number, total: number, currentPath: string) => void;
  /** Moves a path to the OS trash (the host passes VS Code's). Without it, trash mode deletes nothing. */
  trash?: (path: string) => Promise<void>;
  /** Never deleted, nor anything containing them (HOME, workspace folders, active conda env, base prefix). '/' and HOME are always added. */
  protectedPaths?: string[];
  /** Refuse the whole plan when it is older than this (minutes since plan.scannedAt). */
  planMaxAgeMinutes?: number;
  /** Current time in ms (tests). */
  now?: number;
  /** Minimum ms between progress calls inside a folder (default 100; 0 reports every entry). */
  progressIntervalMs?: number;
}

/** A target's outcome with the entries that could not be removed inside a folder. */
export interface ExecutorOutcome extends TargetOutcome {
  /** Entries that failed inside a folder target (at most 100 kept; `entryErrorCount` counts all). */
  entryErrors?: EntryError[];
  entryErrorCount?: number;
  /** Files, links and folders removed for this target (a partial failure still removes some). */
  removedEntries?: number;
  /** The real path acted on (parents resolved), when the target passed re-validation. */
  realPath?: string;
}

export interface ExecutorReport extends ExecutionReport {
  outcomes: ExecutorOutcome[];
  mode: DeleteMode;
}

const PROGRESS_INTERVAL_MS = 100;

export async function executePlan(plan: DeletionPlan, options: ExecuteOptions = {}): Promise<ExecutorReport> {
  const mode = options.mode ?? 'permanent';
  const total = plan.targets.length;
  const outcomes: ExecutorOutcome[] = [];
  const touchedRoots = new Set<string>();
  const report = (cancelled: boolean): ExecutorReport => ({
    title: plan.title,
    outcomes,
    bytesFreed: outcomes.reduce((sum, o) => (o.status === 'deleted' ? sum + o.bytes : sum), 0),
    cancelled,
    touchedRoots: [...touchedRoots],
    mode,
  });
  const base = (t: DeletionTarget): Pick<TargetOutcome, 'path' | 'label' | 'bytes'> => ({ path: t.path, label: t.label, bytes: t.bytes });

  const now = options.now ?? Date.now();
  if (options.planMaxAgeMinutes !== undefined && now - plan.scannedAt > options.planMaxAgeMinutes * 60_000) {
    const age = Math.round((now - plan.scannedAt) / 60_000);
    for (const t of plan.targets) {
      outcomes.push({ ...base(t), status: 'skipped', code: 'plan-too-old', message: tr('the plan is {0} min old (limit {1} min); scan again', age, options.planMaxAgeMinutes) });
    }
    return report(false);
  }

  const protectedPaths = await resolveProtectedPaths(options.protectedPaths);
  let lastProgress = 0;
  const progress = (done: number, current: string, force = false) => {
    if (!options.onProgress) return;
    const t = Date.now();
    if (!force && t - lastProgress < (options.progressIntervalMs ?? PROGRESS_INTERVAL_MS)) return;
    lastProgress = t;
    options.onProgress(done, total, current);
  };

  const remover = createTreeRemover();
  try {
    for (let i = 0; i < total; i++) {
      const target = plan.targets[i];
      if (options.signal?.aborted) {
        for (const t of plan.targets.slice(i)) outcomes.push({ ...base(t), status: 'skipped', code: 'cancelled', message: tr('cancelled before this item; left intact') });
        progress(i, '', true);
        return report(true);
      }
      progress(i, target.path, true);
      outcomes.push(await executeTarget(target, plan, mode, options, protectedPaths, (p) => progress(i, p), touchedRoots, remover));
    }
  } finally {
    await remover.close();
  }
  progress(total, '', true);
  return report(outcomes.some((o) => o.code === 'cancelled'));
}

async function executeTarget(
  target: DeletionTarget,
  plan: DeletionPlan,
  mode: DeleteMode,
  options: ExecuteOptions,
  protectedPaths: string[],
  onEntry: (path: string) => void,
  touchedRoots: Set<string>,
  remover: TreeRemover,
): Promise<ExecutorOutcome> {
  const base = { path: target.path, label: target.label, bytes: target.bytes };
  // Mount ids (Linux) are read from each folder as it is opened; the mount table, read now, is
  // only the fallback where the platform has none.
  const mountPoints = (await mountIdsAvailable()) ? undefined : await readMountPoints();
  const valid = await validateTarget(target, { allowRootTargets: plan.allowRootTargets === true, scannedAt: plan.scannedAt, protectedPaths, mountPoints });
  if (!valid.ok) return { ...base, status: valid.status, code: valid.code, message: valid.message };
  const { parent, name, realPath, stat, rootDev, rootMountId } = valid;
  try {
    if (mode === 'trash') {
      if (!options.trash) return { ...base, realPath, status: 'skipped', code: 'trash-unavailable', message: tr('no trash is available here; nothing was deleted (choose permanent deletion to go on)') };
      try {
        await options.trash(realPath);
      } catch (err) {
        const stillThere = await fsp.lstat(parent.entry(name)).then((st) => st.ino === stat.ino, () => false);
        if (stillThere) return { ...base, realPath, status: 'skipped', code: 'trash-unavailable', message: tr('the trash refused it ({0}); nothing was deleted', (err as Error)?.message ?? err) };
        touchedRoots.add(target.root);
        return { ...base, realPath, status: 'failed', code: 'trash-partial', message: tr('the trash failed ({0}) and the item is no longer at its place', (err as Error)?.message ?? err) };
      }
      touchedRoots.add(target.root);
      return { ...base, realPath, status: 'deleted', code: 'trashed', message: tr('moved to the trash; the space returns when the trash is emptied') };
    }

    if (!stat.isDirectory()) {
      try {
        // unlink removes a symlink as a link; its target is untouched.
        await fsp.unlink(parent.entry(name));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
        if (code === 'ENOENT') return { ...base, realPath, status: 'skipped', code: 'vanished', message: tr('{0} disappeared just before deletion', target.path) };
        return { ...base, realPath, status: 'failed', code, message: withPath((err as Error).message, realPath) };
      }
      touchedRoots.add(target.root);
      onEntry(realPath);
      return { ...base, realPath, status: 'deleted', removedEntries: 1 };
    }

    const result = await remover.remove(parent, name, stat, {
      rootDev,
      rootMountId,
      mountPoints: rootMountId === undefined ? mountPoints ?? await readMountPoints() : undefined,
      signal: options.signal,
      onEntry,
      progressIntervalMs: options.progressIntervalMs ?? PROGRESS_INTERVAL_MS,
    });
    if (result.removedEntries > 0) touchedRoots.add(target.root);
    const extra = { realPath, removedEntries: result.removedEntries, entryErrors: result.errors.length ? result.errors : undefined, entryErrorCount: result.errorCount || undefined };
    if (result.complete) return { ...base, ...extra, status: 'deleted' };
    if (result.cancelled) {
      const status = result.removedEntries > 0 ? 'failed' : 'skipped';
      return { ...base, ...extra, status, code: 'cancelled', message: result.removedEntries > 0 ? tr('cancelled after removing {0} entries; the rest is still there', result.removedEntries) : tr('cancelled before anything in it was removed') };
    }
    const first = result.errors[0];
    return {
      ...base, ...extra, status: 'failed', code: first?.code ?? 'incomplete',
      message: (result.errorCount === 1 ? tr('{0} entry could not be removed', result.errorCount) : tr('{0} entries could not be removed', result.errorCount)) + (first ? tr(' (first: {0} {1})', first.code, first.path) : '') + tr('; {0} removed', result.removedEntries),
    };
  } finally {
    await parent.close();
  }
}
