// Deletion plans for the hub cache: delete revisions, delete repos, prune. Each plan re-reads the
// affected repos from disk (so a blob that a revision downloaded since the scan now links to is
// kept), deletes only what the scan listed, and measures the exact bytes of every target.

import * as path from 'path';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../../plan/builder';
import { createLimiter } from '../../limit';
import { formatCount } from '../../format';
import { findItem, type Item, type ScanModel } from '../../model';
import type { DeletionPlan } from '../../plan/types';
import type { PlanContext } from '../../plan/context';
import { recentDownloadMs, HF_CATEGORY_ID } from './ids';
import { parseHfRepo } from './parseRepo';
import { readManifest, readSharedStore, storeReferences, type SharedStore } from './sharedStore';
import { orphanPayloads, payloadFiles, storeDecision, type StoreDecision } from './storeStrategy';
import { deleteRevisionsStrategy, HF_PHASE, pruneStrategy, storeLinksRemoved, type HfDeletePaths } from './strategy';
import type { HfRepo } from './types';
import { revisionGrouper, storeGroup } from './revisionGroups';
import { t } from '../../l10n';

/** The shared blob store of a hub cache as it is now, and who links to each payload (from the filesystem). */
interface StoreNow {
  hubRoot: string;
  store: SharedStore;
  references: Map<string, string[]>;
}

async function storeNow(hubRoot: string): Promise<StoreNow | undefined> {
  const store = await readSharedStore(hubRoot);
  if (!store || !store.payloads.size) return undefined;
  return { hubRoot, store, references: await storeReferences(hubRoot, store) };
}

/**
 * Payloads a delete of revisions or repos frees (huggingface_hub's rule: no link left, manifest
 * readable), as planned paths, with the manifest edits for payloads that stay.
 */
async function storePart(now: StoreNow | undefined, removedLinks: string[], requireManifest: boolean): Promise<{ paths: PlannedPath[]; keep: { path: string; reason: string }[]; edits: NonNullable<DeletionPlan['hfManifestEdits']> }> {
  if (!now || !removedLinks.length) return { paths: [], keep: [], edits: [] };
  const base = { store: now.store, references: now.references, removedLinks };
  let decision: StoreDecision = storeDecision(base);
  if (requireManifest) {
    const readable = new Set<string>();
    for (const key of decision.freed) {
      const p = now.store.payloads.get(key)!;
      if (p.manifest && (await readManifest(p.manifest.path, now.hubRoot))) readable.add(key);
    }
    decision = storeDecision({ ...base, manifestReadable: (p) => readable.has(p.key) });
  }
  return {
    paths: decision.paths.map((p) => ({ path: p, root: now.hubRoot, phase: HF_PHASE.store, label: storeLabel(now.hubRoot, p), group: storeGroup() })),
    keep: decision.kept,
    edits: decision.manifestEdits.map((e) => ({ hubRoot: now.hubRoot, ...e })),
  };
}

function storeLabel(hubRoot: string, p: string): string {
  const rel = path.relative(path.join(hubRoot, 'blobs'), p);
  const name = path.basename(rel);
  const what = name.endsWith('.refs') ? 'manifest' : name.endsWith('.lock') ? 'lock' : 'payload';
  return t('shared blob store {0} {1}/{2}', what, path.dirname(rel), name.slice(0, 16));
}

interface RepoRef {
  item: Item;
  repoPath: string;
  cacheRoot: string;
}

function repoOf(model: ScanModel, id: string): RepoRef {
  const found = findItem(model, id);
  if (!found || found.category.id !== HF_CATEGORY_ID) throw new PlanRefusedError(t('not in the last scan: {0}', id));
  const item = found.item.kind === 'hf-repo' ? found.item : found.parents.find((p) => p.kind === 'hf-repo');
  if (!item?.path) throw new PlanRefusedError(t('not a Hugging Face repo or revision: {0}', id));
  const cacheRoot = item.fields?.cacheRoot;
  if (typeof cacheRoot !== 'string') throw new PlanRefusedError(t('the scan did not record the cache root of {0}', item.path));
  return { item, repoPath: item.path, cacheRoot };
}

