// Ctrl-C while a confirmed deletion runs. Node's default for SIGINT is to die at once: a folder
// half-deleted and no word about it. Instead the first Ctrl-C asks the executor to stop between
// two entries (its AbortSignal); the command then prints what was removed and what is left and
// exits 130. A second Ctrl-C quits at once, and says that the report is missing.
import { displayLines } from '../core/displayText';
import { formatBytes } from '../core/format';
import type { ExecutorReport } from '../core/executor';
import { t } from '../core/l10n';

export const EXIT_INTERRUPTED = 130;

export interface CtrlC {
  signal: AbortSignal;
  /** Restores Node's default handling (call when the deletion is over). */
  dispose(): void;
}

export function stopOnCtrlC(): CtrlC {
  const controller = new AbortController();
  const onSigint = () => {
    if (!controller.signal.aborted) {
      process.stderr.write(t('\nStopping after the entry being removed now... (Ctrl-C again to quit without the report)\n'));
      controller.abort();
      return;
    }
    process.stderr.write(t('Quit at once: what was removed is not listed. Scan again to see what is left.\n'));
    process.exit(EXIT_INTERRUPTED);
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => { process.off('SIGINT', onSigint); } };
}

/** The report of a deletion stopped by Ctrl-C: removed, partly removed, left untouched. */
export function interruptedText(report: ExecutorReport): string {
  const removed = report.outcomes.filter((o) => o.status === 'deleted');
  const partly = report.outcomes.filter((o) => o.status !== 'deleted' && (o.removedEntries ?? 0) > 0);
  const untouched = report.outcomes.filter((o) => o.status !== 'deleted' && !((o.removedEntries ?? 0) > 0));
  const lines = [(report.outcomes.length === 1 ? t('Stopped by Ctrl-C. Reclaimed {0} ({1} of {2} item removed).', formatBytes(report.bytesFreed), removed.length, report.outcomes.length) : t('Stopped by Ctrl-C. Reclaimed {0} ({1} of {2} items removed).', formatBytes(report.bytesFreed), removed.length, report.outcomes.length))];
  if (removed.length) {
    lines.push(t('Removed:'));
    for (const o of removed) lines.push(`  ${formatBytes(o.bytes).padStart(9)}  ${o.path}`);
  }
  if (partly.length) {
    lines.push(t('Partly removed (the rest is still there):'));
    for (const o of partly) lines.push((o.removedEntries === 1 ? t('  {0}: {1} entry removed', o.path, o.removedEntries) : t('  {0}: {1} entries removed', o.path, o.removedEntries)));
  }
  if (untouched.length) {
    lines.push(t('Left as it was:'));
    for (const o of untouched) lines.push(`  ${o.path}${o.code && o.code !== 'cancelled' ? `  (${o.code}: ${o.message ?? ''})` : ''}`);
  }
  // Each line escaped on its own: a name holding a newline or ESC cannot forge another line.
  return displayLines(lines);
}
