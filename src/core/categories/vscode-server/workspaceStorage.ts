// Workspace storage of folders that are gone. The server keeps per-workspace state (extension
// storage, caches of language servers, often large) in data/User/workspaceStorage/<hash>/, with a
// workspace.json naming the workspace: { "folder": "<uri>" } or { "workspace": "<uri of a
// .code-workspace file>" }. When that is a file:// URI and nothing exists at its path any more,
// the storage belongs to nothing. Any other URI (vscode-remote://…, a home shared by several
// machines over NFS) cannot be checked from here: kept.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { readErrorCode, safeReadText } from '../../safeRead';

export interface WorkspaceStorageEntry {
  /** The <hash> folder. */
  path: string;
  /** The URI workspace.json names, when it names one. */
  uri?: string;
  /** The local path of a file:// URI. */
  target?: string;
  /** 'gone': a file:// target that no longer exists; 'exists'; 'unknown': not decidable (kept). */
  state: 'gone' | 'exists' | 'unknown';
  /** Why 'unknown', in words. */
  why?: string;
}

/** The local path of a file:// URI, or undefined for other URIs or malformed ones. */
export function localPathOfUri(uri: string): string | undefined {
  if (!/^file:\/\//i.test(uri)) return undefined;
  try {
    // Percent-escapes decoded; a host other than "" or localhost (a UNC share) throws.
    const p = fileURLToPath(uri);
    return path.isAbsolute(p) && !p.includes('\0') ? path.normalize(p) : undefined;
  } catch {
    return undefined;
  }
}

async function exists(p: string): Promise<boolean | undefined> {
  try {
    await fsp.lstat(p);
    return true;
  } catch (err) {
    // Only "no such entry" means gone; EACCES, EIO (a dead mount) say nothing.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined;
  }
}

export async function inspectWorkspaceStorage(folder: string): Promise<WorkspaceStorageEntry> {
  const file = path.join(folder, 'workspace.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await safeReadText(file, { maxBytes: 64 * 1024, followSymlinks: false }));
  } catch (err) {
    const why = readErrorCode(err) === 'ENOENT' ? 'no workspace.json (an empty window)' : 'workspace.json cannot be read';
    return { path: folder, state: 'unknown', why };
  }
  const record = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const uri = typeof record.folder === 'string' ? record.folder : typeof record.workspace === 'string' ? record.workspace : undefined;
  if (!uri) return { path: folder, state: 'unknown', why: 'workspace.json names no folder' };
  const target = localPathOfUri(uri);
  if (!target) return { path: folder, uri, state: 'unknown', why: 'not a local folder; cannot be checked from here' };
  const there = await exists(target);
  if (there === undefined) return { path: folder, uri, target, state: 'unknown', why: 'its folder cannot be checked (no permission or a dead mount)' };
  return { path: folder, uri, target, state: there ? 'exists' : 'gone' };
}

/** Every <hash> folder under workspaceStorage, inspected. */
export async function inspectWorkspaceStorages(storageDir: string): Promise<WorkspaceStorageEntry[]> {
  let entries: import('fs').Dirent[];
  try {
    entries = await fsp.readdir(storageDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => path.join(storageDir, e.name)).sort();
  return Promise.all(dirs.map(inspectWorkspaceStorage));
}
