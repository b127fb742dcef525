// Adversarial (issue 16, class 3): every file a scanner or a plan reads may be a FIFO, a link to
// /dev/zero or a huge sparse file. The paths come from the code (configFilesRead, ITEM_FILES_READ),
// so a new reader listed there is covered. The real CLI runs `scan` and `purge docker:*` with a
// timeout: it must end, say one line per such file, and print no stack trace. A static check
// keeps every read in src/ going through src/core/safeRead.ts.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { configFilesRead, ITEM_FILES_READ } from '../../src/core/configFiles';
import { safeReadFile, safeReadFileSync } from '../../src/core/safeRead';
import { hasStackTrace, runCli } from '../support/runCli';

type Hostile = 'fifo' | 'dev-zero' | 'huge-sparse';
const KINDS: Hostile[] = ['fifo', 'dev-zero', 'huge-sparse'];

function plant(file: string, kind: Hostile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true, recursive: true });
  if (kind === 'fifo') execFileSync('mkfifo', [file]);
  else if (kind === 'dev-zero') fs.symlinkSync('/dev/zero', file);
  else {
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 16 * 1024 ** 3); // 16 GiB, sparse: no blocks on the tmpfs
  }
}

interface Fixture { dir: string; home: string; work: string; itemFiles: string[] }

function fixture(kind: Hostile): Fixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-hostile-'));
  const home = path.join(dir, 'home');
  const work = path.join(dir, 'work');
  // A checkpoint, a DeepSpeed run and a Hugging Face repo, so the files read inside items exist.
  const ckpt = path.join(work, 'run', 'checkpoint-10');
  fs.mkdirSync(ckpt, { recursive: true });
  fs.writeFileSync(path.join(ckpt, 'model.safetensors'), Buffer.alloc(50_000, 1));
  const ds = path.join(work, 'ds-run');
  fs.mkdirSync(path.join(ds, 'global_step5'), { recursive: true });
  fs.writeFileSync(path.join(ds, 'global_step5', 'mp_rank_00_model_states.pt'), Buffer.alloc(20_000, 2));
  const repo = path.join(home, '.cache', 'huggingface', 'hub', 'models--org--model');
  fs.mkdirSync(path.join(repo, 'blobs'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'snapshots', 'a'.repeat(40)), { recursive: true });
  fs.writeFileSync(path.join(repo, 'blobs', 'b1'), 'weights');
  fs.symlinkSync('../../blobs/b1', path.join(repo, 'snapshots', 'a'.repeat(40), 'config.json'));
  const itemFiles = [
    ...ITEM_FILES_READ.checkpoint.map((f) => path.join(ckpt, f)),
    ...ITEM_FILES_READ.deepspeedRun.map((f) => path.join(ds, f)),
    ...ITEM_FILES_READ.hfRepo.map((f) => path.join(repo, f)),
  ];
  for (const f of itemFiles) plant(f, kind);
  return { dir, home, work, itemFiles };
}

function envFor(f: Fixture, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: f.home, ...extra };
  return env;
}

