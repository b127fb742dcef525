// Parsers for the names and small files of the hub cache. They read text we did not write, so
// they accept any input and never throw.

import type { HfRepoType } from './types';
import { t } from '../../l10n';

/** OS helper files huggingface_hub ignores wherever they appear in the cache. */
export const HF_FILES_TO_IGNORE = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/** Top-level entries of the hub cache that are not repos and are not a problem. */
export const HF_CACHE_HOUSEKEEPING = new Set(['.locks', 'CACHEDIR.TAG', 'version.txt', '.cache']);

const TYPES: Record<string, HfRepoType> = { models: 'model', datasets: 'dataset', spaces: 'space' };

export interface ParsedRepoName {
  repoType: HfRepoType;
  /** 'org/name' or 'name'. */
  repoId: string;
}

/**
 * `models--google--gemma-2b` -> model google/gemma-2b, as huggingface_hub: the part before the
 * first `--` is the plural type, the rest with `--` turned into `/` is the repo id.
 * Returns an error text for folders that are not repos.
 */
export function parseRepoFolderName(name: string): ParsedRepoName | { error: string } {
  const at = name.indexOf('--');
  if (at < 0) return { error: t('not a Hugging Face cache repo folder (no "--" in its name)') };
  const type = name.slice(0, at);
  const id = name.slice(at + 2);
  const repoType = TYPES[type];
  if (!repoType) return { error: t('repo type must be models, datasets or spaces, found "{0}"', type) };
  if (!id) return { error: t('empty repo id') };
  return { repoType, repoId: id.split('--').join('/') };
}

export function repoFolderName(repoType: HfRepoType, repoId: string): string {
  return `${repoType}s--${repoId.split('/').join('--')}`;
}

/** Ref files are read up to this many bytes: a commit hash is 40 characters, anything longer is not a ref. */
export const MAX_REF_BYTES = 1024;

/**
 * A ref file holds the bare commit hash (huggingface_hub writes it without a newline and compares
 * the content verbatim, so a ref ending in "\n" points, for it, to a missing commit and the whole
 * repo is reported as corrupted).
 *
 * Our decision: a single trailing line break ("\n" or "\r\n") is tolerated. The ref then points
 * at the commit it names, so the revision is not "detached" and prune keeps it: reading it
 * strictly would make prune delete a revision someone deliberately referenced. The repo gets a
 * warning saying huggingface_hub will not accept the ref. Any other content is taken verbatim.
 */
export function parseRefContent(content: string): { commit: string; trailingNewline: boolean } {
  const m = /^([^\r\n]+)\r?\n$/.exec(content);
  if (m) return { commit: m[1], trailingNewline: true };
  return { commit: content, trailingNewline: false };
}

/** True for names of interrupted downloads in blobs/. */
export function isIncompleteBlobName(name: string): boolean {
  return name.endsWith('.incomplete');
}
