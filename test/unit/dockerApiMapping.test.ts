// Engine API JSON -> our types, for the quirks a real engine shows (responses below are trimmed
// copies of what dockerd 20.10 / API 1.41 and Podman 4.3's compat API returned), and for input
// that is not what the API documents. The same mapping is exercised end to end in docker.test.ts.

import * as assert from 'node:assert/strict';
import { apiVersionAtLeast, diskUsageFromApi, imagePruneFromApi, isRealTag, pruneFromApi } from '../../src/core/categories/docker/apiMapping';
import { dockerTotals, imageRemovalBounds } from '../../src/core/categories/docker/diskUsageMath';

const DOCKERD_DF = {
  LayersSize: 2289505,
  Images: [
    { Containers: 1, Created: 1795436083, Id: 'sha256:base', ParentId: '', RepoDigests: null, RepoTags: ['base:1'], SharedSize: 1982305, Size: 1982305 },
    { Containers: 0, Created: 1795436083, Id: 'sha256:app', ParentId: 'sha256:base', RepoDigests: null, RepoTags: ['app:1', 'app:latest'], SharedSize: 1982305, Size: 2289505 },
    { Containers: 0, Created: 1795436083, Id: 'sha256:old', ParentId: 'sha256:base', RepoDigests: ['<none>@<none>'], RepoTags: ['<none>:<none>'], SharedSize: -1, Size: 2000000 },
  ],
  Containers: [
    { Id: 'c1', Names: ['/c1'], Image: 'base:1', ImageID: 'sha256:base', Created: 1795436083, State: 'exited', SizeRw: 51200 },
    { Id: 'c2', Names: ['/c2'], Image: 'base:1', ImageID: 'sha256:base', Created: 1795436083, State: 'running' },
  ],
  Volumes: [
    { CreatedAt: '2026-11-23T12:14:44Z', Driver: 'local', Mountpoint: '/v/v1/_data', Name: 'v1', UsageData: { RefCount: 1, Size: 102400 } },
    { CreatedAt: '2026-11-23T12:14:44Z', Driver: 'local', Mountpoint: '/v/v2/_data', Name: 'v2', UsageData: { RefCount: 0, Size: 4096 } },
    { CreatedAt: '2026-11-23T12:14:44Z', Driver: 'nfs', Mountpoint: '', Name: 'remote', UsageData: { RefCount: -1, Size: -1 } },
  ],
  BuildCache: null,
  BuilderSize: 0,
};

