// Parsers for the output of the Linux quota tools, so that quotas are read through the tools'
// stable command-line interfaces (they speak quotactl, NFS rquotad and XFS/Lustre ioctls for us).
// Formats as the tools print them (quota-tools quota.c / repquota.c, xfsprogs quota/quota.c,
// Lustre lfs.c); the test fixtures in test/fixtures/quota/ follow those printf formats.
//   quota -w -p -v [-u|-g]   "Disk quotas for user NAME (uid N):" then one line per file system:
//                            DEVICE  BLOCKS[*] SOFT HARD GRACE  FILES[*] SOFT HARD GRACE
//                            (1 KiB blocks; -p prints grace as epoch seconds, 0 = none; -w keeps
//                            a long device name on the same line)
//   repquota -p -u|-g MOUNT  "*** Report for user quotas on device DEV", then per id:
//                            NAME +- USED SOFT HARD GRACE IUSED ISOFT IHARD IGRACE
//   xfs_quota -c 'quota -b -i -N -u|-g|-p ID' MOUNT
//                            DEVICE BLOCKS SOFT HARD WARNS [TIME] FILES SOFT HARD WARNS [TIME] MOUNT
//   lfs quota -u|-g|-p ID MOUNT
//                            "Disk quotas for usr NAME (uid N):" then MOUNT KBYTES[*] QUOTA LIMIT GRACE FILES[*] QUOTA LIMIT GRACE
import type { LimitKind, VolumeLimit } from './limits';

export interface ParsedQuota {
  kind: Extract<LimitKind, 'user-quota' | 'group-quota' | 'project-quota'>;
  source: 'quota' | 'repquota' | 'xfs_quota' | 'lfs';
  owner: string;
  /** Device (quota, repquota, xfs_quota) or mount point (lfs, xfs_quota) the line is about. */
  device?: string;
  mountPoint?: string;
  usedBytes: number;
  softBytes: number;
  hardBytes: number;
  usedInodes: number;
  softInodes: number;
  hardInodes: number;
  /** Epoch ms when a soft limit's grace ends; 'expired'; or undefined (not over a soft limit). */
  blockGrace?: number | 'expired';
  inodeGrace?: number | 'expired';
}

const KIB = 1024;
const KIND_BY_WORD: Record<string, ParsedQuota['kind']> = {
  user: 'user-quota', usr: 'user-quota', group: 'group-quota', grp: 'group-quota', project: 'project-quota', prj: 'project-quota',
};

/** "12345*" (over a limit) or "[0]" (lfs: a limit not yet granted) -> 12345 / 0; NaN for anything else. */
function num(token: string): number {
  const t = token.replace(/^\[|\]$/g, '').replace(/\*$/, '');
  return /^\d+$/.test(t) ? Number(t) : NaN;
}

/** quota/repquota -p grace: epoch seconds, 0 = not in grace. */
function rawGrace(token: string, nowMs: number): number | 'expired' | undefined {
  const s = Number(token);
  if (!Number.isFinite(s) || s <= 0) return undefined;
  return s * 1000 <= nowMs ? 'expired' : s * 1000;
}

/** `quota -w -p -v` (user or group, one or more headings). */
export function parseQuotaOutput(text: string, nowMs = Date.now()): ParsedQuota[] {
  const out: ParsedQuota[] = [];
  let heading: { kind: ParsedQuota['kind']; owner: string } | undefined;
  for (const line of text.split('\n')) {
    const h = /^Disk quotas for (user|group|project) (.*) \(([ugp])id (\d+)\):/.exec(line);
    if (h) { heading = { kind: KIND_BY_WORD[h[1]], owner: h[2] }; continue; }
    if (!heading || /^\s*Filesystem\s/.test(line)) continue;
    const t = line.trim().split(/\s+/);
    if (t.length < 9) continue;
    const f = t.slice(-8);
    const n = [f[0], f[1], f[2], f[4], f[5], f[6]].map(num);
    if (n.some(Number.isNaN)) continue;
    out.push({
      kind: heading.kind, source: 'quota', owner: heading.owner, device: t.slice(0, -8).join(' '),
      usedBytes: n[0] * KIB, softBytes: n[1] * KIB, hardBytes: n[2] * KIB, blockGrace: rawGrace(f[3], nowMs),
      usedInodes: n[3], softInodes: n[4], hardInodes: n[5], inodeGrace: rawGrace(f[7], nowMs),
    });
  }
  return out;
}

/** `repquota -p -u|-g|-P MOUNT` (all ids on a device; pass `owner` to keep one). */
export function parseRepquotaOutput(text: string, nowMs = Date.now(), owner?: string): ParsedQuota[] {
  const out: ParsedQuota[] = [];
  let section: { kind: ParsedQuota['kind']; device: string } | undefined;
  for (const line of text.split('\n')) {
    const h = /^\*\*\* Report for (user|group|project) quotas on device (.+)$/.exec(line);
    if (h) { section = { kind: KIND_BY_WORD[h[1]], device: h[2].trim() }; continue; }
    if (!section) continue;
    const m = /^(\S+)\s+([-+])([-+])\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) continue;
    const n = [m[4], m[5], m[6], m[8], m[9], m[10]].map(num);
    if (n.some(Number.isNaN)) continue;
    if (owner !== undefined && m[1] !== owner) continue;
    out.push({
      kind: section.kind, source: 'repquota', owner: m[1], device: section.device,
      usedBytes: n[0] * KIB, softBytes: n[1] * KIB, hardBytes: n[2] * KIB, blockGrace: rawGrace(m[7], nowMs),
      usedInodes: n[3], softInodes: n[4], hardInodes: n[5], inodeGrace: rawGrace(m[11], nowMs),
    });
  }
  return out;
}

