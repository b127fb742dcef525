// Worker thread entry: inspects a batch of checkpoint folders with synchronous calls (inspectFolder.ts).
import { serveJobs } from '../../workerPool';
import { inspectFolder, syncInspectOps, type FolderInspection } from './inspectFolder';

serveJobs(async (dirs: string[]): Promise<FolderInspection[]> => {
  const out: FolderInspection[] = [];
  for (const dir of dirs) out.push(await inspectFolder(syncInspectOps, dir));
  return out;
});
