// Half-written checkpoints: what a crash (disk full, a killed job) leaves behind. A checkpoint is
// incomplete when
// - a file its complete siblings all have is missing (training state excepted: slimming removes it),
// - a weight file is empty or cut short (a safetensors header or data running past the end of the
//   file; a torch zip without its central directory),
// - it holds an unfinished file (`*.tmp`, `*.partial`, `*.part`, `*.incomplete`),
// - its DeepSpeed `latest` names a global_step folder that is not there.
// Such a checkpoint cannot be loaded or resumed from: it is never "best" or "last", its size is
// not a checkpoint's size for the forecast, and it is offered for deletion. The reads (bounded: one
// listing and a few KB of each weight file) are inspectFolder.ts's; this file judges and words them.
import { deepspeedStep, isTrainingStateName } from './names';
import { asyncInspectOps, inspectFolder, inspectWeight, UNFINISHED_RE, type FolderInspection, type FolderProblem, type WeightInspection, type WeightProblem } from './inspectFolder';
import type { Inspections } from './inspectPool';
import { openRegularFile, readZipIndex } from './torchZip';
import type { Checkpoint } from './types';
import { t } from '../../l10n';

/** Single-file checkpoints whose contents are checked. */
export function isCheckedFile(c: Checkpoint): boolean {
  return c.type === 'file' && isCheckedName(c.name);
}

/** A single-file checkpoint with this name is inspected (its header or zip directory read). */
export function isCheckedName(name: string): boolean {
  return /\.(ckpt|safetensors|pt|pth|bin)$/.test(name);
}

/**
 * Marks the incomplete checkpoints of one run (`c.incomplete` = the reason). `inspected` holds the
 * checkpoints already inspected (in worker threads, inspectPool.ts); any other is inspected here.
 */
export async function markIncomplete(checkpoints: Checkpoint[], inspected?: Inspections): Promise<void> {
  const dirs = checkpoints.filter((c) => c.type === 'dir');
  const listings = new Map<Checkpoint, { names: Set<string>; problem: string | null }>();
  for (const c of dirs) {
    const inspection = inspected?.folders.get(c.path) ?? (await inspectFolder(asyncInspectOps, c.path));
    listings.set(c, { names: new Set(inspection.names), problem: await folderProblem(inspection) });
  }
  for (const c of checkpoints.filter(isCheckedFile)) {
    const weight = inspected?.files.has(c.path) ? inspected.files.get(c.path)! : await inspectWeight(asyncInspectOps, c.path);
    const problem = await weightProblemText(c.path, weight);
    if (problem) c.incomplete = problem;
  }
  for (const [c, listing] of listings) if (listing.problem) c.incomplete = listing.problem;

  // Files every other sound sibling of the same format has (training state aside). Per format: how
  // many sound checkpoints have each name; one marked incomplete here stops counting at once.
  const expectedNames = new Map(dirs.map((c) => [c, [...listings.get(c)!.names].filter(expectedOfSiblings)]));
  const formats = new Map<Checkpoint['format'], { sound: number; having: Map<string, number> }>();
  for (const c of dirs) {
    if (c.incomplete) continue;
    const f = formats.get(c.format) ?? { sound: 0, having: new Map<string, number>() };
    f.sound++;
    for (const n of expectedNames.get(c)!) f.having.set(n, (f.having.get(n) ?? 0) + 1);
    formats.set(c.format, f);
  }
  for (const c of dirs) {
    if (c.incomplete) continue;
    const f = formats.get(c.format)!;
    const others = f.sound - 1;
    if (!others) continue;
    const own = listings.get(c)!.names;
    const missing = [...f.having].filter(([n, count]) => count === others && !own.has(n)).map(([n]) => n).sort();
    if (!missing.length) continue;
    c.incomplete = (missing.length === 1 ? t('missing {0} (its other checkpoints have it)', listNames(missing)) : t('missing {0} (its other checkpoints have them)', listNames(missing)));
    f.sound--;
    for (const n of expectedNames.get(c)!) f.having.set(n, f.having.get(n)! - 1);
  }
}

/** Names a complete checkpoint of the run is expected to share: not training state, not per-step DeepSpeed folders. */
function expectedOfSiblings(name: string): boolean {
  return !isTrainingStateName(name) && deepspeedStep(name) === null && !UNFINISHED_RE.test(name) && name !== 'latest' && !name.startsWith('.');
}

function listNames(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : t('{0} and {1} more', names.slice(0, 3).join(', '), names.length - 3);
}

/** Why this folder alone is incomplete (at most two reasons), or null. Zip weights are checked here. */
async function folderProblem(inspection: FolderInspection): Promise<string | null> {
  const problems = inspection.problems.map(describeFolderProblem);
  for (const zip of inspection.zipWeights) {
    const problem = await zipProblem(zip);
    if (problem) problems.push(`${zip.slice(zip.lastIndexOf('/') + 1)}: ${problem}`);
  }
  return problems.length ? problems.slice(0, 2).join('; ') : null;
}

function describeFolderProblem(problem: FolderProblem): string {
  switch (problem.kind) {
    case 'unfinished': return t('unfinished file {0}', problem.name);
    case 'empty-weight': return t('{0} is empty', problem.name);
    case 'weight': return `${problem.name}: ${describeWeightProblem(problem.problem)}`;
    case 'latest-missing': return t('DeepSpeed latest names {0}, which is not there', problem.tag);
  }
}

function describeWeightProblem(problem: WeightProblem): string {
  switch (problem.kind) {
    case 'empty': return t('empty file');
    case 'short-header': return t('cut short before its header');
    case 'header-past-end': return t('header of {0} bytes is longer than the file ({1} bytes): cut short', problem.headerLength, problem.size);
    case 'unreadable-header': return t('unreadable header');
    case 'data-past-end': return t('tensor data runs past the end of the file ({0} of {1} bytes): cut short', problem.size, problem.end);
  }
}

/** Why a weight file is cut short or empty, or null when it looks whole (or is of a format not checked). */
export async function weightFileProblem(file: string): Promise<string | null> {
  return weightProblemText(file, await inspectWeight(asyncInspectOps, file));
}

/** An inspection in words; a zip's central directory is read here. */
async function weightProblemText(file: string, weight: WeightInspection): Promise<string | null> {
  if (weight === 'zip') return zipProblem(file);
  return weight ? describeWeightProblem(weight) : null;
}

/** A torch zip without its central directory, or with members running past its end. */
async function zipProblem(file: string): Promise<string | null> {
  const handle = await openRegularFile(file);
  if (typeof handle === 'string') return null;
  try {
    const index = await readZipIndex(handle);
    return index.ok ? null : index.reason;
  } catch {
    return null;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
