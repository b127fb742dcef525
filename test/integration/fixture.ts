// The fixture the integration tests run against: a workspace folder and a fake HOME in a temp dir,
// made of real files (real bytes, not sparse, so disk usage is real). The runner builds it on the
// host side and hands its description to the tests in the extension host through the environment
// variable MLDS_FIXTURE; the fixture's `env` (HOME, XDG_CACHE_HOME, ...) becomes the extension
// host's environment, so the extension scans the fake HOME, never the machine's.
//
// No `vscode` import here: the runner (plain Node) and the tests (extension host) both load it.
//
// Adding a part: write `async function myPart(fx: FixtureBuilder): Promise<MyInfo>` that creates
// files under fx.workspace / fx.home (helpers below), may add variables to fx.env, and returns
// what its tests need to know (paths, expected counts); add it to FIXTURE_PARTS. Its tests read
// the returned value back with `partInfo<MyInfo>(readFixture(), 'myPart')`. A part that starts
// something (a server, a daemon) registers its stop with fx.onDispose; the runner calls
// disposeFixture when the phase ends, and buildFixture does when a later part fails. Parts that
// are slow or start daemons go in ON_REQUEST_PARTS: only phases that name them get them.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { mlCachesHome } from './cachesFixture';
import { checkpointScene } from './checkpointsFixture';
import { dockerEngine } from './dockerFixture';
import { wandbGpuScene } from './wandbGpuFixture';

export const FIXTURE_ENV_VAR = 'MLDS_FIXTURE';

export interface FixtureDescription {
  /** Temp dir holding everything below; removed by the runner at the end. */
  root: string;
  /** The workspace folder the workbench opens. */
  workspace: string;
  /** The fake HOME the extension host sees (caches live under it). */
  home: string;
  /** Environment for the extension host: HOME, XDG_CACHE_HOME, and whatever parts add. */
  env: Record<string, string>;
  /** What each part built, keyed by part name (see FIXTURE_PARTS). */
  parts: Record<string, unknown>;
}

/** Handed to each part while building. */
export interface FixtureBuilder {
  root: string;
  workspace: string;
  home: string;
  env: Record<string, string>;
  /** Runs `stop` when the fixture is disposed (last registered, first run). */
  onDispose(stop: () => Promise<void>): void;
}

export type FixturePart = (fx: FixtureBuilder) => Promise<unknown>;

const MiB = 1024 * 1024;

// ----------------------------------------------------------------------------------------------
// File helpers for parts
// ----------------------------------------------------------------------------------------------

/**
 * Writes `bytes` bytes of incompressible data (random, so no filesystem can store it sparse or
 * compressed), creating parent folders. Returns the path.
 */
export function writeRealFile(file: string, bytes: number): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    const chunk = Math.min(bytes, MiB);
    const buf = crypto.randomBytes(Math.max(chunk, 1));
    let left = bytes;
    while (left > 0) {
      const n = Math.min(left, buf.length);
      fs.writeSync(fd, buf, 0, n);
      left -= n;
    }
    fs.fsyncSync(fd); // so st_blocks is final when the tests stat it
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

