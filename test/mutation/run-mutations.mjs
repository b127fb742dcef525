// `npm run test:mutation`: proves the tests catch a regressed safety guard, without harm.
//
// Each mutant switches off ONE guard of the deleting code (re-validation of identity, birth time,
// containment, protected paths, mount checks, hard-link dedupe) by editing the compiled JavaScript
// in a private copy of out/, then runs the tests that should notice. A mutant is "killed" when
// those tests fail, "survived" when they pass (a hole in the tests). A baseline run with no
// mutation must pass first, or the figures mean nothing.
//
// It runs only inside test/sandbox/run-sandboxed.sh (package.json does that): the system is
// read-only there, /tmp is private and HOME is a canary whose sha256 listing the sandbox compares
// after the run, as it does for the extra canary tree MLDS_SANDBOX_CANARY_TREE. A mutant that
// really deletes outside its test folder therefore fails the run instead of harming the machine.
//
// Each mutation names the exact source text it replaces and must match exactly once: when the
// code changes shape, the script fails ("does not apply") rather than silently testing nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
if (process.env.MLDS_SANDBOX !== '1') {
  console.error('run-mutations: refuses to run outside the sandbox (use npm run test:mutation)');
  process.exit(2);
}

const SAFETY_TESTS = ['out/test/unit/executor.test.js', 'out/test/adversarial/swaps.test.js', 'out/test/adversarial/symlinks.test.js', 'out/test/adversarial/mounts.test.js', 'out/test/adversarial/mountRace.test.js', 'out/test/adversarial/removerWorker.test.js'];

/** One guard switched off: in `file` (under out/src/core), `find` (exact text) becomes `replace`. */
const MUTANTS = [
  {
    id: 'identity-recheck-off',
    what: 're-validation no longer compares type, device and inode with the scan',
    file: 'safety/validateTarget.js',
    edits: [['if (type !== target.type || stat.dev !== target.dev || stat.ino !== target.ino) {', 'if (false) {']],
    tests: SAFETY_TESTS,
  },
  {
    id: 'birth-time-check-off',
    what: 'an entry re-created after the scan (reused inode) passes as the scanned one',
    file: 'safety/validateTarget.js',
    edits: [['if (stat.birthtimeMs > ctx.scannedAt + BIRTH_TIME_SLACK_MS) {', 'if (false) {']],
    tests: ['out/test/unit/executor.test.js'],
  },
  {
    id: 'containment-off',
    what: 'targets outside their root, or under a parent swapped for a symlink, are accepted',
    file: 'safety/validateTarget.js',
    edits: [
      ["if (rel === undefined)\n        return refuse('outside-root'", "if (false)\n        return refuse('outside-root'"],
      ['if (realParent !== expectedParent) {', 'if (false) {'],
    ],
    tests: SAFETY_TESTS,
  },
  {
    id: 'protected-paths-empty',
    what: 'no path is protected (HOME, /, workspace folders, the active conda env)',
    file: 'safety/pathGuards.js',
    edits: [['return protectedPaths.find((prot) => isSameOrInside(prot, p));', 'return undefined;']],
    tests: ['out/test/unit/executor.test.js'],
  },
  {
    id: 'home-not-protected',
    what: 'HOME and the running conda env are no longer added to the protected paths',
    file: 'safety/pathGuards.js',
    edits: [["for (const raw of [...given, os.homedir(), process.env.HOME ?? '', process.env.CONDA_PREFIX ?? '']) {", 'for (const raw of [...given]) {']],
    tests: ['out/test/unit/executor.test.js'],
  },
  {
    id: 'mount-check-off-at-target',
    what: 'a target that is a mount point, on another device, or under a folder mounted since the scan is deleted',
    file: 'safety/validateTarget.js',
    edits: [
      ['if (targetMount !== undefined && targetMount !== parent.mountId)', 'if (false)'],
      ['if (root.mountId !== undefined && dir.mountId !== root.mountId) {', 'if (false) {'],
      ['if (stat.dev !== rootStat.dev)', 'if (false)'],
    ],
    tests: ['out/test/adversarial/mounts.test.js', 'out/test/adversarial/mountRace.test.js'],
  },
  {
    id: 'mount-check-off-inside',
    what: 'the deletion enters mounts inside a deleted folder, found there or made during the deletion',
    file: 'safety/removeTree.js',
    edits: [
      ['if (seen.dev !== run.ctx.rootDev || run.ctx.mountPoints?.has(display)) {', 'if (false) {'],
      ['if (run.ctx.rootMountId !== undefined && dir.mountId !== run.ctx.rootMountId) {', 'if (false) {'],
    ],
    tests: ['out/test/adversarial/mounts.test.js', 'out/test/adversarial/mountRace.test.js'],
  },
  {
    id: 'identity-check-off-inside',
    what: 'a folder inside the target is opened without checking it is the one listed (device and inode)',
    file: 'safety/syncDirHandle.js',
    edits: [['if (st.dev !== expect.dev || st.ino !== expect.ino) {', 'if (false) {']],
    tests: ['out/test/adversarial/removerWorker.test.js'],
  },
  {
    id: 'revalidation-forced-to-pass',
    what: 'every re-check of validateTarget at once (identity, birth time, containment, protection, mounts)',
    file: 'safety/validateTarget.js',
    edits: [
      ['if (lexicalGuard)', 'if (false)'],
      ["if (rel === undefined)\n        return refuse('outside-root'", "if (false)\n        return refuse('outside-root'"],
      ['if (realParent !== expectedParent) {', 'if (false) {'],
      ['if (realGuard)', 'if (false)'],
      ['if (type !== target.type || stat.dev !== target.dev || stat.ino !== target.ino) {', 'if (false) {'],
      ['if (stat.birthtimeMs > ctx.scannedAt + BIRTH_TIME_SLACK_MS) {', 'if (false) {'],
      ['if (targetMount !== undefined && targetMount !== parent.mountId)', 'if (false)'],
      ['if (root.mountId !== undefined && dir.mountId !== root.mountId) {', 'if (false) {'],
      ['if (stat.dev !== rootStat.dev)', 'if (false)'],
    ],
    tests: SAFETY_TESTS,
  },
  {
    id: 'hardlink-dedupe-off',
    what: 'the walker counts every hard link of a file again',
    file: 'walker/inodeSet.js',
    edits: [['    add(dev, ino) {\n', '    add(dev, ino) {\n        return true;\n']],
    tests: ['out/test/unit/walker.test.js', 'out/test/unit/freedBytes.test.js'],
  },
];

