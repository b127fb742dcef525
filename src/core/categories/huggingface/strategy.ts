// What deleting revisions of a hub-cache repo removes (huggingface_hub's DeleteCacheStrategy):
// the snapshots and refs of those revisions and only the blobs no remaining revision links to;
// all revisions of a repo -> the whole repo folder. Executed in the order repos -> snapshots ->
// refs -> blobs, so an interruption never leaves a ref to a missing snapshot or a snapshot
// linking to a deleted blob. Pure: works on a parsed repo.

import * as path from 'path';
import { isIncompleteBlobName } from './names';
import type { HfEntryStat, HfRepo } from './types';
import { t } from '../../l10n';

export interface HfDeletePaths {
  repos: string[];
  snapshots: string[];
  refs: string[];
  blobs: string[];
  /** Payloads of the shared blob store (with their manifest and lock) that nothing links to afterwards. */
  store: string[];
}

/** Store payloads go last: an interruption before them leaves a payload nobody links to (prune takes it), never a dangling link. */
export const HF_PHASE = { repos: 0, snapshots: 1, refs: 2, blobs: 3, store: 4 } as const;

export function emptyDeletePaths(): HfDeletePaths {
  return { repos: [], snapshots: [], refs: [], blobs: [], store: [] };
}

/** The blobs/ links into the shared store that the given deletion removes (whole repos: all of theirs). */
export function storeLinksRemoved(repo: HfRepo, paths: HfDeletePaths): string[] {
  const whole = paths.repos.includes(repo.path);
  const gone = new Set(paths.blobs);
  return [...repo.blobs.values()].filter((b) => b.payload && (whole || gone.has(b.path))).map((b) => b.path);
}

export function blobPath(repo: HfRepo, name: string): string {
  return path.join(repo.path, 'blobs', name);
}

/** Commits not found in the repo are ignored (the caller reports them). */
export function deleteRevisionsStrategy(repo: HfRepo, commits: Iterable<string>): HfDeletePaths {
  const selected = new Set(commits);
  const doomed = repo.revisions.filter((r) => selected.has(r.commit));
  const remaining = repo.revisions.filter((r) => !selected.has(r.commit));
  const out = emptyDeletePaths();
  if (doomed.length === 0) return out;
  if (remaining.length === 0) {
    out.repos.push(repo.path);
    return out;
  }
  const stillLinked = new Set<string>();
  for (const r of remaining) for (const b of r.blobs) stillLinked.add(b);
  const blobs = new Set<string>();
  for (const r of doomed) {
    out.snapshots.push(r.path);
    for (const refName of r.refs) {
      const ref = repo.refs.find((x) => x.name === refName);
      if (ref) out.refs.push(ref.path);
    }
    for (const b of r.blobs) if (!stillLinked.has(b)) blobs.add(b);
  }
  out.blobs.push(...[...blobs].sort().map((b) => blobPath(repo, b)));
  return out;
}

export interface PruneChoice {
  paths: HfDeletePaths;
  /** Detached revisions that go. */
  detached: string[];
  incomplete: HfEntryStat[];
  unreferenced: HfEntryStat[];
  kept: { path: string; reason: string }[];
}

/**
 * Prune = detached revisions + interrupted downloads (`.incomplete`) + blobs no revision links to.
 * A blob file changed less than `recentMs` ago may belong to a download in progress: it is kept,
 * and so is the repo folder around it (when every revision is detached the repo would go whole).
 */
export function pruneStrategy(repo: HfRepo, now: number, recentMs: number): PruneChoice {
  const choice: PruneChoice = { paths: emptyDeletePaths(), detached: [], incomplete: [], unreferenced: [], kept: [] };
  if (repo.corrupt) return choice;
  const isRecent = (b: HfEntryStat) => now - b.mtimeMs < recentMs;
  const loose = [...repo.incomplete, ...repo.unreferenced];
  const recent = loose.filter(isRecent);
  for (const b of recent) {
    choice.kept.push({ path: b.path, reason: t('changed {0} min ago: a download may be in progress', Math.round((now - b.mtimeMs) / 60000)) });
  }
  choice.detached = repo.revisions.filter((r) => r.detached).map((r) => r.commit);
  const allDetached = repo.revisions.length > 0 && choice.detached.length === repo.revisions.length;
  if (allDetached && recent.length) {
    // Deleting the revisions would take the repo folder and the download in it.
    choice.kept.push({ path: repo.path, reason: t('every revision is detached, but a download may be in progress in it') });
    choice.detached = [];
  } else if (choice.detached.length) {
    choice.paths = deleteRevisionsStrategy(repo, choice.detached);
  }
  if (choice.paths.repos.length === 0) {
    for (const b of loose) {
      if (isRecent(b)) continue;
      if (isIncompleteBlobName(b.name)) choice.incomplete.push(b); else choice.unreferenced.push(b);
      choice.paths.blobs.push(b.path);
    }
  } else {
    choice.incomplete = repo.incomplete;
    choice.unreferenced = repo.unreferenced;
  }
  return choice;
}
