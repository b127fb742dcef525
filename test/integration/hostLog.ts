// Output from inside the extension host that should reach the runner's stdout. The workbench
// forwards the host's console as untagged log lines mixed with its own (and VS Code locks the
// console methods, so they cannot be wrapped); lines prefixed with MLDS_CONSOLE_TAG (set by our
// code-server runner) are the ones the runner streams. Without the variable (test-electron) the
// lines print plainly.
import * as util from 'util';

export const CONSOLE_TAG_VAR = 'MLDS_CONSOLE_TAG';
/** The tag our runner sets. */
export const CONSOLE_TAG = '[mlds-host] ';
/** Printed by index.ts once at the end, so the runner counts tests without parsing the reporter's prose. */
export const RESULT_MARKER = 'MLDS_MOCHA_RESULT';

export function hostLog(...args: unknown[]): void {
  const text = util.format(...args);
  const tag = process.env[CONSOLE_TAG_VAR];
  console.log(tag ? text.split('\n').map((line) => tag + line).join('\n') : text);
}
