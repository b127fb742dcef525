// Runs the integration phases against a real VS Code (code-server + headless Chromium).
//   node out/test/runner/runIntegration.js [PHASE...]      (or MLDS_PHASES=a,b; --list to list them)
// Each phase gets a fresh fixture and its own servers, all stopped when it ends. Writes
// .test-artifacts/integration-summary.json and exits with the first failing phase's code (the
// extension host's exit code for a failing suite), 0 when every phase passed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildFixture, disposeFixture, type FixtureDescription } from '../integration/fixture';
import { ExtensionHostExit, MochaCounts, Phase, PhaseContext } from './harness';
import { uiChartPhase } from './chartPhase';
import { uiCheckpointsPhase } from './checkpointsPhase';
import { uiDockerPhase } from './dockerPhase';
import { uiNotificationsPhase } from './notificationsPhase';
import { uiHeadroomPhase } from './headroomPhase';
import { uiWandbGpuPhase } from './wandbGpuPhase';
import { extensionTestsPhase, uiTreePhase, vsixPhase } from './phases';
import { loadTools } from './tools';

/** In run order. Add a phase here (see phases.ts). */
export const PHASES: Phase[] = [extensionTestsPhase, vsixPhase, uiTreePhase, uiChartPhase, uiDockerPhase, uiCheckpointsPhase, uiHeadroomPhase, uiNotificationsPhase, uiWandbGpuPhase];

interface PhaseReport {
  name: string;
  ok: boolean;
  seconds: number;
  mocha?: MochaCounts;
  checks: string[];
  error?: string;
  exitCode: number;
}

const repoRoot = path.resolve(__dirname, '..', '..', '..');
// Another code-server release (MLDS_CODE_SERVER_VERSION, `npm run test:min-vscode`) keeps its artifacts apart.
const artifactsRoot = process.env.MLDS_CODE_SERVER_VERSION
  ? path.join(repoRoot, '.test-artifacts', `code-server-${process.env.MLDS_CODE_SERVER_VERSION}`)
  : path.join(repoRoot, '.test-artifacts');

function selectPhases(argv: string[]): Phase[] {
  const names = argv.length ? argv : (process.env.MLDS_PHASES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) return PHASES;
  return names.map((n) => {
    const p = PHASES.find((x) => x.name === n);
    if (!p) throw new Error(`unknown phase '${n}'; phases: ${PHASES.map((x) => x.name).join(', ')}`);
    return p;
  });
}

async function runPhase(phase: Phase, tools: ReturnType<typeof loadTools>, tmpRoot: string): Promise<PhaseReport> {
  const t0 = Date.now();
  const artifactsDir = path.join(artifactsRoot, phase.name);
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });
  const tmpDir = fs.mkdtempSync(path.join(tmpRoot, `${PHASES.indexOf(phase) + 1}-`));
  let fixture: FixtureDescription;
  try {
    fixture = await buildFixture(path.join(tmpDir, 'fx'), phase.fixtureParts);
  } catch (err) {
    // A part that cannot be built (e.g. dockerd does not start) fails its phase loudly; the next phases still run.
    console.log(`\n=== phase ${phase.name}: FAILED building the fixture: ${(err as Error).stack ?? String(err)}`);
    return { name: phase.name, ok: false, seconds: Math.round((Date.now() - t0) / 100) / 10, checks: [], error: `fixture: ${(err as Error).stack ?? String(err)}`, exitCode: 1 };
  }
  const ctx = new PhaseContext(phase, repoRoot, tools, fixture, artifactsDir, tmpDir);
  console.log(`\n=== phase ${phase.name}: ${phase.description}`);
  let report: PhaseReport;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`phase ${phase.name} timed out after ${phase.timeoutMs / 1000} s`)), phase.timeoutMs);
    });
    const result = await Promise.race([phase.run(ctx), timeout]);
    report = { name: phase.name, ok: true, seconds: 0, mocha: result.mocha, checks: result.checks, exitCode: 0 };
  } catch (err) {
    const e = err as Error;
    report = {
      name: phase.name,
      ok: false,
      seconds: 0,
      mocha: err instanceof ExtensionHostExit ? err.mocha : undefined,
      checks: [],
      error: e.stack ?? String(e),
      exitCode: err instanceof ExtensionHostExit && err.code !== 0 ? err.code : 1,
    };
  } finally {
    clearTimeout(timer);
  }
  await ctx.dispose(!report.ok);
  // What fixture parts started (dockerd) stops with the phase, passed or not.
  await disposeFixture(fixture.root).catch((err: unknown) => ctx.log(`warning: ${(err as Error).message}`));
  if (process.env.MLDS_KEEP_TMP !== '1') fs.rmSync(tmpDir, { recursive: true, force: true });
  report.seconds = Math.round((Date.now() - t0) / 100) / 10;
  for (const c of report.checks) ctx.log(`ok: ${c}`);
  if (report.mocha) ctx.log(`mocha in the extension host: ${report.mocha.passes} passed, ${report.mocha.failures} failed, ${report.mocha.pending} pending`);
  ctx.log(report.ok ? `PASSED in ${report.seconds} s` : `FAILED in ${report.seconds} s: ${report.error}`);
  return report;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--list')) {
    for (const p of PHASES) console.log(`${p.name}\t${p.description}`);
    return 0;
  }
  const phases = selectPhases(argv);
  const tools = loadTools();
  const t0 = Date.now();
  // Short paths: unix sockets (dockerd, code-server's IPC) are limited to ~100 characters.
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-'));
  // MLDS_KEEP_TMP=1 keeps the fixtures and server dirs for a look after the run.
  const keepTmp = process.env.MLDS_KEEP_TMP === '1';
  if (!keepTmp) process.on('exit', () => fs.rmSync(tmpRoot, { recursive: true, force: true })); // also on SIGINT
  const reports: PhaseReport[] = [];
  for (const phase of phases) reports.push(await runPhase(phase, tools, tmpRoot));
  if (keepTmp) console.log(`temp dirs kept: ${tmpRoot}`);

  const mocha = reports.reduce<MochaCounts>(
    (sum, r) => ({ passes: sum.passes + (r.mocha?.passes ?? 0), failures: sum.failures + (r.mocha?.failures ?? 0), pending: sum.pending + (r.mocha?.pending ?? 0) }),
    { passes: 0, failures: 0, pending: 0 },
  );
  const seconds = Math.round((Date.now() - t0) / 100) / 10;
  fs.mkdirSync(artifactsRoot, { recursive: true });
  fs.writeFileSync(path.join(artifactsRoot, 'integration-summary.json'), JSON.stringify({ seconds, mocha, phases: reports }, null, 2));

  console.log('\n=== integration summary');
  for (const r of reports) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(18)} ${String(r.seconds).padStart(6)} s${r.mocha ? `  (${r.mocha.passes} passed, ${r.mocha.failures} failed)` : ''}`);
  console.log(`${reports.filter((r) => r.ok).length}/${reports.length} phases passed in ${seconds} s; in-host mocha: ${mocha.passes} passed, ${mocha.failures} failed`);
  const failed = reports.find((r) => !r.ok);
  return failed ? failed.exitCode : 0;
}

// SIGINT/SIGTERM: exit, which runs codeServer.ts's exit hook that kills every server's group.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
