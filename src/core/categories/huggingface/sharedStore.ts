// huggingface_hub 2.x's cache-wide shared blob store (docs/CACHES.md): payloads in
// `<hub>/blobs/<2 hex>/<hash>`, beside each a `<hash>.refs` manifest (the repo links using it: a
// hint only) and a `<hash>.lock`; the marker `<hub>/.huggingface-shared-blobs`. A repo's
// `blobs/<etag>` is then a symlink into the store, so sizes and deletions go through the store.
//
// Who uses a payload is decided from the filesystem: every repo's blobs/ links are read and
// resolved (by string when relative, else by the real path of their folder, so an absolute link
// written through an alias of the cache folder still counts). The manifest is never trusted to
// say a payload is unused; it only matters where huggingface_hub needs it (a delete leaves a
// payload whose manifest is missing or unreadable: we do the same).

import * as fs from 'fs';
import { safeReadText } from '../../safeRead';
import * as path from 'path';
import { createLimiter, type Limiter } from '../../limit';

export const SHARED_STORE_MARKER = '.huggingface-shared-blobs';
export const MANIFEST_SUFFIX = '.refs';
export const LOCK_SUFFIX = '.lock';
/** A manifest larger than this is not read (it is then "unreadable": the payload is kept). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface StoreFile {
  path: string;
  bytes: number;
  apparentBytes: number;
}

export interface StorePayload extends StoreFile {
  /** `<2 hex>/<hash>`: the payload's place in the store, its key everywhere. */
  key: string;
  dev: number;
  ino: number;
  mtimeMs: number;
  atimeMs: number;
  manifest?: StoreFile;
  lock?: StoreFile;
}

export interface SharedStore {
  /** `<hub>/blobs` as scanned. */
  dir: string;
  /** Its real path (links written through an alias of the cache resolve to this). */
  realDir: string;
  /** The marker file, when present (its content is the layout version). */
  marker?: string;
  payloads: Map<string, StorePayload>;
}

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
const fileOf = (p: string, st: fs.Stats): StoreFile => ({ path: p, bytes: st.blocks * 512, apparentBytes: st.size });

/** The store of a hub cache, or undefined when `<hub>/blobs` is not a folder. Never follows a link. */
export async function readSharedStore(hubRoot: string, limit: Limiter = createLimiter(32)): Promise<SharedStore | undefined> {
  const dir = path.join(hubRoot, 'blobs');
  let realDir: string;
  try {
    if (!(await fs.promises.lstat(dir)).isDirectory()) return undefined;
    realDir = await fs.promises.realpath(dir);
  } catch {
    return undefined;
  }
  const store: SharedStore = { dir, realDir, payloads: new Map() };
  try {
    if ((await fs.promises.lstat(path.join(hubRoot, SHARED_STORE_MARKER))).isFile()) store.marker = path.join(hubRoot, SHARED_STORE_MARKER);
  } catch {
    // no marker: a store built by an older 2.x, or by hand; the folder decides
  }
  let subs: fs.Dirent[] = [];
  try {
    subs = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return store;
  }
  await Promise.all(subs.filter((s) => s.isDirectory()).map(async (sub) => {
    const subDir = path.join(dir, sub.name);
    let names: string[];
    try {
      names = await fs.promises.readdir(subDir);
    } catch {
      return;
    }
    const stats = new Map<string, fs.Stats>();
    await Promise.all(names.map((n) => limit(async () => {
      try {
        stats.set(n, await fs.promises.lstat(path.join(subDir, n)));
      } catch {
        // vanished since readdir
      }
    })));
    for (const [name, st] of stats) {
      if (!st.isFile() || name.endsWith(MANIFEST_SUFFIX) || name.endsWith(LOCK_SUFFIX) || name.endsWith('.incomplete')) continue;
      const p = path.join(subDir, name);
      const payload: StorePayload = {
        ...fileOf(p, st), key: `${sub.name}/${name}`, dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs, atimeMs: st.atimeMs,
      };
      const m = stats.get(name + MANIFEST_SUFFIX);
      if (m?.isFile()) payload.manifest = fileOf(p + MANIFEST_SUFFIX, m);
      const l = stats.get(name + LOCK_SUFFIX);
      if (l?.isFile()) payload.lock = fileOf(p + LOCK_SUFFIX, l);
      store.payloads.set(payload.key, payload);
    }
  }));
  return store;
}

