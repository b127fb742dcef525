// Replaces a file so that a reader sees the old content or the new, never a part: the text goes
// to a temporary file in the same folder (same filesystem, so rename is atomic), is flushed to
// disk, and is renamed over the target. node_exporter's textfile collector reads only `*.prom`,
// so the temporary name (a leading dot, a `.tmp` end) is never read half-written.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';

export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something already at the temporary name.
  const handle = await fsp.open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      // The mode given to open is filtered by the umask; the collector must be able to read it.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, file);
  } catch (err) {
    await fsp.rm(temp, { force: true });
    throw err;
  }
  // The rename itself survives a crash only once the folder is flushed; where a folder cannot be
  // opened for that (some filesystems, Windows), the file is still whole.
  try {
    const folder = await fsp.open(dir, 'r');
    try { await folder.sync(); } finally { await folder.close(); }
  } catch { /* best effort */ }
}
