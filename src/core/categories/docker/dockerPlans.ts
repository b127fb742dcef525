// Docker reclaim actions as plans (what would go, how many bytes, what the user must be told),
// and the executor that carries them out and reports what the engine freed.
//
// Plans are built from a DockerDiskUsage; build them from a fresh `client.diskUsage()` when the
// user asks (one call), not from an old scan. Deletion rules as for files: only what the plan
// lists is removed, and each target is re-checked right before it goes:
//   - containers and volumes are removed one by one by id/name (never by an engine-wide prune,
//     which would also take a container stopped or a volume created after the plan was shown);
//     the engine refuses running containers and volumes in use (HTTP 409); a volume whose
//     creation time changed (deleted and re-created under the same name) is skipped;
//   - images (also for the image prunes) are removed by id, one by one, after checking on a fresh
//     disk usage that each is still there and no container uses it; never with force: extra tags
//     are removed by name first, and the engine still refuses an image a container uses (409).
//     The engine's own prune is never called for images: it decides at the moment it runs and
//     takes images the plan never listed (one whose container went away while it ran);
//   - build cache has no per-record removal in the API: `POST /build/prune?all=true`, so the
//     engine decides. The plan says so before confirming, and the report names every record
//     the engine removed, planned or not.

import { displayLines, displayText } from '../../displayText';
import { formatBytes, formatCount } from '../../format';
import type { DockerClient } from './client';
import { dockerTotals, imageRemovalBounds, isActiveContainer, isImageInUse } from './diskUsageMath';
import { imageLabelOf, shortDockerId } from './labels';
import { isAbortError, isDockerEngineError, type DockerContainer, type DockerDiskUsage, type DockerImage } from './types';
import { t as tr } from '../../l10n';

export type DockerActionId =
  | 'prune-dangling-images'
  | 'prune-unused-images'
  | 'prune-stopped-containers'
  | 'prune-unused-volumes'
  | 'prune-build-cache'
  | 'remove-images'
  | 'remove-containers'
  | 'remove-volumes';

/** CLI / command names for the prunes (`ml-disk-space purge docker:dangling-images`). */
export const DOCKER_PURGE_TARGETS = {
  'docker:dangling-images': 'prune-dangling-images',
  'docker:unused-images': 'prune-unused-images',
  'docker:stopped-containers': 'prune-stopped-containers',
  'docker:unused-volumes': 'prune-unused-volumes',
  'docker:build-cache': 'prune-build-cache',
} as const satisfies Record<string, DockerActionId>;

export type DockerPurgeTarget = keyof typeof DOCKER_PURGE_TARGETS;

export type DockerTargetType = 'image' | 'container' | 'volume' | 'build-cache';

export interface DockerPlanTarget {
  type: DockerTargetType;
  /** Image id, container id, volume name or build-cache record id. */
  id: string;
  label: string;
  /** Bytes this target frees when it goes alone; null when the engine does not know (volumes of remote drivers). */
  bytes: number | null;
  /** Creation time seen by the scan (images, containers, volumes), to recognise a re-created object. */
  createdMs?: number;
}

export interface DockerPlan {
  action: DockerActionId;
  /** "Prune 2 dangling images", "Remove 1 unused volume". */
  title: string;
  endpoint: string;
  /** When the disk usage the plan was made from was fetched. */
  scannedAt: number;
  /** In execution order: containers before the images they use. */
  targets: DockerPlanTarget[];
  /** Bytes the plan is sure to free. */
  bytes: number;
  /** The most it could free; equal to `bytes` when exact (image removals are bounded, see diskUsageMath.ts). */
  bytesUpTo: number;
  /** Selected objects the plan will not touch, and why (in use, running, …). */
  refused: { type: DockerTargetType; id: string; label: string; reason: string }[];
  /** Extra words the confirmation must carry (data loss, untag only, …). */
  warnings: string[];
  /** The full text of the one modal confirmation. */
  confirmation: string;
  /** remove-images only: the user chose to remove the stopped containers using the images too. */
  removeContainers?: boolean;
}

export type DockerOutcomeStatus = 'removed' | 'untagged' | 'skipped' | 'failed';

export interface DockerTargetOutcome {
  type: DockerTargetType;
  id: string;
  label: string;
  status: DockerOutcomeStatus;
  /** Bytes this target freed, where known. */
  bytes: number | null;
  /** 'gone', 'in-use', 'running', 'changed', 'kept-by-engine', 'cancelled', 'conflict', or an errno / HTTP code. */
  code?: string;
  message?: string;
}

