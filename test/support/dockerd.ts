// A real Docker engine for tests (how it runs offline: docs/TESTING.md): dockerd from Debian's docker.io,
// started in a short temporary directory, in its own process group, with no network setup, ready
// when /_ping answers. If it cannot start, startDockerd THROWS with the reason and the daemon's log:
// the tests that need it fail, they never skip.
//
// The raw Engine API helper here (engineRequest) is deliberately independent of our DockerClient:
// tests use it to build fixtures and as the oracle our numbers are compared with.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as tar from 'tar-stream';

export interface Dockerd {
  /** Temporary directory holding data root, exec root, socket and log. */
  dir: string;
  socketPath: string;
  /** `unix://…/docker.sock`, for DOCKER_HOST and our DockerClient. */
  host: string;
  storageDriver: string;
  /** dockerd's pid, also its process group id. */
  pid: number;
  logFile: string;
  /** SIGSTOP / SIGCONT the daemon alone (a hung engine); SIGKILL to simulate a crash. */
  signal(sig: NodeJS.Signals): void;
  /** Stops the daemon and everything it started, unmounts what it left, deletes `dir`. Idempotent. */
  stop(): Promise<void>;
}

export interface StartDockerdOptions {
  /** Storage drivers to try in order (default overlay2, then vfs, which reports SharedSize 0; env MLDS_DOCKER_STORAGE_DRIVERS overrides). */
  storageDrivers?: string[];
  /** Milliseconds to wait for /_ping per attempt (default 30 s). */
  readyTimeoutMs?: number;
}

function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDockerd(options: StartDockerdOptions = {}): Promise<Dockerd> {
  const dockerd = findExecutable('dockerd');
  if (!dockerd) {
    throw new Error(
      'dockerd not found: the Docker tests need a real engine. Install it with test/setup/install-test-deps.sh ' +
        '(Debian packages docker.io and busybox-static).',
    );
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('dockerd needs root: run the Docker tests as root (CI does) or under sudo.');
  }
  const failures: string[] = [];
  // MLDS_DOCKER_STORAGE_DRIVERS=vfs runs the suite on vfs, to check the fallback on a machine that has overlay2.
  const drivers = options.storageDrivers ?? process.env.MLDS_DOCKER_STORAGE_DRIVERS?.split(',').filter(Boolean) ?? ['overlay2', 'vfs'];
  for (const driver of drivers) {
    // Short path: unix socket paths are limited to ~108 bytes.
    const dir = fs.mkdtempSync('/tmp/mldd-');
    // Traversable by other users, so a permission test can reach the socket and be refused by its mode alone.
    fs.chmodSync(dir, 0o711);
    try {
      return await startOnce(dockerd, dir, driver, options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      failures.push(`${driver}: ${(error as Error).message}`);
      cleanupDir(dir);
    }
  }
  throw new Error(`dockerd could not be started:\n${failures.join('\n')}`);
}

async function startOnce(dockerdPath: string, dir: string, driver: string, readyTimeoutMs: number): Promise<Dockerd> {
  const socketPath = path.join(dir, 'docker.sock');
  const logFile = path.join(dir, 'dockerd.log');
  const log = fs.openSync(logFile, 'a');
  const args = [
    `--storage-driver=${driver}`,
    '--iptables=false',
    '--ip6tables=false',
    '--bridge=none',
    '--data-root',
    path.join(dir, 'data'),
    '--exec-root',
    path.join(dir, 'exec'),
    '--pidfile',
    path.join(dir, 'dockerd.pid'),
    '--shutdown-timeout',
    '2',
    '-H',
    `unix://${socketPath}`,
  ];
  // detached: setsid, so dockerd, its containerd and shims form one process group we can end whole.
  const child: ChildProcess = spawn(dockerdPath, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited: string | undefined;
  child.once('exit', (code, sig) => (exited = `exited with ${sig ?? code}`));
  child.once('error', (e) => (exited = `could not be spawned: ${e.message}`));
  const pid = child.pid;
  const logTail = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const deadline = Date.now() + readyTimeoutMs;
  let ready = false;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await engineRequest(socketPath, 'GET', '/_ping', { timeoutMs: 1000 });
      if (res.status === 200) {
        ready = true;
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  // Every pid seen under dir, so stop() can remove what they leave in /tmp even if dockerd
  // restarted its containerd meanwhile (it does after being stopped long enough to miss health checks).
  const seen = new Set<number>();
  const record = () => processesUnder(dir).forEach((p) => seen.add(p));
  const stop = makeStop(child, dir, seen);
  if (!ready || pid === undefined) {
    await stop();
    throw new Error(`dockerd --storage-driver=${driver} ${exited ?? `did not answer /_ping within ${readyTimeoutMs} ms`}; log:\n${logTail()}`);
  }
  const info = (await engineRequest(socketPath, 'GET', '/info')).json() as { Driver?: string };
  if (info.Driver !== driver) {
    await stop();
    throw new Error(`dockerd runs storage driver ${info.Driver}, asked for ${driver}`);
  }
  record();
  return {
    dir,
    socketPath,
    host: `unix://${socketPath}`,
    storageDriver: driver,
    pid,
    logFile,
    signal: (sig) => {
      record();
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, sig);
    },
    stop,
  };
}

function makeStop(child: ChildProcess, dir: string, seen: Set<number>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      const pid = child.pid;
      processesUnder(dir).forEach((p) => seen.add(p));
      const alive = () => child.exitCode === null && child.signalCode === null;
      if (pid !== undefined && alive()) {
        try {
          process.kill(pid, 'SIGCONT'); // in case a test left it stopped
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const deadline = Date.now() + 15_000;
        while (alive() && Date.now() < deadline) await sleep(50);
      }
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL'); // whatever is left of the group (containerd)
        } catch {
          // group already empty
        }
      }
      killStrays(dir);
      cleanupDir(dir);
      // containerd dumps goroutine stacks to /tmp/containerd.<pid>.stacks.log on some signals; leave no litter.
      for (const p of seen) fs.rmSync(`/tmp/containerd.${p}.stacks.log`, { force: true });
    })();
    return stopping;
  };
}

