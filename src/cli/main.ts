// `ml-disk-space`: the scanning core on the command line, for headless GPU servers.
import * as v8 from 'v8';
import { HelpRequested, UsageError } from './args';
import { installCliTranslation } from './l10n';
import { flushOutput, guardOutput, outputFailure, print, printError } from './output';
import { imageCommand } from './commands/image';
import { metricsCommand } from './commands/metrics';
import { memoryCommand } from './commands/memory';
import { purgeCommand, PURGE_IDS } from './commands/purge';
import { retentionCommand } from './commands/retention';
import { scanCommand } from './commands/scan';
import { t } from '../core/l10n';

/** Words joined by ', ' in lines of at most 96 characters, each starting with `indent`. */
function wrapList(words: string[], indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const w of [...new Set(words)]) {
    const next = line ? `${line}, ${w}` : w;
    if (line && indent.length + next.length > 95) { lines.push(`${indent}${line},`); line = w; } else line = next;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines.join('\n');
}

/** Each command's usage, printed by `ml-disk-space COMMAND --help` and (all of them) by `help`. */
const COMMAND_USAGE: Record<string, string> = {
  get scan() { return t(`  ml-disk-space scan [PATH...] [--json] [--top N] [--no-docker] [--workers N] [--no-history]
      Sizes PATHs (default: the current folder) and the ML caches found from the environment
      (HOME, XDG_CACHE_HOME, HF_HOME, PIP_CACHE_DIR, UV_CACHE_DIR, TORCH_HOME, OLLAMA_MODELS, conda, Docker).
      Adds the volume's free space to a 7-day history ($XDG_STATE_HOME/ml-disk-space/, else
      ~/.local/state/ml-disk-space/) and says how soon it is full at the current rate;
      --no-history leaves the history alone.`); },
  get purge() { return t(`  ml-disk-space purge ID [--yes] [--include-active] [--json]
      Prints what purging a cache or an item (an id from 'scan --json') would delete and free;
      deletes only with --yes (and, for a training run in progress, only with --include-active). IDs:
{0}.`, wrapList(Object.keys(PURGE_IDS), '      ')); },
  get plan() { return t(`  ml-disk-space plan retention [--keep-best K] [--include-active] PATH... [--json]
      The checkpoints a keep-best-K-and-last policy would delete under PATHs. Deletes nothing.
      Runs in progress are left alone unless --include-active.`); },
  get apply() { return t(`  ml-disk-space apply retention [--keep-best K] [--include-active] PATH... [--yes] [--json]
      Executes that plan (only with --yes).`); },
  get image() { return t(`  ml-disk-space image IMAGE [--compare OTHER] [--json] [--top N]
      Why a Docker image is big: its layers, the largest folders inside it, what it is made of
      (CUDA, PyTorch, Python packages, conda, weights, OS) and its waste, with the layer and the fix.
      --compare OTHER: which kinds grew or shrank from IMAGE to OTHER.`); },
  get metrics() { return t(`  ml-disk-space metrics [PATH...] [--output FILE] [--top-runs N] [--no-docker] [--workers N]
      Scans like 'scan' and writes Prometheus metrics (to stdout, or atomically to FILE, e.g. in
      node_exporter's --collector.textfile.directory). Only the top N runs get series (default 20).
  ml-disk-space metrics --install-timer DIR --output FILE.prom [PATH...] [--interval MIN] [--system]
      Writes a systemd service + timer into DIR (e.g. ~/.config/systemd/user) that does it every
      MIN minutes (default 15); --system: a system unit running as you.`); },
  get memory() { return t(`  ml-disk-space memory [--json] [--hours N]
      RAM, swap, /dev/shm (and its leftovers of exited processes), Python processes with RSS,
      oom_score and oom_score_adj, and the OOM killer's kills of the last N hours (default 24).`); },
};
const FOOTER = 'Deletion is permanent. Sizes are disk usage (like du -B1) unless marked apparent.';
/** Built when printed: the usage texts are translated only after installCliTranslation. */
const usage = (): string => t('usage:\n{0}\n{1}', Object.values(COMMAND_USAGE).join('\n'), t(FOOTER));

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan': return await scanCommand(rest);
      case 'purge': return await purgeCommand(rest);
      case 'plan': return await retentionCommand('plan', rest);
      case 'apply': return await retentionCommand('apply', rest);
      case 'image': return await imageCommand(rest);
      case 'metrics': return await metricsCommand(rest);
      case 'memory': return await memoryCommand(rest);
      case 'help': case '--help': case '-h':
        print(usage());
        return 0;
      case undefined:
        try { process.stderr.write(usage() + '\n'); } catch { /* nowhere to say it */ }
        return 2;
      default:
        throw new UsageError(t('unknown command \'{0}\' (try: ml-disk-space help)', command));
    }
  } catch (err) {
    if (err instanceof HelpRequested) {
      print(t('usage:\n{0}\n{1}', COMMAND_USAGE[command] ?? '', t(FOOTER)));
      return 0;
    }
    if (err instanceof UsageError) {
      printError(err.message);
      return 2;
    }
    // Engine down, unreadable folder...: one line, no stack trace.
    printError((err as Error)?.message ?? String(err));
    return 1;
  }
}

/**
 * After the command: if stdout failed (ENOSPC, EPIPE, EIO), one line on stderr. The command ran to
 * its end regardless (a confirmed deletion is never stopped by its own report). A closed pipe
 * (`scan --json | head`) keeps the command's exit code; any other output failure makes it 1.
 */
export async function finishOutput(code: number): Promise<number> {
  await flushOutput();
  const failure = outputFailure();
  if (!failure) return code;
  const what = failure.code === 'EPIPE' ? t('the output was closed early') : t('could not write the output');
  printError(t('{0} ({1}); the command itself ran to its end', what, failure.code ?? failure.message));
  return failure.code === 'EPIPE' ? code : code || 1;
}

if (require.main === module) {
  guardOutput();
  // A scan makes much short-lived garbage (walk results, JSON); V8's size-over-speed heuristics
  // keep the CLI's peak memory ~25% lower at no measurable cost in time (bench/run.mjs).
  v8.setFlagsFromString('--optimize-for-size');
  installCliTranslation(process.env);
  main(process.argv.slice(2)).then(finishOutput).then((code) => { process.exitCode = code; });
}
