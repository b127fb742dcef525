// The flow of every Docker reclaim command: a fresh GET /system/df (never the scan's figures, which
// may be minutes old) -> the core's plan -> the shared reclaim flow (one modal confirmation with the
// plan's own text and bytes, progress with Cancel, "Reclaimed … (n items)", a rescan of Docker).
// An engine that cannot be reached is said once, and the Docker category is rescanned so the tree
// shows the error row with its Retry action.
import type { DockerClient } from '../../core/categories/docker/client';
import { executeDockerPlan, type DockerExecutionReport, type DockerPlan, type DockerPlanTarget } from '../../core/categories/docker/dockerPlans';
import type { DockerDiskUsage } from '../../core/categories/docker/types';
import { isDockerEngineError } from '../../core/categories/docker/types';
import { DOCKER_CATEGORY_ID } from '../../core/categories/docker/category';
import { formatBytes, formatCount } from '../../core/format';
import { errorText } from '../log';
import type { ReclaimAction, ReclaimFailure, ReclaimResult } from '../reclaim';
import type { HostServices } from '../services';
import { dockerServices } from './dockerServices';
import { REFRESH } from '../refreshTriggers';
import { t } from '../../core/l10n';

/** What a Docker command resolves with (the integration tests read it). */
export interface DockerCommandResult extends ReclaimResult {
  plan?: DockerPlan;
  /** The executor's report, when the plan ran. */
  report?: DockerExecutionReport;
  /** The engine could not be asked: its message. */
  engineError?: string;
}

const NOTHING: ReclaimResult = { confirmed: false, reclaimedBytes: 0, items: 0, failures: [], cancelled: false };

/**
 * Reads the engine's disk usage now and hands it to `decide`, which returns the plan to run (or
 * undefined: the user backed out, e.g. from a quick pick). Then confirms, runs, reports, rescans.
 */
export async function runDockerCommand(
  s: HostServices,
  decide: (du: DockerDiskUsage, client: DockerClient) => DockerPlan | undefined | Promise<DockerPlan | undefined>,
): Promise<DockerCommandResult> {
  const docker = dockerServices(s);
  const client = docker.engines.current();
  let du: DockerDiskUsage;
  try {
    du = await docker.engines.readUsage(client);
  } catch (err) {
    return { ...NOTHING, engineError: await engineUnreachable(s, err) };
  }
  const plan = await decide(du, client);
  if (!plan) return NOTHING;
  if (!plan.targets.length) {
    const refused = plan.refused.length ? t(' Left out: {0}.', plan.refused.map((r) => `${r.label} (${r.reason})`).join('; ')) : '';
    s.log.info(`${plan.title}: nothing to remove at ${client.endpoint}.${refused}`);
    void s.prompts.notifier.info(t('{0}: nothing to remove.{1}', plan.title, refused));
    return { ...NOTHING, plan };
  }
  let report: DockerExecutionReport | undefined;
  const result = await s.reclaimer.runAction(reclaimActionFor(client, plan, (r) => (report = r)));
  if (report) logOutcomes(s, report);
  return { ...result, plan, report };
}

/** The engine's disk usage, or undefined after telling the user it is unreachable (engineUnreachable). */
export async function readUsageOrTell(s: HostServices, client: DockerClient): Promise<DockerDiskUsage | undefined> {
  try {
    return await dockerServices(s).engines.readUsage(client);
  } catch (err) {
    await engineUnreachable(s, err);
    return undefined;
  }
}

/** Tells the user once, logs, and refreshes the Docker category so the tree shows the error and Retry. */
export async function engineUnreachable(s: HostServices, err: unknown): Promise<string> {
  const message = isDockerEngineError(err) ? err.message : t('Docker: {0}', errorText(err));
  s.log.warn(message);
  void s.prompts.notifier.warn(message);
  if (s.scans.model && !s.scans.scanning) await s.scans.rescanCategories([DOCKER_CATEGORY_ID], REFRESH.dockerUnreachable).catch(() => undefined);
  return message;
}

