// Deletion plans for Ollama, made from the manifests as they are NOW (a tag pulled since the scan
// may share a blob): deleting tags removes their manifests and then the blobs no other manifest
// names, in that order, as `ollama rm` does, so an interruption never leaves a manifest naming a
// missing blob. While any other manifest cannot be read no blob is deleted (it might name it).
// Prune (and deleting unreferenced blobs or partial downloads) only takes what the scan listed
// and what is still unreferenced now. Empty model folders are left in place: removing a folder
// could take a tag written into it after the plan was made.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { formatCount } from '../../format';
import { t } from '../../l10n';
import { findItem, type Item, type ScanModel } from '../../model';
import { buildPlan, PlanRefusedError, type PlannedPath } from '../../plan/builder';
import type { PlanContext } from '../../plan/context';
import { cacheRootOf, categoryOf, itemOf } from '../../plan/fromModel';
import type { DeletionPlan } from '../../plan/types';
import { isPartialOf } from './blobs';
import { OLLAMA_CATEGORY_ID, OLLAMA_PRUNE_ID } from './ids';
import { ACTIVE_DOWNLOAD_MS } from './items';
import { isManifestProblem, readAllManifests, readManifest, type ManifestProblem, type OllamaManifest } from './manifests';

const PHASE_MANIFEST = 0;
const PHASE_BLOB = 1;

type Keep = { path: string; reason: string };

interface Request {
  /** Manifest files of the tags to delete. */
  tags: string[];
  /** Blob paths the scan listed as unreferenced. */
  unreferenced: string[];
  /** Blob paths whose interrupted downloads go (`<blob>-partial*`). */
  partials: string[];
  /** Prune: partial downloads changed in the last minutes stay. */
  spareActive: boolean;
}

interface DirNow {
  manifests: OllamaManifest[];
  problems: ManifestProblem[];
}

async function readDirNow(modelsDir: string, signal?: AbortSignal): Promise<DirNow> {
  const now = await readAllManifests(modelsDir, signal);
  if (signal?.aborted) throw new PlanRefusedError(t('cancelled'));
  return now;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function labelsOf(manifests: OllamaManifest[]): string {
  return manifests.map((m) => m.label).join(', ');
}

/** Manifests and blobs of the chosen tags of one models folder. */
async function planTags(modelsDir: string, tags: string[], now: DirNow, paths: PlannedPath[], keep: Keep[], warnings: string[]): Promise<void> {
  const chosen = new Set(tags);
  const remaining = now.manifests.filter((m) => !chosen.has(m.path));
  const unreadable = now.problems.filter((p) => !chosen.has(p.path));
  const candidates = new Map<string, string[]>(); // blob -> labels of the chosen tags using it
  for (const file of tags) {
    const m = await readManifest(file);
    if (isManifestProblem(m)) {
      if (m.code === 'ENOENT') { keep.push({ path: file, reason: t('no longer exists') }); continue; }
      // Its layers are unknown: the manifest goes, its blobs stay (they show as unreferenced next scan).
      warnings.push(t('{0} {1}: it is deleted, but the blobs it names are unknown and stay', file, m.reason));
      paths.push({ path: file, root: modelsDir, label: path.relative(path.join(modelsDir, 'manifests'), file), phase: PHASE_MANIFEST });
      continue;
    }
    paths.push({ path: file, root: modelsDir, label: t('{0} (manifest)', m.label), phase: PHASE_MANIFEST });
    for (const l of m.layers) candidates.set(l.blob, [...(candidates.get(l.blob) ?? []), m.label]);
  }
  for (const [blob, users] of candidates) {
    const blobPath = path.join(modelsDir, 'blobs', blob);
    if (!(await exists(blobPath))) continue;
    const others = remaining.filter((m) => m.layers.some((l) => l.blob === blob));
    if (others.length) { keep.push({ path: blobPath, reason: t('also used by {0}', labelsOf(others)) }); continue; }
    if (unreadable.length) {
      keep.push({ path: blobPath, reason: t('kept: {0} cannot be read and might use it', formatCount(unreadable.length, 'manifest')) });
      continue;
    }
    paths.push({ path: blobPath, root: modelsDir, label: t('{0} (layer of {1})', blob, users.join(', ')), phase: PHASE_BLOB });
  }
  if (unreadable.length) warnings.push(t('{0} cannot be read ({1}): the blobs of the deleted tags stay until it is fixed or removed', formatCount(unreadable.length, 'manifest'), unreadable[0].path));
}

/** Blobs the scan found unreferenced, if no manifest names them now. */
function planUnreferenced(modelsDir: string, blobs: string[], now: DirNow, paths: PlannedPath[], keep: Keep[]): void {
  for (const blobPath of blobs) {
    const blob = path.basename(blobPath);
    const users = now.manifests.filter((m) => m.layers.some((l) => l.blob === blob));
    if (users.length) { keep.push({ path: blobPath, reason: t('a manifest names it now ({0})', labelsOf(users)) }); continue; }
    if (now.problems.length) { keep.push({ path: blobPath, reason: t('kept: {0} cannot be read and might use it', formatCount(now.problems.length, 'manifest')) }); continue; }
    paths.push({ path: blobPath, root: modelsDir, label: t('{0} (unreferenced blob)', blob), phase: PHASE_BLOB });
  }
}

/** The files of each interrupted download, listed now (`<blob>-partial` and its `-partial-<n>` sidecars). */
async function planPartials(modelsDir: string, blobs: string[], spareActive: boolean, paths: PlannedPath[], keep: Keep[], warnings: string[], nowMs: number): Promise<void> {
  const dir = path.join(modelsDir, 'blobs');
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).sort();
  } catch (err) {
    throw new PlanRefusedError(t('cannot list {0}: {1}', dir, (err as NodeJS.ErrnoException).code ?? 'EIO'));
  }
  for (const blobPath of blobs) {
    const blob = path.basename(blobPath);
    const files = names.filter((n) => isPartialOf(n, blob)).map((n) => path.join(dir, n));
    let newest = 0;
    for (const f of files) newest = Math.max(newest, (await fsp.lstat(f).catch(() => undefined))?.mtimeMs ?? 0);
    if (!files.length) continue;
    if (nowMs - newest < ACTIVE_DOWNLOAD_MS) {
      if (spareActive) { keep.push({ path: files[0], reason: t('changed in the last {0} minutes: the download may still be running', ACTIVE_DOWNLOAD_MS / 60_000) }); continue; }
      warnings.push(t('{0} changed in the last {1} minutes: a pull may still be writing it', blob, ACTIVE_DOWNLOAD_MS / 60_000));
    }
    for (const f of files) paths.push({ path: f, root: modelsDir, label: t('{0} (incomplete download)', path.basename(f)), phase: PHASE_BLOB });
  }
}

