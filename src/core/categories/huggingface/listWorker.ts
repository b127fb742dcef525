// Worker thread entry for listing hub-cache repos: synchronous readdir/readlink calls, one repo
// per message, so the scan never runs thousands of filesystem calls on the editor's event loop.
import { serveJobs } from '../../workerPool';
import { listRepo, syncOps } from './repoListing';

serveJobs((repoPath: string) => listRepo(repoPath, syncOps));
