// Reveal in Explorer View — VS Code's Explorer only shows workspace folders; for anything else
// offer the OS file manager instead.
import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandSpec } from '../services';
import { pathsOf } from './pathsOf';
import { displayText } from '../../core/displayText';

export const revealInExplorerCommand: CommandSpec = {
  id: 'mlDiskSpace.revealInExplorer',
  async run(s, clicked, selection) {
    const [first] = pathsOf(s, clicked, selection);
    if (!first) return false;
    const uri = vscode.Uri.file(first);
    const inWorkspace = s.workspaceRoots().some((r) => first === r || first.startsWith(r + path.sep));
    if (inWorkspace) {
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return true;
    }
    const choice = await vscode.window.showInformationMessage(displayText(vscode.l10n.t('{0} is outside the workspace folders, so the Explorer view cannot show it.', first)), vscode.l10n.t('Reveal in File Manager'), vscode.l10n.t('Copy Path'));
    if (choice === vscode.l10n.t('Reveal in File Manager')) await vscode.commands.executeCommand('revealFileInOS', uri);
    if (choice === vscode.l10n.t('Copy Path')) await vscode.env.clipboard.writeText(first);
    return false;
  },
};
