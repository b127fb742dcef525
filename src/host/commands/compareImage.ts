// ML Disk Space: Compare With Another Image… — which kinds (CUDA, PyTorch, Python packages, conda,
// weights, OS) grew or shrank between two images, e.g. after a base-image or torch upgrade. From an
// image row's context menu (that image is A; B is picked), or from the palette (both picked). Both
// analyses are the tree's (cached per image id, cancellable); the result opens in an editor.
import * as vscode from 'vscode';
import { compareAnatomies, formatDelta, type ImageDiff } from '../../core/categories/docker/imageCompare';
import { imageLabelOf } from '../../core/categories/docker/labels';
import { isAbortError } from '../../core/categories/docker/types';
import { formatBytes } from '../../core/format';
import { dockerServices } from '../docker/dockerServices';
import type { ImageRef } from '../docker/imageAnalyses';
import { imageRefFor } from '../docker/imageTreeProvider';
import { readUsageOrTell } from '../docker/runPlan';
import type { CommandSpec, HostServices } from '../services';

export interface CompareImageResult {
  a: string;
  b: string;
  diff: ImageDiff;
  /** The editor's text (Markdown). */
  text: string;
}

export const compareImageCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.compareImage',
  /** `otherImageId` (tests, scripts): compare with that image instead of asking. */
  async run(s, clicked, selection, otherImageId?: unknown): Promise<CompareImageResult | undefined> {
    const docker = dockerServices(s);
    let a: ImageRef | undefined;
    if (clicked !== undefined) {
      const node = s.tree.nodesFromArgs(clicked, selection).find((n) => n.type === 'item' && n.item.kind === 'docker-image');
      if (node?.type !== 'item') {
        void vscode.window.showInformationMessage(vscode.l10n.t('ML Disk Space: choose a Docker image to compare.'));
        return undefined;
      }
      a = imageRefFor(docker, node);
    } else {
      a = await pickImage(s, undefined, vscode.l10n.t('Compare: first image (A)'));
    }
    if (!a) return undefined;
    const b = await pickImage(s, a, vscode.l10n.t('Compare {0} with…', a.label), typeof otherImageId === 'string' ? otherImageId : undefined);
    if (!b) return undefined;
    let anatomies;
    try {
      anatomies = [await docker.analyses.analyze(a), await docker.analyses.analyze(b)];
    } catch (err) {
      if (isAbortError(err)) return undefined;
      throw err;
    }
    const diff = compareAnatomies({ ...anatomies[0], image: a.label }, { ...anatomies[1], image: b.label });
    const text = diffMarkdown(diff);
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return { a: a.label, b: b.label, diff, text };
  },
};

/** The comparison as a Markdown document: kinds, then the Python packages that changed most. Columns padded so the source reads as a table too. */
export function diffMarkdown(d: ImageDiff, topPackages = 15): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `# ${cell(d.a.image)} → ${cell(d.b.image)}`,
    '',
    vscode.l10n.t('Apparent sizes of the files in each image\'s final filesystem, by kind; change = {0} − {1}.', cell(d.b.image), cell(d.a.image)),
    '',
    ...table([
      ['', cell(d.a.image), cell(d.b.image), 'change'],
      ...d.kinds.map((k) => [k.label, formatBytes(k.a), formatBytes(k.b), formatDelta(k.delta)]),
      [vscode.l10n.t('**Files in total**'), formatBytes(d.a.filesBytes), formatBytes(d.b.filesBytes), formatDelta(d.b.filesBytes - d.a.filesBytes)],
      [vscode.l10n.t('Waste found'), formatBytes(d.a.wasteBytes), formatBytes(d.b.wasteBytes), formatDelta(d.b.wasteBytes - d.a.wasteBytes)],
      [vscode.l10n.t('Layers (engine)'), formatBytes(d.a.bytes), formatBytes(d.b.bytes), formatDelta(d.b.bytes - d.a.bytes)],
    ]),
  ];
  if (d.packages.length) {
    lines.push('', `## Python packages that changed${d.packages.length > topPackages ? vscode.l10n.t(' ({0} of {1}, largest change first)', topPackages, d.packages.length) : ''}`, '');
    lines.push(...table([['package', cell(d.a.image), cell(d.b.image), 'change'], ...d.packages.slice(0, topPackages).map((p) => [cell(p.name), formatBytes(p.a), formatBytes(p.b), formatDelta(p.delta)])]));
  }
  return lines.join('\n') + '\n';
}

/** A Markdown table, first column left-aligned, the others right-aligned, padded to equal widths. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(3, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((cellText, c) => (c === 0 ? cellText.padEnd(widths[c]) : cellText.padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)];
}

interface ImagePick extends vscode.QuickPickItem {
  id: string;
}

/** An image of A's engine (or the current one), not A itself; `preset` picks by id without asking. */
async function pickImage(s: HostServices, not: ImageRef | undefined, title: string, preset?: string): Promise<ImageRef | undefined> {
  const docker = dockerServices(s);
  const client = not?.client ?? docker.engines.current();
  const du = await readUsageOrTell(s, client);
  if (!du) return undefined;
  const images = du.images.filter((i) => i.id !== not?.imageId);
  let id = preset;
  if (id === undefined) {
    const picks: ImagePick[] = [...images]
      .sort((x, y) => y.bytes - x.bytes)
      .map((i) => ({ id: i.id, label: imageLabelOf(i), description: formatBytes(i.bytes) }));
    if (!picks.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('ML Disk Space: the Docker engine at {0} has no other image to compare with.', client.endpoint));
      return undefined;
    }
    id = (await vscode.window.showQuickPick(picks, { title, placeHolder: vscode.l10n.t('Image (largest first)'), matchOnDescription: true }))?.id;
  }
  const image = images.find((i) => i.id === id);
  if (!image) return undefined;
  return { client, imageId: image.id, label: imageLabelOf(image), bytes: image.bytes, otherImageIds: du.images.map((i) => i.id).filter((x) => x !== image.id) };
}
