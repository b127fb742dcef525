// Where VS Code's remote server and its cousins keep their builds, extensions and data on the
// machine they run on: ~/.vscode-server (Remote-SSH, WSL, dev containers, tunnels), its Insiders
// twin, Cursor's and Windsurf's copies of it, and the folder VSCODE_AGENT_FOLDER names when set
// (the server reads it instead of ~/.vscode-server).
import * as path from 'path';
import { existingDir } from '../../scan/walkHelpers';

/** Folder names under HOME, in the order they are shown. */
export const SERVER_HOME_FOLDERS = ['.vscode-server', '.vscode-server-insiders', '.cursor-server', '.windsurf-server'];

/** The variable the host sets to `vscode.env.appRoot`: the server build this extension runs in. */
export const CURRENT_APP_ROOT_VAR = 'MLDS_CURRENT_APP_ROOT';

/** Candidate install folders, as written (not checked on disk). */
export function serverFolderCandidates(env: Record<string, string | undefined>, homeDir: string): string[] {
  const out: string[] = [];
  const agent = env.VSCODE_AGENT_FOLDER?.trim();
  if (agent && path.isAbsolute(agent)) out.push(agent);
  for (const name of SERVER_HOME_FOLDERS) out.push(path.join(homeDir, name));
  return out;
}

/** The install folders that exist, as real paths, each once (VSCODE_AGENT_FOLDER may be ~/.vscode-server itself). */
export async function serverFolders(env: Record<string, string | undefined>, homeDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const candidate of serverFolderCandidates(env, homeDir)) {
    const real = await existingDir(candidate);
    if (real && !out.includes(real)) out.push(real);
  }
  // A folder inside another one (an agent folder set below ~/.vscode-server) would be counted twice.
  return out.filter((p) => !out.some((q) => q !== p && p.startsWith(q + path.sep)));
}

/** The build folder this extension runs in, resolved through symlinks, when the host said so. */
export async function currentAppRoot(env: Record<string, string | undefined>): Promise<string | undefined> {
  const raw = env[CURRENT_APP_ROOT_VAR]?.trim();
  if (!raw || !path.isAbsolute(raw)) return undefined;
  return (await existingDir(raw)) ?? path.resolve(raw);
}
