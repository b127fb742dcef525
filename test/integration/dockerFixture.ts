// Fixture part `dockerEngine`: a real dockerd for one integration phase (test/support/dockerd.ts,
// recipe in test/support/dockerd.ts), filled offline with a small scene, and DOCKER_HOST for the extension host.
// The runner stops it when the phase ends (disposeFixture), passed or failed; an exit hook kills
// it if the runner itself dies first. Phases ask for it by name (it is not in the default parts).
//
// The scene (built through the raw Engine API, no registry):
//   base:1        imported busybox root filesystem: the base layer every other image shares
//   ml:1          FROM base:1 + COPY 600 KiB model weights into /opt/models + COPY 300 KiB into
//                 /usr/lib/python3/site-packages/torch + COPY a small script into /workspace
//   ml:2          FROM base:1 + COPY 200 KiB into /data
//   <none>        dangling: the first build of app:rebuild (150 KiB), replaced by a second (160 KiB)
//   used:1        FROM base:1 + COPY 100 KiB; used by the exited container stopped-c
//   stopped-c     exited; wrote 50 KiB into its writable layer and 100 KiB into volume data-used
//   data-orphan   volume no container references, 200 KiB
// No file here imports `vscode`: the runner (plain Node) builds it, the tests read its info.
import { buildImage, createVolume, engineCall, fillVolume, importImage, busyboxRootfsTar, runContainer, startDockerd } from '../support/dockerd';
import type { FixtureBuilder } from './fixture';

const KiB = 1024;

export interface DockerEngineInfo {
  /** `unix:///tmp/mldd-…/docker.sock`, also the extension host's DOCKER_HOST. */
  host: string;
  socketPath: string;
  /** dockerd's pid (the engine-stopped test ends it). */
  pid: number;
  storageDriver: string;
  /** How long building the scene took. */
  sceneBuiltMs: number;
  ids: {
    base: string;
    ml1: string;
    ml2: string;
    dangling: string;
    rebuild: string;
    used: string;
    stoppedContainer: string;
  };
  /** Bytes the scene wrote on purpose, for hand-computed expectations (apparent sizes). */
  bytes: {
    ml1Models: number;
    ml1Torch: number;
    ml1Script: number;
    ml2Data: number;
    dangling: number;
    rebuild: number;
    used: number;
    stoppedWritable: number;
    dataUsed: number;
    dataOrphan: number;
  };
}

const BYTES: DockerEngineInfo['bytes'] = {
  ml1Models: 600 * KiB,
  ml1Torch: 300 * KiB,
  ml1Script: 1234,
  ml2Data: 200 * KiB,
  dangling: 150 * KiB,
  rebuild: 160 * KiB,
  used: 100 * KiB,
  stoppedWritable: 50 * KiB,
  dataUsed: 100 * KiB,
  dataOrphan: 200 * KiB,
};

/** Content of `n` bytes, different per `seed` (the legacy builder caches COPY by content). */
const content = (n: number, seed: string) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

export async function dockerEngine(fx: FixtureBuilder): Promise<DockerEngineInfo> {
  const engine = await startDockerd();
  fx.onDispose(() => engine.stop());
  const killOnExit = () => killGroupNow(engine.pid);
  process.on('exit', killOnExit);
  fx.onDispose(async () => void process.removeListener('exit', killOnExit));
  const sock = engine.socketPath;
  const t0 = Date.now();
  const base = await importImage(sock, await busyboxRootfsTar(), 'base', '1');
  const [ml1, ml2, [dangling, rebuild], used] = await Promise.all([
    buildImage(
      sock,
      'ml:1',
      'FROM base:1\nCOPY model.safetensors /opt/models/model.safetensors\nCOPY libtorch.so /usr/lib/python3/site-packages/torch/lib/libtorch.so\nCOPY train.py /workspace/train.py\nENV PYTHONUNBUFFERED=1\nCMD ["/bin/sh"]\n',
      { 'model.safetensors': content(BYTES.ml1Models, 'weights'), 'libtorch.so': content(BYTES.ml1Torch, 'torch'), 'train.py': content(BYTES.ml1Script, 'print(1)\n') },
    ),
    buildImage(sock, 'ml:2', 'FROM base:1\nCOPY data.bin /data/data.bin\n', { 'data.bin': content(BYTES.ml2Data, 'data') }),
    (async () => {
      const first = await buildImage(sock, 'app:rebuild', 'FROM base:1\nCOPY old.bin /old.bin\n', { 'old.bin': content(BYTES.dangling, 'old') });
      const second = await buildImage(sock, 'app:rebuild', 'FROM base:1\nCOPY new.bin /new.bin\n', { 'new.bin': content(BYTES.rebuild, 'new') });
      return [first, second];
    })(),
    buildImage(sock, 'used:1', 'FROM base:1\nCOPY used.bin /used.bin\n', { 'used.bin': content(BYTES.used, 'used') }),
    Promise.all([createVolume(sock, 'data-used'), createVolume(sock, 'data-orphan')]).then(() => fillVolume(sock, 'data-orphan', 'base:1', BYTES.dataOrphan / KiB)),
  ]);
  const stoppedContainer = await runContainer(sock, {
    name: 'stopped-c',
    image: 'used:1',
    cmd: ['sh', '-c', `dd if=/dev/zero of=/data/blob bs=1024 count=${BYTES.dataUsed / KiB} && dd if=/dev/zero of=/written bs=1024 count=${BYTES.stoppedWritable / KiB}`],
    volumes: ['data-used:/data'],
  });
  // The scene must be what the tests expect: one dangling image, the exited container.
  const images = (await engineCall(sock, 'GET', '/images/json?filters=' + encodeURIComponent('{"dangling":["true"]}'), [200])).json() as { Id: string }[];
  if (images.length !== 1 || images[0].Id !== dangling) throw new Error(`expected one dangling image ${dangling}, the engine lists ${JSON.stringify(images.map((i) => i.Id))}`);
  fx.env.DOCKER_HOST = engine.host;
  return {
    sceneBuiltMs: Date.now() - t0,
    host: engine.host,
    socketPath: sock,
    pid: engine.pid,
    storageDriver: engine.storageDriver,
    ids: { base, ml1, ml2, dangling, rebuild, used, stoppedContainer },
    bytes: BYTES,
  };
}

/** For exit hooks (no async there): the daemon's whole group; stop() cleans up mounts when it gets to run. */
function killGroupNow(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
