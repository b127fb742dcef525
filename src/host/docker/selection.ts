// Which Docker objects a command acts on: the rows it was invoked on in the tree (multi-select),
// item ids passed by a caller, or, from the command palette, a quick pick over a fresh disk usage.
import * as vscode from 'vscode';
import type { DockerDiskUsage } from '../../core/categories/docker/types';
import { isActiveContainer } from '../../core/categories/docker/diskUsageMath';
import { imageLabelOf, shortDockerId } from '../../core/categories/docker/labels';
import { formatBytes, formatCount } from '../../core/format';
import type { HostServices } from '../services';
import { displayPick, displayText } from '../../core/displayText';

export type DockerObjectKind = 'docker-image' | 'docker-container' | 'docker-volume';

/** The engine's ids (image id, container id, volume name) of the selected rows of `kind`; empty when none was selected. */
export function selectedDockerIds(s: HostServices, kind: DockerObjectKind, clicked: unknown, selection: unknown): string[] {
  const key = kind === 'docker-volume' ? 'name' : 'id';
  return s.tree
    .nodesFromArgs(clicked, selection)
    .flatMap((n) => (n.type === 'item' && n.item.kind === kind && typeof n.item.fields?.[key] === 'string' ? [n.item.fields[key] as string] : []));
}

interface Pick extends vscode.QuickPickItem {
  id: string;
}

async function pickMany(title: string, placeHolder: string, picks: Pick[]): Promise<string[] | undefined> {
  if (!picks.length) {
    void vscode.window.showInformationMessage(displayText(vscode.l10n.t('ML Disk Space: {0}: there is nothing to choose from.', title)));
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(picks.map(displayPick), { title, placeHolder, canPickMany: true, matchOnDescription: true });
  return chosen?.length ? chosen.map((p) => p.id) : undefined;
}

export function pickImages(du: DockerDiskUsage): Promise<string[] | undefined> {
  const picks = [...du.images]
    .sort((a, b) => b.uniqueBytes - a.uniqueBytes)
    .map((i) => ({
      id: i.id,
      label: imageLabelOf(i),
      description: vscode.l10n.t('{0} · {1} unique · {2}', formatBytes(i.bytes), formatBytes(i.uniqueBytes), i.containers > 0 ? formatCount(i.containers, 'container') : 'unused'),
    }));
  return pickMany(vscode.l10n.t('Remove Images'), vscode.l10n.t('Images to remove (largest unique size first)'), picks);
}

export function pickStoppedContainers(du: DockerDiskUsage): Promise<string[] | undefined> {
  const picks = du.containers
    .filter((c) => !isActiveContainer(c))
    .sort((a, b) => b.writableBytes - a.writableBytes)
    .map((c) => ({ id: c.id, label: c.name || shortDockerId(c.id), description: `${formatBytes(c.writableBytes)} · ${c.state} · ${c.image}` }));
  return pickMany(vscode.l10n.t('Remove Containers'), vscode.l10n.t('Stopped containers to remove'), picks);
}

export function pickUnusedVolumes(du: DockerDiskUsage): Promise<string[] | undefined> {
  const picks = du.volumes
    .filter((v) => v.refCount === 0)
    .sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0))
    .map((v) => ({ id: v.name, label: v.name, description: vscode.l10n.t('{0} · unused', v.bytes === null ? vscode.l10n.t('size unknown') : formatBytes(v.bytes)) }));
  return pickMany(vscode.l10n.t('Remove Volumes'), vscode.l10n.t('Unused volumes to delete with all their data'), picks);
}
