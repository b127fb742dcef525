// Image composition, waste and comparison against a REAL dockerd. The base is a `docker import` of
// a tar holding a CUDA-like /usr/local/cuda/lib64, site-packages/torch/lib (with libtorch_cuda),
// site-packages/nvidia/cublas, numpy, conda pkgs and envs, weights, apt lists and a toolchain;
// the legacy builder adds a pip cache, a file a later RUN deletes, a file a later COPY replaces,
// the same file copied twice, and an app folder with .git and tests. Every expected number is the
// sum of what this test wrote (the busybox rootfs's bytes read back from the tar it built), never a
// constant; the oracle for which file is which kind is this test's own table, not kindOf().
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { analyzeImage, type ImageAnatomy } from '../../src/core/categories/docker/imageAnatomy';
import { compareAnatomies } from '../../src/core/categories/docker/imageCompare';
import { kindOf, type CompositionKind } from '../../src/core/categories/docker/imageComposition';
import type { DockerClient } from '../../src/core/categories/docker/client';
import { createDockerodeClient } from '../../src/core/categories/docker/dockerodeClient';
import { buildImage, busyboxRootfsTar, importImage, startDockerd, type Dockerd } from '../support/dockerd';

const SITE = 'usr/local/lib/python3.11/site-packages';
/** What the base tar holds besides busybox: path -> [bytes, kind this test means it to be]. */
const BASE: Record<string, [number, CompositionKind]> = {
  'usr/local/cuda/lib64/libcudart.so.12': [210_000, 'cuda'],
  'usr/local/cuda/lib64/libcublas.so.12': [330_000, 'cuda'],
  [`${SITE}/nvidia/cublas/lib/libcublasLt.so.12`]: [270_000, 'cuda'],
  [`${SITE}/torch/lib/libtorch_cuda.so`]: [520_000, 'pytorch'],
  [`${SITE}/torch/lib/libtorch_cpu.so`]: [180_000, 'pytorch'],
  [`${SITE}/torch/__init__.py`]: [3_000, 'pytorch'],
  [`${SITE}/numpy/core/_multiarray_umath.so`]: [90_000, 'python'],
  [`${SITE}/numpy-1.26.4.dist-info/RECORD`]: [2_000, 'python'],
  [`${SITE}/six.py`]: [1_500, 'python'],
  'opt/conda/pkgs/python-3.11.8-h955ad1f_0.conda': [60_000, 'conda-pkgs'],
  'opt/conda/envs/serve/lib/libpython3.11.so': [70_000, 'conda-envs'],
  'models/model.safetensors': [400_000, 'weights'],
  'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages': [120_000, 'os'],
  'usr/lib/gcc/x86_64-linux-gnu/12/cc1': [150_000, 'os'],
  'usr/include/stdio.h': [30_000, 'os'],
};
const PIP_CACHE = 'root/.cache/pip/http-v2/a/b/c/0123456789abcdef';
const APP: Record<string, number> = { 'main.py': 4_000, '.git/objects/pack/pack-1.pack': 45_000, 'tests/fixture.dat': 25_000 };
const SIZES = { pip: 140_000, scratch: 110_000, cfg1: 80_000, cfg2: 85_000, same: 100_000, torchCudaV2: 700_000 };

const text = (n: number, seed: string) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

async function baseTar(): Promise<{ tar: Buffer; busyboxFiles: Map<string, number> }> {
  const busybox = await busyboxRootfsTar();
  const busyboxFiles = new Map<string, number>();
  const extract = tar.extract();
  const pack = tar.pack();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') busyboxFiles.set(header.name, header.size ?? 0);
        pack.entry(header, Buffer.concat(chunks));
        next();
      });
    });
    extract.on('finish', () => {
      for (const [name, [size]] of Object.entries(BASE)) pack.entry({ name, mode: 0o644 }, Buffer.from(text(size, name)));
      pack.finalize();
      resolve();
    });
    extract.on('error', reject);
  });
  extract.end(busybox);
  await done;
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return { tar: Buffer.concat(chunks), busyboxFiles };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const baseBytesOf = (...paths: string[]) => sum(paths.map((p) => BASE[p][0]));

