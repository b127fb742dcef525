// The core's strings (category labels, plan titles, reasons) are translated by VS Code with the
// extension's bundle (package.json "l10n": "./l10n"), like the host's own vscode.l10n.t calls.
import * as vscode from 'vscode';
import { setTranslator } from '../core/l10n';

export function installHostTranslation(): vscode.Disposable {
  setTranslator((message, args) => vscode.l10n.t(message, ...(args as (string | number | boolean)[])));
  return { dispose: () => setTranslator(undefined) };
}
