// Ids of the Hugging Face category: the category, its items (`huggingface:<kind>:<path>`) and its
// purge ids, plus the one timing rule plans and the scanner share.

export const HF_CATEGORY_ID = 'huggingface';
export const HF_CATEGORY_LABEL = 'Hugging Face';

export const hfRepoItemId = (repoPath: string) => `${HF_CATEGORY_ID}:repo:${repoPath}`;
export const hfRevisionItemId = (repoPath: string, commit: string) => `${HF_CATEGORY_ID}:revision:${repoPath}@${commit}`;
export const hfIncompleteItemId = (repoPath: string) => `${HF_CATEGORY_ID}:incomplete:${repoPath}`;
export const hfUnreferencedItemId = (repoPath: string) => `${HF_CATEGORY_ID}:unreferenced:${repoPath}`;
export const hfDatasetsCacheItemId = (root: string) => `${HF_CATEGORY_ID}:datasets-cache:${root}`;
export const hfDatasetsDownloadsItemId = (downloads: string) => `${HF_CATEGORY_ID}:datasets-downloads:${downloads}`;
export const hfXetCacheItemId = (root: string) => `${HF_CATEGORY_ID}:xet-cache:${root}`;
/** Plan ids: prune everything / one repo. */
export const HF_PRUNE_ID = `${HF_CATEGORY_ID}:prune`;
export const hfRepoPruneId = (repoPath: string) => `${HF_CATEGORY_ID}:prune:${repoPath}`;

/** A blob changed this recently may be a download in progress: prune keeps it. */
export function recentDownloadMs(activeRunMinutes: number): number {
  return Math.max(1, activeRunMinutes) * 60_000;
}
