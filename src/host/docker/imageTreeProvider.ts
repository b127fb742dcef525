// The rows below a Docker image in the tree: "Layers" (each build step's instruction, size and a
// shared badge, from the image history), "Composition" (what the image is made of, by kind),
// "Waste" (findings with the layer and the fix) and "Largest folders" (the image's own filesystem).
// The last three need the whole image read: done only when the user expands one of them, with
// cancellable progress, and kept per image id. Nothing here runs before the user expands something.
import { formatBytes } from '../../core/format';
import { DOCKER_CATEGORY_ID, DOCKER_ITEM_IDS } from '../../core/categories/docker/category';
import { isAbortError } from '../../core/categories/docker/types';
import { errorText } from '../log';
import type { ChildProvider, ItemsTree } from '../tree/itemsTree';
import type { ExtraNode, ExtraRow, ItemNode } from '../tree/nodes';
import type { DockerServices } from './dockerServices';
import { ImageAnalyses, type ImageRef } from './imageAnalyses';
import type { ImageAnatomy } from '../../core/categories/docker/imageAnatomy';
import {
  compositionKindRows, compositionRows, compositionSummary, entriesIn, folderRows, layerRows, layersSummary, wasteFindingRows, wasteRows, wasteSummary, type ImageRowData,
} from './imageRows';
import { t } from '../../core/l10n';

export const RETRY_ANALYSIS_COMMAND = 'mlDiskSpace.docker.retryImageAnalysis';

export class ImageTreeProvider implements ChildProvider {
  constructor(
    private readonly docker: DockerServices,
    private readonly tree: Pick<ItemsTree, 'refresh'>,
  ) {}

  appliesTo(node: ItemNode): boolean {
    return (
      node.category.id === DOCKER_CATEGORY_ID &&
      node.item.kind === 'docker-image' &&
      typeof node.item.fields?.id === 'string' &&
      typeof node.category.fields?.endpoint === 'string'
    );
  }

  async rowsFor(parent: ItemNode | ExtraNode, owner: ItemNode): Promise<ExtraRow[]> {
    const ref = this.refFor(owner);
    if (parent.type === 'item') return this.imageRows(ref);
    const data = parent.row.data as ImageRowData | undefined;
    switch (data?.kind) {
      case 'layers':
        return layerRows(await this.docker.analyses.layers(ref));
      case 'composition':
        return this.analyzed(ref, parent, owner, (a) => compositionRows(a.composition));
      case 'composition-kind':
        return this.analyzed(ref, parent, owner, (a) => compositionKindRows(a.composition, data.of));
      case 'waste':
        return this.analyzed(ref, parent, owner, (a) => wasteRows(a.waste));
      case 'waste-finding':
        return this.analyzed(ref, parent, owner, (a) => (a.waste[data.index] ? wasteFindingRows(a.waste[data.index]) : []));
      case 'folders':
        return this.analyzed(ref, parent, owner, (a) => folderRows(a, ''));
      case 'folder':
        return this.analyzed(ref, parent, owner, (a) => folderRows(a, data.dir));
      default:
        return [];
    }
  }

