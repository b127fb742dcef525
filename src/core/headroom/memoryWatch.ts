// Warns before the OOM killer ends a training run: while a run is active (a checkpoint run in
// progress, or a Python process with PyTorch loaded), /proc/meminfo is read at a modest interval
// and one warning is raised when MemAvailable falls under a threshold (a percent of RAM). Nothing
// is polled while no run is active: a slow check looks for runs, and only then memory is read.
// No vscode import: the editor wires `warn` to a notification (src/host/memoryWatchFeature.ts).
import { formatBytes } from '../format';
import { t } from '../l10n';
import type { ScanModel } from '../model';
import { safeReadText } from '../safeRead';
import { listTrainingProcesses, parseMeminfo, type MemInfo } from './memory';

/** Reads /proc/meminfo (or a file laid out like it) without blocking; throws when the fields are missing. */
export async function readMeminfo(file = '/proc/meminfo'): Promise<MemInfo> {
  const info = parseMeminfo(await safeReadText(file, { maxBytes: 64 * 1024 }));
  if (!(info.totalBytes > 0) || !Number.isFinite(info.availableBytes)) throw new Error(`${file} has no MemTotal / MemAvailable`);
  return info;
}

/**
 * One step of "warn once": under the threshold warns if not warned yet; the warning is re-armed
 * only when available memory is back `hysteresisPercent` points above the threshold, so memory
 * hovering at the line does not warn on every reading.
 */
export function memoryAlertStep(
  warned: boolean,
  mem: MemInfo,
  warnBelowPercent: number,
  running: string,
  hysteresisPercent = 2,
): { warned: boolean; warn?: string } {
  if (!(warnBelowPercent > 0) || !(mem.totalBytes > 0)) return { warned: false };
  const availablePercent = (mem.availableBytes / mem.totalBytes) * 100;
  if (availablePercent < warnBelowPercent) {
    if (warned) return { warned };
    return {
      warned: true,
      warn: t('Only {0} of {1} memory is available ({2} %) while {3} runs: the OOM killer may end it.', formatBytes(mem.availableBytes), formatBytes(mem.totalBytes), availablePercent.toFixed(1), running),
    };
  }
  return { warned: warned && availablePercent < warnBelowPercent + hysteresisPercent };
}

/** Checkpoint runs of the model that are in progress (written to within activeRunMinutes). */
export function runsInProgress(model: ScanModel | undefined): string[] {
  const category = model?.categories.find((c) => c.id === 'checkpoints');
  const out: string[] = [];
  const stack = [...(category?.items ?? [])];
  while (stack.length) {
    const item = stack.pop()!;
    if (item.kind === 'run' && item.fields?.inProgress === true) out.push(item.label);
    else stack.push(...(item.children ?? []));
  }
  return out;
}

/** What is running, in words ("train.py (pid 4121)", "run-a and 2 more"), or undefined when nothing is. */
export async function activeRunText(model: ScanModel | undefined, listProcesses = listTrainingProcesses): Promise<string | undefined> {
  const torch = (await listProcesses().catch(() => [])).filter((p) => p.torch);
  const names = [...torch.map((p) => `${p.name} (pid ${p.pid})`), ...runsInProgress(model)];
  if (!names.length) return undefined;
  return names.length === 1 ? names[0] : t('{0} and {1} more', names[0], names.length - 1);
}

export interface MemoryWatchDeps {
  /** What is running now, or undefined (then memory is not read). */
  activeRun(): Promise<string | undefined>;
  readMemory(): Promise<MemInfo>;
  /** The threshold (percent of RAM); 0 turns the watch off. */
  warnBelowPercent(): number;
  warn(message: string): void;
  /** A reading failed (logged once per different message). */
  problem(message: string): void;
  /** How often to look for active runs, and how often to read memory while one is active. */
  discoveryMs?: number;
  pollMs?: number;
}

export class MemoryWatch {
  private discoveryTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private running?: string;
  private warned = false;
  private lastProblem?: string;
  private checking?: Promise<void>;
  /** Readings taken (tests check that nothing is read while no run is active). */
  readings = 0;

  constructor(private readonly deps: MemoryWatchDeps) {}

  start(): void {
    this.stop();
    this.discoveryTimer = setInterval(() => void this.check(), this.deps.discoveryMs ?? 60_000);
    void this.check();
  }

  stop(): void {
    if (this.discoveryTimer) clearInterval(this.discoveryTimer);
    this.discoveryTimer = undefined;
    this.stopPolling();
  }

  get active(): string | undefined {
    return this.running;
  }

  get polling(): boolean {
    return this.pollTimer !== undefined;
  }

  /** Looks for active runs now (also on a model change); starts or stops reading memory. */
  check(): Promise<void> {
    this.checking ??= this.checkNow().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkNow(): Promise<void> {
    if (!(this.deps.warnBelowPercent() > 0)) {
      this.running = undefined;
      this.stopPolling();
      return;
    }
    this.running = await this.deps.activeRun();
    if (!this.running) {
      this.stopPolling();
      this.warned = false; // a new run gets its own warning
      return;
    }
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => void this.poll(), this.deps.pollMs ?? 15_000);
      await this.poll();
    }
  }

  /** Reads memory once (while a run is active). */
  async poll(): Promise<void> {
    if (!this.running) return;
    let mem: MemInfo;
    try {
      mem = await this.deps.readMemory();
      this.readings++;
      this.lastProblem = undefined;
    } catch (err) {
      const message = `cannot read memory: ${(err as Error).message}`;
      if (message !== this.lastProblem) this.deps.problem(message);
      this.lastProblem = message;
      return;
    }
    const step = memoryAlertStep(this.warned, mem, this.deps.warnBelowPercent(), this.running);
    this.warned = step.warned;
    if (step.warn) this.deps.warn(step.warn);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }
}
