// The standard offline Docker scene for the Docker tests, built through the raw Engine API:
//   base:1          imported busybox rootfs (the shared base layer); used by running-c
//   app:1           FROM base:1 + 300 KiB layer
//   app:2, app:latest (one image, two tags) FROM base:1 + 400 KiB layer
//   <none>          dangling: the first build of app:rebuild (150 KiB layer), replaced by a rebuild (160 KiB)
//   used:1          FROM base:1 + 100 KiB layer; used by the stopped container stopped-c
//   stopped-c       exited; wrote 50 KiB into its writable layer and 100 KiB into volume data-used
//   running-c       base:1, `sleep 3600`
//   data-used       volume referenced by stopped-c (100 KiB)
//   data-orphan     volume no container references (200 KiB)
//   bk:1            BuildKit build FROM base:1 (120 KiB RUN layer + a 6,000-byte COPY): build-cache records

import {
  buildImage,
  buildKitImage,
  busyboxRootfsTar,
  createVolume,
  engineCall,
  fillVolume,
  imageId,
  importImage,
  runContainer,
} from './dockerd';

export interface DockerScene {
  baseId: string;
  app1Id: string;
  app2Id: string;
  danglingId: string;
  rebuildId: string;
  usedId: string;
  bkId: string;
  stoppedContainerId: string;
  runningContainerId: string;
}

const KiB = 1024;

/** Bytes the scene writes on purpose, for hand-computed expectations. */
export const SCENE_BYTES = {
  app1Layer: 300 * KiB,
  app2Layer: 400 * KiB,
  danglingLayer: 150 * KiB,
  rebuildLayer: 160 * KiB,
  usedLayer: 100 * KiB,
  stoppedWritable: 50 * KiB,
  dataUsed: 100 * KiB,
  dataOrphan: 200 * KiB,
};

const ddLayer = (kib: number, file = '/payload') => `RUN dd if=/dev/zero of=${file} bs=1024 count=${kib}\n`;

export async function buildDockerScene(socketPath: string): Promise<DockerScene> {
  const baseId = await importImage(socketPath, await busyboxRootfsTar(), 'base', '1');
  // Independent builds in parallel: the scene is rebuilt before every destructive test.
  const [app1Id, app2Id, [danglingId, rebuildId], usedId, bkId] = await Promise.all([
    buildImage(socketPath, 'app:1', `FROM base:1\n${ddLayer(300)}`),
    buildImage(socketPath, 'app:2', `FROM base:1\n${ddLayer(400)}`).then(async (id) => {
      await engineCall(socketPath, 'POST', '/images/app:2/tag?repo=app&tag=latest', [201]);
      return id;
    }),
    (async () => {
      const first = await buildImage(socketPath, 'app:rebuild', `FROM base:1\n${ddLayer(150, '/old')}`);
      const second = await buildImage(socketPath, 'app:rebuild', `FROM base:1\n${ddLayer(160, '/new')}`);
      return [first, second];
    })(),
    buildImage(socketPath, 'used:1', `FROM base:1\n${ddLayer(100)}`),
    buildKitImage(socketPath, 'bk:1', `FROM base:1\n${ddLayer(120, '/bk')}COPY note.txt /note.txt\n`, { 'note.txt': 'x'.repeat(6000) }).then(() =>
      imageId(socketPath, 'bk:1'),
    ),
    Promise.all([createVolume(socketPath, 'data-used'), createVolume(socketPath, 'data-orphan')]).then(() =>
      fillVolume(socketPath, 'data-orphan', 'base:1', 200),
    ),
  ]);
  const [stoppedContainerId, runningContainerId] = await Promise.all([
    runContainer(socketPath, {
      name: 'stopped-c',
      image: 'used:1',
      cmd: ['sh', '-c', 'dd if=/dev/zero of=/data/blob bs=1024 count=100 && dd if=/dev/zero of=/written bs=1024 count=50'],
      volumes: ['data-used:/data'],
    }),
    runContainer(socketPath, { name: 'running-c', image: 'base:1', cmd: ['sleep', '3600'], wait: false }),
  ]);
  return { baseId, app1Id, app2Id, danglingId, rebuildId, usedId, bkId, stoppedContainerId, runningContainerId };
}

/** Removes every container, image, volume and build-cache record, so a scene can be rebuilt. */
export async function emptyEngine(socketPath: string): Promise<void> {
  const containers = (await engineCall(socketPath, 'GET', '/containers/json?all=1', [200])).json() as { Id: string }[];
  for (const c of containers) await engineCall(socketPath, 'DELETE', `/containers/${c.Id}?force=1&v=1`, [204, 404]);
  const volumes = ((await engineCall(socketPath, 'GET', '/volumes', [200])).json() as { Volumes: { Name: string }[] | null }).Volumes ?? [];
  for (const v of volumes) await engineCall(socketPath, 'DELETE', `/volumes/${v.Name}?force=1`, [204, 404]);
  const images = (await engineCall(socketPath, 'GET', '/images/json?all=1', [200])).json() as { Id: string }[];
  for (const i of images) await engineCall(socketPath, 'DELETE', `/images/${i.Id}?force=1`, [200, 404, 409]);
  await engineCall(socketPath, 'POST', '/images/prune?filters=' + encodeURIComponent('{"dangling":["false"]}'), [200]);
  await engineCall(socketPath, 'POST', '/build/prune?all=true', [200]);
}