describe('adversarial: FIFOs, /dev/zero links and huge files at every file the scanners read', function () {
  this.timeout(300_000);

  it('safeRead refuses a FIFO, a device, a folder and an over-cap file at once, and reads a regular file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-saferead-'));
    try {
      const fifo = path.join(dir, 'fifo'); execFileSync('mkfifo', [fifo]);
      const zero = path.join(dir, 'zero'); fs.symlinkSync('/dev/zero', zero);
      const huge = path.join(dir, 'huge'); fs.writeFileSync(huge, ''); fs.truncateSync(huge, 8 * 1024 ** 3);
      const ok = path.join(dir, 'ok'); fs.writeFileSync(ok, 'hello');
      const link = path.join(dir, 'link'); fs.symlinkSync(ok, link);
      for (const [file, code] of [[fifo, 'ENOTREG'], [zero, 'ENOTREG'], [dir, 'ENOTREG'], [huge, 'EFBIG'], [path.join(dir, 'none'), 'ENOENT']] as const) {
        await assert.rejects(safeReadFile(file), (e: NodeJS.ErrnoException) => e.code === code, file);
        assert.throws(() => safeReadFileSync(file), (e: NodeJS.ErrnoException) => e.code === code, file);
      }
      assert.strictEqual((await safeReadFile(ok)).data.toString(), 'hello');
      assert.strictEqual(safeReadFileSync(link).data.toString(), 'hello');
      assert.throws(() => safeReadFileSync(link, { followSymlinks: false }), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
      const cut = await safeReadFile(huge, { maxBytes: 10, overCap: 'truncate' });
      assert.strictEqual(cut.data.length, 10);
      assert.ok(cut.truncated);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every read in src/ goes through src/core/safeRead.ts (a new reader cannot bypass it)', () => {
    const src = path.resolve(__dirname, '..', '..', '..', 'src');
    // Opened on purpose elsewhere: folders (O_DIRECTORY descriptors); the kernel's own interfaces
    // (/proc, /dev/kmsg: never a FIFO or a user's file, and their sizes are the kernel's); files we
    // write (the metrics file, opened 'wx'; the last scan, opened 'w'); and the folders the remover
    // opens (O_DIRECTORY | O_NOFOLLOW, never read as files).
    const allowed = new Set([
      'core/safeRead.ts', 'core/safety/dirHandle.ts', 'core/safety/mountPoints.ts', 'core/safety/mountId.ts',
      'core/headroom/memory.ts', 'core/headroom/procUsage.ts', 'core/headroom/mountOf.ts', 'core/headroom/kernelLog.ts',
      'core/metrics/atomicWrite.ts', 'core/jsonSliced.ts', 'core/safety/syncDirHandle.ts',
    ]);
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) { if (e.name !== 'webview') visit(p); continue; }
        if (!p.endsWith('.ts') || allowed.has(path.relative(src, p))) continue;
        fs.readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
          if (/\b(readFileSync|readFile|openSync|createReadStream|readSync)\s*\(|\.open\s*\(/.test(line) && !/^\s*(\/\/|\*)/.test(line)) offenders.push(`${path.relative(src, p)}:${i + 1}: ${line.trim()}`);
        });
      }
    };
    visit(src);
    assert.deepStrictEqual(offenders, []);
  });

  for (const kind of KINDS) {
    it(`${kind} at every config path and item file: scan ends, one warning per file, no stack`, async () => {
      const f = fixture(kind);
      try {
        const env = envFor(f, { DOCKER_CONTEXT: 'hostile' });
        // With DOCKER_CONTEXT set, config.json is not read; the context's files are.
        const withContext = configFilesRead(env, f.home);
        const withoutContext = configFilesRead(envFor(f), f.home);
        const planted = [...new Set([...withContext, ...withoutContext].map((c) => c.path))];
        for (const p of planted) plant(p, kind);

        for (const [label, runEnv, read] of [['DOCKER_CONTEXT', env, withContext], ['config.json', envFor(f), withoutContext]] as const) {
          const r = await runCli(['scan', f.work, '--json'], { env: runEnv, cwd: f.work, timeoutMs: 90_000 });
          assert.ok(!r.timedOut, `${label}: scan did not end within 90 s`);
          assert.strictEqual(r.status, 0, `${label}: exit ${r.status}; ${r.stderr}`);
          assert.ok(!hasStackTrace(r.stderr), r.stderr);
          const warnings = (JSON.parse(r.stdout) as { warnings: { message: string; path?: string }[] }).warnings;
          const mentions = (p: string) => warnings.filter((w) => w.message.includes(p) || w.path === p || w.message.includes(path.basename(p)) && w.path && p.startsWith(w.path));
          // Files the scan reads in this setting (the context's TLS files are read only for a context that resolves).
          const dockerFile = read.find((c) => c.path.endsWith(label === 'DOCKER_CONTEXT' ? 'meta.json' : 'config.json'))!.path;
          const condarcs = read.filter((c) => c.readBy.startsWith('conda scanner (pkgs_dirs)')).map((c) => c.path);
          const expected = [read[0].path, dockerFile, ...condarcs, ...f.itemFiles.filter((p) => !p.endsWith(`${path.sep}latest`))];
          for (const p of expected) assert.ok(mentions(p).length >= 1, `${label}: no warning for ${p}: ${JSON.stringify(warnings, null, 1)}`);
          const text = await runCli(['scan', f.work], { env: runEnv, cwd: f.work, timeoutMs: 90_000 });
          assert.strictEqual(text.status, 0, text.stderr);
          assert.match(text.stdout, /warning\(s\)/);
        }

        // purge docker:* reads the same Docker files: it ends with one line per file, then the engine error.
        const r = await runCli(['purge', 'docker:dangling-images'], { env: envFor(f), timeoutMs: 60_000 });
        assert.ok(!r.timedOut, 'purge docker:* did not end');
        assert.strictEqual(r.status, 1);
        assert.ok(!hasStackTrace(r.stderr), r.stderr);
        const lines = r.stderr.trim().split('\n');
        assert.ok(lines.some((l) => l.includes(withoutContext[1].path)), r.stderr);
        assert.ok(lines.every((l) => l.startsWith('ml-disk-space: ')), r.stderr);
        // TLS files: read when DOCKER_HOST is tcp with TLS on.
        // The port must accept a connection: the CLI probes the endpoint before it loads the client that reads TLS files.
        const listener = net.createServer((socket) => socket.destroy());
        await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
        const port = (listener.address() as net.AddressInfo).port;
        const tls = await runCli(['purge', 'docker:dangling-images'], { env: envFor(f, { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1' }), timeoutMs: 60_000 })
          .finally(() => listener.close());
        assert.ok(!tls.timedOut && tls.status === 1, `${tls.status} ${tls.stderr}`);
        assert.strictEqual(tls.stderr.trim().split('\n').length, 1, tls.stderr);
        assert.match(tls.stderr, /ca\.pem|cert\.pem|key\.pem/);
      } finally {
        fs.rmSync(f.dir, { recursive: true, force: true });
      }
    });
  }

  it('Ctrl-C during a scan with a FIFO at every config path ends it', async () => {
    const f = fixture('fifo');
    try {
      for (const c of configFilesRead(envFor(f), f.home)) plant(c.path, 'fifo');
      const { spawn } = await import('child_process');
      const { CLI } = await import('../support/runCli');
      const child = spawn(process.execPath, [CLI, 'scan', f.work, '--no-docker'], { env: envFor(f), stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      const end = await Promise.race([
        new Promise<string>((r) => child.on('close', (c, sig) => r(sig ?? String(c)))),
        new Promise<string>((r) => setTimeout(() => r('hung'), 30_000)),
      ]);
      if (end === 'hung') child.kill('SIGKILL');
      // Our handler (exit 130), a scan already done (0), or Node's default for SIGINT: anything but a hang.
      assert.ok(['130', '0', 'SIGINT'].includes(end), `ended with ${end}`);
    } finally {
      fs.rmSync(f.dir, { recursive: true, force: true });
    }
  });
});
