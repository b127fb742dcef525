// The "Weights & Biases" category: wandb's artifact cache and staging folder (regenerable: wandb
// downloads or re-stages what it needs, like after `wandb artifact cache cleanup`), and the run
// folders under wandb/ in the workspace or WANDB_DIR. A synced run's files/media is a local copy of
// what the W&B server holds; an offline run never synced is the only copy of its logs: it is shown
// "not synced", left out of every bulk clean, and deletable only on its own with a warning.
import * as fs from 'fs';
import { ALL_CHILDREN, childNamed, existingDir, reportWalkErrors } from '../../scan/walkHelpers';
import { formatAge, formatBytes, formatCount } from '../../format';
import { t } from '../../l10n';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import { isSameOrInside } from '../../safety/pathGuards';
import type { CategoryResult, ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { wandbCacheDir, wandbDataDir, wandbRunDirCandidates } from './locations';
import { parseRunFolderName, RUN_FOLDER_RE, syncStateOf, type SyncState } from './runs';

export const WANDB_CATEGORY_ID = 'wandb';
export const WANDB_LABEL = 'Weights & Biases';
/** The artifact cache and staging (like `wandb artifact cache cleanup`). */
export const WANDB_CACHE_PURGE_ID = `${WANDB_CATEGORY_ID}:cache`;
/** files/media of synced runs. */
export const WANDB_MEDIA_PURGE_ID = `${WANDB_CATEGORY_ID}:media`;
export const wandbRunItemId = (p: string) => `${WANDB_CATEGORY_ID}:run:${p}`;
export const wandbMediaItemId = (p: string) => `${WANDB_CATEGORY_ID}:media:${p}`;
export const wandbCacheItemId = (p: string) => `${WANDB_CATEGORY_ID}:cache:${p}`;
export const wandbStagingItemId = (p: string) => `${WANDB_CATEGORY_ID}:staging:${p}`;
export const wandbEntryItemId = (p: string) => `${WANDB_CATEGORY_ID}:entry:${p}`;

export const NOT_SYNCED_BADGE = 'not synced';
export const IN_PROGRESS_BADGE = 'in progress';

/** Does this folder hold wandb run folders (and is not, say, the wandb Python package)? */
async function holdsRuns(dir: string): Promise<boolean> {
  try {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    return entries.some((e) => (e.isDirectory() && RUN_FOLDER_RE.test(e.name)) || (e.isSymbolicLink() && e.name === 'latest-run'));
  } catch {
    return false;
  }
}

/** Disk usage of a folder's own entry (it stays when its contents are cleaned). */
async function ownBlocks(dir: string): Promise<number> {
  try {
    return (await fs.promises.lstat(dir)).blocks * 512;
  } catch {
    return 0;
  }
}

function leaf(node: WalkNode, id: string, kind: string, reclaimable: boolean, fields: Record<string, unknown>): Item {
  const it = nodeToItem(node, WANDB_CATEGORY_ID, reclaimable);
  delete it.children;
  it.id = id;
  it.kind = kind;
  it.fields = { ...it.fields, ...fields };
  return it;
}

/** Bytes of `node` not in `items`, as a non-reclaimable row, so a parent's rows add up to it. */
function otherRow(node: WalkNode, items: Item[], id: string, label: string, children: Item[] = []): Item | undefined {
  const bytes = node.bytes - items.reduce((s, i) => s + i.bytes, 0);
  const apparentBytes = node.apparentBytes - items.reduce((s, i) => s + i.apparentBytes, 0);
  if (bytes <= 0 && apparentBytes <= 0) return undefined;
  const row: Item = { id, label, kind: 'wandb-other', path: node.path, bytes: Math.max(0, bytes), apparentBytes: Math.max(0, apparentBytes), reclaimable: false };
  if (children.length) row.children = children;
  return row;
}

/** `~/project/wandb` for a folder in HOME (the full path stays in the row's path and tooltip). */
function homeRelative(p: string, home: string): string {
  return home && home !== '/' && isSameOrInside(p, home) ? `~${p.slice(home.length)}` : p;
}

interface RunRow { item: Item; state: SyncState; inProgress: boolean; mediaBytes: number }

function runRow(node: WalkNode, runsDir: string, ctx: ScanContext): RunRow | undefined {
  const name = parseRunFolderName(node.name);
  if (!name || node.type !== 'dir') return undefined;
  const names = (node.children ?? []).map((c) => c.name);
  const { state, logs } = syncStateOf(name.offline, names);
  const inProgress = node.mtimeMs > 0 && ctx.now - node.mtimeMs < ctx.settings.activeRunMinutes * 60_000;
  const kind = state === 'not-synced' ? 'wandb-unsynced-run' : state === 'synced' ? 'wandb-offline-run' : 'wandb-run';
  const item = leaf(node, wandbRunItemId(node.path), kind, true, {
    cacheRoot: runsDir, runId: name.runId, started: name.started, offline: name.offline, sync: state,
  });
  const media = childNamed(childNamed(node, 'files'), 'media');
  const mediaBytes = media?.type === 'dir' ? media.bytes : 0;
  if (media?.type === 'dir') {
    const m = leaf(media, wandbMediaItemId(media.path), 'wandb-media', state !== 'not-synced', { cacheRoot: runsDir, run: node.path });
    m.label = t('Logged media (files/media)');
    m.description = state === 'not-synced' ? t('not synced: the only copy') : t('also on the W&B server');
    item.children = [m];
  }
  // "not synced" alone in its part: the tree shows it once, as the badge.
  const parts = [state === 'not-synced' ? t('not synced') : state === 'synced' ? t('offline, synced') : t('online')];
  if (state === 'not-synced' && logs === 0) parts.push(t('no .wandb log'));
  if (mediaBytes) parts.push(t('media {0}', formatBytes(mediaBytes)));
  if (node.mtimeMs) parts.push(formatAge(node.mtimeMs, ctx.now));
  item.description = parts.join(' · ');
  const badges: string[] = [];
  if (state === 'not-synced') badges.push(NOT_SYNCED_BADGE);
  if (inProgress) badges.push(IN_PROGRESS_BADGE);
  if (badges.length) item.badges = badges;
  item.fields = { ...item.fields, inProgress, mediaBytes };
  return { item, state, inProgress, mediaBytes };
}

export async function scanWandb(ctx: ScanContext): Promise<CategoryResult | undefined> {
  const label = t(WANDB_LABEL);
  const cacheDir = await existingDir(wandbCacheDir(ctx.env, ctx.homeDir, ctx.platform));
  const dataDir = await existingDir(wandbDataDir(ctx.env, ctx.homeDir, ctx.platform));
  const runDirs: string[] = [];
  for (const candidate of await wandbRunDirCandidates(ctx.env, ctx.homeDir, ctx.roots)) {
    const dir = await existingDir(candidate);
    // A workspace folder itself is never claimed (the workspace category shows it).
    if (dir && !ctx.roots.includes(dir) && (await holdsRuns(dir))) runDirs.push(dir);
  }
  // Each folder once; one inside another is counted with the outer one.
  const all = [cacheDir, dataDir, ...runDirs].filter((d): d is string => !!d);
  const roots = all.filter((d, i) => all.indexOf(d) === i && !all.some((o) => o !== d && isSameOrInside(d, o)));
  if (!roots.length) return undefined;
  ctx.progress(label);

  const items: Item[] = [];
  let reclaimable = 0;
  let unsynced = 0;
  const walk = async (dir: string, detailDepth: number) => {
    const result = await ctx.walker.walk([dir], { signal: ctx.signal, topN: ALL_CHILDREN, detailDepth, onProgress: (p) => ctx.progress(label, p) });
    reportWalkErrors(ctx, result, WANDB_CATEGORY_ID);
    return result.roots[0];
  };

  if (cacheDir && roots.includes(cacheDir)) {
    const node = await walk(cacheDir, 1);
    const item = nodeToItem(node, WANDB_CATEGORY_ID);
    item.id = wandbCacheItemId(cacheDir);
    item.kind = 'wandb-artifact-cache';
    item.label = t('Artifact cache');
    item.description = `${formatCount(node.files, 'file')} · ${t('downloaded and uploaded artifact files; wandb fetches them again when needed')}`;
    item.fields = { ...item.fields, cacheRoot: cacheDir };
    item.children = sortBySizeDesc((node.children ?? []).map((c) => leaf(c, wandbEntryItemId(c.path), c.type === 'dir' ? 'folder' : c.type, true, { cacheRoot: cacheDir })));
    items.push(item);
    reclaimable += Math.max(0, node.bytes - (await ownBlocks(cacheDir)));
  }

  const runRows: RunRow[] = [];
  for (const dir of runDirs.filter((d) => roots.includes(d))) {
    if (ctx.signal.aborted) break;
    // wandb/ -> run -> files -> media: three levels keep their children.
    const node = await walk(dir, 3);
    const runs: Item[] = [];
    const others: Item[] = [];
    for (const child of node.children ?? []) {
      const row = runRow(child, dir, ctx);
      if (row) {
        runRows.push(row);
        runs.push(row.item);
      } else others.push(leaf(child, `${WANDB_CATEGORY_ID}:file:${child.path}`, child.type === 'dir' ? 'folder' : child.type, false, {}));
    }
    const other = otherRow(node, runs, `${WANDB_CATEGORY_ID}:other:${dir}`, t('Other (logs, latest-run link, the folder itself)'), others);
    const group = nodeToItem(node, WANDB_CATEGORY_ID, false);
    group.id = `${WANDB_CATEGORY_ID}:runs:${dir}`;
    group.kind = 'wandb-runs';
    group.label = homeRelative(dir, ctx.homeDir);
    group.children = sortBySizeDesc(other ? [...runs, other] : runs);
    const notSynced = runs.filter((r) => r.badges?.includes(NOT_SYNCED_BADGE)).length;
    unsynced += notSynced;
    group.description = [formatCount(runs.length, 'run'), notSynced ? t('{0} not synced', notSynced) : ''].filter(Boolean).join(' · ');
    items.push(group);
  }
  for (const row of runRows) if (row.state !== 'not-synced' && !row.inProgress) reclaimable += row.mediaBytes;

  if (dataDir && roots.includes(dataDir)) {
    // data dir -> artifacts -> staging: two levels keep their children.
    const node = await walk(dataDir, 2);
    const stagingNode = childNamed(childNamed(node, 'artifacts'), 'staging');
    const parts: Item[] = [];
    if (stagingNode?.type === 'dir') {
      const staging = stagingNode.path;
      const item = leaf(stagingNode, wandbStagingItemId(staging), 'wandb-staging', true, { cacheRoot: staging });
      item.label = t('Artifact staging');
      item.description = `${formatCount(stagingNode.files, 'file')} · ${t('artifact files copied here until they are uploaded')}`;
      parts.push(item);
      // An offline run not synced yet may need its staged files to upload its artifacts.
      if (!unsynced) reclaimable += Math.max(0, stagingNode.bytes - (await ownBlocks(staging)));
    }
    const other = otherRow(node, parts, `${WANDB_CATEGORY_ID}:other:${dataDir}`, t('Other (W&B data folder)'));
    items.push(...parts, ...(other ? [other] : []));
  }

  const category: Category = {
    id: WANDB_CATEGORY_ID,
    label,
    bytes: 0,
    apparentBytes: 0,
    reclaimableBytes: reclaimable,
    items: sortBySizeDesc(items),
    fields: {
      cacheDir: cacheDir ?? null,
      dataDir: dataDir ?? null,
      runDirs,
      runs: runRows.length,
      unsyncedRuns: unsynced,
      reclaimableMeans: t('the artifact cache and staging, and the media of synced runs; runs never synced are not counted'),
    },
  };
  category.bytes = items.reduce((s, i) => s + i.bytes, 0);
  category.apparentBytes = items.reduce((s, i) => s + i.apparentBytes, 0);
  return { category, claimedPaths: roots };
}