export interface DockerExecutionReport {
  action: DockerActionId;
  title: string;
  endpoint: string;
  outcomes: DockerTargetOutcome[];
  /** Bytes freed by what was removed (see `bytesSource`). */
  bytesFreed: number;
  /**
   * Where bytesFreed comes from: 'engine' = the prune's SpaceReclaimed; 'measured' = drop in the
   * engine's own figures between a disk usage before and after; 'planned' = sum of the removed
   * targets' sizes (containers: a stopped container's writable layer does not change).
   */
  bytesSource: 'engine' | 'measured' | 'planned';
  /** `SpaceReclaimed` exactly as the engine reported it (prunes only). */
  engineSpaceReclaimed?: number;
  /** Everything the engine said it deleted (prunes: also layer ids and records not in the plan). */
  engineDeleted: string[];
  /** Objects the engine removed that the plan did not list (build-cache records, parent layers): named in the summary. */
  engineAlsoRemoved?: { type: DockerTargetType; id: string; label: string; note: string }[];
  cancelled: boolean;
  /** Set on macOS and Windows, where Docker runs in a VM. */
  platformNote?: string;
  /** "Reclaimed 42.3 GB (3 items)", plus failures. */
  summary: string;
}

export const VM_DISK_IMAGE_NOTE =
  "On macOS and Windows Docker runs in a virtual machine: the freed space stays inside Docker's disk image " +
  'until that image is compacted, so it is not yet free on this computer.';

/** Said before confirming a build-cache prune: the one removal the engine carries out on its own. */
export const ENGINE_DECIDES_BUILD_CACHE =
  'The engine decides what it removes: the Docker API cannot remove build-cache records one by one, so records created or freed after this list was made may go too. Every record it removes is reported.';

const BUILD_CACHE_SHARED_NOTE =
  'Layers that BuildKit built are also held by the build cache: they stay on disk until the build cache is pruned too.';

// ---------------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------------

const PERMANENT = 'This cannot be undone.';

function imageTarget(image: DockerImage, bytes: number): DockerPlanTarget {
  return { type: 'image', id: image.id, label: imageLabelOf(image), bytes, createdMs: image.createdMs };
}

function containerTarget(c: DockerContainer): DockerPlanTarget {
  return { type: 'container', id: c.id, label: c.name || shortDockerId(c.id), bytes: c.writableBytes, createdMs: c.createdMs };
}

function bytesText(atLeast: number, upTo: number): string {
  return upTo > atLeast ? tr('at least {0} (up to {1})', formatBytes(atLeast), formatBytes(upTo)) : formatBytes(atLeast);
}

function finish(plan: Omit<DockerPlan, 'confirmation'>, question: string): DockerPlan {
  const lines = [tr('{0} This frees {1}.', question, bytesText(plan.bytes, plan.bytesUpTo))];
  for (const w of plan.warnings) lines.push(w);
  if (plan.refused.length) lines.push(tr('Not included: {0}.', plan.refused.map((r) => `${r.label} (${r.reason})`).join('; ')));
  lines.push(tr(PERMANENT));
  // Shown in a dialog: labels come from the engine, so each line is escaped (displayText.ts).
  return { ...plan, confirmation: displayLines(lines) };
}

function base(du: DockerDiskUsage, action: DockerActionId, title: string): Omit<DockerPlan, 'confirmation'> {
  return { action, title, endpoint: du.endpoint, scannedAt: du.fetchedAt, targets: [], bytes: 0, bytesUpTo: 0, refused: [], warnings: [] };
}

function imagePrunePlan(du: DockerDiskUsage, danglingOnly: boolean): DockerPlan {
  const candidates = du.images.filter((i) => (danglingOnly ? i.dangling : true));
  const unused = candidates.filter((i) => !isImageInUse(du, i));
  const noun = danglingOnly ? tr('dangling image') : tr('unused image');
  const plan = base(du, danglingOnly ? 'prune-dangling-images' : 'prune-unused-images', tr('Prune {0}', formatCount(unused.length, noun)));
  const bounds = imageRemovalBounds(
    du,
    unused.map((i) => i.id),
  );
  plan.targets = unused.map((i) => imageTarget(i, i.uniqueBytes));
  plan.bytes = bounds.atLeast;
  plan.bytesUpTo = bounds.upTo;
  if (unused.length && du.buildCache.some((b) => b.shared)) plan.warnings.push(tr(BUILD_CACHE_SHARED_NOTE));
  if (danglingOnly) {
    for (const i of candidates.filter((c) => isImageInUse(du, c))) {
      plan.refused.push({ type: 'image', id: i.id, label: imageLabelOf(i), reason: tr('used by a container') });
    }
  }
  const question = danglingOnly
    ? tr('Remove {0} that no container uses?', formatCount(unused.length, 'dangling (untagged) image'))
    : tr('Remove {0} that no container uses, tagged or not?', formatCount(unused.length, 'image'));
  return finish(plan, question);
}

