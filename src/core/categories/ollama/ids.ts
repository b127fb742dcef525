// Ids of the Ollama category: the category, its purge id and its item ids (`ollama:<kind>:<key>`).

export const OLLAMA_CATEGORY_ID = 'ollama';
/** Unreferenced blobs and interrupted downloads of every models folder (what `ollama:prune` plans). */
export const OLLAMA_PRUNE_ID = `${OLLAMA_CATEGORY_ID}:prune`;

/** One model tag, keyed by its manifest file. */
export const ollamaModelItemId = (manifest: string) => `${OLLAMA_CATEGORY_ID}:model:${manifest}`;
/** The group of blobs no manifest names, per models folder. */
export const ollamaUnreferencedItemId = (modelsDir: string) => `${OLLAMA_CATEGORY_ID}:unreferenced:${modelsDir}`;
/** One blob no manifest names. */
export const ollamaUnreferencedBlobItemId = (blob: string) => `${OLLAMA_CATEGORY_ID}:unreferenced-blob:${blob}`;
/** One interrupted download (its `-partial` file and `-partial-<n>` sidecars), keyed by the blob it would become. */
export const ollamaPartialItemId = (blob: string) => `${OLLAMA_CATEGORY_ID}:partial:${blob}`;
export const ollamaSharedItemId = (modelsDir: string) => `${OLLAMA_CATEGORY_ID}:shared:${modelsDir}`;
export const ollamaSharedBlobItemId = (blob: string) => `${OLLAMA_CATEGORY_ID}:shared-blob:${blob}`;
export const ollamaOtherItemId = (modelsDir: string) => `${OLLAMA_CATEGORY_ID}:other:${modelsDir}`;
export const ollamaBrokenManifestItemId = (manifest: string) => `${OLLAMA_CATEGORY_ID}:broken-manifest:${manifest}`;