/** xfs_quota timer text: "[--------]" none, "[-none-]" expired, "[7 days]" / "[6 days 23:59:59]" / "[01:02:03]" left. */
function xfsGrace(token: string, nowMs: number): number | 'expired' | undefined {
  const inner = token.replace(/^\[|\]$/g, '').trim();
  if (/^-+$/.test(inner) || inner === '') return undefined;
  if (/none/.test(inner)) return 'expired';
  const m = /^(?:(\d+) days?)?\s*(?:(\d+):(\d+):(\d+))?$/.exec(inner);
  if (!m) return undefined;
  const seconds = Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return nowMs + seconds * 1000;
}

/** `xfs_quota -c 'quota -b -i -N -v -u|-g|-p ID' MOUNT`: no header, so the caller says whose quota it is. */
export function parseXfsQuotaOutput(text: string, kind: ParsedQuota['kind'], owner: string, nowMs = Date.now()): ParsedQuota[] {
  const out: ParsedQuota[] = [];
  // A device name longer than 19 characters is printed on a line of its own.
  const joined = text.replace(/^(\S+)\n(\s+)/gm, '$1 ');
  const re = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+(\[[^\]]*\])\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+(\[[^\]]*\])\s+(.+?)\s*$/;
  for (const line of joined.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    out.push({
      kind, source: 'xfs_quota', owner, device: m[1], mountPoint: m[10],
      usedBytes: Number(m[2]) * KIB, softBytes: Number(m[3]) * KIB, hardBytes: Number(m[4]) * KIB, blockGrace: xfsGrace(m[5], nowMs),
      usedInodes: Number(m[6]), softInodes: Number(m[7]), hardInodes: Number(m[8]), inodeGrace: xfsGrace(m[9], nowMs),
    });
  }
  return out;
}

/** lfs grace: "-" none, "none" expired, "6d23h59m59s" / "1w2d" / "59s" left. */
function lfsGrace(token: string, nowMs: number): number | 'expired' | undefined {
  if (token === '-' || token === '') return undefined;
  if (token === 'none' || token === 'expired') return 'expired';
  const units: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let seconds = 0;
  let matched = false;
  for (const m of token.matchAll(/(\d+)([wdhms])/g)) { seconds += Number(m[1]) * units[m[2]]; matched = true; }
  return matched ? nowMs + seconds * 1000 : undefined;
}

/** `lfs quota -u|-g|-p ID MOUNT` (the summary line of the file system; per-target lines need -v and are ignored). */
export function parseLfsQuotaOutput(text: string, nowMs = Date.now()): ParsedQuota[] {
  const out: ParsedQuota[] = [];
  let heading: { kind: ParsedQuota['kind']; owner: string } | undefined;
  // A long mount point is printed on a line of its own, the numbers on the next.
  const joined = text.replace(/^(\/\S*)\n(\s+)/gm, '$1 ');
  for (const line of joined.split('\n')) {
    const h = /^Disk quotas for (usr|grp|prj|user|group|project) (.*?) \(([ugp])id (\d+)\):/.exec(line);
    if (h) { heading = { kind: KIND_BY_WORD[h[1]], owner: h[2] }; continue; }
    if (!heading) continue;
    const t = line.trim().split(/\s+/);
    if (t.length !== 9 || !t[0].startsWith('/')) continue;
    const n = [t[1], t[2], t[3], t[5], t[6], t[7]].map(num);
    if (n.some(Number.isNaN)) continue;
    out.push({
      kind: heading.kind, source: 'lfs', owner: heading.owner, mountPoint: t[0],
      usedBytes: n[0] * KIB, softBytes: n[1] * KIB, hardBytes: n[2] * KIB, blockGrace: lfsGrace(t[4], nowMs),
      usedInodes: n[3], softInodes: n[4], hardInodes: n[5], inodeGrace: lfsGrace(t[8], nowMs),
    });
  }
  return out;
}

/**
 * A quota as a volume limit; undefined when it limits nothing (all limits 0). The limit is the hard
 * limit (writes fail there); a soft limit alone limits once its grace runs out, so with no hard
 * limit the soft one stands in. Over a soft limit with the grace expired, nothing is left.
 */
export function quotaToLimit(q: ParsedQuota): VolumeLimit | undefined {
  const limitBytes = q.hardBytes || q.softBytes;
  const limitInodes = q.hardInodes || q.softInodes;
  if (!limitBytes && !limitInodes) return undefined;
  const l: VolumeLimit = { kind: q.kind, source: q.source, owner: q.owner };
  const graces: (number | 'expired')[] = [];
  if (limitBytes) {
    l.limitBytes = limitBytes;
    l.usedBytes = q.usedBytes;
    l.freeBytes = q.blockGrace === 'expired' ? 0 : Math.max(0, limitBytes - q.usedBytes);
    if (q.softBytes && q.hardBytes) l.softLimitBytes = q.softBytes;
    if (q.blockGrace !== undefined) graces.push(q.blockGrace);
  }
  if (limitInodes) {
    l.limitInodes = limitInodes;
    l.usedInodes = q.usedInodes;
    l.freeInodes = q.inodeGrace === 'expired' ? 0 : Math.max(0, limitInodes - q.usedInodes);
    if (q.softInodes && q.hardInodes) l.softLimitInodes = q.softInodes;
    if (q.inodeGrace !== undefined) graces.push(q.inodeGrace);
  }
  if (graces.length) {
    l.grace = graces.includes('expired') ? 'expired' : new Date(Math.min(...(graces as number[]))).toISOString();
  }
  return l;
}
