// Re-validation of one deletion target right before it is acted on. Anything that does not match
// what the scan saw is refused with a reason code; only a target that passes every check is handed
// back, with its parent folder held open so the deletion acts on exactly what was checked. The
// parent is reached from the root one folder at a time by descriptor, and each folder's mount id
// is compared with the root's as it is opened: a mount made inside the root since the scan (even
// a same-device bind mount) is refused at the moment of acting, not looked up in a list.
import * as path from 'path';
import { promises as fsp, type Stats } from 'fs';
import type { DeletionTarget, TargetType } from '../plan/types';
import { DirHandle } from './dirHandle';
import { withPath } from './removeTree';
import { cleanAbsolute, isSameOrInside, protectedBy, relativeInside } from './pathGuards';
import { t } from '../l10n';

/** See the birth-time check below: well under any real delete-and-recreate between scan and confirmation. */
const BIRTH_TIME_SLACK_MS = 5;

export interface ValidTarget {
  ok: true;
  /** Parent folder, held open (the caller closes it). */
  parent: DirHandle;
  name: Buffer;
  /** The target's real path (parents resolved; the target itself is not followed). */
  realPath: string;
  stat: Stats;
  rootDev: number;
  /** The mount every folder of the deletion must be on (the parent's), where Linux tells. */
  rootMountId: number | undefined;
}

export interface RefusedTarget {
  ok: false;
  status: 'skipped' | 'failed';
  code: string;
  message: string;
}

export interface ValidationContext {
  allowRootTargets: boolean;
  /** When the scan behind the plan finished (ms): anything born after it is not what was scanned. */
  scannedAt: number;
  protectedPaths: readonly string[];
  /** Only where mount ids are unavailable (no /proc/self/fdinfo): the mount table. */
  mountPoints?: ReadonlySet<string>;
}

const refuse = (code: string, message: string): RefusedTarget => ({ ok: false, status: 'skipped', code, message });
const errno = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
const missing = (err: unknown) => errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR';

