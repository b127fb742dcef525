// Which extension folders are old versions. The server installs every extension into
// extensions/<publisher>.<name>-<version>[-<targetPlatform>]/ and records the installed ones in
// extensions/extensions.json (an array of { identifier: { id }, version, relativeLocation,
// location }). An update installs the new version beside the old one; the old folder is left, and
// names of folders to remove go into extensions/.obsolete (a JSON map folder name -> true).
// A folder is superseded when extensions.json lists another version of the same extension, or
// when .obsolete names it and extensions.json does not list it. Anything else is kept: a folder
// neither file knows about may be an install in progress.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { t } from '../../l10n';
import { readErrorCode, safeReadText } from '../../safeRead';

/** Platform suffixes VS Code appends to folders of platform-specific extensions. */
const TARGET_PLATFORMS = [
  'win32-x64', 'win32-arm64', 'win32-ia32', 'linux-x64', 'linux-arm64', 'linux-armhf',
  'alpine-x64', 'alpine-arm64', 'darwin-x64', 'darwin-arm64', 'web', 'universal',
];

export interface ExtensionFolderName {
  /** `publisher.name`, lower case (VS Code compares ids without case). */
  id: string;
  version: string;
  platform?: string;
}

/** Splits `<publisher>.<name>-<version>[-<platform>]`; undefined for other names (`.obsolete`, temp folders). */
export function parseExtensionFolderName(folder: string): ExtensionFolderName | undefined {
  let rest = folder;
  let platform: string | undefined;
  for (const p of TARGET_PLATFORMS) {
    if (rest.endsWith(`-${p}`)) {
      platform = p;
      rest = rest.slice(0, -(p.length + 1));
      break;
    }
  }
  // The id is the shortest prefix followed by "-<major>.<minor>.<patch>" that runs to the end.
  const m = /^([^.\s/]+\.[^\s/]+?)-(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/.exec(rest);
  if (!m) return undefined;
  return { id: m[1].toLowerCase(), version: m[2], ...(platform ? { platform } : {}) };
}

export interface ListedExtension {
  id: string;
  version: string;
  /** The folder name it is installed in, when extensions.json says. */
  folder?: string;
}

export interface ExtensionState {
  /** extensions.json's entries; undefined when the file is missing or unreadable. */
  listed?: ListedExtension[];
  /** Folder names in .obsolete (its keys whose value is true). */
  obsolete: Set<string>;
  /** Why a file could not be used (shown as scan warnings). */
  problems: { path: string; message: string }[];
}

function folderOf(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.relativeLocation === 'string') return entry.relativeLocation;
  const loc = entry.location as { path?: unknown; fsPath?: unknown } | string | undefined;
  const p = typeof loc === 'string' ? loc : typeof loc?.path === 'string' ? loc.path : typeof loc?.fsPath === 'string' ? loc.fsPath : undefined;
  if (!p) return undefined;
  const trimmed = p.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || undefined;
}

async function readJson(file: string, problems: ExtensionState['problems']): Promise<unknown> {
  let text: string;
  try {
    text = await safeReadText(file, { maxBytes: 16 * 1024 * 1024, followSymlinks: false });
  } catch (err) {
    if (readErrorCode(err) !== 'ENOENT') problems.push({ path: file, message: (err as Error).message });
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    problems.push({ path: file, message: t('{0} is not valid JSON ({1}): not used', file, (err as Error).message) });
    return undefined;
  }
}

export async function readExtensionState(extensionsDir: string): Promise<ExtensionState> {
  const problems: ExtensionState['problems'] = [];
  const state: ExtensionState = { obsolete: new Set(), problems };
  const listed = await readJson(path.join(extensionsDir, 'extensions.json'), problems);
  if (Array.isArray(listed)) {
    state.listed = [];
    for (const e of listed) {
      if (!e || typeof e !== 'object') continue;
      const entry = e as Record<string, unknown>;
      const id = (entry.identifier as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string' || typeof entry.version !== 'string') continue;
      state.listed.push({ id: id.toLowerCase(), version: entry.version, folder: folderOf(entry) });
    }
  } else if (listed !== undefined) {
    problems.push({ path: path.join(extensionsDir, 'extensions.json'), message: t('extensions.json is not a list: not used') });
  }
  const obsolete = await readJson(path.join(extensionsDir, '.obsolete'), problems);
  if (obsolete && typeof obsolete === 'object' && !Array.isArray(obsolete)) {
    for (const [name, value] of Object.entries(obsolete as Record<string, unknown>)) if (value === true) state.obsolete.add(name);
  }
  return state;
}

export interface SupersededExtension {
  folder: string;
  path: string;
  id: string;
  version: string;
  /** 'replaced': extensions.json lists another version; 'obsolete': named in .obsolete. */
  reason: 'replaced' | 'obsolete';
  /** The version extensions.json lists now (reason 'replaced'). */
  currentVersion?: string;
}

function isListed(folder: string, name: ExtensionFolderName, listed: ListedExtension[]): boolean {
  return listed.some((l) => (l.folder !== undefined ? l.folder === folder : l.id === name.id && l.version === name.version));
}

/** The extension folders that are old versions (see the file comment), in folder-name order. */
export async function supersededExtensions(extensionsDir: string, state: ExtensionState): Promise<SupersededExtension[]> {
  let entries: import('fs').Dirent[];
  try {
    entries = await fsp.readdir(extensionsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: SupersededExtension[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!entry.isDirectory()) continue;
    const name = parseExtensionFolderName(entry.name);
    if (!name) continue;
    const listed = state.listed ?? [];
    if (isListed(entry.name, name, listed)) continue;
    const base = { folder: entry.name, path: path.join(extensionsDir, entry.name), id: name.id, version: name.version };
    const current = listed.find((l) => l.id === name.id);
    if (current) out.push({ ...base, reason: 'replaced', currentVersion: current.version });
    else if (state.obsolete.has(entry.name)) out.push({ ...base, reason: 'obsolete' });
  }
  return out;
}
