// For the UI phases: a free-space history that lies before the run, so the status bar and the chart
// have a trend to show in a session of a few minutes. Written into the extension's global storage
// of the code-server about to start, in the file format the extension reads (core/headroom/
// growthFile.ts): readings every 5 minutes for the last 2 hours, filling at a rate that makes the
// volume of the workspace full in ~`fullInHours`, ending at its free space now (statfs). The
// extension then adds its own real readings and fits the trend itself.
import * as fs from 'fs';
import * as path from 'path';
import { GROWTH_FILE_NAME, growthKeyOf } from '../../src/core/headroom/growthFile';
import { EXTENSION_ID } from './phases';

export async function seedGrowthHistory(userDataDir: string, workspace: string, fullInHours: number): Promise<string> {
  const s = await fs.promises.statfs(workspace);
  const free = s.bavail * s.bsize;
  const perHour = free / fullInHours;
  const now = Date.now();
  const points: number[][] = [];
  for (let age = 120; age >= 5; age -= 5) points.push([now - age * 60_000, Math.round(free + (perHour * age) / 60), s.ffree]);
  const key = await growthKeyOf(workspace);
  const file = path.join(userDataDir, 'User', 'globalStorage', EXTENSION_ID, GROWTH_FILE_NAME);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ version: 1, volumes: { [key]: { path: workspace, totalBytes: s.blocks * s.bsize, totalInodes: s.files, points } } }));
  return `free-space history seeded for ${key}: ${points.length} readings over 2 h before the start, filling at ${(perHour / 1e9).toFixed(1)} GB/h (full in ~${fullInHours} h)`;
}
