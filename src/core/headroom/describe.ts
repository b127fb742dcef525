// Short English for limits: the status bar's text, its tooltip lines and the CLI's report.
import { formatBytes } from '../format';
import { limitName, type BindingLimit, type VolumeLimit } from './limits';

const count = (n: number) => n.toLocaleString('en-US');

function graceText(l: VolumeLimit): string {
  if (!l.grace) return '';
  return l.grace === 'expired' ? '; over the soft limit and its grace period has ended: writes fail' : `; over the soft limit, grace period ends ${l.grace.slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line per limit, for tooltips and the report: "your quota (quota): 3.1 GB left of 10 GB; 1,200 of 5,000 files left". */
export function describeLimit(l: VolumeLimit): string {
  const parts: string[] = [];
  if (l.limitBytes !== undefined && l.freeBytes !== undefined) {
    parts.push(`${formatBytes(l.freeBytes)} left of ${formatBytes(l.limitBytes)}` + (l.softLimitBytes ? ` (soft limit ${formatBytes(l.softLimitBytes)})` : ''));
  }
  if (l.limitInodes !== undefined && l.freeInodes !== undefined) {
    parts.push(`${count(l.freeInodes)} of ${count(l.limitInodes)} inodes left` + (l.softLimitInodes ? ` (soft limit ${count(l.softLimitInodes)})` : ''));
  }
  const name = limitName(l);
  return `${name[0].toUpperCase()}${name.slice(1)}: ${parts.join('; ')}${graceText(l)}`;
}

/** The binding limit in a sentence: "inodes: 12 of 50 left (files and folders, not bytes, run out first)". */
export function describeBinding(b: BindingLimit): string {
  if (b.resource === 'inodes') {
    return `${limitName(b)}: ${count(b.freeInodes ?? 0)} of ${count(b.limitInodes ?? 0)} inodes left (each file or folder takes one, whatever its size)${graceText(b)}`;
  }
  return `${limitName(b)}: ${formatBytes(b.freeBytes ?? 0)} left of ${formatBytes(b.limitBytes ?? 0)}${graceText(b)}`;
}

/** Status-bar text for a binding limit other than the disk's bytes: "12 inodes left", "3.1 GB left of your quota". */
export function bindingStatusText(b: BindingLimit): string {
  if (b.resource === 'inodes') return `${count(b.freeInodes ?? 0)} inodes left` + (b.kind === 'inodes' ? '' : ` in ${limitName(b)}`);
  return `${formatBytes(b.freeBytes ?? 0)} left of ${limitName(b)}`;
}
