// ML Disk Space: Show Memory and OOM Kills — the `ml-disk-space memory` report in an editor tab
// (RAM, swap, /dev/shm and its leftovers, Python processes with their OOM scores, the OOM killer's
// kills of the last 24 h), plus a warning that names the newest kill. Reads only.
import * as vscode from 'vscode';
import { explainKill, memoryReport, memoryText } from '../../core/headroom/memory';
import type { CommandSpec } from '../services';

export const showMemoryCommand: CommandSpec = {
  id: 'mlDiskSpace.showMemory',
  run: async (s) => {
    const report = await memoryReport({ env: process.env });
    const doc = await vscode.workspace.openTextDocument({ content: memoryText(report), language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: true });
    const newest = report.kills[report.kills.length - 1];
    if (newest) {
      s.log.info(`OOM kills in the last 24 h: ${report.kills.length}; newest: ${explainKill(newest)}`);
      void vscode.window.showWarningMessage(explainKill(newest));
    }
    return report;
  },
};
