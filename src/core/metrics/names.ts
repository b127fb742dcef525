// Every metric `ml-disk-space metrics` writes: names, labels and help text are a public contract
// (dashboards and alert rules depend on them), listed in docs/METRICS.md. Add, never rename.

export interface MetricSpec {
  name: string;
  labels: string[];
  help: string;
}

const spec = (name: string, labels: string[], help: string): MetricSpec => ({ name, labels, help });

export const METRICS = {
  categoryBytes: spec('ml_disk_space_category_bytes', ['category', 'volume'],
    'Disk usage of a category on a volume (st_blocks x 512, hard links counted once; Docker: the engine\'s own sizes, volume "").'),
  categoryReclaimableBytes: spec('ml_disk_space_category_reclaimable_bytes', ['category', 'volume'],
    'Bytes a full cleanup of the category could free (volume "" when they lie on several volumes or on none).'),
  categoryError: spec('ml_disk_space_category_error', ['category'],
    '1 when the category could not be scanned (its bytes are then not exported), else 0.'),
  volumeFreeBytes: spec('ml_disk_space_volume_free_bytes', ['volume'],
    'Bytes an unprivileged user can still write on the volume (statfs f_bavail x f_bsize, like df Avail).'),
  volumeSizeBytes: spec('ml_disk_space_volume_size_bytes', ['volume'],
    'Size of the volume (statfs f_blocks x f_bsize).'),
  volumeLimitFreeBytes: spec('ml_disk_space_volume_limit_free_bytes', ['volume', 'kind'],
    'Free bytes under a quota on the volume (kind: user-quota, group-quota, project-quota), where one is set.'),
  runCheckpointBytes: spec('ml_disk_space_run_checkpoint_bytes', ['run'],
    'Disk usage of a training run\'s checkpoints (run = its folder).'),
  runForecastNeededBytes: spec('ml_disk_space_run_forecast_needed_bytes', ['run'],
    'Bytes the run still needs to save its remaining checkpoints (no rotation assumed: an upper bound).'),
  runFits: spec('ml_disk_space_run_fits', ['run'],
    '1 when the run\'s remaining checkpoints fit in the free space of its volume, 0 when they do not.'),
  runs: spec('ml_disk_space_runs', [],
    'Training runs found; only the top runs (--top-runs) have ml_disk_space_run_* series.'),
  scanDurationSeconds: spec('ml_disk_space_scan_duration_seconds', [],
    'How long the scan took.'),
  scanTimestampSeconds: spec('ml_disk_space_scan_timestamp_seconds', [],
    'When the scan finished (Unix time).'),
  scanErrors: spec('ml_disk_space_scan_errors', [],
    'Problems the scan reported (unreadable folders, corrupt caches, categories that could not be scanned).'),
} as const;

export type MetricKey = keyof typeof METRICS;
