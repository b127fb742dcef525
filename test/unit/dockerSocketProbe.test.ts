// The connect made before dockerode is loaded: with nothing listening it fails with the socket's
// own error code (so the user sees the same message as before) and dockerode is never loaded;
// with a real engine there dockerode is loaded and the scan works as before. Whether dockerode was
// loaded is read from a fresh Node process's require.cache, so other tests cannot blur it.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDockerodeClient } from '../../src/core/categories/docker/dockerodeClient';
import { probeDockerSocket } from '../../src/core/categories/docker/socketProbe';
import { scanDocker } from '../../src/core/categories/docker/category';
import { startDockerd, type Dockerd } from '../support/dockerd';

const OUT_SRC = path.resolve(__dirname, '../../src');

/** Scans `host` in a fresh process; returns the category's error (or null) and whether dockerode got loaded. */
function scanInFreshProcess(host: string): { error: string | null; dockerodeLoaded: boolean } {
  const script = `
    const { createDockerodeClient } = require(${JSON.stringify(path.join(OUT_SRC, 'core/categories/docker/dockerodeClient.js'))});
    const { scanDocker } = require(${JSON.stringify(path.join(OUT_SRC, 'core/categories/docker/category.js'))});
    scanDocker(createDockerodeClient({ host: ${JSON.stringify(host)}, source: 'setting' })).then((category) => {
      const dockerodeLoaded = Object.keys(require.cache).some((k) => k.includes('/node_modules/dockerode/'));
      process.stdout.write(JSON.stringify({ error: category.error ?? null, dockerodeLoaded }));
    });`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { error: string | null; dockerodeLoaded: boolean };
}

describe('Docker socket probe (before loading dockerode)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-probe-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects with the socket error: ENOENT for a missing socket, ECONNREFUSED for a file nobody listens on', async function () {
    const signal = new AbortController().signal;
    await assert.rejects(probeDockerSocket({ protocol: 'unix', socketPath: path.join(dir, 'absent.sock') }, signal), { code: 'ENOENT' });
    const plain = path.join(dir, 'plain.sock');
    fs.writeFileSync(plain, '');
    await assert.rejects(probeDockerSocket({ protocol: 'unix', socketPath: plain }, signal), { code: 'ECONNREFUSED' });
  });

  it('resolves when something listens, and closes its connection', async function () {
    const socketPath = path.join(dir, 'listening.sock');
    let closed = 0;
    const server = net.createServer((conn) => conn.on('close', () => closed++));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await probeDockerSocket({ protocol: 'unix', socketPath }, new AbortController().signal);
      for (let i = 0; i < 500 && closed === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(closed, 1, 'the probe connection was closed');
    } finally {
      server.close();
    }
  });

  it('stops when its signal fires (a TCP host that never answers the connect)', async function () {
    const controller = new AbortController();
    // 192.0.2.0/24 is reserved for documentation: nothing answers there (the connect hangs or fails at once).
    const probe = probeDockerSocket({ protocol: 'tcp', hostname: '192.0.2.1', port: 2375 }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(probe);
  });

  it('no engine: the scan says "not reachable … ENOENT" as before, and dockerode is never loaded', function () {
    const socket = path.join(dir, 'absent.sock');
    const result = scanInFreshProcess(`unix://${socket}`);
    assert.equal(result.error, `Docker engine not reachable at unix://${socket}: ENOENT`);
    assert.equal(result.dockerodeLoaded, false);
  });

  describe('with a real engine', function () {
    let engine: Dockerd;
    before(async function () {
      engine = await startDockerd();
    });
    after(async function () {
      await engine?.stop();
    });

    it('the scan reaches it through dockerode', function () {
      const result = scanInFreshProcess(engine.host);
      assert.equal(result.error, null);
      assert.equal(result.dockerodeLoaded, true);
    });

    it('a client whose first probe failed reaches the engine once it listens there', async function () {
      const socketPath = path.join(dir, 'late.sock');
      const client = createDockerodeClient({ host: `unix://${socketPath}`, source: 'setting' });
      assert.equal((await scanDocker(client)).error, `Docker engine not reachable at unix://${socketPath}: ENOENT`);
      // The engine "starts": its socket appears at the path the client was given.
      fs.symlinkSync(engine.socketPath, socketPath);
      const category = await scanDocker(client);
      assert.equal(category.error, undefined);
      assert.equal(category.fields?.endpoint, `unix://${socketPath}`);
    });
  });
});
