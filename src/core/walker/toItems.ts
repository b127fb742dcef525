// Turns walked nodes into model items (the tree shows folders and files with both sizes).
import { formatCount } from '../format';
import type { Item } from '../model';
import type { WalkNode } from './types';

export function nodeToItem(node: WalkNode, categoryId: string, reclaimable = true): Item {
  const kind = node.type === 'dir' ? 'folder' : node.type;
  const item: Item = {
    id: `${categoryId}:${kind}:${node.path}`,
    label: node.name,
    kind,
    path: node.path,
    bytes: node.bytes,
    apparentBytes: node.apparentBytes,
    modifiedMs: node.mtimeMs || undefined,
    accessedMs: node.atimeMs || undefined,
    reclaimable,
    fields: { files: node.files, dev: node.dev, ino: node.ino, type: node.type },
  };
  if (node.sharedBytes) item.sharedBytes = node.sharedBytes;
  if (node.type === 'dir') item.description = formatCount(node.files, 'file');
  if (node.children?.length) item.children = node.children.map((c) => nodeToItem(c, categoryId, reclaimable));
  return item;
}