/** Pids whose command line names our unique directory: our containerd and its shims. */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // process ended meanwhile
    }
  }
  return pids;
}

/** containerd shims re-parent themselves out of the group; find ours by our unique directory. */
function killStrays(dir: string): void {
  for (const pid of processesUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
}

function cleanupDir(dir: string): void {
  // Unmount anything dockerd left mounted under dir (overlay mounts, the shm of a killed container), deepest first.
  try {
    const mounts = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((m): m is string => !!m && (m === dir || m.startsWith(dir + '/')))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  } catch {
    // no /proc: nothing to unmount
  }
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

// ---------------------------------------------------------------------------------------------
// Raw Engine API
// ---------------------------------------------------------------------------------------------

export interface EngineResponse {
  status: number;
  body: Buffer;
  json(): unknown;
  /** Newline-delimited JSON messages (build, import, pull progress). */
  messages(): Record<string, unknown>[];
}

export function engineRequest(
  socketPath: string,
  method: string,
  apiPath: string,
  options: { body?: Buffer | object; contentType?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    let payload: Buffer | undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (Buffer.isBuffer(options.body)) {
      payload = options.body;
      headers['Content-Type'] = options.contentType ?? 'application/x-tar';
    } else if (options.body !== undefined) {
      payload = Buffer.from(JSON.stringify(options.body));
      headers['Content-Type'] = 'application/json';
    }
    if (payload) headers['Content-Length'] = String(payload.length);
    const req = http.request({ socketPath, method, path: apiPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          body,
          json: () => JSON.parse(body.toString('utf8')),
          messages: () =>
            body
              .toString('utf8')
              .split('\n')
              .filter((l) => l.trim())
              .map((l) => JSON.parse(l) as Record<string, unknown>),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`timeout after ${options.timeoutMs} ms`)));
    req.end(payload);
  });
}

