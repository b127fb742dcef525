// Small pieces every cache scanner shares: finding a cache root on disk, turning walk errors into
// scan warnings, and the "everything" topN for walks whose every child the scanner must see.

import * as fs from 'fs';
import type { ScanContext } from './types';
import type { WalkNode, WalkResult } from '../walker/types';
import { t } from '../l10n';

/** topN for walks whose children are all needed (blobs of a repo, packages of pkgs/): never trimmed. */
export const ALL_CHILDREN = 1_000_000_000;

/**
 * The cache folder as a real path (a symlinked ~/.cache/huggingface -> /data/hf is followed once,
 * like the walker does for roots), or undefined when it does not exist or is not a folder.
 */
export async function existingDir(p: string | undefined): Promise<string | undefined> {
  if (!p) return undefined;
  try {
    const real = await fs.promises.realpath(p);
    const st = await fs.promises.stat(real);
    return st.isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Walk errors as scan warnings of `category` (`ctx`: a scan context, or anything else with warn()). */
export function reportWalkErrors(ctx: Pick<ScanContext, 'warn'>, result: WalkResult, category: string): void {
  for (const e of result.errors) ctx.warn({ message: `${e.path}: ${e.message}`, path: e.path, code: e.code, category });
  if (result.errorCount > result.errors.length) {
    ctx.warn({ message: t('{0} more unreadable entries not listed', result.errorCount - result.errors.length), category });
  }
}

export function childNamed(node: WalkNode | undefined, name: string): WalkNode | undefined {
  return node?.children?.find((c) => c.name === name);
}

/** Sum of bytes / apparent bytes / shared bytes of nodes. */
export function totals(nodes: { bytes: number; apparentBytes: number; sharedBytes?: number }[]): { bytes: number; apparentBytes: number; sharedBytes: number } {
  let bytes = 0, apparentBytes = 0, sharedBytes = 0;
  for (const n of nodes) { bytes += n.bytes; apparentBytes += n.apparentBytes; sharedBytes += n.sharedBytes ?? 0; }
  return { bytes, apparentBytes, sharedBytes };
}
