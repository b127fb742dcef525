// `ml-disk-space plan retention [--keep-best K] PATH... [--json]` (deletes nothing) and
// `ml-disk-space apply retention [--keep-best K] PATH... --yes` (executes the same plan).
import { planRetention } from '../../core/categories/checkpoints';
import { executePlan } from '../../core/executor';
import { defaultSettings } from '../../core/settings';
import { HelpRequested, intFlag, parseArgs, UsageError } from '../args';
import { displayLines } from '../../core/displayText';
import { EXIT_INTERRUPTED, interruptedText, stopOnCtrlC } from '../interrupt';
import { notDeleted, planText, scanWarningLines, print, printJson, reportText } from '../output';
import { t } from '../../core/l10n';

export async function retentionCommand(verb: 'plan' | 'apply', argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (what === '--help' || what === '-h') throw new HelpRequested();
  if (what !== 'retention') throw new UsageError(t('usage: ml-disk-space {0} retention [--keep-best K] [--include-active] PATH...{1} [--json]', verb, verb === 'apply' ? ' [--yes]' : ''));
  const args = parseArgs(rest, ['keep-best'], verb === 'apply' ? ['json', 'yes', 'include-active'] : ['json', 'include-active']);
  if (!args.positionals.length) throw new UsageError(t('{0} retention needs at least one PATH (a run folder or a folder above runs)', verb));
  const keepBest = intFlag(args, 'keep-best', defaultSettings().keepBest, 0);
  // Runs that may still be training are left alone unless asked for by name: --include-active.
  const includeActive = args.flags.has('include-active');
  let result;
  try {
    result = await planRetention(args.positionals, keepBest, { env: process.env, includeInProgress: includeActive });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const json = args.flags.has('json');
  if (verb === 'plan' || !args.flags.has('yes')) {
    if (json) printJson(result.json);
    else print(planText(result.plan) + (verb === 'apply' ? '\n' + notDeleted() : t('\nNothing was deleted (plan only).')));
    return 0;
  }
  const ctrlC = stopOnCtrlC();
  let report;
  try {
    report = await executePlan(result.plan, { protectedPaths: [process.cwd()], signal: ctrlC.signal });
  } finally {
    ctrlC.dispose();
  }
  // The plan is not printed with --yes: what the scan could not count is still said.
  if (json) printJson({ ...report, scanWarnings: result.plan.scanWarnings ?? [] });
  else print([displayLines(scanWarningLines(result.plan)), report.cancelled ? interruptedText(report) : reportText(report)].filter(Boolean).join('\n'));
  if (report.cancelled) return EXIT_INTERRUPTED;
  return report.outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}
