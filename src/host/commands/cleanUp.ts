// ML Disk Space: Clean Up… — one entry point for every whole-group clean (like `docker system
// prune`'s summary): measures what each purge id of the registry would free now (file caches by
// the plan they would run, Docker from a fresh GET /system/df), offers them in one multi-select
// quick pick, largest first, then goes through the usual reclaim flow: one confirmation for the
// chosen files, one for the chosen Docker objects (the engine removes those, not the executor).
// Programmatic callers (tests, keybindings) may pass the purge ids to run instead of picking.
import * as os from 'os';
import * as vscode from 'vscode';
import { categoryById } from '../../core/categories';
import { offeredGroups, purgeGroupsOf, withoutCovered, type MeasuredGroup } from '../../core/categories/cleanUpGroups';
import { isDockerPurgeTarget, planDockerPurge, type DockerPlan } from '../../core/categories/docker/dockerPlans';
import type { DockerClient } from '../../core/categories/docker/client';
import { planForIds } from '../../core/categories/planFor';
import { formatBytes } from '../../core/format';
import type { ScanModel } from '../../core/model';
import { withFreedBytes } from '../../core/plan/freedBytes';
import { mergePlans } from '../../core/plan/merge';
import type { DeletionPlan } from '../../core/plan/types';
import { displayText } from '../../core/displayText';
import { dockerServices } from '../docker/dockerServices';
import { readUsageOrTell, reclaimActionFor } from '../docker/runPlan';
import type { ReclaimAction, ReclaimResult } from '../reclaim';
import { REFRESH } from '../refreshTriggers';
import type { CommandSpec, HostServices } from '../services';

interface Measured extends MeasuredGroup {
  plan: { file: DeletionPlan } | { docker: DockerPlan };
}

export interface CleanUpResult {
  /** What was offered (purge id, bytes), largest first. */
  offered: { id: string; bytes: number }[];
  /** The purge ids that ran (after dropping covered ones). */
  chosen: string[];
  files?: ReclaimResult;
  docker?: ReclaimResult;
}

export const cleanUpCommand: CommandSpec = {
  id: 'mlDiskSpace.cleanUp',
  async run(s, idsArg): Promise<CleanUpResult | undefined> {
    const model = await currentModel(s);
    if (!model) return undefined;
    const measured = await measureGroups(s, model);
    if (!measured) return undefined;
    const offered = offeredGroups(measured).sort((a, b) => b.bytes - a.bytes) as Measured[];
    if (!offered.length) {
      void s.prompts.notifier.info(vscode.l10n.t('Nothing to clean up: every cache the last scan found is already empty.'));
      return { offered: [], chosen: [] };
    }
    const picked = Array.isArray(idsArg) ? offered.filter((g) => idsArg.includes(g.id)) : await pick(offered);
    if (!picked?.length) return { offered: offered.map(brief), chosen: [] };
    const chosen = withoutCovered(picked) as Measured[];
    s.log.info(`Clean Up: chose ${chosen.map((g) => `${g.id} (${g.bytes} bytes)`).join(', ')}`);
    const result: CleanUpResult = { offered: offered.map(brief), chosen: chosen.map((g) => g.id) };
    const files = chosen.flatMap((g) => ('file' in g.plan ? [g.plan.file] : []));
    const docker = chosen.flatMap((g) => ('docker' in g.plan ? [g.plan.docker] : []));
    if (files.length) result.files = await s.reclaimer.executePlan(await oneFilePlan(files, chosen));
    if (docker.length) result.docker = await s.reclaimer.runAction(oneDockerAction(dockerServices(s).engines.current(), docker));
    return result;
  },
};

function brief(g: MeasuredGroup): { id: string; bytes: number } {
  return { id: g.id, bytes: g.bytes };
}

async function currentModel(s: HostServices): Promise<ScanModel | undefined> {
  if (s.scans.model) return s.scans.model;
  const scanNow = vscode.l10n.t('Scan Now');
  const choice = await s.prompts.notifier.info(vscode.l10n.t('Nothing scanned yet: scan first, then choose what to clean up.'), scanNow);
  if (!choice) return undefined;
  const model = await s.scans.scan({ reason: REFRESH.beforeReclaiming, notify: true });
  return model.cancelled ? undefined : model;
}

