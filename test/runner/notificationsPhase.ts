// Phase "ui-notifications": the moments a user cares most about are toasts — the low-disk warning,
// the critical one, and the summary after a deletion — and VS Code hides every toast under
// enable-smoke-test-driver, which the other phases need. So this phase starts code-server WITHOUT
// that flag: the extension is installed into the server's extensions dir (a copy of what the .vsix
// ships), its environment comes through the server's, and Playwright drives the palette.
//
// The disk is real: a small tmpfs mounted as the workspace (root, as in CI), filled by a real file
// to 92 % (warning threshold 90 %) and then to 99 % (critical 98 %). A real pip cache on that volume
// is then purged through the palette and the modal confirmation, and the summary toast is captured.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { writeRealFile } from '../integration/fixture';
import type { Phase, PhaseContext } from './harness';
import { EXTENSION_ID } from './phases';
import { runCommand, SEL, sideBarRows, statusBarItemsOf, waitForWorkbench } from './workbench';

const VOLUME_BYTES = 48 * 1024 * 1024;
const TOAST = '.notifications-toasts .notification-toast';

export const uiNotificationsPhase: Phase = {
  name: 'ui-notifications',
  description: 'without the smoke-test flag (it hides toasts): low-disk warning and critical toasts on a real small volume, and a deletion summary; screenshots',
  timeoutMs: 4 * 60_000,
  async run(ctx) {
    const volume = mountSmallVolume(ctx);
    try {
      return await runOnVolume(ctx, volume);
    } finally {
      // Stop the servers first: a window still watching the workspace keeps the mount busy.
      try { execFileSync('umount', [volume], { stdio: 'pipe' }); } catch { execFileSync('umount', ['-l', volume], { stdio: 'pipe' }); }
    }
  },
};

async function runOnVolume(ctx: PhaseContext, volume: string): Promise<{ checks: string[] }> {
  const checks: string[] = [];
  const workspace = path.join(volume, 'project');
  const pipCache = path.join(volume, 'pip-cache');
  writeRealFile(path.join(workspace, 'train.py'), 1024);
  // A pip cache as pip lays it out (http-v2 entries, a built wheel) on the nearly full volume.
  for (let i = 0; i < 8; i++) writeRealFile(path.join(pipCache, 'http-v2', String(i), 'a', `entry-${i}.body`), 256 * 1024);
  writeRealFile(path.join(pipCache, 'wheels', 'ab', 'cd', 'pkg-1.0-py3-none-any.whl'), 512 * 1024);
  const filler = path.join(volume, 'dataset.bin');
  fillTo(volume, filler, 92);
  checks.push(`volume ${volume}: ${usedPercent(volume).toFixed(1)} % used before the window opens`);

  const server = await ctx.startServer({
    smokeTestDriver: false,
    env: { ...ctx.fixture.env, PIP_CACHE_DIR: pipCache },
    settings: {
      'workbench.colorTheme': 'Dark Modern',
      'mlDiskSpace.statusBar.refreshSeconds': 5,
      'mlDiskSpace.warnAtPercentUsed': 90,
      'mlDiskSpace.criticalAtPercentUsed': 98,
    },
  });
  // The server scans its extensions dir when a window opens: install before opening one.
  installExtensionCopy(ctx.extensionRoot, server.extensionsDir);
  const page = await ctx.openWorkbench(server, { folder: workspace });
  await waitForWorkbench(page);
  await statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: /free/ }).first().waitFor({ state: 'visible', timeout: 60_000 });

  const warning = await waitForToast(page, /Disk space is getting low/);
  checks.push(`warning toast: "${warning}"`);
  checks.push(`screenshot ${await ctx.screenshot(page, 'toast-warning.png')}`);

  fillTo(volume, filler, 99);
  const critical = await waitForToast(page, /Disk almost full/);
  checks.push(`critical toast at ${usedPercent(volume).toFixed(1)} %: "${critical}"`);
  // Almost full is an error toast, not the same warning as getting low.
  const criticalIcon = page.locator(TOAST).filter({ hasText: /Disk almost full/ }).first().locator('.codicon-error');
  if (!(await criticalIcon.count())) throw new Error('the critical toast is not an error message');
  checks.push('critical toast has the error icon');
  checks.push(`screenshot ${await ctx.screenshot(page, 'toast-critical.png')}`);
  await clearToasts(page);

  // At critical, clicking the free-space item scans and shows what is on the disk.
  await statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: /free/ }).first().click();
  // The scan is done when the pip category has its row.
  await sideBarRows(page).filter({ hasText: /pip/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
  // The one clean-up entry point: its quick pick lists every reclaimable group with its size;
  // choose the pip cache, then the usual single confirmation.
  await openCommand(page, 'ML Disk Space: Clean Up…');
  const pipRow = page.locator(SEL.quickInputRow).filter({ hasText: /pip/ }).first();
  await pipRow.waitFor({ state: 'visible', timeout: 60_000 });
  checks.push(`clean-up pick: "${oneLine(await page.locator(SEL.quickInput).innerText())}"`);
  checks.push(`screenshot ${await ctx.screenshot(page, 'pick-clean-up.png')}`);
  await pipRow.click();
  const checked = await pipRow.getAttribute('aria-checked');
  if (checked !== 'true') throw new Error(`clicking the pip row did not check it (aria-checked=${checked})`);
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 60_000 });
  checks.push(`confirmation: "${oneLine(await dialog.innerText())}"`);
  checks.push(`screenshot ${await ctx.screenshot(page, 'dialog-purge-pip.png')}`);
  await dialog.locator('.monaco-button', { hasText: /Delete/ }).first().click();
  const summary = await waitForToast(page, /freed/);
  checks.push(`summary toast: "${summary}"`);
  // It names what went and the volume it freed, with Show Log and Reveal.
  if (!/\bDeleted .+: .+ freed — /.test(summary) || !summary.includes(`${volume} now `)) throw new Error(`the summary does not say what was deleted and what ${volume} has free now: "${summary}"`);
  if (!/Show Log/.test(summary) || !/Reveal/.test(summary)) throw new Error(`the summary toast lacks Show Log / Reveal: "${summary}"`);
  checks.push(`screenshot ${await ctx.screenshot(page, 'toast-summary.png')}`);
  if (fs.existsSync(path.join(pipCache, 'wheels'))) throw new Error('the summary was shown but the pip cache is still there');
  return { checks };
}