  /** The image row's own rows; their descriptions say what is known already. */
  private imageRows(ref: ImageRef): ExtraRow[] {
    const layers = this.docker.analyses.cachedLayers(ref);
    const anatomy = this.docker.analyses.cached(ref);
    let folders = t('expand to analyze (reads the whole image)');
    let composition = folders;
    let waste = folders;
    if (anatomy) {
      const top = entriesIn(anatomy, '').entries;
      folders = t('{0} in the final filesystem', formatBytes(top.reduce((s, e) => s + e.bytes, 0)));
      composition = compositionSummary(anatomy.composition);
      waste = wasteSummary(anatomy);
    } else if (this.docker.analyses.isRunning(ref)) folders = composition = waste = 'analyzing…';
    else if (this.docker.analyses.wasCancelled(ref)) folders = composition = waste = t('analysis cancelled');
    return [
      {
        key: 'layers',
        label: t('Layers'),
        description: layers ? layersSummary(layers) : t('from the image history'),
        tooltip: t('What each build step (Dockerfile instruction) added, oldest first, from `GET /images/{id}/history`. **shared**: another local image has the same layer, stored once.'),
        icon: 'layers',
        contextTokens: ['kind-docker-image-layers'],
        expandable: true,
        data: { kind: 'layers' } satisfies ImageRowData,
      },
      {
        key: 'composition',
        label: t('Composition'),
        description: composition,
        tooltip: t('What the image\'s final filesystem is made of: CUDA libraries, PyTorch, other Python packages, conda, model weights, the OS base and the rest (apparent sizes, each file counted once). Read from the image\'s `docker save` stream when you expand this row.'),
        icon: 'pie-chart',
        contextTokens: ['kind-docker-image-composition'],
        expandable: true,
        data: { kind: 'composition' } satisfies ImageRowData,
      },
      {
        key: 'waste',
        label: t('Waste'),
        description: waste,
        tooltip: t('Bytes the image ships for nothing — files a later layer deletes or replaces, package caches, build toolchains, .git and test/data folders, copies of the same file — each with the layer that caused it and the usual fix.'),
        icon: 'warning',
        contextTokens: ['kind-docker-image-waste-list'],
        expandable: true,
        data: { kind: 'waste' } satisfies ImageRowData,
      },
      {
        key: 'folders',
        label: t('Largest folders'),
        description: folders,
        tooltip: t('The largest folders and files of the image\'s final filesystem (whiteouts of later layers applied), as apparent sizes. Read from the image\'s `docker save` stream when you expand this row; kept for this image id.'),
        icon: 'list-tree',
        contextTokens: ['kind-docker-image-folders'],
        expandable: true,
        data: { kind: 'folders' } satisfies ImageRowData,
      },
    ];
  }

  /** Rows that need the whole analysis: from the cache, or after analyzing (a retry row when cancelled or failed). */
  private async analyzed(ref: ImageRef, row: ExtraNode, owner: ItemNode, render: (anatomy: ImageAnatomy) => ExtraRow[]): Promise<ExtraRow[]> {
    const analyses = this.docker.analyses;
    const key = ImageAnalyses.key(ref.client, ref.imageId);
    const cached = analyses.cached(ref);
    if (cached) return render(cached);
    // Cancelled before: do not start again on every refresh of the tree, only when the user asks.
    if (analyses.wasCancelled(ref) && !analyses.isRunning(ref)) return [retryRow(t('Analysis cancelled — click to analyze again'), key, row.treeId)];
    try {
      const anatomy = await analyses.analyze(ref);
      // The image row's descriptions now know the result.
      setTimeout(() => this.tree.refresh(owner.treeId), 0);
      return render(anatomy);
    } catch (err) {
      if (isAbortError(err)) return [retryRow(t('Analysis cancelled — click to analyze again'), key, row.treeId)];
      return [retryRow(t('Could not analyze: {0} — click to try again', errorText(err)), key, row.treeId)];
    }
  }

  private refFor(owner: ItemNode): ImageRef {
    return imageRefFor(this.docker, owner);
  }
}

/** The image a tree row stands for, at the engine its scan came from. */
export function imageRefFor(docker: DockerServices, owner: ItemNode): ImageRef {
  const imageId = owner.item.fields!.id as string;
  const images = owner.category.items.find((i) => i.id === DOCKER_ITEM_IDS.images)?.children ?? [];
  return {
    client: docker.engines.at(owner.category.fields!.endpoint as string),
    imageId,
    label: owner.item.label,
    bytes: owner.item.bytes,
    otherImageIds: images.map((i) => i.fields?.id).filter((id): id is string => typeof id === 'string' && id !== imageId),
  };
}

function retryRow(label: string, analysisKey: string, treeId: string): ExtraRow {
  return {
    key: 'retry',
    label,
    icon: 'debug-restart',
    command: { command: RETRY_ANALYSIS_COMMAND, title: t('Analyze Again'), arguments: [analysisKey, treeId] },
    data: { kind: 'retry-analysis', analysisKey } satisfies ImageRowData,
  };
}
