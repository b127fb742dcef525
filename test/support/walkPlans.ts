// Plans built the way the product builds them: from the walker's nodes (dev, ino, type as scanned).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DeletionPlan, DeletionTarget } from '../../src/core/plan/types';
import type { WalkNode, WalkResult } from '../../src/core/walker/types';
import { UNPRIVILEGED_GID, UNPRIVILEGED_UID, runNodeAsNobody } from './unprivileged';
import type { ExecuteOptions, ExecutorReport } from '../../src/core/executor';

/** The node for `p` in a walk result (the walk must keep enough detail: topN/detailDepth). */
export function findNode(result: WalkResult, p: string): WalkNode {
  for (const root of result.roots) {
    const stack = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.path === p) return node;
      if (p.startsWith(node.path + '/')) stack.push(...(node.children ?? []));
    }
  }
  throw new Error(`the walk has no node for ${p}`);
}

export function targetFromNode(node: WalkNode, root: string): DeletionTarget {
  if (node.type === 'other') throw new Error(`${node.path} is neither file, folder nor symlink`);
  return { path: node.path, root, dev: node.dev, ino: node.ino, type: node.type, bytes: node.bytes, label: node.name };
}

/** A plan for `paths` from a finished walk of `root`. */
export function planFromWalk(result: WalkResult, root: string, paths: string[], scannedAt = Date.now()): DeletionPlan {
  const targets = paths.map((p) => targetFromNode(findNode(result, p), root));
  return { title: `delete ${paths.length}`, scannedAt, targets, bytes: targets.reduce((s, t) => s + t.bytes, 0) };
}

/** Gives a tree to the unprivileged user (so it can delete in it) except the listed paths. */
export function chownTreeToNobody(p: string, except: ReadonlySet<string> = new Set()): void {
  if (!except.has(p)) fs.lchownSync(p, UNPRIVILEGED_UID, UNPRIVILEGED_GID);
  if (fs.lstatSync(p).isDirectory()) for (const n of fs.readdirSync(p)) chownTreeToNobody(path.join(p, n), except);
}

let jobCounter = 0;
function jobFile(job: unknown): string {
  const file = path.join(os.tmpdir(), `mlds-job-${process.pid}-${++jobCounter}.json`);
  fs.writeFileSync(file, JSON.stringify(job));
  fs.chmodSync(file, 0o644);
  return file;
}

const CHILD = path.join(__dirname, 'executorChild.js');

/** executePlan in a child process running as nobody. */
export function executeAsNobody(plan: DeletionPlan, options: Omit<ExecuteOptions, 'signal' | 'onProgress' | 'trash'> = {}): ExecutorReport {
  const file = jobFile({ op: 'execute', plan, options });
  try {
    return runNodeAsNobody<{ uid: number; report: ExecutorReport }>(CHILD, [file]).report;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** walk() in a child process running as nobody. */
export function walkAsNobody(roots: string[], options: Record<string, unknown> = {}): WalkResult {
  const file = jobFile({ op: 'walk', roots, options });
  try {
    return runNodeAsNobody<{ uid: number; result: WalkResult }>(CHILD, [file], 120_000).result;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
