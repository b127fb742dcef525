// The Ollama category: every models folder found (OLLAMA_MODELS or ~/.ollama/models, and the
// Linux service install's when it can be read), walked with the scan's shared walker so each
// blob is counted once, its manifests read with safeRead. Unreadable manifests are warnings;
// while one exists, no blob is offered as unreferenced (it might name them).
import { constants as fsConstants, promises as fsp } from 'fs';
import { formatCount } from '../../format';
import { t } from '../../l10n';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { CategoryResult, ScanContext } from '../../scan/types';
import { ALL_CHILDREN, existingDir, reportWalkErrors } from '../../scan/walkHelpers';
import { OLLAMA_CATEGORY_ID } from './ids';
import { storeRows } from './items';
import { ollamaModelsDirCandidates } from './locations';
import { readAllManifests } from './manifests';
import { buildStore, type OllamaStore } from './store';

/** models/manifests/<host>/<namespace>/<model>/<tag>: the model folders (depth 4) must keep their children. */
const DETAIL_DEPTH = 5;

/** The models folders that exist and can be read, each once (real paths). */
export async function findModelsDirs(ctx: Pick<ScanContext, 'env' | 'homeDir' | 'platform' | 'warn'>, serviceDirs?: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const candidate of ollamaModelsDirCandidates(ctx.env, ctx.homeDir, ctx.platform, serviceDirs)) {
    const dir = await existingDir(candidate);
    if (!dir || found.includes(dir)) continue;
    try {
      await fsp.access(dir, fsConstants.R_OK | fsConstants.X_OK);
    } catch (err) {
      ctx.warn({ message: t('{0}: cannot read the Ollama models folder ({1})', dir, (err as NodeJS.ErrnoException).code ?? 'EACCES'), path: dir, code: 'EACCES', category: OLLAMA_CATEGORY_ID });
      continue;
    }
    found.push(dir);
  }
  return found;
}

export async function scanOllama(ctx: ScanContext, serviceDirs?: readonly string[]): Promise<CategoryResult | undefined> {
  const dirs = await findModelsDirs(ctx, serviceDirs);
  if (!dirs.length) return undefined;
  const label = t('Ollama models');
  ctx.progress(label);
  const result = await ctx.walker.walk(dirs, {
    signal: ctx.signal,
    topN: ALL_CHILDREN,
    detailDepth: DETAIL_DEPTH,
    onProgress: (p) => ctx.progress(label, p),
  });
  reportWalkErrors(ctx, result, OLLAMA_CATEGORY_ID);
  const stores: OllamaStore[] = [];
  for (const [i, dir] of dirs.entries()) {
    const { manifests, problems } = await readAllManifests(dir, ctx.signal);
    for (const p of problems) {
      ctx.warn({ message: `${p.path}: ${p.reason}`, path: p.path, code: p.code, category: OLLAMA_CATEGORY_ID });
    }
    const store = buildStore(dir, result.roots[i], manifests, problems);
    for (const m of manifests) {
      const missing = m.layers.filter((l) => !store.blobs.has(l.blob));
      if (missing.length) {
        ctx.warn({ message: t('{0}: {1} of {2} missing from blobs/ (the model is incomplete)', m.label, formatCount(missing.length, 'blob'), m.path), path: m.path, code: 'missing-blob', category: OLLAMA_CATEGORY_ID });
      }
    }
    stores.push(store);
  }
  const items: Item[] = [];
  let prunable = 0;
  for (const store of stores) {
    const rows = storeRows(store, ctx.now, stores.length > 1 ? ` — ${store.modelsDir}` : '');
    items.push(...rows.items);
    prunable += rows.prunableBytes;
  }
  const category: Category = {
    id: OLLAMA_CATEGORY_ID,
    label,
    bytes: stores.reduce((s, x) => s + x.node.bytes, 0),
    apparentBytes: stores.reduce((s, x) => s + x.node.apparentBytes, 0),
    reclaimableBytes: prunable,
    items: sortBySizeDesc(items),
    fields: {
      modelsDirs: dirs.join('\n'),
      tags: stores.reduce((s, x) => s + x.manifests.length, 0),
      unreadableManifests: stores.reduce((s, x) => s + x.problems.length, 0),
      reclaimableMeans: t('what ollama:prune frees: blobs no manifest names and interrupted downloads'),
    },
  };
  return { category, claimedPaths: dirs };
}