describe('Docker API mapping', function () {
  it('absorbs dockerd 1.41 quirks: BuildCache null, SizeRw omitted, <none>:<none>, SharedSize -1, Size -1 volumes', function () {
    const du = diskUsageFromApi(DOCKERD_DF, 'unix:///x.sock', '1.41', 5);
    assert.deepEqual(du.buildCache, []);
    assert.equal(du.containers.find((c) => c.id === 'c2')!.writableBytes, 0);
    assert.equal(du.containers[0].name, 'c1');
    const old = du.images.find((i) => i.id === 'sha256:old')!;
    assert.deepEqual(old.tags, []);
    assert.equal(old.dangling, true);
    assert.equal(old.sharedBytes, 0);
    assert.equal(old.uniqueBytes, 2000000);
    const remote = du.volumes.find((v) => v.name === 'remote')!;
    assert.equal(remote.bytes, null);
    assert.equal(remote.refCount, -1);
    assert.equal(remote.inUse, false);
    assert.equal(du.volumes[0].createdMs, Date.parse('2026-11-23T12:14:44Z'));

    const totals = dockerTotals(du);
    assert.equal(totals.images.bytes, 2289505);
    assert.equal(totals.containers.bytes, 51200);
    assert.equal(totals.containers.reclaimableBytes, 51200);
    assert.equal(totals.volumes.bytes, 106496);
    assert.equal(totals.volumes.reclaimableBytes, 4096, 'only RefCount 0 counts; unknown use is not reclaimable');
    assert.equal(totals.volumes.unknownSizeCount, 1);
    assert.equal(totals.buildCache.bytes, 0);
  });

  it('merges Podman rows (one per tag, ids without sha256:, LayersSize 0) and estimates the layer total', function () {
    const du = diskUsageFromApi(
      {
        LayersSize: 0,
        Images: [
          { Id: 'abc', RepoTags: ['localhost/app:1'], Size: 300, SharedSize: 100, Containers: 0, Created: 1 },
          { Id: 'abc', RepoTags: ['localhost/app:latest'], Size: 300, SharedSize: 100, Containers: 0, Created: 1 },
          { Id: 'base', RepoTags: ['localhost/base:1'], Size: 100, SharedSize: 100, Containers: 1, Created: 1 },
        ],
        Containers: null,
        Volumes: null,
        BuildCache: [],
      },
      'unix:///podman.sock',
    );
    assert.equal(du.images.length, 2);
    assert.deepEqual(du.images[0].tags, ['localhost/app:1', 'localhost/app:latest']);
    assert.equal(dockerTotals(du).images.bytes, 200 + 100, 'unique bytes plus the largest shared part');
  });

  it('never throws on junk: wrong types, nulls, missing fields', function () {
    for (const junk of [null, 42, 'x', [], { Images: 'no' }, { Images: [null, 1, { Id: 7 }], Containers: [{}], Volumes: [{ Name: '' }], BuildCache: [{ ID: 'r' }] }]) {
      const du = diskUsageFromApi(junk, 'e');
      assert.equal(du.layersBytes, 0);
      assert.deepEqual(du.images, []);
      assert.deepEqual(du.containers, []);
      assert.deepEqual(du.volumes, []);
    }
    const du = diskUsageFromApi({ BuildCache: [{ ID: 'r', Size: 'big', LastUsedAt: '0001-01-01T00:00:00Z' }] }, 'e');
    assert.deepEqual(du.buildCache, [{ id: 'r', type: 'unknown', description: '', bytes: 0, inUse: false, shared: false, lastUsedMs: null, createdMs: null }]);
  });

  it('prune responses: ImagesDeleted null, Untagged/Deleted entries, lists per kind', function () {
    assert.deepEqual(imagePruneFromApi({ ImagesDeleted: null, SpaceReclaimed: 0 }), { spaceReclaimed: 0, deleted: [], untagged: [] });
    assert.deepEqual(imagePruneFromApi({ ImagesDeleted: [{ Untagged: 'a:1' }, { Deleted: 'sha256:x' }], SpaceReclaimed: 5 }), {
      spaceReclaimed: 5,
      deleted: ['sha256:x'],
      untagged: ['a:1'],
    });
    assert.deepEqual(pruneFromApi({ CachesDeleted: ['a', 'b'], SpaceReclaimed: 9 }, 'CachesDeleted'), { spaceReclaimed: 9, deleted: ['a', 'b'] });
    assert.deepEqual(pruneFromApi({ VolumesDeleted: null }, 'VolumesDeleted'), { spaceReclaimed: 0, deleted: [] });
  });

  it('tags and versions', function () {
    assert.equal(isRealTag('<none>:<none>'), false);
    assert.equal(isRealTag('repo:<none>'), false);
    assert.equal(isRealTag('registry:5000/repo:1'), true);
    assert.equal(apiVersionAtLeast('1.41', '1.42'), false);
    assert.equal(apiVersionAtLeast('1.42', '1.42'), true);
    assert.equal(apiVersionAtLeast('1.100', '1.42'), true);
    assert.equal(apiVersionAtLeast(undefined, '1.0'), false);
  });

  it('image removal bounds: exact for one image, bounded for several, never above what the images hold', function () {
    const du = diskUsageFromApi(
      {
        LayersSize: 1000,
        // base (400) <- a (+100), b (+200), c (+300); c used by a container.
        Images: [
          { Id: 'base', RepoTags: ['base:1'], Size: 400, SharedSize: 400, Containers: 0 },
          { Id: 'a', RepoTags: ['a:1'], Size: 500, SharedSize: 400, Containers: 0 },
          { Id: 'b', RepoTags: ['b:1'], Size: 600, SharedSize: 400, Containers: 0 },
          { Id: 'c', RepoTags: ['c:1'], Size: 700, SharedSize: 400, Containers: 1 },
        ],
      },
      'e',
    );
    assert.deepEqual(imageRemovalBounds(du, ['a']), { atLeast: 100, upTo: 100 });
    // a + b: their own layers for sure; the base stays with c.
    assert.deepEqual(imageRemovalBounds(du, ['a', 'b']), { atLeast: 300, upTo: 300 });
    // Every unused image: what c does not hold (1000 - 700).
    const all = imageRemovalBounds(du, ['base', 'a', 'b']);
    assert.equal(all.atLeast, 300);
    assert.ok(all.upTo >= 300 && all.upTo <= 1000 - 700);
    assert.equal(dockerTotals(du).images.reclaimableBytes, 300);
  });
});
