// What the Docker rows say, from a `GET /system/df` trimmed from dockerd 20.10: the size once per
// row (the tree leads with it), the reclaimable figure explained beside `docker system df`'s own,
// and containers drawn by state.
import * as assert from 'node:assert/strict';
import { diskUsageFromApi } from '../../src/core/categories/docker/apiMapping';
import { dockerCategoryFromUsage, DOCKER_ITEM_IDS } from '../../src/core/categories/docker/category';
import { dockerDfImagesReclaimable } from '../../src/core/categories/docker/diskUsageMath';
import { formatBytes } from '../../src/core/format';
import type { Item } from '../../src/core/model';
import { stateIconOf } from '../../src/host/tree/itemIcons';
import { humanFacts } from '../../src/host/tree/facts';

const DF = {
  LayersSize: 1000,
  // base (400) <- a (+100), b (+200), c (+300); c is used by a container.
  Images: [
    { Id: 'base', RepoTags: ['base:1'], Size: 400, SharedSize: 400, Containers: 0, Created: 1795436083 },
    { Id: 'a', RepoTags: ['a:1'], Size: 500, SharedSize: 400, Containers: 0, Created: 1795436083 },
    { Id: 'b', RepoTags: ['b:1'], Size: 600, SharedSize: 400, Containers: 0, Created: 1795436083 },
    { Id: 'c', RepoTags: ['c:1'], Size: 700, SharedSize: 400, Containers: 2, Created: 1795436083 },
  ],
  Containers: [
    { Id: 'c1', Names: ['/c1'], Image: 'c:1', ImageID: 'c', Created: 1795436083, State: 'exited', SizeRw: 51200 },
    { Id: 'c2', Names: ['/c2'], Image: 'c:1', ImageID: 'c', Created: 1795436083, State: 'running', SizeRw: 10 },
  ],
  Volumes: [
    { Driver: 'local', Name: 'v1', UsageData: { RefCount: 1, Size: 102400 } },
    { Driver: 'local', Name: 'v2', UsageData: { RefCount: 0, Size: 4096 } },
    { Driver: 'nfs', Name: 'remote', UsageData: { RefCount: -1, Size: -1 } },
  ],
  BuildCache: null,
};

function groupOf(items: Item[], id: string): Item {
  const g = items.find((i) => i.id === id);
  assert.ok(g, `no ${id}`);
  return g;
}

describe('Docker tree rows', () => {
  const du = diskUsageFromApi(DF, 'unix:///x.sock', '1.41', 5);
  const category = dockerCategoryFromUsage(du, 1795436083_000 + 60_000);

  it('a volume row does not repeat its size in the description (the row leads with it)', () => {
    const volumes = groupOf(category.items, DOCKER_ITEM_IDS.volumes).children!;
    const byName = (n: string) => volumes.find((v) => v.label === n)!;
    assert.equal(byName('v1').description, 'used by 1 container');
    assert.equal(byName('v2').description, 'unused');
    assert.ok(!byName('v2').description!.includes(formatBytes(4096)));
    assert.equal(byName('remote').description, 'size unknown · use unknown');
  });

  it('docker system df\'s own Images figure, by both of its formulas, is beside ours', () => {
    // CLI up to 28: LayersSize - unique bytes of used images = 1000 - 300; later: unique bytes of unused images = 0 + 100 + 200.
    assert.deepEqual(dockerDfImagesReclaimable(du), { classic: 700, current: 300 });
    const images = groupOf(category.items, DOCKER_ITEM_IDS.images);
    assert.equal(images.fields!.reclaimableBytes, 300);
    const facts = humanFacts(images.fields);
    assert.ok(facts.includes(`docker system df shows: ${formatBytes(300)} reclaimable (docker CLI 28 and older: ${formatBytes(700)})`), facts.join('\n'));
    assert.ok(facts.some((f) => f.startsWith('Reclaimable: layers only unused images hold')), facts.join('\n'));
  });

  it('every group says what its reclaimable figure means', () => {
    for (const id of [DOCKER_ITEM_IDS.images, DOCKER_ITEM_IDS.containers, DOCKER_ITEM_IDS.volumes, DOCKER_ITEM_IDS.buildCache]) {
      assert.match(String(groupOf(category.items, id).fields!.reclaimableMeans), /prune|unused images/, id);
    }
  });

  it('a running container is drawn running (green), a stopped one stopped', () => {
    const containers = groupOf(category.items, DOCKER_ITEM_IDS.containers).children!;
    const byName = (n: string) => containers.find((c) => c.label === n)!;
    assert.deepEqual(stateIconOf(byName('c2')), { id: 'vm-running', color: 'charts.green' });
    assert.deepEqual(stateIconOf(byName('c1')), { id: 'vm-outline' });
    assert.equal(stateIconOf(groupOf(category.items, DOCKER_ITEM_IDS.images)), undefined, 'other kinds keep their kind\'s icon');
  });
});
