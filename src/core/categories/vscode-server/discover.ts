// What one server install folder holds that may be reclaimable, found by listing its folders
// and reading its small JSON files (nothing is sized here; the scanner walks what this finds):
//   bin/<commit>/                         a server build (clients before the `code` CLI)
//   cli/servers/<Quality>-<commit>/       a server build started by the `code` CLI (newer clients)
//   code-<commit>                         the `code` CLI that newer clients start the server with
//   extensions/<id>-<version>[-<platform>]/  superseded extension versions (extensions.ts)
//   data/CachedExtensionVSIXs/            downloaded extension packages, kept after installing
//   data/logs/<yyyymmddThhmmss>/          one log folder per server start
//   data/User/workspaceStorage/<hash>/    per-workspace state (workspaceStorage.ts)
import { promises as fsp } from 'fs';
import * as path from 'path';
import { safeReadText } from '../../safeRead';
import { readExtensionState, supersededExtensions, type SupersededExtension } from './extensions';
import { inspectWorkspaceStorages, type WorkspaceStorageEntry } from './workspaceStorage';

const COMMIT = /^[0-9a-f]{40}$/;
const CLI_SERVER = /^([A-Za-z]+)-([0-9a-f]{40})$/;
const CLI_BINARY = /^code-([0-9a-f]{40})$/;
const LOG_STAMP = /^\d{8}T\d{6}$/;

export interface BuildFound {
  path: string;
  commit: string;
  /** 'server': a server build folder; 'cli': the `code` CLI binary. */
  type: 'server' | 'cli';
  /** Where it sits: `bin`, `cli/servers` or the install folder (CLI). */
  layout: 'bin' | 'cli-servers' | 'cli';
  /** The VS Code version from the build's package.json, when readable. */
  version?: string;
}

export interface LogFolder {
  path: string;
  name: string;
  mtimeMs: number;
}

export interface InstallFindings {
  root: string;
  builds: BuildFound[];
  extensions: SupersededExtension[];
  vsixCache?: string;
  /** Every timestamped log folder, oldest first. */
  logs: LogFolder[];
  workspaceStorage: WorkspaceStorageEntry[];
  problems: { path: string; message: string }[];
}

async function entries(dir: string): Promise<import('fs').Dirent[]> {
  try {
    return (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

async function versionOf(folder: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await safeReadText(path.join(folder, 'package.json'), { maxBytes: 256 * 1024, followSymlinks: false })) as { version?: unknown };
    return typeof pkg.version === 'string' && /^[\w.+-]{1,40}$/.test(pkg.version) ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

async function findBuilds(root: string): Promise<BuildFound[]> {
  const out: BuildFound[] = [];
  for (const e of await entries(path.join(root, 'bin'))) {
    if (!e.isDirectory() || !COMMIT.test(e.name)) continue;
    const p = path.join(root, 'bin', e.name);
    out.push({ path: p, commit: e.name, type: 'server', layout: 'bin', version: await versionOf(p) });
  }
  for (const e of await entries(path.join(root, 'cli', 'servers'))) {
    const m = CLI_SERVER.exec(e.name);
    if (!e.isDirectory() || !m) continue;
    const p = path.join(root, 'cli', 'servers', e.name);
    out.push({ path: p, commit: m[2], type: 'server', layout: 'cli-servers', version: await versionOf(path.join(p, 'server')) });
  }
  for (const e of await entries(root)) {
    const m = CLI_BINARY.exec(e.name);
    if (e.isFile() && m) out.push({ path: path.join(root, e.name), commit: m[1], type: 'cli', layout: 'cli' });
  }
  return out;
}

async function findLogs(root: string): Promise<LogFolder[]> {
  const dir = path.join(root, 'data', 'logs');
  const out: LogFolder[] = [];
  for (const e of await entries(dir)) {
    if (!e.isDirectory() || !LOG_STAMP.test(e.name)) continue;
    const p = path.join(dir, e.name);
    try {
      out.push({ path: p, name: e.name, mtimeMs: (await fsp.lstat(p)).mtimeMs });
    } catch {
      // Gone since the listing.
    }
  }
  // The stamp is the server's start time; the name sorts by it.
  return out;
}

export async function discoverInstall(root: string): Promise<InstallFindings> {
  const extensionsDir = path.join(root, 'extensions');
  const state = await readExtensionState(extensionsDir);
  const vsix = path.join(root, 'data', 'CachedExtensionVSIXs');
  let vsixCache: string | undefined;
  try {
    if ((await fsp.lstat(vsix)).isDirectory()) vsixCache = vsix;
  } catch {
    // None.
  }
  return {
    root,
    builds: await findBuilds(root),
    extensions: await supersededExtensions(extensionsDir, state),
    vsixCache,
    logs: await findLogs(root),
    workspaceStorage: await inspectWorkspaceStorages(path.join(root, 'data', 'User', 'workspaceStorage')),
    problems: state.problems,
  };
}