export function writeTextFile(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

// ----------------------------------------------------------------------------------------------
// Parts
// ----------------------------------------------------------------------------------------------

export interface WorkspaceItemsInfo {
  /** Every folder the part made, largest first (data/ 3 MiB, models/ 2 MiB, src/), with the bytes written into it. */
  folders: { path: string; apparentBytes: number }[];
  /** Loose files at the workspace root. */
  files: { path: string; apparentBytes: number }[];
}

/** A workspace with folders of known, distinct sizes: data/ 3 MiB > models/ 2 MiB > src/ (small). */
export async function workspaceItems(fx: FixtureBuilder): Promise<WorkspaceItemsInfo> {
  const ws = fx.workspace;
  writeRealFile(path.join(ws, 'data', 'big.bin'), 3 * MiB);
  writeRealFile(path.join(ws, 'models', 'model-a.safetensors'), 1.5 * MiB);
  writeRealFile(path.join(ws, 'models', 'config', 'model-b.bin'), 0.5 * MiB);
  const srcText = 'print("hello")\n';
  writeTextFile(path.join(ws, 'src', 'train.py'), srcText);
  const notes = writeRealFile(path.join(ws, 'notes.bin'), 256 * 1024);
  return {
    folders: [
      { path: path.join(ws, 'data'), apparentBytes: 3 * MiB },
      { path: path.join(ws, 'models'), apparentBytes: 2 * MiB },
      { path: path.join(ws, 'src'), apparentBytes: Buffer.byteLength(srcText) },
    ],
    files: [{ path: notes, apparentBytes: 256 * 1024 }],
  };
}

/** An empty fake HOME with the usual cache root, so nothing of the machine's HOME is scanned. */
export async function fakeHome(fx: FixtureBuilder): Promise<{ cacheDir: string }> {
  const cacheDir = path.join(fx.home, '.cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  fx.env.HOME = fx.home;
  fx.env.XDG_CACHE_HOME = cacheDir;
  return { cacheDir };
}

export interface HostScratchInfo {
  /** ws/scratch: everything the host tests delete or keep lives here (1 MiB in all, smaller than data/). */
  dir: string;
  /** A folder of two files the delete test removes. */
  oldRun: string;
  /** A loose file the delete test removes with it. */
  tmpFile: string;
  /** A file the cancel and trash tests try to delete (and must survive). */
  cancelFile: string;
  /** A file nothing may touch. */
  keepFile: string;
}

/** ws/scratch/: old-run/ (512 KiB + 256 KiB), tmp.bin (64 KiB), cancel-me.bin (128 KiB), keep.bin (64 KiB). */
export async function hostScratch(fx: FixtureBuilder): Promise<HostScratchInfo> {
  const dir = path.join(fx.workspace, 'scratch');
  const oldRun = path.join(dir, 'old-run');
  writeRealFile(path.join(oldRun, 'weights.bin'), 512 * 1024);
  writeRealFile(path.join(oldRun, 'optimizer.bin'), 256 * 1024);
  return {
    dir,
    oldRun,
    tmpFile: writeRealFile(path.join(dir, 'tmp.bin'), 64 * 1024),
    cancelFile: writeRealFile(path.join(dir, 'cancel-me.bin'), 128 * 1024),
    keepFile: writeRealFile(path.join(dir, 'keep.bin'), 64 * 1024),
  };
}

/** Parts built only for phases that list them in `fixtureParts`: they start servers or take a while. */
export const ON_REQUEST_PARTS: Record<string, FixturePart> = {
  /** A real dockerd with an offline scene; DOCKER_HOST for the extension host (see dockerFixture.ts). */
  dockerEngine,
  /** Training runs under <workspace>/training, and a run that will not fit outside it (see checkpointsFixture.ts). */
  checkpointScene,
  /** HF, conda, pip, uv and torch caches in the fake HOME, with the environment pointing at them (test/support/cacheFixtures.ts). */
  mlCaches: mlCachesHome,
  /** W&B cache, staging and run folders (one never synced) and the six GPU compile caches (test/support/wandbFixtures.ts). */
  wandbGpuCaches: wandbGpuScene,
};

/** Every default part, in build order. Parts are independent; the name is the key in `parts`. */
export const FIXTURE_PARTS: Record<string, FixturePart> = {
  fakeHome,
  workspaceItems,
  hostScratch,
};

// ----------------------------------------------------------------------------------------------
// Building and reading
// ----------------------------------------------------------------------------------------------

const disposers = new Map<string, (() => Promise<void>)[]>();

/** Creates the fixture under `root` (which must not exist or be empty) with the given parts. */
export async function buildFixture(root: string, partNames: string[] = Object.keys(FIXTURE_PARTS)): Promise<FixtureDescription> {
  const stops: (() => Promise<void>)[] = [];
  disposers.set(root, stops);
  const fx: FixtureBuilder = {
    root,
    workspace: path.join(root, 'ws'),
    home: path.join(root, 'home'),
    env: {},
    onDispose: (stop) => void stops.push(stop),
  };
  fs.mkdirSync(fx.workspace, { recursive: true });
  fs.mkdirSync(fx.home, { recursive: true });
  const parts: Record<string, unknown> = {};
  try {
    for (const name of partNames) {
      const part = FIXTURE_PARTS[name] ?? ON_REQUEST_PARTS[name];
      if (!part) throw new Error(`unknown fixture part '${name}' (known: ${[...Object.keys(FIXTURE_PARTS), ...Object.keys(ON_REQUEST_PARTS)].join(', ')})`);
      parts[name] = await part(fx);
    }
  } catch (err) {
    await disposeFixture(root).catch(() => undefined); // the part's own error is the one to report
    throw err;
  }
  return { root: fx.root, workspace: fx.workspace, home: fx.home, env: fx.env, parts };
}

/** Stops what the fixture's parts started (daemons, servers); safe to call twice. Failures are reported after every stop ran. */
export async function disposeFixture(root: string): Promise<void> {
  const stops = disposers.get(root) ?? [];
  disposers.delete(root);
  const errors: unknown[] = [];
  for (const stop of stops.reverse()) await stop().catch((err: unknown) => errors.push(err));
  if (errors.length) throw new Error(`disposing the fixture: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
}

/** The fixture as the runner described it; throws when the tests run without the runner. */
export function readFixture(): FixtureDescription {
  const raw = process.env[FIXTURE_ENV_VAR];
  if (!raw) {
    throw new Error(`${FIXTURE_ENV_VAR} is not set: run the integration tests through out/test/runner/runIntegration.js`);
  }
  return JSON.parse(raw) as FixtureDescription;
}

/** What part `name` recorded; throws when the fixture was built without it. */
export function partInfo<T>(fixture: FixtureDescription, name: string): T {
  if (!(name in fixture.parts)) throw new Error(`fixture was built without part '${name}'`);
  return fixture.parts[name] as T;
}
