// `ml-disk-space scan [PATH...] [--json] [--top N] [--no-docker] [--workers N] [--no-history]`
import * as fs from 'fs';
import * as path from 'path';
import { displayText } from '../../core/displayText';
import { toJson, toText } from '../../core/report';
import { recordGrowth } from '../../core/headroom/growthRecord';
import { scan } from '../../core/scan/scan';
import { intFlag, parseArgs, UsageError } from '../args';
import { print, printJson } from '../output';
import { t } from '../../core/l10n';

export async function scanCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['top', 'workers'], ['json', 'no-docker', 'no-history']);
  const top = intFlag(args, 'top', 10, 1);
  const roots = args.positionals.length ? args.positionals : [process.cwd()];
  for (const root of roots) {
    if (!fs.existsSync(root)) throw new UsageError(t('no such file or folder: {0}', root));
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
      ? (message, walk) => process.stderr.write(`\r\x1b[K${displayText(message)}${walk ? t(': {0} files', walk.files) : ''}`)
      : undefined,
  });
  if (interactive) process.stderr.write('\r\x1b[K');
  if (model.volume && !model.cancelled && !args.flags.has('no-history')) model.volume.growth = await recordGrowth(model.volume, process.env);
  if (args.flags.has('json')) printJson(toJson(model));
  else print(toText(model, top));
  return model.cancelled ? 130 : 0;
}
