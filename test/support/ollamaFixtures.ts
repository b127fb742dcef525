// An Ollama models folder built by hand, as the Ollama server lays it out: blobs/sha256-<hex>
// files named by the sha256 of their content, manifests/<host>/<namespace>/<model>/<tag> JSON in
// the form Ollama writes, an interrupted download (`-partial` data file and `-partial-<n>` part
// sidecars). Three tags: llama3.1:8b and jmorgan/custom:latest share the weights (a model made
// FROM another), llama3.1:8b and an hf.co tag share the licence; one blob no manifest names.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export interface OllamaBlob {
  name: string;
  path: string;
  digest: string;
  size: number;
  mediaType: string;
}

export interface OllamaTag {
  label: string;
  manifest: string;
  config: OllamaBlob;
  layers: OllamaBlob[];
}

export interface OllamaFixture {
  modelsDir: string;
  blobsDir: string;
  tags: { llama: OllamaTag; custom: OllamaTag; hf: OllamaTag };
  blobs: Record<'llamaConfig' | 'weights' | 'template' | 'license' | 'customConfig' | 'system' | 'hfConfig' | 'hfWeights' | 'unreferenced', OllamaBlob>;
  /** An interrupted pull changed an hour ago: data file + two part sidecars. */
  oldPartial: { blob: string; files: string[] };
  /** A pull changed just now (it may still be running). */
  recentPartial: { blob: string; files: string[] };
}

const MEDIA = {
  config: 'application/vnd.docker.container.image.v1+json',
  model: 'application/vnd.ollama.image.model',
  template: 'application/vnd.ollama.image.template',
  license: 'application/vnd.ollama.image.license',
  system: 'application/vnd.ollama.image.system',
  params: 'application/vnd.ollama.image.params',
};

/** Pseudo-random bytes (so no filesystem compresses or dedups them), deterministic per seed. */
function bytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = crypto.createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i);
    block = crypto.createHash('sha256').update(block).digest();
  }
  return out;
}

export function writeBlob(blobsDir: string, content: Buffer, mediaType: string): OllamaBlob {
  const hex = crypto.createHash('sha256').update(content).digest('hex');
  const name = `sha256-${hex}`;
  const p = path.join(blobsDir, name);
  fs.writeFileSync(p, content);
  return { name, path: p, digest: `sha256:${hex}`, size: content.length, mediaType };
}

/** A manifest exactly as Ollama writes it (WriteManifest: json.Marshal of the v2 manifest). */
export function manifestJson(config: OllamaBlob, layers: OllamaBlob[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  });
}

export function writeManifest(modelsDir: string, rel: string, label: string, config: OllamaBlob, layers: OllamaBlob[]): OllamaTag {
  const manifest = path.join(modelsDir, 'manifests', rel);
  fs.mkdirSync(path.dirname(manifest), { recursive: true });
  fs.writeFileSync(manifest, manifestJson(config, layers));
  return { label, manifest, config, layers };
}

function partial(blobsDir: string, seed: string, size: number, mtime: Date): { blob: string; files: string[] } {
  const hex = crypto.createHash('sha256').update(seed).digest('hex');
  const blob = `sha256-${hex}`;
  const data = path.join(blobsDir, `${blob}-partial`);
  fs.writeFileSync(data, bytes(seed, size));
  const files = [data];
  // One JSON sidecar per download part, as blobDownloadPart writes them.
  for (let n = 0; n < 2; n++) {
    const side = path.join(blobsDir, `${blob}-partial-${n}`);
    fs.writeFileSync(side, JSON.stringify({ N: n, Offset: n * (size / 2), Size: size / 2, Completed: size / 4 }));
    files.push(side);
  }
  for (const f of files) fs.utimesSync(f, mtime, mtime);
  return { blob, files };
}

export function buildOllama(modelsDir: string): OllamaFixture {
  const blobsDir = path.join(modelsDir, 'blobs');
  fs.mkdirSync(blobsDir, { recursive: true });
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  const blobs = {
    llamaConfig: writeBlob(blobsDir, json({ model_format: 'gguf', model_family: 'llama', file_type: 'Q4_K_M' }), MEDIA.config),
    weights: writeBlob(blobsDir, bytes('llama-weights', 300_000), MEDIA.model),
    template: writeBlob(blobsDir, Buffer.from('{{ if .System }}<|start_header_id|>system<|end_header_id|>{{ .System }}{{ end }}'.repeat(40)), MEDIA.template),
    license: writeBlob(blobsDir, bytes('licence', 40_000), MEDIA.license),
    customConfig: writeBlob(blobsDir, json({ model_format: 'gguf', model_family: 'llama', file_type: 'Q4_K_M', custom: true }), MEDIA.config),
    system: writeBlob(blobsDir, Buffer.from('You are a terse assistant.'.repeat(300)), MEDIA.system),
    hfConfig: writeBlob(blobsDir, json({ model_format: 'gguf', model_family: 'qwen2' }), MEDIA.config),
    hfWeights: writeBlob(blobsDir, bytes('hf-weights', 200_000), MEDIA.model),
    unreferenced: writeBlob(blobsDir, bytes('left-behind', 100_000), MEDIA.model),
  };
  const tags = {
    llama: writeManifest(modelsDir, 'registry.ollama.ai/library/llama3.1/8b', 'llama3.1:8b', blobs.llamaConfig, [blobs.weights, blobs.template, blobs.license]),
    custom: writeManifest(modelsDir, 'registry.ollama.ai/jmorgan/custom/latest', 'jmorgan/custom:latest', blobs.customConfig, [blobs.weights, blobs.system]),
    hf: writeManifest(modelsDir, 'hf.co/bartowski/Foo-GGUF/Q4_K_M', 'hf.co/bartowski/Foo-GGUF:Q4_K_M', blobs.hfConfig, [blobs.hfWeights, blobs.license]),
  };
  const oldPartial = partial(blobsDir, 'interrupted', 120_000, new Date(Date.now() - 3600_000));
  const recentPartial = partial(blobsDir, 'running', 60_000, new Date());
  return { modelsDir, blobsDir, tags, blobs, oldPartial, recentPartial };
}
