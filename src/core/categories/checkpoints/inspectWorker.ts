// Worker thread entry: inspects a batch of checkpoints with synchronous calls (inspectFolder.ts).
import { serveJobs } from '../../workerPool';
import { syncInspectOps } from './inspectFolder';
import { runInspectJob, type InspectJob } from './inspectPool';

serveJobs((job: InspectJob) => runInspectJob(syncInspectOps, job));
