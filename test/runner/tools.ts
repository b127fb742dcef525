// Where test/setup/install-test-deps.sh put Node 24 and code-server. The script writes
// installed.json only after a verified install; this reads it, so the two never disagree on paths.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface TestTools {
  codeServerVersion: string;
  nodeVersion: string;
  /** Node 24 binary: code-server refuses other majors. */
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
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed (no ${marker}); run: bash test/setup/install-test-deps.sh`);
  }
  const tools = JSON.parse(fs.readFileSync(marker, 'utf8')) as TestTools;
  for (const file of [tools.nodeBin, tools.codeServerEntry]) {
    if (!fs.existsSync(file)) throw new Error(`${marker} names ${file}, which is missing; delete ${toolsDir()} and re-run test/setup/install-test-deps.sh`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing; run: bash test/setup/install-test-deps.sh`);
  return tools;
}
