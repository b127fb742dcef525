// Image anatomy against a REAL dockerd: images built offline with known contents. Oracles: the
// raw GET /images/{id}/history (our own HTTP helper, not DockerClient) and the byte counts the
// fixtures wrote on purpose; the file deleted by a later layer (a whiteout) must not count.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { analyzeImage, withoutPassThroughFolders } from '../../src/core/categories/docker/imageAnatomy';
import type { DockerClient } from '../../src/core/categories/docker/client';
import { createDockerodeClient } from '../../src/core/categories/docker/dockerodeClient';
import { buildImage, busyboxRootfsTar, engineCall, importImage, startDockerd, tarBuffer, type Dockerd } from '../support/dockerd';
import * as tar from 'tar-stream';

const BIG = 3_000_000;
const REMOVED = 100_000;
const PKG_FILES = { '__init__.py': 1_000, 'core.so': 250_000, 'data/table.dat': 50_000 };
const PKG_BYTES = Object.values(PKG_FILES).reduce((a, b) => a + b, 0);
const WEIGHTS = 400_000;
const SITE = '/usr/local/lib/python3.9/site-packages';

async function rootfsWithExtras(): Promise<Buffer> {
  // The busybox rootfs plus a large file deep down and a file a later layer deletes.
  const base = await busyboxRootfsTar();
  const extract = tar.extract();
  const pack = tar.pack();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => { pack.entry(header, Buffer.concat(chunks)); next(); });
    });
    extract.on('finish', () => {
      pack.entry({ name: 'opt/deep/a/b/c/big.dat', mode: 0o644 }, Buffer.alloc(BIG, 1));
      pack.entry({ name: 'etc/remove-me.txt', mode: 0o644 }, Buffer.alloc(REMOVED, 2));
      pack.finalize();
      resolve();
    });
    extract.on('error', reject);
  });
  extract.end(base);
  await done;
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('docker image anatomy (real dockerd)', function () {
  this.timeout(180_000);
  let engine: Dockerd;
  let client: DockerClient;
  let servingId: string;
  let baseId: string;

  before(async function () {
    engine = await startDockerd();
    client = createDockerodeClient({ host: engine.host, source: 'setting' });
    baseId = await importImage(engine.socketPath, await rootfsWithExtras(), 'anatomy-base', 'v1');
    const files: Record<string, string> = { 'model.safetensors': 'w'.repeat(WEIGHTS) };
    for (const [name, size] of Object.entries(PKG_FILES)) files[`fake_pkg/${name}`] = 'p'.repeat(size);
    servingId = await buildImage(engine.socketPath, 'anatomy-serving:v1', [
      'FROM anatomy-base:v1',
      `COPY fake_pkg ${SITE}/fake_pkg`,
      'RUN rm /etc/remove-me.txt',
      'COPY model.safetensors /models/model.safetensors',
    ].join('\n'), files);
    void tarBuffer;
  });

  after(async () => { await engine?.stop(); });

  it('lists the layers with the sizes GET /images/{id}/history reports, oldest first', async () => {
    const raw = (await engineCall(engine.socketPath, 'GET', `/images/${servingId}/history`, [200])).json() as { Size: number; CreatedBy: string }[];
    const anatomy = await analyzeImage(client, servingId, [baseId, servingId]);
    assert.deepEqual(anatomy.layers.map((l) => l.bytes), raw.map((h) => h.Size).reverse());
    assert.equal(anatomy.bytes, raw.reduce((s, h) => s + h.Size, 0));
    const copy = anatomy.layers.find((l) => l.instruction.startsWith('COPY') && l.instruction.includes('fake_pkg'));
    assert.ok(copy, `a COPY layer in ${anatomy.layers.map((l) => l.instruction).join(' | ')}`);
    assert.equal(copy.bytes >= PKG_BYTES, true);
    // The base layer is also part of anatomy-base:v1; the serving image's own layers are not shared.
    assert.equal(anatomy.layers[0].shared, true);
    assert.equal(anatomy.layers.filter((l) => l.bytes > 0).slice(1).every((l) => !l.shared), true);
  });

  it('sizes the folders inside the image from its filesystem, honouring the whiteout', async () => {
    // By name, with its own id among the others: its own layers must not count as shared with itself.
    const anatomy = await analyzeImage(client, 'anatomy-serving:v1', [baseId, servingId], { limit: 1000, maxDepth: 12 });
    assert.equal(anatomy.layers.filter((l) => l.bytes > 0).slice(1).every((l) => !l.shared), true);
    const size = (p: string) => anatomy.paths.find((x) => x.path === p)?.bytes;
    const busybox = fs.statSync(['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p))!).size;
    assert.equal(size('/opt/deep/a/b/c'), BIG);
    assert.equal(size(`${SITE}/fake_pkg`), PKG_BYTES);
    assert.equal(size('/models'), WEIGHTS);
    assert.equal(size('/bin'), busybox);
    // /etc/remove-me.txt was deleted by a later layer: /etc holds nothing with bytes any more.
    assert.equal(size('/etc'), undefined);
    assert.equal(anatomy.largestFiles.some((f) => f.path === '/etc/remove-me.txt'), false);
    assert.deepEqual(anatomy.pythonPackages, [{ path: `${SITE}/fake_pkg`, bytes: PKG_BYTES }]);
    assert.deepEqual(anatomy.modelWeights, [{ path: '/models/model.safetensors', bytes: WEIGHTS }]);
    assert.ok(anatomy.hints.some((h) => h.startsWith('Largest layer:')), anatomy.hints.join('\n'));
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(analyzeImage(client, servingId, [], { signal: controller.signal }));
  });
});

describe('withoutPassThroughFolders', () => {
  it('keeps only the deepest folder of a chain holding the same bytes', () => {
    const paths = [
      { path: '/opt', bytes: 30 }, { path: '/opt/deep', bytes: 30 }, { path: '/opt/deep/c', bytes: 30 },
      { path: '/usr', bytes: 20 }, { path: '/usr/a', bytes: 12 }, { path: '/usr/b', bytes: 8 },
    ];
    assert.deepEqual(withoutPassThroughFolders(paths).map((p) => p.path), ['/opt/deep/c', '/usr', '/usr/a', '/usr/b']);
  });
});