describe('docker image composition, waste and compare (real dockerd)', function () {
  this.timeout(240_000);
  let engine: Dockerd;
  let client: DockerClient;
  let busyboxBytes: number;
  let v1: ImageAnatomy;
  let v2: ImageAnatomy;

  before(async function () {
    engine = await startDockerd();
    client = createDockerodeClient({ host: engine.host, source: 'setting' });
    const base = await baseTar();
    busyboxBytes = sum([...base.busyboxFiles.values()]);
    await importImage(engine.socketPath, base.tar, 'anat-cuda-base', 'v1');
    const app: Record<string, string> = {};
    for (const [name, size] of Object.entries(APP)) app[`app/${name}`] = text(size, name);
    await buildImage(engine.socketPath, 'anat-ml:v1', [
      'FROM anat-cuda-base:v1',
      `COPY pipcache /${PIP_CACHE}`,
      'COPY scratch.dat /work/scratch.dat',
      'RUN rm /work/scratch.dat',
      'COPY cfg1.dat /srv/cfg.dat',
      'COPY cfg2.dat /srv/cfg.dat',
      'COPY same.dat /srv/one/same.dat',
      'COPY same.dat /srv/two/same.dat',
      'COPY app /srv/app',
    ].join('\n'), {
      pipcache: text(SIZES.pip, 'pip'), 'scratch.dat': text(SIZES.scratch, 'scratch'),
      'cfg1.dat': text(SIZES.cfg1, 'cfg1'), 'cfg2.dat': text(SIZES.cfg2, 'cfg2'), 'same.dat': text(SIZES.same, 'same'), ...app,
    });
    // A torch upgrade: a larger libtorch_cuda replaces the base's, and no pip cache this time.
    await buildImage(engine.socketPath, 'anat-ml:v2', [
      'FROM anat-cuda-base:v1',
      `COPY libtorch_cuda.so /${SITE}/torch/lib/libtorch_cuda.so`,
      'COPY app /srv/app',
    ].join('\n'), { 'libtorch_cuda.so': text(SIZES.torchCudaV2, 'torch2'), ...app });
    v1 = await analyzeImage(client, 'anat-ml:v1', [], { limit: 1000 });
    v2 = await analyzeImage(client, 'anat-ml:v2', [], { limit: 1000 });
  });

  after(async () => { await engine?.stop(); });

  /** The final filesystem of v1 by kind, from what this test wrote. */
  function expectedV1Kinds(): Record<CompositionKind, number> {
    const k: Record<CompositionKind, number> = { cuda: 0, pytorch: 0, python: 0, 'conda-pkgs': 0, 'conda-envs': 0, weights: 0, os: busyboxBytes, rest: 0 };
    for (const [size, kind] of Object.values(BASE)) k[kind] += size;
    // Still visible from the built layers: the pip cache, the replacing cfg, both copies of same.dat, the app.
    k.rest += SIZES.pip + SIZES.cfg2 + 2 * SIZES.same + sum(Object.values(APP));
    return k;
  }

  it('composition of the image: bytes by kind equal what the fixture wrote, deleted and replaced files not counted', () => {
    assert.deepEqual(v1.composition.kinds, expectedV1Kinds());
    assert.equal(v1.composition.torchCudaBytes, BASE[`${SITE}/torch/lib/libtorch_cuda.so`][0]);
    assert.deepEqual(v1.composition.packages, [
      { name: 'numpy', bytes: baseBytesOf(`${SITE}/numpy/core/_multiarray_umath.so`, `${SITE}/numpy-1.26.4.dist-info/RECORD`) },
      { name: 'six', bytes: BASE[`${SITE}/six.py`][0] },
    ]);
    assert.equal(v1.composition.total, sum(Object.values(expectedV1Kinds())));
  });

  it('composition per layer: each build step by kind, as shipped (deleted and replaced files included)', () => {
    const by = (prefix: string) => {
      const l = v1.layers.find((x) => x.instruction.startsWith(prefix));
      assert.ok(l?.composition, `layer ${prefix} in ${v1.layers.map((x) => x.instruction).join(' | ')}`);
      return l.composition;
    };
    const base = v1.layers[0].composition!;
    const baseKinds = { ...expectedV1Kinds(), rest: 0 };
    assert.deepEqual(base.kinds, baseKinds);
    assert.equal(v1.layers.find((l) => l.createdBy.includes('/work/scratch.dat') && l.instruction.startsWith('COPY'))!.composition!.kinds.rest, SIZES.scratch);
    assert.equal(by('RUN rm').total, 0);
    // The layers' compositions add up to everything shipped: the final files plus what later layers hid.
    assert.equal(sum(v1.layers.map((l) => l.composition!.total)), v1.composition.total + SIZES.scratch + SIZES.cfg1);
  });

  it('waste: each finding with its layer, the bytes the fixture wrote, and the fix', () => {
    const find = (kind: string, what?: RegExp) => {
      const w = v1.waste.filter((x) => x.kind === kind && (!what || what.test(x.what)));
      assert.equal(w.length, 1, `one ${kind} ${what ?? ''} finding in ${JSON.stringify(v1.waste.map((x) => [x.kind, x.what, x.bytes]))}`);
      return w[0];
    };
    const pip = find('package-cache', /pip/);
    assert.equal(pip.bytes, SIZES.pip);
    assert.equal(pip.layer.instruction, 'COPY …/0123456789abcdef');
    assert.match(pip.layer.createdBy, /COPY file:\w+ in \/root\/\.cache\/pip\//);
    assert.match(pip.fix, /--no-cache-dir/);
    const apt = find('package-cache', /apt package lists/);
    assert.equal(apt.bytes, baseBytesOf('var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages'));
    assert.equal(apt.layer.index, 0);
    assert.match(apt.fix, /rm -rf \/var\/lib\/apt\/lists/);
    assert.equal(find('package-cache', /conda/).bytes, baseBytesOf('opt/conda/pkgs/python-3.11.8-h955ad1f_0.conda'));
    assert.match(find('package-cache', /conda/).fix, /conda clean -afy/);
    const deleted = find('deleted-later');
    assert.equal(deleted.bytes, SIZES.scratch);
    assert.deepEqual(deleted.examples, ['/work/scratch.dat']);
    assert.match(deleted.layer.createdBy, /COPY file:\w+ in \/work\/scratch\.dat/);
    assert.match(deleted.other!.createdBy, /rm \/work\/scratch\.dat/);
    const replaced = find('overwritten-later');
    assert.equal(replaced.bytes, SIZES.cfg1);
    assert.deepEqual(replaced.examples, ['/srv/cfg.dat']);
    const dup = find('duplicate');
    assert.equal(dup.bytes, SIZES.same);
    assert.deepEqual(dup.examples, ['/srv/two/same.dat']);
    assert.match(dup.other!.createdBy, /\/srv\/one\/same\.dat/);
    assert.equal(dup.other!.instruction, 'COPY …/one/same.dat');
    assert.equal(dup.layer.instruction, 'COPY …/two/same.dat');
    assert.equal(find('build-toolchain').bytes, baseBytesOf('usr/lib/gcc/x86_64-linux-gnu/12/cc1', 'usr/include/stdio.h'));
    assert.equal(find('git').bytes, APP['.git/objects/pack/pack-1.pack']);
    assert.match(find('git').fix, /\.dockerignore/);
    assert.equal(find('test-data').bytes, APP['tests/fixture.dat']);
    assert.equal(v1.waste.length, 9);
    assert.equal(v1.wasteBytes, sum(v1.waste.map((w) => w.bytes)));
    for (const w of v1.waste) {
      assert.ok(w.layer.index >= 0 && v1.layers[w.layer.index].createdBy === w.layer.createdBy, JSON.stringify(w));
      assert.match(w.fix, /saves \d/);
    }
  });

  it('compares two images by kind: the torch upgrade grows PyTorch, the pip cache and the extra copies are gone', () => {
    const d = compareAnatomies(v1, v2);
    const delta = (kind: string) => d.kinds.find((k) => k.kind === kind)?.delta ?? 0;
    const oldTorchCuda = BASE[`${SITE}/torch/lib/libtorch_cuda.so`][0];
    assert.equal(delta('pytorch'), SIZES.torchCudaV2 - oldTorchCuda);
    assert.equal(delta('torch-cuda'), SIZES.torchCudaV2 - oldTorchCuda);
    assert.equal(delta('rest'), -(SIZES.pip + SIZES.cfg2 + 2 * SIZES.same));
    assert.equal(delta('cuda'), 0);
    const changes = d.kinds.map((k) => Math.abs(k.delta));
    assert.deepEqual(changes, [...changes].sort((x, y) => y - x), 'the largest change comes first');
    assert.equal(d.b.filesBytes - d.a.filesBytes, v2.composition.total - v1.composition.total);
    // v2 ships the base's libtorch_cuda and replaces it: that is waste of the base layer now.
    const replaced = v2.waste.find((w) => w.kind === 'overwritten-later');
    assert.equal(replaced?.bytes, oldTorchCuda);
    assert.equal(replaced.layer.index, 0);
  });

  it('CLI: image A --compare B --json has composition, waste and diff', function () {
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'image', 'anat-ml:v1', '--compare', 'anat-ml:v2', '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKER_HOST: engine.host } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { composition: { total: number; kinds: { kind: string; bytes: number }[]; torchCudaBytes: number }; waste: { kind: string; bytes: number }[]; wasteBytes: number; diff: { kinds: { kind: string; delta: number }[] } };
    assert.equal(out.composition.total, v1.composition.total);
    assert.deepEqual(Object.fromEntries(out.composition.kinds.map((k) => [k.kind, k.bytes])), Object.fromEntries(Object.entries(expectedV1Kinds()).filter(([, b]) => b > 0)));
    assert.equal(out.wasteBytes, v1.wasteBytes);
    assert.equal(out.diff.kinds.find((k) => k.kind === 'pytorch')!.delta, SIZES.torchCudaV2 - BASE[`${SITE}/torch/lib/libtorch_cuda.so`][0]);
    const plain = spawnSync(process.execPath, [cli, 'image', 'anat-ml:v1', '--compare', 'anat-ml:v2'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKER_HOST: engine.host } });
    assert.equal(plain.status, 0, plain.stderr);
    for (const s of ['Composition', 'PyTorch', 'of which libtorch_cuda', 'Waste', '--no-cache-dir', 'Compared with anat-ml:v2']) assert.ok(plain.stdout.includes(s), `"${s}" in\n${plain.stdout}`);
    // For the docs: what the CLI printed, next to the table this test computed from what it wrote.
    const expected = Object.entries(expectedV1Kinds()).filter(([, b]) => b > 0).map(([k, b]) => `  ${String(b).padStart(9)}  ${k}`);
    const artifacts = path.resolve(__dirname, '..', '..', '..', '.test-artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'image-anatomy-cli.txt'), `$ ml-disk-space image anat-ml:v1 --compare anat-ml:v2\n${plain.stdout}\nHand-computed from the fixture (bytes):\n${expected.join('\n')}\n  waste: ${JSON.stringify(v1.waste.map((w) => [w.kind, w.what, w.bytes]))}\n`);
  });
});

describe('kindOf', () => {
  it('puts each path in the kind its folder or name says', () => {
    const cases: [string, CompositionKind][] = [
      ['usr/local/cuda-12.1/targets/x86_64-linux/lib/libcusparse.so.12', 'cuda'],
      ['opt/conda/lib/python3.11/site-packages/torch/lib/libcudnn_ops_infer.so.8', 'cuda'],
      ['usr/lib/x86_64-linux-gnu/libnccl.so.2.18.1', 'cuda'],
      ['opt/conda/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so', 'pytorch'],
      ['usr/lib/python3/dist-packages/torch-2.2.0.dist-info/RECORD', 'pytorch'],
      ['usr/local/lib/python3.10/dist-packages/transformers/modeling_utils.py', 'python'],
      ['opt/conda/pkgs/pytorch-2.1.0-py3.11_cuda12.1_cudnn8.9.2_0/lib/libtorch_cuda.so', 'conda-pkgs'],
      ['opt/conda/bin/python3.11', 'conda-envs'],
      ['root/.cache/huggingface/hub/models--gpt2/blobs/248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707', 'weights'],
      ['workspace/ckpt/epoch=3.ckpt', 'weights'],
      ['var/cache/apt/pkgcache.bin', 'os'],
      ['usr/bin/python3.11', 'os'],
      ['usr/local/bin/uvicorn', 'rest'],
      ['app/server.py', 'rest'],
    ];
    for (const [p, kind] of cases) assert.equal(kindOf(p), kind, p);
  });
});

describe('readSaveArchive, OCI layout (docker 25+ `docker save`)', () => {
  // The engine in the tests writes the legacy layout; this archive is built by hand in the OCI
  // layout: the config and a small layer are blobs of a few bytes (buffered, then told apart by
  // content), the config names which build step made no layer.
  it('finds the config among the blobs and maps each layer to its build step', async () => {
    const { readSaveArchive, applyLayers } = await import('../../src/core/categories/docker/imageFilesystem');
    const { archiveToHistory } = await import('../../src/core/categories/docker/imageAnatomy');
    const layerTar = async (files: Record<string, Buffer>) => {
      const pack = tar.pack();
      for (const [name, body] of Object.entries(files)) pack.entry({ name }, body);
      pack.finalize();
      const chunks: Buffer[] = [];
      for await (const c of pack) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    const big = Buffer.alloc(70_000, 7);
    const l1 = await layerTar({ 'a/big.bin': big, 'a/gone.txt': Buffer.alloc(10, 1) });
    const l2 = await layerTar({ 'a/.wh.gone.txt': Buffer.alloc(0), 'b/copy.bin': big });
    const config = JSON.stringify({ history: [{ created_by: 'ADD rootfs' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'COPY copy.bin /b/' }] });
    const outer = tar.pack();
    outer.entry({ name: 'oci-layout' }, '{"imageLayoutVersion":"1.0.0"}');
    outer.entry({ name: 'blobs/sha256/1111' }, l1);
    outer.entry({ name: 'blobs/sha256/cccc' }, config);
    outer.entry({ name: 'blobs/sha256/2222' }, l2);
    outer.entry({ name: 'index.json' }, '{"manifests":[]}');
    outer.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'blobs/sha256/cccc', Layers: ['blobs/sha256/1111', 'blobs/sha256/2222'] }]));
    outer.finalize();
    const archive = await readSaveArchive(outer as unknown as import('node:stream').Readable);
    assert.deepEqual(archive.configHistory?.map((h) => h.emptyLayer), [false, true, false]);
    assert.deepEqual(archiveToHistory(archive, [{ bytes: 1 }, { bytes: 0 }, { bytes: 1 }]), [0, 2]);
    const applied = applyLayers(archive);
    assert.deepEqual([...applied.visible.keys()].sort(), ['a/big.bin', 'b/copy.bin']);
    assert.equal(applied.visible.get('a/big.bin')!.hash, applied.visible.get('b/copy.bin')!.hash);
    assert.deepEqual(applied.hidden.map((h) => [h.path, h.size, h.layer, h.hiddenBy, h.how]), [['a/gone.txt', 10, 0, 1, 'deleted']]);
  });
});
