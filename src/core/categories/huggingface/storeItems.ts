// The shared blob store in the scan model. Bytes are counted once across the model: a payload
// only one repo links to is counted in that repo; a payload several repos link to is counted in
// the store item ("shared by several repos") and shows in each of those repos as sharedBytes;
// a payload no repo links to is "unreferenced" (prune removes it). Each repo also carries the
// size huggingface_hub reports for it (all its payloads, shared or not).

import * as path from 'path';
import { formatBytes, formatCount } from '../../format';
import type { Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { WalkNode } from '../../walker/types';
import type { SharedStore, StorePayload } from './sharedStore';
import type { HfRepo } from './types';
import { t } from '../../l10n';

export const hfStoreItemId = (hubRoot: string) => `huggingface:store:${hubRoot}`;
export const hfStorePayloadItemId = (p: string) => `huggingface:store-payload:${p}`;

/** Payload key -> repos (paths) that link to it, from the parsed repos. */
export function storeUsage(repos: HfRepo[]): Map<string, Set<string>> {
  const usage = new Map<string, Set<string>>();
  for (const repo of repos) {
    for (const b of repo.blobs.values()) {
      if (!b.payload) continue;
      const set = usage.get(b.payload) ?? new Set<string>();
      set.add(repo.path);
      usage.set(b.payload, set);
    }
  }
  return usage;
}

/** Links into the store per payload, as absolute link paths (for storeDecision at scan time). */
export function storeLinkRefs(repos: HfRepo[]): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  for (const repo of repos) for (const b of repo.blobs.values()) if (b.payload) refs.set(b.payload, [...(refs.get(b.payload) ?? []), b.path]);
  return refs;
}

export interface RepoStoreShare {
  /** Payloads only this repo links to (counted in the repo). */
  ownBytes: number;
  ownApparentBytes: number;
  /** Payloads other repos link to too (counted in the store item). */
  sharedBytes: number;
  sharedApparentBytes: number;
  /** The other repos (folder names) sharing payloads with this one. */
  sharedWith: string[];
}

export function repoStoreShare(repo: HfRepo, usage: Map<string, Set<string>>, store: SharedStore): RepoStoreShare {
  const share: RepoStoreShare = { ownBytes: 0, ownApparentBytes: 0, sharedBytes: 0, sharedApparentBytes: 0, sharedWith: [] };
  const seen = new Set<string>();
  const others = new Set<string>();
  for (const b of repo.blobs.values()) {
    if (!b.payload || seen.has(b.payload)) continue;
    seen.add(b.payload);
    const p = store.payloads.get(b.payload);
    if (!p) continue;
    const users = usage.get(b.payload) ?? new Set();
    if (users.size > 1) {
      share.sharedBytes += p.bytes;
      share.sharedApparentBytes += p.apparentBytes;
      for (const u of users) if (u !== repo.path) others.add(path.basename(u));
    } else {
      share.ownBytes += p.bytes;
      share.ownApparentBytes += p.apparentBytes;
    }
  }
  share.sharedWith = [...others].sort();
  return share;
}

function payloadItem(p: StorePayload, kind: string, reclaimable: boolean, users: string[]): Item {
  return {
    id: hfStorePayloadItemId(p.path),
    label: p.key,
    kind,
    path: p.path,
    bytes: p.bytes,
    apparentBytes: p.apparentBytes,
    reclaimable,
    modifiedMs: p.mtimeMs || undefined,
    description: users.length ? t('used by {0}', users.join(', ')) : t('no repo links to it'),
    fields: { payload: p.key, usedBy: users, manifest: p.manifest ? true : false },
  };
}

function group(id: string, label: string, kind: string, children: Item[], reclaimable: boolean, note: string): Item {
  return {
    id, label, kind,
    bytes: children.reduce((s, c) => s + c.bytes, 0),
    apparentBytes: children.reduce((s, c) => s + c.apparentBytes, 0),
    reclaimable: reclaimable && children.length > 0,
    description: `${formatCount(children.length, 'payload')} · ${note}`,
    children: sortBySizeDesc(children),
  };
}

/**
 * The store item: the store folder as walked, less the payloads counted in a repo. Children: the
 * shared payloads, the unreferenced ones, and the rest (manifests, locks, the folders).
 */
export function storeItem(store: SharedStore, blobsNode: WalkNode, usage: Map<string, Set<string>>, hubRoot: string): { item: Item; unreferencedBytes: number; ownedBytes: number; ownedApparentBytes: number } {
  const shared: Item[] = [];
  const orphans: Item[] = [];
  let ownedBytes = 0;
  let ownedApparentBytes = 0;
  for (const p of store.payloads.values()) {
    const users = [...(usage.get(p.key) ?? [])].map((u) => path.basename(u)).sort();
    if (users.length === 1) {
      ownedBytes += p.bytes;
      ownedApparentBytes += p.apparentBytes;
    } else if (users.length > 1) shared.push(payloadItem(p, 'hf-store-payload', false, users));
    else orphans.push(payloadItem(p, 'hf-store-orphan', true, users));
  }
  const sharedGroup = group(`huggingface:store-shared:${hubRoot}`, t('Shared by several repos'), 'hf-store-shared', shared, false, t('stored once, used by more than one repo'));
  const orphanGroup = group(`huggingface:store-unreferenced:${hubRoot}`, t('Unreferenced payloads'), 'hf-store-unreferenced', orphans, true, t('no repo links to them; prune removes them'));
  const bytes = blobsNode.bytes - ownedBytes;
  const apparentBytes = blobsNode.apparentBytes - ownedApparentBytes;
  const rest: Item = {
    id: `huggingface:store-other:${hubRoot}`,
    label: t('Manifests, locks and folders'),
    kind: 'hf-store-other',
    path: store.dir,
    bytes: Math.max(0, bytes - sharedGroup.bytes - orphanGroup.bytes),
    apparentBytes: Math.max(0, apparentBytes - sharedGroup.apparentBytes - orphanGroup.apparentBytes),
    reclaimable: false,
  };
  const item: Item = {
    id: hfStoreItemId(hubRoot),
    label: t('Shared blob store'),
    kind: 'hf-store',
    path: store.dir,
    bytes,
    apparentBytes,
    reclaimable: orphans.length > 0,
    description: [
      formatCount(store.payloads.size, 'payload'),
      shared.length ? t('{0} shared by several repos', formatBytes(sharedGroup.bytes)) : '',
      orphans.length ? `${formatBytes(orphanGroup.bytes)} unreferenced` : '',
      t('payloads used by one repo are counted in that repo'),
    ].filter(Boolean).join(' · '),
    fields: {
      cacheRoot: hubRoot,
      payloads: store.payloads.size,
      sharedPayloads: shared.length,
      sharedBytes: sharedGroup.bytes,
      unreferencedPayloads: orphans.length,
      unreferencedBytes: orphanGroup.bytes,
      marker: store.marker ?? null,
    },
    children: [sharedGroup, orphanGroup, rest].filter((c) => c.bytes > 0 || (c.children?.length ?? 0) > 0),
  };
  return { item, unreferencedBytes: orphanGroup.bytes, ownedBytes, ownedApparentBytes };
}
