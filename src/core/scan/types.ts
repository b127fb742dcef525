// The contract between the scan orchestrator and each category scanner.
import type { Category, ScanWarning } from '../model';
import type { ScanSettings } from '../settings';
import type { Walker } from '../walker/walker';
import type { WalkNode, WalkProgress, WalkResult } from '../walker/types';

export interface ScanContext {
  /** Environment the caches are located from (HOME, XDG_CACHE_HOME, HF_HOME, ...). */
  env: Record<string, string | undefined>;
  homeDir: string;
  platform: NodeJS.Platform;
  /** Workspace folders plus extra roots, absolute. */
  roots: string[];
  settings: ScanSettings;
  /** Shared by all scanners of one scan, so a hard-linked file is counted once across categories. */
  walker: Walker;
  signal: AbortSignal;
  /** Streams progress to the UI (message like "Hugging Face cache", walk counts when walking). */
  progress(message: string, walk?: WalkProgress): void;
  warn(warning: ScanWarning): void;
  /** Time the scan started (ms since epoch), for ages and "in progress" checks. */
  now: number;
  /**
   * The scan's one walk of `roots`, made on the first call and shared: checkpoint discovery takes
   * the checkpoints it collected by name on the way, the workspace category shows the rest. The
   * first caller's `onCollected` hears of collected entries while the walk runs.
   */
  workspaceWalk(onCollected?: (nodes: WalkNode[]) => void): Promise<WorkspaceWalk>;
  /** Paths the categories scanned so far account for (the workspace category, last, leaves them out). */
  claimedPaths: readonly string[];
}

export interface WorkspaceWalk {
  result: WalkResult;
  /** Paths claimed by the categories that ran before the walk: not walked at all. */
  excludedPaths: string[];
}

export interface CategoryResult {
  category: Category;
  /**
   * Folders/files on disk this category accounts for. The workspace category skips them, so
   * the same bytes never appear in two category totals.
   */
  claimedPaths?: string[];
}
