// `ml-disk-space metrics [PATH...] [--output FILE] [--top-runs N] [--no-docker] [--workers N]`:
// scans like `scan` and writes the result in Prometheus' text format, atomically, for
// node_exporter's textfile collector. `--install-timer DIR` writes a systemd service + timer
// that does it periodically instead of scanning now.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../../core/metrics/atomicWrite';
import { renderExposition } from '../../core/metrics/exposition';
import { DEFAULT_TOP_RUNS, metricsFromScan } from '../../core/metrics/fromScan';
import { enableCommands, serviceUnit, timerUnit, UNIT_NAME, type TimerUnitsRequest } from '../../core/metrics/systemdUnits';
import { createVolumeResolver, quotaVolumeLimits } from '../../core/metrics/volumes';
import { scan } from '../../core/scan/scan';
import { intFlag, parseArgs, UsageError, type ParsedArgs } from '../args';
import { print } from '../output';
import { t } from '../../core/l10n';

const DEFAULT_INTERVAL_MINUTES = 15;

export async function metricsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['output', 'top-runs', 'workers', 'install-timer', 'interval'], ['no-docker', 'system']);
  const topRuns = intFlag(args, 'top-runs', DEFAULT_TOP_RUNS, 0);
  const roots = (args.positionals.length ? args.positionals : [process.cwd()]).map((r) => path.resolve(r));
  for (const root of roots) {
    if (!fs.existsSync(root)) throw new UsageError(t('no such file or folder: {0}', root));
  }
  const output = args.flags.get('output');
  if (output === true) throw new UsageError('--output needs a value');
  if (args.flags.has('install-timer')) return installTimer(args, roots, output);
  for (const flag of ['interval', 'system']) {
    if (args.flags.has(flag)) throw new UsageError(`--${flag} goes with --install-timer`);
  }

  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const model = await scan({
    roots,
    env: process.env,
    signal: controller.signal,
    settings: { docker: !args.flags.has('no-docker'), workers: intFlag(args, 'workers', 0, 0) },
  });
  // A cancelled scan's numbers are partial: the last complete file stays in place.
  if (model.cancelled) return 130;
  const text = renderExposition(await metricsFromScan(model, { topRuns, volumes: createVolumeResolver(), limits: quotaVolumeLimits }));
  if (output === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    await writeFileAtomic(output, text);
  } catch (err) {
    throw new Error(`cannot write ${output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return 0;
}

async function installTimer(args: ParsedArgs, roots: string[], output: string | undefined): Promise<number> {
  const dir = args.flags.get('install-timer') as string;
  if (output === undefined) throw new UsageError('--install-timer needs --output FILE.prom (in the folder node_exporter reads)');
  if (!output.endsWith('.prom')) throw new UsageError('--output must end in .prom: node_exporter reads only *.prom files');
  const intervalMinutes = intFlag(args, 'interval', DEFAULT_INTERVAL_MINUTES, 1);
  intFlag(args, 'workers', 0, 0); // checked now, not when the timer first runs
  const scope = args.flags.has('system') ? 'system' : 'user';
  const forwarded = [...roots, '--output', path.resolve(output)];
  if (args.flags.has('top-runs')) forwarded.push('--top-runs', String(args.flags.get('top-runs')));
  if (args.flags.has('workers')) forwarded.push('--workers', String(args.flags.get('workers')));
  if (args.flags.has('no-docker')) forwarded.push('--no-docker');
  const user = os.userInfo().username;
  const request: TimerUnitsRequest = {
    node: process.execPath,
    cli: path.resolve(process.argv[1] ?? __filename),
    args: forwarded,
    intervalMinutes,
    scope,
    user: scope === 'system' && process.getuid?.() !== 0 ? user : undefined,
    env: process.env,
  };
  const service = path.join(dir, `${UNIT_NAME}.service`);
  const timer = path.join(dir, `${UNIT_NAME}.timer`);
  let units: [string, string];
  try {
    units = [serviceUnit(request), timerUnit(request)];
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  try {
    await fs.promises.mkdir(dir, { recursive: true });
    await writeFileAtomic(service, units[0]);
    await writeFileAtomic(timer, units[1]);
  } catch (err) {
    throw new Error(`cannot write the units in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  print([
    t('Wrote {0}', service),
    t('Wrote {0}', timer),
    t('Every {0} min it writes {1}. To start it:', intervalMinutes, path.resolve(output)),
    ...enableCommands(scope).map((c) => `  ${c}`),
  ].join('\n'));
  return 0;
}