const work = fs.mkdtempSync('/tmp/mlds-mutation-');
// Traversable by `nobody`: the permission tests run the copied code as that user.
fs.chmodSync(work, 0o755);
const only = process.argv.slice(2);

/** A private copy of out/ (with links to what the tests read from the checkout), mutated by `mutant`. */
function prepare(name, mutant) {
  const root = path.join(work, name);
  fs.mkdirSync(root);
  fs.cpSync(path.join(repo, 'out'), path.join(root, 'out'), { recursive: true });
  for (const shared of ['node_modules', 'dist', 'test', 'package.json', 'src']) fs.symlinkSync(path.join(repo, shared), path.join(root, shared));
  if (!mutant) return root;
  const file = path.join(root, 'out', 'src', 'core', mutant.file);
  let text = fs.readFileSync(file, 'utf8');
  for (const [find, replace] of mutant.edits) {
    const count = text.split(find).length - 1;
    if (count !== 1) throw new Error(`mutant ${mutant.id} does not apply: ${JSON.stringify(find)} occurs ${count} times in out/src/core/${mutant.file} (update the mutation to the code's new shape)`);
    text = text.replace(find, replace);
  }
  fs.writeFileSync(file, text);
  return root;
}

function runTests(root, tests) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--require', 'out/test/support/sandboxGuard.js', '--timeout', '60000', '--reporter', 'dot', ...tests], {
    cwd: root, encoding: 'utf8', timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const count = (word) => Number(out.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  return { status: r.status, signal: r.signal, passing: count('passing'), failing: count('failing'), seconds: Math.round((Date.now() - t0) / 100) / 10, out };
}

const selected = MUTANTS.filter((m) => !only.length || only.includes(m.id));
const allTests = [...new Set(selected.flatMap((m) => m.tests))];
console.log(`baseline: ${allTests.length} test files, no mutation`);
const baseline = runTests(prepare('baseline'), allTests);
if (baseline.status !== 0) {
  console.error(baseline.out.slice(-4000));
  console.error(`run-mutations: the baseline (no mutation) fails (${baseline.failing} failing): fix that first`);
  process.exit(1);
}
console.log(`baseline: ${baseline.passing} passing in ${baseline.seconds} s`);

const results = [];
for (const mutant of selected) {
  const root = prepare(mutant.id, mutant);
  const r = runTests(root, mutant.tests);
  const killed = r.status !== 0;
  results.push({ id: mutant.id, what: mutant.what, killed, failingTests: r.failing, passingTests: r.passing, seconds: r.seconds });
  console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${mutant.id.padEnd(28)} ${String(r.failing).padStart(3)} failing / ${r.passing} passing  ${r.seconds} s  (${mutant.what})`);
  if (!killed) console.log(r.out.slice(-2000));
}
const killed = results.filter((r) => r.killed).length;
const report = { mutants: results.length, killed, survived: results.length - killed, baselinePassing: baseline.passing, results };
fs.writeFileSync(path.join(repo, '.test-artifacts', 'mutation-report.json'), JSON.stringify(report, null, 2));
console.log(`\nmutants: ${report.mutants}, killed: ${report.killed}, survived: ${report.survived} (report: .test-artifacts/mutation-report.json)`);
console.log('The sandbox compares the canary HOME and canary tree after this run (run-sandboxed.sh).');
process.exit(report.survived ? 1 : 0);
