// Worker thread entry for listing hub-cache repos: synchronous readdir/readlink calls, one repo
// per message, so the scan never runs thousands of filesystem calls on the editor's event loop.
import { parentPort } from 'worker_threads';
import { listRepo, syncOps } from './repoListing';

parentPort!.on('message', (message: { id: number; repoPath: string }) => {
  void listRepo(message.repoPath, syncOps).then((listing) => parentPort!.postMessage({ id: message.id, listing }));
});