/** `docker image prune`: images with no tag that no container uses. */
export function planPruneDanglingImages(du: DockerDiskUsage): DockerPlan {
  return imagePrunePlan(du, true);
}

/** `docker image prune -a`: every image no container uses, tagged or not. */
export function planPruneUnusedImages(du: DockerDiskUsage): DockerPlan {
  return imagePrunePlan(du, false);
}

/** `docker container prune`: every container that is not running, paused or restarting. */
export function planPruneStoppedContainers(du: DockerDiskUsage): DockerPlan {
  return planRemoveContainers(
    du,
    du.containers.filter((c) => !isActiveContainer(c)).map((c) => c.id),
    'prune-stopped-containers',
  );
}

/** `docker volume prune --all`: every volume no container references. */
export function planPruneUnusedVolumes(du: DockerDiskUsage): DockerPlan {
  return planRemoveVolumes(
    du,
    du.volumes.filter((v) => v.refCount === 0).map((v) => v.name),
    'prune-unused-volumes',
  );
}

/** `docker builder prune -a`: every build-cache record not in use. */
export function planPruneBuildCache(du: DockerDiskUsage): DockerPlan {
  const idle = du.buildCache.filter((b) => !b.inUse);
  const plan = base(du, 'prune-build-cache', tr('Prune build cache ({0})', formatCount(idle.length, 'record')));
  plan.targets = idle.map((b) => ({
    type: 'build-cache' as const,
    id: b.id,
    label: `${b.type} ${b.id.slice(0, 12)}`,
    // A shared record's data is an image layer: removing the record frees none of it.
    bytes: b.shared ? 0 : b.bytes,
  }));
  plan.bytes = plan.bytesUpTo = dockerTotals(du).buildCache.reclaimableBytes;
  const inUse = du.buildCache.length - idle.length;
  if (inUse > 0) plan.warnings.push(tr('{0} in use by a running build will be kept.', formatCount(inUse, 'record')));
  if (idle.length) plan.warnings.push(tr(ENGINE_DECIDES_BUILD_CACHE));
  return finish(plan, tr('Remove {0} not in use?', formatCount(idle.length, 'build-cache record')));
}

/**
 * Remove chosen images. An image a container uses is refused unless `removeContainers` is set;
 * then its containers go first, provided none is running.
 */
export function planRemoveImages(du: DockerDiskUsage, imageIds: string[], options: { removeContainers?: boolean } = {}): DockerPlan {
  const removeContainers = options.removeContainers === true;
  const plan = base(du, 'remove-images', '');
  plan.removeContainers = removeContainers;
  const chosen: DockerImage[] = [];
  const containers: DockerContainer[] = [];
  for (const id of new Set(imageIds)) {
    const image = du.images.find((i) => i.id === id);
    if (!image) {
      plan.refused.push({ type: 'image', id, label: id, reason: tr('not found') });
      continue;
    }
    const users = du.containers.filter((c) => c.imageId === image.id);
    const inUse = isImageInUse(du, image);
    if (inUse && !removeContainers) {
      plan.refused.push({ type: 'image', id, label: imageLabelOf(image), reason: tr('used by {0}', formatCount(Math.max(users.length, image.containers), 'container')) });
      continue;
    }
    const running = users.filter(isActiveContainer);
    if (running.length) {
      plan.refused.push({ type: 'image', id, label: imageLabelOf(image), reason: tr('used by running container {0}', running.map((c) => c.name).join(', ')) });
      continue;
    }
    if (inUse && users.length === 0) {
      plan.refused.push({ type: 'image', id, label: imageLabelOf(image), reason: tr('used by a container the engine did not list') });
      continue;
    }
    chosen.push(image);
    containers.push(...users);
  }
  const bounds = imageRemovalBounds(
    du,
    chosen.map((i) => i.id),
  );
  const containerBytes = containers.reduce((s, c) => s + c.writableBytes, 0);
  plan.targets = [...containers.map(containerTarget), ...chosen.map((i) => imageTarget(i, i.uniqueBytes))];
  plan.bytes = bounds.atLeast + containerBytes;
  plan.bytesUpTo = bounds.upTo + containerBytes;
  plan.title = tr('Remove {0}', formatCount(chosen.length, 'image')) + (containers.length ? ` and ${formatCount(containers.length, 'stopped container')}` : '');
  if (containers.length) {
    plan.warnings.push(tr('The stopped containers using them are removed too: {0}; their writable layers are lost.', containers.map((c) => c.name).join(', ')));
  }
  const parents = chosen.filter((i) => du.images.some((o) => o.parentId === i.id && !chosen.some((c) => c.id === o.id)));
  const heldByCache = du.buildCache.filter((b) => b.shared).reduce((s, b) => s + b.bytes, 0);
  if (chosen.length && heldByCache > 0) plan.warnings.push(tr(BUILD_CACHE_SHARED_NOTE));
  if (parents.length) {
    plan.warnings.push(tr('Other images are built on {0}: removing only untags them and frees nothing.', parents.map(imageLabelOf).join(', ')));
  }
  const what = chosen.map(imageLabelOf).join(', ') || tr('no image');
  return finish(plan, tr('Remove {0}{1}?', what, containers.length ? ` and ${formatCount(containers.length, 'stopped container')}` : ''));
}

