// What the extension asks and shows, recorded inside the extension host: the tests answer the
// modal confirmations (ConfirmRequest) and notifications through the extension's API, and drive
// VS Code's real quick pick with workbench commands.
import { execFileSync } from 'child_process';
import * as vscode from 'vscode';
import { formatBytes } from '../../src/core/format';
import type { MlDiskSpaceApi } from '../../src/host/api';
import type { Item, ScanModel } from '../../src/core/model';
import type { ConfirmRequest, Notifier } from '../../src/host/prompts';
import { EXTENSION_ID } from '../support/extensionId';
export { EXTENSION_ID } from '../support/extensionId';


export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Our extension, activated: its test API. */
export async function activatedApi(): Promise<MlDiskSpaceApi> {
  const ext = vscode.extensions.getExtension<MlDiskSpaceApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed; installed: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
  return ext.activate();
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Records confirmations (answered by `answer`) and notifications (answered by `choose`). */
export class Recorder {
  readonly confirms: ConfirmRequest[] = [];
  readonly messages: { level: 'warn' | 'info' | 'error'; text: string; actions: string[] }[] = [];
  constructor(
    public answer: (r: ConfirmRequest) => boolean,
    public choose: (text: string, actions: string[]) => string | undefined = () => undefined,
  ) {}

  install(api: MlDiskSpaceApi): this {
    const notifier: Notifier = {
      warn: async (text, ...actions) => {
        this.messages.push({ level: 'warn', text, actions });
        return this.choose(text, actions);
      },
      info: async (text, ...actions) => {
        this.messages.push({ level: 'info', text, actions });
        return this.choose(text, actions);
      },
      error: async (text, ...actions) => {
        this.messages.push({ level: 'error', text, actions });
        return this.choose(text, actions);
      },
    };
    api.setPrompts({ confirmer: { confirm: async (r) => (this.confirms.push(r), this.answer(r)) }, notifier });
    return this;
  }
}

/**
 * Runs `command` and answers the real quick pick it opens (VS Code's workbench, not a fake): waits
 * until the extension logged `marker` (it logs right before showing the pick), then runs the
 * workbench `keys` (e.g. workbench.action.acceptSelectedQuickOpenItem) every 300 ms until
 * `answered()` or the command finished. Accepting before the pick has items does nothing.
 */
export async function answerQuickPick<T>(api: MlDiskSpaceApi, command: () => Thenable<T>, marker: string, keys: string[], answered: () => boolean): Promise<T> {
  const count = () => api.logLines().filter((l) => l.includes(marker)).length;
  const before = count();
  let done = false;
  const pending = Promise.resolve(command()).finally(() => (done = true));
  pending.catch(() => undefined); // awaited below
  await waitFor(`the quick pick ("${marker}" in the log)`, () => done || count() > before, 30_000);
  const deadline = Date.now() + 20_000;
  while (!done && !answered()) {
    if (Date.now() > deadline) throw new Error(`the quick pick did not take ${keys.join(', ')} within 20 s`);
    for (const key of keys) await vscode.commands.executeCommand(key);
    await sleep(300);
  }
  return pending;
}

/** The item at path `p` anywhere in the model (or in one category), or undefined. */
export function findByPath(categoryId: string | undefined, model: ScanModel, p: string): Item | undefined {
  const stack = model.categories.filter((c) => !categoryId || c.id === categoryId).flatMap((c) => c.items);
  while (stack.length) {
    const item = stack.pop()!;
    if (item.path === p) return item;
    stack.push(...(item.children ?? []));
  }
  return undefined;
}

/**
 * The summary after a deletion names what went, the bytes freed and the volume after:
 * "Deleted a and b from run: 12 MB freed — /mnt now 3.1 GB free." The names must all be there;
 * the mount point is df's for `dir`; Show Log and Reveal are offered.
 */
export function assertDeletionSummary(messages: { level: string; text: string; actions?: string[] }[], bytes: number, names: string[], dir: string): void {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^Deleted (.+): ${esc(formatBytes(bytes))} freed — (.+) now (.+) free\\.$`);
  const m = messages.find((x) => x.level === 'info' && re.test(x.text));
  if (!m) throw new Error(`no deletion summary for ${formatBytes(bytes)} among ${JSON.stringify(messages)}`);
  const [, what, mount] = re.exec(m.text)!;
  for (const n of names) if (!what.includes(n)) throw new Error(`the summary "${m.text}" does not name ${n}`);
  const dfMount = execFileSync('df', ['--output=target', dir], { encoding: 'utf8' }).trim().split('\n').pop()!.trim();
  if (mount !== dfMount) throw new Error(`the summary names ${mount}, df says ${dir} is on ${dfMount}`);
  if (m.actions && !(m.actions.includes('Show Log') && m.actions.includes('Reveal'))) throw new Error(`the summary offers ${JSON.stringify(m.actions)}`);
}
