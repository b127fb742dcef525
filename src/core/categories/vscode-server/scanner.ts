// The "VS Code Server" category: what the remote server and its cousins leave behind on the
// machine they run on (discover.ts lists it). Each install folder is one row with groups below:
// server builds (oldest first; the one this window runs on and any a process uses are shown as in
// use and never offered), superseded extension versions, downloaded extension packages, logs of
// old sessions and the storage of workspaces whose folder is gone; the rest is "Other".
// Sizes come from the scan's shared walker: the offered folders are walked first, then the install
// folder without them, so every byte is counted once.
import * as path from 'path';
import { formatAge, formatBytes, formatCount } from '../../format';
import { t } from '../../l10n';
import type { Category, Item } from '../../model';
import { ALL_CHILDREN, reportWalkErrors, totals } from '../../scan/walkHelpers';
import type { ScanContext } from '../../scan/types';
import { nodeToItem } from '../../walker/toItems';
import type { WalkNode } from '../../walker/types';
import { discoverInstall, type InstallFindings } from './discover';
import { inUseReason, readInUseFacts, type InUseFacts } from './inUseCheck';
import { serverFolders } from './roots';

export const VSCODE_SERVER_CATEGORY_ID = 'vscode-server';
export const VSCODE_SERVER_CLEAN_ID = `${VSCODE_SERVER_CATEGORY_ID}:clean`;
export const VSCODE_SERVER_LABEL = 'VS Code Server';

export const KIND = {
  install: 'vscode-server-install',
  builds: 'vscode-server-builds',
  build: 'vscode-server-build',
  cli: 'vscode-server-cli',
  extensions: 'vscode-server-extensions',
  extension: 'vscode-server-extension',
  vsixCache: 'vscode-server-vsix-cache',
  vsix: 'vscode-server-vsix',
  logs: 'vscode-server-logs',
  log: 'vscode-server-log',
  storages: 'vscode-server-workspace-storages',
  storage: 'vscode-server-workspace-storage',
  other: 'vscode-server-other',
} as const;

/** Leaf kinds a plan deletes (groups and the install row stand for their reclaimable leaves). */
export const LEAF_KINDS: ReadonlySet<string> = new Set([KIND.build, KIND.cli, KIND.extension, KIND.vsix, KIND.log, KIND.storage]);

export const vscodeServerItemId = (kind: string, p: string) => `${VSCODE_SERVER_CATEGORY_ID}:${kind.replace(/^vscode-server-/, '')}:${p}`;

/** A folder the scan will walk and show as one row. */
interface Leaf {
  path: string;
  kind: string;
  group: 'builds' | 'extensions' | 'vsix' | 'logs' | 'storages';
  label: string;
  description?: string;
  /** Why it stays (in use); undefined when it is offered. */
  inUse?: string;
  fields: Record<string, unknown>;
}

function short(commit: string): string {
  return commit.slice(0, 7);
}

function leavesOf(found: InstallFindings, facts: InUseFacts): Leaf[] {
  const leaves: Leaf[] = [];
  for (const b of found.builds) {
    const where = b.layout === 'bin' ? 'bin/' : b.layout === 'cli-servers' ? 'cli/servers/' : '';
    const label = b.type === 'cli'
      ? t('code CLI {0}', short(b.commit))
      : b.version ? t('Server {0} ({1})', b.version, short(b.commit)) : t('Server {0}', short(b.commit));
    leaves.push({
      path: b.path, kind: b.type === 'cli' ? KIND.cli : KIND.build, group: 'builds', label,
      description: where, inUse: inUseReason(b.path, facts, b.commit),
      fields: { commit: b.commit, layout: b.layout, ...(b.version ? { version: b.version } : {}) },
    });
  }
  for (const e of found.extensions) {
    leaves.push({
      path: e.path, kind: KIND.extension, group: 'extensions', label: e.folder,
      description: e.reason === 'replaced' ? t('replaced by {0}', e.currentVersion) : t('uninstalled (listed in .obsolete)'),
      inUse: inUseReason(e.path, facts),
      fields: { extensionId: e.id, version: e.version, supersededBecause: e.reason, ...(e.currentVersion ? { currentVersion: e.currentVersion } : {}) },
    });
  }
  if (found.vsixCache) {
    leaves.push({ path: found.vsixCache, kind: KIND.vsixCache, group: 'vsix', label: t('Downloaded extension packages'), description: 'CachedExtensionVSIXs/', inUse: inUseReason(found.vsixCache, facts), fields: {} });
  }
  // The newest log folder belongs to the running (or last) server session: never offered. Nor is
  // one a process still writes to.
  const logs = [...found.logs];
  const newestByName = logs[logs.length - 1];
  const newestByTime = logs.reduce<typeof logs[number] | undefined>((a, l) => (!a || l.mtimeMs > a.mtimeMs ? l : a), undefined);
  for (const l of logs) {
    if (l === newestByName || l === newestByTime) continue;
    const inUse = inUseReason(l.path, facts);
    if (inUse) continue;
    leaves.push({ path: l.path, kind: KIND.log, group: 'logs', label: l.name, fields: {} });
  }
  for (const w of found.workspaceStorage) {
    if (w.state !== 'gone') continue;
    const inUse = inUseReason(w.path, facts);
    if (inUse) continue;
    leaves.push({
      path: w.path, kind: KIND.storage, group: 'storages', label: w.target!, description: t('folder no longer exists'),
      fields: { workspaceUri: w.uri, workspaceFolder: w.target },
    });
  }
  return leaves;
}