/** Every purge group of the last scan with its plan, measured now (cancellable); undefined when cancelled. */
async function measureGroups(s: HostServices, model: ScanModel): Promise<Measured[] | undefined> {
  const groups = purgeGroupsOf(model);
  const controller = new AbortController();
  const ctx = { env: s.env, homeDir: s.env.HOME || os.homedir(), settings: s.config().scan, now: Date.now(), signal: controller.signal };
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('ML Disk Space: measuring what each cache frees…'), cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      const out: Measured[] = [];
      let docker: { client: DockerClient; du: Awaited<ReturnType<typeof readUsageOrTell>> } | undefined;
      for (const g of groups) {
        if (controller.signal.aborted) return undefined;
        progress.report({ message: g.categoryLabel });
        try {
          if (isDockerPurgeTarget(g.id)) {
            if (!docker) {
              const client = dockerServices(s).engines.current();
              docker = { client, du: await readUsageOrTell(s, client) };
            }
            if (!docker.du) continue;
            const plan = planDockerPurge(docker.du, g.id);
            out.push({ ...g, bytes: plan.bytes, targets: plan.targets.map((t) => `${t.type}:${t.id}`), plan: { docker: plan } });
          } else {
            // Measured as freed bytes now, so the pick shows what the confirmation will.
            const planned = await planForIds([g.id], model, ctx);
            const plan = planned && (await withFreedBytes(planned, { signal: controller.signal }));
            if (plan) out.push({ ...g, bytes: plan.bytes, targets: plan.targets.map((t) => t.path), plan: { file: plan } });
          }
        } catch (err) {
          if (controller.signal.aborted) return undefined;
          // A group that cannot be planned (refused, gone since the scan) is left out and logged.
          s.log.info(`Clean Up: ${g.id} left out: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return out;
    },
  );
}

async function pick(offered: Measured[]): Promise<Measured[] | undefined> {
  const items = offered.map((g) => ({
    label: `$(${categoryById(g.categoryId)?.icon ?? 'trash'}) ${displayText(g.what)}`,
    description: formatBytes(g.bytes),
    group: g,
  }));
  const total = offered.reduce((sum, g) => sum + g.bytes, 0);
  const chosen = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Clean Up: up to {0} can be freed', formatBytes(total)),
    placeHolder: vscode.l10n.t('Choose what to clean; you confirm once before anything is deleted'),
    canPickMany: true,
    matchOnDescription: true,
  });
  return chosen?.map((c) => c.group);
}

/** The chosen file groups as one plan (one confirmation); bytes measured together across caches. */
async function oneFilePlan(plans: DeletionPlan[], chosen: Measured[]): Promise<DeletionPlan> {
  const names = chosen.filter((g) => 'file' in g.plan).map((g) => g.categoryLabel);
  const title = vscode.l10n.t('Clean up {0}', [...new Set(names)].join(', '));
  if (plans.length === 1) return { ...plans[0], title };
  return withFreedBytes({ ...mergePlans(title, plans), bytesMeasured: false });
}

/** The chosen Docker prunes as one engine action: one confirmation, run one after another. */
function oneDockerAction(client: DockerClient, plans: DockerPlan[]): ReclaimAction {
  const actions = plans.map((p) => reclaimActionFor(client, p, () => undefined));
  if (actions.length === 1) return actions[0];
  return {
    title: vscode.l10n.t('Clean up Docker: {0}', plans.map((p) => p.title).join(', ')),
    bytes: actions.reduce((sum, a) => sum + a.bytes, 0),
    confirmText: actions.map((a) => a.confirmText).join('\n'),
    confirmLabel: vscode.l10n.t('Remove'),
    detail: actions.flatMap((a) => a.detail ?? []),
    warnings: actions.flatMap((a) => a.warnings ?? []),
    rescan: actions[0].rescan,
    async run(signal, progress) {
      const total = { reclaimedBytes: 0, items: 0, failures: [] as Awaited<ReturnType<ReclaimAction['run']>>['failures'], notes: [] as string[] };
      for (const a of actions) {
        if (signal.aborted) break;
        const r = await a.run(signal, progress);
        total.reclaimedBytes += r.reclaimedBytes;
        total.items += r.items ?? 0;
        total.failures.push(...r.failures);
        total.notes.push(...(r.notes ?? []));
      }
      return total;
    },
  };
}