/** Remove chosen containers; running (or paused, restarting) ones are refused. */
export function planRemoveContainers(du: DockerDiskUsage, ids: string[], action: DockerActionId = 'remove-containers'): DockerPlan {
  const plan = base(du, action, '');
  for (const id of new Set(ids)) {
    const c = du.containers.find((x) => x.id === id);
    if (!c) plan.refused.push({ type: 'container', id, label: id, reason: tr('not found') });
    else if (isActiveContainer(c)) plan.refused.push({ type: 'container', id, label: c.name, reason: c.state });
    else plan.targets.push(containerTarget(c));
  }
  plan.bytes = plan.bytesUpTo = plan.targets.reduce((s, t) => s + (t.bytes ?? 0), 0);
  const noun = action === 'prune-stopped-containers' ? tr('stopped container') : 'container';
  plan.title = `${action === 'prune-stopped-containers' ? tr('Prune') : tr('Remove')} ${formatCount(plan.targets.length, noun)}`;
  if (plan.targets.length) plan.warnings.push(tr('Files written inside these containers (their writable layers) are lost; their volumes are kept.'));
  return finish(plan, tr('Remove {0}?', formatCount(plan.targets.length, 'stopped container')));
}

/** Remove chosen volumes; volumes in use are refused. Always carries the data-loss warning. */
export function planRemoveVolumes(du: DockerDiskUsage, names: string[], action: DockerActionId = 'remove-volumes'): DockerPlan {
  const plan = base(du, action, '');
  let unknown = 0;
  for (const name of new Set(names)) {
    const v = du.volumes.find((x) => x.name === name);
    if (!v) plan.refused.push({ type: 'volume', id: name, label: name, reason: tr('not found') });
    else if (v.refCount !== 0) plan.refused.push({ type: 'volume', id: name, label: name, reason: v.refCount > 0 ? tr('used by {0}', formatCount(v.refCount, 'container')) : 'use unknown' });
    else {
      plan.targets.push({ type: 'volume', id: v.name, label: v.name, bytes: v.bytes, createdMs: v.createdMs });
      if (v.bytes === null) unknown++;
    }
  }
  plan.bytes = plan.bytesUpTo = plan.targets.reduce((s, t) => s + (t.bytes ?? 0), 0);
  const noun = action === 'prune-unused-volumes' ? tr('unused volume') : 'volume';
  plan.title = `${action === 'prune-unused-volumes' ? tr('Prune') : tr('Remove')} ${formatCount(plan.targets.length, noun)}`;
  if (plan.targets.length) {
    plan.warnings.push(
      tr('DATA LOSS: volumes hold data written by containers (databases, datasets, model files). ') +
        tr('Everything in {0} is deleted permanently.', plan.targets.map((t) => t.label).join(', ')),
    );
  }
  if (unknown) plan.warnings.push(tr('{0} of unknown size (not counted in the bytes).', formatCount(unknown, 'volume')));
  return finish(plan, (plan.targets.length === 1 ? tr('Delete {0} and all the data in it?', formatCount(plan.targets.length, 'unused volume')) : tr('Delete {0} and all the data in them?', formatCount(plan.targets.length, 'unused volume'))));
}