function leafItem(node: WalkNode, leaf: Leaf, root: string, now: number): Item {
  const offered = !leaf.inUse;
  const it = nodeToItem(node, VSCODE_SERVER_CATEGORY_ID, offered);
  const children = it.children;
  delete it.children;
  it.id = vscodeServerItemId(leaf.kind, leaf.path);
  it.kind = leaf.kind;
  it.label = leaf.label;
  it.fields = { ...it.fields, ...leaf.fields, cacheRoot: root, ...(leaf.inUse ? { inUse: leaf.inUse } : {}) };
  const parts = [leaf.description, leaf.inUse, node.mtimeMs ? t('changed {0}', formatAge(node.mtimeMs, now)) : undefined];
  it.description = parts.filter(Boolean).join(' · ');
  if (leaf.inUse) it.badges = ['in use'];
  if (leaf.kind === KIND.vsixCache) {
    // Each downloaded package is its own row; the plan deletes these, never the folder itself.
    it.children = (children ?? []).map((c) => ({ ...c, id: vscodeServerItemId(KIND.vsix, c.path!), kind: KIND.vsix, children: undefined, fields: { ...c.fields, cacheRoot: root } }));
    it.reclaimable = offered && it.children.length > 0;
  }
  return it;
}

const GROUPS: { key: Leaf['group']; kind: string; label: () => string; noun: string }[] = [
  { key: 'builds', kind: KIND.builds, label: () => t('Server builds'), noun: 'build' },
  { key: 'extensions', kind: KIND.extensions, label: () => t('Old extension versions'), noun: 'version' },
  { key: 'logs', kind: KIND.logs, label: () => t('Logs of old sessions'), noun: 'session' },
  { key: 'storages', kind: KIND.storages, label: () => t('Storage of deleted folders'), noun: 'folder' },
];

function sum(items: Item[], reclaimableOnly: boolean): { bytes: number; apparentBytes: number } {
  const list = reclaimableOnly ? items.filter((i) => i.reclaimable) : items;
  return { bytes: list.reduce((s, i) => s + i.bytes, 0), apparentBytes: list.reduce((s, i) => s + i.apparentBytes, 0) };
}

/** Bytes the category's leaves would free (the VSIX folder row counts its packages). */
export function reclaimableBytesOf(items: Item[]): number {
  let total = 0;
  for (const it of items) {
    if (it.kind === KIND.vsixCache) total += sum(it.children ?? [], true).bytes;
    else if (LEAF_KINDS.has(it.kind)) total += it.reclaimable ? it.bytes : 0;
    else total += reclaimableBytesOf(it.children ?? []);
  }
  return total;
}

