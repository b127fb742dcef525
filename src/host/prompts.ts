// The questions the extension asks and the warnings it raises, behind small interfaces so the
// integration tests (in the real extension host) can answer them; the defaults are VS Code's
// modal dialog and notification.
import * as vscode from 'vscode';
import { displayLines, displayText } from '../core/displayText';

export type ConfirmKind =
  /** The one modal confirmation of a deletion (consequence + exact bytes). */
  | 'delete'
  /** The extra confirmation a plan asks for (plan.needsSecondConfirmation, e.g. an in-progress run). */
  | 'second'
  /** Trash mode, the trash refused: delete permanently instead? */
  | 'trash-fallback'
  /** Widen the selection to what it depends on (e.g. an image's stopped containers)? Declining leaves those parts out. */
  | 'include';

export interface ConfirmRequest {
  kind: ConfirmKind;
  /** The dialog's message (first line). */
  message: string;
  /** The dialog's detail text (targets, warnings). */
  detail: string;
  /** The label of the button that goes ahead, e.g. "Delete Permanently". */
  confirmLabel: string;
  /** The exact bytes the action frees, as stated in the message. */
  bytes: number;
}

export interface Confirmer {
  /** True only when the user chose `confirmLabel`. */
  confirm(request: ConfirmRequest): Promise<boolean>;
}

export const modalConfirmer: Confirmer = {
  async confirm(request) {
    // Names in the message and detail come from the disk or the engine: escaped line by line (displayText.ts).
    const choice = await vscode.window.showWarningMessage(displayText(request.message), { modal: true, detail: displayLines(request.detail.split('\n')) }, request.confirmLabel);
    return choice === request.confirmLabel;
  },
};

export interface Notifier {
  /** A non-modal warning with buttons; resolves with the chosen button or undefined when dismissed. */
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  /** A non-modal information message with buttons. */
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  /** A non-modal error message with buttons: the disk is (almost) full, act now. */
  error(message: string, ...actions: string[]): Promise<string | undefined>;
}

export const windowNotifier: Notifier = {
  warn: (message, ...actions) => Promise.resolve(vscode.window.showWarningMessage(displayText(message), ...actions)),
  info: (message, ...actions) => Promise.resolve(vscode.window.showInformationMessage(displayText(message), ...actions)),
  error: (message, ...actions) => Promise.resolve(vscode.window.showErrorMessage(displayText(message), ...actions)),
};

/** The prompts in use; tests swap them through the extension's API and put the defaults back after. */
export class Prompts {
  confirmer: Confirmer = modalConfirmer;
  notifier: Notifier = windowNotifier;

  set(overrides: { confirmer?: Confirmer; notifier?: Notifier } | undefined): void {
    this.confirmer = overrides?.confirmer ?? modalConfirmer;
    this.notifier = overrides?.notifier ?? windowNotifier;
  }
}