/** The plan behind a purge target name (`docker:dangling-images`, …). */
export function planDockerPurge(du: DockerDiskUsage, target: DockerPurgeTarget): DockerPlan {
  switch (DOCKER_PURGE_TARGETS[target]) {
    case 'prune-dangling-images':
      return planPruneDanglingImages(du);
    case 'prune-unused-images':
      return planPruneUnusedImages(du);
    case 'prune-stopped-containers':
      return planPruneStoppedContainers(du);
    case 'prune-unused-volumes':
      return planPruneUnusedVolumes(du);
    case 'prune-build-cache':
      return planPruneBuildCache(du);
  }
}

export function isDockerPurgeTarget(name: string): name is DockerPurgeTarget {
  return Object.prototype.hasOwnProperty.call(DOCKER_PURGE_TARGETS, name);
}

// ---------------------------------------------------------------------------------------------
// Executor
// ---------------------------------------------------------------------------------------------

export interface ExecuteDockerPlanOptions {
  signal?: AbortSignal;
  /** Decides the VM disk-image note; defaults to this process's platform. */
  platform?: NodeJS.Platform;
  /** Called after each target (removal actions) so the UI can show progress. */
  onProgress?: (done: number, total: number, outcome: DockerTargetOutcome) => void;
}

/**
 * Carries out a plan. Never throws for engine trouble: every target gets an outcome ('removed',
 * 'untagged', 'skipped' with why, 'failed' with the engine's words). Cancelling through `signal`
 * stops before the next target; the remaining ones are reported as skipped ('cancelled').
 */
export async function executeDockerPlan(client: DockerClient, plan: DockerPlan, options: ExecuteDockerPlanOptions = {}): Promise<DockerExecutionReport> {
  const report: DockerExecutionReport = {
    action: plan.action,
    title: plan.title,
    endpoint: client.endpoint,
    outcomes: [],
    bytesFreed: 0,
    bytesSource: 'planned',
    engineDeleted: [],
    cancelled: false,
    summary: '',
  };
  const platform = options.platform ?? process.platform;
  if (platform === 'darwin' || platform === 'win32') report.platformNote = tr(VM_DISK_IMAGE_NOTE);

  if (plan.endpoint !== client.endpoint) {
    // A plan is only valid for the engine it was made from: ids and names mean nothing elsewhere.
    for (const t of plan.targets) {
      report.outcomes.push({ ...outcomeBase(t), status: 'skipped', code: 'other-engine', message: tr('planned for {0}, not {1}', plan.endpoint, client.endpoint) });
    }
    report.summary = summarizeDockerReport(report);
    return report;
  }
  try {
    if (plan.targets.length > 0) {
      switch (plan.action) {
        case 'prune-dangling-images':
        case 'prune-unused-images':
          await runImagePrune(client, plan, report, options);
          break;
        case 'prune-build-cache':
          await runBuildCachePrune(client, plan, report, options);
          break;
        case 'prune-stopped-containers':
        case 'remove-containers':
          await runContainerRemoval(client, plan, report, options);
          break;
        case 'prune-unused-volumes':
        case 'remove-volumes':
          await runVolumeRemoval(client, plan, report, options);
          break;
        case 'remove-images':
          await runImageRemoval(client, plan, report, options);
          break;
      }
    }
  } catch (error) {
    // A failure of the whole action (engine gone, timeout, cancel): every target without an
    // outcome gets one. An engine-side prune may have run although its answer never came.
    const cancelled = isAbortError(error) || options.signal?.aborted === true;
    report.cancelled ||= cancelled;
    const inFlight = ENGINE_PRUNES.includes(plan.action) && (cancelled || (isDockerEngineError(error) && error.kind === 'timeout'));
    for (const t of plan.targets) {
      if (report.outcomes.some((o) => o.type === t.type && o.id === t.id)) continue;
      if (inFlight) report.outcomes.push({ ...outcomeBase(t), status: 'failed', code: 'unknown-outcome', message: tr(UNKNOWN_OUTCOME) });
      else if (cancelled) report.outcomes.push({ ...outcomeBase(t), status: 'skipped', code: 'cancelled', message: 'cancelled' });
      else report.outcomes.push({ ...outcomeBase(t), status: 'failed', code: errorCode(error), message: errorText(error) });
    }
  }
  report.summary = summarizeDockerReport(report);
  return report;
}

/** Actions the engine carries out in one call (the others go target by target). */
const ENGINE_PRUNES: DockerActionId[] = ['prune-build-cache'];

const UNKNOWN_OUTCOME = 'stopped waiting while the engine was working on it; it may be gone: scan again to see';

