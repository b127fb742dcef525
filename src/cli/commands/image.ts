// `ml-disk-space image IMAGE [--json]`: why an image is big (layers, largest folders inside it).
import * as os from 'os';
import { analyzeImage, withoutPassThroughFolders } from '../../core/docker/imageAnatomy';
import { dockerClientFor } from '../../core/docker/fromEnvironment';
import { displayLines } from '../../core/displayText';
import { formatBytes } from '../../core/format';
import { intFlag, parseArgs, UsageError } from '../args';
import { print, printError, printJson } from '../output';

export async function imageCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['top'], ['json']);
  const [image, ...extra] = args.positionals;
  if (!image || extra.length) throw new UsageError('usage: ml-disk-space image IMAGE [--json] [--top N]');
  const limit = intFlag(args, 'top', 20, 1);
  const { client, warnings } = dockerClientFor({ env: process.env, homeDir: process.env.HOME || os.homedir() });
  for (const w of warnings) printError(w);
  const others = (await client.diskUsage()).images.map((i) => i.id);
  const a = await analyzeImage(client, image, others, { limit: 1000 });
  if (args.flags.has('json')) {
    printJson({
      image: a.image, id: a.id, bytes: a.bytes,
      layers: a.layers.map((l) => ({ createdBy: l.createdBy, instruction: l.instruction, bytes: l.bytes, shared: l.shared })),
      paths: a.paths.slice(0, limit), largestFiles: a.largestFiles.slice(0, limit),
      pythonPackages: a.pythonPackages.slice(0, limit), modelWeights: a.modelWeights.slice(0, limit), hints: a.hints,
    });
    return 0;
  }
  const lines = [`${a.image}: ${formatBytes(a.bytes)} (apparent size of its layers)`, '', 'Layers (oldest first):'];
  for (const l of a.layers) lines.push(`  ${formatBytes(l.bytes).padStart(9)}  ${l.instruction}${l.shared ? '  [shared]' : ''}`);
  lines.push('', 'Largest folders:');
  for (const p of withoutPassThroughFolders(a.paths).slice(0, limit)) lines.push(`  ${formatBytes(p.bytes).padStart(9)}  ${p.path}`);
  if (a.hints.length) lines.push('', ...a.hints.map((h) => `• ${h}`));
  print(displayLines(lines));
  return 0;
}
