// Phase "ui-wandb-gpu": the Weights & Biases and GPU compile caches categories as a user sees them,
// in code-server on fixture part wandbGpuCaches. Scan from the palette, expand the run folder,
// check the "not synced" and "in progress" rows and the six caches, screenshot the side bar
// (.test-artifacts/wandb-gpu-tree.png); then Delete from Cache… on the run never synced: the
// modal names the loss, a screenshot (.test-artifacts/wandb-unsynced-dialog.png), and Cancel
// deletes nothing.
import * as fs from 'fs';
import * as path from 'path';
import { readWandbGpuScene } from '../integration/wandbGpuFixture';
import type { Phase } from './harness';
import { collapse, exactly, expand, oneLine, widenSideBar } from './dockerPhase';
import { EXTENSION_ID } from './phases';
import { runCommand, SEL, sideBarRows, statusBarItemsOf, waitForWorkbench } from './workbench';
import { addVscodeServerFolders } from './vscodeServerFolders';

const CACHE_LABELS = ['Triton kernel cache', 'CUDA JIT cache (ComputeCache)', 'PyTorch Inductor cache', 'PyTorch CUDA kernel cache', 'PyTorch C++/CUDA extensions', 'vLLM cache'];

export const uiWandbGpuPhase: Phase = {
  name: 'ui-wandb-gpu',
  description: 'W&B and GPU compile caches in the tree: not-synced run, six caches, screenshot; category-row cleans (GPU clean confirmed once, cancelled); Delete from Cache… on the unsynced run shows the loss and is cancelled',
  timeoutMs: 3 * 60_000,
  fixtureParts: ['fakeHome', 'wandbGpuCaches'],
  async run(ctx) {
    const scene = readWandbGpuScene(ctx.fixture);
    const shots = path.join(ctx.repoRoot, '.test-artifacts');
    const treeShot = path.join(shots, 'wandb-gpu-tree.png');
    const dialogShot = path.join(shots, 'wandb-unsynced-dialog.png');
    for (const f of [treeShot, dialogShot]) fs.rmSync(f, { force: true }); // never leave a stale picture behind a failed run
    const checks: string[] = [];

    // The third new category beside these two, for one picture of all three.
    ctx.log(`fixture: ${addVscodeServerFolders(ctx.fixture)}`);
    const server = await ctx.startServer();
    const page = await ctx.openWorkbench(server, { payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
    await waitForWorkbench(page);
    await statusBarItemsOf(page, EXTENSION_ID).first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'View: Show ML Disk Space');
    await widenSideBar(page, 720);
    await runCommand(page, 'ML Disk Space: Scan');

    const rows = sideBarRows(page);
    const labelled = (label: string) => rows.filter({ has: page.locator('.label-name', { hasText: exactly(label) }) }).first();
    const text = async (label: string) => oneLine(await labelled(label).innerText());
    await labelled('Weights & Biases').waitFor({ state: 'visible', timeout: 60_000 });
    await labelled('GPU compile caches').waitFor({ state: 'visible', timeout: 60_000 });
    await labelled('VS Code Server').waitFor({ state: 'visible', timeout: 60_000 });
    await collapse(labelled('Large workspace items'));
    const runDir = scene.wandb.runDirs[0];
    const runsLabel = runDir.startsWith(scene.wandb.home + '/') ? '~' + runDir.slice(scene.wandb.home.length) : runDir;
    await expand(labelled(runsLabel));

    const expectIn = async (label: string, ...parts: string[]) => {
      const t = await text(label);
      for (const p of parts) if (!t.includes(p)) throw new Error(`row "${t}" lacks "${p}"`);
      checks.push(`row: "${t}"`);
    };
    const unsynced = path.basename(scene.wandb.runs.unsynced.path);
    await expectIn(runsLabel, '5 runs', '2 not synced');
    await expectIn(unsynced, 'not synced');
    await expectIn(path.basename(scene.wandb.runs.active.path), 'in progress');
    await expectIn(path.basename(scene.wandb.runs.synced.path), 'offline, synced');
    for (const label of CACHE_LABELS) await expectIn(label, 'files');
    await expectIn('Artifact staging', 'files');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.locator(SEL.sideBar).screenshot({ path: treeShot });
    checks.push(`screenshot ${treeShot}`);

    // The category rows offer their one-step cleans.
    const menu = page.locator('.context-view .monaco-menu');
    const menuOf = async (label: string) => {
      await labelled(label).click({ button: 'right' });
      await menu.waitFor({ state: 'visible', timeout: 10_000 });
      const entries = (await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map(oneLine).filter(Boolean);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden', timeout: 10_000 });
      checks.push(`context menu of ${label}: ${entries.join(' | ')}`);
      return entries;
    };
    if (!(await menuOf('GPU compile caches')).includes('Clean GPU Compile Caches')) throw new Error('no Clean GPU Compile Caches on the category row');
    const wandbMenu = await menuOf('Weights & Biases');
    for (const e of ['Clean wandb Artifact Cache', 'Delete Media of Synced wandb Runs']) if (!wandbMenu.includes(e)) throw new Error(`no ${e} on the W&B row: ${wandbMenu.join(' | ')}`);

    // Clean GPU Compile Caches: one confirmation for the six caches; Cancel.
    await runCommand(page, 'ML Disk Space: Clean GPU Compile Caches');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const cleanSaid = oneLine(await dialog.innerText());
    checks.push(`dialog: "${cleanSaid.slice(0, 300)}…"`);
    if (!cleanSaid.includes('Clean the GPU compile caches')) throw new Error(`unexpected dialog: ${cleanSaid}`);
    await dialog.locator('.monaco-button', { hasText: exactly('Cancel') }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    for (const d of Object.values(scene.gpu.dirs)) if (!fs.readdirSync(d).length) throw new Error(`Cancel emptied ${d}`);

    // Delete from Cache… on the run never synced: the modal says what is lost; Cancel.
    await labelled(unsynced).click({ button: 'right' });
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    const entry = menu.locator('.action-label', { hasText: 'Delete from Cache…' }).first();
    await entry.hover();
    await entry.click();
    if (!(await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false))) await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const said = oneLine(await dialog.innerText());
    checks.push(`dialog: "${said.slice(0, 500)}${said.length > 500 ? '…' : ''}"`);
    for (const p of ['never synced', 'wandb sync']) if (!said.includes(p)) throw new Error(`the dialog lacks "${p}": ${said}`);
    await page.screenshot({ path: dialogShot });
    checks.push(`screenshot ${dialogShot}`);
    await dialog.locator('.monaco-button', { hasText: exactly('Cancel') }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(500);
    if (!fs.existsSync(path.join(scene.wandb.runs.unsynced.path, 'run-uns00001.wandb'))) throw new Error('Cancel deleted the unsynced run');
    checks.push('Cancel: the unsynced run is still on disk');
    return { checks };
  },
};
