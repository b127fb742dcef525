// Adversarial (issue 16, class 2): the engine's prune must not remove what the plan did not list.
// A real dockerd; a relay on its own unix socket holds the first image removal (or, for the old
// code path, the engine-side prune) and, while it is in flight, removes the container that kept
// another image in use: the engine-side prune would then take that image too. The real CLI runs
// `purge docker:unused-images --yes` through the relay; afterwards only the planned image is gone.
import * as assert from 'assert';
import * as http from 'http';
import * as path from 'path';
import { executeDockerPlan, planPruneBuildCache, summarizeDockerReport, ENGINE_DECIDES_BUILD_CACHE, type DockerExecutionReport } from '../../src/core/categories/docker/dockerPlans';
import { createDockerodeClient } from '../../src/core/categories/docker/dockerodeClient';
import { busyboxRootfsTar, buildImage, engineCall, importImage, inventory, runContainer, startDockerd, type Dockerd } from '../support/dockerd';
import { runCli } from '../support/runCli';

/** Forwards everything to the engine; the first request matching `hold` waits for `duringHold()` first. */
class DelayingRelay {
  readonly socketPath: string;
  private server: http.Server;
  /** Matched against "METHOD /path" (API version prefix dropped). */
  hold: RegExp | undefined;
  duringHold: (() => Promise<void>) | undefined;
  readonly held: string[] = [];
  readonly seen: string[] = [];

  constructor(private readonly engine: Dockerd) {
    this.socketPath = path.join(engine.dir, 'relay.sock');
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const apiPath = (req.url ?? '').replace(/^\/v[\d.]+/, '');
    this.seen.push(`${req.method} ${apiPath}`);
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    if (this.hold && !this.held.length && this.hold.test(`${req.method} ${apiPath}`)) {
      this.held.push(`${req.method} ${apiPath}`);
      // The request is on its way: the world changes before the engine acts on it.
      await this.duringHold?.();
    }
    const upstream = http.request({ socketPath: this.engine.socketPath, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.socket?.destroy());
    upstream.end(Buffer.concat(body));
  }
}

describe('adversarial: an image prune removes only what its plan listed (real dockerd, delaying relay)', function () {
  this.timeout(240_000);
  let engine: Dockerd;
  let relay: DelayingRelay;

  before(async () => {
    engine = await startDockerd();
    relay = new DelayingRelay(engine);
    await relay.listen();
  });
  after(async () => {
    await relay?.close();
    await engine?.stop();
  });

  it('purge docker:unused-images --yes: a container removed while the removal is in flight does not make its image go too', async () => {
    const s = engine.socketPath;
    await importImage(s, await busyboxRootfsTar(), 'base', '1');
    // b first: an engine-side prune bounded by `until` (the newest planned image) covers b too.
    const b = await buildImage(s, 'b:1', 'FROM base:1\nRUN dd if=/dev/zero of=/b bs=1024 count=96\n');
    await new Promise((r) => setTimeout(r, 1100));
    const a = await buildImage(s, 'a:1', 'FROM base:1\nRUN dd if=/dev/zero of=/a bs=1024 count=64\n');
    const userOfB = await runContainer(s, { name: 'user-of-b', image: 'b:1', cmd: ['true'] });
    await runContainer(s, { name: 'user-of-base', image: 'base:1', cmd: ['true'] });

    // Hold the first request that removes images (by id now; the engine-wide prune before), and
    // remove b's only container while it is held.
    relay.hold = /^(DELETE \/images\/|POST \/images\/prune)/;
    relay.duringHold = async () => { await engineCall(s, 'DELETE', `/containers/${userOfB}`, [204]); };

    const before = await inventory(s);
    const env = { ...process.env, DOCKER_HOST: `unix://${relay.socketPath}` };
    const shown = await runCli(['purge', 'docker:unused-images'], { env, timeoutMs: 60_000 });
    assert.strictEqual(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /a:1/);
    assert.doesNotMatch(shown.stdout, /b:1/, 'b:1 is used by a container: not in the plan');

    const r = await runCli(['purge', 'docker:unused-images', '--yes'], { env, timeoutMs: 120_000 });
    assert.strictEqual(relay.held.length, 1, `the relay held a removal: seen ${relay.seen.filter((x) => /images/.test(x)).join(', ')}`);
    assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const after = await inventory(s);
    assert.ok(!after.images.has(a), 'the planned image a:1 is gone');
    assert.ok(after.images.has(b), `b:1 was not in the plan and must stay; stdout: ${r.stdout}`);
    assert.ok([...before.images.keys()].filter((id) => !after.images.has(id)).every((id) => id === a), 'nothing but a:1 removed');
    assert.match(r.stdout, /Reclaimed .* \(1 item\)/);
  });

  it('build cache: the plan says before confirming that the engine decides, and the summary names every record it removed', async () => {
    const client = createDockerodeClient({ host: `unix://${engine.socketPath}`, source: 'setting' });
    const plan = planPruneBuildCache(await client.diskUsage());
    if (plan.targets.length) assert.ok(plan.confirmation.includes(ENGINE_DECIDES_BUILD_CACHE), plan.confirmation);
    // The summary of a prune in which the engine removed a record the plan did not list.
    const report: DockerExecutionReport = {
      action: 'prune-build-cache', title: 'Prune build cache', endpoint: 'unix:///x', bytesFreed: 0, bytesSource: 'planned',
      outcomes: [{ type: 'build-cache', id: 'planned1', label: 'regular planned1', status: 'removed', bytes: 10 }],
      engineDeleted: ['planned1', 'extra0000000abc'], cancelled: false, summary: '',
      engineAlsoRemoved: [{ type: 'build-cache', id: 'extra0000000abc', label: 'extra0000000', note: 'not in the plan' }],
    };
    assert.match(summarizeDockerReport(report), /The engine also removed 1 record not in the plan: extra0000000 \(not in the plan\)\./);
    // And through the executor on the real engine: an empty build cache prune reports no extras.
    const real = await executeDockerPlan(client, plan, { platform: 'linux' });
    for (const extra of real.engineAlsoRemoved ?? []) assert.ok(real.summary.includes(extra.label));
  });
});
