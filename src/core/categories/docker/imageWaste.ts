// Bytes an image ships for nothing, each with the layer that put them there and the usual fix:
// files a later layer deletes or replaces (the earlier layer still carries them), package-manager
// caches, build toolchains, `.git` folders, test and data folders copied in, and copies of a file
// already in an earlier layer (same size and sha256). Every byte counts in one finding at most:
// the first matching rule in that order wins.
import { formatBytes } from '../../format';
import type { AppliedLayers } from './imageFilesystem';
import { t } from '../../l10n';

export type WasteKind = 'deleted-later' | 'overwritten-later' | 'package-cache' | 'build-toolchain' | 'git' | 'test-data' | 'duplicate';

export interface WasteLayerRef {
  /** Index in the image's layers (ImageAnatomy.layers, oldest first); -1 when the archive's config could not be matched. */
  index: number;
  createdBy: string;
  instruction: string;
}

export interface WasteFinding {
  kind: WasteKind;
  /** Short name of what it is: "pip cache", "files deleted by a later layer", … */
  what: string;
  /** The layer that ships these bytes. */
  layer: WasteLayerRef;
  /** For deleted/overwritten/duplicate: the layer that deletes, replaces or first holds them. */
  other?: WasteLayerRef;
  bytes: number;
  files: number;
  /** The largest few paths (with a leading slash). */
  examples: string[];
  /** The usual fix, worded as a suggestion, with the bytes it would save. */
  fix: string;
}

interface Rule {
  kind: WasteKind;
  what: string;
  test: RegExp;
}

