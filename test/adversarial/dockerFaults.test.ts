// Adversarial: a Docker engine that answers 500, hangs, drops the connection in the middle of a
// prune, or dies (SIGKILL) while pruning. A REAL dockerd does the work; a small HTTP proxy on its
// own unix socket sits between our DockerClient and the engine and injects the fault on the
// chosen endpoint only (no mock of our interface: the client speaks real HTTP to a real socket).
// After each case, the engine's inventory shows that nothing outside the plan was removed.
import * as assert from 'assert';
import * as http from 'http';
import * as path from 'path';
import type { DockerClient } from '../../src/core/categories/docker/client';
import { createDockerodeClient } from '../../src/core/categories/docker/dockerodeClient';
import { executeDockerPlan, planPruneDanglingImages, planRemoveVolumes } from '../../src/core/categories/docker/dockerPlans';
import { scanDocker } from '../../src/core/categories/docker/category';
import { buildImage, busyboxRootfsTar, createVolume, importImage, inventory, rawDiskUsage, runContainer, startDockerd, type Dockerd, type EngineInventory } from '../support/dockerd';

type Fault = 'ok' | '500' | 'hang' | 'drop' | 'kill-engine';

/** Forwards every request to the engine, except those matching `rule`, which get `fault`. */
class FaultProxy {
  readonly socketPath: string;
  private server: http.Server;
  rule: { method: string; path: RegExp; fault: Fault } | undefined;
  /** Requests that reached the fault (method + path). */
  readonly hits: string[] = [];
  private readonly hanging: http.ServerResponse[] = [];

  constructor(private readonly engine: Dockerd) {
    this.socketPath = path.join(engine.dir, 'proxy.sock');
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }

