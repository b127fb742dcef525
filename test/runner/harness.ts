// What a phase of the integration run gets: a fresh fixture, code-servers and browser pages that are
// always cleaned up, an artifacts folder, and helpers to drive the workbench. See runIntegration.ts.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Browser, chromium, ConsoleMessage, Page } from 'playwright-core';
import { FixtureDescription, FIXTURE_ENV_VAR } from '../integration/fixture';
import { CONSOLE_TAG, CONSOLE_TAG_VAR, RESULT_MARKER } from '../integration/hostLog';
import { CodeServer, tail } from './codeServer';
import { CHROMIUM_PATH, TestTools } from './tools';

export interface MochaCounts {
  passes: number;
  failures: number;
  pending: number;
}

export interface PhaseResult {
  /** Counts from a mocha run inside the extension host, when the phase ran one. */
  mocha?: MochaCounts;
  /** One line per UI/DOM check the phase made, for the summary. */
  checks: string[];
}

export interface Phase {
  name: string;
  description: string;
  timeoutMs: number;
  /** Fixture parts this phase needs (names in FIXTURE_PARTS); all of them when omitted. */
  fixtureParts?: string[];
  run(ctx: PhaseContext): Promise<PhaseResult>;
}

/** Thrown by a phase whose extension-host suite failed, carrying the host's exit code. */
export class ExtensionHostExit extends Error {
  constructor(
    readonly code: number,
    readonly mocha?: MochaCounts,
    reason = `extension host exited with code ${code}`,
  ) {
    super(`${reason}${mocha ? ` (${mocha.passes} passed, ${mocha.failures} failed, ${mocha.pending} pending)` : ''}`);
  }
}

/**
 * Variables that would point the extension at the machine's own caches, engines or envs; the
 * server (and so the extension host) never inherits them, the fixture sets what a test needs.
 */
const MACHINE_ENV = /^(HF_|HUGGINGFACE_|TRANSFORMERS_CACHE$|CONDA|MAMBA|_CE_|PIP_|UV_|TORCH_HOME$|OLLAMA_MODELS$|DOCKER_|CONTAINER_HOST$|VIRTUAL_ENV$|XDG_)/;

