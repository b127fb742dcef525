// The tree items of one hub-cache repo: the repo, its revisions (blobs each links to, counted once
// per revision), interrupted downloads and unreferenced blobs, and what pruning would free.

import * as path from 'path';
import { formatAge, formatBytes, formatCount } from '../../format';
import { t } from '../../l10n';
import type { Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import { childNamed } from '../../scan/walkHelpers';
import type { WalkNode } from '../../walker/types';
import { HF_CATEGORY_ID, hfIncompleteItemId, hfRepoItemId, hfRevisionItemId, hfUnreferencedItemId } from './ids';
import { type SharedStore } from './sharedStore';
import { repoStoreShare } from './storeItems';
import { storeDecision } from './storeStrategy';
import { deleteRevisionsStrategy, pruneStrategy, storeLinksRemoved, type HfDeletePaths } from './strategy';
import type { HfEntryStat, HfRepo, HfRevision } from './types';

/** Files listed under a revision item (the largest); the rest are counted in fields.omittedFiles. */
const MAX_FILES_PER_REVISION = 200;

export function blobsFromNode(repoNode: WalkNode): Map<string, HfEntryStat> | undefined {
  const blobsNode = childNamed(repoNode, 'blobs');
  if (!blobsNode) return new Map();
  if (blobsNode.type !== 'dir') return new Map();
  if (blobsNode.omitted?.count || (blobsNode.files > 0 && !blobsNode.children)) return undefined;
  const map = new Map<string, HfEntryStat>();
  for (const c of blobsNode.children ?? []) {
    map.set(c.name, {
      name: c.name, path: c.path,
      type: c.type === 'other' ? 'other' : c.type,
      // The blob's own disk usage, even when its blocks were counted first elsewhere (a hard link).
      bytes: c.bytes + c.sharedBytes,
      apparentBytes: c.apparentBytes,
      dev: c.dev, ino: c.ino, mtimeMs: c.mtimeMs, atimeMs: c.atimeMs,
    });
  }
  return map;
}

/** The hub's shared blob store as the scan saw it (huggingface_hub 2.x). */
export interface StoreScan {
  store: SharedStore;
  /** Payload key -> repos linking to it. */
  usage: Map<string, Set<string>>;
  /** Payload key -> links into it. */
  refs: Map<string, string[]>;
}

/** Disk bytes the given deletion frees, estimated from the scan (the plan measures it exactly). */
function estimate(paths: HfDeletePaths, repo: HfRepo, repoNode: WalkNode, store?: StoreScan, prune = false): number {
  let bytes = 0;
  if (store) {
    // Payloads left with no link go too (a delete needs their manifest, as huggingface_hub; prune does not).
    const d = storeDecision({ store: store.store, references: store.refs, removedLinks: storeLinksRemoved(repo, paths), manifestReadable: prune ? undefined : (p) => !!p.manifest });
    for (const key of d.freed) {
      const p = store.store.payloads.get(key)!;
      bytes += p.bytes + (p.manifest?.bytes ?? 0) + (p.lock?.bytes ?? 0);
    }
  }
  if (paths.repos.length) return bytes + repoNode.bytes;
  const snapshots = childNamed(repoNode, 'snapshots');
  for (const p of paths.snapshots) bytes += childNamed(snapshots, path.basename(p))?.bytes ?? 0;
  for (const p of paths.refs) bytes += repo.refs.find((r) => r.path === p)?.bytes ?? 0;
  for (const p of paths.blobs) {
    const b = repo.blobs.get(path.basename(p));
    if (b) bytes += b.payload ? b.linkBytes ?? 0 : b.bytes;
  }
  return bytes;
}

function iso(ms: number): string | null {
  return ms > 0 ? new Date(ms).toISOString() : null;
}

function revisionLabel(rev: HfRevision): string {
  return `${rev.commit.slice(0, 8)} ${rev.refs.length ? `(${rev.refs.join(', ')})` : '(detached)'}`;
}

function revisionItem(repo: HfRepo, rev: HfRevision, exclusiveBytes: number, cacheRoot: string, now: number): Item {
  const files = [...rev.files].sort((a, b) => b.bytes - a.bytes || a.relPath.localeCompare(b.relPath));
  const shown = files.slice(0, MAX_FILES_PER_REVISION);
  const item: Item = {
    id: hfRevisionItemId(repo.path, rev.commit),
    label: revisionLabel(rev),
    kind: 'hf-revision',
    path: rev.path,
    bytes: rev.bytes,
    apparentBytes: rev.apparentBytes,
    reclaimable: true,
    modifiedMs: rev.lastModifiedMs || undefined,
    description: t('{0} · frees {1} alone · {2}', formatCount(rev.files.length, 'file'), formatBytes(exclusiveBytes), formatAge(rev.lastModifiedMs, now)),
    fields: {
      commit: rev.commit,
      refs: rev.refs,
      detached: rev.detached,
      exclusiveBytes,
      files: rev.files.length,
      repoPath: repo.path,
      cacheRoot,
      ...(files.length > shown.length ? { omittedFiles: files.length - shown.length } : {}),
    },
    children: shown.map((f) => ({
      id: `${HF_CATEGORY_ID}:file:${f.path}`,
      label: f.relPath,
      kind: 'hf-file',
      path: f.path,
      bytes: f.bytes,
      apparentBytes: f.apparentBytes,
      reclaimable: false,
      fields: { link: f.kind, ...(f.blob ? { blob: f.blob } : {}) },
    })),
  };
  if (rev.detached) item.badges = ['detached'];
  return item;
}

function blobGroupItem(id: string, label: string, kind: string, blobs: HfEntryStat[], note: string): Item {
  const bytes = blobs.reduce((s, b) => s + b.bytes, 0);
  return {
    id, label, kind,
    bytes,
    apparentBytes: blobs.reduce((s, b) => s + b.apparentBytes, 0),
    reclaimable: true,
    description: `${formatCount(blobs.length, 'file')} · ${note}`,
    children: sortBySizeDesc(blobs.map((b) => ({
      id: `${HF_CATEGORY_ID}:blob:${b.path}`,
      label: b.name,
      kind: `${kind}-blob`,
      path: b.path,
      bytes: b.bytes,
      apparentBytes: b.apparentBytes,
      modifiedMs: b.mtimeMs || undefined,
      reclaimable: true,
    }))),
  };
}

/** How users name a repo (`hf cache ls`): `model/org/name`. */
export function hfRepoDisplayName(repo: Pick<HfRepo, 'repoType' | 'repoId' | 'folderName'>): string {
  return repo.repoType && repo.repoId ? `${repo.repoType}/${repo.repoId}` : repo.folderName;
}

export function hfRepoItem(repo: HfRepo, repoNode: WalkNode, cacheRoot: string, now: number, recentMs: number, store?: StoreScan): { item: Item; pruneBytes: number } {
  const share = store ? repoStoreShare(repo, store.usage, store.store) : undefined;
  const base: Item = {
    id: hfRepoItemId(repo.path),
    label: repo.repoId ?? repo.folderName,
    kind: 'hf-repo',
    path: repo.path,
    // Payloads in the shared store that only this repo uses are this repo's bytes.
    bytes: repoNode.bytes + (share?.ownBytes ?? 0),
    apparentBytes: repoNode.apparentBytes + (share?.ownApparentBytes ?? 0),
    reclaimable: true,
    modifiedMs: repo.lastModifiedMs || undefined,
    accessedMs: repo.lastAccessedMs || undefined,
  };
  const shared = (repoNode.sharedBytes ?? 0) + (share?.sharedBytes ?? 0);
  if (shared) base.sharedBytes = shared;
  if (share?.sharedBytes) base.sharedWith = t('the shared blob store (also used by {0})', share.sharedWith.join(', '));
  const incompleteBytes = repo.incomplete.reduce((s, b) => s + b.bytes, 0);
  if (repo.corrupt) {
    base.badges = ['corrupted'];
    base.description = `corrupted: ${repo.corrupt.message}`;
    base.fields = {
      repoType: repo.repoType ?? null,
      repoId: repo.repoId ?? null,
      name: hfRepoDisplayName(repo),
      corrupt: repo.corrupt.message,
      corruptCode: repo.corrupt.code,
      lastAccessed: iso(repoNode.atimeMs),
      revisions: [],
      incompleteBytes,
      cacheRoot,
    };
    return { item: base, pruneBytes: 0 };
  }
  const revisions = repo.revisions.map((rev) => {
    const exclusive = estimate(deleteRevisionsStrategy(repo, [rev.commit]), repo, repoNode, store);
    return revisionItem(repo, rev, exclusive, cacheRoot, now);
  });
  const prune = pruneStrategy(repo, now, recentMs);
  const pruneBytes = estimate(prune.paths, repo, repoNode, store, true);
  const children: Item[] = [...revisions];
  if (repo.incomplete.length) {
    children.push(blobGroupItem(hfIncompleteItemId(repo.path), t('Incomplete downloads'), 'hf-incomplete', repo.incomplete, t('interrupted downloads (blobs/*.incomplete)')));
  }
  if (repo.unreferenced.length) {
    children.push(blobGroupItem(hfUnreferencedItemId(repo.path), t('Unreferenced blobs'), 'hf-unreferenced', repo.unreferenced, t('no revision links to them')));
  }
  const detached = repo.revisions.filter((r) => r.detached).length;
  const parts = [
    repo.repoType!,
    formatCount(repo.revisions.length, 'revision') + (detached ? t(' ({0} detached)', detached) : ''),
    repo.lastAccessedMs ? `used ${formatAge(repo.lastAccessedMs, now)}` : '',
    incompleteBytes ? `${formatBytes(incompleteBytes)} incomplete` : '',
  ].filter(Boolean);
  const item: Item = {
    ...base,
    description: parts.join(' · '),
    fields: {
      repoType: repo.repoType,
      repoId: repo.repoId,
      name: hfRepoDisplayName(repo),
      // What huggingface_hub reports for the repo (size_on_disk: file sizes of the blobs its revisions use, shared payloads included).
      hfSizeOnDisk: repo.blobApparentBytes,
      // The same files as disk usage: this repo's folder plus every payload it uses (shared ones too).
      sizeWithSharedBytes: repoNode.bytes + (share ? share.ownBytes + share.sharedBytes : 0),
      ...(share?.sharedBytes ? { sharedPayloadBytes: share.sharedBytes, sharesPayloadsWith: share.sharedWith } : {}),
      lastAccessed: iso(repo.lastAccessedMs),
      lastModified: iso(repo.lastModifiedMs),
      revisions: repo.revisions.map((r) => ({
        commit: r.commit, refs: r.refs, bytes: r.bytes, detached: r.detached,
        exclusiveBytes: revisions.find((x) => x.fields!.commit === r.commit)!.fields!.exclusiveBytes,
      })),
      refs: repo.refs.map((r) => r.name),
      blobBytes: repo.blobBytes,
      blobApparentBytes: repo.blobApparentBytes,
      nbFiles: repo.blobs.size - repo.incomplete.length - repo.unreferenced.length,
      incompleteBytes,
      incompleteFiles: repo.incomplete.length,
      unreferencedBytes: repo.unreferenced.reduce((s, b) => s + b.bytes, 0),
      pruneBytes,
      childrenOverlap: true,
      cacheRoot,
      ...(repo.warnings.length ? { warnings: repo.warnings.map((w) => w.message) } : {}),
    },
    children,
  };
  if (detached) item.badges = ['has detached'];
  return { item, pruneBytes };
}
