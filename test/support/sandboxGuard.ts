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
  // Mocha does not force an exit: a handle a test left open (a server, a child, a watcher) keeps
  // the process alive and CI waits until its own limit. Once every test has ended, a timer that
  // does not itself hold the process names what does and ends the run as a failure.
  afterAll(): void {
    const lingerLimitMs = 60_000;
    setTimeout(() => {
      const holders = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout');
      process.stderr.write(`the suite ended ${lingerLimitMs / 1000} s ago but these keep the process alive: ${holders.join(', ') || '(unknown)'}\n`);
      // Mocha's own 'exit' listener sets the exit code to the failure count (0 here): this one, added
      // after it, runs last.
      process.on('exit', () => { process.exitCode = 1; });
      process.exit(1);
    }, lingerLimitMs).unref();
  },
};