/** `group` puts a path in its revision's line of the confirmation (revisionGroups.ts). */
function plannedPaths(paths: HfDeletePaths, cacheRoot: string, label: (kind: string, p: string) => string, group: (p: string) => string | undefined = () => undefined): PlannedPath[] {
  const out: PlannedPath[] = [];
  const add = (p: string, phase: number, text: string, g = group(p)) => out.push({ path: p, root: cacheRoot, phase, label: text, ...(g ? { group: g } : {}) });
  for (const p of paths.repos) add(p, HF_PHASE.repos, label('repo', p));
  for (const p of paths.snapshots) add(p, HF_PHASE.snapshots, label('snapshot', p));
  for (const p of paths.refs) add(p, HF_PHASE.refs, label('ref', p));
  for (const p of paths.blobs) add(p, HF_PHASE.blobs, label('blob', p));
  for (const p of paths.store) add(p, HF_PHASE.store, storeLabel(cacheRoot, p), storeGroup());
  return out;
}

function labeler(repo: HfRepo): (kind: string, p: string) => string {
  const name = repo.repoId ?? repo.folderName;
  return (kind, p) => {
    if (kind === 'repo') return t('{0} (whole repo)', name);
    if (kind === 'snapshot') return `${name} revision ${path.basename(p).slice(0, 8)}`;
    if (kind === 'ref') return `${name} ref ${path.relative(path.join(repo.path, 'refs'), p).split(path.sep).join('/')}`;
    return `${name} blob ${path.basename(p).slice(0, 16)}`;
  };
}

async function freshRepo(ref: RepoRef, store?: StoreNow): Promise<HfRepo> {
  return parseHfRepo(ref.repoPath, { limit: createLimiter(32), store: store?.store });
}

/** The store of each cache root the refs name, read once. */
async function storesFor(roots: Iterable<string>): Promise<Map<string, StoreNow | undefined>> {
  const out = new Map<string, StoreNow | undefined>();
  for (const r of roots) if (!out.has(r)) out.set(r, await storeNow(r));
  return out;
}

/**
 * Deletes the given revisions (item ids of kind hf-revision, possibly from several repos): their
 * snapshots and refs, and the blobs no remaining revision links to; all revisions of a repo ->
 * the repo folder.
 */
export async function planHfDeleteRevisions(model: ScanModel, revisionItemIds: string[], signal?: AbortSignal, now = Date.now()): Promise<DeletionPlan> {
  const byRepo = new Map<string, { ref: RepoRef; commits: Set<string> }>();
  for (const id of revisionItemIds) {
    const ref = repoOf(model, id);
    const found = findItem(model, id)!;
    if (found.item.kind !== 'hf-revision') throw new PlanRefusedError(t('not a revision: {0}', id));
    const entry = byRepo.get(ref.repoPath) ?? { ref, commits: new Set<string>() };
    entry.commits.add(String(found.item.fields!.commit));
    byRepo.set(ref.repoPath, entry);
  }
  const paths: PlannedPath[] = [];
  const keep: { path: string; reason: string }[] = [];
  const stores = await storesFor([...byRepo.values()].map((e) => e.ref.cacheRoot));
  const removedLinks = new Map<string, string[]>();
  let revisions = 0;
  for (const { ref, commits } of byRepo.values()) {
    const repo = await freshRepo(ref, stores.get(ref.cacheRoot));
    if (repo.corrupt) {
      keep.push({ path: repo.path, reason: t('the repo is corrupted now ({0}); delete the whole repo instead', repo.corrupt.message) });
      continue;
    }
    const present = [...commits].filter((c) => repo.revisions.some((r) => r.commit === c));
    for (const c of commits) if (!present.includes(c)) keep.push({ path: path.join(repo.path, 'snapshots', c), reason: t('no longer in the cache') });
    revisions += present.length;
    const strategy = deleteRevisionsStrategy(repo, present);
    paths.push(...plannedPaths(strategy, ref.cacheRoot, labeler(repo), revisionGrouper(repo, present, now)));
    removedLinks.set(ref.cacheRoot, [...(removedLinks.get(ref.cacheRoot) ?? []), ...storeLinksRemoved(repo, strategy)]);
    for (const r of repo.revisions) {
      if (!present.includes(r.commit) && strategy.repos.length === 0) keep.push({ path: r.path, reason: t('revision {0} stays ({1}), with the blobs it links to', r.commit.slice(0, 8), r.refs.join(', ') || 'detached') });
    }
  }
  const edits: NonNullable<DeletionPlan['hfManifestEdits']> = [];
  for (const [root, links] of removedLinks) {
    const part = await storePart(stores.get(root), links, true);
    paths.push(...part.paths);
    keep.push(...part.keep);
    edits.push(...part.edits);
  }
  const only = byRepo.size === 1 ? [...byRepo.values()][0].ref.item : undefined;
  return buildPlan({
    title: t('Delete {0}{1} from the Hugging Face cache', formatCount(revisions, 'revision'), only ? ` of ${only.label}` : ''),
    scannedAt: model.scannedAt,
    paths,
    keep,
    hfManifestEdits: edits,
    signal,
  });
}

