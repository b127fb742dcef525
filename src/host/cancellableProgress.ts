// The one progress notification every destructive flow shows (measuring a plan, deleting,
// engine removals): a title, messages as it goes, and a Cancel button that aborts the work's
// AbortSignal. Callers that must tell "cancelled" from "finished" pass their own controller.
import * as vscode from 'vscode';
import { displayText } from '../core/displayText';

/** Reports a message and, optionally, how much of 100 % this step advanced. */
export type ProgressReport = (message: string, increment?: number) => void;

export function withCancellableProgress<T>(
  title: string,
  task: (signal: AbortSignal, report: ProgressReport) => PromiseLike<T>,
  controller: AbortController = new AbortController(),
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: displayText(title), cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      return task(controller.signal, (message, increment) => progress.report({ message, increment }));
    },
  );
}
