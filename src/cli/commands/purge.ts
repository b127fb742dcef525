// `ml-disk-space purge <category-or-item-id> [--yes] [--json]`: prints the plan; deletes only with --yes.
import * as os from 'os';
import { executePlan } from '../../core/executor';
import { dockerClientFor } from '../../core/categories/docker/fromEnvironment';
import { executeDockerPlan, isDockerPurgeTarget, planDockerPurge, summarizeDockerReport, DOCKER_PURGE_TARGETS } from '../../core/categories/docker/dockerPlans';
import { displayLines } from '../../core/displayText';
import { formatBytes } from '../../core/format';
import { planFor } from '../../core/categories/planFor';
import { scan } from '../../core/scan/scan';
import { defaultSettings } from '../../core/settings';
import { purgeIds } from '../../core/categories';
import { finishHfManifestEdits } from '../../core/categories/huggingface/manifestEdits';
import { scanShm, shmDir } from '../../core/headroom/shm';
import { executeShmPlan, planShmLeftovers, SHM_PURGE_ID } from '../../core/headroom/shmReclaim';
import { parseArgs, UsageError } from '../args';
import { EXIT_INTERRUPTED, interruptedText, stopOnCtrlC } from '../interrupt';
import { activeRunRefusal, notDeleted, planJson, planText, print, printError, printJson, reportText } from '../output';
import { t } from '../../core/l10n';

export const PURGE_IDS: Record<string, string> = {
  ...purgeIds(),
  [SHM_PURGE_ID]: '/dev/shm segments left by processes that have exited (none mapped or open)',
};

async function purgeDocker(id: string, yes: boolean, json: boolean): Promise<number> {
  if (!isDockerPurgeTarget(id)) throw new UsageError(t('unknown Docker purge \'{0}\' (one of: {1})', id, Object.keys(DOCKER_PURGE_TARGETS).join(', ')));
  const { client, warnings } = dockerClientFor({ env: process.env, homeDir: process.env.HOME || os.homedir() });
  for (const w of warnings) printError(w);
  const plan = planDockerPurge(await client.diskUsage(), id);
  if (json && !yes) { printJson(plan); return 0; }
  if (!json) {
    const lines = [`${plan.title}: ${formatBytes(plan.bytes)}`];
    for (const t of plan.targets) lines.push(`  ${t.bytes === null ? '        ?' : formatBytes(t.bytes).padStart(9)}  ${t.label}`);
    for (const w of plan.warnings) lines.push(`  ! ${w}`);
    print(displayLines(lines));
  }
  if (!yes) { print(notDeleted()); return 0; }
  const ctrlC = stopOnCtrlC();
  let report;
  try {
    report = await executeDockerPlan(client, plan, { signal: ctrlC.signal });
  } finally {
    ctrlC.dispose();
  }
  if (json) printJson(report); else print(summarizeDockerReport(report));
  if (report.cancelled) return EXIT_INTERRUPTED;
  return report.outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}

async function purgeShm(yes: boolean, json: boolean): Promise<number> {
  const plan = planShmLeftovers(await scanShm({ dir: shmDir(process.env) }));
  if (json && !yes) { printJson(planJson(plan)); return 0; }
  if (!json) print(planText(plan));
  if (!yes) { print(notDeleted()); return 0; }
  const report = await executeShmPlan(plan, { protectedPaths: [process.env.HOME || os.homedir(), process.cwd()] });
  if (json) printJson(report); else print(reportText(report));
  return report.outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}

export async function purgeCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['yes', 'json', 'include-active']);
  const [id, ...extra] = args.positionals;
  if (!id || extra.length) {
    throw new UsageError(t('purge takes one id: {0}, or an item id from \'scan --json\'', Object.keys(PURGE_IDS).join(', ')));
  }
  const yes = args.flags.has('yes');
  const json = args.flags.has('json');
  const includeActive = args.flags.has('include-active');
  if (id.startsWith('docker:')) return purgeDocker(id, yes, json);
  if (id === SHM_PURGE_ID) return purgeShm(yes, json);

  const categoryId = id.slice(0, id.indexOf(':') > 0 ? id.indexOf(':') : undefined);
  const settings = defaultSettings();
  const env = process.env;
  const homeDir = env.HOME || os.homedir();
  const model = await scan({ roots: [process.cwd()], env, only: [categoryId], settings: { docker: false } });
  let plan;
  try {
    plan = await planFor(id, model, { env, homeDir, settings, now: Date.now(), includeInProgress: includeActive });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!plan) throw new UsageError(t('nothing to purge for \'{0}\' (known: {1}, or an item id from \'scan --json\')', id, Object.keys(PURGE_IDS).join(', ')));
  if (json && !yes) { printJson(planJson(plan, includeActive)); return 0; }
  // With --json, stdout carries one JSON document and nothing else.
  if (!json) print(planText(plan));
  if (plan.needsSecondConfirmation && !includeActive) {
    if (json) printError(activeRunRefusal(plan)); else print(activeRunRefusal(plan));
    return yes ? 1 : 0;
  }
  if (!yes) { print(notDeleted()); return 0; }
  const ctrlC = stopOnCtrlC();
  let report;
  try {
    report = await executePlan(plan, { protectedPaths: [homeDir, process.cwd()], signal: ctrlC.signal });
  } finally {
    ctrlC.dispose();
  }
  const manifests = await finishHfManifestEdits(plan);
  if (json) {
    printJson({ ...report, scanWarnings: plan.scanWarnings ?? [], ...(plan.hfManifestEdits?.length ? { manifestsUpdated: manifests.rewritten, manifestProblems: manifests.problems } : {}) });
  } else {
    print(report.cancelled ? interruptedText(report) : reportText(report));
    for (const p of manifests.problems) print(`  ! ${p}`);
  }
  if (report.cancelled) return EXIT_INTERRUPTED;
  return report.outcomes.some((o) => o.status === 'failed') ? 1 : 0;
}
