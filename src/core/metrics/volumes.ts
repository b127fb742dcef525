// The volumes of the metrics: the mount point (core/volumeResolver.ts) is the `volume` label, the
// same string node_exporter puts in `mountpoint`, so the two can be joined in a query; and the
// limits that bind before a volume is full.
import { volumeWithQuotas } from '../volume';

export { createVolumeResolver, longestMountPrefix, type VolumeResolver, type VolumeStats } from '../volumeResolver';

/** A limit that binds before the volume is full (a quota, the inode count, ...). */
export interface VolumeLimit {
  /** What limits: 'quota', 'inodes', ... (the `kind` label). */
  kind: string;
  freeBytes: number;
}

/** Where volume limits come from (the CLI: the user's, group's and project's byte quotas). */
export type VolumeLimitSource = (volume: string) => Promise<VolumeLimit[]>;
export const noVolumeLimits: VolumeLimitSource = async () => [];

/**
 * The byte quotas on a volume (headroom/quotaRead.ts). The file system's own free bytes are
 * ml_disk_space_volume_free_bytes already, and inode limits count inodes, not bytes.
 */
export const quotaVolumeLimits: VolumeLimitSource = async (volume) =>
  (await volumeWithQuotas(volume)).limits!
    .filter((l) => l.kind !== 'filesystem' && l.kind !== 'inodes' && l.freeBytes !== undefined)
    .map((l) => ({ kind: l.kind, freeBytes: l.freeBytes! }));

