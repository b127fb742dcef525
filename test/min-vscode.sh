#!/usr/bin/env bash
# Runs the extension-host phase (the whole in-host mocha suite) on the code-server release whose
# VS Code is the minimum that package.json's engines.vscode declares, so the declared range is a
# tested one. Installs that release beside the default one (test/setup/install-test-deps.sh).
# Expects `npm run build && npm run compile-tests` done. Artifacts: .test-artifacts/code-server-<v>/.
set -euo pipefail
cd "$(dirname "$0")/.."

# code-server 4.90.3 ships VS Code 1.90 and needs Node 20 (`npm view code-server@4.90.3 engines`):
# 20.19 or later, because mocha 12 (the in-host suite) is an ES module that only those require().
export MLDS_CODE_SERVER_VERSION=4.90.3
export MLDS_NODE_VERSION=20.20.2

bash test/setup/install-test-deps.sh

# The release must really be engines.vscode's minimum: a raised minimum without a matching release here fails.
tools="$HOME/.cache/ml-disk-space-test/code-server-$MLDS_CODE_SERVER_VERSION/installed.json"
[ -n "${MLDS_TOOLS_DIR:-}" ] && tools="$MLDS_TOOLS_DIR/code-server-$MLDS_CODE_SERVER_VERSION/installed.json"
node - "$tools" <<'JS'
const { execFileSync } = require('child_process');
const fs = require('fs'); const os = require('os'); const path = require('path');
const tools = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-version-'));
const line = execFileSync(tools.nodeBin, [tools.codeServerEntry, '--version'], {
  encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch },
}).trim().split('\n').pop();
fs.rmSync(scratch, { recursive: true, force: true });
const code = /with Code (\d+)\.(\d+)\.\d+/.exec(line);
const engine = /^\^?(\d+)\.(\d+)\.\d+$/.exec(require('./package.json').engines.vscode);
if (!code || !engine) { console.error(`cannot compare "${line}" with engines.vscode`); process.exit(1); }
if (code[1] !== engine[1] || code[2] !== engine[2]) {
  console.error(`code-server ${line} is not engines.vscode's minimum (${require('./package.json').engines.vscode})`);
  process.exit(1);
}
console.log(`code-server ${line}: engines.vscode's minimum`);
JS

MLDS_PHASES=extension-tests node out/test/runner/runIntegration.js