/** Deletes whole repo folders (item ids of kind hf-repo; corrupted repos included). */
export async function planHfDeleteRepos(model: ScanModel, repoItemIds: string[], signal?: AbortSignal): Promise<DeletionPlan> {
  const refs = repoItemIds.map((id) => {
    const ref = repoOf(model, id);
    if (ref.item.id !== id) throw new PlanRefusedError(t('not a repo: {0}', id));
    return ref;
  });
  const paths: PlannedPath[] = refs.map((r) => ({ path: r.repoPath, root: r.cacheRoot, phase: HF_PHASE.repos, label: t('{0} (whole repo)', r.item.label), itemId: r.item.id }));
  const keep: { path: string; reason: string }[] = [];
  const edits: NonNullable<DeletionPlan['hfManifestEdits']> = [];
  const stores = await storesFor(refs.map((r) => r.cacheRoot));
  for (const [root, now] of stores) {
    if (!now) continue;
    // Every link of the repos into the store goes with them (read now, corrupted repos too).
    const links = [...now.references.values()].flat()
      .filter((l) => refs.some((r) => r.cacheRoot === root && l.startsWith(r.repoPath + path.sep)));
    const part = await storePart(now, links, true);
    paths.push(...part.paths);
    keep.push(...part.keep);
    edits.push(...part.edits);
  }
  return buildPlan({
    title: refs.length === 1 ? t('Delete {0} from the Hugging Face cache', refs[0].item.label) : t('Delete {0} from the Hugging Face cache', formatCount(refs.length, 'repo')),
    scannedAt: model.scannedAt,
    paths,
    keep,
    hfManifestEdits: edits,
    signal,
  });
}

/**
 * Prune: detached revisions, interrupted downloads and unreferenced blobs, in every repo of the
 * scan (or in the given repos). Only revisions that were detached at scan time and still are go;
 * only loose blobs the scan listed go; a blob changed within activeRunMinutes is kept (a download
 * may be writing it).
 */
