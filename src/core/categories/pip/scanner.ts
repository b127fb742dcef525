// The "pip" category: pip's cache (PIP_CACHE_DIR or the platform default): http-v2/ (pip >= 23.3)
// and http/ (older pips) hold downloaded index pages and packages, wheels/ the wheels pip built
// locally. `pip cache purge` empties those three; our purge deletes the three folders (pip keeps
// the empty folders and wheels' origin.json files, we do not: pip recreates them).

import { ALL_CHILDREN, existingDir, reportWalkErrors } from '../../scan/walkHelpers';
import { countFiles } from '../../walker/countFiles';
import { formatCount } from '../../format';
import { pipCacheSetting } from './config';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import { t } from '../../l10n';

export const PIP_CATEGORY_ID = 'pip';
export const PIP_PURGE_ID = `${PIP_CATEGORY_ID}:purge`;
/** The folders `pip cache purge` empties. */
export const PIP_PURGED_FOLDERS = ['http-v2', 'http', 'wheels'];
export const pipFolderItemId = (p: string) => `${PIP_CATEGORY_ID}:folder:${p}`;

/** pip's own words for its folders (`pip cache info`). */
const LABELS: Record<string, string> = {
  get 'http-v2'() { return t('Package index page cache (http-v2)'); },
  get http() { return t('Package index page cache (http)'); },
  get wheels() { return t('Locally built wheels'); },
};
const DESCRIPTIONS: Record<string, string> = {
  get 'http-v2'() { return t('downloaded index pages and packages (pip 23.3+)'); },
  get http() { return t('downloaded index pages and packages (older pips)'); },
  get wheels() { return t('wheels pip built locally'); },
};

/** pip counts wheels as files matching `*-*.whl` (pip/_internal/commands/cache.py). */
export function isPipWheelName(name: string): boolean {
  return name.endsWith('.whl') && name.indexOf('-') >= 0 && name.indexOf('-') < name.length - 4;
}

export async function scanPip(ctx: ScanContext): Promise<{ category: Category; claimedPaths: string[] } | undefined> {
  // pip's own precedence: config files, PIP_CACHE_DIR, PIP_NO_CACHE_DIR (caches/pipConfig.ts).
  const setting = pipCacheSetting(ctx.env, ctx.homeDir, ctx.platform);
  const root = await existingDir(setting.dir);
  if (!root) return undefined;
  ctx.progress(t('pip cache'));
  const result = await ctx.walker.walk([root], {
    signal: ctx.signal,
    topN: ALL_CHILDREN,
    detailDepth: 1,
    onProgress: (p) => ctx.progress(t('pip cache'), p),
  });
  reportWalkErrors(ctx, result, PIP_CATEGORY_ID);
  const node = result.roots[0];
  const items: Item[] = [];
  let httpFiles = 0;
  let wheels = 0;
  let purgeable = 0;
  for (const child of node.children ?? []) {
    const item = nodeToItem(child, PIP_CATEGORY_ID);
    delete item.children;
    item.id = pipFolderItemId(child.path);
    item.fields = { ...item.fields, cacheRoot: root };
    if (child.type === 'dir' && PIP_PURGED_FOLDERS.includes(child.name)) {
      item.kind = 'pip-cache-folder';
      item.label = LABELS[child.name];
      item.fields.folder = child.name;
      item.fields.files = child.files;
      purgeable += child.bytes;
      if (child.name === 'wheels') {
        wheels = await countFiles(child.path, isPipWheelName, ctx.signal);
        item.fields.wheels = wheels;
        item.description = `${formatCount(wheels, 'wheel')} · ${DESCRIPTIONS.wheels}`;
      } else {
        httpFiles += child.files;
        item.description = `${formatCount(child.files, 'file')} · ${DESCRIPTIONS[child.name]}`;
      }
    }
    items.push(item);
  }
  const category: Category = {
    id: PIP_CATEGORY_ID,
    label: 'pip',
    bytes: node.bytes,
    apparentBytes: node.apparentBytes,
    reclaimableBytes: purgeable,
    items: sortBySizeDesc(items),
    fields: { cacheDir: root, configuredBy: setting.source, httpFiles, wheels, reclaimableMeans: t('what pip cache purge frees: http-v2/, http/ and wheels/') },
  };
  return { category, claimedPaths: [root] };
}
