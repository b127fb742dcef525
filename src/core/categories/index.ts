// THE registry: every category, once. The scan orchestrator runs their scanners in `order`, the
// CLI lists their purge ids and plans through them, the extension host takes icons, kinds and
// "is this a cache" from here, and the chart gets their labels through the host. To add a
// category: one folder with a descriptor, one line below (docs/ARCHITECTURE.md).
import type { CategoryDescriptor, ItemKindInfo } from './descriptor';
import { idBelongsTo } from './descriptor';
import { checkpointsCategory } from './checkpoints/descriptor';
import { condaCategory } from './conda/descriptor';
import { dockerCategory } from './docker/descriptor';
import { gpuCachesCategory } from './gpu-caches/descriptor';
import { huggingfaceCategory } from './huggingface/descriptor';
import { ollamaCategory } from './ollama/descriptor';
import { pipCategory } from './pip/descriptor';
import { torchCategory } from './torch/descriptor';
import { uvCategory } from './uv/descriptor';
import { vscodeServerCategory } from './vscode-server/descriptor';
import { wandbCategory } from './wandb/descriptor';
import { workspaceCategory } from './workspace/descriptor';

export const CATEGORIES: readonly CategoryDescriptor[] = [
  condaCategory,
  uvCategory,
  pipCategory,
  huggingfaceCategory,
  torchCategory,
  ollamaCategory,
  vscodeServerCategory,
  wandbCategory,
  gpuCachesCategory,
  checkpointsCategory,
  dockerCategory,
  workspaceCategory,
].sort((a, b) => a.order - b.order);

export function categoryById(id: string): CategoryDescriptor | undefined {
  return CATEGORIES.find((c) => c.id === id);
}

/** The category an item id or purge id belongs to (`<category>:…`). */
export function categoryOfId(id: string): CategoryDescriptor | undefined {
  return CATEGORIES.find((c) => idBelongsTo(id, c.id));
}

/** True for ids of a cache category (deleted through the generic cache "Delete"). */
export function isCacheId(id: string): boolean {
  return id.includes(':') && categoryOfId(id)?.cache === true;
}

/** Every purge id with what it does. */
export function purgeIds(): Record<string, string> {
  return Object.assign({}, ...CATEGORIES.map((c) => c.purgeIds ?? {}));
}

/** How an item kind looks, from the category that produces it. */
export function kindInfo(kind: string): ItemKindInfo | undefined {
  for (const c of CATEGORIES) {
    const info = c.kinds?.[kind];
    if (info) return info;
  }
  return undefined;
}
