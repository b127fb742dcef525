// Show What Uses Space — the free-space item's click at warning or critical, and the button of the
// low-disk toasts: show the view and scan now (the disk changed since any earlier scan). Not in
// the palette: Scan does the same there.
import * as vscode from 'vscode';
import type { ScanModel } from '../../core/model';
import { REFRESH } from '../refreshTriggers';
import type { CommandSpec } from '../services';

export const showWhatUsesSpaceCommand: CommandSpec = {
  id: 'mlDiskSpace.showWhatUsesSpace',
  async run(s): Promise<ScanModel> {
    await vscode.commands.executeCommand('mlDiskSpace.items.focus');
    return s.scans.scan({ reason: REFRESH.showWhatUsesSpace, notify: true });
  },
};