async function scanInstall(ctx: ScanContext, root: string, facts: InUseFacts, display: string): Promise<Item> {
  const found = await discoverInstall(root);
  for (const p of found.problems) ctx.warn({ message: p.message, path: p.path, category: VSCODE_SERVER_CATEGORY_ID });
  const leaves = leavesOf(found, facts);
  ctx.progress(t('VS Code Server: {0}', display));
  const walked = leaves.length
    ? await ctx.walker.walk(leaves.map((l) => l.path), { signal: ctx.signal, topN: ALL_CHILDREN, detailDepth: 1, onProgress: (p) => ctx.progress(t('VS Code Server: {0}', display), p) })
    : undefined;
  if (walked) reportWalkErrors(ctx, walked, VSCODE_SERVER_CATEGORY_ID);
  const rest = await ctx.walker.walk([root], {
    signal: ctx.signal, topN: ctx.settings.topN, detailDepth: 1, excludePaths: leaves.map((l) => l.path),
    onProgress: (p) => ctx.progress(t('VS Code Server: {0}', display), p),
  });
  reportWalkErrors(ctx, rest, VSCODE_SERVER_CATEGORY_ID);
  const vanished = new Set((walked?.errors ?? []).filter((e) => e.code === 'ENOENT').map((e) => e.path));
  const byGroup = new Map<Leaf['group'], Item[]>();
  leaves.forEach((leaf, i) => {
    if (vanished.has(leaf.path)) return;
    byGroup.set(leaf.group, [...(byGroup.get(leaf.group) ?? []), leafItem(walked!.roots[i], leaf, root, ctx.now)]);
  });
  const children: Item[] = [];
  for (const g of GROUPS) {
    const items = byGroup.get(g.key);
    if (!items?.length) continue;
    // Builds oldest first (least recently changed: the first to go); the others by name.
    if (g.key === 'builds') items.sort((a, b) => (a.modifiedMs ?? 0) - (b.modifiedMs ?? 0));
    const all = sum(items, false);
    const offered = items.filter((i) => i.reclaimable).length;
    children.push({
      id: vscodeServerItemId(g.kind, root), label: g.label(), kind: g.kind, ...all,
      reclaimable: offered > 0,
      description: offered === items.length ? formatCount(items.length, g.noun) : t('{0} · {1} in use', formatCount(items.length, g.noun), items.length - offered),
      fields: { cacheRoot: root },
      children: items,
    });
  }
  children.push(...(byGroup.get('vsix') ?? []));
  const restNode = rest.roots[0];
  children.push({
    id: vscodeServerItemId(KIND.other, root),
    label: t('Other (installed extensions, settings, current logs)'),
    kind: KIND.other,
    path: root,
    bytes: restNode.bytes,
    apparentBytes: restNode.apparentBytes,
    reclaimable: false,
    fields: { cacheRoot: root },
    children: (restNode.children ?? []).map((c) => nodeToItem(c, VSCODE_SERVER_CATEGORY_ID, false)),
  });
  const total = totals(children);
  const reclaimable = reclaimableBytesOf(children);
  return {
    id: vscodeServerItemId(KIND.install, root),
    label: display,
    kind: KIND.install,
    path: root,
    bytes: total.bytes,
    apparentBytes: total.apparentBytes,
    ...(total.sharedBytes ? { sharedBytes: total.sharedBytes } : {}),
    reclaimable: reclaimable > 0,
    description: reclaimable ? t('{0} reclaimable', formatBytes(reclaimable)) : undefined,
    fields: { cacheRoot: root, reclaimableBytes: reclaimable, ...(facts.appRoot && facts.appRoot.startsWith(root + path.sep) ? { runsThisWindow: true } : {}) },
    children,
  };
}

/** `~/.vscode-server` for folders in HOME, the full path otherwise. */
function displayName(root: string, homeDir: string): string {
  const rel = path.relative(homeDir, root);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel}` : root;
}

export async function scanVscodeServer(ctx: ScanContext): Promise<{ category: Category; claimedPaths: string[] } | undefined> {
  const roots = await serverFolders(ctx.env, ctx.homeDir);
  if (!roots.length) return undefined;
  const label = t(VSCODE_SERVER_LABEL);
  ctx.progress(label);
  const facts = await readInUseFacts(ctx.env);
  const items: Item[] = [];
  for (const root of roots) {
    if (ctx.signal.aborted) break;
    items.push(await scanInstall(ctx, root, facts, displayName(root, ctx.homeDir)));
  }
  const total = totals(items);
  const category: Category = {
    id: VSCODE_SERVER_CATEGORY_ID,
    label,
    bytes: total.bytes,
    apparentBytes: total.apparentBytes,
    reclaimableBytes: reclaimableBytesOf(items),
    items,
    fields: {
      serverFolders: roots,
      reclaimableMeans: t('old server builds, superseded extension versions, downloaded extension packages, old logs and the storage of deleted folders'),
      ...(facts.appRoot ? { currentAppRoot: facts.appRoot } : {}),
    },
  };
  return { category, claimedPaths: roots };
}
