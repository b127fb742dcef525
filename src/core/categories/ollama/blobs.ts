// Ollama's blobs/ folder: `sha256-<hex>` files (model weights, templates, parameters, licences,
// configs) that manifests name and several tags may share, plus downloads in progress: the data
// file `sha256-<hex>-partial` and one JSON sidecar per download part, `sha256-<hex>-partial-<n>`.
// Ollama renames the data file to `sha256-<hex>` when the download is complete and verified.

const BLOB = /^sha256-[0-9a-fA-F]{64}$/;
const PARTIAL = /^(sha256-[0-9a-fA-F]{64})-partial(?:-\d+)?$/;

export type BlobEntryKind = { kind: 'blob' } | { kind: 'partial'; blob: string } | { kind: 'other' };

/** What a name in blobs/ is. */
export function classifyBlobName(name: string): BlobEntryKind {
  if (BLOB.test(name)) return { kind: 'blob' };
  const m = PARTIAL.exec(name);
  if (m) return { kind: 'partial', blob: m[1] };
  return { kind: 'other' };
}

/** Whether a name in blobs/ is part of the interrupted download of `blob`. */
export function isPartialOf(name: string, blob: string): boolean {
  const c = classifyBlobName(name);
  return c.kind === 'partial' && c.blob === blob;
}
