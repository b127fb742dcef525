// Mount points of this process's mount namespace, read from /proc/self/mountinfo (Linux). A bind
// mount of a folder from the same filesystem keeps the same st_dev, so comparing devices alone
// misses it; the mount table does not. Elsewhere (macOS) the set is empty and the device check
// is what stops a deletion from crossing into another filesystem.
import { promises as fsp } from 'fs';

const MOUNTINFO = '/proc/self/mountinfo';

/** Decodes the octal escapes the kernel writes for space, tab, newline and backslash. */
function unescapeMountPath(field: string): string {
  const latin1 = field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/** Parses mountinfo text into the set of mount point paths (field 5 of each line). */
export function parseMountInfo(text: string): Set<string> {
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5 || !fields[4].startsWith('/')) continue;
    points.add(unescapeMountPath(fields[4]));
  }
  return points;
}

/** The current mount points; an empty set where the platform has no mountinfo. */
export async function readMountPoints(): Promise<Set<string>> {
  try {
    return parseMountInfo(await fsp.readFile(MOUNTINFO, 'latin1'));
  } catch {
    return new Set();
  }
}