function outcomeBase(t: DockerPlanTarget): Pick<DockerTargetOutcome, 'type' | 'id' | 'label' | 'bytes'> {
  return { type: t.type, id: t.id, label: t.label, bytes: null };
}

function errorText(error: unknown): string {
  if (isDockerEngineError(error)) return error.engineMessage ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string {
  if (isDockerEngineError(error)) {
    if (error.statusCode === 404) return 'gone';
    if (error.statusCode === 409) return 'conflict';
    return error.code ?? (error.statusCode ? `HTTP ${error.statusCode}` : error.kind);
  }
  return 'error';
}

/**
 * Image prunes, done as removals by id: each planned image, children before their parents, is
 * re-checked on a fresh disk usage (still there, unused, still dangling for a dangling prune)
 * and removed without force. Nothing the plan did not list is asked for; parent layers the
 * engine drops with an image are its own hidden layers; a listed image it drops too is reported.
 */
async function runImagePrune(client: DockerClient, plan: DockerPlan, report: DockerExecutionReport, options: ExecuteDockerPlanOptions) {
  const before = await client.diskUsage({ signal: options.signal });
  const byId = new Map(before.images.map((i) => [i.id, i]));
  const depth = (id: string): number => {
    let d = 0;
    for (let p = byId.get(id)?.parentId; p && d < 1000; p = byId.get(p)?.parentId) d++;
    return d;
  };
  const ordered = [...plan.targets].sort((a, b) => depth(b.id) - depth(a.id));
  const planned = new Set(plan.targets.map((t) => t.id));
  const removedByEngine = new Set<string>();
  await eachTarget(ordered, report, options, async (t) => {
    if (removedByEngine.has(t.id)) return { ...outcomeBase(t), status: 'removed', bytes: t.bytes };
    const image = byId.get(t.id);
    if (!image) return { ...outcomeBase(t), status: 'skipped', code: 'gone', message: tr('no longer exists') };
    if (isImageInUse(before, image)) return { ...outcomeBase(t), status: 'skipped', code: 'in-use', message: tr('now used by a container') };
    if (plan.action === 'prune-dangling-images' && !image.dangling) {
      return { ...outcomeBase(t), status: 'skipped', code: 'changed', message: tr('tagged since the scan') };
    }
    const result = await removeImageWithoutForce(client, image, options);
    report.engineDeleted.push(...result.deleted, ...result.untagged.map((u) => `untagged ${u}`));
    for (const id of result.deleted) removedByEngine.add(id);
    if (result.deleted.includes(t.id)) return { ...outcomeBase(t), status: 'removed', bytes: t.bytes };
    return { ...outcomeBase(t), status: 'untagged', bytes: 0, message: tr('untagged only: other images are built on it') };
  });
  // Hidden intermediates of legacy builds go with their image (they are its layers, `docker rmi`
  // removes them too); an image the engine listed and the plan did not is named.
  report.engineAlsoRemoved = [...removedByEngine]
    .filter((id) => !planned.has(id) && byId.has(id))
    .map((id) => ({ type: 'image' as const, id, label: imageLabelOf(byId.get(id)!), note: tr('removed with an image it was the parent of') }));
  await measureFreed(client, before, report, options);
}

/**
 * DELETE /images/{id} without force: extra tags are removed by name first (force is what lets
 * the engine delete an image a container uses, so it is never sent); the engine then refuses,
 * by itself and at the last moment, an image a container started using since the check.
 */
async function removeImageWithoutForce(client: DockerClient, image: DockerImage, options: ExecuteDockerPlanOptions): Promise<{ deleted: string[]; untagged: string[] }> {
  const untagged: string[] = [];
  for (const tag of image.tags.slice(1)) {
    const r = await client.removeImage(tag, { signal: options.signal });
    untagged.push(...r.untagged);
  }
  const r = await client.removeImage(image.id, { signal: options.signal });
  return { deleted: r.deleted, untagged: [...untagged, ...r.untagged] };
}

/** bytesFreed as the drop of the engine's whole total (layers shared with the build cache move there and are not freed). */
async function measureFreed(client: DockerClient, before: DockerDiskUsage, report: DockerExecutionReport, options: ExecuteDockerPlanOptions) {
  try {
    const after = await client.diskUsage({ signal: options.signal });
    report.bytesFreed = Math.max(0, dockerTotals(before).bytes - dockerTotals(after).bytes);
    report.bytesSource = 'measured';
    // A removal whose answer was lost (connection dropped, timeout) but whose image the engine no
    // longer lists did happen: say so, so the items match the bytes measured.
    const listed = new Set(after.images.map((i) => i.id));
    for (const o of report.outcomes) {
      if (o.type === 'image' && o.status === 'failed' && before.images.some((i) => i.id === o.id) && !listed.has(o.id)) {
        o.status = 'removed';
        o.message = tr('the engine\'s answer was lost ({0}), but it no longer lists the image', o.code ?? 'error');
        o.code = 'gone-after-error';
      }
    }
  } catch {
    report.bytesFreed = sumRemoved(report);
    report.bytesSource = 'planned';
  }
}

async function runBuildCachePrune(client: DockerClient, plan: DockerPlan, report: DockerExecutionReport, options: ExecuteDockerPlanOptions) {
  const result = await client.pruneBuildCache({ all: true, signal: options.signal });
  const deleted = new Set(result.deleted);
  report.engineDeleted = result.deleted;
  // The engine decided: every record it removed that the plan did not list is named in the report.
  const planned = new Set(plan.targets.map((t) => t.id));
  report.engineAlsoRemoved = result.deleted.filter((id) => !planned.has(id)).map((id) => ({ type: 'build-cache' as const, id, label: id.slice(0, 12), note: tr('not in the plan') }));
  report.engineSpaceReclaimed = result.spaceReclaimed;
  // The engine's SpaceReclaimed also counts records shared with image layers, whose data stays
  // on disk with the images; we count only the records' own data.
  let freed = 0;
  for (const t of plan.targets) {
    if (deleted.has(t.id)) {
      freed += t.bytes ?? 0;
      report.outcomes.push({ ...outcomeBase(t), status: 'removed', bytes: t.bytes });
    } else {
      report.outcomes.push({ ...outcomeBase(t), status: 'skipped', code: 'kept-by-engine', message: tr('the engine kept it (in use by a build started since the scan?)') });
    }
  }
  report.bytesFreed = freed;
  report.bytesSource = 'planned';
}

/** Runs `act` for each target in order, stopping at cancellation; records outcomes. */
async function eachTarget(
  targets: DockerPlanTarget[],
  report: DockerExecutionReport,
  options: ExecuteDockerPlanOptions,
  act: (t: DockerPlanTarget) => Promise<DockerTargetOutcome>,
) {
  let done = 0;
  for (const t of targets) {
    let outcome: DockerTargetOutcome;
    if (options.signal?.aborted) {
      report.cancelled = true;
      outcome = { ...outcomeBase(t), status: 'skipped', code: 'cancelled', message: 'cancelled' };
    } else {
      try {
        outcome = await act(t);
      } catch (error) {
        if (isAbortError(error) || options.signal?.aborted) {
          // Cancelled while a request for this target was out: the engine may have done it.
          report.cancelled = true;
          outcome = { ...outcomeBase(t), status: 'failed', code: 'unknown-outcome', message: tr(UNKNOWN_OUTCOME) };
        } else if (isDockerEngineError(error) && error.kind === 'timeout') {
          outcome = { ...outcomeBase(t), status: 'failed', code: 'unknown-outcome', message: `${error.message} ${tr(UNKNOWN_OUTCOME)}` };
        } else {
          const code = errorCode(error);
          outcome = { ...outcomeBase(t), status: code === 'gone' ? 'skipped' : 'failed', code, message: errorText(error) };
        }
      }
    }
    report.outcomes.push(outcome);
    options.onProgress?.(++done, targets.length, outcome);
  }
}

async function runContainerRemoval(client: DockerClient, plan: DockerPlan, report: DockerExecutionReport, options: ExecuteDockerPlanOptions) {
  await eachTarget(plan.targets, report, options, async (t) => {
    // Without force the engine refuses a container that is running now (409).
    await client.removeContainer(t.id, { signal: options.signal });
    return { ...outcomeBase(t), status: 'removed', bytes: t.bytes };
  });
  report.bytesFreed = sumRemoved(report);
  report.bytesSource = 'planned';
}

async function runVolumeRemoval(client: DockerClient, plan: DockerPlan, report: DockerExecutionReport, options: ExecuteDockerPlanOptions) {
  const fresh = await client.diskUsage({ signal: options.signal });
  await eachTarget(plan.targets, report, options, async (t) => {
    const now = fresh.volumes.find((v) => v.name === t.id);
    if (!now) return { ...outcomeBase(t), status: 'skipped', code: 'gone', message: tr('no longer exists') };
    if (t.createdMs !== undefined && now.createdMs !== undefined && now.createdMs !== t.createdMs) {
      return { ...outcomeBase(t), status: 'skipped', code: 'changed', message: tr('a different volume now has this name (re-created since the scan)') };
    }
    if (now.refCount !== 0) return { ...outcomeBase(t), status: 'skipped', code: 'in-use', message: tr('now used by a container') };
    // Without force the engine refuses a volume in use (409), closing the gap since the check.
    await client.removeVolume(t.id, { signal: options.signal });
    return { ...outcomeBase(t), status: 'removed', bytes: now.bytes };
  });
  report.bytesFreed = sumRemoved(report);
  report.bytesSource = 'measured';
}

async function runImageRemoval(client: DockerClient, plan: DockerPlan, report: DockerExecutionReport, options: ExecuteDockerPlanOptions) {
  const before = await client.diskUsage({ signal: options.signal });
  const plannedContainers = new Set(plan.targets.filter((t) => t.type === 'container').map((t) => t.id));
  const containerTargets = plan.targets.filter((t) => t.type === 'container');
  const imageTargets = plan.targets.filter((t) => t.type === 'image');

  // Containers first (they hold the images), each re-checked by the engine (no force).
  await eachTarget(containerTargets, report, options, async (t) => {
    await client.removeContainer(t.id, { signal: options.signal });
    return { ...outcomeBase(t), status: 'removed', bytes: t.bytes };
  });
  const removedContainers = new Set(report.outcomes.filter((o) => o.type === 'container' && o.status === 'removed').map((o) => o.id));

  await eachTarget(imageTargets, report, options, async (t) => {
    const image = before.images.find((i) => i.id === t.id);
    if (!image) return { ...outcomeBase(t), status: 'skipped', code: 'gone', message: tr('no longer exists') };
    const users = before.containers.filter((c) => c.imageId === t.id && !removedContainers.has(c.id));
    if (users.length) {
      const unplanned = users.filter((c) => !plannedContainers.has(c.id));
      const why = unplanned.length ? tr('used by {0} (not in the plan)', unplanned.map((c) => c.name).join(', ')) : tr('its container {0} was not removed', users.map((c) => c.name).join(', '));
      return { ...outcomeBase(t), status: 'skipped', code: 'in-use', message: why };
    }
    // By id, so a tag moved to another image since the scan is never touched. Force is needed
    // only to drop several tags at once; no container uses the image (checked just above, and
    // the engine still refuses a running one).
    const result = await client.removeImage(t.id, { force: image.tags.length > 1, signal: options.signal });
    if (result.deleted.includes(t.id)) return { ...outcomeBase(t), status: 'removed', bytes: t.bytes };
    return { ...outcomeBase(t), status: 'untagged', bytes: 0, message: tr('untagged only: other images are built on it') };
  });

  // Measured as the drop of the engine's whole total: layers an image shared with the build cache
  // move there instead of being freed, and must not count as reclaimed.
  await measureFreed(client, before, report, options);
}

function sumRemoved(report: DockerExecutionReport): number {
  return report.outcomes.filter((o) => o.status === 'removed').reduce((s, o) => s + (o.bytes ?? 0), 0);
}

export function summarizeDockerReport(report: DockerExecutionReport): string {
  const removed = report.outcomes.filter((o) => o.status === 'removed').length;
  const untagged = report.outcomes.filter((o) => o.status === 'untagged').length;
  const problems = report.outcomes.filter((o) => o.status === 'failed' || (o.status === 'skipped' && o.code !== 'cancelled'));
  const parts = [tr('Reclaimed {0} ({1})', formatBytes(report.bytesFreed), formatCount(removed, 'item'))];
  if (untagged) parts.push(tr('{0} only untagged', formatCount(untagged, 'image')));
  if (report.cancelled) parts.push(tr('cancelled before the end'));
  let text = parts.join('; ') + '.';
  if (problems.length) text += tr(' Not removed: {0}.', problems.map((p) => `${p.label} (${p.message ?? p.code})`).join('; '));
  const also = report.engineAlsoRemoved ?? [];
  if (also.length) text += tr(' The engine also removed {0} not in the plan: {1}.', formatCount(also.length, also[0].type === 'build-cache' ? 'record' : 'object'), also.map((a) => `${a.label} (${a.note})`).join(', '));
  if (report.platformNote) text += ` ${report.platformNote}`;
  // One line for a terminal or a notification; names and engine messages cannot break it.
  return displayText(text);
}
