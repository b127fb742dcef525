// Names come from the disk and the Docker engine, and any of them may hold control characters: a
// run folder named "x\r   kept checkpoint-9 (best)\x1b[K" would, printed raw, overwrite the line a
// terminal shows, making a checkpoint that will be deleted look kept. Bidi overrides (U+202E...)
// reorder what an editor shows the same way. So every name, path, label and engine message goes
// through displayText() before it reaches a human (CLI text, tree labels, tooltips, dialogs,
// notifications, the log): C0 controls, DEL, C1 controls and the bidi controls become visible
// escapes (\n, \r, \t, \x1b, \u202e), everything else is kept. JSON output keeps raw values.

/** C0 (U+0000–U+001F), DEL (U+007F), C1 (U+0080–U+009F), bidi embeddings/overrides/isolates and marks. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control and bidi character made visible; unchanged when it has none. */
export function displayText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** True when `text` holds a character displayText would escape. */
export function hasUnsafeDisplayChars(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * Multi-line text made of trusted line breaks and untrusted parts: each line is escaped on its
 * own, so the line structure stays and nothing inside a line can break it.
 */
export function displayLines(lines: readonly string[]): string {
  return lines.map(displayText).join('\n');
}

/** A quick-pick entry with its label, description and detail escaped (other fields kept). */
export function displayPick<T extends { label: string; description?: string; detail?: string }>(pick: T): T {
  return {
    ...pick,
    label: displayText(pick.label),
    ...(pick.description !== undefined ? { description: displayText(pick.description) } : {}),
    ...(pick.detail !== undefined ? { detail: displayText(pick.detail) } : {}),
  };
}
