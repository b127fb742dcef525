// Adversarial (issue 16, class 4): a failing stdout (ENOSPC on /dev/full or on a full tmpfs, EPIPE
// from a reader that went away) never stops or comes before a deletion the user confirmed, and
// ends with one line on stderr, no stack trace. Runs the real CLI on a real pip cache fixture.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hasStackTrace, runCli, CLI } from '../support/runCli';

function pipCacheFixture(): { dir: string; cache: string; env: NodeJS.ProcessEnv } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-stdout-'));
  const cache = path.join(dir, 'pip-cache');
  for (const sub of ['http-v2/a/b', 'wheels/x/y']) {
    fs.mkdirSync(path.join(cache, sub), { recursive: true });
    fs.writeFileSync(path.join(cache, sub, 'blob.bin'), Buffer.alloc(40_000, 7));
  }
  return { dir, cache, env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_STATE_HOME: process.env.XDG_STATE_HOME, PIP_CACHE_DIR: cache } };
}

/** Files left under the pip cache (the purge removes its contents). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => e.name);
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.ok(!hasStackTrace(stderr), `stack trace on stderr:\n${stderr}`);
  const lines = stderr.trim().split('\n');
  assert.strictEqual(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  assert.match(lines[0], pattern);
}

describe('adversarial: stdout that cannot be written', function () {
  this.timeout(180_000);

  it('purge pip:purge --yes > /dev/full: deletes the cache, then one line on stderr', async () => {
    const f = pipCacheFixture();
    const full = fs.openSync('/dev/full', 'w');
    try {
      assert.ok(filesUnder(f.cache).length > 0);
      const r = await runCli(['purge', 'pip:purge', '--yes'], { env: f.env, cwd: f.dir, stdoutFd: full });
      assert.deepStrictEqual(filesUnder(f.cache), [], 'the confirmed purge ran to its end');
      assert.strictEqual(r.status, 1);
      assertOneLine(r.stderr, /^ml-disk-space: could not write the output \(ENOSPC\)/);
    } finally {
      fs.closeSync(full);
      fs.rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('scan > /dev/full and scan --json > /dev/full: one line, no stack', async () => {
    const f = pipCacheFixture();
    const full = fs.openSync('/dev/full', 'w');
    try {
      for (const args of [['scan', f.dir, '--no-docker'], ['scan', f.dir, '--no-docker', '--json']]) {
        const r = await runCli(args, { env: f.env, cwd: f.dir, stdoutFd: full });
        assert.strictEqual(r.status, 1, args.join(' '));
        assertOneLine(r.stderr, /ENOSPC/);
      }
    } finally {
      fs.closeSync(full);
      fs.rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('stdout on a full tmpfs: the purge still deletes; one line', async () => {
    const f = pipCacheFixture();
    const mnt = path.join(f.dir, 'full-fs');
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    try {
      try { execFileSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=4096'], { stdio: 'ignore' }); } catch { /* ENOSPC: full, as wanted */ }
      const out = fs.openSync(path.join(mnt, 'out.txt'), 'w');
      try {
        const r = await runCli(['purge', 'pip:purge', '--yes'], { env: f.env, cwd: f.dir, stdoutFd: out });
        assert.deepStrictEqual(filesUnder(f.cache), []);
        assert.strictEqual(r.status, 1);
        assertOneLine(r.stderr, /ENOSPC/);
      } finally {
        fs.closeSync(out);
      }
    } finally {
      execFileSync('umount', [mnt]);
      fs.rmSync(f.dir, { recursive: true, force: true });
    }
  });

  it('a reader that goes away (EPIPE) does not stop the confirmed purge; one line, exit code kept', async () => {
    const f = pipCacheFixture();
    try {
      // The pipe's only reader closes it at once, long before the CLI (a Node start) writes.
      const { spawnSync } = await import('child_process');
      const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} purge pip:purge --yes | (exec 0<&-; sleep 3); echo "exit=\${PIPESTATUS[0]}" >&2`], { env: f.env, cwd: f.dir, encoding: 'utf8', timeout: 60_000 });
      assert.deepStrictEqual(filesUnder(f.cache), []);
      const lines = r.stderr.trim().split('\n');
      assert.strictEqual(lines.pop(), 'exit=0');
      assertOneLine(lines.join('\n'), /output was closed early \(EPIPE\)/);
    } finally {
      fs.rmSync(f.dir, { recursive: true, force: true });
    }
  });
});