/** A tmpfs of VOLUME_BYTES under the phase's temp dir (the caller unmounts it). Needs root, like CI. */
function mountSmallVolume(ctx: PhaseContext): string {
  const dir = path.join(ctx.tmpDir, 'small-volume');
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${VOLUME_BYTES},mode=0755`, 'mlds-small', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`cannot mount a tmpfs for the nearly full volume (needs root, as CI has): ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`);
  }
  return dir;
}

function usedPercent(dir: string): number {
  const s = fs.statfsSync(dir);
  return (100 * (s.blocks - s.bfree)) / (s.blocks - s.bfree + s.bavail);
}

/** Grows `file` with real bytes until the volume of `dir` is at least `percent` used. */
function fillTo(dir: string, file: string, percent: number): void {
  const s = fs.statfsSync(dir);
  const total = (s.blocks - s.bfree + s.bavail) * s.bsize;
  const missing = Math.ceil((percent / 100) * total - (s.blocks - s.bfree) * s.bsize) + s.bsize;
  if (missing > 0) fs.appendFileSync(file, Buffer.alloc(missing, 0x5a));
  if (usedPercent(dir) < percent) throw new Error(`could not fill ${dir} to ${percent} % (at ${usedPercent(dir).toFixed(1)} %)`);
}

/** What the .vsix ships, copied as an installed extension (the server loads it without any payload). */
function installExtensionCopy(extensionRoot: string, extensionsDir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const dest = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of ['package.json', 'package.nls.json', 'package.nls.ko.json', 'l10n', 'dist', 'media', 'README.md', 'LICENSE']) {
    fs.cpSync(path.join(extensionRoot, entry), path.join(dest, entry), { recursive: true });
  }
  fs.rmSync(path.join(dest, 'dist'), { recursive: true, force: true });
  fs.cpSync(path.join(extensionRoot, 'dist'), path.join(dest, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
}

/** Runs a palette command that opens a quick pick of its own (runCommand waits for the palette to close). */
async function openCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator(SEL.quickInputBox).waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator(SEL.quickInputBox).fill(`>${title}`);
  const row = page.locator(SEL.quickInputRow).filter({ has: page.locator('.label-name', { hasText: title }) }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await row.click();
}

async function waitForToast(page: Page, text: RegExp, timeoutMs = 60_000): Promise<string> {
  const toast = page.locator(TOAST).filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return oneLine(await toast.innerText());
}

async function clearToasts(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator(TOAST).first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
