// `ml-disk-space metrics` with a real Docker engine (dockerd from Debian's docker.io): Docker's
// bytes have no local path, so they are exported with volume "" and must equal `scan --json`'s
// Docker category; an engine that cannot be reached is flagged (category_error 1, counted in
// scan_errors) instead of being exported as 0 bytes.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { buildDockerScene } from '../support/dockerFixtures';
import { startDockerd, type Dockerd } from '../support/dockerd';
import { makeSandbox, type Sandbox } from '../support/deletionFixtures';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

function cli(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`ml-disk-space ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** `name{labels} value` lines of an exposition, as a map. */
const samples = (text: string) => new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));

describe('metrics with a real Docker engine', function () {
  this.timeout(180_000);
  let engine: Dockerd;
  let box: Sandbox;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    box = makeSandbox('mlds-metrics-docker-');
    engine = await startDockerd();
    await buildDockerScene(engine.socketPath);
    env = { ...process.env, HOME: box.root, XDG_CACHE_HOME: path.join(box.root, '.cache'), DOCKER_HOST: engine.host };
  });
  after(async () => {
    await engine?.stop();
    box?.cleanup();
  });

  it('Docker bytes and reclaimable bytes equal scan --json, on volume ""', () => {
    const json = JSON.parse(cli(['scan', box.root, '--json'], env)) as { categories: { id: string; bytes: number; reclaimableBytes?: number; error?: string }[] };
    const docker = json.categories.find((c) => c.id === 'docker')!;
    assert.ok(docker && !docker.error && docker.bytes > 0, JSON.stringify(docker));
    const got = samples(cli(['metrics', box.root], env));
    assert.strictEqual(got.get('ml_disk_space_category_bytes{category="docker",volume=""}'), docker.bytes);
    assert.strictEqual(got.get('ml_disk_space_category_reclaimable_bytes{category="docker",volume=""}'), docker.reclaimableBytes);
    assert.strictEqual(got.get('ml_disk_space_category_error{category="docker"}'), 0);
  });

  it('an engine that cannot be reached: category_error 1, counted in scan_errors, no bytes exported', () => {
    const downEnv = { ...env, DOCKER_HOST: `unix://${path.join(box.dir, 'no-such.sock')}` };
    const json = JSON.parse(cli(['scan', box.root, '--json'], downEnv)) as { categories: { id: string; error?: string }[]; warnings: unknown[] };
    assert.ok(json.categories.find((c) => c.id === 'docker')?.error, 'scan --json reports the Docker category as failed');
    const got = samples(cli(['metrics', box.root], downEnv));
    assert.strictEqual(got.get('ml_disk_space_category_error{category="docker"}'), 1);
    assert.ok(![...got.keys()].some((k) => k.startsWith('ml_disk_space_category_bytes{category="docker"')));
    assert.strictEqual(got.get('ml_disk_space_scan_errors'), json.warnings.length + 1);
  });
});
