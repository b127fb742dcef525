// The "ML Disk Space" output channel: what each scan and each deletion did, with timestamps
// (a LogOutputChannel adds them). `ML Disk Space: Show Log` opens it.
import * as vscode from 'vscode';
import { displayText } from '../core/displayText';

export const LOG_CHANNEL_NAME = 'ML Disk Space';

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  /** The last lines, so tests and the API can read what was logged (the channel cannot be read back). */
  private readonly recent: string[] = [];

  constructor() {
    this.channel = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  }

  // Every line is escaped: a name holding a newline or ESC cannot forge log lines (displayText.ts).
  info(message: string): void {
    message = displayText(message);
    this.remember(message);
    this.channel.info(message);
  }

  warn(message: string): void {
    message = displayText(message);
    this.remember(`warning: ${message}`);
    this.channel.warn(message);
  }

  error(message: string, err?: unknown): void {
    const text = displayText(err === undefined ? message : `${message}: ${errorText(err)}`);
    this.remember(`error: ${text}`);
    this.channel.error(text);
  }

  show(): void {
    this.channel.show(true);
  }

  lines(): string[] {
    return [...this.recent];
  }

  dispose(): void {
    this.channel.dispose();
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > 2000) this.recent.splice(0, this.recent.length - 2000);
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** An error the user was already told about (the command wrapper does not show it again). */
export class ReportedError extends Error {
  constructor(readonly cause: unknown) {
    super(errorText(cause));
  }
}