/** Throws unless the response status is in `ok`; the message carries the engine's words. */
export async function engineCall(socketPath: string, method: string, apiPath: string, ok: number[], body?: Buffer | object): Promise<EngineResponse> {
  const res = await engineRequest(socketPath, method, apiPath, { body });
  if (!ok.includes(res.status)) throw new Error(`${method} ${apiPath} -> HTTP ${res.status}: ${res.body.toString('utf8').slice(0, 500)}`);
  const failed = res.status === 200 && res.body.length && res.body[0] === 0x7b ? streamError(res) : undefined;
  if (failed) throw new Error(`${method} ${apiPath}: ${failed}`);
  return res;
}

function streamError(res: EngineResponse): string | undefined {
  try {
    for (const m of res.messages()) if (typeof m.error === 'string') return m.error;
  } catch {
    // a single JSON document, not a stream
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Offline fixtures
// ---------------------------------------------------------------------------------------------

export async function tarBuffer(files: Record<string, string | Buffer | { mode: number; content: string | Buffer } | { linkTo: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, value] of Object.entries(files)) {
    if (typeof value === 'object' && !Buffer.isBuffer(value) && 'linkTo' in value) {
      pack.entry({ name, type: 'symlink', linkname: value.linkTo });
    } else if (typeof value === 'object' && !Buffer.isBuffer(value)) {
      pack.entry({ name, mode: value.mode }, value.content);
    } else {
      pack.entry({ name, mode: 0o644 }, value);
    }
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const BUSYBOX_APPLETS = ['sh', 'dd', 'sleep', 'echo', 'cat', 'ls', 'mkdir', 'true', 'rm', 'head'];

/** A root filesystem holding only the static busybox binary and its applet links. */
export async function busyboxRootfsTar(): Promise<Buffer> {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  if (!busybox) throw new Error('busybox not found: install busybox-static (test/setup/install-test-deps.sh)');
  const files: Parameters<typeof tarBuffer>[0] = { 'bin/busybox': { mode: 0o755, content: fs.readFileSync(busybox) }, 'tmp/.keep': '' };
  for (const applet of BUSYBOX_APPLETS) files[`bin/${applet}`] = { linkTo: 'busybox' };
  return tarBuffer(files);
}

/** `docker import -c 'CMD ["/bin/sh"]' rootfs.tar repo:tag` through the API. Returns the image id. */
export async function importImage(socketPath: string, rootfs: Buffer, repo: string, tag: string): Promise<string> {
  const query = new URLSearchParams({ fromSrc: '-', repo, tag, changes: 'CMD ["/bin/sh"]' });
  await engineCall(socketPath, 'POST', `/images/create?${query}`, [200], rootfs);
  return imageId(socketPath, `${repo}:${tag}`);
}

export async function imageId(socketPath: string, ref: string): Promise<string> {
  const res = await engineCall(socketPath, 'GET', `/images/${encodeURIComponent(ref)}/json`, [200]);
  return (res.json() as { Id: string }).Id;
}

/** Legacy builder (`DOCKER_BUILDKIT=0 docker build`) with no network. Returns the image id. */
export async function buildImage(socketPath: string, tag: string, dockerfile: string, files: Record<string, string> = {}): Promise<string> {
  const context = await tarBuffer({ Dockerfile: dockerfile, ...files });
  const query = new URLSearchParams({ t: tag, networkmode: 'none', rm: '1', forcerm: '1' });
  await engineCall(socketPath, 'POST', `/build?${query}`, [200], context);
  return imageId(socketPath, tag);
}

export async function createVolume(socketPath: string, name: string): Promise<void> {
  await engineCall(socketPath, 'POST', '/volumes/create', [201], { Name: name });
}

/** Creates a container (network none), optionally starts it and waits for it to exit. Returns its id. */
export async function runContainer(
  socketPath: string,
  opts: { name: string; image: string; cmd: string[]; volumes?: string[]; start?: boolean; wait?: boolean },
): Promise<string> {
  const body = {
    Image: opts.image,
    Cmd: opts.cmd,
    HostConfig: { NetworkMode: 'none', Binds: opts.volumes ?? [] },
  };
  const created = await engineCall(socketPath, 'POST', `/containers/create?name=${encodeURIComponent(opts.name)}`, [201], body);
  const id = (created.json() as { Id: string }).Id;
  if (opts.start !== false) {
    await engineCall(socketPath, 'POST', `/containers/${id}/start`, [204]);
    if (opts.wait !== false) {
      const waited = await engineCall(socketPath, 'POST', `/containers/${id}/wait`, [200]);
      const code = (waited.json() as { StatusCode: number }).StatusCode;
      if (code !== 0) throw new Error(`container ${opts.name} exited with ${code}`);
    }
  }
  return id;
}

/** Writes `kilobytes` of zeros into a named volume through a throw-away container, then removes that container. */
export async function fillVolume(socketPath: string, volume: string, image: string, kilobytes: number): Promise<void> {
  const id = await runContainer(socketPath, {
    name: `fill-${volume}-${Date.now()}`,
    image,
    cmd: ['dd', 'if=/dev/zero', 'of=/data/blob', 'bs=1024', `count=${kilobytes}`],
    volumes: [`${volume}:/data`],
  });
  await engineCall(socketPath, 'DELETE', `/containers/${id}`, [204]);
}

/**
 * A BuildKit build (dockerode `buildImage(ctx, {version: '2'})`), which leaves real build-cache
 * records. dockerode is used here only because it implements BuildKit's session protocol.
 */
export async function buildKitImage(socketPath: string, tag: string, dockerfile: string, files: Record<string, string> = {}): Promise<void> {
  const Dockerode = (await import('dockerode')).default;
  type Dockerode_ImageBuildOptions = import('dockerode').ImageBuildOptions;
  const docker = new Dockerode({ socketPath, host: undefined, port: undefined, protocol: 'http' });
  const context = await tarBuffer({ Dockerfile: dockerfile, ...files });
  const stream: NodeJS.ReadableStream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: tag,
    version: '2',
    networkmode: 'none',
  } as Dockerode_ImageBuildOptions);
  const output = await new Promise<Record<string, unknown>[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: unknown, res: Record<string, unknown>[]) => (err ? reject(err) : resolve(res))),
  );
  const failed = output.find((m) => typeof m.error === 'string');
  if (failed) throw new Error(`BuildKit build of ${tag} failed: ${failed.error as string}`);
}

