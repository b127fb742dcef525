// Ctrl-C while a confirmed deletion runs. Node's default for SIGINT is to die at once: a folder
// half-deleted and no word about it. Instead the first Ctrl-C asks the executor to stop between
// two entries (its AbortSignal); the command then prints what was removed and what is left and
// exits 130. A second Ctrl-C quits at once, and says that the report is missing.
import { displayLines } from '../core/displayText';
import { formatBytes } from '../core/format';
import type { ExecutorReport } from '../core/executor';

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
      process.stderr.write('\nStopping after the entry being removed now... (Ctrl-C again to quit without the report)\n');
      controller.abort();
      return;
    }
    process.stderr.write('Quit at once: what was removed is not listed. Scan again to see what is left.\n');
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
  const lines = [`Stopped by Ctrl-C. Reclaimed ${formatBytes(report.bytesFreed)} (${removed.length} of ${report.outcomes.length} item${report.outcomes.length === 1 ? '' : 's'} removed).`];
  if (removed.length) {
    lines.push('Removed:');
    for (const o of removed) lines.push(`  ${formatBytes(o.bytes).padStart(9)}  ${o.path}`);
  }
  if (partly.length) {
    lines.push('Partly removed (the rest is still there):');
    for (const o of partly) lines.push(`  ${o.path}: ${o.removedEntries} entr${o.removedEntries === 1 ? 'y' : 'ies'} removed`);
  }
  if (untouched.length) {
    lines.push('Left as it was:');
    for (const o of untouched) lines.push(`  ${o.path}${o.code && o.code !== 'cancelled' ? `  (${o.code}: ${o.message ?? ''})` : ''}`);
  }
  // Each line escaped on its own: a name holding a newline or ESC cannot forge another line.
  return displayLines(lines);
}
