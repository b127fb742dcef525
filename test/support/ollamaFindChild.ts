// Child process for the Ollama permission test, started as an unprivileged user by
// unprivileged.ts: finds the models folders with argv[2] as the only service folder and prints
// {uid, found, warnings} as JSON.
import { findModelsDirs } from '../../src/core/categories/ollama/scanner';
import type { ScanWarning } from '../../src/core/model';

async function main(): Promise<void> {
  const warnings: ScanWarning[] = [];
  const found = await findModelsDirs({ env: {}, homeDir: '/nonexistent-home', platform: 'linux', warn: (w) => warnings.push(w) }, [process.argv[2]]);
  process.stdout.write(JSON.stringify({ uid: process.getuid?.() ?? -1, found, warnings }));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
