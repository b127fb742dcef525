// Runs a Node script as an unprivileged user. CI runs as root, and root ignores file permissions,
// so a permission test run as root proves nothing: this fails loudly when it cannot drop
// privileges, and checks in the child that it really did.
import * as assert from 'assert';
import { spawnSync } from 'child_process';

export const UNPRIVILEGED_UID = 65534; // nobody
export const UNPRIVILEGED_GID = 65534; // nogroup

/** Runs `node script ...args` as nobody; returns its stdout parsed as JSON (the script prints one JSON object with `uid`). */
export function runNodeAsNobody<T extends { uid: number }>(script: string, args: string[], timeoutMs = 60_000): T {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot
    ? ['setpriv', `--reuid=${UNPRIVILEGED_UID}`, `--regid=${UNPRIVILEGED_GID}`, '--clear-groups', process.execPath, script, ...args]
    : [process.execPath, script, ...args];
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw new Error(`cannot run as an unprivileged user (${command[0]}): ${result.error.message}`);
  assert.strictEqual(result.status, 0, `unprivileged child failed (exit ${result.status}):\n${result.stderr}`);
  const out = JSON.parse(result.stdout) as T;
  assert.notStrictEqual(out.uid, 0, 'the child still ran as root: a permission test would prove nothing');
  return out;
}