const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export class PhaseContext {
  private readonly servers: CodeServer[] = [];
  private browser?: Browser;
  private serverCount = 0;

  constructor(
    readonly phase: Phase,
    readonly repoRoot: string,
    readonly tools: TestTools,
    readonly fixture: FixtureDescription,
    /** .test-artifacts/<phase>: logs and screenshots. */
    readonly artifactsDir: string,
    /** Short temp dir owned by this phase (unix socket paths must stay short). */
    readonly tmpDir: string,
  ) {}

  /**
   * The extension under test: the repo itself, or MLDS_EXTENSION_DEV_PATH (a development aid for
   * working on this runner against another extension folder; never set in CI).
   */
  get extensionRoot(): string {
    return process.env.MLDS_EXTENSION_DEV_PATH || this.repoRoot;
  }

  log(msg: string): void {
    console.log(`[${this.phase.name}] ${msg}`);
  }

  /** Environment the extension host must see: the fixture's (HOME, ...) and the fixture itself. */
  extensionEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.fixture.env, [FIXTURE_ENV_VAR]: JSON.stringify(this.fixture), [CONSOLE_TAG_VAR]: CONSOLE_TAG, ...extra };
  }

  /** A fresh code-server (own dirs, own port), stopped when the phase ends; `vsix` is installed before it starts. */
  async startServer(opts: { vsix?: string; settings?: Record<string, unknown>; env?: Record<string, string>; smokeTestDriver?: boolean; locale?: string; beforeStart?: (server: CodeServer) => void } = {}): Promise<CodeServer> {
    const n = ++this.serverCount;
    const server = new CodeServer({
      tools: this.tools,
      dir: path.join(this.tmpDir, `cs${n}`),
      unsetEnv: MACHINE_ENV,
      logFile: path.join(this.artifactsDir, `code-server-${n}.log`),
      settings: opts.settings,
      env: opts.env,
      smokeTestDriver: opts.smokeTestDriver,
      locale: opts.locale,
    });
    this.servers.push(server);
    if (opts.vsix) {
      const out = await server.installVsix(opts.vsix);
      this.log(`installed ${path.basename(opts.vsix)}: ${out.trim().split('\n').pop()}`);
    }
    opts.beforeStart?.(server);
    const t0 = Date.now();
    await server.start();
    this.log(`code-server ready on ${server.origin} in ${Date.now() - t0} ms`);
    return server;
  }

  /**
   * A browser page on the workbench for the fixture workspace. The extension host gets the
   * fixture's environment through the payload's extensionEnvironment (added unless `payload` has
   * one), which the workbench applies with or without a development path. Console output goes to
   * browser-console.log; the extension host's (mocha's) also to stdout. `onExit` receives the code
   * the workbench passes to window.codeAutomationExit when an extension test run ends.
   */
  async openWorkbench(server: CodeServer, opts: { payload?: [string, string][]; onExit?: (code: number) => void; folder?: string } = {}): Promise<Page> {
    if (!this.browser) {
      this.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: BROWSER_ARGS });
    }
    // Clipboard permission: VS Code 1.90's web workbench reads the real browser clipboard (env.clipboard.readText).
    const page = await this.browser.newPage({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const consoleLog = fs.createWriteStream(path.join(this.artifactsDir, 'browser-console.log'), { flags: 'a' });
    page.on('console', (msg) => this.onConsole(msg, consoleLog));
    page.on('pageerror', (err) => consoleLog.write(`[pageerror] ${err.message}\n`));
    page.on('close', () => consoleLog.end());
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      this.log(`workbench reported extension host exit code ${code}`);
      opts.onExit?.(code);
    });
    const payload = [...(opts.payload ?? [])];
    if (!payload.some(([key]) => key === 'extensionEnvironment')) payload.push(['extensionEnvironment', JSON.stringify(this.extensionEnv())]);
    // Generous: on 2 busy cores the workbench page can take longer than the default 30 s to load.
    await page.goto(server.workbenchUrl(opts.folder ?? this.fixture.workspace, payload), { timeout: 120_000 });
    return page;
  }

  private onConsole(msg: ConsoleMessage, sink: fs.WriteStream): void {
    const text = cleanConsoleText(msg.text());
    sink.write(`[${msg.type()}] ${text}\n`);
    for (const line of text.split('\n')) {
      const host = extensionHostText(line);
      if (host !== undefined) process.stdout.write(`  | ${host}\n`);
    }
  }

  /** Runs the extension-host test suite (extensionTestsPath) in a dev window and returns mocha's counts. */
  async runExtensionTests(server: CodeServer, testsPath = path.join(this.repoRoot, 'out', 'test', 'integration', 'index.js')): Promise<MochaCounts> {
    let counts: MochaCounts | undefined;
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    const page = await this.openWorkbench(server, {
      payload: [
        ['extensionDevelopmentPath', server.remoteUri(this.extensionRoot)],
        ['extensionTestsPath', server.remoteUri(testsPath)],
        ['extensionEnvironment', JSON.stringify(this.extensionEnv())],
      ],
      onExit: resolveExit,
    });
    page.on('console', (msg) => {
      const text = msg.text();
      const i = text.indexOf(RESULT_MARKER);
      if (i >= 0) counts = JSON.parse(text.slice(i + RESULT_MARKER.length).trim().match(/\{.*?\}/)![0]) as MochaCounts;
    });
    const code = await exited;
    await page.screenshot({ path: path.join(this.artifactsDir, 'workbench-at-exit.png') }).catch(() => undefined);
    if (code !== 0) throw new ExtensionHostExit(code, counts);
    if (!counts) throw new ExtensionHostExit(1, undefined, `extension host exited 0 without a ${RESULT_MARKER} line: the suite never ran`);
    if (counts.passes === 0) throw new ExtensionHostExit(1, counts, 'no test passed in the extension host');
    return counts;
  }

  /** Runs `cmd args` in `cwd` (default: the extension root), output to <artifacts>/<logName>; rejects on non-zero exit. */
  exec(cmd: string, args: string[], logName: string, timeoutMs = 300_000, cwd = this.extensionRoot): Promise<void> {
    const logFile = path.join(this.artifactsDir, logName);
    const log = fs.openSync(logFile, 'w');
    return new Promise<void>((resolve, reject) => {
      // stdin closed: a tool that prompts fails instead of waiting forever.
      const child = spawn(cmd, args, { cwd, stdio: ['ignore', log, log], detached: true });
      fs.closeSync(log);
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, timeoutMs);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}); last lines of ${logFile}:\n${tail(logFile, 30)}`));
      });
    });
  }

  async screenshot(page: Page, file: string): Promise<string> {
    const target = path.isAbsolute(file) ? file : path.join(this.artifactsDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target });
    return target;
  }

  /** Screenshots every open page (for failures), then closes the browser and stops every server. */
  async dispose(failed: boolean): Promise<void> {
    if (this.browser) {
      if (failed) {
        let i = 0;
        for (const page of this.browser.contexts().flatMap((c) => c.pages())) {
          const file = path.join(this.artifactsDir, `failure-${++i}.png`);
          await page.screenshot({ path: file, timeout: 5000 }).then(() => this.log(`screenshot at failure: ${file}`), () => undefined);
        }
      }
      await this.browser.close().catch(() => undefined);
    }
    for (const server of this.servers) {
      await server.stop();
      const left = await server.groupMembers();
      if (left.length) this.log(`warning: processes left in code-server's group after stop: ${left.join(' ')}`);
    }
    if (failed) for (const [i] of this.servers.entries()) this.log(`code-server log: ${path.join(this.artifactsDir, `code-server-${i + 1}.log`)}`);
  }
}

/** Drops the `%c LEVEL` + `color: #xxx` prefix the workbench puts on log-service lines. */
export function cleanConsoleText(text: string): string {
  return text.replace(/^%c\s*(\w+)\s+color:\s*#[0-9a-fA-F]+\s?/, '$1 ');
}

/** The text of a console line the extension host's test run printed, or undefined for workbench noise. */
export function extensionHostText(text: string): string | undefined {
  const i = text.indexOf(CONSOLE_TAG);
  return i < 0 ? undefined : text.slice(i + CONSOLE_TAG.length);
}
