// Entry the extension host loads as extensionTestsPath for bench/editor.mjs (not part of
// `npm test`: the integration runner loads out/test/integration/index.js, which never looks here).
// Runs mocha over the compiled out/test/bench/*.bench.js; the bench writes its numbers to the file
// named in MLDS_EDITOR_BENCH and only fails when it could not measure, never for a missed target.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import { hostLog, RESULT_MARKER } from '../integration/hostLog';

export async function run(): Promise<void> {
  // A half-written out/ (another `tsc` rewriting it while the host loads) would break mocha's
  // reporter inside a timer, where no one sees it and the workbench waits forever: fail here.
  if (typeof hostLog !== 'function') throw new Error('out/test/integration/hostLog.js has no hostLog: re-run npm run compile-tests');
  Mocha.reporters.Base.consoleLog = hostLog;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 15 * 60_000, forbidOnly: true, forbidPending: true });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort().map((f) => path.join(__dirname, f));
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        hostLog(`${RESULT_MARKER} ${JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending, files: files.length })}`);
        if (failures > 0) reject(new Error(`${failures} bench step(s) failed`));
        else if (stats.passes === 0) reject(new Error(`no bench ran (${files.length} files under ${__dirname})`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
