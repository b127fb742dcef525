// The "uv" category: uv's cache (UV_CACHE_DIR or the default). uv installs packages into venvs by
// hard-linking them from its cache (the default link mode on Linux), so the cache is walked before
// the workspace: those files are counted here once and show as shared in the venvs. Cleaning the
// cache (`uv cache clean`) frees only the files no venv still links to; the plan says how much.

import { ALL_CHILDREN, existingDir, reportWalkErrors } from '../../scan/walkHelpers';
import { formatCount } from '../../format';
import { uvCacheSetting } from './config';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { t } from '../../l10n';

export const UV_CATEGORY_ID = 'uv';
export const UV_CLEAN_ID = `${UV_CATEGORY_ID}:clean`;
export const uvEntryItemId = (p: string) => `${UV_CATEGORY_ID}:entry:${p}`;

/** The cache folder entry itself (it stays after a clean). */
function ownDirBytes(node: WalkNode): number {
  return node.bytes - (node.children ?? []).reduce((s, c) => s + c.bytes, 0) - (node.omitted?.bytes ?? 0);
}

export async function scanUv(ctx: ScanContext): Promise<{ category: Category; claimedPaths: string[] } | undefined> {
  // uv's own precedence: UV_CACHE_DIR, then cache-dir in project / user / system config (caches/uvConfig.ts).
  const setting = uvCacheSetting(ctx.env, ctx.homeDir, ctx.platform, ctx.roots);
  const root = await existingDir(setting.dir);
  if (!root) return undefined;
  ctx.progress(t('uv cache'));
  const result = await ctx.walker.walk([root], {
    signal: ctx.signal,
    topN: ALL_CHILDREN,
    detailDepth: 1,
    onProgress: (p) => ctx.progress(t('uv cache'), p),
  });
  reportWalkErrors(ctx, result, UV_CATEGORY_ID);
  const node = result.roots[0];
  const items: Item[] = (node.children ?? []).map((child) => {
    const item = nodeToItem(child, UV_CATEGORY_ID);
    delete item.children;
    item.id = uvEntryItemId(child.path);
    item.kind = child.type === 'dir' ? 'uv-cache-bucket' : 'uv-cache-file';
    item.fields = { ...item.fields, cacheRoot: root, hardLinkedFiles: child.hardLinkedFiles };
    if (child.type === 'dir') {
      item.description = `${formatCount(child.files, 'file')}` + (child.hardLinkedFiles ? t(' · {0} hard-linked (venvs may share them)', child.hardLinkedFiles) : '');
    }
    return item;
  });
  const category: Category = {
    id: UV_CATEGORY_ID,
    label: 'uv',
    bytes: node.bytes,
    apparentBytes: node.apparentBytes,
    // At most this: files a venv still hard-links stay on disk after a clean (the plan measures exactly).
    reclaimableBytes: node.bytes - ownDirBytes(node),
    items: sortBySizeDesc(items),
    fields: {
      cacheDir: root,
      configuredBy: setting.source,
      ...(setting.noCache ? { note: t('UV_NO_CACHE is set: uv does not use this cache now') } : {}),
      hardLinkedFiles: node.hardLinkedFiles,
      reclaimableMeans: node.hardLinkedFiles
        ? t('at most: {0} files are hard-linked (venvs may share them) and stay on disk if a venv still uses them; the clean plan measures exactly', node.hardLinkedFiles)
        : t('what uv cache clean frees'),
    },
  };
  return { category, claimedPaths: [root] };
}
