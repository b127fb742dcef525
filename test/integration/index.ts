// Entry the extension host loads as extensionTestsPath (under code-server via our runner, or under
// @vscode/test-electron): runs mocha over every compiled out/test/integration/**/*.test.js.
// Skipped or `.only` tests fail the run: a test that did not run proves nothing.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import { hostLog, RESULT_MARKER } from './hostLog';

export function run(): Promise<void> {
  // Mocha's reporters print through Base.consoleLog; route it where the runner can see it.
  Mocha.reporters.Base.consoleLog = hostLog;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false, // the output travels as browser console text
    timeout: 120_000,
    forbidOnly: true,
    forbidPending: true,
  });
  const files = testFiles(__dirname);
  for (const file of files) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0, tests: 0 };
        hostLog(`${RESULT_MARKER} ${JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending, files: files.length })}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else if (stats.passes === 0) reject(new Error(`no integration tests ran (${files.length} test files under ${__dirname})`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}
