// How a Hugging Face delete or prune is described in its confirmation: per revision
// ("Llama-3.1-8B @ cc00653f, detached, downloaded 21 days ago"), not per blob hash. Each planned
// path (snapshot folder, ref file, blob) is put in the group of the revision it belongs to; the
// dialog shows one line per group with the bytes of its paths.
import * as path from 'path';
import { formatAge } from '../../format';
import { t } from '../../l10n';
import type { HfRepo, HfRevision } from './types';
import { isIncompleteBlobName } from './names';

/** `meta-llama/Llama-3.1-8B` -> `Llama-3.1-8B`: the org is in the folder the dialog names. */
export function shortRepoName(repo: Pick<HfRepo, 'repoId' | 'folderName'>): string {
  const id = repo.repoId ?? repo.folderName;
  return id.slice(id.lastIndexOf('/') + 1) || id;
}

/** "Llama-3.1-8B @ cc00653f, detached, downloaded 21 days ago" or "… @ cc00653f, main, …". */
export function revisionDescription(repo: Pick<HfRepo, 'repoId' | 'folderName'>, rev: Pick<HfRevision, 'commit' | 'refs' | 'lastModifiedMs'>, now: number): string {
  const refs = rev.refs.length ? rev.refs.join(', ') : t('detached');
  return t('{0} @ {1}, {2}, downloaded {3}', shortRepoName(repo), rev.commit.slice(0, 8), refs, formatAge(rev.lastModifiedMs, now));
}

/**
 * The group of each path a delete of `commits` plans in `repo`: a snapshot or ref by its revision,
 * a blob by the one deleted revision linking it (or "shared by the deleted revisions" when several
 * do), a loose blob as an interrupted download or an unreferenced blob. Undefined for anything
 * else (the repo folder itself).
 */
export function revisionGrouper(repo: HfRepo, commits: Iterable<string>, now: number): (p: string) => string | undefined {
  const doomed = new Set(commits);
  const byPath = new Map<string, string>();
  const linkedBy = new Map<string, string[]>();
  for (const rev of repo.revisions) {
    if (!doomed.has(rev.commit)) continue;
    const group = revisionDescription(repo, rev, now);
    byPath.set(rev.path, group);
    for (const name of rev.refs) {
      const ref = repo.refs.find((r) => r.name === name);
      if (ref) byPath.set(ref.path, group);
    }
    for (const blob of rev.blobs) linkedBy.set(blob, [...(linkedBy.get(blob) ?? []), group]);
  }
  const short = shortRepoName(repo);
  return (p) => {
    const own = byPath.get(p);
    if (own) return own;
    if (path.dirname(p) !== path.join(repo.path, 'blobs')) return undefined;
    const name = path.basename(p);
    const groups = linkedBy.get(name);
    if (groups?.length === 1) return groups[0];
    if (groups && groups.length > 1) return t('{0}: files the deleted revisions share', short);
    return isIncompleteBlobName(name) ? t('{0}: interrupted downloads', short) : t('{0}: blobs no revision links to', short);
  };
}

/** The group of every shared-store path: one line for the store. */
export function storeGroup(): string {
  return t('shared blob store: files no revision links to any more');
}
