// Child process for the checkpoint permission test, started as an unprivileged user by
// unprivileged.ts: scans the folder in argv[2] and prints {uid, runs, warnings} as JSON.
import { scanCheckpointPaths } from '../../src/core/categories/checkpoints';

async function main(): Promise<void> {
  const { scan, warnings } = await scanCheckpointPaths([process.argv[2]], { env: {} });
  process.stdout.write(JSON.stringify({ uid: process.getuid?.() ?? -1, runs: scan.runs.map((r) => r.path), warnings }));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