function typeOf(st: Stats): TargetType | 'other' {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

export async function validateTarget(target: DeletionTarget, ctx: ValidationContext): Promise<ValidTarget | RefusedTarget> {
  const targetPath = cleanAbsolute(target.path);
  const rootPath = cleanAbsolute(target.root);
  if (!targetPath || !rootPath) return refuse('invalid-path', t('not a clean absolute path: {0} under {1}', JSON.stringify(target.path), JSON.stringify(target.root)));
  const lexicalGuard = protectedBy(targetPath, ctx.protectedPaths);
  if (lexicalGuard) return refuse('protected', t('{0} is protected and {1}', lexicalGuard, targetPath === lexicalGuard ? t('this is it') : t('lies inside this')));

  let realRoot: string;
  let rootStat: Stats;
  try {
    realRoot = await fsp.realpath(rootPath);
    rootStat = await fsp.lstat(realRoot);
  } catch (err) {
    return refuse('root-missing', t('the scanned root {0} is gone ({1})', rootPath, errno(err)));
  }
  if (!rootStat.isDirectory()) return refuse('root-missing', t('the scanned root {0} is no longer a folder', rootPath));

  // Scanned paths lie under the root (as given or resolved) with no symlink between: the walker
  // never follows one. So the target's parent, resolved, must be exactly that place now.
  const rel = relativeInside(targetPath, rootPath) ?? relativeInside(targetPath, realRoot);
  if (rel === undefined) return refuse('outside-root', t('{0} is not inside its root {1}', targetPath, rootPath));
  let realPath: string;
  let parentPath: string;
  if (rel === '') {
    if (!ctx.allowRootTargets) return refuse('is-root', t('{0} is the scanned root itself; only a cache purge may remove a root', targetPath));
    realPath = realRoot;
    parentPath = path.dirname(realRoot);
    if (realRoot === '/') return refuse('protected', '/ is never deleted');
  } else {
    const expectedParent = path.dirname(rel) === '.' ? realRoot : path.join(realRoot, path.dirname(rel));
    let realParent: string;
    try {
      realParent = await fsp.realpath(path.dirname(targetPath));
    } catch (err) {
      if (missing(err)) return refuse('vanished', t('{0} no longer exists (a parent folder is gone)', targetPath));
      return { ok: false, status: 'failed', code: errno(err), message: t('cannot resolve the parent of {0}: {1}', targetPath, (err as Error).message) };
    }
    if (realParent !== expectedParent) {
      return isSameOrInside(realParent, realRoot)
        ? refuse('parent-changed', t('a parent of {0} was replaced by a symlink (now resolves to {1}); left alone', targetPath, realParent))
        : refuse('outside-root', t('a parent of {0} now resolves to {1}, outside the root {2}; left alone', targetPath, realParent, realRoot));
    }
    realPath = path.join(realParent, path.basename(targetPath));
    parentPath = realParent;
  }
  const realGuard = protectedBy(realPath, ctx.protectedPaths);
  if (realGuard) return refuse('protected', t('{0} is protected and {1}', realGuard, realPath === realGuard ? t('this is it') : t('lies inside this')));

  let parent: DirHandle | undefined;
  try {
    parent = rel === '' ? await DirHandle.openReal(parentPath) : await openParentFromRoot(realRoot, rel);
  } catch (err) {
    if (err instanceof Refusal) return err.refused;
    if (missing(err)) return refuse('vanished', t('{0} no longer exists (its folder is gone)', targetPath));
    if (errno(err) === 'ELOOP') return refuse('parent-changed', t('a parent of {0} was replaced by a symlink; left alone', targetPath));
    return { ok: false, status: 'failed', code: errno(err), message: t('cannot open the folder of {0}: {1}', targetPath, withPath((err as Error).message, parentPath)) };
  }
  if (!parent) return refuse('parent-changed', t('the folder of {0} moved while it was checked; left alone', targetPath));

  const name = Buffer.from(path.basename(realPath));
  const keep = <T extends RefusedTarget>(r: T): T => { void parent!.close(); return r; };
  let stat: Stats;
  try {
    stat = await fsp.lstat(parent.entry(name));
  } catch (err) {
    if (missing(err)) return keep(refuse('vanished', t('{0} no longer exists', targetPath)));
    return keep({ ok: false, status: 'failed', code: errno(err), message: t('cannot check {0}: {1}', targetPath, withPath((err as Error).message, realPath)) });
  }
  if (stat.isDirectory() && parent.mountId !== undefined) {
    // Opened now: a mount made on the target since the scan is crossed by this
    // open and shows (checked before identity: the lstat above already saw the mount's root).
    const targetMount = await DirHandle.mountIdAt(parent, name);
    if (targetMount !== undefined && targetMount !== parent.mountId) return keep(refuse('mount-point', t('{0} is a mount point; never deleted', realPath)));
  } else if (ctx.mountPoints?.has(realPath)) {
    return keep(refuse('mount-point', t('{0} is a mount point; never deleted', realPath)));
  }
  const type = typeOf(stat);
  if (type !== target.type || stat.dev !== target.dev || stat.ino !== target.ino) {
    const what = type !== target.type ? t('is now a {0} (was a {1})', type, target.type) : t('is a different file or folder than the scan saw (device/inode changed)');
    return keep(refuse('changed', t('{0} {1}; left alone', targetPath, what)));
  }
  // Inode numbers are reused: a folder deleted and re-created (a job that restarted) can get the
  // same dev+ino. Where the filesystem records a birth time (statx; 0 where it does not), an
  // entry born after the scan finished cannot be what the scan saw. The slack absorbs clock
  // granularity: Date.now() truncates to the millisecond while birth times carry nanoseconds, so
  // an entry made in the same millisecond the scan ended would otherwise look newer than it.
  if (stat.birthtimeMs > ctx.scannedAt + BIRTH_TIME_SLACK_MS) {
    return keep(refuse('changed', t('{0} was created after the scan ({1}); left alone', targetPath, new Date(stat.birthtimeMs).toISOString())));
  }
  if (stat.dev !== rootStat.dev) return keep(refuse('other-device', t('{0} is on another filesystem than its root {1}; never deleted', realPath, realRoot)));
  return { ok: true, parent, name, realPath, stat, rootDev: rootStat.dev, rootMountId: parent.mountId };
}

class Refusal extends Error {
  constructor(readonly refused: RefusedTarget) { super(refused.message); }
}

/**
 * Opens the folder holding `root/rel` by walking down from the root one name at a time, never
 * following a symlink (ELOOP/ENOTDIR are thrown), each folder opened through the one above it.
 * Throws a Refusal when a folder on the way is on another mount than the root (Linux), so a
 * mount made on the run folder or any folder above the target is caught when it is reached.
 */
async function openParentFromRoot(realRoot: string, rel: string): Promise<DirHandle | undefined> {
  const root = await DirHandle.openReal(realRoot);
  if (!root) return undefined;
  const names = path.dirname(rel) === '.' ? [] : path.dirname(rel).split('/');
  let dir = root;
  try {
    for (const name of names) {
      const next = (await DirHandle.openChild(dir, Buffer.from(name)))!;
      if (dir !== root) await dir.close();
      dir = next;
      if (root.mountId !== undefined && dir.mountId !== root.mountId) {
        const code = (await dir.stat()).dev !== (await root.stat()).dev ? 'other-device' : 'mount-point';
        throw new Refusal(refuse(code, t('{0} is a mount point now ({1} inside the root); everything under it is left alone', dir.displayPath, code === 'other-device' ? t('another filesystem') : t('a bind mount'))));
      }
    }
    if (dir !== root) await root.close();
    return dir;
  } catch (err) {
    if (dir !== root) await dir.close();
    await root.close();
    throw err;
  }
}
