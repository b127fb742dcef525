// The Docker category and actions against a REAL dockerd (test/support/dockerd.ts starts one;
// if it cannot, these tests fail with the reason). Oracles come from the raw Engine API
// (GET /system/df read with our own small HTTP helper, not through DockerClient), from the bytes
// the fixtures wrote on purpose, and from before/after inventories of the engine.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import type { DockerClient } from '../../src/core/categories/docker/client';
import { createDockerodeClient } from '../../src/core/categories/docker/dockerodeClient';
import {
  executeDockerPlan,
  planPruneBuildCache,
  planPruneDanglingImages,
  planPruneStoppedContainers,
  planPruneUnusedImages,
  planPruneUnusedVolumes,
  planRemoveContainers,
  planRemoveImages,
  planRemoveVolumes,
  VM_DISK_IMAGE_NOTE,
} from '../../src/core/categories/docker/dockerPlans';
import { DockerEngineError } from '../../src/core/categories/docker/types';
import { DOCKER_ITEM_IDS, dockerImageItemId, scanDocker } from '../../src/core/categories/docker/category';
import type { Category, Item } from '../../src/core/model';
import { placeOnVolumes } from '../../src/core/volumePlacement';
import { engineCall, inventory, rawDiskUsage, startDockerd, type Dockerd, type RawDiskUsage } from '../support/dockerd';
import { buildDockerScene, emptyEngine, SCENE_BYTES, type DockerScene } from '../support/dockerFixtures';