const HOME = '(?:^|/)(?:root|home/[^/]+)/';
// Package-manager caches (checked first), then build toolchains, .git, test/data folders.
const CACHE_RULES: Rule[] = [
  { kind: 'package-cache', get what() { return t('pip cache'); }, test: new RegExp(`${HOME}\\.cache/pip/`) },
  { kind: 'package-cache', get what() { return t('uv cache'); }, test: new RegExp(`${HOME}\\.cache/uv/`) },
  { kind: 'package-cache', get what() { return t('conda package cache'); }, test: /^(?:opt\/(?:conda|miniconda3?|miniforge3?|mambaforge|anaconda3?|micromamba)|root\/(?:miniconda3|miniforge3|anaconda3|micromamba)|usr\/local\/(?:conda|miniconda3))\/pkgs\// },
  { kind: 'package-cache', get what() { return t('apt package lists'); }, test: /^var\/lib\/apt\/lists\/(?!lock$)/ },
  { kind: 'package-cache', get what() { return t('apt package cache'); }, test: /^var\/cache\/apt\// },
];
const TOOLCHAIN = [
  /^usr\/(?:lib|libexec)\/gcc(?:-cross)?\//,
  /^usr\/(?:local\/)?include\//,
  /^usr\/bin\/(?:[a-z0-9_]+-linux-gnu-)?(?:gcc|g\+\+|c\+\+|cpp|gfortran|ld|ld\.bfd|ld\.gold|as)(?:-\d+)?$/,
  /^(?:usr\/(?:local\/)?lib(?:64)?|usr\/local\/cuda[^/]*)\/.*\.a$/,
  /^usr\/local\/cuda[^/]*\/(?:include|nvvm|targets\/[^/]+\/include)\//,
  /^usr\/local\/cuda[^/]*\/bin\/(?:nvcc|ptxas|cicc|fatbinary|nvlink|cudafe\+\+)$/,
];
const GIT = /(?:^|\/)\.git\//;
const TEST_DATA = /(?:^|\/)(?:tests?|testdata|test_data|data|datasets)\//;
const SITE_OR_SYSTEM = /(?:^|\/)(?:site|dist)-packages\/|^(?:usr|var|etc|lib|lib32|lib64|bin|sbin|proc|sys)\//;

const isCopy = (instruction: string) => /^(?:COPY|ADD)\b/.test(instruction);

function fixFor(kind: WasteKind, what: string, layer: WasteLayerRef, other: WasteLayerRef | undefined, bytes: number, sameContent = false): string {
  const saves = `saves ${formatBytes(bytes)}`;
  switch (kind) {
    case 'deleted-later':
      return isCopy(layer.instruction)
        ? t('Do not copy these files in (add them to .dockerignore, or copy only what is needed): {0}', saves)
        : t('Delete them in the same RUN that creates them, not in a later one: {0}', saves);
    case 'overwritten-later':
      return sameContent
        ? t('A later layer copies the same content again: drop the second copy: {0}', saves)
        : t('A later layer replaces them: install or copy only the final version (or do both in one RUN): {0}', saves);
    case 'package-cache':
      if (what === 'pip cache') return t('Use `pip install --no-cache-dir` (or ENV PIP_NO_CACHE_DIR=1): {0}', saves);
      if (what === 'uv cache') return t('Use `uv pip install --no-cache` (or ENV UV_NO_CACHE=1), or a cache mount: {0}', saves);
      if (what === 'conda package cache') return t('Add `&& conda clean -afy` to the same RUN: {0}', saves);
      if (what === 'apt package lists') return t('Add `&& rm -rf /var/lib/apt/lists/*` to the same RUN as apt-get install: {0}', saves);
      return t('Add `&& apt-get clean` to the same RUN as apt-get install: {0}', saves);
    case 'build-toolchain':
      return t('If the image only runs the code, build in a first stage and copy the results into a runtime base (multi-stage build; for CUDA a -runtime base, not -devel): {0}', saves);
    case 'git':
      return isCopy(layer.instruction) ? t('Add .git to .dockerignore: {0}', saves) : t('Remove .git in the same RUN (or clone with --depth 1 and delete it): {0}', saves);
    case 'test-data':
      return t('If not needed at run time, add these folders to .dockerignore: {0}', saves);
    case 'duplicate':
      return t('The same content is already in {0}: copy it once, or use a multi-stage build so one copy ships: {1}', other ? t('layer {0} ({1})', other.index + 1, other.instruction) : t('an earlier layer'), saves);
  }
}

/** Which rule a visible file matches, if any (duplicates are found separately). */
function visibleRule(path: string, instruction: string): Rule | undefined {
  const cache = CACHE_RULES.find((r) => r.test.test(path));
  if (cache) return cache;
  if (TOOLCHAIN.some((t) => t.test(path))) return { kind: 'build-toolchain', what: t('build toolchain (compilers, headers, static libraries)'), test: /./ };
  if (GIT.test(path)) return { kind: 'git', what: '.git folder', test: GIT };
  if (isCopy(instruction) && TEST_DATA.test(path) && !SITE_OR_SYSTEM.test(path)) return { kind: 'test-data', what: t('test and data folders'), test: TEST_DATA };
  return undefined;
}

/**
 * The findings, largest first. `layerRef(i)` names the layer at index i of the archive's layer
 * order (the applied layers' `layer` and `hiddenBy` fields).
 */
export function findWaste(applied: AppliedLayers, layerRef: (archiveIndex: number) => WasteLayerRef, maxExamples = 3): WasteFinding[] {
  const groups = new Map<string, { finding: WasteFinding; sameContent: boolean; paths: { path: string; size: number }[] }>();
  const add = (key: string, make: () => Omit<WasteFinding, 'bytes' | 'files' | 'examples' | 'fix'>, path: string, size: number, sameContent = false) => {
    let g = groups.get(key);
    if (!g) {
      g = { finding: { ...make(), bytes: 0, files: 0, examples: [], fix: '' }, sameContent: true, paths: [] };
      groups.set(key, g);
    }
    g.finding.bytes += size;
    g.finding.files++;
    g.sameContent &&= sameContent;
    // Keep only the largest few paths: bounded memory whatever the number of files.
    g.paths.push({ path, size });
    if (g.paths.length > maxExamples * 4) g.paths = g.paths.sort((a, b) => b.size - a.size).slice(0, maxExamples);
  };

  for (const h of applied.hidden) {
    const kind: WasteKind = h.how === 'deleted' ? 'deleted-later' : 'overwritten-later';
    add(`${kind}|${h.layer}|${h.hiddenBy}`, () => ({
      kind,
      what: h.how === 'deleted' ? t('files a later layer deletes') : t('files a later layer replaces'),
      layer: layerRef(h.layer),
      other: layerRef(h.hiddenBy),
    }), h.path, h.size, h.sameContent);
  }

  // The first holder of each content (by layer order, then path) is the original; later layers' copies are duplicates.
  const firstHolder = new Map<string, { path: string; layer: number }>();
  const visible = [...applied.visible].filter(([, f]) => f.size > 0).sort(([pa, a], [pb, b]) => a.layer - b.layer || (pa < pb ? -1 : pa > pb ? 1 : 0));
  for (const [path, f] of visible) {
    const layer = layerRef(f.layer);
    const rule = visibleRule(path, layer.instruction);
    if (rule) {
      add(`${rule.kind}|${rule.what}|${f.layer}`, () => ({ kind: rule.kind, what: rule.what, layer }), path, f.size);
      continue;
    }
    if (!f.hash) continue;
    const key = `${f.size}|${f.hash}`;
    const first = firstHolder.get(key);
    if (!first) firstHolder.set(key, { path, layer: f.layer });
    else if (first.layer < f.layer) {
      add(`duplicate|${f.layer}|${first.layer}`, () => ({ kind: 'duplicate', what: t('copies of files already in layer {0}', layerRef(first.layer).index + 1), layer, other: layerRef(first.layer) }), path, f.size);
    }
  }

  return [...groups.values()]
    .map(({ finding, sameContent, paths }) => ({
      ...finding,
      examples: paths.sort((a, b) => b.size - a.size).slice(0, maxExamples).map((p) => '/' + p.path),
      fix: fixFor(finding.kind, finding.what, finding.layer, finding.other, finding.bytes, sameContent),
    }))
    .sort((a, b) => b.bytes - a.bytes || a.layer.index - b.layer.index);
}
