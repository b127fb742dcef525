// The limits that can stop a write on one volume, and which of them runs out first. statfs gives
// the file system's free bytes and free inodes; quotas (quotaRead.ts) add the user's, group's and
// project's own limits on the same volume. "Binding" = the limit nearest to running out: among byte
// limits the one with the fewest bytes left (every write spends the same bytes on all of them),
// among inode limits the one with the fewest inodes left, and between the two the one more used.
import { t } from '../l10n';
export type LimitKind = 'filesystem' | 'inodes' | 'user-quota' | 'group-quota' | 'project-quota';

export interface VolumeLimit {
  kind: LimitKind;
  /** Where the limit comes from: 'statfs', 'quota', 'repquota', 'xfs_quota', 'lfs'. */
  source: string;
  /** Who the quota is for ("alice", "uid 1000", "project 42"); absent for file-system limits. */
  owner?: string;
  limitBytes?: number;
  usedBytes?: number;
  freeBytes?: number;
  /** Soft byte limit of a quota, when set: going over it starts the grace period. */
  softLimitBytes?: number;
  limitInodes?: number;
  usedInodes?: number;
  freeInodes?: number;
  softLimitInodes?: number;
  /** A soft limit is exceeded: when its grace period ends (ISO time), or 'expired' (writes now fail). */
  grace?: string;
}

export interface BindingLimit extends VolumeLimit {
  /** What runs out first under this limit. */
  resource: 'bytes' | 'inodes';
  /** 0-100: how used the binding resource is. */
  percentUsed: number;
}

export interface StatfsNumbers {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** The file system's own limits: bytes available to unprivileged users, and inodes (when the file system counts them). */
export function statfsLimits(s: StatfsNumbers): VolumeLimit[] {
  const total = s.blocks * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  const available = s.bavail * s.bsize;
  // Like df: the limit seen by a user is used + available (blocks reserved for root excluded).
  const limits: VolumeLimit[] = [{ kind: 'filesystem', source: 'statfs', limitBytes: Math.min(total, used + available), usedBytes: used, freeBytes: available }];
  // btrfs, NFS and others report 0 files: they have no fixed inode table, so no inode limit.
  if (s.files > 0) {
    limits.push({ kind: 'inodes', source: 'statfs', limitInodes: s.files, usedInodes: s.files - s.ffree, freeInodes: s.ffree });
  }
  return limits;
}

function percent(used: number | undefined, limit: number | undefined, free: number | undefined): number {
  if (!limit || limit <= 0) return 0;
  if (free !== undefined && free <= 0) return 100;
  const u = used ?? (free !== undefined ? limit - free : 0);
  return Math.max(0, Math.min(100, (u / limit) * 100));
}

/** The limit that runs out first, or undefined when there is none. */
export function bindingLimit(limits: VolumeLimit[]): BindingLimit | undefined {
  let bytes: VolumeLimit | undefined;
  let inodes: VolumeLimit | undefined;
  for (const l of limits) {
    if (l.freeBytes !== undefined && l.limitBytes && (!bytes || l.freeBytes < bytes.freeBytes!)) bytes = l;
    if (l.freeInodes !== undefined && l.limitInodes && (!inodes || l.freeInodes < inodes.freeInodes!)) inodes = l;
  }
  const b = bytes && { ...bytes, resource: 'bytes' as const, percentUsed: percent(bytes.usedBytes, bytes.limitBytes, bytes.freeBytes) };
  const i = inodes && { ...inodes, resource: 'inodes' as const, percentUsed: percent(inodes.usedInodes, inodes.limitInodes, inodes.freeInodes) };
  if (!b) return i;
  if (!i) return b;
  return i.percentUsed > b.percentUsed ? i : b;
}

const KIND_TEXT: Record<LimitKind, string> = {
  get filesystem() { return t('the disk'); },
  get inodes() { return t('the file system\'s inodes'); },
  get 'user-quota'() { return t('your quota'); },
  get 'group-quota'() { return t('your group\'s quota'); },
  get 'project-quota'() { return t('the project quota'); },
};

/** "your quota", "the disk"...: what a limit is, for sentences. */
export function limitName(l: VolumeLimit): string {
  return KIND_TEXT[l.kind] + (l.owner && l.kind !== 'user-quota' ? ` (${l.owner})` : '');
}
