// The background memory warning (core/headroom/memoryWatch.ts) in the editor: while a training run
// is active, one warning when available memory falls under mlDiskSpace.memory.warnBelowPercentAvailable,
// with "Show Memory" opening the memory report (Show Memory and OOM Kills).
import * as vscode from 'vscode';
import { activeRunText, MemoryWatch, readMeminfo } from '../core/headroom/memoryWatch';
import type { HostFeature } from './services';

export const memoryWatchFeature: HostFeature = (s) => {
  const watch = new MemoryWatch({
    activeRun: () => activeRunText(s.scans.model),
    readMemory: () => readMeminfo(),
    warnBelowPercent: () => s.config().memoryWarnBelowPercent,
    warn: (message) => {
      s.log.warn(`Memory: ${message}`);
      const showMemory = vscode.l10n.t('Show Memory');
      void s.prompts.notifier.warn(message, showMemory).then((choice) => {
        if (choice === showMemory) void vscode.commands.executeCommand('mlDiskSpace.showMemory');
      });
    },
    problem: (message) => s.log.warn(message),
  });
  watch.start();
  return [
    { dispose: () => watch.stop() },
    // A scan that finds a run in progress starts the watch at once, not at the next check.
    s.scans.onDidChangeModel(() => void watch.check()),
  ];
};
