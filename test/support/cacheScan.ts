// Helpers for the cache unit tests: scan a fake HOME with the real orchestrator and walker, find
// items, make plans through the category registry, and measure trees independently of
// the code under test.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { findItem, type Category, type Item, type ScanModel } from '../../src/core/model';
import type { DeletionPlan } from '../../src/core/plan/types';
import { planFor, planForIds } from '../../src/core/categories/planFor';
import type { PlanContext } from '../../src/core/plan/context';
import { scan } from '../../src/core/scan/scan';
import { defaultSettings } from '../../src/core/settings';

export { listTree } from './checkpointFixtures';


export async function scanCaches(env: Record<string, string>, only: string[], roots: string[] = []): Promise<ScanModel> {
  return scan({ roots, env, only, settings: { docker: false, workers: 2 } });
}

export function categoryOf(model: ScanModel, id: string): Category {
  const c = model.categories.find((x) => x.id === id);
  assert.ok(c, `category ${id} missing; got ${model.categories.map((x) => x.id).join(', ')}`);
  return c;
}

export function itemById(model: ScanModel, id: string): Item {
  const found = findItem(model, id);
  assert.ok(found, `item ${id} missing`);
  return found.item;
}

export function planContext(env: Record<string, string>, now = Date.now()): PlanContext {
  return { env, homeDir: env.HOME, settings: defaultSettings(), now };
}

/** A plan through the registry the CLI and the editor use. */
export async function planById(model: ScanModel, id: string, env: Record<string, string>): Promise<DeletionPlan> {
  const plan = await planFor(id, model, planContext(env));
  assert.ok(plan, `no provider made a plan for ${id}`);
  return plan;
}

/** A plan for several item ids at once (multi-select). */
export async function planForItems(model: ScanModel, ids: string[], env: Record<string, string>): Promise<DeletionPlan> {
  const plan = await planForIds(ids, model, planContext(env));
  assert.ok(plan, `no plan for ${ids.join(', ')}`);
  return plan;
}

/** Disk usage of one entry itself (a folder without its contents). */
export function ownBlocks(p: string): number {
  return fs.lstatSync(p).blocks * 512;
}

export function sha256(p: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}


/** Every symlink below `dir` resolves (no snapshot links to a deleted blob). */
export function brokenLinks(dir: string): string[] {
  const broken: string[] = [];
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) {
      if (!fs.existsSync(p)) broken.push(p);
    } else if (st.isDirectory()) for (const n of fs.readdirSync(p)) visit(path.join(p, n));
  };
  visit(dir);
  return broken;
}
