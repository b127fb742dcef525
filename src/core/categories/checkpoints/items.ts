// The checkpoints category of the scan model: Checkpoints -> run -> checkpoint, plus a group of
// loose weight files. Item.fields carry every fact (JSON-safe) so the CLI prints them and plans
// can be rebuilt from the model alone (runsFromCategory).
import * as path from 'path';
import type { Category, Item } from '../../model';
import { formatAge, formatCount } from '../../format';
import { CHECKPOINTS_CATEGORY_ID } from './discover';
import { checkpointItemId, looseItemId, runItemId } from './plans';
import { BADGE_IN_PROGRESS, decideRetention, describeMetric, retentionRuleText } from './retention';
import type { Checkpoint, CheckpointScan, Forecast, LooseWeight, Run, TrainerStateSummary } from './types';
import { t } from '../../l10n';
import { timeSlicer } from '../../timeSlice';
import { badgeWords } from '../../badgeWords';

export const LOOSE_GROUP_ITEM_ID = 'checkpoints:loose';
export const CHECKPOINTS_CATEGORY_LABEL = 'Checkpoints';

export interface CategoryOptions {
  keepBest: number;
  now: number;
}

function checkpointItem(run: Run, c: Checkpoint, keep: boolean, reason: string, badges: string[], now: number): Item {
  const bits: string[] = [];
  if (c.step !== null) bits.push(`step ${c.step}`);
  if (c.epoch !== null) bits.push(`epoch ${Number.isInteger(c.epoch) ? c.epoch : c.epoch.toFixed(2)}`);
  const metric = describeMetric(c);
  if (metric) bits.push(metric);
  // The target relative to the run (its file name when it lies beside the link).
  if (c.type === 'symlink') bits.push(c.linkTarget ? `→ ${path.relative(run.path, c.linkTarget) || c.linkTarget}` : t('dangling link'));
  if (c.modifiedMs) bits.push(formatAge(c.modifiedMs, now));
  if (badges.length) bits.push(badges.map(badgeWords).join(', '));
  return {
    id: checkpointItemId(c.path),
    label: c.name,
    kind: c.type === 'symlink' ? 'checkpoint-link' : 'checkpoint',
    path: c.path,
    bytes: c.bytes,
    apparentBytes: c.apparentBytes,
    modifiedMs: c.modifiedMs || undefined,
    reclaimable: c.type !== 'symlink',
    description: bits.join(' · '),
    badges,
    fields: {
      // The CLI's documented fields first (issue 7 part 5) …
      step: c.step, epoch: c.epoch, metric: c.metric, best: c.best, last: c.last, keep, reason,
      // … then what plans need to rebuild the checkpoint from the model.
      name: c.name, format: c.format, runPath: run.path, root: c.root, dev: c.dev, ino: c.ino, type: c.type,
      version: c.version, lastByName: c.lastByName, metrics: c.metrics,
      ...(c.type === 'symlink' ? { linkTarget: c.linkTarget ?? null } : {}),
      ...(c.linkedFrom?.length ? { linkedFrom: c.linkedFrom } : {}),
      hasWeights: c.hasWeights, deepspeed: c.deepspeed,
      ...(c.incomplete ? { incomplete: c.incomplete } : {}),
      slimBytes: c.slimParts.reduce((s, p) => s + p.bytes, 0),
      slimParts: c.slimParts,
    },
  };
}

function runDescription(run: Run, keepBest: number, now: number): string {
  const real = run.checkpoints.filter((c) => c.type !== 'symlink');
  const bits = [formatCount(real.length, 'checkpoint')];
  if (run.inProgress) bits.push(badgeWords(BADGE_IN_PROGRESS));
  const incomplete = real.filter((c) => c.incomplete).length;
  if (incomplete) bits.push(t('{0} incomplete', incomplete));
  if (!run.metricName) bits.push(retentionRuleText(run, keepBest));
  // Before the ages: the row may be cut off, and whether the run will fit matters more.
  if (run.forecast) bits.push(run.forecast.message);
  if (run.newestMs) bits.push(t('newest {0}', formatAge(run.newestMs, now)));
  if (run.oldestMs && real.length > 1) bits.push(t('oldest {0}', formatAge(run.oldestMs, now)));
  return bits.join(' · ');
}

