// `ml-disk-space memory [--json] [--hours N]`: RAM, swap, /dev/shm, Python processes with their
// OOM-killer scores, and the OOM kills of the last N hours (default 24). Reads only.
import { memoryJson, memoryReport, memoryText } from '../../core/headroom/memory';
import { intFlag, parseArgs, UsageError } from '../args';
import { print, printJson } from '../output';
import { t } from '../../core/l10n';

export async function memoryCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['hours'], ['json']);
  if (args.positionals.length) throw new UsageError(t('memory takes no arguments (got {0})', args.positionals[0]));
  const hours = intFlag(args, 'hours', 24, 1);
  const now = Date.now();
  const report = await memoryReport({ env: process.env, now, sinceMs: now - hours * 3600_000 });
  if (args.flags.has('json')) printJson(memoryJson(report));
  else print(memoryText(report));
  return 0;
}