/** Ids of everything the engine lists, for before/after comparisons. */
export interface EngineInventory {
  images: Map<string, string[]>;
  containers: Map<string, string>;
  volumes: Set<string>;
  buildCache: Set<string>;
}

export async function inventory(socketPath: string): Promise<EngineInventory> {
  const df = (await engineCall(socketPath, 'GET', '/system/df', [200])).json() as RawDiskUsage;
  return {
    images: new Map((df.Images ?? []).map((i) => [i.Id, i.RepoTags ?? []])),
    containers: new Map((df.Containers ?? []).map((c) => [c.Id, c.State])),
    volumes: new Set((df.Volumes ?? []).map((v) => v.Name)),
    buildCache: new Set((df.BuildCache ?? []).map((b) => b.ID)),
  };
}

/** The raw GET /system/df shape (API 1.41), for oracles computed independently of our mapping. */
export interface RawDiskUsage {
  LayersSize: number;
  Images: { Id: string; RepoTags: string[] | null; Size: number; SharedSize: number; Containers: number; Created: number; ParentId: string }[] | null;
  Containers: { Id: string; Names: string[]; State: string; SizeRw?: number; ImageID: string; Image: string }[] | null;
  Volumes: { Name: string; CreatedAt: string; UsageData: { Size: number; RefCount: number } | null }[] | null;
  BuildCache: { ID: string; Type: string; Size: number; InUse: boolean; Shared: boolean }[] | null;
}

export async function rawDiskUsage(socketPath: string): Promise<RawDiskUsage> {
  return (await engineCall(socketPath, 'GET', '/system/df', [200])).json() as RawDiskUsage;
}
