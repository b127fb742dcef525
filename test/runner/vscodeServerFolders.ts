// A small ~/.vscode-server in the fixture's HOME for the tree screenshot: two server builds (one
// old), an extension updated once (its old version left behind) and a downloaded package, so the
// "VS Code Server" category shows up with something to reclaim.
import * as fs from 'fs';
import * as path from 'path';
import { writeRealFile, writeTextFile, type FixtureDescription } from '../integration/fixture';

const MiB = 1024 * 1024;

export function addVscodeServerFolders(fx: FixtureDescription): string {
  const server = path.join(fx.home, '.vscode-server');
  const old = path.join(server, 'bin', '1'.repeat(40));
  writeTextFile(path.join(old, 'package.json'), JSON.stringify({ version: '1.90.0' }));
  writeRealFile(path.join(old, 'node'), 3 * MiB);
  const oldTime = (Date.now() - 120 * 24 * 3600 * 1000) / 1000;
  for (const p of [path.join(old, 'node'), path.join(old, 'package.json'), old]) fs.utimesSync(p, oldTime, oldTime);
  const recent = path.join(server, 'cli', 'servers', `Stable-${'2'.repeat(40)}`, 'server');
  writeTextFile(path.join(recent, 'package.json'), JSON.stringify({ version: '1.96.0' }));
  writeRealFile(path.join(recent, 'node'), 3 * MiB);
  const ext = path.join(server, 'extensions');
  writeRealFile(path.join(ext, 'ms-python.python-2024.0.1', 'dist', 'extension.js'), 1.5 * MiB);
  writeRealFile(path.join(ext, 'ms-python.python-2024.2.0', 'dist', 'extension.js'), 1.5 * MiB);
  writeTextFile(path.join(ext, 'extensions.json'), JSON.stringify([{ identifier: { id: 'ms-python.python' }, version: '2024.2.0', relativeLocation: 'ms-python.python-2024.2.0' }]));
  writeRealFile(path.join(server, 'data', 'CachedExtensionVSIXs', 'ms-python.python-2024.2.0'), 1 * MiB);
  return `${server}: 2 server builds, an old extension version, a downloaded package`;
}
