// The status bar's free-space history (core/headroom/growth.ts), kept in memory and saved to the
// extension's global storage off the refresh path: a save is scheduled, never awaited by a
// refresh, at most one runs at a time, and it first merges what another window saved meanwhile.
// A corrupt or hostile file is logged once and replaced by a fresh history (growthFile.ts).
import { type GrowthPoint } from '../../core/headroom/growth';
import {
  GROWTH_FILE_NAME, loadGrowthFile, mergeHistories, saveGrowthFile, withReading,
  type GrowthHistory, type Reading, type VolumeHistory,
} from '../../core/headroom/growthFile';
import * as path from 'path';
import { readErrorCode } from '../../core/safeRead';

/** Where problems go (the extension's log); an interface so this file needs no `vscode` and is unit-tested. */
export interface ProblemLog {
  warn(message: string): void;
}

export class GrowthRecorder {
  private history?: GrowthHistory;
  private loading?: Promise<GrowthHistory>;
  private saveTimer?: NodeJS.Timeout;
  private saving?: Promise<void>;
  private dirty = false;
  private lastProblem?: string;

  constructor(
    private readonly storageDir: string,
    private readonly log: ProblemLog,
    /** Quiet time before a save, so readings close together are written once. */
    private readonly saveDelayMs = 2_000,
  ) {}

  get file(): string {
    return path.join(this.storageDir, GROWTH_FILE_NAME);
  }

  /** Adds a reading and returns the volume's history; the file is written later. */
  async add(reading: Reading): Promise<VolumeHistory> {
    const history = await this.load();
    const volume = withReading(history, reading);
    this.dirty = true;
    this.scheduleSave();
    return volume;
  }

  points(key: string): GrowthPoint[] {
    return this.history?.get(key)?.points ?? [];
  }

  /** Writes now if anything is unsaved (deactivation, tests). */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saving;
    if (this.dirty) await this.save();
  }

  dispose(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    if (this.dirty) void this.save();
  }

  private load(): Promise<GrowthHistory> {
    if (this.history) return Promise.resolve(this.history);
    this.loading ??= loadGrowthFile(this.file).then((loaded) => {
      this.report(loaded.problem);
      this.history = loaded.history;
      return loaded.history;
    });
    return this.loading;
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, this.saveDelayMs);
  }

  private save(): Promise<void> {
    if (this.saving) {
      // One at a time: the next save starts when this one ends.
      this.scheduleSave();
      return this.saving;
    }
    this.saving = (async () => {
      const history = this.history;
      if (!history) return;
      this.dirty = false;
      // Another window of the same user writes the same file: keep its points too.
      const onDisk = await loadGrowthFile(this.file);
      mergeHistories(history, onDisk.history);
      try {
        await saveGrowthFile(this.file, history);
        this.report(undefined);
      } catch (err) {
        // The errno, not the message: it names a fresh temporary file each time, and the same problem is logged once.
        this.report(`cannot save the free-space history to ${this.file} (${readErrorCode(err)})`);
      }
    })().finally(() => (this.saving = undefined));
    return this.saving;
  }

  private report(problem: string | undefined): void {
    if (problem && problem !== this.lastProblem) this.log.warn(problem);
    this.lastProblem = problem;
  }
}
