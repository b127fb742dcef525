// `ml-disk-space COMMAND --help` prints that command's usage on stdout and exits 0, for every
// command the CLI has; bad options stay one line on stderr with exit 2. Runs the built CLI.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('CLI help', () => {
  const all = cli('help');
  const commands = [...all.stdout.matchAll(/^ {2}ml-disk-space (\w+)/gm)].map((m) => m[1]);

  it('lists its commands', () => {
    assert.strictEqual(all.status, 0);
    assert.ok(commands.length >= 5, `commands found in 'help': ${commands.join(', ')}`);
  });

  for (const flag of ['--help', '-h']) {
    it(`every COMMAND ${flag} prints that command's usage and exits 0`, () => {
      for (const command of commands) {
        const r = cli(command, flag);
        assert.strictEqual(r.status, 0, `${command} ${flag}: exit ${r.status}, stderr ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^usage:\\n {2}ml-disk-space ${command}\\b`), `${command} ${flag}: ${r.stdout}`);
        assert.strictEqual(r.stderr, '');
      }
    });
  }

  it('an unknown option or a missing value is one line on stderr, exit 2', () => {
    for (const [args, expected] of [[['scan', '--bogus'], /unknown option --bogus/], [['scan', '--top'], /--top needs a value/], [['scan', '--json=1'], /--json takes no value/]] as const) {
      const r = cli(...args);
      assert.strictEqual(r.status, 2, args.join(' '));
      assert.match(r.stderr, expected);
      assert.strictEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
