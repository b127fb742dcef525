// What every category's planner is given besides the scan model.
import type { ScanSettings } from '../settings';

export interface PlanContext {
  env: Record<string, string | undefined>;
  homeDir: string;
  settings: ScanSettings;
  now: number;
  /** Checkpoints: runs in progress are included (CLI --include-active); the plan then needs a second confirmation. */
  includeInProgress?: boolean;
  signal?: AbortSignal;
}
