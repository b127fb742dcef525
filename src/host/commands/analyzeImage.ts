// ML Disk Space: Analyze Image… — why is an image big? Its layers and the largest folders inside
// it, as a chart (the same breakdown the tree shows below the image). From an image row's context
// menu, or from the palette with a quick pick of the engine's images. The analysis is shared with
// the tree's (cached per image id, cancellable).
import * as vscode from 'vscode';
import { imageLabelOf } from '../../core/categories/docker/labels';
import { isAbortError } from '../../core/categories/docker/types';
import { formatBytes } from '../../core/format';
import { dockerServices } from '../docker/dockerServices';
import type { ImageRef } from '../docker/imageAnalyses';
import { anatomyBreakdown } from '../docker/imageRows';
import { imageRefFor } from '../docker/imageTreeProvider';
import { readUsageOrTell } from '../docker/runPlan';
import type { CommandSpec, HostServices } from '../services';
import { showBreakdown } from '../webview/chartPanel';
import { displayText } from '../../core/displayText';

export interface AnalyzeImageResult {
  /** The chart panel's key (`breakdown:<root id>`). */
  panelKey: string;
  imageId: string;
  label: string;
  bytes: number;
  layers: number;
  folders: number;
}

export const analyzeImageCommand: CommandSpec = {
  id: 'mlDiskSpace.docker.analyzeImage',
  async run(s, clicked, selection): Promise<AnalyzeImageResult | undefined> {
    const ref = clicked === undefined ? await pickImage(s) : fromTree(s, clicked, selection);
    if (!ref) return undefined;
    let anatomy;
    try {
      anatomy = await dockerServices(s).analyses.analyze(ref);
    } catch (err) {
      if (isAbortError(err)) return undefined;
      throw err;
    }
    const root = anatomyBreakdown(ref.imageId, ref.label, anatomy);
    const title = vscode.l10n.t('Image {0}', ref.label);
    showBreakdown(title, root);
    return {
      panelKey: `breakdown:${root.id}`,
      imageId: ref.imageId,
      label: ref.label,
      bytes: anatomy.bytes,
      layers: anatomy.layers.filter((l) => l.bytes > 0).length,
      folders: anatomy.paths.length,
    };
  },
};

function fromTree(s: HostServices, clicked: unknown, selection: unknown): ImageRef | undefined {
  const node = s.tree.nodesFromArgs(clicked, selection).find((n) => n.type === 'item' && n.item.kind === 'docker-image');
  if (node?.type !== 'item') {
    void vscode.window.showInformationMessage(vscode.l10n.t('ML Disk Space: choose a Docker image to analyze.'));
    return undefined;
  }
  return imageRefFor(dockerServices(s), node);
}

interface ImagePick extends vscode.QuickPickItem {
  id: string;
}

async function pickImage(s: HostServices): Promise<ImageRef | undefined> {
  const docker = dockerServices(s);
  const client = docker.engines.current();
  const du = await readUsageOrTell(s, client);
  if (!du) return undefined;
  const picks: ImagePick[] = [...du.images]
    .sort((a, b) => b.bytes - a.bytes)
    .map((i) => ({ id: i.id, label: imageLabelOf(i), description: vscode.l10n.t('{0} · {1} unique', formatBytes(i.bytes), formatBytes(i.uniqueBytes)) }));
  if (!picks.length) {
    void vscode.window.showInformationMessage(displayText(vscode.l10n.t('ML Disk Space: the Docker engine at {0} has no images.', client.endpoint)));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('Analyze Image'), placeHolder: vscode.l10n.t('Image to analyze (largest first)'), matchOnDescription: true });
  if (!pick) return undefined;
  const image = du.images.find((i) => i.id === pick.id)!;
  return { client, imageId: image.id, label: pick.label, bytes: image.bytes, otherImageIds: du.images.map((i) => i.id).filter((id) => id !== image.id) };
}
