// "Is this folder in use?" for the VS Code Server category, asked by the scan and again by every
// plan: the build this extension runs in (the host passes vscode.env.appRoot), the `code` CLI of
// that build, and anything a running process uses (inUse.ts).
import * as path from 'path';
import { t } from '../../l10n';
import { isSameOrInside } from '../../safety/pathGuards';
import { processUsing, readProcessUses, type ProcessUse } from './inUse';
import { currentAppRoot } from './roots';

export interface InUseFacts {
  appRoot?: string;
  /** The commit of the build this extension runs in (a 40-hex part of appRoot). */
  currentCommit?: string;
  uses: ProcessUse[];
}

export async function readInUseFacts(env: Record<string, string | undefined>): Promise<InUseFacts> {
  const appRoot = await currentAppRoot(env);
  const currentCommit = appRoot?.split(path.sep).map((part) => /([0-9a-f]{40})$/.exec(part)?.[1]).find(Boolean);
  return { appRoot, currentCommit, uses: await readProcessUses() };
}

/** Why `p` must stay (in words), or undefined when nothing uses it. `commit`: the build's, for its CLI. */
export function inUseReason(p: string, facts: InUseFacts, commit?: string): string | undefined {
  if (facts.appRoot && isSameOrInside(facts.appRoot, p)) return t('this window runs on it');
  if (commit && facts.currentCommit === commit && path.basename(p) === `code-${commit}`) return t('the launcher of the build this window runs on');
  const proc = processUsing(p, facts.uses);
  return proc ? t('in use by {0} (pid {1})', proc.name, proc.pid) : undefined;
}
