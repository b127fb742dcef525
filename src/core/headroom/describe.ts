// Short English for limits: the status bar's text, its tooltip lines and the CLI's report.
import { formatBytes } from '../format';
import { limitName, type BindingLimit, type VolumeLimit } from './limits';
import { t } from '../l10n';

const count = (n: number) => n.toLocaleString('en-US');

function graceText(l: VolumeLimit): string {
  if (!l.grace) return '';
  return l.grace === 'expired' ? t('; over the soft limit and its grace period has ended: writes fail') : t('; over the soft limit, grace period ends {0} UTC', l.grace.slice(0, 16).replace('T', ' '));
}

/** One line per limit, for tooltips and the report: "your quota (quota): 3.1 GB left of 10 GB; 1,200 of 5,000 files left". */
export function describeLimit(l: VolumeLimit): string {
  const parts: string[] = [];
  if (l.limitBytes !== undefined && l.freeBytes !== undefined) {
    parts.push(t('{0} left of {1}', formatBytes(l.freeBytes), formatBytes(l.limitBytes)) + (l.softLimitBytes ? t(' (soft limit {0})', formatBytes(l.softLimitBytes)) : ''));
  }
  if (l.limitInodes !== undefined && l.freeInodes !== undefined) {
    parts.push(t('{0} of {1} inodes left', count(l.freeInodes), count(l.limitInodes)) + (l.softLimitInodes ? t(' (soft limit {0})', count(l.softLimitInodes)) : ''));
  }
  const name = limitName(l);
  return `${name[0].toUpperCase()}${name.slice(1)}: ${parts.join('; ')}${graceText(l)}`;
}

/** The binding limit in a sentence: "inodes: 12 of 50 left (files and folders, not bytes, run out first)". */
export function describeBinding(b: BindingLimit): string {
  if (b.resource === 'inodes') {
    return t('{0}: {1} of {2} inodes left (each file or folder takes one, whatever its size){3}', limitName(b), count(b.freeInodes ?? 0), count(b.limitInodes ?? 0), graceText(b));
  }
  return t('{0}: {1} left of {2}{3}', limitName(b), formatBytes(b.freeBytes ?? 0), formatBytes(b.limitBytes ?? 0), graceText(b));
}

/** Status-bar text for a binding limit other than the disk's bytes: "12 inodes left", "3.1 GB left of your quota". */
export function bindingStatusText(b: BindingLimit): string {
  if (b.resource === 'inodes') return t('{0} inodes left', count(b.freeInodes ?? 0)) + (b.kind === 'inodes' ? '' : t(' in {0}', limitName(b)));
  return t('{0} left of {1}', formatBytes(b.freeBytes ?? 0), limitName(b));
}