function addTo(byDir: Map<string, Request>, dir: string): Request {
  let r = byDir.get(dir);
  if (!r) byDir.set(dir, (r = { tags: [], unreferenced: [], partials: [], spareActive: false }));
  return r;
}

/** Prune: every unreferenced blob and interrupted download the scan listed. */
function pruneRequest(model: ScanModel): Map<string, Request> {
  const byDir = new Map<string, Request>();
  const visit = (items: Item[]) => {
    for (const item of items) {
      const root = item.fields?.cacheRoot;
      if (typeof root === 'string' && item.path) {
        if (item.kind === 'ollama-unreferenced-blob') addTo(byDir, root).unreferenced.push(item.path);
        if (item.kind === 'ollama-partial') { const r = addTo(byDir, root); r.partials.push(path.join(root, 'blobs', String(item.fields?.blob))); r.spareActive = true; }
      }
      visit(item.children ?? []);
    }
  };
  visit(categoryOf(model, OLLAMA_CATEGORY_ID).items);
  return byDir;
}

/** An item id of the last scan, or `ollama:<name as ollama list shows it>` for a tag. */
function resolveId(model: ScanModel, id: string): ReturnType<typeof itemOf> {
  if (findItem(model, id)) return itemOf(model, id, OLLAMA_CATEGORY_ID);
  const name = id.slice(OLLAMA_CATEGORY_ID.length + 1);
  const tags = categoryOf(model, OLLAMA_CATEGORY_ID).items.filter((i) => i.kind === 'ollama-model' && i.fields?.tag !== undefined && i.label === name);
  if (tags.length === 1) return { item: tags[0], parents: [] };
  throw new PlanRefusedError(tags.length ? t('{0} names tags in several models folders; use the item id from scan --json', name) : t('not in the last scan: {0}', id));
}

function requestFor(ids: string[], model: ScanModel): Map<string, Request> {
  const byDir = new Map<string, Request>();
  for (const id of ids) {
    const { item, parents } = resolveId(model, id);
    if (!item.reclaimable || !item.path) throw new PlanRefusedError(t('{0} cannot be deleted from here', item.label));
    const r = addTo(byDir, cacheRootOf(item, parents));
    if (item.kind === 'ollama-model') r.tags.push(item.path);
    else if (item.kind === 'ollama-unreferenced-blob') r.unreferenced.push(item.path);
    else if (item.kind === 'ollama-unreferenced') r.unreferenced.push(...(item.children ?? []).filter((c) => c.reclaimable && c.path).map((c) => c.path!));
    else if (item.kind === 'ollama-partial') r.partials.push(path.join(cacheRootOf(item, parents), 'blobs', String(item.fields?.blob)));
    else throw new PlanRefusedError(t('{0} cannot be deleted from here', item.label));
  }
  return byDir;
}

export async function planOllama(ids: string[], model: ScanModel, ctx: PlanContext): Promise<DeletionPlan> {
  const prune = ids.includes(OLLAMA_PRUNE_ID);
  if (prune && ids.length > 1) throw new PlanRefusedError(t('{0} cannot be combined with other ids', OLLAMA_PRUNE_ID));
  const byDir = prune ? pruneRequest(model) : requestFor(ids, model);
  const paths: PlannedPath[] = [];
  const keep: Keep[] = [];
  const warnings: string[] = [];
  for (const [modelsDir, r] of byDir) {
    const needsManifests = r.tags.length > 0 || r.unreferenced.length > 0;
    const now = needsManifests ? await readDirNow(modelsDir, ctx.signal) : { manifests: [], problems: [] };
    if (r.tags.length) await planTags(modelsDir, [...new Set(r.tags)], now, paths, keep, warnings);
    if (r.unreferenced.length) planUnreferenced(modelsDir, [...new Set(r.unreferenced)], now, paths, keep);
    if (r.partials.length) await planPartials(modelsDir, [...new Set(r.partials)], r.spareActive, paths, keep, warnings, ctx.now);
  }
  const tags = [...byDir.values()].reduce((s, r) => s + r.tags.length, 0);
  const title = prune
    ? t('Prune Ollama: blobs no model uses and interrupted downloads')
    : tags === ids.length && tags === 1
      ? t('Delete Ollama model {0}', resolveId(model, ids[0]).item.label)
      : tags === ids.length ? t('Delete {0} Ollama models', tags) : t('Delete {0} Ollama items', ids.length);
  return buildPlan({ title, scannedAt: model.scannedAt, paths, keep, warnings, signal: ctx.signal });
}