const group = (category: Category, id: string): Item => {
  const item = category.items.find((i) => i.id === id);
  assert.ok(item, `category has item ${id}`);
  return item;
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Docker's whole footprint from a raw /system/df: layers once, writable layers, volumes, build cache not shared with images. */
function rawTotal(raw: RawDiskUsage): number {
  return (
    raw.LayersSize +
    sum((raw.Containers ?? []).map((c) => c.SizeRw ?? 0)) +
    sum((raw.Volumes ?? []).map((v) => Math.max(0, v.UsageData?.Size ?? 0))) +
    sum((raw.BuildCache ?? []).filter((b) => !b.Shared).map((b) => b.Size))
  );
}
const isRunning = (state: string) => ['running', 'paused', 'restarting'].includes(state);
const rawTags = (tags: string[] | null) => (tags ?? []).filter((t) => t !== '<none>:<none>');

describe('Docker against a real dockerd', function () {
  this.timeout(120_000);
  let engine: Dockerd;
  let client: DockerClient;
  let scene: DockerScene;

  before(async function () {
    engine = await startDockerd();
    client = createDockerodeClient({ host: engine.host, source: 'setting' });
    scene = await buildDockerScene(engine.socketPath);
  });

  after(async function () {
    await engine?.stop();
  });

  /** Empties the engine and builds the scene again (destructive tests start from the same state). */
  async function freshScene(): Promise<void> {
    await emptyEngine(engine.socketPath);
    scene = await buildDockerScene(engine.socketPath);
  }

  describe('scan', function () {
    it('knows which disk the engine fills: its data root (GET /info), and the volume holding it', async function () {
      const dataRoot = path.join(engine.dir, 'data');
      const category = await scanDocker(client);
      assert.equal(category.fields?.dataRoot, dataRoot);
      const mountPoint = execFileSync('findmnt', ['-n', '-o', 'TARGET', '-T', dataRoot], { encoding: 'utf8' }).trim();
      const volumes = await placeOnVolumes([category], []);
      assert.equal(category.volume, mountPoint);
      assert.ok(category.items.every((i) => i.volume === mountPoint), 'every Docker group is on the data root\'s disk');
      assert.deepEqual(volumes.map((v) => [v.mountPoint, v.categories]), [[mountPoint, ['docker']]]);
    });

    it('shows the sizes GET /system/df reports, computed independently from the raw response', async function () {
      const raw: RawDiskUsage = await rawDiskUsage(engine.socketPath);
      const category = await scanDocker(client);
      assert.equal(category.error, undefined);
      assert.equal(category.id, 'docker');
      assert.equal(category.label, 'Docker');

      const images = raw.Images ?? [];
      const containers = raw.Containers ?? [];
      const volumes = raw.Volumes ?? [];
      const cache = raw.BuildCache ?? [];

      // Groups, like `docker system df`.
      const expectImages = raw.LayersSize;
      const expectContainers = sum(containers.map((c) => c.SizeRw ?? 0));
      const expectVolumes = sum(volumes.map((v) => Math.max(0, v.UsageData?.Size ?? 0)));
      const expectCache = sum(cache.filter((b) => !b.Shared).map((b) => b.Size));
      assert.equal(group(category, DOCKER_ITEM_IDS.images).bytes, expectImages);
      assert.equal(group(category, DOCKER_ITEM_IDS.containers).bytes, expectContainers);
      assert.equal(group(category, DOCKER_ITEM_IDS.volumes).bytes, expectVolumes);
      assert.equal(group(category, DOCKER_ITEM_IDS.buildCache).bytes, expectCache);
      assert.equal(category.bytes, expectImages + expectContainers + expectVolumes + expectCache);

      // Reclaimable, per group.
      const stopped = sum(containers.filter((c) => !isRunning(c.State)).map((c) => c.SizeRw ?? 0));
      const orphanVolumes = sum(volumes.filter((v) => v.UsageData?.RefCount === 0).map((v) => v.UsageData!.Size));
      const idleCache = sum(cache.filter((b) => !b.Shared && !b.InUse).map((b) => b.Size));
      const used = images.filter((i) => i.Containers > 0);
      const unused = images.filter((i) => i.Containers === 0);
      const heldByCache = sum(cache.filter((b) => b.Shared).map((b) => b.Size));
      const imagesReclaimable = Math.max(
        0,
        Math.max(sum(unused.map((i) => i.Size - i.SharedSize)), raw.LayersSize - sum(used.map((i) => i.Size))) - heldByCache,
      );
      assert.equal(group(category, DOCKER_ITEM_IDS.containers).fields?.reclaimableBytes, stopped);
      assert.equal(group(category, DOCKER_ITEM_IDS.volumes).fields?.reclaimableBytes, orphanVolumes);
      assert.equal(group(category, DOCKER_ITEM_IDS.buildCache).fields?.reclaimableBytes, idleCache);
      assert.equal(group(category, DOCKER_ITEM_IDS.images).fields?.reclaimableBytes, imagesReclaimable);
      assert.equal(category.reclaimableBytes, imagesReclaimable + stopped + orphanVolumes + idleCache);

      // One child per image, with the engine's numbers.
      const imageChildren = group(category, DOCKER_ITEM_IDS.images).children ?? [];
      assert.equal(imageChildren.length, images.length);
      for (const i of images) {
        const child = imageChildren.find((c) => c.id === dockerImageItemId(i.Id));
        assert.ok(child, `child for ${i.Id}`);
        assert.equal(child.bytes, i.Size);
        assert.deepEqual(child.fields, {
          id: i.Id,
          tags: rawTags(i.RepoTags),
          bytes: i.Size,
          uniqueBytes: i.Size - i.SharedSize,
          sharedBytes: i.SharedSize,
          containers: i.Containers,
          dangling: rawTags(i.RepoTags).length === 0,
          createdMs: i.Created * 1000,
          // What the row's "unique" figure would free, said in its tooltip.
          reclaimableMeans: 'its unique layers (no other image has them); its shared layers stay while another image uses them',
        });
      }
      const containerChildren = group(category, DOCKER_ITEM_IDS.containers).children ?? [];
      assert.deepEqual(
        containerChildren.map((c) => [c.fields?.id, c.bytes, c.fields?.state]).sort(),
        containers.map((c) => [c.Id, c.SizeRw ?? 0, c.State]).sort(),
      );
      const volumeChildren = group(category, DOCKER_ITEM_IDS.volumes).children ?? [];
      assert.deepEqual(
        volumeChildren.map((v) => [v.label, v.bytes, v.fields?.refCount]).sort(),
        volumes.map((v) => [v.Name, v.UsageData!.Size, v.UsageData!.RefCount]).sort(),
      );
      const typeChildren = group(category, DOCKER_ITEM_IDS.buildCache).children ?? [];
      assert.equal(sum(typeChildren.map((t) => t.bytes)), expectCache);
      assert.equal(sum(typeChildren.map((t) => t.fields?.count as number)), cache.length);
    });

    it('matches the bytes the fixtures wrote and flags what it should', async function () {
      const category = await scanDocker(client);
      const images = group(category, DOCKER_ITEM_IDS.images).children ?? [];
      const byId = (id: string) => images.find((c) => c.fields?.id === id)!;

      // Layers the builds added (dd of N KiB) are exactly the images' unique sizes.
      assert.equal(byId(scene.app1Id).fields?.uniqueBytes, SCENE_BYTES.app1Layer);
      assert.equal(byId(scene.app2Id).fields?.uniqueBytes, SCENE_BYTES.app2Layer);
      assert.equal(byId(scene.danglingId).fields?.uniqueBytes, SCENE_BYTES.danglingLayer);
      assert.equal(byId(scene.usedId).fields?.uniqueBytes, SCENE_BYTES.usedLayer);
      // Every image shares base:1's layer, so their shared size is base:1's size.
      const base = byId(scene.baseId);
      assert.ok(base.bytes > 1_000_000, 'the busybox base layer is real');
      for (const child of images) assert.equal(child.sharedBytes, base.bytes, `${child.label} shares the base layer`);

      const dangling = byId(scene.danglingId);
      assert.equal(dangling.fields?.dangling, true);
      assert.deepEqual(dangling.fields?.tags, []);
      assert.match(dangling.label, /^<none> \([0-9a-f]{12}\)$/);
      assert.deepEqual(byId(scene.app2Id).fields?.tags, ['app:2', 'app:latest']);
      assert.equal(byId(scene.usedId).fields?.containers, 1);
      assert.ok(byId(scene.usedId).badges?.includes('in use'));
      assert.equal(byId(scene.baseId).reclaimable, false, 'a running container uses base:1');

      const containers = group(category, DOCKER_ITEM_IDS.containers).children ?? [];
      const stopped = containers.find((c) => c.label === 'stopped-c')!;
      assert.equal(stopped.bytes, SCENE_BYTES.stoppedWritable);
      assert.equal(stopped.fields?.state, 'exited');
      assert.equal(stopped.reclaimable, true);
      const running = containers.find((c) => c.label === 'running-c')!;
      assert.equal(running.bytes, 0, 'the engine omits SizeRw for an untouched container; we read 0');
      assert.equal(running.reclaimable, false);

      const volumes = group(category, DOCKER_ITEM_IDS.volumes).children ?? [];
      const orphan = volumes.find((v) => v.label === 'data-orphan')!;
      const usedVolume = volumes.find((v) => v.label === 'data-used')!;
      assert.equal(orphan.bytes, SCENE_BYTES.dataOrphan);
      assert.equal(orphan.reclaimable, true);
      assert.equal(usedVolume.bytes, SCENE_BYTES.dataUsed);
      assert.equal(usedVolume.fields?.inUse, true);
      // The engine's volume size is the data on disk: check it against the file itself.
      assert.equal(fs.statSync(path.join(orphan.fields!.mountpoint as string, 'blob')).size, SCENE_BYTES.dataOrphan);

      const cacheTypes = group(category, DOCKER_ITEM_IDS.buildCache).children ?? [];
      assert.ok(cacheTypes.length > 0 && group(category, DOCKER_ITEM_IDS.buildCache).bytes > 0, 'BuildKit left build cache');
      assert.equal(category.fields?.sizes, 'apparent sizes, as reported by the Docker engine');
    });
  });

  describe('client calls kept for later work', function () {
    it('imageHistory lists the layers with their sizes, newest first', async function () {
      const history = await client.imageHistory(scene.app1Id);
      assert.equal(history[0].id, scene.app1Id);
      assert.deepEqual(history[0].tags, ['app:1']);
      assert.equal(history[0].bytes, SCENE_BYTES.app1Layer);
      assert.match(history[0].createdBy, /dd if=\/dev\/zero of=\/payload bs=1024 count=300/);
      assert.equal(history[history.length - 1].id, scene.baseId);
    });

    it('exportImage streams a docker-save tar whose manifest names the image', async function () {
      const stream = await client.exportImage(scene.app1Id);
      const extract = tar.extract();
      let manifest = '';
      extract.on('entry', (header, body, next) => {
        const chunks: Buffer[] = [];
        body.on('data', (c: unknown) => chunks.push(c as Buffer));
        body.on('end', () => {
          if (header.name === 'manifest.json') manifest = Buffer.concat(chunks).toString('utf8');
          next();
        });
      });
      await new Promise<void>((resolve, reject) => {
        extract.on('finish', resolve);
        extract.on('error', reject);
        stream.pipe(extract);
      });
      const entry = (JSON.parse(manifest) as { Config: string; Layers: string[] }[])[0];
      assert.equal(entry.Config, `${scene.app1Id.replace('sha256:', '')}.json`);
      assert.equal(entry.Layers.length, 2, 'the busybox base layer and the 300 KiB layer');
    });
  });

  describe('actions remove exactly what they promise', function () {
    // Rebuilt before each test unless the previous one proved it changed nothing (scans, history and export do not).
    let pristine = true;
    beforeEach(async function () {
      if (!pristine) await freshScene();
      pristine = false;
    });

    it('a cancelled execution removes nothing', async function () {
      const du = await client.diskUsage();
      const plan = planPruneStoppedContainers(du);
      const before = await inventory(engine.socketPath);
      const controller = new AbortController();
      controller.abort();
      const report = await executeDockerPlan(client, plan, { signal: controller.signal, platform: 'linux' });
      assert.equal(report.cancelled, true);
      assert.ok(report.outcomes.every((o) => o.status === 'skipped' && o.code === 'cancelled'));
      assert.deepEqual(await inventory(engine.socketPath), before);
      pristine = true; // verified unchanged: the next test needs no rebuild
    });
    it('prune dangling images removes the dangling image and nothing else', async function () {
      const du = await client.diskUsage();
      const plan = planPruneDanglingImages(du);
      assert.deepEqual(
        plan.targets.map((t) => t.id),
        [scene.danglingId],
      );
      // Up to its unique layer; for sure only what is not possibly held by the build cache (BuildKit's bk:1 layers).
      const heldByCache = sum(du.buildCache.filter((b) => b.shared).map((b) => b.bytes));
      assert.ok(heldByCache > 0, 'the scene has BuildKit layers shared with the build cache');
      assert.equal(plan.bytesUpTo, SCENE_BYTES.danglingLayer);
      assert.equal(plan.bytes, SCENE_BYTES.danglingLayer - heldByCache);
      const before = await inventory(engine.socketPath);
      const totalBefore = rawTotal(await rawDiskUsage(engine.socketPath));

      const report = await executeDockerPlan(client, plan, { platform: 'linux' });
      const after = await inventory(engine.socketPath);
      const totalAfter = rawTotal(await rawDiskUsage(engine.socketPath));

      assert.deepEqual(
        [...before.images.keys()].filter((id) => !after.images.has(id)),
        [scene.danglingId],
      );
      assert.deepEqual(after.containers, before.containers);
      assert.deepEqual(after.volumes, before.volumes);
      assert.equal(report.outcomes.length, 1);
      assert.equal(report.outcomes[0].status, 'removed');
      assert.equal(report.bytesSource, 'measured');
      assert.equal(report.bytesFreed, totalBefore - totalAfter, "bytesFreed is the drop of Docker's footprint");
      assert.equal(report.bytesFreed, SCENE_BYTES.danglingLayer);
      assert.equal(report.platformNote, undefined);
      assert.match(report.summary, /^Reclaimed 154 kB \(1 item\)\.$/);
    });

    it('prune unused images removes every image no container uses, and frees what it said', async function () {
      const du = await client.diskUsage();
      const plan = planPruneUnusedImages(du);
      const expected = [scene.app1Id, scene.app2Id, scene.danglingId, scene.rebuildId, scene.bkId].sort();
      assert.deepEqual(plan.targets.map((t) => t.id).sort(), expected);
      const before = await inventory(engine.socketPath);
      const rawBefore = await rawDiskUsage(engine.socketPath);

      const report = await executeDockerPlan(client, plan, { platform: 'darwin' });
      const after = await inventory(engine.socketPath);
      const rawAfter = await rawDiskUsage(engine.socketPath);

      assert.deepEqual([...before.images.keys()].filter((id) => !after.images.has(id)).sort(), expected);
      assert.deepEqual([...after.images.keys()].sort(), [scene.baseId, scene.usedId].sort());
      assert.ok(report.outcomes.every((o) => o.status === 'removed'));
      assert.equal(report.bytesFreed, rawTotal(rawBefore) - rawTotal(rawAfter), "SpaceReclaimed is the drop of Docker's footprint");
      assert.ok(report.bytesFreed >= plan.bytes && report.bytesFreed <= plan.bytesUpTo, `${report.bytesFreed} within [${plan.bytes}, ${plan.bytesUpTo}]`);
      // The legacy-built layers each unused image added on top of the base are freed; bk:1's
      // BuildKit layers leave the images (LayersSize drops by them too) but stay on disk as build
      // cache, which the engine's SpaceReclaimed rightly leaves out.
      const bkUnique = du.images.find((i) => i.id === scene.bkId)!.uniqueBytes;
      assert.equal(report.bytesFreed, SCENE_BYTES.app1Layer + SCENE_BYTES.app2Layer + SCENE_BYTES.danglingLayer + SCENE_BYTES.rebuildLayer);
      assert.equal(rawBefore.LayersSize - rawAfter.LayersSize, report.bytesFreed + bkUnique);
      const ownCache = (raw: RawDiskUsage) => sum((raw.BuildCache ?? []).filter((b) => !b.Shared).map((b) => b.Size));
      assert.equal(ownCache(rawAfter) - ownCache(rawBefore), bkUnique, 'bk:1 layers moved to the build cache');
      assert.ok(plan.warnings.some((w) => /build cache/.test(w)));
      assert.equal(report.platformNote, VM_DISK_IMAGE_NOTE);
      assert.ok(report.summary.endsWith(VM_DISK_IMAGE_NOTE));
    });

    it('prune stopped containers removes the exited ones only, keeping their volumes', async function () {
      const du = await client.diskUsage();
      const plan = planPruneStoppedContainers(du);
      assert.deepEqual(
        plan.targets.map((t) => t.id),
        [scene.stoppedContainerId],
      );
      assert.equal(plan.bytes, SCENE_BYTES.stoppedWritable);
      const before = await inventory(engine.socketPath);
      const report = await executeDockerPlan(client, plan, { platform: 'linux' });
      const after = await inventory(engine.socketPath);

      assert.deepEqual([...after.containers.keys()], [scene.runningContainerId]);
      assert.deepEqual(after.images, before.images);
      assert.deepEqual(after.volumes, before.volumes, 'volumes are kept');
      assert.equal(report.bytesFreed, SCENE_BYTES.stoppedWritable);
      assert.equal(report.outcomes[0].status, 'removed');
    });

    it('prune unused volumes deletes the orphan volume and its data, never one in use', async function () {
      const du = await client.diskUsage();
      const plan = planPruneUnusedVolumes(du);
      assert.deepEqual(
        plan.targets.map((t) => t.id),
        ['data-orphan'],
      );
      assert.equal(plan.bytes, SCENE_BYTES.dataOrphan);
      assert.ok(plan.warnings.some((w) => w.startsWith('DATA LOSS')), 'data-loss warning');
      assert.match(plan.confirmation, /DATA LOSS/);
      const mountpoint = du.volumes.find((v) => v.name === 'data-orphan')!.mountpoint!;
      assert.ok(fs.existsSync(path.join(mountpoint, 'blob')));

      const report = await executeDockerPlan(client, plan, { platform: 'linux' });
      const after = await inventory(engine.socketPath);
      assert.deepEqual([...after.volumes], ['data-used']);
      assert.equal(fs.existsSync(mountpoint), false, 'the data is gone from disk');
      assert.equal(report.bytesFreed, SCENE_BYTES.dataOrphan);
    });

    it('prune build cache removes every idle record; we count only bytes not shared with images', async function () {
      const raw = await rawDiskUsage(engine.socketPath);
      const records = raw.BuildCache ?? [];
      assert.ok(records.length > 0);
      const du = await client.diskUsage();
      const plan = planPruneBuildCache(du);
      const ownBytes = sum(records.filter((r) => !r.Shared && !r.InUse).map((r) => r.Size));
      const sharedBytes = sum(records.filter((r) => r.Shared && !r.InUse).map((r) => r.Size));
      assert.equal(plan.bytes, ownBytes);
      const layersBefore = raw.LayersSize;

      const report = await executeDockerPlan(client, plan, { platform: 'linux' });
      const after = await rawDiskUsage(engine.socketPath);
      assert.equal(after.BuildCache, null, 'the engine reports null, not [], once the cache is empty');
      assert.deepEqual(report.engineDeleted.sort(), records.map((r) => r.ID).sort());
      assert.equal(report.bytesFreed, ownBytes);
      // The engine's SpaceReclaimed also counts records that are image layers; those bytes stay with the images.
      assert.equal(report.engineSpaceReclaimed, ownBytes + sharedBytes);
      assert.equal(after.LayersSize, layersBefore, 'image layers untouched');
      const scan = await scanDocker(client);
      assert.equal(group(scan, DOCKER_ITEM_IDS.buildCache).bytes, 0);
      assert.deepEqual(group(scan, DOCKER_ITEM_IDS.buildCache).children, []);
    });

    it('refuses an image in use unless its stopped containers go too, then removes both', async function () {
      const du = await client.diskUsage();
      const refused = planRemoveImages(du, [scene.usedId]);
      assert.equal(refused.targets.length, 0);
      assert.match(refused.refused[0].reason, /used by 1 container/);

      // The engine refuses it too (HTTP 409 without force).
      await assert.rejects(client.removeImage(scene.usedId), (e: unknown) => e instanceof DockerEngineError && e.statusCode === 409);
      // Executing a plan forged to include it: the executor's fresh check skips it, nothing is removed.
      const forged = { ...refused, targets: [{ type: 'image' as const, id: scene.usedId, label: 'used:1', bytes: 0 }] };
      const forgedReport = await executeDockerPlan(client, forged, { platform: 'linux' });
      assert.equal(forgedReport.outcomes[0].status, 'skipped');
      assert.equal(forgedReport.outcomes[0].code, 'in-use');
      assert.ok((await inventory(engine.socketPath)).images.has(scene.usedId));

      const plan = planRemoveImages(du, [scene.usedId], { removeContainers: true });
      assert.deepEqual(
        plan.targets.map((t) => [t.type, t.id]),
        [
          ['container', scene.stoppedContainerId],
          ['image', scene.usedId],
        ],
      );
      assert.equal(plan.bytesUpTo, SCENE_BYTES.usedLayer + SCENE_BYTES.stoppedWritable);
      assert.match(plan.confirmation, /stopped-c/);
      const before = await inventory(engine.socketPath);
      const report = await executeDockerPlan(client, plan, { platform: 'linux' });
      const after = await inventory(engine.socketPath);
      assert.deepEqual(
        [...before.images.keys()].filter((id) => !after.images.has(id)),
        [scene.usedId],
      );
      assert.deepEqual([...after.containers.keys()], [scene.runningContainerId]);
      assert.deepEqual(after.volumes, before.volumes);
      assert.equal(report.bytesSource, 'measured');
      assert.equal(report.bytesFreed, SCENE_BYTES.usedLayer + SCENE_BYTES.stoppedWritable);
    });

    it('removes an image with two tags, and refuses the running container and its image', async function () {
      const du = await client.diskUsage();
      const plan = planRemoveImages(du, [scene.app2Id, scene.baseId], { removeContainers: true });
      assert.deepEqual(
        plan.targets.map((t) => t.id),
        [scene.app2Id],
      );
      assert.match(plan.refused[0].reason, /running container running-c/);
      const report = await executeDockerPlan(client, plan, { platform: 'linux' });
      const after = await inventory(engine.socketPath);
      assert.equal(after.images.has(scene.app2Id), false);
      assert.ok(![...after.images.values()].flat().some((t) => t.startsWith('app:2') || t === 'app:latest'));
      assert.ok(after.images.has(scene.app1Id));
      assert.equal(report.bytesFreed, SCENE_BYTES.app2Layer);

      const containerPlan = planRemoveContainers(du, [scene.runningContainerId]);
      assert.equal(containerPlan.targets.length, 0);
      assert.equal(containerPlan.refused[0].reason, 'running');
      // The engine guards too: a forged plan with the running container fails with its 409, and the container lives on.
      const forged = { ...containerPlan, targets: [{ type: 'container' as const, id: scene.runningContainerId, label: 'running-c', bytes: 0 }] };
      const forgedReport = await executeDockerPlan(client, forged, { platform: 'linux' });
      assert.equal(forgedReport.outcomes[0].status, 'failed');
      assert.equal(forgedReport.outcomes[0].code, 'conflict');
      assert.match(forgedReport.outcomes[0].message ?? '', /running container/i);
      assert.equal((await inventory(engine.socketPath)).containers.get(scene.runningContainerId), 'running');
    });

    it('skips a volume re-created under the same name after the plan, and one now in use', async function () {
      const du = await client.diskUsage();
      const plan = planRemoveVolumes(du, ['data-orphan', 'data-used']);
      assert.deepEqual(
        plan.targets.map((t) => t.id),
        ['data-orphan'],
      );
      assert.match(plan.refused[0].reason, /used by 1 container/);
      // Delete and re-create data-orphan: same name, different volume (Created has 1 s resolution).
      await engineCall(engine.socketPath, 'DELETE', '/volumes/data-orphan', [204]);
      await new Promise((r) => setTimeout(r, 1100));
      await engineCall(engine.socketPath, 'POST', '/volumes/create', [201], { Name: 'data-orphan' });
      const report = await executeDockerPlan(client, plan, { platform: 'linux' });
      assert.equal(report.outcomes[0].status, 'skipped');
      assert.equal(report.outcomes[0].code, 'changed');
      assert.ok((await inventory(engine.socketPath)).volumes.has('data-orphan'), 'the new volume is kept');
      assert.equal(report.bytesFreed, 0);
    });

    it('engine-wide prunes of the client (not used by plans) report what the engine removed', async function () {
      // API 1.41 prunes named volumes too (>= 1.42 needs all=true, which the client then sends).
      const volumes = await client.pruneVolumes();
      assert.deepEqual(volumes.deleted, ['data-orphan']);
      assert.equal(volumes.spaceReclaimed, SCENE_BYTES.dataOrphan);
      const containers = await client.pruneContainers();
      assert.deepEqual(containers.deleted, [scene.stoppedContainerId]);
      assert.equal(containers.spaceReclaimed, SCENE_BYTES.stoppedWritable);
      const after = await inventory(engine.socketPath);
      assert.deepEqual([...after.containers.keys()], [scene.runningContainerId]);
      assert.deepEqual([...after.volumes], ['data-used']);
    });

  });

  describe('engine trouble', function () {
    it('a hung engine times out with a clear message; cancelling a hung call stops it', async function () {
      const impatient = createDockerodeClient({ host: engine.host, source: 'setting' }, { timeouts: { ping: 300, read: 300 } });
      await impatient.diskUsage(); // answers in time while the engine runs (and remembers the API version)
      engine.signal('SIGSTOP');
      try {
        const t0 = Date.now();
        const category = await scanDocker(impatient);
        assert.ok(Date.now() - t0 < 5000);
        assert.equal(category.error, `Docker engine at ${engine.host} did not answer GET /system/df within 0.3 s.`);
        assert.equal(category.items[0].kind, 'docker-error');
        assert.equal(category.items[0].fields?.errorKind, 'timeout');

        const controller = new AbortController();
        const pending = client.ping({ signal: controller.signal });
        setTimeout(() => controller.abort(), 100);
        await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
      } finally {
        engine.signal('SIGCONT');
      }
      await client.ping();
      // The engine still finishes the abandoned /system/df and answers 500 "a disk usage operation
      // is already running" meanwhile: a new scan waits for it instead of failing.
      const category = await scanDocker(client);
      assert.equal(category.error, undefined);
    });

    it('an image prune whose engine does not answer in time removes nothing and claims nothing', async function () {
      // The prune starts with a fresh disk usage (the re-check); a frozen engine fails it before any removal is asked for.
      const impatient = createDockerodeClient({ host: engine.host, source: 'setting' }, { timeouts: { ping: 300, read: 300, remove: 300 } });
      const plan = planPruneDanglingImages(await client.diskUsage());
      assert.equal(plan.targets.length, 1);
      const before = await inventory(engine.socketPath);
      engine.signal('SIGSTOP');
      let report;
      try {
        report = await executeDockerPlan(impatient, plan, { platform: 'linux' });
      } finally {
        engine.signal('SIGCONT');
      }
      assert.equal(report.outcomes[0].status, 'failed');
      assert.equal(report.bytesFreed, 0);
      assert.match(report.summary, /^Reclaimed 0 B \(0 items\)\. Not removed: <none> \([0-9a-f]{12}\) \(.*did not answer GET \/(version|system\/df) within 0\.3 s/);
      await client.ping();
      assert.deepEqual(await inventory(engine.socketPath), before);
    });

    it('a missing socket: "Docker engine not reachable at unix://…: ENOENT"', async function () {
      const socket = path.join(engine.dir, 'absent.sock');
      const down = createDockerodeClient({ host: `unix://${socket}`, source: 'setting' });
      const category = await scanDocker(down);
      assert.equal(category.error, `Docker engine not reachable at unix://${socket}: ENOENT`);
      assert.equal(category.bytes, 0);
      assert.equal(category.items.length, 1);
      assert.equal(category.items[0].kind, 'docker-error');
      assert.equal(category.items[0].label, category.error);
      await assert.rejects(down.ping(), (e: unknown) => e instanceof DockerEngineError && e.kind === 'unreachable' && e.code === 'ENOENT');
    });

    it('an engine that stopped: "Docker engine not reachable at unix://…: ECONNREFUSED"', async function () {
      const second = await startDockerd();
      try {
        const secondClient = createDockerodeClient({ host: second.host, source: 'setting' });
        assert.equal((await scanDocker(secondClient)).error, undefined);
        // A crashed daemon leaves its socket file behind, with nobody listening.
        second.signal('SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
        assert.ok(fs.existsSync(second.socketPath));
        const category = await scanDocker(secondClient);
        assert.equal(category.error, `Docker engine not reachable at ${second.host}: ECONNREFUSED`);
        assert.equal(category.items[0].kind, 'docker-error');
        assert.equal(category.fields?.errorKind, 'unreachable');
        // A plan made on another engine is not executed here at all.
        const foreign = { ...planRemoveContainers(await client.diskUsage(), []), targets: [{ type: 'container' as const, id: 'x', label: 'x', bytes: 1 }] };
        const refused = await executeDockerPlan(secondClient, foreign);
        assert.equal(refused.outcomes[0].code, 'other-engine');
        // Removal actions report the engine's absence per target instead of throwing.
        const report = await executeDockerPlan(secondClient, { ...foreign, endpoint: second.host });
        assert.equal(report.outcomes[0].status, 'failed');
        assert.equal(report.outcomes[0].message, `Docker engine not reachable at ${second.host}: ECONNREFUSED`);
      } finally {
        await second.stop();
      }
    });

    it('permission denied on the socket, seen by an unprivileged user, names the docker group', async function () {
      const mode = fs.statSync(engine.socketPath).mode & 0o777;
      fs.chmodSync(engine.socketPath, 0o600);
      try {
        const script = `
          const { createDockerodeClient } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/categories/docker/dockerodeClient.js'))});
          const { scanDocker } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/categories/docker/category.js'))});
          scanDocker(createDockerodeClient({ host: ${JSON.stringify(engine.host)}, source: 'setting' }))
            .then((c) => process.stdout.write(JSON.stringify(c)));`;
        const child = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], {
          encoding: 'utf8',
          timeout: 30_000,
        });
        assert.equal(child.status, 0, `child failed: ${child.stderr}`);
        const category = JSON.parse(child.stdout) as Category;
        assert.equal(category.fields?.errorKind, 'permission');
        assert.equal(category.items[0].kind, 'docker-error');
        assert.match(category.error ?? '', new RegExp(`^Permission denied on the Docker socket ${engine.host} \\(EACCES\\): add your user to the docker group`));
        // Root still gets through: the refusal was the socket's mode, not a broken engine.
        assert.equal((await scanDocker(client)).error, undefined);
      } finally {
        fs.chmodSync(engine.socketPath, mode);
      }
    });

    it('an engine error (HTTP 404) keeps the engine\'s words', async function () {
      await assert.rejects(
        client.removeVolume('no-such-volume'),
        (e: unknown) =>
          e instanceof DockerEngineError &&
          e.kind === 'api' &&
          e.statusCode === 404 &&
          /refused DELETE \/volumes\/no-such-volume \(HTTP 404\): .*no such volume/i.test(e.message),
      );
    });
  });
});
