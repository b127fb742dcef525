// Adversarial (issue 16, class 5): an engine answer is read with a size cap. A fake engine on a
// unix socket (an addition: the real-engine tests in docker.test.ts and dockerFaults.test.ts stay)
// streams an endless GET /system/df body; the real CLI's `scan` and `purge docker:*` end with one
// line about the cap, in bounded memory, instead of dying of a V8 out-of-memory error.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { createDockerodeClient, DEFAULT_MAX_RESPONSE_BYTES } from '../../src/core/categories/docker/dockerodeClient';
import { hasStackTrace, runCli } from '../support/runCli';

/** Answers /_ping and /version like an engine; /system/df with a never-ending JSON body; errors with a huge message. */
function hugeAnswerEngine(socketPath: string): Promise<{ sent: () => number; close: () => Promise<void> }> {
  let sent = 0;
  const chunk = Buffer.alloc(1024 * 1024, 0x20); // spaces: valid JSON whitespace, forever
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '').replace(/^\/v[\d.]+/, '');
    if (url.startsWith('/_ping')) return res.end('OK');
    if (url.startsWith('/version')) return res.end(JSON.stringify({ ApiVersion: '1.41', Version: 'fake' }));
    if (url.startsWith('/system/df')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"Images": [');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
      return;
    }
    // Any other call: a 500 whose message goes on for 50 MB.
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'x'.repeat(50 * 1024 * 1024) }));
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve({
    sent: () => sent,
    close: () => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); },
  })));
}

describe('adversarial: an engine that answers without end', function () {
  this.timeout(180_000);
  let dir: string;
  let engine: Awaited<ReturnType<typeof hugeAnswerEngine>>;
  let socket: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-bigbody-'));
    socket = path.join(dir, 'engine.sock');
    engine = await hugeAnswerEngine(socket);
  });
  after(async () => {
    await engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the client stops reading at its cap and fails with one line', async () => {
    const cap = 8 * 1024 * 1024;
    const client = createDockerodeClient({ host: `unix://${socket}`, source: 'setting' }, { maxResponseBytes: cap });
    const before = engine.sent();
    await assert.rejects(client.diskUsage(), (e: Error) => /answered GET \/system\/df with more than 8 MiB: not read/.test(e.message) && !e.message.includes('\n'));
    // It stopped reading: the engine could not push much past the cap (socket buffers aside).
    assert.ok(engine.sent() - before < cap + 64 * 1024 * 1024, `sent ${engine.sent() - before}`);
    // An error answer is cut to a short message instead of being held whole.
    await assert.rejects(client.removeVolume('v'), (e: Error) => e.message.length < 100 * 1024);
  });

  it(`the real CLI (default cap ${DEFAULT_MAX_RESPONSE_BYTES / 1024 / 1024} MiB): scan and purge docker:* end with one line, no crash`, async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_STATE_HOME: process.env.XDG_STATE_HOME, DOCKER_HOST: `unix://${socket}` };
    const scan = await runCli(['scan', dir, '--json'], { env, cwd: dir, timeoutMs: 120_000 });
    assert.ok(!scan.timedOut, 'scan ended');
    assert.strictEqual(scan.status, 0, scan.stderr);
    const docker = (JSON.parse(scan.stdout) as { categories: { id: string; error?: string }[] }).categories.find((c) => c.id === 'docker');
    assert.match(docker?.error ?? '', /with more than 256 MiB: not read/);
    const purge = await runCli(['purge', 'docker:unused-images'], { env, cwd: dir, timeoutMs: 120_000 });
    assert.ok(!purge.timedOut, 'purge ended');
    assert.strictEqual(purge.status, 1);
    assert.ok(!hasStackTrace(purge.stderr), purge.stderr);
    assert.strictEqual(purge.stderr.trim().split('\n').length, 1, purge.stderr);
    assert.match(purge.stderr, /^ml-disk-space: Docker engine at .* answered GET \/system\/df with more than 256 MiB/);
  });
});