export async function planHfPrune(model: ScanModel, ctx: PlanContext, repoPaths?: string[], signal?: AbortSignal): Promise<DeletionPlan> {
  const category = model.categories.find((c) => c.id === HF_CATEGORY_ID);
  if (!category) throw new PlanRefusedError(t('the last scan found no Hugging Face cache'));
  const repoItems = category.items.filter((i) => i.kind === 'hf-repo' && !i.fields?.corrupt && (!repoPaths || repoPaths.includes(i.path!)));
  const recentMs = recentDownloadMs(ctx.settings.activeRunMinutes);
  const paths: PlannedPath[] = [];
  const keep: { path: string; reason: string }[] = [];
  let detachedCount = 0;
  let looseCount = 0;
  const stores = await storesFor(repoItems.map((i) => String(i.fields!.cacheRoot)));
  const removedLinks = new Map<string, string[]>();
  for (const item of repoItems) {
    const scannedDetached = new Set(
      (item.children ?? []).filter((c) => c.kind === 'hf-revision' && c.fields?.detached === true).map((c) => String(c.fields!.commit)),
    );
    const scannedLoose = new Set(
      (item.children ?? []).filter((c) => c.kind === 'hf-incomplete' || c.kind === 'hf-unreferenced').flatMap((g) => (g.children ?? []).map((b) => b.path!)),
    );
    if (!scannedDetached.size && !scannedLoose.size) continue;
    const ref: RepoRef = { item, repoPath: item.path!, cacheRoot: String(item.fields!.cacheRoot) };
    const repo = await freshRepo(ref, stores.get(ref.cacheRoot));
    if (repo.corrupt) {
      keep.push({ path: repo.path, reason: t('corrupted now ({0}); not pruned', repo.corrupt.message) });
      continue;
    }
    // What the scan listed, narrowed to what is still true now.
    for (const r of repo.revisions) if (r.detached && !scannedDetached.has(r.commit)) r.detached = false;
    for (const r of repo.revisions) if (!r.detached && scannedDetached.has(r.commit)) keep.push({ path: r.path, reason: t('has a ref now ({0})', r.refs.join(', ')) });
    repo.incomplete = repo.incomplete.filter((b) => scannedLoose.has(b.path));
    repo.unreferenced = repo.unreferenced.filter((b) => scannedLoose.has(b.path));
    const choice = pruneStrategy(repo, ctx.now, recentMs);
    keep.push(...choice.kept);
    removedLinks.set(ref.cacheRoot, [...(removedLinks.get(ref.cacheRoot) ?? []), ...storeLinksRemoved(repo, choice.paths)]);
    detachedCount += choice.detached.length;
    looseCount += choice.paths.repos.length ? repo.incomplete.length + repo.unreferenced.length : choice.incomplete.length + choice.unreferenced.length;
    const label = labeler(repo);
    paths.push(...plannedPaths(choice.paths, ref.cacheRoot, (kind, p) => {
      if (kind === 'repo') return t('{0} (whole repo: every revision is detached)', repo.repoId);
      if (kind === 'blob' && p.endsWith('.incomplete')) return t('{0} incomplete download {1}', repo.repoId, path.basename(p).slice(0, 16));
      return label(kind, p);
    }, revisionGrouper(repo, choice.detached, ctx.now)));
  }
  // The shared blob store: payloads the scan found unreferenced and still are, and payloads this
  // prune leaves without links (prune decides from the filesystem, manifest or not).
  let orphanCount = 0;
  const edits: NonNullable<DeletionPlan['hfManifestEdits']> = [];
  const scannedOrphans = new Set(category.items.filter((i) => i.kind === 'hf-store' && (!repoPaths || repoPaths.length === 0)).flatMap((s) => (s.children ?? []).filter((g) => g.kind === 'hf-store-unreferenced').flatMap((g) => (g.children ?? []).map((c) => c.path!))));
  for (const [root, now] of stores) {
    if (!now) continue;
    const part = await storePart(now, removedLinks.get(root) ?? [], false);
    paths.push(...part.paths);
    keep.push(...part.keep);
    edits.push(...part.edits);
    orphanCount += part.paths.filter((p) => p.label?.includes(' payload ')).length;
    const { orphans, kept } = orphanPayloads(now.store, now.references, ctx.now, recentMs);
    keep.push(...kept.filter((k) => scannedOrphans.has(k.path)));
    for (const o of orphans.filter((x) => scannedOrphans.has(x.path))) {
      orphanCount++;
      for (const f of payloadFiles(o)) paths.push({ path: f, root, phase: HF_PHASE.store, label: storeLabel(root, f), group: storeGroup() });
    }
  }
  if (!repoPaths) {
    // Stores of caches where no repo needed pruning.
    for (const storeItem of category.items.filter((i) => i.kind === 'hf-store')) {
      const root = String(storeItem.fields!.cacheRoot);
      if (stores.has(root)) continue;
      const now = await storeNow(root);
      if (!now) continue;
      const { orphans, kept } = orphanPayloads(now.store, now.references, ctx.now, recentMs);
      keep.push(...kept.filter((k) => scannedOrphans.has(k.path)));
      for (const o of orphans.filter((x) => scannedOrphans.has(x.path))) {
        orphanCount++;
        for (const f of payloadFiles(o)) paths.push({ path: f, root, phase: HF_PHASE.store, label: storeLabel(root, f), group: storeGroup() });
      }
    }
  }
  const what = [
    detachedCount ? formatCount(detachedCount, 'detached revision') : '',
    looseCount ? formatCount(looseCount, 'incomplete or unreferenced blob') : '',
    orphanCount ? formatCount(orphanCount, 'unreferenced shared payload') : '',
  ].filter(Boolean).join(t(' and '));
  return buildPlan({
    title: t('Prune the Hugging Face cache{0}', what ? `: ${what}` : t(' (nothing to prune)')),
    scannedAt: model.scannedAt,
    paths,
    keep,
    hfManifestEdits: edits,
    signal,
  });
}

/**
 * Loose blobs of repos: item ids of kind hf-incomplete / hf-unreferenced (the group) or one blob of
 * them. Each repo is re-read: a blob some revision links to now, or one changed within
 * activeRunMinutes (a download may be writing it), is kept.
 */
