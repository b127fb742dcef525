// Reads the quotas that apply to a path by running the quota tools that exist on this machine
// (parsers in quotaParse.ts). Every tool runs with LC_ALL=C (the parsers read English headings),
// a short timeout (an NFS rquotad that does not answer must not hang a scan) and no shell.
// Missing tools, file systems without quotas and tool errors all mean "no quota known": a note,
// never a failure.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mountOf, type MountEntry } from './mountOf';
import {
  parseLfsQuotaOutput, parseQuotaOutput, parseRepquotaOutput, parseXfsQuotaOutput, quotaToLimit, type ParsedQuota,
} from './quotaParse';
import type { VolumeLimit } from './limits';
import { t } from '../l10n';

const TIMEOUT_MS = 5000;

export interface QuotaReading {
  limits: VolumeLimit[];
  /** Which tools ran and what they said, for --json and the log. */
  notes: string[];
}

export function findTool(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...envPath.split(path.delimiter), '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch { /* next */ }
  }
  return undefined;
}

function run(file: string, args: string[]): Promise<{ stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: TIMEOUT_MS, maxBuffer: 4 << 20, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      // quota exits 1 when a limit is exceeded: the output is still the answer.
      const code = (err as { code?: unknown } | null)?.code;
      const error = err && !stdout ? (String(stderr).trim().split('\n')[0] || (typeof code === 'number' ? t('exit {0}, no output', code) : err.message)) : undefined;
      resolve({ stdout: String(stdout), error });
    });
  });
}

/** A path's project id (ext4/XFS project quotas) from `lsattr -pd`; undefined when none or unknown. */
async function projectIdOf(p: string): Promise<number | undefined> {
  const lsattr = findTool('lsattr');
  if (!lsattr) return undefined;
  const r = await run(lsattr, ['-pd', p]);
  const id = Number(/^\s*(\d+)\s/.exec(r.stdout)?.[1]);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

const userName = () => { try { return os.userInfo().username; } catch { return String(process.getuid?.() ?? ''); } };

/** Quota limits on the volume of `p` for the current user, their groups and the path's project. */
export async function readQuotas(p: string, mount?: MountEntry): Promise<QuotaReading> {
  const notes: string[] = [];
  const found: ParsedQuota[] = [];
  const m = mount ?? (await mountOf(p));
  if (!m) return { limits: [], notes: [t('mount of the path unknown: quotas not read')] };
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const sameDevice = (q: ParsedQuota) => q.device === m.source || q.mountPoint === m.mountPoint;

  if (m.fsType === 'lustre') {
    const lfs = findTool('lfs');
    if (!lfs) notes.push(t('Lustre file system but no lfs command: quotas not read'));
    else {
      for (const [flag, id] of [['-u', String(uid)], ['-g', String(gid)]]) {
        const r = await run(lfs, ['quota', flag, id, m.mountPoint]);
        if (r.error) notes.push(t('lfs quota {0}: {1}', flag, r.error));
        found.push(...parseLfsQuotaOutput(r.stdout).filter(sameDevice));
      }
    }
  } else if (m.fsType === 'xfs' && findTool('xfs_quota')) {
    const xfs = findTool('xfs_quota')!;
    const project = await projectIdOf(p);
    const asks: [string, string, ParsedQuota['kind'], string][] = [['-u', String(uid), 'user-quota', userName()], ['-g', String(gid), 'group-quota', `gid ${gid}`]];
    if (project !== undefined) asks.push(['-p', String(project), 'project-quota', `project ${project}`]);
    for (const [flag, id, kind, owner] of asks) {
      const r = await run(xfs, ['-c', `quota -b -i -N -v ${flag} ${id}`, m.mountPoint]);
      if (r.error) notes.push(t('xfs_quota {0}: {1}', flag, r.error));
      found.push(...parseXfsQuotaOutput(r.stdout, kind, owner).filter(sameDevice));
    }
  } else {
    const quota = findTool('quota');
    const repquota = findTool('repquota');
    if (quota) {
      const r = await run(quota, ['-w', '-p', '-v', '-u', '-g']);
      if (r.error) notes.push(`quota: ${r.error}` + (/^exit \d+, no output$/.test(r.error) ? t(' (no file system with quotas for you)') : ''));
      found.push(...parseQuotaOutput(r.stdout).filter(sameDevice));
      const project = await projectIdOf(p);
      if (project !== undefined) {
        const rp = await run(quota, ['-w', '-p', '-v', '-P', String(project)]);
        found.push(...parseQuotaOutput(rp.stdout).filter(sameDevice));
      }
    } else if (repquota) {
      // repquota lists every id and usually needs root; keep the current user's line.
      const r = await run(repquota, ['-p', '-u', m.mountPoint]);
      if (r.error) notes.push(`repquota: ${r.error}`);
      found.push(...parseRepquotaOutput(r.stdout, Date.now(), userName()));
    } else {
      notes.push(t('no quota tools (quota, repquota) on this machine: user and group quotas not read'));
    }
  }
  const limits = found.map(quotaToLimit).filter((l): l is VolumeLimit => l !== undefined);
  return { limits, notes };
}
