// Runs the built CLI (dist/cli.js) as a child process with a hard timeout, asynchronously, so a
// test can act (remove a container, write a fixture) while the CLI is still running.
import { spawn } from 'child_process';
import * as path from 'path';

/** MLDS_TEST_CLI runs the same tests against another build (e.g. an older commit's, to see them fail there). */
export const CLI = process.env.MLDS_TEST_CLI || path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the timeout killed it. */
  timedOut: boolean;
  ms: number;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; stdoutFd?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      // The CLI's free-space history goes where the sandbox points XDG_STATE_HOME, never into a (canary) HOME.
      env: options.env ? { XDG_STATE_HOME: process.env.XDG_STATE_HOME, ...options.env } : process.env,
      cwd: options.cwd,
      stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, options.timeoutMs ?? 60_000);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, timedOut, ms: Date.now() - t0 });
    });
  });
}

/** stderr holds no stack trace (lines starting with "    at "). */
export function hasStackTrace(stderr: string): boolean {
  return /^\s+at .+[:(]/m.test(stderr) || /node:internal|Node\.js v\d/.test(stderr);
}