const CONFIRM_LABELS: Record<DockerPlan['action'], string> = {
  get 'prune-dangling-images'() { return t('Prune Images'); },
  get 'prune-unused-images'() { return t('Prune Images'); },
  get 'prune-stopped-containers'() { return t('Remove Containers'); },
  get 'prune-unused-volumes'() { return t('Delete Volumes and Their Data'); },
  get 'prune-build-cache'() { return t('Prune Build Cache'); },
  get 'remove-images'() { return t('Remove'); },
  get 'remove-containers'() { return t('Remove Containers'); },
  get 'remove-volumes'() { return t('Delete Volumes and Their Data'); },
};

const TARGET_NOUNS: Record<DockerPlanTarget['type'], string> = {
  get image() { return t('image'); },
  get container() { return t('container'); },
  get volume() { return t('volume'); },
  get 'build-cache'() { return t('build-cache record'); },
};

/** The plan as the shared reclaim flow's action: its own confirmation text, its bytes, a run that reports back. */
export function reclaimActionFor(client: DockerClient, plan: DockerPlan, onReport: (report: DockerExecutionReport) => void): ReclaimAction {
  return {
    title: plan.title,
    bytes: plan.bytes,
    confirmText: plan.confirmation,
    confirmLabel: CONFIRM_LABELS[plan.action],
    detail: plan.targets.map((target) => `${TARGET_NOUNS[target.type]} ${target.label} — ${target.bytes === null ? t('size unknown') : formatBytes(target.bytes)}`),
    rescan: { categories: [DOCKER_CATEGORY_ID] },
    async run(signal, progress) {
      progress(`${formatCount(plan.targets.length, 'item')} at ${client.endpoint}`);
      const report = await executeDockerPlan(client, plan, {
        signal,
        onProgress: (done, total, outcome) => progress(`${done}/${total} ${outcome.label}`),
      });
      onReport(report);
      const failures: ReclaimFailure[] = report.outcomes
        .filter((o) => o.status === 'failed' || (o.status === 'skipped' && o.code !== 'cancelled'))
        .map((o) => ({ label: o.label, code: o.code, message: o.message ?? o.status }));
      const notes: string[] = [];
      const untagged = report.outcomes.filter((o) => o.status === 'untagged').length;
      if (untagged) notes.push((untagged === 1 ? t('{0} only untagged: other images are built on it', formatCount(untagged, 'image')) : t('{0} only untagged: other images are built on them', formatCount(untagged, 'image'))));
      if (report.engineSpaceReclaimed !== undefined && report.engineSpaceReclaimed !== report.bytesFreed) {
        notes.push(t('The engine reported SpaceReclaimed {0}, which also counts data image layers still hold', formatBytes(report.engineSpaceReclaimed)));
      }
      // The engine decided (build-cache prune) or dropped parent layers with an image: every object
      // it removed that the plan did not list is named in the summary.
      const also = report.engineAlsoRemoved ?? [];
      if (also.length) notes.push(t('The engine also removed {0} not in the plan: {1}', formatCount(also.length, 'object'), also.map((a) => `${TARGET_NOUNS[a.type]} ${a.label} (${a.note})`).join(', ')));
      if (report.platformNote) notes.push(report.platformNote);
      return {
        reclaimedBytes: report.bytesFreed,
        items: report.outcomes.filter((o) => o.status === 'removed').length,
        failures,
        notes,
      };
    },
  };
}

function logOutcomes(s: HostServices, report: DockerExecutionReport): void {
  s.log.info(`${report.title} at ${report.endpoint}: ${report.summary} (bytes: ${report.bytesSource}${report.engineSpaceReclaimed !== undefined ? `, SpaceReclaimed ${report.engineSpaceReclaimed}` : ''})`);
  for (const o of report.outcomes) s.log.info(`  ${o.status}${o.code ? ` (${o.code})` : ''}: ${o.type} ${o.label}${o.message ? ` — ${o.message}` : ''}`);
  for (const a of report.engineAlsoRemoved ?? []) s.log.info(`  removed by the engine, not in the plan: ${a.type} ${a.id} (${a.note})`);
}
