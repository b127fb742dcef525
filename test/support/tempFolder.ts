// THE temp folder of the tests: a real path under the (sandbox's private) /tmp, removed with GNU
// rm after making it removable again (tests chmod folders; trees may be deeper than PATH_MAX;
// `--one-file-system` never crosses into a mount a failed test left behind).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TempFolder {
  dir: string;
  cleanup(): void;
}

export function tempFolder(prefix = 'mlds-', base = os.tmpdir()): TempFolder {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(base, prefix)));
  fs.chmodSync(dir, 0o755);
  return { dir, cleanup: () => removeTempFolder(dir) };
}

export function removeTempFolder(dir: string): void {
  spawnSync('chmod', ['-R', 'u+rwx', dir]);
  execFileSync('rm', ['-rf', '--one-file-system', '--', dir]);
}
