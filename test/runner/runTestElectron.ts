// The standard @vscode/test-electron entry: downloads VS Code and runs the same integration suite
// in it. Needs internet (update.code.visualstudio.com), so CI here uses runIntegration.ts
// (code-server) instead; run this one with `node out/test/runner/runTestElectron.js` where VS Code
// can be downloaded.
import { runTests } from '@vscode/test-electron';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildFixture, FIXTURE_ENV_VAR } from '../integration/fixture';

async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-fx-'));
  try {
    const fixture = await buildFixture(root);
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { ...fixture.env, [FIXTURE_ENV_VAR]: JSON.stringify(fixture) },
      launchArgs: [fixture.workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
