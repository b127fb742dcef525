// Real Prometheus and node_exporter for the metrics tests (Debian packages `prometheus` and
// `prometheus-node-exporter`). Both listen on 127.0.0.1 only, on free ports, with their config and
// storage in a temporary folder; each runs in its own process group, so stop() ends it whole. A
// server that does not get ready in time THROWS with its log: the tests fail, they never skip.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

export interface Server {
  url: string;
  pid: number;
  logFile: string;
  /** Ends the process group (TERM, then KILL). Idempotent. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nothing listens on right now (the kernel picks it; the server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function findExecutable(names: string[]): string {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin', '/bin'])) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch { /* keep looking */ }
    }
  }
  throw new Error(`${names[0]} not found: install the Debian packages prometheus and prometheus-node-exporter (test/setup/install-test-deps.sh does)`);
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
  throw new Error(`${path.basename(String(child.spawnfile))} did not get ready at ${url} (${child.exitCode !== null ? `exited ${child.exitCode}` : last}):\n${log}`);
}

async function startServer(program: string, args: string[], readyUrl: string, logFile: string, timeoutMs: number): Promise<Server> {
  const log = fs.openSync(logFile, 'a');
  // detached: a new session and process group, so the whole group can be signalled.
  const child = spawn(program, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const pid = child.pid!;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (async () => {
    const signalGroup = (sig: NodeJS.Signals) => { try { process.kill(-pid, sig); } catch { /* gone */ } };
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      signalGroup('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
    }
    signalGroup('SIGKILL');
  })());
  try {
    await waitUntilReady(readyUrl, child, logFile, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: new URL(readyUrl).origin, pid, logFile, stop };
}

/** node_exporter with only the textfile collector, reading `textfileDir`. */
export async function startNodeExporter(dir: string, textfileDir: string): Promise<Server> {
  const program = findExecutable(['prometheus-node-exporter', 'node_exporter']);
  const port = await freePort();
  return startServer(program, [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    '--collector.textfile',
    `--collector.textfile.directory=${textfileDir}`,
  ], `http://127.0.0.1:${port}/metrics`, path.join(dir, 'node_exporter.log'), 20_000);
}

/** Prometheus scraping `target` (host:port) every second, evaluating `ruleFiles` every second. */
export async function startPrometheus(dir: string, target: string, ruleFiles: string[]): Promise<Server> {
  const program = findExecutable(['prometheus']);
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    `rule_files: ${JSON.stringify(ruleFiles)}`,
    'scrape_configs:',
    '  - job_name: node',
    `    static_configs: [{ targets: ["${target}"] }]`,
    '',
  ].join('\n'));
  return startServer(program, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.console.templates=${path.join(dir, 'consoles')}`,
    `--web.console.libraries=${path.join(dir, 'console_libraries')}`,
  ], `http://127.0.0.1:${port}/-/ready`, path.join(dir, 'prometheus.log'), 60_000);
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** An instant query through Prometheus' HTTP API. */
export async function promQuery(prometheus: Server, query: string): Promise<PromSample[]> {
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(5000) });
  const body = await res.json() as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success' || !body.data) throw new Error(`query ${query}: ${body.error ?? res.status}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Polls until `check` returns a value (not undefined), at most `timeoutMs`; then throws with the last reason. */
export async function pollUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
}
