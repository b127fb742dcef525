// Worker thread entry: on each 'walk' message, takes units from the shared queue and sizes them
// synchronously until the walk is complete or cancelled, then returns to its event loop. Results
// and progress go to the main side by message; no scheduling decision waits for the main thread.
import { parentPort, workerData } from 'worker_threads';
import { lowerThisThreadPriority } from '../threadPriority';
import { dropDescendantPaths, keepLevels, restoreDescendantPaths } from './collectedPaths';
import { SharedInodeSet } from './inodeSet';
import type { FromWorker, WalkMessage, WorkerInit } from './protocol';
import { namesToRegExp } from './nameGlob';
import { walkUnit, blankNode, nameOf, type RawNode, type UnitSettings } from './walkUnit';
import { CTL_DONE_GEN, CTL_GEN, CTL_IDLE, CTL_OUTSTANDING, CTL_UNITS, CTL_WAKE, CTL_WORKER_UNIT, FLAG_RESOLVE_ROOT, WorkQueue } from './workQueue';

const init = workerData as WorkerInit;
lowerThisThreadPriority(init.nice);
const inodes = new SharedInodeSet(init.inodeBuffer);
const queue = new WorkQueue(init.controlBuffer, init.arenaBuffer);
const control = queue.control;
const post = (message: FromWorker) => parentPort!.postMessage(message);

/**
 * Collected entries go to the main side in batches while the walk runs (not all in the last unit's
 * message): it can start on them at once, and no single message holds every checkpoint folder.
 */
const COLLECTED_BATCH = 64;
/** Nodes per message, children included (a checkpoint folder keeps up to hundreds): each message is a short task there. */
const COLLECTED_BATCH_NODES = 1000;
const COLLECTED_MAX_WAIT_MS = 50;

/** The node and its kept descendants. */
function nodeCount(node: RawNode): number {
  let n = 1;
  if (node.children) for (const child of node.children) n += nodeCount(child as RawNode);
  return n;
}

function runWalk(message: WalkMessage): void {
  const generation = message.generation;
  const s = message.settings;
  const base = {
    topN: s.topN,
    detailDepth: s.detailDepth,
    excludeNames: new Set(s.excludeNames),
    excludePaths: new Set(s.excludePaths),
    oneFileSystem: s.oneFileSystem,
    markers: s.markers,
    collect: s.collect && {
      any: namesToRegExp(s.collect.names),
      dir: namesToRegExp([...s.collect.names, ...s.collect.dirNames]),
      file: namesToRegExp([...s.collect.names, ...s.collect.fileNames]),
      nested: s.collect.nested, topN: s.collect.topN, detailDepth: s.collect.detailDepth, markers: s.collect.markers,
    },
  };
  // Cumulative counts of this worker in this walk (progress).
  let files = 0, dirs = 0, bytes = 0;
  let lastPost = 0;
  let idle = false;
  let batch: RawNode[] = [];
  let batchLevels: number[] = [];
  let batchNodes = 0;
  let batchSince = 0;
  const flushCollected = () => {
    if (batch.length === 0) return;
    // Cloned without the descendants' paths, which the main side rebuilds; put back at once here,
    // for these nodes are also in the unit's own tree, which the unit's message (always posted
    // after this) clones with the tree's detail only.
    for (const node of batch) dropDescendantPaths(node);
    post({ type: 'collected', generation, nodes: batch });
    for (let i = 0; i < batch.length; i++) {
      keepLevels(batch[i], batchLevels[i]);
      restoreDescendantPaths(batch[i]);
    }
    batch = [];
    batchLevels = [];
    batchNodes = 0;
  };
  const onCollected = (node: RawNode, treeLevels: number) => {
    if (batch.length === 0) batchSince = Date.now();
    batch.push(node);
    batchLevels.push(treeLevels);
    batchNodes += nodeCount(node);
    if (batch.length >= COLLECTED_BATCH || batchNodes >= COLLECTED_BATCH_NODES || Date.now() - batchSince >= COLLECTED_MAX_WAIT_MS) flushCollected();
  };
  for (;;) {
    queue.lock();
    if (idle) { control[CTL_IDLE]--; idle = false; }
    if (Atomics.load(control, CTL_GEN) !== generation || queue.cancelled() || Atomics.load(control, CTL_DONE_GEN) === generation) {
      queue.unlock();
      break;
    }
    const unit = queue.popLocked();
    if (!unit) {
      control[CTL_IDLE]++;
      idle = true;
      const wake = Atomics.load(control, CTL_WAKE);
      queue.unlock();
      Atomics.wait(control, CTL_WAKE, wake);
      continue;
    }
    Atomics.store(control, CTL_WORKER_UNIT + init.index, unit.unitId);
    queue.unlock();

    const settings: UnitSettings = { ...base, rootDev: unit.rootDev, resolveRoot: (unit.flags & FLAG_RESOLVE_ROOT) !== 0 };
    let result;
    try {
      result = walkUnit(unit.path, unit.depth, settings, inodes, {
        isCancelled: () => queue.cancelled(),
        onTick(f, d, b, currentPath) {
          const now = Date.now();
          if (batch.length !== 0 && now - batchSince >= COLLECTED_MAX_WAIT_MS) flushCollected();
          if (now - lastPost < s.progressIntervalMs) return;
          lastPost = now;
          post({ type: 'progress', generation, files: files + f, dirs: dirs + d, bytes: bytes + b, currentPath: currentPath.toString() });
        },
        wantsWork: () => queue.hunger(),
        delegate: (path, depth, rootDev) => queue.push(path, depth, rootDev),
        onCollected,
      });
    } catch (err) {
      // walkUnit collects filesystem errors itself; anything here is a bug, reported, not fatal.
      const p = unit.path.toString();
      result = {
        node: blankNode(nameOf(p), p, 'dir', undefined), cancelled: false, collected: [], files: 0, dirs: 0, bytes: 0, errorCount: 1,
        errors: [{ path: p, code: 'EWALKER', message: String((err as Error)?.stack ?? err) }],
      };
    }
    // Before the unit: the main side has every collected entry of a unit when it counts the unit done.
    flushCollected();
    files += result.files;
    dirs += result.dirs;
    bytes += result.bytes;
    post({ type: 'unit', generation, unitId: unit.unitId, ...result, files, dirs, bytes });
    Atomics.store(control, CTL_WORKER_UNIT + init.index, 0);
    if (Atomics.sub(control, CTL_OUTSTANDING, 1) === 1) {
      // The last unit of the walk: nothing is queued and nobody is walking.
      Atomics.store(control, CTL_DONE_GEN, generation);
      post({ type: 'complete', generation, units: Atomics.load(control, CTL_UNITS) });
      queue.wakeAll();
    }
  }
  post({ type: 'walk-done', generation });
}

parentPort!.on('message', (message: WalkMessage) => {
  if (message.type === 'walk') runWalk(message);
});
post({ type: 'ready' });
