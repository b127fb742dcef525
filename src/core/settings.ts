// Scan settings shared by the extension (from `mlDiskSpace.*`) and the CLI (from flags).

export interface ScanSettings {
  /** Largest children kept per level in the tree. */
  topN: number;
  /** Extra folders scanned like workspace folders (`mlDiskSpace.extraRoots`). */
  extraRoots: string[];
  /** fast-glob patterns where checkpoints and loose weights are never looked for (`mlDiskSpace.exclude`); their bytes still count in the workspace. */
  exclude: string[];
  /** fast-glob patterns that find checkpoints (`mlDiskSpace.checkpointGlobs`). */
  checkpointGlobs: string[];
  /** A run changed within this many minutes is "in progress" (`mlDiskSpace.activeRunMinutes`). */
  activeRunMinutes: number;
  /** Best checkpoints kept per run by the retention policy, besides the newest (`mlDiskSpace.keepBest`). */
  keepBest: number;
  /** Loose weight files at least this large are listed (`mlDiskSpace.looseWeightMinMB`). */
  looseWeightMinBytes: number;
  /** Docker endpoint override (`mlDiskSpace.docker.host`); empty = DOCKER_HOST / context / default socket. */
  dockerHost: string;
  /** Scan Docker at all (`mlDiskSpace.docker.enabled`, CLI `--no-docker`). */
  docker: boolean;
  /** Walker threads; 0 = one per core (at most 16). More help a cold walk on a machine with few cores. */
  workers: number;
}

export const DEFAULT_CHECKPOINT_GLOBS = [
  '**/checkpoint-*/',
  '**/*.ckpt',
  '**/global_step*/',
];

export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**'];

export function defaultSettings(): ScanSettings {
  return {
    topN: 20,
    extraRoots: [],
    exclude: [...DEFAULT_EXCLUDE],
    checkpointGlobs: [...DEFAULT_CHECKPOINT_GLOBS],
    activeRunMinutes: 30,
    keepBest: 2,
    looseWeightMinBytes: 100 * 1e6,
    dockerHost: '',
    docker: true,
    workers: 0,
  };
}
