// Worker thread entry of the remover: each 'remove' message runs removeTreeSync (removeTree.ts)
// to the end and answers 'done'. Cancel is a flag in a shared buffer, read before every entry.
// Every `progressIntervalMs` the entry just removed is posted and the worker waits until the main
// thread has handled it: whatever the caller does on progress (show it, cancel) happens between
// two entries, exactly as it would with a remover on its own thread.
import { parentPort } from 'worker_threads';
import { joinDisplay } from './dirHandle';
import { removeTreeSync } from './removeTree';
import { textOf } from './syncDirHandle';
import { SLOT_ACK, SLOT_CANCEL, type FromRemoveWorker, type RemoveRequest } from './removeTreeProtocol';

const post = (message: FromRemoveWorker) => parentPort!.postMessage(message);

function remove(req: RemoveRequest): void {
  const shared = new Int32Array(req.shared);
  const base = Buffer.from(req.parentBase);
  const parent = { base, baseText: textOf(base), displayPath: req.parentDisplay, anchored: req.parentAnchored };
  let lastReport = Date.now();
  const result = removeTreeSync(
    parent,
    Buffer.from(req.name),
    req.seen,
    { rootDev: req.rootDev, rootMountId: req.rootMountId, mountPoints: req.mountPoints && new Set(req.mountPoints) },
    {
      cancelled: () => Atomics.load(shared, SLOT_CANCEL) !== 0,
      removed: (dir, name) => {
        const now = Date.now();
        if (now - lastReport < req.progressIntervalMs) return;
        lastReport = now;
        const ack = Atomics.load(shared, SLOT_ACK);
        post({ type: 'entry', id: req.id, path: name === undefined ? dir : joinDisplay(dir, name) });
        Atomics.wait(shared, SLOT_ACK, ack);
      },
    },
  );
  post({ type: 'done', id: req.id, result });
}

parentPort!.on('message', (req: RemoveRequest) => {
  try {
    remove(req);
  } catch (err) {
    // removeTreeSync collects per-entry errors; anything here is a bug, reported as one line.
    post({ type: 'failed', id: req.id, message: err instanceof Error ? err.message : String(err) });
  }
});
