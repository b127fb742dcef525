// After a plan that deleted repo links into the shared blob store ran: the manifests of payloads
// that stay are rewritten without those links, as huggingface_hub's own delete does, so its next
// read of the manifest does not have to discard them. Only links that are really gone now are
// dropped (a link the executor skipped stays listed). A manifest that cannot be rewritten is left:
// it is a hint that huggingface_hub validates against the filesystem, so a stale line is harmless.

import * as fs from 'fs';
import type { DeletionPlan } from '../../plan/types';
import { dropFromManifest } from './sharedStore';
import { t } from '../../l10n';

async function gone(p: string): Promise<boolean> {
  try {
    await fs.promises.lstat(p);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Returns the manifests rewritten and one line per manifest that could not be. */
export async function finishHfManifestEdits(plan: DeletionPlan): Promise<{ rewritten: string[]; problems: string[] }> {
  const rewritten: string[] = [];
  const problems: string[] = [];
  for (const edit of plan.hfManifestEdits ?? []) {
    const links: string[] = [];
    for (const l of edit.links) if (await gone(l)) links.push(l);
    if (!links.length) continue;
    try {
      if (await dropFromManifest(edit.manifest, edit.hubRoot, links)) rewritten.push(edit.manifest);
    } catch (err) {
      problems.push(t('{0}: not updated ({1})', edit.manifest, (err as NodeJS.ErrnoException).code ?? (err as Error).message));
    }
  }
  return { rewritten, problems };
}
