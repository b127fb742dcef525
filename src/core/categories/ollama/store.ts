// One models folder as the scan sees it: the walk of the folder (sizes, each inode counted once
// across the whole scan), its manifests read now, and which tags use which blob.
import * as path from 'path';
import { childNamed } from '../../scan/walkHelpers';
import type { WalkNode } from '../../walker/types';
import { classifyBlobName } from './blobs';
import type { ManifestProblem, OllamaManifest } from './manifests';

export interface OllamaStore {
  modelsDir: string;
  /** The walk of the whole models folder. */
  node: WalkNode;
  manifests: OllamaManifest[];
  problems: ManifestProblem[];
  /** `sha256-<hex>` → its node in blobs/. */
  blobs: Map<string, WalkNode>;
  /** Blob a download would become → the `-partial` data file and sidecars. */
  partials: Map<string, WalkNode[]>;
  /** Blob → the manifests that name it. */
  users: Map<string, OllamaManifest[]>;
  /** Manifest path (readable or not) → its node. */
  manifestNodes: Map<string, WalkNode>;
}

/** The node at `rel` (a path relative to `root`), following the walk's kept children. */
function nodeAt(root: WalkNode, rel: string): WalkNode | undefined {
  let node: WalkNode | undefined = root;
  for (const name of rel.split(path.sep)) node = childNamed(node, name);
  return node;
}

export function buildStore(modelsDir: string, node: WalkNode, manifests: OllamaManifest[], problems: ManifestProblem[]): OllamaStore {
  const blobs = new Map<string, WalkNode>();
  const partials = new Map<string, WalkNode[]>();
  for (const child of childNamed(node, 'blobs')?.children ?? []) {
    if (child.type === 'dir') continue;
    const c = classifyBlobName(child.name);
    if (c.kind === 'blob') blobs.set(child.name, child);
    else if (c.kind === 'partial') partials.set(c.blob, [...(partials.get(c.blob) ?? []), child]);
  }
  const users = new Map<string, OllamaManifest[]>();
  const manifestNodes = new Map<string, WalkNode>();
  for (const m of manifests) for (const l of m.layers) users.set(l.blob, [...(users.get(l.blob) ?? []), m]);
  for (const file of [...manifests.map((m) => m.path), ...problems.map((p) => p.path)]) {
    const n = nodeAt(node, path.relative(modelsDir, file));
    if (n) manifestNodes.set(file, n);
  }
  return { modelsDir, node, manifests, problems, blobs, partials, users, manifestNodes };
}
