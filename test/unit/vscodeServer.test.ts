// The VS Code Server category on a server folder built by hand in a throwaway HOME: old builds
// offered oldest first, the build this window runs on and one a real running process sits in
// never offered, superseded extension versions (extensions.json and .obsolete), downloaded VSIXs,
// old logs (the newest kept), workspace storage of deleted folders (live and remote ones kept);
// sizes equal to `du -sB1`; executing the plan removes exactly the offered folders.
import * as assert from 'assert';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { executePlan } from '../../src/core/executor';
import type { Item, ScanModel } from '../../src/core/model';
import { PlanRefusedError } from '../../src/core/plan/builder';
import { parseExtensionFolderName } from '../../src/core/categories/vscode-server/extensions';
import { localPathOfUri } from '../../src/core/categories/vscode-server/workspaceStorage';
import { KIND, VSCODE_SERVER_CLEAN_ID, vscodeServerItemId } from '../../src/core/categories/vscode-server/scanner';
import { CURRENT_APP_ROOT_VAR } from '../../src/core/categories/vscode-server/roots';
import { categoryOf, itemById, planById, planForItems, scanCaches } from '../support/cacheScan';
import { duBytes } from '../support/diskUsage';
import { tempFolder } from '../support/tempFolder';
import { assertOnlyRemoved, snapshotTree } from '../support/treeSnapshot';

const DAY = 24 * 3600 * 1000;
const commit = (n: number) => String(n).repeat(40).replace(/^./, 'a');

/** Sets the mtime of a tree (every entry, deepest first) to `ms`. */
function age(p: string, ms: number): void {
  const st = fs.lstatSync(p);
  if (st.isDirectory()) for (const n of fs.readdirSync(p)) age(path.join(p, n), ms);
  if (!st.isSymbolicLink()) fs.utimesSync(p, ms / 1000, ms / 1000);
}

