// A real VS Code server (code-server) for the integration tests: its own process group, temp
// user-data/extensions/config/XDG dirs, a free port, readiness by /healthz, and a stop() that ends
// the whole group (extension host and pty host included). See docs/TESTING.md.
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { TestTools } from './tools';

export interface CodeServerOptions {
  tools: TestTools;
  /** Temp dir this server owns (short path); user data, extensions, config and XDG dirs go inside. */
  dir: string;
  /** Extra environment for the server process (its extension host inherits it, under the workbench's extensionEnvironment). */
  env?: Record<string, string>;
  /** Variables of the runner's environment the server must not inherit. */
  unsetEnv?: RegExp;
  /** Where the server's stdout/stderr go. */
  logFile: string;
  /** User settings, on top of QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /**
   * false: start WITHOUT enable-smoke-test-driver. That flag makes the workbench read the URL's
   * payload (development path, tests path, extension environment) but also hides every
   * notification toast, so phases that must see toasts run without it: the extension is then
   * installed into the extensions dir and gets its environment through the server's (`env`).
   */
  smokeTestDriver?: boolean;
  /** VS Code display language (`--locale`, e.g. 'ko'): the extension's own bundles follow it even without a language pack. */
  locale?: string;
}

/** Settings that keep the test window quiet and offline: no welcome page, chat, update or gallery checks. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
};

const servers = new Set<CodeServer>();

// If the runner dies without stopping a server, end its group anyway: an orphaned extension host
// waits hours for a browser to reconnect.
process.on('exit', () => {
  for (const s of servers) s.killGroupNow('SIGKILL');
});

export class CodeServer {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  private child?: ChildProcess;
  /** The server's process group id (= its pid, as it called setsid); kept after stop() for checks. */
  private pgid?: number;
  private port_?: number;
  private exited?: Promise<void>;

  constructor(private readonly opts: CodeServerOptions) {
    this.userDataDir = path.join(opts.dir, 'user');
    this.extensionsDir = path.join(opts.dir, 'ext');
    for (const d of [this.userDataDir, this.extensionsDir, ...Object.values(this.xdgDirs())]) fs.mkdirSync(d, { recursive: true });
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  }

  get port(): number {
    if (this.port_ === undefined) throw new Error('code-server is not started');
    return this.port_;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `vscode-remote://` URI of a path on this machine, as the workbench's payload wants it. */
  remoteUri(absPath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${absPath}`;
  }

  /**
   * The workbench URL for `folder`. `payload` entries (extensionDevelopmentPath, extensionTestsPath,
   * extensionEnvironment) are read by the workbench only because the server runs with
   * enable-smoke-test-driver; they turn the window into an extension-development/test window.
   */
  workbenchUrl(folder: string, payload?: [string, string][]): string {
    let url = `${this.origin}/?folder=${encodeURIComponent(folder)}`;
    if (payload && payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    return url;
  }

  /** The server's own HOME and XDG dirs: nothing it writes (e.g. a device id) lands in the real or the fixture's HOME. */
  private xdgDirs(): Record<string, string> {
    return {
      HOME: path.join(this.opts.dir, 'home'),
      XDG_CONFIG_HOME: path.join(this.opts.dir, 'xdg-config'),
      XDG_DATA_HOME: path.join(this.opts.dir, 'xdg-data'),
      XDG_CACHE_HOME: path.join(this.opts.dir, 'xdg-cache'),
      XDG_RUNTIME_DIR: path.join(this.opts.dir, 'xdg-run'),
    };
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The runner's own npm/Node settings must not leak into the server's Node 24.
    for (const k of Object.keys(env)) if (k.startsWith('npm_') || this.opts.unsetEnv?.test(k)) delete env[k];
    delete env.NODE_OPTIONS;
    Object.assign(env, this.xdgDirs(), this.opts.env);
    env.PATH = `${path.dirname(this.opts.tools.nodeBin)}:${env.PATH ?? ''}`;
    return env;
  }

  private baseArgs(): string[] {
    return [this.opts.tools.codeServerEntry, '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir, '--config', path.join(this.opts.dir, 'config.yaml')];
  }

  /** Installs a .vsix into this server's extensions dir (do it before start(): the server scans extensions when a window opens). */
  async installVsix(vsixPath: string): Promise<string> {
    const args = [...this.baseArgs(), '--install-extension', path.resolve(vsixPath), '--force'];
    return new Promise((resolve, reject) => {
      execFile(this.opts.tools.nodeBin, args, { env: this.env(), timeout: 120_000 }, (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`;
        if (err) reject(new Error(`code-server --install-extension ${vsixPath} failed: ${err.message}\n${out}`));
        else resolve(out);
      });
    });
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    if (this.child) throw new Error('code-server already started');
    this.port_ = await freePort();
    const log = fs.openSync(this.opts.logFile, 'a');
    const args = [
      ...this.baseArgs(),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${this.port_}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(this.opts.locale ? ['--locale', this.opts.locale] : []),
      // Newer releases read the payload (see workbenchUrl) only with enable-smoke-test-driver; older
      // ones (4.90 = VS Code 1.90, `npm run test:min-vscode`) read it always and know no --vscode-option.
      // Phases that must see toasts start without it (smokeTestDriver: false).
      ...(this.opts.smokeTestDriver !== false && takesVscodeOptions(this.opts.tools.codeServerEntry) ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ];
    // detached: the child calls setsid(), so it leads a new process group we can kill whole.
    const child = spawn(this.opts.tools.nodeBin, args, { env: this.env(), detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child = child;
    this.pgid = child.pid;
    servers.add(this);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + readyTimeoutMs;
    let exitedEarly = false;
    child.once('exit', () => (exitedEarly = true));
    while (Date.now() < deadline) {
      if (exitedEarly) break;
      if (await healthy(this.origin)) return;
      await sleep(100);
    }
    await this.stop();
    throw new Error(`code-server did not become ready on ${this.origin} within ${readyTimeoutMs} ms${exitedEarly ? ' (it exited)' : ''}; log:\n${tail(this.opts.logFile)}`);
  }

  /** Ends the whole process group: SIGTERM, then SIGKILL after a grace period. */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    this.killGroupNow('SIGTERM');
    const timer = setTimeout(() => this.killGroupNow('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // The leader is gone; anything it left in its group (extension host, pty host) goes too.
    this.killGroupNow('SIGKILL');
    servers.delete(this);
    this.child = undefined;
    // SIGKILLed members vanish once reaped; give that a moment so groupMembers() is meaningful.
    for (let i = 0; i < 50 && (await this.groupMembers()).length; i++) await sleep(100);
  }

  /** Synchronous, for exit handlers. */
  killGroupNow(signal: NodeJS.Signals): void {
    if (this.pgid === undefined) return;
    try {
      process.kill(-this.pgid, signal);
    } catch {
      // ESRCH: the group is already empty.
    }
  }

  /** Processes still alive in this server's group (for checks that stop() left nothing behind). */
  groupMembers(): Promise<number[]> {
    const pgid = this.pgid;
    return new Promise((resolve) => {
      if (pgid === undefined) return resolve([]);
      execFile('ps', ['-e', '-o', 'pid=,pgid='], (_err, stdout) =>
        resolve(
          stdout
            .split('\n')
            .map((line) => line.trim().split(/\s+/).map(Number))
            .filter(([pid, group]) => pid > 0 && group === pgid)
            .map(([pid]) => pid),
        ),
      );
    });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(origin: string): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Whether this code-server passes `--vscode-option` on to VS Code (its CLI parser lists the option).
 * Releases without it (4.90 = VS Code 1.90) also ignore the payload's extensionEnvironment. */
export function takesVscodeOptions(entry: string): boolean {
  const cli = path.join(path.dirname(entry), 'cli.js');
  return fs.readFileSync(cli, 'utf8').includes('"vscode-option"');
}
