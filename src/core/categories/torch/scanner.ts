// The "torch hub" category: $TORCH_HOME/hub, where torch.hub keeps repos it downloaded
// (`<owner>_<repo>_<ref>/`) and checkpoints/ the weights torch.hub.load_state_dict_from_url and
// torchvision fetched. No tool cleans it; every repo and checkpoint file can be deleted.

import { ALL_CHILDREN, existingDir, reportWalkErrors } from '../../scan/walkHelpers';
import { formatAge } from '../../format';
import { torchHome } from '../../locations';
import type { Category, Item } from '../../model';
import { sortBySizeDesc } from '../../model';
import type { ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import * as path from 'path';
import { t } from '../../l10n';

export const TORCH_CATEGORY_ID = 'torch';
export const TORCH_CLEAN_ID = `${TORCH_CATEGORY_ID}:clean`;
export const torchRepoItemId = (p: string) => `${TORCH_CATEGORY_ID}:repo:${p}`;
export const torchCheckpointItemId = (p: string) => `${TORCH_CATEGORY_ID}:checkpoint:${p}`;

/** torch.hub's download temp file: `<name>.<32 hex>.partial`. */
export function isTorchPartialName(name: string): boolean {
  return name.endsWith('.partial');
}

function item(node: WalkNode, id: string, kind: string, hub: string, now: number, reclaimable = true): Item {
  const it = nodeToItem(node, TORCH_CATEGORY_ID, reclaimable);
  delete it.children;
  it.id = id;
  it.kind = kind;
  it.fields = { ...it.fields, cacheRoot: hub };
  if (node.mtimeMs) it.description = `${kind === 'torch-repo' ? t('{0} files · ', node.files) : ''}downloaded ${formatAge(node.mtimeMs, now)}`;
  return it;
}

export async function scanTorch(ctx: ScanContext): Promise<{ category: Category; claimedPaths: string[] } | undefined> {
  const hub = await existingDir(path.join(torchHome(ctx.env, ctx.homeDir, ctx.platform), 'hub'));
  if (!hub) return undefined;
  ctx.progress(t('torch hub cache'));
  const result = await ctx.walker.walk([hub], {
    signal: ctx.signal,
    topN: ALL_CHILDREN,
    detailDepth: 2,
    onProgress: (p) => ctx.progress(t('torch hub cache'), p),
  });
  reportWalkErrors(ctx, result, TORCH_CATEGORY_ID);
  const node = result.roots[0];
  const items: Item[] = [];
  const other: Item[] = [];
  for (const child of node.children ?? []) {
    if (child.name === 'checkpoints' && child.type === 'dir') {
      // Each checkpoint is its own item; the checkpoints/ folder entry itself stays in "other".
      for (const entry of child.children ?? []) {
        if (entry.type !== 'dir' && isTorchPartialName(entry.name)) {
          // torch.hub downloads into `<file>.<uuid hex>.partial` and renames it when complete.
          const it = item(entry, `${TORCH_CATEGORY_ID}:partial:${entry.path}`, 'torch-partial', hub, ctx.now);
          it.label = t('{0} (incomplete download)', entry.name);
          it.description = t('an interrupted or running download, not a checkpoint{0}', entry.mtimeMs ? t(' · changed {0}', formatAge(entry.mtimeMs, ctx.now)) : '');
          items.push(it);
          continue;
        }
        const kind = entry.type === 'dir' ? 'folder' : 'torch-checkpoint';
        items.push(item(entry, kind === 'folder' ? `${TORCH_CATEGORY_ID}:folder:${entry.path}` : torchCheckpointItemId(entry.path), kind, hub, ctx.now));
      }
    } else if (child.type === 'dir') {
      items.push(item(child, torchRepoItemId(child.path), 'torch-repo', hub, ctx.now));
    } else {
      other.push(item(child, `${TORCH_CATEGORY_ID}:file:${child.path}`, 'file', hub, ctx.now, false));
    }
  }
  // Everything not itemised (trusted_list, the folders themselves), so the items add up to the category.
  const otherBytes = node.bytes - items.reduce((s, i) => s + i.bytes, 0);
  const otherApparent = node.apparentBytes - items.reduce((s, i) => s + i.apparentBytes, 0);
  if (otherBytes > 0) {
    items.push({
      id: `${TORCH_CATEGORY_ID}:other:${hub}`,
      label: t('Other (trusted_list, the folders themselves)'),
      kind: 'torch-other',
      path: hub,
      bytes: otherBytes,
      apparentBytes: otherApparent,
      reclaimable: false,
      children: other,
    });
  }
  const reclaimable = items.filter((i) => i.reclaimable).reduce((s, i) => s + i.bytes, 0);
  const category: Category = {
    id: TORCH_CATEGORY_ID,
    label: t('torch hub'),
    bytes: node.bytes,
    apparentBytes: node.apparentBytes,
    reclaimableBytes: reclaimable,
    items: sortBySizeDesc(items),
    fields: { hubDir: hub, reclaimableMeans: t('the downloaded repos and checkpoint files') },
  };
  return { category, claimedPaths: [hub] };
}