  close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const apiPath = (req.url ?? '').replace(/^\/v[\d.]+/, '');
    const rule = this.rule && req.method === this.rule.method && this.rule.path.test(apiPath) ? this.rule : undefined;
    if (rule) this.hits.push(`${req.method} ${apiPath}`);
    const fault = rule?.fault ?? 'ok';
    if (fault === '500') {
      req.resume();
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'injected: the engine failed' }));
      return;
    }
    if (fault === 'hang') {
      req.resume();
      this.hanging.push(res);
      return;
    }
    // Frozen before the request reaches it, so it cannot answer first: the kill below always
    // lands with the prune in flight (a small prune otherwise finishes within milliseconds).
    if (fault === 'kill-engine') this.engine.signal('SIGSTOP');
    const upstream = http.request({ socketPath: this.engine.socketPath, method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (fault === 'drop') {
        // The engine did (or is doing) the work; its answer never arrives: the connection dies.
        up.resume();
        res.socket?.destroy();
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
    if (fault === 'kill-engine') {
      // The request is on its way to the frozen engine; the engine dies right now.
      req.on('end', () => setTimeout(() => this.engine.signal('SIGKILL'), 50));
    }
  }
}

function assertOnlyGone(before: EngineInventory, after: EngineInventory, allowed: { images?: string[]; volumes?: string[] }): void {
  for (const id of before.images.keys()) if (!after.images.has(id)) assert.ok(allowed.images?.includes(id), `image ${id} removed but not planned`);
  for (const id of before.containers.keys()) assert.ok(after.containers.has(id), `container ${id} removed`);
  for (const v of before.volumes) if (!after.volumes.has(v)) assert.ok(allowed.volumes?.includes(v), `volume ${v} removed but not planned`);
  for (const id of after.images.keys()) assert.ok(before.images.has(id), `image ${id} appeared`);
}

describe('adversarial: Docker engine faults (real dockerd behind a fault-injecting proxy)', function () {
  this.timeout(180_000);
  let engine: Dockerd;
  let proxy: FaultProxy;
  let client: DockerClient;

  before(async () => {
    engine = await startDockerd();
    const s = engine.socketPath;
    await importImage(s, await busyboxRootfsTar(), 'base', '1');
    await buildImage(s, 'app:x', 'FROM base:1\nRUN dd if=/dev/zero of=/a bs=1024 count=64\n');
    await buildImage(s, 'app:x', 'FROM base:1\nRUN dd if=/dev/zero of=/b bs=1024 count=80\n'); // leaves a dangling image
    await buildImage(s, 'keep:1', 'FROM base:1\nRUN dd if=/dev/zero of=/k bs=1024 count=32\n');
    for (const v of ['unused-a', 'unused-b', 'in-use']) await createVolume(s, v);
    await runContainer(s, { name: 'stopped', image: 'keep:1', cmd: ['true'], volumes: ['in-use:/data'] });
    proxy = new FaultProxy(engine);
    await proxy.listen();
    client = createDockerodeClient({ host: `unix://${proxy.socketPath}`, source: 'setting' }, { timeouts: { ping: 2000, read: 1500, remove: 1500, prune: 1500 } });
  });

  after(async () => {
    await proxy?.close();
    await engine?.stop();
  });

  beforeEach(() => { proxy.rule = undefined; proxy.hits.length = 0; });

  it('GET /system/df answers 500: the category says what the engine said, no crash', async () => {
    proxy.rule = { method: 'GET', path: /^\/system\/df/, fault: '500' };
    const category = await scanDocker(client);
    assert.ok(proxy.hits.length >= 1);
    assert.match(category.error ?? '', /injected: the engine failed/);
    assert.strictEqual(category.bytes, 0);
  });

  it('GET /system/df hangs: the scan gives up after its timeout with a clear message', async () => {
    proxy.rule = { method: 'GET', path: /^\/system\/df/, fault: 'hang' };
    const t0 = Date.now();
    const category = await scanDocker(client);
    assert.ok(Date.now() - t0 < 15_000);
    assert.match(category.error ?? '', /did not answer GET \/system\/df within 1\.5 s/);
  });

  it('the image removal of a prune answers 500: reported as failed with the engine\'s words; nothing removed', async () => {
    const plan = planPruneDanglingImages(await client.diskUsage());
    assert.strictEqual(plan.targets.length, 1);
    const before = await inventory(engine.socketPath);
    proxy.rule = { method: 'DELETE', path: /^\/images\//, fault: '500' };
    const report = await executeDockerPlan(client, plan, { platform: 'linux' });
    assert.deepStrictEqual(report.outcomes.map((o) => o.status), ['failed']);
    assert.match(report.outcomes[0].message ?? '', /injected: the engine failed/);
    assert.strictEqual(report.bytesFreed, 0);
    assertOnlyGone(before, await inventory(engine.socketPath), {});
  });

  it('one volume removal answers 500: that one fails, the other goes, nothing else is touched', async () => {
    const plan = planRemoveVolumes(await client.diskUsage(), ['unused-a', 'unused-b']);
    assert.deepStrictEqual(plan.targets.map((t) => t.id).sort(), ['unused-a', 'unused-b']);
    const before = await inventory(engine.socketPath);
    proxy.rule = { method: 'DELETE', path: /^\/volumes\/unused-a/, fault: '500' };
    const report = await executeDockerPlan(client, plan, { platform: 'linux' });
    const byId = new Map(report.outcomes.map((o) => [o.id, o]));
    assert.strictEqual(byId.get('unused-a')!.status, 'failed');
    assert.match(byId.get('unused-a')!.message ?? '', /injected: the engine failed/);
    assert.strictEqual(byId.get('unused-b')!.status, 'removed');
    const after = await inventory(engine.socketPath);
    assert.ok(after.volumes.has('unused-a') && !after.volumes.has('unused-b'));
    assertOnlyGone(before, after, { volumes: ['unused-b'] });
  });

  it('an image removal of a prune the engine does not answer in time is reported as "may be gone", not as done or skipped', async () => {
    const plan = planPruneDanglingImages(await client.diskUsage());
    assert.strictEqual(plan.targets.length, 1);
    const before = await inventory(engine.socketPath);
    proxy.rule = { method: 'DELETE', path: /^\/images\//, fault: 'hang' };
    const report = await executeDockerPlan(client, plan, { platform: 'linux' });
    assert.strictEqual(proxy.hits.length, 1);
    assert.strictEqual(report.outcomes[0].status, 'failed');
    assert.strictEqual(report.outcomes[0].code, 'unknown-outcome');
    assert.match(report.summary, /it may be gone: scan again to see/);
    assertOnlyGone(before, await inventory(engine.socketPath), {});
  });

  it('the connection drops in the middle of an image removal: reported as done only if the engine no longer lists it; bytes as measured', async () => {
    const du = await client.diskUsage();
    const plan = planPruneDanglingImages(du);
    assert.strictEqual(plan.targets.length, 1);
    const before = await inventory(engine.socketPath);
    const rawBefore = await rawDiskUsage(engine.socketPath);
    proxy.rule = { method: 'DELETE', path: /^\/images\//, fault: 'drop' };
    const report = await executeDockerPlan(client, plan, { platform: 'linux' });
    assert.strictEqual(proxy.hits.length, 1);
    const after = await inventory(engine.socketPath);
    const o = report.outcomes[0];
    assert.ok(o.message && o.message.length > 10, 'a clear message');
    if (after.images.has(o.id)) {
      assert.strictEqual(o.status, 'failed', JSON.stringify(o));
      assert.strictEqual(report.bytesFreed, 0);
    } else {
      // The engine did it; only its answer was lost: removed, with the bytes the engine's totals lost.
      assert.strictEqual(o.status, 'removed', JSON.stringify(o));
      assert.strictEqual(o.code, 'gone-after-error');
      const rawAfter = await rawDiskUsage(engine.socketPath);
      assert.strictEqual(report.bytesFreed, rawBefore.LayersSize - rawAfter.LayersSize);
    }
    assertOnlyGone(before, after, { images: plan.targets.map((t) => t.id) });
  });

  it('the engine dies (SIGKILL) while pruning: a clear failure, no crash, no claim of space freed (runs last: it kills the engine)', async () => {
    await buildImage(engine.socketPath, 'app:x', 'FROM base:1\nRUN dd if=/dev/zero of=/c bs=1024 count=90\n'); // a new dangling image
    const plan = planPruneDanglingImages(await client.diskUsage());
    assert.ok(plan.targets.length >= 1);
    proxy.rule = { method: 'DELETE', path: /^\/images\//, fault: 'kill-engine' };
    const report = await executeDockerPlan(client, plan, { platform: 'linux' });
    assert.ok(proxy.hits.length >= 1);
    for (const o of report.outcomes) {
      assert.notStrictEqual(o.status, 'removed', JSON.stringify(o));
      assert.ok(o.message && o.message.length > 10, JSON.stringify(o));
    }
    assert.strictEqual(report.bytesFreed, 0);
    assert.match(report.summary, /^Reclaimed 0 B/);
    // The next scan says the engine is gone.
    proxy.rule = undefined;
    const category = await scanDocker(client);
    assert.ok(category.error && /not reachable|did not answer|ECONNREFUSED|ECONNRESET|socket hang up/i.test(category.error), category.error);
  });
});
