// Part of ui-tree: a workspace on a real tmpfs that a checkpoint has filled past the warning
// threshold, the fixture's caches (HOME) on the other disk. The tree must lead with what is on the
// filling disk, say of the caches that deleting them frees nothing there, and the status bar must
// name the filling disk. Needs root (mount). Screenshots tree-filling-disk.png and
// status-filling-disk.png (the status bar's tooltip with one line per disk).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeServer } from './codeServer';
import type { PhaseContext } from './harness';
import { expandCollapsedRows, runCommand, SEL, sideBarRows, statusBarItemsOf, waitForWorkbench } from './workbench';
import { EXTENSION_ID } from '../support/extensionId';
import { shortMount } from '../../src/host/statusBar/statusLogic';

const OTHER_DISK = 'frees nothing on';

export async function checkFillingDiskLeads(ctx: PhaseContext, server: CodeServer): Promise<string[]> {
  const mnt = path.join(ctx.tmpDir, 'data');
  fs.mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt]);
  try {
    // A training run whose checkpoint takes the disk past 90 % (the default warning threshold).
    const run = path.join(mnt, 'project', 'run', 'checkpoint-100');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(path.join(run, 'model.safetensors'), Buffer.alloc(15_500_000, 1));
    fs.writeFileSync(path.join(run, 'trainer_state.json'), '{"global_step": 100}\n');
    const used = execFileSync('df', ['--output=pcent', mnt], { encoding: 'utf8' }).split('\n')[1].trim();
    const page = await ctx.openWorkbench(server, { folder: path.join(mnt, 'project'), payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
    await waitForWorkbench(page);
    // The status bar names the filling disk, by its last folder when the path is long (its item
    // appearing also says the extension is up).
    const item = statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: `${shortMount(mnt)}:` }).first();
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'View: Show ML Disk Space');
    await runCommand(page, 'ML Disk Space: Scan');
    const marked = sideBarRows(page).filter({ hasText: OTHER_DISK }).first();
    await marked.waitFor({ state: 'visible', timeout: 90_000 });
    await expandCollapsedRows(page).catch(() => 0);
    // The top-level rows (categories), in the order shown.
    const categories = (await page.locator(`${SEL.sideBar} ${SEL.listRow}[aria-level="1"]`).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    const firstOther = categories.findIndex((r) => r.includes(OTHER_DISK));
    if (firstOther <= 0) throw new Error(`the tree does not lead with the filling disk (${mnt}, ${used} used):\n${categories.join('\n')}`);
    // The training run is on the filling disk: its category leads (rows below the first marked one
    // are on another disk, or of unknown place such as Docker's images).
    const checkpoints = categories.findIndex((r) => r.startsWith('Checkpoints'));
    if (checkpoints < 0 || checkpoints > firstOther) throw new Error(`Checkpoints is not among the leading categories:\n${categories.join('\n')}`);
    if (!categories[firstOther].includes(`${OTHER_DISK} ${mnt}`)) throw new Error(`"${categories[firstOther]}" does not name ${mnt}`);
    const treeShot = await ctx.screenshot(page, path.join(ctx.repoRoot, '.test-artifacts', 'tree-filling-disk.png'));
    const text = (await item.innerText()).trim();
    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /holds something scanned/ }).first();
    await hover.waitFor({ state: 'visible', timeout: 10_000 });
    const disks = (await hover.innerText()).split('\n').filter((l) => /% used\)/.test(l)).map((l) => l.trim());
    if (disks.length < 2 || !disks[0].startsWith(`${mnt}:`)) throw new Error(`status-bar tooltip lists ${JSON.stringify(disks)}; expected ${mnt} first of two or more`);
    const statusShot = await ctx.screenshot(page, path.join(ctx.repoRoot, '.test-artifacts', 'status-filling-disk.png'));
    await page.close();
    return [
      `filling disk ${mnt} (${used} used): first ${firstOther} categories on it, then "${categories[firstOther]}"`,
      `status bar: "${text}"; tooltip per disk: ${disks.join(' | ')}`,
      `screenshot ${treeShot}`, `screenshot ${statusShot}`,
    ];
  } finally {
    spawnSync('umount', ['-l', mnt]);
  }
}
