// `ml-disk-space`: the scanning core on the command line, for headless GPU servers.
import * as fs from 'fs';
import * as path from 'path';
import { toJson, toText } from '../core/report';
import { scan } from '../core/scan/scan';
import { intFlag, parseArgs, UsageError, type ParsedArgs } from './args';

const USAGE = `usage:
  ml-disk-space scan [PATH...] [--json] [--top N] [--no-docker] [--workers N]
      Sizes PATHs (default: the current folder) and the ML caches found from the environment
      (HOME, XDG_CACHE_HOME, HF_HOME, PIP_CACHE_DIR, UV_CACHE_DIR, TORCH_HOME, conda, Docker).`;

async function runScan(args: ParsedArgs): Promise<number> {
  const top = intFlag(args, 'top', 10, 1);
  const roots = args.positionals.length ? args.positionals : [process.cwd()];
  for (const root of roots) {
    if (!fs.existsSync(root)) throw new UsageError(`no such file or folder: ${root}`);
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const interactive = process.stderr.isTTY && !args.flags.has('json');
  const model = await scan({
    roots: roots.map((r) => path.resolve(r)),
    env: process.env,
    signal: controller.signal,
    settings: { topN: Math.max(top, 20), docker: !args.flags.has('no-docker'), workers: intFlag(args, 'workers', 0, 0) },
    onProgress: interactive
      ? (message, walk) => process.stderr.write(`\r\x1b[K${message}${walk ? `: ${walk.files} files` : ''}`)
      : undefined,
  });
  if (interactive) process.stderr.write('\r\x1b[K');
  process.stdout.write(args.flags.has('json') ? JSON.stringify(toJson(model), null, 2) + '\n' : toText(model, top) + '\n');
  return model.cancelled ? 130 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan':
        return await runScan(parseArgs(rest, ['top', 'workers'], ['json', 'no-docker']));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}' (try: ml-disk-space help)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ml-disk-space: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`ml-disk-space: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `ml-disk-space scan --json | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
  // Flush stdout before exiting: large --json output is written asynchronously to pipes.
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
