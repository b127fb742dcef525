// Worker thread entry: walks the units the main side sends, synchronously, and reports
// progress, delegated subfolders and the aggregated result of each unit.
import { parentPort } from 'worker_threads';
import { SharedInodeSet } from './inodeSet';
import { CONTROL_CANCEL, CONTROL_HUNGRY, type FromWorker, type ToWorker } from './protocol';
import { walkUnit } from './walkUnit';

let inodes: SharedInodeSet | undefined;
let control: Int32Array | undefined;
// Unit ids handed out by this worker are unique across workers: (threadSerial << 20) | n.
let nextLocalId = 1;
let serial = 0;

const post = (message: FromWorker) => parentPort!.postMessage(message);

parentPort!.on('message', (message: ToWorker & { serial?: number }) => {
  if (message.type === 'init') {
    inodes = new SharedInodeSet(message.inodeBuffer);
    control = new Int32Array(message.controlBuffer);
    serial = message.serial ?? 0;
    return;
  }
  const unit = message;
  let lastTick = Date.now();
  let files = 0, dirs = 0, bytes = 0;
  try {
    const result = walkUnit(unit.path, unit.depth, {
      topN: unit.topN,
      detailDepth: unit.detailDepth,
      excludeNames: new Set(unit.excludeNames),
      excludePaths: new Set(unit.excludePaths),
      oneFileSystem: unit.oneFileSystem,
      rootDev: unit.rootDev,
      resolveRoot: unit.resolveRoot,
    }, inodes!, {
      isCancelled: () => Atomics.load(control!, CONTROL_CANCEL) !== 0,
      onTick(f, d, b, currentPath) {
        files = f; dirs = d; bytes = b;
        const now = Date.now();
        if (now - lastTick >= 100) {
          lastTick = now;
          post({ type: 'progress', files: f, dirs: d, bytes: b, currentPath });
        }
      },
      wantsWork: () => Atomics.load(control!, CONTROL_HUNGRY),
      delegate(path, depth, rootDev) {
        Atomics.sub(control!, CONTROL_HUNGRY, 1);
        const unitId = serial * 1_048_576 * 64 + nextLocalId++;
        post({ type: 'delegate', parentUnitId: unit.unitId, unitId, path, depth, rootDev });
        return unitId;
      },
    });
    post({ type: 'done', unitId: unit.unitId, result, files, dirs, bytes });
  } catch (err) {
    // walkUnit collects filesystem errors itself; anything here is a bug, reported, not fatal.
    post({ type: 'crash', unitId: unit.unitId, error: { path: unit.path, code: 'EWALKER', message: String((err as Error)?.stack ?? err) } });
  }
});
