// Ids a person can type back for hub-cache repos and revisions, as `hf cache ls` names them:
//   huggingface:model/acme/tiny            the repo (also huggingface:acme/tiny when unambiguous)
//   huggingface:model/acme/tiny@3f2a9c1b   a revision, by a commit prefix (at least 4 characters)
//   huggingface:model/acme/tiny@main       a revision, by one of its refs
// Translated into the scan's item ids before planning; an ambiguous or unknown name is refused.

import type { Item, ScanModel } from '../../model';
import { HF_CATEGORY_ID } from './ids';
import { t } from '../../l10n';

export class FriendlyIdError extends Error {}

const PREFIX = `${HF_CATEGORY_ID}:`;

/** True for ids of that form (a name with a '/', not one of the scan's own `huggingface:<kind>:` ids). */
export function isHfFriendlyId(id: string): boolean {
  if (!id.startsWith(PREFIX)) return false;
  const rest = id.slice(PREFIX.length);
  const name = rest.split('@')[0];
  return name.includes('/') && !/^[a-z-]+:/.test(rest);
}

export function hfRevisionShortId(repoName: string, commit: string): string {
  return `${PREFIX}${repoName}@${commit.slice(0, 8)}`;
}

/** The scan item id a friendly id names. Throws FriendlyIdError with a plain reason. */
export function resolveHfFriendlyId(model: ScanModel, id: string): string {
  const rest = id.slice(PREFIX.length);
  const at = rest.indexOf('@');
  const name = at < 0 ? rest : rest.slice(0, at);
  const rev = at < 0 ? undefined : rest.slice(at + 1);
  const repos = (model.categories.find((c) => c.id === HF_CATEGORY_ID)?.items ?? []).filter((i) => i.kind === 'hf-repo');
  let matches = repos.filter((r) => r.fields?.name === name);
  if (!matches.length) matches = repos.filter((r) => r.fields?.repoId === name);
  if (!matches.length) throw new FriendlyIdError(t('no Hugging Face repo named {0} in the last scan', name));
  if (matches.length > 1) throw new FriendlyIdError(t('{0} names {1} repos ({2}); add the type: model/…, dataset/… or space/…', name, matches.length, matches.map((m) => m.fields?.name).join(', ')));
  const repo = matches[0];
  if (rev === undefined) return repo.id;
  const revisions = (repo.children ?? []).filter((c) => c.kind === 'hf-revision');
  const byRef = revisions.filter((r) => (r.fields?.refs as string[] | undefined)?.includes(rev));
  const byCommit = rev.length >= 4 ? revisions.filter((r) => String(r.fields?.commit).startsWith(rev)) : [];
  const found: Item[] = byRef.length ? byRef : byCommit;
  if (!found.length) throw new FriendlyIdError(t('{0} has no revision {1} (a ref name, or at least 4 characters of a commit)', name, rev));
  if (found.length > 1) throw new FriendlyIdError(t('{0} matches {1} revisions of {2}; type more of the commit', rev, found.length, name));
  return found[0].id;
}