/** The category's rows; on the editor's thread in short tasks (a big scan has thousands of checkpoints). */
export async function checkpointCategory(scan: CheckpointScan, options: CategoryOptions): Promise<Category> {
  const items: Item[] = [];
  /** What retention would delete (the plan's bytes): checkpoints not kept. */
  let reclaimableBytes = 0;
  // Run by run and checkpoint by checkpoint, yielding on the way: one run may hold thousands.
  const slice = timeSlicer();
  for (const run of scan.runs) {
    await slice();
    const decisions = decideRetention(run, { keepBest: options.keepBest, now: options.now });
    const children: Item[] = [];
    for (const d of decisions) {
      await slice();
      if (!d.keep) reclaimableBytes += d.checkpoint.bytes;
      children.push(checkpointItem(run, d.checkpoint, d.keep, d.reasons.join('; '), d.badges, options.now));
    }
    const best = run.checkpoints.find((c) => c.best);
    const last = [...run.checkpoints].reverse().find((c) => c.last && c.type !== 'symlink');
    items.push({
      id: runItemId(run.path),
      label: run.label,
      kind: 'run',
      path: run.path,
      bytes: run.bytes,
      apparentBytes: run.apparentBytes,
      modifiedMs: run.newestMs || undefined,
      reclaimable: true,
      description: runDescription(run, options.keepBest, options.now),
      badges: run.inProgress ? [BADGE_IN_PROGRESS] : [],
      fields: {
        format: run.format, count: run.checkpoints.filter((c) => c.type !== 'symlink').length,
        newest: run.newestMs ? new Date(run.newestMs).toISOString() : null,
        oldest: run.oldestMs ? new Date(run.oldestMs).toISOString() : null,
        inProgress: run.inProgress, activityMs: run.activityMs,
        forecast: run.forecast,
        best: best?.path ?? null, last: last?.path ?? null,
        metric: run.metricName ? { name: run.metricName, direction: run.metricDirection } : null,
        bestSource: run.bestSource, trainerState: run.trainerState, problems: run.problems,
        root: run.root, dev: run.dev, ino: run.ino, type: 'dir',
        newestMs: run.newestMs, oldestMs: run.oldestMs,
      },
      children,
    });
  }
  if (scan.loose.length) {
    const bytes = scan.loose.reduce((s, f) => s + f.bytes, 0);
    items.push({
      id: LOOSE_GROUP_ITEM_ID,
      label: t('Loose weight files'),
      kind: 'loose-weights',
      bytes,
      apparentBytes: scan.loose.reduce((s, f) => s + f.apparentBytes, 0),
      reclaimable: false,
      description: t('{0} in no training run', formatCount(scan.loose.length, 'file')),
      children: scan.loose.map((f) => ({
        id: looseItemId(f.path),
        label: f.name,
        kind: 'weight-file',
        path: f.path,
        bytes: f.bytes,
        apparentBytes: f.apparentBytes,
        modifiedMs: f.modifiedMs || undefined,
        reclaimable: true,
        description: f.modifiedMs ? formatAge(f.modifiedMs, options.now) : undefined,
        fields: { root: f.root, dev: f.dev, ino: f.ino, type: f.type, name: f.name },
      })),
    });
  }
  return {
    id: CHECKPOINTS_CATEGORY_ID,
    label: t(CHECKPOINTS_CATEGORY_LABEL),
    bytes: items.reduce((s, i) => s + i.bytes, 0),
    apparentBytes: items.reduce((s, i) => s + i.apparentBytes, 0),
    reclaimableBytes,
    items,
    fields: {
      sizes: t('disk usage (st_blocks x 512); apparentBytes = st_size'),
      keepBest: options.keepBest,
      reclaimableBy: t('retention: keep best {0} + last per run, runs in progress untouched', options.keepBest),
    },
  };
}

