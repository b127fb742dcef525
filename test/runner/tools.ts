// Where test/setup/install-test-deps.sh put Node and code-server. The script writes
// installed.json only after a verified install; this reads it, so the two never disagree on paths.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The release the suite runs on; MLDS_CODE_SERVER_VERSION picks another one installed beside it
 * (`npm run test:min-vscode`: the one whose VS Code is engines.vscode's minimum). */
export const CODE_SERVER_VERSION = process.env.MLDS_CODE_SERVER_VERSION || '4.139.1';
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface TestTools {
  codeServerVersion: string;
  nodeVersion: string;
  /** The Node binary this code-server requires (24 for 4.139, 20 for 4.90): it refuses other majors. */
  nodeBin: string;
  /** code-server's entry point, run as `nodeBin codeServerEntry ...`. */
  codeServerEntry: string;
}

export function toolsDir(): string {
  const root = process.env.MLDS_TOOLS_DIR || path.join(os.homedir(), '.cache', 'ml-disk-space-test');
  return path.join(root, `code-server-${CODE_SERVER_VERSION}`);
}

export function loadTools(): TestTools {
  const marker = path.join(toolsDir(), 'installed.json');
  if (!fs.existsSync(marker)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed (no ${marker}); run: ${installCommand()}`);
  }
  const tools = JSON.parse(fs.readFileSync(marker, 'utf8')) as TestTools;
  for (const file of [tools.nodeBin, tools.codeServerEntry]) {
    if (!fs.existsSync(file)) throw new Error(`${marker} names ${file}, which is missing; delete ${toolsDir()} and re-run ${installCommand()}`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing; run: ${installCommand()}`);
  return tools;
}

function installCommand(): string {
  return process.env.MLDS_CODE_SERVER_VERSION
    ? `MLDS_CODE_SERVER_VERSION=${process.env.MLDS_CODE_SERVER_VERSION} MLDS_NODE_VERSION=<its Node> bash test/setup/install-test-deps.sh`
    : 'bash test/setup/install-test-deps.sh';
}

/** code-server's own `--version` line, e.g. "4.90.3 <commit> with Code 1.90.2": the VS Code the suite ran on.
 * XDG_CONFIG_HOME in scratchDir: code-server writes a default config file on every start. */
export function codeServerVersionLine(tools: TestTools, scratchDir: string): string {
  const out = execFileSync(tools.nodeBin, [tools.codeServerEntry, '--version'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: path.join(scratchDir, 'xdg-config'), XDG_DATA_HOME: path.join(scratchDir, 'xdg-data') },
    timeout: 60_000,
  });
  return out.trim().split('\n').pop() ?? '';
}
