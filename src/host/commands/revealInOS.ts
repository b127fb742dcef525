// Reveal in File Manager — VS Code's revealFileInOS on the item's path.
import * as vscode from 'vscode';
import type { CommandSpec } from '../services';
import { pathsOf } from './pathsOf';

export const revealInOSCommand: CommandSpec = {
  id: 'mlDiskSpace.revealInOS',
  async run(s, clicked, selection) {
    const [first] = pathsOf(s, clicked, selection);
    if (first) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(first));
  },
};
