// Mocha root hook for every suite that runs deleting code (test/unit, test/adversarial): refuses
// to run outside test/sandbox/run-sandboxed.sh. There the system is read-only, /tmp is private and
// HOME is a canary, so a guard regressed in the code under test fails a test instead of deleting
// this machine's files. Pure tests that touch no disk run without it (`npm run test:fast`).
import * as fs from 'fs';
import * as os from 'os';

function sandboxProblem(): string | undefined {
  if (process.env.MLDS_SANDBOX !== '1') return 'MLDS_SANDBOX is not set';
  if (!process.env.MLDS_SANDBOX_HOME || os.homedir() !== process.env.MLDS_SANDBOX_HOME) return `HOME (${os.homedir()}) is not the sandbox's canary HOME`;
  try {
    fs.accessSync('/usr', fs.constants.W_OK);
    // access(2) reports EROFS for a read-only mount even as root.
    return '/usr is writable: the system is not bound read-only';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EROFS') return `/usr: unexpected ${(err as NodeJS.ErrnoException).code}`;
  }
  return undefined;
}

export const mochaHooks = {
  beforeAll(): void {
    const problem = sandboxProblem();
    if (problem) {
      throw new Error(`these tests run deleting code and must run inside the sandbox (${problem}). ` +
        'Run them with `npm run test:unit` (bash test/sandbox/run-sandboxed.sh node_modules/.bin/mocha ...), never plain mocha.');
    }
  },
};