// ---- back from the model ----------------------------------------------------------------------

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function checkpointFromItem(item: Item, run: { path: string; root: string }): Checkpoint | undefined {
  const f = item.fields ?? {};
  const type = f.type;
  if (!item.path || (type !== 'dir' && type !== 'file' && type !== 'symlink')) return undefined;
  const metric = f.metric as Checkpoint['metric'];
  return {
    path: item.path, root: str(f.root) ?? run.root, dev: num(f.dev), ino: num(f.ino), type,
    bytes: item.bytes, apparentBytes: item.apparentBytes, modifiedMs: item.modifiedMs ?? 0,
    name: str(f.name) ?? item.label, format: (str(f.format) ?? 'other') as Checkpoint['format'], runPath: str(f.runPath) ?? run.path,
    step: numOrNull(f.step), epoch: numOrNull(f.epoch), version: numOrNull(f.version),
    metric: metric && typeof metric.name === 'string' && typeof metric.value === 'number' ? metric : null,
    metrics: (f.metrics as Record<string, number>) ?? {},
    best: f.best === true, last: f.last === true, lastByName: f.lastByName === true,
    ...(type === 'symlink' ? { linkTarget: str(f.linkTarget) } : {}),
    ...(Array.isArray(f.linkedFrom) ? { linkedFrom: f.linkedFrom as string[] } : {}),
    slimParts: Array.isArray(f.slimParts) ? (f.slimParts as Checkpoint['slimParts']) : [],
    hasWeights: f.hasWeights === true, deepspeed: f.deepspeed === true,
    ...(typeof f.incomplete === 'string' ? { incomplete: f.incomplete } : {}),
  };
}

/** Rebuilds runs and loose weight files from the checkpoints category of a scan model. */
export function runsFromCategory(category: Category): { runs: Run[]; loose: LooseWeight[] } {
  const runs: Run[] = [];
  const loose: LooseWeight[] = [];
  for (const item of category.items) {
    const f = item.fields ?? {};
    if (item.kind === 'run' && item.path) {
      const root = str(f.root) ?? item.path;
      const metric = f.metric as { name: string; direction: Run['metricDirection'] } | null;
      runs.push({
        path: item.path, root, label: item.label, format: (str(f.format) ?? 'other') as Run['format'],
        dev: num(f.dev), ino: num(f.ino),
        checkpoints: (item.children ?? []).map((c) => checkpointFromItem(c, { path: item.path!, root })).filter((c): c is Checkpoint => !!c),
        bytes: item.bytes, apparentBytes: item.apparentBytes,
        newestMs: num(f.newestMs), oldestMs: num(f.oldestMs), activityMs: num(f.activityMs),
        inProgress: f.inProgress === true,
        metricName: metric?.name ?? null, metricDirection: metric?.direction ?? null,
        bestSource: str(f.bestSource),
        trainerState: (f.trainerState as TrainerStateSummary | null) ?? null,
        forecast: (f.forecast as Forecast | null) ?? null,
        problems: Array.isArray(f.problems) ? (f.problems as string[]) : [],
      });
    } else if (item.id === LOOSE_GROUP_ITEM_ID) {
      for (const w of item.children ?? []) {
        const wf = w.fields ?? {};
        if (!w.path || wf.type !== 'file') continue;
        loose.push({ path: w.path, root: str(wf.root) ?? w.path, name: str(wf.name) ?? w.label, dev: num(wf.dev), ino: num(wf.ino), type: 'file', bytes: w.bytes, apparentBytes: w.apparentBytes, modifiedMs: w.modifiedMs ?? 0 });
      }
    }
  }
  return { runs, loose };
}
