// The last scan of each workspace, persisted so the sidebar shows something the moment the
// extension activates. A JSON file per workspace under the extension's global storage, not
// globalState: a model can be megabytes, and globalState is loaded for every window at startup.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeJsonSliced } from '../core/jsonSliced';
import { safeReadText } from '../core/safeRead';
import type { ScanModel } from '../core/model';

const FORMAT_VERSION = 1;

interface StoredScan {
  version: number;
  workspaceKey: string;
  savedAt: number;
  model: ScanModel;
}

export class ScanStore {
  private writing: Promise<void> = Promise.resolve();

  /** `dir`: the extension's globalStorageUri path; `key()`: identifies the workspace (its folders), asked each time as folders can change. */
  constructor(
    private readonly dir: string,
    private readonly key: () => string,
  ) {}

  get workspaceKey(): string {
    return this.key();
  }

  get file(): string {
    const hash = crypto.createHash('sha256').update(this.workspaceKey).digest('hex').slice(0, 24);
    return path.join(this.dir, 'scans', `${hash}.json`);
  }

  /** The stored model, or undefined when there is none or it cannot be read (a broken file is not an error for the user). */
  async load(): Promise<ScanModel | undefined> {
    let text: string;
    try {
      // The editor's own state file, still read like any file: a FIFO or /dev/zero link there must not hang activation.
      text = await safeReadText(this.file, { maxBytes: MAX_STORED_SCAN_BYTES });
    } catch {
      return undefined;
    }
    try {
      const stored = JSON.parse(text) as StoredScan;
      if (stored.version !== FORMAT_VERSION || stored.workspaceKey !== this.workspaceKey) return undefined;
      if (!stored.model || !Array.isArray(stored.model.categories) || typeof stored.model.scannedAt !== 'number') return undefined;
      return stored.model;
    } catch {
      return undefined;
    }
  }

  /** Writes atomically (temp file + rename), one write at a time. */
  save(model: ScanModel): Promise<void> {
    const workspaceKey = this.workspaceKey;
    const file = this.file;
    const next = this.writing.then(async () => {
      const stored: StoredScan = { version: FORMAT_VERSION, workspaceKey, savedAt: Date.now(), model };
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      // Written in time slices: one JSON.stringify of a big scan's model holds the editor ~130 ms.
      await writeJsonSliced(tmp, stored);
      await fs.promises.rename(tmp, file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}

/** A stored scan is a few MB even for big machines; far past that it is not ours. */
const MAX_STORED_SCAN_BYTES = 512 * 1024 * 1024;

/** A key for the set of folders open in this window (order-insensitive); '' for a window without folders. */
export function workspaceKeyOf(folderPaths: string[], workspaceFile?: string): string {
  if (workspaceFile) return `workspace:${workspaceFile}`;
  return [...folderPaths].sort().join('\n');
}
