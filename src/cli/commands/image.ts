// `ml-disk-space image IMAGE [--json] [--compare OTHER]`: why an image is big (layers, largest
// folders, composition by kind, waste with the layer that caused it), and how it differs from another.
import * as os from 'os';
import { analyzeImage, withoutPassThroughFolders, type ImageAnatomy } from '../../core/categories/docker/imageAnatomy';
import { compareAnatomies, diffLines } from '../../core/categories/docker/imageCompare';
import { KIND_LABELS, kindsBySize, type Composition } from '../../core/categories/docker/imageComposition';
import { dockerClientFor } from '../../core/categories/docker/fromEnvironment';
import { displayLines } from '../../core/displayText';
import { formatBytes } from '../../core/format';
import { intFlag, parseArgs, UsageError } from '../args';
import { print, printError, printJson } from '../output';
import { t } from '../../core/l10n';

/** Other Python packages listed by name; the rest are summed. */
const TOP_PACKAGES = 10;

export async function imageCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['top', 'compare'], ['json']);
  const [image, ...extra] = args.positionals;
  if (!image || extra.length) throw new UsageError(t('usage: ml-disk-space image IMAGE [--compare OTHER] [--json] [--top N]'));
  const limit = intFlag(args, 'top', 20, 1);
  const other = args.flags.get('compare');
  if (other === true) throw new UsageError('--compare needs an image');
  const { client, warnings } = dockerClientFor({ env: process.env, homeDir: process.env.HOME || os.homedir() });
  for (const w of warnings) printError(w);
  const others = (await client.diskUsage()).images.map((i) => i.id);
  const a = await analyzeImage(client, image, others, { limit: 1000 });
  const b = other === undefined ? undefined : await analyzeImage(client, other, others, { limit: 1000 });
  const diff = b ? compareAnatomies(a, b) : undefined;
  if (args.flags.has('json')) {
    printJson({
      image: a.image, id: a.id, bytes: a.bytes,
      layers: a.layers.map((l) => ({ createdBy: l.createdBy, instruction: l.instruction, bytes: l.bytes, shared: l.shared, composition: l.composition && compositionJson(l.composition) })),
      paths: a.paths.slice(0, limit), largestFiles: a.largestFiles.slice(0, limit),
      pythonPackages: a.pythonPackages.slice(0, limit), modelWeights: a.modelWeights.slice(0, limit), hints: a.hints,
      composition: compositionJson(a.composition),
      waste: a.waste, wasteBytes: a.wasteBytes,
      ...(diff ? { diff } : {}),
    });
    return 0;
  }
  const lines = [t('{0}: {1} (apparent size of its layers)', a.image, formatBytes(a.bytes)), '', t('Layers (oldest first):')];
  for (const l of a.layers) lines.push(`  ${formatBytes(l.bytes).padStart(9)}  ${l.instruction}${l.shared ? '  [shared]' : ''}${layerKinds(l.composition)}`);
  lines.push('', t('Composition ({0} of files in the final filesystem):', formatBytes(a.composition.total)), ...compositionLines(a.composition));
  lines.push('', t('Largest folders:'));
  for (const p of withoutPassThroughFolders(a.paths).slice(0, limit)) lines.push(`  ${formatBytes(p.bytes).padStart(9)}  ${p.path}`);
  lines.push('', ...wasteLines(a, limit));
  if (a.hints.length) lines.push('', ...a.hints.map((h) => `• ${h}`));
  if (diff) lines.push('', t('Compared with {0} ({1}):', b!.image, formatBytes(b!.bytes)), ...diffLines(diff).map((l) => '  ' + l));
  print(displayLines(lines));
  return 0;
}

/** The composition for --json: kinds by size, libtorch_cuda, the top packages and the rest of them. */
function compositionJson(c: Composition) {
  const top = c.packages.slice(0, TOP_PACKAGES);
  return {
    total: c.total,
    kinds: kindsBySize(c),
    torchCudaBytes: c.torchCudaBytes,
    topPythonPackages: top,
    otherPythonPackagesBytes: c.packages.slice(TOP_PACKAGES).reduce((s, p) => s + p.bytes, 0),
  };
}

function compositionLines(c: Composition): string[] {
  const lines: string[] = [];
  for (const k of kindsBySize(c)) {
    const share = c.total > 0 ? `${Math.round((k.bytes / c.total) * 100)} %`.padStart(6) : '';
    lines.push(`  ${formatBytes(k.bytes).padStart(9)} ${share}  ${k.label}`);
    if (k.kind === 'pytorch' && c.torchCudaBytes > 0) lines.push(t('  {0} {1}    of which libtorch_cuda', formatBytes(c.torchCudaBytes).padStart(9), ''.padStart(6)));
    if (k.kind === 'python') {
      for (const p of c.packages.slice(0, TOP_PACKAGES)) lines.push(`  ${formatBytes(p.bytes).padStart(9)} ${''.padStart(6)}    ${p.name}`);
      const rest = c.packages.slice(TOP_PACKAGES);
      if (rest.length) lines.push(t('  {0} {1}    {2} more package(s)', formatBytes(rest.reduce((s, p) => s + p.bytes, 0)).padStart(9), ''.padStart(6), rest.length));
    }
  }
  return lines;
}

/** `  [PyTorch 1.2 GB, CUDA libraries 300 MB]`: the two largest kinds of a layer. */
function layerKinds(c: Composition | undefined): string {
  if (!c || c.total === 0) return '';
  return `  [${kindsBySize(c).slice(0, 2).map((k) => `${KIND_LABELS[k.kind]} ${formatBytes(k.bytes)}`).join(', ')}]`;
}

function wasteLines(a: ImageAnatomy, limit: number): string[] {
  if (!a.waste.length) return [t('Waste: none found.')];
  const lines = [t('Waste ({0} in {1} finding(s), largest first):', formatBytes(a.wasteBytes), a.waste.length)];
  for (const w of a.waste.slice(0, limit)) {
    lines.push(t('  {0}  {1} ({2} file(s)) — layer {3}: {4}', formatBytes(w.bytes).padStart(9), w.what, w.files, w.layer.index + 1, w.layer.instruction));
    if (w.other && w.kind !== 'duplicate') lines.push(t('             {0} by layer {1}: {2}', w.kind === 'deleted-later' ? 'deleted' : 'replaced', w.other.index + 1, w.other.instruction));
    lines.push(`             e.g. ${w.examples.join(', ')}`, `             → ${w.fix}`);
  }
  return lines;
}
