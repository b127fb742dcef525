// Which payloads of the shared blob store a deletion frees, with huggingface_hub 2.x's rule: a
// payload goes only when no repo link is left pointing at it. Who points at it comes from the
// filesystem (sharedStore.storeReferences), never from the manifest alone. A delete of revisions
// or repos also needs the payload's manifest readable, as huggingface_hub does: without it the
// payload is left (it leaks until a prune, which decides from the filesystem only). Pure.

import type { SharedStore, StorePayload } from './sharedStore';
import { t } from '../../l10n';

export interface StoreDecision {
  /** Paths to delete: each freed payload, then its manifest and lock. */
  paths: string[];
  /** Payload keys freed. */
  freed: string[];
  kept: { path: string; reason: string }[];
  /** Manifests of payloads that stay, which list links the deletion removes. */
  manifestEdits: { manifest: string; links: string[] }[];
}

export interface StoreDecisionInput {
  store: SharedStore;
  /** Payload key -> every repo link pointing at it now. */
  references: Map<string, string[]>;
  /** Links (absolute paths) the deletion removes. */
  removedLinks: string[];
  /** Called for payloads left with no link: whether its manifest can be read (undefined = not required, prune). */
  manifestReadable?: (payload: StorePayload) => boolean;
  /** Payloads changed this recently are kept (a download may be writing them); with `now`. */
  recentMs?: number;
  now?: number;
}

export function storeDecision(input: StoreDecisionInput): StoreDecision {
  const out: StoreDecision = { paths: [], freed: [], kept: [], manifestEdits: [] };
  const removed = new Set(input.removedLinks);
  const touched = new Set<string>();
  for (const [key, links] of input.references) if (links.some((l) => removed.has(l))) touched.add(key);
  for (const key of [...touched].sort()) {
    const payload = input.store.payloads.get(key);
    if (!payload) continue;
    const links = input.references.get(key) ?? [];
    const left = links.filter((l) => !removed.has(l));
    if (left.length) {
      if (payload.manifest) out.manifestEdits.push({ manifest: payload.manifest.path, links: links.filter((l) => removed.has(l)) });
      continue;
    }
    if (input.manifestReadable && !input.manifestReadable(payload)) {
      out.kept.push({ path: payload.path, reason: t('its manifest (.refs) is missing or unreadable: huggingface_hub leaves such a payload too; prune removes it') });
      continue;
    }
    if (input.recentMs !== undefined && input.now !== undefined && input.now - payload.mtimeMs < input.recentMs) {
      out.kept.push({ path: payload.path, reason: t('changed recently: a download may be in progress') });
      continue;
    }
    out.freed.push(key);
    out.paths.push(payload.path, ...(payload.manifest ? [payload.manifest.path] : []), ...(payload.lock ? [payload.lock.path] : []));
  }
  return out;
}

/** Payloads no repo links to (prune): `references` from the filesystem. Recent ones are kept. */
export function orphanPayloads(store: SharedStore, references: Map<string, string[]>, now: number, recentMs: number): { orphans: StorePayload[]; kept: { path: string; reason: string }[] } {
  const orphans: StorePayload[] = [];
  const kept: { path: string; reason: string }[] = [];
  for (const p of [...store.payloads.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    if (references.get(p.key)?.length) continue;
    if (now - p.mtimeMs < recentMs) kept.push({ path: p.path, reason: t('no repo links to it, but it changed recently: a download may be in progress') });
    else orphans.push(p);
  }
  return { orphans, kept };
}

/** A payload's files to delete: the payload, its manifest and its lock. */
export function payloadFiles(p: StorePayload): string[] {
  return [p.path, ...(p.manifest ? [p.manifest.path] : []), ...(p.lock ? [p.lock.path] : [])];
}
