// The scan orchestrator: runs every category of the registry in order with one shared walker
// (hard links counted once across categories); the workspace category, last, shows what the
// others did not claim.
import * as os from 'os';
import * as path from 'path';
import type { Category, ScanModel, ScanWarning, VolumeInfo } from '../model';
import { CATEGORIES } from '../categories';
import type { CategoryDescriptor } from '../categories/descriptor';
import { reportWalkErrors } from './walkHelpers';
import { isStrictlyInside } from '../safety/pathGuards';
import { WORKSPACE_CATEGORY_ID, WORKSPACE_DETAIL_DEPTH } from '../categories/workspace/scanner';
import { defaultSettings, type ScanSettings } from '../settings';
import { volumeWithQuotas } from '../volume';
import { placeOnVolumes } from '../volumePlacement';
import { Walker, type WalkerOptions } from '../walker/walker';
import type { WalkNode, WalkProgress } from '../walker/types';
import { checkpointCollectOption } from '../categories/checkpoints/find';
import type { ScanContext, WorkspaceWalk } from './types';
import { t } from '../l10n';

export interface ScanRequest {
  /** Workspace folders (and extra roots); the first one's volume is reported. */
  roots: string[];
  env?: Record<string, string | undefined>;
  settings?: Partial<ScanSettings>;
  signal?: AbortSignal;
  onProgress?: (message: string, walk?: WalkProgress) => void;
  /** Restrict to these category ids (default: all). */
  only?: string[];
  /** Override the category list (tests). */
  categories?: readonly CategoryDescriptor[];
  walker?: WalkerOptions;
}

export async function scan(request: ScanRequest): Promise<ScanModel> {
  const started = Date.now();
  const env = request.env ?? process.env;
  const settings = { ...defaultSettings(), ...request.settings };
  const roots = [...new Set([...request.roots, ...settings.extraRoots].map((r) => path.resolve(r)))];
  const warnings: ScanWarning[] = [];
  const categories: Category[] = [];
  const claimed: string[] = [];
  const signal = request.signal ?? new AbortController().signal;
  const walker = new Walker({ workers: settings.workers || undefined, ...request.walker });
  const ctx: ScanContext = {
    env,
    homeDir: env.HOME || env.USERPROFILE || os.homedir(),
    platform: process.platform,
    roots,
    settings,
    walker,
    signal,
    progress: (message: string, walk?: WalkProgress) => request.onProgress?.(message, walk),
    warn: (w: ScanWarning) => { if (warnings.length < 2000) warnings.push(w); },
    now: started,
    workspaceWalk: (onCollected) => (workspaceWalk ??= walkWorkspace(onCollected)),
    claimedPaths: claimed,
  };
  // One walk of the roots serves two categories: checkpoint discovery collects checkpoint folders
  // and weight files by name on the way, the workspace category shows what is left. What the
  // categories before it claimed (caches inside a workspace folder) is not walked at all.
  let workspaceWalk: Promise<WorkspaceWalk> | undefined;
  // The first root's volume (free space, quotas: a `quota` process) is read while the walker
  // threads work, not after them, when everything else waits for it.
  type VolumeReading = { volume?: VolumeInfo; error?: unknown };
  let volumeReading: Promise<VolumeReading> | undefined;
  const readVolume = () => (volumeReading ??= volumeWithQuotas(roots[0]).then((volume): VolumeReading => ({ volume }), (error: unknown): VolumeReading => ({ error })));
  const walkWorkspace = async (onCollected?: (nodes: WalkNode[]) => void): Promise<WorkspaceWalk> => {
    const excludedPaths = claimed.filter((p) => roots.some((r) => isStrictlyInside(p, r)));
    ctx.progress(t('Workspace folders and checkpoints'));
    const walking = walker.walk(roots, {
      signal, topN: settings.topN, detailDepth: WORKSPACE_DETAIL_DEPTH, excludePaths: excludedPaths,
      collect: checkpointCollectOption(settings), onCollected,
      onProgress: (p) => ctx.progress(t('Workspace folders and checkpoints'), p),
    });
    if (roots[0]) readVolume();
    const result = await walking;
    // Usually the scan's last walk: the threads' memory is not held while the results are worked on.
    void walker.release();
    // Reported here, once, whichever categories this scan shows.
    reportWalkErrors(ctx, result, WORKSPACE_CATEGORY_ID);
    return { result, excludedPaths };
  };
  const wanted = (id: string) => !request.only || request.only.includes(id);
  try {
    const categoryList = [...(request.categories ?? CATEGORIES)].sort((a, b) => a.order - b.order);
    for (const descriptor of categoryList) {
      if (signal.aborted) break;
      if (!wanted(descriptor.id)) continue;
      try {
        const result = await descriptor.scan(ctx);
        if (!result) continue;
        categories.push(result.category);
        claimed.push(...(result.claimedPaths ?? []));
      } catch (err) {
        // One broken category never takes the others down.
        const message = `${descriptor.label}: ${(err as Error)?.message ?? String(err)}`;
        warnings.push({ message, category: descriptor.id, code: 'scanner-failed' });
        categories.push({ id: descriptor.id, label: descriptor.label, bytes: 0, apparentBytes: 0, items: [], error: message });
      }
    }
  } finally {
    await walker.close();
  }
  // Which disk each category is on: the views lead with what is on a disk that is filling.
  const volumes = await placeOnVolumes(categories, roots);
  let volume: VolumeInfo | undefined;
  if (roots[0]) {
    const reading = await readVolume();
    volume = reading.volume;
    if (reading.error) warnings.push({ message: t('cannot read free space of {0}: {1}', roots[0], (reading.error as Error).message), path: roots[0] });
  }
  return {
    scannedAt: Date.now(),
    durationMs: Date.now() - started,
    roots,
    volume,
    volumes,
    categories,
    warnings,
    cancelled: signal.aborted,
  };
}
