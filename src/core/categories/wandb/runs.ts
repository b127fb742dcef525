// What a wandb run folder is and whether its data exists anywhere else. wandb names run folders
// `run-<YYYYMMDD_HHMMSS>-<run id>` (online) and `offline-run-<…>-<run id>` (WANDB_MODE=offline);
// each holds `run-<id>.wandb`, the run's binary log, next to files/ (config, summary, media) and
// logs/. `wandb sync` uploads an offline run from that log and then writes `<log>.synced` beside it
// (wandb/sync/sync.py: SYNCED_SUFFIX); `wandb sync` itself treats online runs as synced (they were
// uploaded while running). An offline run without the marker is the only copy of its logs.
import * as fs from 'fs';

export const RUN_FOLDER_RE = /^(offline-)?run-(\d{8}_\d{6})-(.+)$/;
const LOG_SUFFIX = '.wandb';
const SYNCED_SUFFIX = '.synced';

export type SyncState = 'online' | 'synced' | 'not-synced';

export interface RunName {
  offline: boolean;
  /** `YYYY-MM-DD HH:MM:SS` from the folder name (local time of the machine that ran it). */
  started: string;
  runId: string;
}

export function parseRunFolderName(name: string): RunName | undefined {
  const m = RUN_FOLDER_RE.exec(name);
  if (!m) return undefined;
  const d = m[2];
  const started = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}`;
  return { offline: !!m[1], started, runId: m[3] };
}

/**
 * The sync state from the names in a run folder. An offline run counts as synced only when every
 * `.wandb` log in it has its `.synced` marker; one with no log at all cannot be synced and is kept
 * as "not synced" too (its files are still the only copy).
 */
export function syncStateOf(offline: boolean, names: readonly string[]): { state: SyncState; logs: number } {
  const logs = names.filter((n) => n.endsWith(LOG_SUFFIX));
  if (!offline) return { state: 'online', logs: logs.length };
  const synced = logs.length > 0 && logs.every((l) => names.includes(l + SYNCED_SUFFIX));
  return { state: synced ? 'synced' : 'not-synced', logs: logs.length };
}

/** The sync state as the run folder is now (plans re-check it: a run may have been synced since the scan). */
export async function syncStateNow(runDir: string, offline: boolean): Promise<SyncState> {
  try {
    return syncStateOf(offline, await fs.promises.readdir(runDir)).state;
  } catch {
    // Unreadable: never treat it as safe to delete in bulk.
    return offline ? 'not-synced' : 'online';
  }
}