export async function planHfLooseBlobs(model: ScanModel, ids: string[], ctx: PlanContext, signal?: AbortSignal): Promise<DeletionPlan> {
  const byRepo = new Map<string, { repoItem: Item; blobs: Item[] }>();
  for (const id of ids) {
    const found = findItem(model, id);
    if (!found || found.category.id !== HF_CATEGORY_ID) throw new PlanRefusedError(t('not in the last scan: {0}', id));
    const repoItem = found.parents.find((p) => p.kind === 'hf-repo');
    if (!repoItem?.path) throw new PlanRefusedError(t('not a blob group of a repo: {0}', id));
    const blobs = found.item.children?.length ? found.item.children : [found.item];
    for (const b of blobs) {
      if (!b.path || path.dirname(b.path) !== path.join(repoItem.path, 'blobs')) throw new PlanRefusedError(t('not a blob: {0}', b.id));
    }
    const entry = byRepo.get(repoItem.path) ?? { repoItem, blobs: [] };
    entry.blobs.push(...blobs);
    byRepo.set(repoItem.path, entry);
  }
  const recentMs = recentDownloadMs(ctx.settings.activeRunMinutes);
  const paths: PlannedPath[] = [];
  const keep: { path: string; reason: string }[] = [];
  for (const { repoItem, blobs } of byRepo.values()) {
    const cacheRoot = String(repoItem.fields!.cacheRoot);
    const repo = await freshRepo({ item: repoItem, repoPath: repoItem.path!, cacheRoot });
    if (repo.corrupt) {
      keep.push({ path: repo.path, reason: t('corrupted now ({0}); delete the whole repo instead', repo.corrupt.message) });
      continue;
    }
    const loose = new Map([...repo.incomplete, ...repo.unreferenced].map((b) => [b.path, b]));
    for (const b of blobs) {
      const now = loose.get(b.path!);
      if (!now) keep.push({ path: b.path!, reason: t('a revision links to it now, or it is gone') });
      else if (ctx.now - now.mtimeMs < recentMs) keep.push({ path: b.path!, reason: t('changed recently: a download may be in progress') });
      else paths.push({ path: b.path!, root: cacheRoot, phase: HF_PHASE.blobs, label: `${repoItem.label} blob ${b.label}`, itemId: b.id });
    }
  }
  return buildPlan({
    title: t('Delete {0} from the Hugging Face cache', formatCount(paths.length, 'loose blob')),
    scannedAt: model.scannedAt,
    paths,
    keep,
    signal,
  });
}

/**
 * Unreferenced payloads of the shared blob store picked in the tree (the group or single
 * payloads): each is re-checked against every repo's links now; one a repo links to now, or one
 * changed within activeRunMinutes, is kept.
 */
export async function planHfStoreOrphans(model: ScanModel, ids: string[], ctx: PlanContext, signal?: AbortSignal): Promise<DeletionPlan> {
  const byRoot = new Map<string, Set<string>>();
  for (const id of ids) {
    const found = findItem(model, id);
    const storeItem = found?.parents.find((p) => p.kind === 'hf-store');
    if (!found || found.category.id !== HF_CATEGORY_ID || !storeItem) throw new PlanRefusedError(t('not an unreferenced payload of the last scan: {0}', id));
    const picked = found.item.kind === 'hf-store-unreferenced' ? found.item.children ?? [] : [found.item];
    for (const p of picked) {
      if (p.kind !== 'hf-store-orphan' || !p.path) throw new PlanRefusedError(t('not an unreferenced payload: {0}', p.id));
      const root = String(storeItem.fields!.cacheRoot);
      byRoot.set(root, (byRoot.get(root) ?? new Set()).add(p.path));
    }
  }
  const recentMs = recentDownloadMs(ctx.settings.activeRunMinutes);
  const paths: PlannedPath[] = [];
  const keep: { path: string; reason: string }[] = [];
  for (const [root, wanted] of byRoot) {
    const now = await storeNow(root);
    const { orphans, kept } = now ? orphanPayloads(now.store, now.references, ctx.now, recentMs) : { orphans: [], kept: [] };
    const orphanPaths = new Set(orphans.map((o) => o.path));
    for (const k of kept) if (wanted.has(k.path)) keep.push(k);
    for (const w of wanted) {
      if (!orphanPaths.has(w) && !kept.some((k) => k.path === w)) keep.push({ path: w, reason: t('a repo links to it now, or it is gone') });
    }
    for (const o of orphans.filter((x) => wanted.has(x.path))) {
      for (const f of payloadFiles(o)) paths.push({ path: f, root, phase: HF_PHASE.store, label: storeLabel(root, f) });
    }
  }
  return buildPlan({
    title: t('Delete {0} from the Hugging Face cache', formatCount(paths.filter((p) => p.label?.includes(' payload ')).length, 'unreferenced shared payload')),
    scannedAt: model.scannedAt,
    paths,
    keep,
    signal,
  });
}
