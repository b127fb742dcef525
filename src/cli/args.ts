// Command-line arguments through Node's own parser (util.parseArgs): flags with values (--top 10,
// --top=10), boolean flags (--json), positionals, `--` ends the options. Unknown flags are user
// errors (exit 2 with one line), never stack traces. `--help` / `-h` is accepted by every command.
import { parseArgs as nodeParseArgs } from 'util';
import { t } from '../core/l10n';

export class UsageError extends Error {}

/** Thrown when a command is asked for its help; main prints that command's usage on stdout. */
export class HelpRequested extends Error {}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], valueFlags: string[], booleanFlags: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const name of valueFlags) options[name] = { type: 'string' };
  for (const name of booleanFlags) options[name] = { type: 'boolean' };
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(usageMessage(err as NodeJS.ErrnoException));
  }
  if (parsed.values.help) throw new HelpRequested();
  const flags = new Map<string, string | true>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (name === 'help' || value === undefined || value === false) continue;
    if (value === '') throw new UsageError(`--${name} needs a value`);
    flags.set(name, value === true ? true : String(value));
  }
  return { positionals: parsed.positionals, flags };
}

/** util.parseArgs' messages are paragraphs addressed to programmers; the CLI says one short line. */
function usageMessage(err: NodeJS.ErrnoException): string {
  const option = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return t('unknown option {0}', option ?? '').trimEnd();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message) ? t('{0} needs a value', option ?? t('that option')) : t('{0} takes no value', option ?? t('that option'));
    default: return err.message.split('\n')[0];
  }
}

export function intFlag(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw === true || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
  return n;
}