function write(p: string, content: string | Buffer): string {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** A server build as the server's tarball lays it out: node, package.json with the version, out/. */
function build(folder: string, version: string, seed: number): string {
  write(path.join(folder, 'package.json'), JSON.stringify({ name: 'code-server', version }));
  write(path.join(folder, 'node'), bytes(96 * 1024 + seed, seed));
  write(path.join(folder, 'out', 'server-main.js'), bytes(20 * 1024, seed + 1));
  write(path.join(folder, 'node_modules', 'x', 'index.js'), bytes(5000, seed + 2));
  return folder;
}

function extension(dir: string, folder: string, seed: number): string {
  const p = path.join(dir, folder);
  write(path.join(p, 'package.json'), JSON.stringify({ name: folder }));
  write(path.join(p, 'dist', 'extension.js'), bytes(12 * 1024 + seed, seed));
  return p;
}

interface Fixture {
  home: string;
  server: string;
  cursor: string;
  oldBuild: string;
  busyBuild: string;
  newerBuild: string;
  currentBuild: string;
  appRoot: string;
  newerCli: string;
  currentCli: string;
  cursorBuild: string;
  extReplacedByJson: string;
  extReplacedByLocation: string;
  extObsolete: string;
  extCurrent: string[];
  extUnknown: string;
  vsixDir: string;
  vsixFiles: string[];
  oldLogs: string[];
  newestLog: string;
  goneStorage: string[];
  keptStorage: string[];
  liveFolder: string;
}

function buildFixture(dir: string): Fixture {
  const home = path.join(dir, 'home');
  const server = path.join(home, '.vscode-server');
  const now = Date.now();
  const oldBuild = build(path.join(server, 'bin', commit(1)), '1.90.0', 1);
  age(oldBuild, now - 200 * DAY);
  const busyBuild = build(path.join(server, 'bin', commit(2)), '1.91.0', 2);
  age(busyBuild, now - 150 * DAY);
  const newerBuild = build(path.join(server, 'cli', 'servers', `Stable-${commit(3)}`, 'server'), '1.95.0', 3);
  age(path.dirname(newerBuild), now - 60 * DAY);
  const currentBuild = path.join(server, 'cli', 'servers', `Stable-${commit(4)}`);
  build(path.join(currentBuild, 'server'), '1.96.0', 4);
  // A hard link between two builds: its bytes count once, and deleting both frees them.
  fs.linkSync(path.join(oldBuild, 'node_modules', 'x', 'index.js'), path.join(newerBuild, 'node_modules', 'x', 'shared.js'));
  const newerCli = write(path.join(server, `code-${commit(3)}`), bytes(40 * 1024, 9));
  const currentCli = write(path.join(server, `code-${commit(4)}`), bytes(41 * 1024, 10));
  age(newerCli, now - 60 * DAY);

  const ext = path.join(server, 'extensions');
  const extReplacedByJson = extension(ext, 'ms-python.python-2024.0.1', 1);
  const extReplacedByLocation = extension(ext, 'foo.bar-1.0.0', 2);
  const extObsolete = extension(ext, 'old.gone-0.1.0', 3);
  const extCurrent = [
    extension(ext, 'ms-python.python-2024.2.0', 4),
    extension(ext, 'foo.bar-1.1.0', 5),
    extension(ext, 'ms-toolsai.jupyter-2024.1.0-linux-x64', 6),
  ];
  const extUnknown = extension(ext, 'unknown.thing-1.0.0', 7);
  write(path.join(ext, 'extensions.json'), JSON.stringify([
    { identifier: { id: 'ms-python.python', uuid: 'u1' }, version: '2024.2.0', relativeLocation: 'ms-python.python-2024.2.0', location: { $mid: 1, path: path.join(ext, 'ms-python.python-2024.2.0'), scheme: 'file' } },
    { identifier: { id: 'Foo.Bar' }, version: '1.1.0', location: { $mid: 1, path: path.join(ext, 'foo.bar-1.1.0'), scheme: 'file' } },
    { identifier: { id: 'ms-toolsai.jupyter' }, version: '2024.1.0', relativeLocation: 'ms-toolsai.jupyter-2024.1.0-linux-x64', metadata: { targetPlatform: 'linux-x64' } },
  ]));
  write(path.join(ext, '.obsolete'), JSON.stringify({ 'old.gone-0.1.0': true, 'not.there-9.9.9': true }));

  const vsixDir = path.join(server, 'data', 'CachedExtensionVSIXs');
  const vsixFiles = [write(path.join(vsixDir, 'ms-python.python-2024.2.0'), bytes(30 * 1024, 11)), write(path.join(vsixDir, 'foo.bar-1.1.0'), bytes(9000, 12))];

  const logs = path.join(server, 'data', 'logs');
  const oldLogs = ['20250101T100000', '20250102T100000'].map((n, i) => {
    const p = path.join(logs, n);
    write(path.join(p, 'remoteagent.log'), bytes(7000 + i, 13));
    write(path.join(p, 'exthost1', 'remoteexthost.log'), bytes(3000, 14));
    age(p, now - (30 - i) * DAY);
    return p;
  });
  const newestLog = path.join(logs, '20250103T100000');
  write(path.join(newestLog, 'remoteagent.log'), bytes(5000, 15));

  const storage = path.join(server, 'data', 'User', 'workspaceStorage');
  const liveFolder = path.join(dir, 'projects', 'live #1');
  fs.mkdirSync(liveFolder, { recursive: true });
  const ws = (hash: string, json: unknown) => {
    const p = path.join(storage, hash);
    write(path.join(p, 'workspace.json'), JSON.stringify(json));
    write(path.join(p, 'state.vscdb'), bytes(16 * 1024, hash.length));
    return p;
  };
  const goneStorage = [
    ws('aaa111', { folder: pathToFileURL(path.join(dir, 'projects', 'gone folder')).href }),
    ws('bbb222', { workspace: pathToFileURL(path.join(dir, 'projects', 'gone.code-workspace')).href }),
  ];
  const keptStorage = [
    ws('ccc333', { folder: pathToFileURL(liveFolder).href }),
    ws('ddd444', { folder: 'vscode-remote://ssh-remote%2Bgpu-box/home/me/gone' }),
    ws('eee555', {}),
  ];
  write(path.join(server, 'data', 'Machine', 'settings.json'), '{}');

  const cursor = path.join(home, '.cursor-server');
  const cursorBuild = build(path.join(cursor, 'bin', commit(5)), '0.42.0', 5);
  return {
    home, server, cursor, oldBuild, busyBuild, newerBuild: path.dirname(newerBuild), currentBuild, appRoot: path.join(currentBuild, 'server'),
    newerCli, currentCli, cursorBuild, extReplacedByJson, extReplacedByLocation, extObsolete, extCurrent, extUnknown,
    vsixDir, vsixFiles, oldLogs, newestLog, goneStorage, keptStorage, liveFolder,
  };
}

/** The offered leaves of the fixture (the VSIX folder stays; its files go). */
function offeredPaths(f: Fixture): string[] {
  return [
    f.oldBuild, f.newerBuild, f.newerCli, f.cursorBuild, f.extReplacedByJson, f.extReplacedByLocation, f.extObsolete,
    ...f.vsixFiles, ...f.oldLogs, ...f.goneStorage,
  ].sort();
}

function leaves(items: Item[]): Item[] {
  return items.flatMap((i) => (['vscode-server-install', 'vscode-server-builds', 'vscode-server-extensions', 'vscode-server-logs', 'vscode-server-workspace-storages', 'vscode-server-vsix-cache'].includes(i.kind) ? leaves(i.children ?? []) : [i]));
}

/** Starts `sleep 30` with its working folder inside `cwd`, once the kernel shows it there. */
async function sleepIn(cwd: string): Promise<ChildProcess> {
  const child = spawn('sleep', ['30'], { cwd, stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      if (fs.readlinkSync(`/proc/${child.pid}/cwd`) === cwd && fs.readlinkSync(`/proc/${child.pid}/exe`).endsWith('sleep')) return child;
    } catch {
      // Not started yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sleep did not start in ${cwd}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

describe('VS Code Server', () => {
  let dir: string;
  let cleanup: () => void;
  let f: Fixture;
  let env: Record<string, string>;
  let busy: ChildProcess;
  let model: ScanModel;
  before(async () => {
    ({ dir, cleanup } = tempFolder('mlds-vscs-'));
    f = buildFixture(dir);
    env = { HOME: f.home, [CURRENT_APP_ROOT_VAR]: f.appRoot };
    // A real process whose working folder lies inside one build, as a running server's would.
    busy = await sleepIn(path.join(f.busyBuild, 'out'));
    model = await scanCaches(env, ['vscode-server']);
  });
  after(async () => {
    await stop(busy);
    cleanup();
  });

  it('sizes every folder like du -sB1, bytes once across both install folders', () => {
    const c = categoryOf(model, 'vscode-server');
    assert.strictEqual(c.bytes, duBytes([f.server, f.cursor]));
    assert.strictEqual(c.apparentBytes, duBytes([f.server, f.cursor], true));
    for (const install of c.items) {
      assert.strictEqual(install.children!.reduce((s, i) => s + i.bytes, 0), install.bytes, `${install.label}: rows add up`);
    }
    // The two builds share one hard-linked file: together they are du's total of both, once.
    const pair = [itemById(model, vscodeServerItemId(KIND.build, f.oldBuild)), itemById(model, vscodeServerItemId(KIND.build, f.newerBuild))];
    assert.strictEqual(pair[0].bytes + pair[1].bytes, duBytes([f.oldBuild, f.newerBuild]));
    for (const p of [f.busyBuild, f.currentBuild, f.newerCli, f.cursorBuild, f.extReplacedByJson, f.extObsolete, ...f.oldLogs, ...f.goneStorage]) {
      const kind = p === f.newerCli ? KIND.cli : p.includes('/extensions/') ? KIND.extension : p.includes('/logs/') ? KIND.log : p.includes('workspaceStorage') ? KIND.storage : KIND.build;
      assert.strictEqual(itemById(model, vscodeServerItemId(kind, p)).bytes, duBytes([p]), p);
    }
    assert.strictEqual(c.reclaimableBytes, duBytes(offeredPaths(f)), 'reclaimable = du of the offered folders');
  });

  it('offers exactly the old builds, superseded extensions, VSIXs, old logs and storage of deleted folders', () => {
    const all = leaves(categoryOf(model, 'vscode-server').items);
    const offered = all.filter((i) => i.reclaimable).map((i) => i.path!).sort();
    assert.deepStrictEqual(offered, offeredPaths(f));
    const shown = new Set(all.map((i) => i.path));
    for (const kept of [...f.extCurrent, f.extUnknown, f.newestLog, ...f.keptStorage]) assert.ok(!shown.has(kept), `${kept} is not offered`);
  });

  it('never offers the build this window runs on, its CLI, or a build a running process sits in', () => {
    const current = itemById(model, vscodeServerItemId(KIND.build, f.currentBuild));
    assert.deepStrictEqual([current.reclaimable, current.badges], [false, ['in use']]);
    assert.match(String(current.fields!.inUse), /this window/);
    const cli = itemById(model, vscodeServerItemId(KIND.cli, f.currentCli));
    assert.strictEqual(cli.reclaimable, false);
    const busyItem = itemById(model, vscodeServerItemId(KIND.build, f.busyBuild));
    assert.strictEqual(busyItem.reclaimable, false);
    assert.strictEqual(busyItem.fields!.inUse, `in use by sleep (pid ${busy.pid})`);
  });

  it('lists the builds oldest first, with their versions', () => {
    const builds = categoryOf(model, 'vscode-server').items[0].children!.find((i) => i.kind === 'vscode-server-builds')!.children!;
    const times = builds.map((b) => b.modifiedMs ?? 0);
    assert.deepStrictEqual(times, [...times].sort((a, b) => a - b));
    assert.strictEqual(builds[0].path, f.oldBuild);
    assert.strictEqual(builds[0].label, `Server 1.90.0 (${commit(1).slice(0, 7)})`);
  });

  it('says why each extension version is superseded', () => {
    const byJson = itemById(model, vscodeServerItemId(KIND.extension, f.extReplacedByJson));
    assert.deepStrictEqual([byJson.fields!.supersededBecause, byJson.fields!.currentVersion], ['replaced', '2024.2.0']);
    const byLocation = itemById(model, vscodeServerItemId(KIND.extension, f.extReplacedByLocation));
    assert.deepStrictEqual([byLocation.fields!.supersededBecause, byLocation.fields!.currentVersion], ['replaced', '1.1.0']);
    assert.strictEqual(itemById(model, vscodeServerItemId(KIND.extension, f.extObsolete)).fields!.supersededBecause, 'obsolete');
  });

  it('refuses a plan for a build in use', async () => {
    await assert.rejects(planForItems(model, [vscodeServerItemId(KIND.build, f.busyBuild)], env), (err: unknown) => err instanceof PlanRefusedError && /sleep/.test((err as Error).message));
  });
});

describe('VS Code Server: deleting', () => {
  let dir: string;
  let cleanup: () => void;
  let f: Fixture;
  let env: Record<string, string>;
  beforeEach(() => {
    ({ dir, cleanup } = tempFolder('mlds-vscs-del-'));
    f = buildFixture(dir);
    env = { HOME: f.home, [CURRENT_APP_ROOT_VAR]: f.appRoot };
  });
  afterEach(() => cleanup());

  it('clean removes exactly the offered folders, freeing what du counted', async () => {
    const model = await scanCaches(env, ['vscode-server']);
    const plan = await planById(model, VSCODE_SERVER_CLEAN_ID, env);
    // The busy build is free in this test (no process): it is offered too.
    const expected = [...offeredPaths(f), f.busyBuild].sort();
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), expected);
    assert.strictEqual(plan.bytes, duBytes(expected));
    assert.ok(plan.warnings?.some((w) => /downloads its server again/.test(w)));
    const before = snapshotTree(dir);
    const report = await executePlan(plan);
    assert.deepStrictEqual(report.outcomes.filter((o) => o.status !== 'deleted'), []);
    assert.strictEqual(report.bytesFreed, plan.bytes);
    assertOnlyRemoved(before, snapshotTree(dir), expected.map((p) => path.relative(dir, p)));
    assert.ok(fs.existsSync(f.vsixDir), 'the CachedExtensionVSIXs folder itself stays');
  });

  it('a build a process starts using after the scan is kept by the plan', async () => {
    const model = await scanCaches(env, ['vscode-server']);
    assert.strictEqual(itemById(model, vscodeServerItemId(KIND.build, f.oldBuild)).reclaimable, true);
    const late = await sleepIn(path.join(f.oldBuild, 'node_modules'));
    try {
      const plan = await planById(model, VSCODE_SERVER_CLEAN_ID, env);
      assert.ok(!plan.targets.some((t) => t.path === f.oldBuild));
      assert.deepStrictEqual(plan.keep?.find((k) => k.path === f.oldBuild)?.reason, `in use by sleep (pid ${late.pid})`);
      const before = snapshotTree(dir);
      await executePlan(plan);
      const gone = plan.targets.map((t) => path.relative(dir, t.path));
      assertOnlyRemoved(before, snapshotTree(dir), gone);
      assert.ok(fs.existsSync(path.join(f.oldBuild, 'node')));
    } finally {
      await stop(late);
    }
  });

  it('a group row deletes its offered folders only (stale storage; the live and remote ones stay)', async () => {
    const model = await scanCaches(env, ['vscode-server']);
    const plan = await planForItems(model, [vscodeServerItemId(KIND.storages, f.server)], env);
    assert.deepStrictEqual(plan.targets.map((t) => t.path).sort(), [...f.goneStorage].sort());
    const before = snapshotTree(dir);
    await executePlan(plan);
    assertOnlyRemoved(before, snapshotTree(dir), f.goneStorage.map((p) => path.relative(dir, p)));
    for (const kept of f.keptStorage) assert.ok(fs.existsSync(path.join(kept, 'state.vscdb')));
  });
});

describe('VS Code Server: names and URIs', () => {
  it('splits extension folder names into id, version and platform', () => {
    assert.deepStrictEqual(parseExtensionFolderName('ms-python.vscode-pylance-2024.1.1'), { id: 'ms-python.vscode-pylance', version: '2024.1.1' });
    assert.deepStrictEqual(parseExtensionFolderName('ms-toolsai.jupyter-2024.1.0-linux-x64'), { id: 'ms-toolsai.jupyter', version: '2024.1.0', platform: 'linux-x64' });
    assert.deepStrictEqual(parseExtensionFolderName('GitHub.copilot-chat-0.23.2024120602'), { id: 'github.copilot-chat', version: '0.23.2024120602' });
    assert.deepStrictEqual(parseExtensionFolderName('rust-lang.rust-analyzer-0.4.2000-alpine-arm64'), { id: 'rust-lang.rust-analyzer', version: '0.4.2000', platform: 'alpine-arm64' });
    for (const other of ['.obsolete', 'extensions.json', '.7f3c-temp', 'nodots-1.0.0', 'a.b']) assert.strictEqual(parseExtensionFolderName(other), undefined, other);
  });

  it('reads local paths only from file:// URIs, escapes decoded', () => {
    assert.strictEqual(localPathOfUri('file:///home/me/my%20proj%231'), '/home/me/my proj#1');
    assert.strictEqual(localPathOfUri('file://localhost/srv/x'), '/srv/x');
    assert.strictEqual(localPathOfUri('vscode-remote://ssh-remote%2Bbox/home/me'), undefined);
    assert.strictEqual(localPathOfUri('file://server/share/x'), undefined);
    assert.strictEqual(localPathOfUri('file:///home/%00x'), undefined);
  });
});

describe('VS Code Server: hostile files', () => {
  it('a FIFO, a link to /dev/zero or a huge file among its JSON files is a warning, never a hang', async function () {
    this.timeout(30000);
    const { dir, cleanup } = tempFolder('mlds-vscs-hostile-');
    try {
      const f = buildFixture(dir);
      const ext = path.join(f.server, 'extensions');
      fs.rmSync(path.join(ext, 'extensions.json'));
      execFileSync('mkfifo', [path.join(ext, 'extensions.json')]);
      fs.rmSync(path.join(ext, '.obsolete'));
      fs.symlinkSync('/dev/zero', path.join(ext, '.obsolete'));
      fs.rmSync(path.join(f.oldBuild, 'package.json'));
      fs.symlinkSync('/dev/zero', path.join(f.oldBuild, 'package.json'));
      const ws = path.join(f.keptStorage[0], 'workspace.json');
      fs.rmSync(ws);
      execFileSync('mkfifo', [ws]);
      const huge = path.join(f.goneStorage[0], 'workspace.json');
      fs.truncateSync(huge, 64 * 1024 * 1024 * 1024);
      const started = Date.now();
      const model = await scanCaches({ HOME: f.home, [CURRENT_APP_ROOT_VAR]: f.appRoot }, ['vscode-server']);
      assert.ok(Date.now() - started < 20000);
      assert.ok(model.warnings.some((w) => w.path === path.join(ext, 'extensions.json') && /FIFO/.test(w.message)), JSON.stringify(model.warnings));
      const offered = leaves(categoryOf(model, 'vscode-server').items).filter((i) => i.reclaimable).map((i) => i.path!);
      // Unreadable extension lists: no extension version is called superseded.
      assert.ok(!offered.some((p) => p.startsWith(ext + path.sep)));
      // Unreadable workspace.json (FIFO, 64 GiB sparse): that storage is kept, not guessed at.
      assert.ok(!offered.includes(f.keptStorage[0]) && !offered.includes(f.goneStorage[0]));
      assert.ok(offered.includes(f.goneStorage[1]));
      // A build whose package.json is unreadable is still a build, just without a version.
      assert.strictEqual(itemById(model, vscodeServerItemId(KIND.build, f.oldBuild)).label, `Server ${commit(1).slice(0, 7)}`);
    } finally {
      cleanup();
    }
  });
});

describe('VS Code Server: where it is', () => {
  it('finds the folder VSCODE_AGENT_FOLDER names, and counts ~/.vscode-server once when it names that', async () => {
    const { dir, cleanup } = tempFolder('mlds-vscs-agent-');
    try {
      const home = path.join(dir, 'home');
      const agent = path.join(dir, 'scratch', 'vscs');
      const agentBuild = build(path.join(agent, 'bin', commit(7)), '1.97.0', 7);
      const homeBuild = build(path.join(home, '.vscode-server', 'bin', commit(8)), '1.97.1', 8);
      const model = await scanCaches({ HOME: home, VSCODE_AGENT_FOLDER: agent }, ['vscode-server']);
      const c = categoryOf(model, 'vscode-server');
      assert.deepStrictEqual(c.items.map((i) => i.path), [agent, path.join(home, '.vscode-server')]);
      assert.strictEqual(c.bytes, duBytes([agent, path.join(home, '.vscode-server')]));
      for (const b of [agentBuild, homeBuild]) assert.strictEqual(itemById(model, vscodeServerItemId(KIND.build, b)).reclaimable, true);
      const same = await scanCaches({ HOME: home, VSCODE_AGENT_FOLDER: path.join(home, '.vscode-server') }, ['vscode-server']);
      assert.deepStrictEqual(categoryOf(same, 'vscode-server').items.map((i) => i.path), [path.join(home, '.vscode-server')]);
    } finally {
      cleanup();
    }
  });

  it('is absent when no server folder exists', async () => {
    const { dir, cleanup } = tempFolder('mlds-vscs-none-');
    try {
      const model = await scanCaches({ HOME: dir }, ['vscode-server']);
      assert.ok(!model.categories.some((c) => c.id === 'vscode-server'));
    } finally {
      cleanup();
    }
  });
});
