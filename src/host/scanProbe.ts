// Test-only (ExtensionMode.Test, never contributed): records when the scan service started and
// stopped scanning and when it reported progress, so bench/editor.mjs can measure, inside the real
// extension host, the gaps between progress updates and how long a cancelled scan takes to settle.
// The bench's code runs in the same extension host but loads its own copy of the modules, so it
// reaches this activation's scan service through a command.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import type { HostFeature } from './services';

export const SCAN_PROBE_COMMAND = 'mlDiskSpace.test.scanProbe';

/** Times are performance.now() of the extension host's main thread (the bench's clock too). */
export interface ScanProbeRecord {
  scanning: { at: number; scanning: boolean }[];
  progress: { at: number; message: string; files?: number }[];
}

/** A 1M-file scan reports a few hundred times; the cap only guards against a runaway. */
const MAX_EVENTS = 100_000;

export const scanProbeFeature: HostFeature = (s) => {
  if (s.context.extensionMode !== vscode.ExtensionMode.Test) return;
  let record: ScanProbeRecord = { scanning: [], progress: [] };
  return [
    s.scans.onDidChangeScanning((scanning) => {
      if (record.scanning.length < MAX_EVENTS) record.scanning.push({ at: performance.now(), scanning });
    }),
    s.scans.onDidProgress((e) => {
      if (record.progress.length < MAX_EVENTS) record.progress.push({ at: performance.now(), message: e.message, files: e.walk?.files });
    }),
    // Returns what was recorded since the last reset; `reset` starts a new record.
    vscode.commands.registerCommand(SCAN_PROBE_COMMAND, (reset?: boolean) => {
      const out = record;
      if (reset) record = { scanning: [], progress: [] };
      return out;
    }),
  ];
};