/**
 * The payload a repo's `blobs/<etag>` symlink points to, or undefined when it points anywhere
 * else. Relative links (what huggingface_hub writes) are matched as strings; other ones by the
 * real path of the folder they name, so `/alias/hub/blobs/ab/<hash>` matches when /alias is a
 * symlink to the cache.
 */
export async function payloadOfLink(store: SharedStore, linkPath: string, target: string): Promise<string | undefined> {
  const resolved = path.resolve(path.dirname(linkPath), target);
  const sub = path.dirname(resolved);
  if (path.dirname(sub) === store.dir) {
    const key = `${path.basename(sub)}/${path.basename(resolved)}`;
    if (store.payloads.has(key)) return key;
  }
  try {
    const realSub = await fs.promises.realpath(sub);
    if (path.dirname(realSub) === store.realDir) {
      const key = `${path.basename(realSub)}/${path.basename(resolved)}`;
      if (store.payloads.has(key)) return key;
    }
  } catch {
    // the folder does not exist: a broken link, not into the store
  }
  return undefined;
}

/** Who links to each payload now, read from every repo folder's blobs/ (the filesystem, not the manifests). */
export async function storeReferences(hubRoot: string, store: SharedStore, limit: Limiter = createLimiter(32)): Promise<Map<string, string[]>> {
  const refs = new Map<string, string[]>();
  let repos: fs.Dirent[] = [];
  try {
    repos = await fs.promises.readdir(hubRoot, { withFileTypes: true });
  } catch {
    return refs;
  }
  await Promise.all(repos.filter((r) => r.isDirectory() && r.name.includes('--')).map(async (r) => {
    const blobsDir = path.join(hubRoot, r.name, 'blobs');
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(blobsDir, { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(entries.filter((e) => e.isSymbolicLink()).map((e) => limit(async () => {
      const link = path.join(blobsDir, e.name);
      try {
        const key = await payloadOfLink(store, link, await fs.promises.readlink(link));
        if (key) refs.set(key, [...(refs.get(key) ?? []), link]);
      } catch (err) {
        if (code(err) !== 'ENOENT') throw err;
      }
    })));
  }));
  return refs;
}

/**
 * A manifest's entries (link paths, absolute, resolved against the hub root). Written one per
 * line; a JSON list of paths is read too. undefined when it is missing or cannot be read.
 */
export async function readManifest(manifestPath: string, hubRoot: string): Promise<{ entries: string[]; raw: string[]; json: boolean } | undefined> {
  let text: string;
  try {
    text = await safeReadText(manifestPath, { maxBytes: MAX_MANIFEST_BYTES, followSymlinks: false });
  } catch {
    return undefined;
  }
  let raw: string[];
  let json = false;
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (!Array.isArray(parsed)) return undefined;
      raw = parsed.filter((x): x is string => typeof x === 'string');
      json = true;
    } catch {
      return undefined;
    }
  } else {
    raw = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  }
  return { entries: raw.map((r) => path.resolve(hubRoot, r)), raw, json };
}

/**
 * Rewrites a manifest without the given links (absolute paths), keeping its format; a temp file
 * renamed over it, so a reader never sees half a manifest. Returns false when it was not changed.
 */
export async function dropFromManifest(manifestPath: string, hubRoot: string, gone: string[]): Promise<boolean> {
  const m = await readManifest(manifestPath, hubRoot);
  if (!m) return false;
  const drop = new Set(gone.map((g) => path.resolve(g)));
  const keep = m.raw.filter((_, i) => !drop.has(m.entries[i]));
  if (keep.length === m.raw.length) return false;
  const text = m.json ? JSON.stringify(keep) : keep.map((k) => `${k}\n`).join('');
  const tmp = `${manifestPath}.mlds-${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, text, { flag: 'wx' });
  await fs.promises.rename(tmp, manifestPath);
  return true;
}
