// Byte-for-byte picture of a folder tree, to prove that a deletion removed exactly what it
// planned and nothing else. Names are handled as raw bytes (invalid UTF-8 included).
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';

/** Relative path (raw bytes as latin1, '/'-joined) -> description of the entry. */
export type TreeSnapshot = Map<string, string>;

const SLASH = Buffer.from('/');

export function snapshotTree(root: string): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const visit = (abs: Buffer, rel: string) => {
    const st = fs.lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(abs, { encoding: 'buffer' }).toString('latin1')}`);
    else if (st.isFile()) out.set(rel, `file ${mode} ${st.size} ${crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`);
    else if (st.isDirectory()) {
      out.set(rel, `dir ${mode}`);
      for (const name of fs.readdirSync(abs, { encoding: 'buffer' })) {
        visit(Buffer.concat([abs, SLASH, name]), rel ? `${rel}/${name.toString('latin1')}` : name.toString('latin1'));
      }
    } else out.set(rel, `other ${mode}`);
  };
  visit(Buffer.from(root), '');
  return out;
}

const under = (rel: string, dir: string) => rel === dir || rel.startsWith(dir + '/');

/**
 * Checks `after` against `before`: every entry outside the `planned` paths (relative to the
 * snapshot root) is still there, byte for byte; nothing new appeared; and every path in `gone`
 * (also relative) no longer exists, with everything below it.
 */
export function assertOnlyRemoved(before: TreeSnapshot, after: TreeSnapshot, plannedPaths: string[], gonePaths: string[] = plannedPaths): void {
  // Snapshot keys hold raw name bytes as latin1; paths given as ordinary strings are UTF-8.
  const asKey = (p: string) => Buffer.from(p, 'utf8').toString('latin1');
  const planned = plannedPaths.map(asKey);
  const gone = gonePaths.map(asKey);
  const problems: string[] = [];
  for (const [rel, desc] of before) {
    const inPlan = planned.some((p) => under(rel, p));
    const mustBeGone = gone.some((p) => under(rel, p));
    const now = after.get(rel);
    if (mustBeGone && now !== undefined) problems.push(`should be gone: ${rel}`);
    // A folder that holds a planned target legitimately keeps its entry; only its mtime changed,
    // which the snapshot does not record.
    if (!inPlan && now !== desc) problems.push(now === undefined ? `missing: ${rel}` : `changed: ${rel} (${desc} -> ${now})`);
  }
  for (const rel of after.keys()) if (!before.has(rel)) problems.push(`appeared: ${rel}`);
  assert.deepStrictEqual(problems, [], problems.join('\n'));
}
