// Ollama's manifests: `manifests/<registry host>/<namespace>/<model>/<tag>`, one JSON file per
// model tag in the OCI/Docker v2 form Ollama writes:
//   {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
//    "config":{"mediaType":…,"digest":"sha256:<hex>","size":N},
//    "layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:<hex>","size":N},…]}
// Each digest names the file `blobs/sha256-<hex>`. A manifest is read with safeRead (a FIFO, a
// link to /dev/zero, a huge or half-written file is a problem to report, never a hang), and a
// digest that is not `sha256:<64 hex>` makes the whole manifest unreadable: its text never
// becomes part of a path.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { t } from '../../l10n';
import { readErrorCode, safeReadText, SafeReadError } from '../../safeRead';

export const DEFAULT_REGISTRY = 'registry.ollama.ai';
export const DEFAULT_NAMESPACE = 'library';
/** Manifests are a few hundred bytes; anything near this is not one. */
const MAX_MANIFEST_BYTES = 1024 * 1024;
const DIGEST = /^sha256[:-]([0-9a-fA-F]{64})$/;

export interface OllamaLayer {
  /** Blob file name: `sha256-<hex>`. */
  blob: string;
  mediaType: string;
  /** Size the manifest states (apparent bytes). */
  size: number;
}

export interface OllamaManifest {
  /** Absolute path of the manifest file. */
  path: string;
  registry: string;
  namespace: string;
  model: string;
  tag: string;
  /** As `ollama list` shows it: `model:tag`, `namespace/model:tag`, or `host/namespace/model:tag`. */
  label: string;
  /** The config blob and the layers, each blob once. */
  layers: OllamaLayer[];
}

export interface ManifestProblem {
  path: string;
  /** errno, ENOTREG / EFBIG from safeRead, or 'bad-json' / 'bad-manifest'. */
  code: string;
  /** One plain line, without the path. */
  reason: string;
}

/** `sha256:<hex>` (or `sha256-<hex>`) → the blob file name, or undefined for anything else. */
export function blobNameOfDigest(digest: unknown): string | undefined {
  if (typeof digest !== 'string') return undefined;
  const m = DIGEST.exec(digest);
  return m ? `sha256-${m[1]}` : undefined;
}

/** The name Ollama shows for a manifest path relative to manifests/ (its DisplayShortest). */
export function displayName(registry: string, namespace: string, model: string, tag: string): string {
  if (registry.toLowerCase() !== DEFAULT_REGISTRY) return `${registry}/${namespace}/${model}:${tag}`;
  if (namespace.toLowerCase() !== DEFAULT_NAMESPACE) return `${namespace}/${model}:${tag}`;
  return `${model}:${tag}`;
}

/** The manifest files under `<modelsDir>/manifests`: every non-folder four levels down (as Ollama globs them). */
export async function listManifestFiles(modelsDir: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return; // missing or unreadable: the walk reports unreadable folders
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(dir, e.name);
      if (depth < 3) {
        if (e.isDirectory()) await visit(p, depth + 1);
      } else if (!e.isDirectory()) {
        found.push(p);
      }
    }
  };
  await visit(path.join(modelsDir, 'manifests'), 0);
  return found;
}

function problem(file: string, code: string, reason: string): ManifestProblem {
  return { path: file, code, reason };
}

/** Parses manifest text; `file` gives the name (…/<host>/<namespace>/<model>/<tag>). */
export function parseManifest(file: string, text: string): OllamaManifest | ManifestProblem {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return problem(file, 'bad-json', text.trim() ? t('is not valid JSON (perhaps still being written)') : t('is empty'));
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return problem(file, 'bad-manifest', t('is not a manifest (no JSON object)'));
  const m = json as { config?: { digest?: unknown; mediaType?: unknown; size?: unknown }; layers?: unknown };
  if (!Array.isArray(m.layers)) return problem(file, 'bad-manifest', t('is not a manifest (no layers list)'));
  const layers: OllamaLayer[] = [];
  const seen = new Set<string>();
  const entries = [...(m.config && m.config.digest !== undefined && m.config.digest !== '' ? [m.config] : []), ...(m.layers as unknown[])];
  for (const entry of entries) {
    const e = (entry ?? {}) as { digest?: unknown; mediaType?: unknown; size?: unknown };
    const blob = blobNameOfDigest(e.digest);
    if (!blob) return problem(file, 'bad-manifest', t('names a blob that is not a sha256 digest ({0})', JSON.stringify(e.digest)?.slice(0, 80) ?? 'none'));
    if (seen.has(blob)) continue;
    seen.add(blob);
    layers.push({ blob, mediaType: typeof e.mediaType === 'string' ? e.mediaType : '', size: typeof e.size === 'number' && e.size >= 0 ? e.size : 0 });
  }
  const parts = file.split(path.sep);
  const [registry, namespace, model, tag] = parts.slice(-4);
  return { path: file, registry, namespace, model, tag, label: displayName(registry, namespace, model, tag), layers };
}

/** Reads and parses one manifest; every failure is a ManifestProblem, never a throw or a hang. */
export async function readManifest(file: string): Promise<OllamaManifest | ManifestProblem> {
  let text: string;
  try {
    text = await safeReadText(file, { maxBytes: MAX_MANIFEST_BYTES });
  } catch (err) {
    const reason = err instanceof SafeReadError ? err.reason : t('cannot be read ({0})', readErrorCode(err));
    return problem(file, readErrorCode(err), reason);
  }
  return parseManifest(file, text);
}

export function isManifestProblem(m: OllamaManifest | ManifestProblem): m is ManifestProblem {
  return (m as ManifestProblem).reason !== undefined;
}

/** Every manifest of a models folder, read now: the parsed ones and the problems. */
export async function readAllManifests(modelsDir: string, signal?: AbortSignal): Promise<{ manifests: OllamaManifest[]; problems: ManifestProblem[] }> {
  const manifests: OllamaManifest[] = [];
  const problems: ManifestProblem[] = [];
  for (const file of await listManifestFiles(modelsDir)) {
    if (signal?.aborted) break;
    const m = await readManifest(file);
    if (isManifestProblem(m)) problems.push(m);
    else manifests.push(m);
  }
  return { manifests, problems };
}
