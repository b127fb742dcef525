// Human-readable sizes and ages. Decimal units (1 GB = 1e9 bytes), as `du -h --si`, `docker system df`
// and file managers on Linux/macOS show them.
import { t } from './l10n';
import { COUNT_NOUNS } from './countNouns';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${sign}${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatAge(ms: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return t('just now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t('{0} h ago', hours);
  const days = Math.round(hours / 24);
  if (days < 60) return t('{0} days ago', days);
  const months = Math.round(days / 30);
  if (months < 24) return t('{0} months ago', months);
  return t('{0} years ago', Math.round(days / 365));
}

export function formatCount(n: number, noun: string): string {
  const translated = COUNT_NOUNS[noun];
  return translated ? translated(n) : `${n} ${noun}${n === 1 ? '' : 's'}`;
}
