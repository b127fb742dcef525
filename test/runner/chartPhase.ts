// Phase "ui-chart": the chart as a user sees it, in code-server with a real color theme. Scan,
// open "ML Disk Space: Show Chart" from the palette, and save screenshots of the chart and the
// status bar in the dark theme, then switch the user settings to the light theme (the webview must
// redraw with the new colors by itself), at full width and at a 300 px wide panel. Also drives the
// chart with real keys (Enter opens, Backspace goes back) and reloads the window: the panel must
// come back where it was. The donut starts on the scanned categories against each other; the
// "Whole disk" button (pressed from the keyboard, then with the mouse) switches it to the volume
// (free, other used, the categories), and the choice survives the reload.
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { writeRealFile, writeTextFile, type FixtureDescription } from '../integration/fixture';
import { seedGrowthHistory } from './growthSeed';
import type { Phase, PhaseContext } from './harness';
import { EXTENSION_ID } from './phases';
import { chartFrame, runCommand, SEL, statusBarItemsOf, waitForWorkbench } from './workbench';

// Theme ids of VS Code 1.139 (code-server 4.139); older releases called them "Default Dark Modern" / "Default Light Modern".
const DARK = 'Dark Modern';
const LIGHT = 'Light Modern';
/** The class the workbench gets for a theme of the built-in theme-defaults extension. */
const themeClass = (theme: string) => `.monaco-workbench[class*="${theme.toLowerCase().replace(/ /g, '_')}"]`;
const NARROW_PX = 300;

export const uiChartPhase: Phase = {
  name: 'ui-chart',
  description: 'Show Chart from the palette in code-server: screenshots in dark and light theme, wide and 300 px, the Scanned / Whole disk views, keyboard drill-down, restore after reload',
  timeoutMs: 5 * 60_000,
  async run(ctx) {
    const shots = path.join(ctx.repoRoot, '.test-artifacts');
    for (const f of fs.readdirSync(shots, { withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith('chart-') && e.name.endsWith('.png'))) {
      fs.rmSync(path.join(shots, f.name)); // never leave a stale picture behind a failed run
    }
    const checks: string[] = [];
    // Each check is logged as it is made, so a failing run shows how far it got.
    const push = checks.push.bind(checks);
    checks.push = (...items: string[]) => {
      for (const item of items) ctx.log(`check: ${item}`);
      return push(...items);
    };
    checks.push(`fixture for the picture: ${addMlFolders(ctx.fixture)}`);
    const server = await ctx.startServer({ settings: { 'workbench.colorTheme': DARK, 'workbench.reduceMotion': 'on' } });
    checks.push(await seedGrowthHistory(server.userDataDir, ctx.fixture.workspace, 10));
    const page = await ctx.openWorkbench(server, { payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
    await waitForWorkbench(page);
    await page.locator(themeClass(DARK)).waitFor({ state: 'attached', timeout: 30_000 }); // the user setting took effect
    const status = statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: /free/ }).first();
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'View: Show ML Disk Space');
    await runCommand(page, 'ML Disk Space: Scan');
    await runCommand(page, 'ML Disk Space: Show Chart');

    let frame = await chartFrame(page);
    await waitForDrawn(frame, 'dark');
    const categories = await frame.locator('#rows tr').count();
    checks.push(`theme colors (dark): ${await themeVars(frame)}`);
    checks.push(`chart drawn in ${DARK}: ${categories} categories in the list, legend: ${(await frame.locator('#legend li').allInnerTexts()).map(oneLine).join(' | ')}`);
    const scannedView = await donutView(frame);
    if (scannedView.view !== 'scanned') throw new Error(`the donut starts in the "${scannedView.view}" view, not "scanned"`);
    if (scannedView.legend.some((l) => /^Free\b/.test(l))) throw new Error(`the scanned view's legend has a free-space entry: ${scannedView.legend.join(' | ')}`);
    if (!/% of scanned/.test(scannedView.caption)) throw new Error(`the scanned view does not say what its percentages are of: "${scannedView.caption}"`);
    checks.push(`donut (default): ${describeView(scannedView)}`);

    // The free-space trend under the donut, fitted by the extension from its history file.
    const trend = oneLine(await frame.locator('#trend .trend-caption').innerText({ timeout: 10_000 }));
    checks.push(`trend line: ${await frame.locator('#trend polyline').count()} line(s), fit ${await frame.locator('#trend line.trend-fit').count()}, caption "${trend}"`);
    if (!/full in ~\d+ h at the current rate/.test(trend)) throw new Error(`the trend caption gives no time to full: "${trend}"`);
    await frame.locator('#donut-figure').screenshot({ path: path.join(shots, 'chart-trend.png') });
    checks.push(`screenshot ${path.join(shots, 'chart-trend.png')}`);

    // Hover the largest box of the treemap: the tooltip names path, sizes, kind, reclaimable.
    await shoot(ctx, page, path.join(shots, 'chart-dark.png'), checks);
    await hoverLargestBox(page, frame);
    const tooltip = oneLine(await frame.locator('.mlds-tooltip:visible').first().innerText());
    checks.push(`tooltip: "${tooltip}"`);
    if (!/Disk usage/.test(tooltip) || !/Apparent size/.test(tooltip)) throw new Error(`tooltip lacks the sizes: "${tooltip}"`);
    await shoot(ctx, page, path.join(shots, 'chart-dark-tooltip.png'), checks);
    await page.mouse.move(0, 0);
    await status.screenshot({ path: path.join(shots, 'chart-dark-statusbar.png') });
    checks.push(`status bar (dark): "${oneLine(await status.innerText())}"`);

    await narrowTo(page, frame, NARROW_PX, checks);
    await shoot(ctx, page, path.join(shots, 'chart-dark-300.png'), checks);

    // "Whole disk" from the keyboard: Tab reaches the button, Enter presses it.
    await frame.locator('#view-disk').focus();
    await page.keyboard.press('Enter');
    await frame.waitForFunction(() => document.getElementById('donut-figure')?.dataset.view === 'disk', undefined, { timeout: 10_000 });
    await frame.waitForTimeout(700);
    const diskView = await donutView(frame);
    checkDiskView(diskView, scannedView);
    checks.push(`donut after Enter on "Whole disk": ${describeView(diskView)}`);
    await shoot(ctx, page, path.join(shots, 'chart-dark-disk-300.png'), checks);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.waitForTimeout(600);

    // Light theme, picked the way a user does: "Preferences: Color Theme". The webview redraws on its own.
    await pickColorTheme(page, LIGHT);
    await page.locator(`${SEL.workbench}.vs${themeClass(LIGHT).slice('.monaco-workbench'.length)}`).waitFor({ state: 'attached', timeout: 30_000 });
    frame = await chartFrame(page);
    await waitForDrawn(frame, 'light');
    checks.push(`theme colors (light): ${await themeVars(frame)}`);
    checks.push(`after switching to ${LIGHT} the webview redrew with body class ${await frame.evaluate(() => document.body.className)}`);

    // Keyboard: Enter on the first row opens it, Backspace goes back, Enter again.
    const firstRow = frame.locator('#rows tr').first();
    const firstId = await firstRow.getAttribute('data-id');
    await firstRow.focus();
    await page.keyboard.press('Enter');
    await frame.waitForFunction((id) => document.body.dataset.focus === id, firstId, { timeout: 10_000 });
    await page.keyboard.press('Backspace');
    await frame.waitForFunction(() => document.body.dataset.focus === 'synthetic:root', undefined, { timeout: 10_000 });
    const focusedAfterBack = await frame.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id);
    if (focusedAfterBack !== firstId) throw new Error(`after Backspace the keyboard focus is on ${focusedAfterBack}, not on the row it came from (${firstId})`);
    await page.keyboard.press('Enter');
    await frame.waitForFunction((id) => document.body.dataset.focus === id, firstId, { timeout: 10_000 });
    checks.push(`keyboard: Enter opened ${firstId}, Backspace went back with focus on its row, Enter opened it again`);

    // Reload the window: the serializer brings the panel back, the webview state its position.
    // The light screenshots are taken after it, so they also show the restored panel.
    await page.waitForTimeout(1000);
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window').catch(() => undefined); // the page goes away mid-wait
    await reloaded;
    await waitForWorkbench(page);
    frame = await chartFrame(page);
    await frame.waitForFunction((id) => document.body.dataset.focus === id, firstId, { timeout: 60_000 });
    checks.push(`after a window reload the chart came back zoomed into ${firstId}`);
    await waitForDrawn(frame, 'light');
    const restoredView = await donutView(frame);
    if (restoredView.view !== 'disk') throw new Error(`after the reload the donut shows "${restoredView.view}", not the "disk" view picked before it`);
    checks.push(`after the reload the donut is still in the disk view: ${describeView(restoredView)}`);
    await shoot(ctx, page, path.join(shots, 'chart-light-drilled.png'), checks);

    // Back to the top with the breadcrumb (a mouse click this time).
    await frame.locator('#crumbs button.crumb').first().click();
    await frame.waitForFunction(() => document.body.dataset.focus === 'synthetic:root', undefined, { timeout: 10_000 });
    // Back to the scanned view with the mouse.
    await frame.locator('#view-scanned').click();
    await frame.waitForFunction(() => document.getElementById('donut-figure')?.dataset.view === 'scanned', undefined, { timeout: 10_000 });
    const scannedAgain = await donutView(frame);
    if (scannedAgain.wholeBytes !== scannedView.wholeBytes) throw new Error(`the scanned view's total changed: ${scannedView.wholeBytes} then ${scannedAgain.wholeBytes}`);
    checks.push(`click on "Scanned": ${describeView(scannedAgain)}`);
    await page.mouse.move(0, 0);
    await frame.waitForTimeout(700);
    await shoot(ctx, page, path.join(shots, 'chart-light.png'), checks);
    const statusAfter = statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: /free/ }).first();
    await statusAfter.screenshot({ path: path.join(shots, 'chart-light-statusbar.png') });
    checks.push(`status bar (light): "${oneLine(await statusAfter.innerText())}"`);
    await narrowTo(page, frame, NARROW_PX, checks);
    await shoot(ctx, page, path.join(shots, 'chart-light-300.png'), checks);
    await frame.locator('#view-disk').click();
    await frame.waitForFunction(() => document.getElementById('donut-figure')?.dataset.view === 'disk', undefined, { timeout: 10_000 });
    await page.mouse.move(0, 0);
    await frame.waitForTimeout(700);
    checkDiskView(await donutView(frame), scannedView);
    await shoot(ctx, page, path.join(shots, 'chart-light-disk-300.png'), checks);
    return { checks };
  },
};

const MiB = 1024 * 1024;

/**
 * A few more real folders of what the chart is for (checkpoints of a run, a Hugging Face repo, pip
 * and torch caches under the fixture's HOME), so the screenshots show several categories. Only this
 * phase's fixture gets them.
 */
function addMlFolders(fx: FixtureDescription): string {
  const run = path.join(fx.workspace, 'outputs', 'run-1');
  for (const step of [100, 200, 300]) {
    const dir = path.join(run, `checkpoint-${step}`);
    writeRealFile(path.join(dir, 'model.safetensors'), 2 * MiB);
    writeRealFile(path.join(dir, 'optimizer.pt'), 1 * MiB);
    writeTextFile(path.join(dir, 'trainer_state.json'), JSON.stringify({ global_step: step, max_steps: 1000, save_steps: 100, log_history: [] }));
  }
  const cache = fx.env.XDG_CACHE_HOME ?? path.join(fx.home, '.cache');
  const repo = path.join(cache, 'huggingface', 'hub', 'models--acme--tiny-llm');
  const blob = 'a'.repeat(64);
  const commit = 'b'.repeat(40);
  writeRealFile(path.join(repo, 'blobs', blob), 5 * MiB);
  writeTextFile(path.join(repo, 'refs', 'main'), commit);
  fs.mkdirSync(path.join(repo, 'snapshots', commit), { recursive: true });
  fs.symlinkSync(path.join('..', '..', 'blobs', blob), path.join(repo, 'snapshots', commit, 'model.safetensors'));
  writeRealFile(path.join(cache, 'pip', 'http-v2', '1', '2', 'body'), 1.5 * MiB);
  writeRealFile(path.join(cache, 'pip', 'wheels', '3', 'demo-1.0-py3-none-any.whl'), 0.5 * MiB);
  writeRealFile(path.join(cache, 'torch', 'hub', 'checkpoints', 'resnet18.pth'), 2.5 * MiB);
  return 'outputs/run-1 (3 checkpoints), HF repo acme/tiny-llm, pip and torch caches';
}


/** What the donut shows now, as the user reads it. */
interface DonutViewSeen {
  view: string;
  wholeBytes: number;
  pressed: string;
  caption: string;
  center: string;
  legend: string[];
}

async function donutView(frame: Frame): Promise<DonutViewSeen> {
  return frame.evaluate(() => {
    const text = (id: string) => (document.getElementById(id)?.innerText ?? '').replace(/\s+/g, ' ').trim();
    const figure = document.getElementById('donut-figure')!;
    return {
      view: figure.dataset.view ?? '',
      wholeBytes: Number(figure.dataset.wholeBytes),
      pressed: Array.from(document.querySelectorAll('#donut-views [aria-pressed="true"]')).map((b) => (b as HTMLElement).innerText.trim()).join(','),
      caption: text('donut-caption'),
      center: text('donut-center'),
      legend: Array.from(document.querySelectorAll('#legend li')).map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
    };
  });
}

function describeView(v: DonutViewSeen): string {
  return `view ${v.view} (pressed "${v.pressed}"), whole ${v.wholeBytes} B, caption "${v.caption}", centre "${v.center}", legend ${v.legend.join(' | ')}`;
}

/** The disk view: another total (the volume's), a free-space entry, its own button pressed, "% of disk". */
function checkDiskView(disk: DonutViewSeen, scanned: DonutViewSeen): void {
  if (disk.view !== 'disk' || disk.pressed !== 'Whole disk') throw new Error(`not in the disk view: ${describeView(disk)}`);
  if (!(disk.wholeBytes > scanned.wholeBytes)) throw new Error(`the disk view's total (${disk.wholeBytes} B) is not the volume's, larger than the scanned ${scanned.wholeBytes} B`);
  if (disk.center === scanned.center) throw new Error(`the donut's centre did not change with the view: "${disk.center}"`);
  if (!disk.legend.some((l) => /^Free \d/.test(l))) throw new Error(`the disk view's legend has no free-space entry: ${disk.legend.join(' | ')}`);
  if (!/% of disk/.test(disk.caption)) throw new Error(`the disk view does not say what its percentages are of: "${disk.caption}"`);
}

async function waitForDrawn(frame: Frame, theme: 'dark' | 'light'): Promise<void> {
  await frame.waitForFunction((t) => document.body.dataset.renderedTheme === t && !!document.body.dataset.focus && document.querySelectorAll('#rows tr').length > 0, theme, { timeout: 60_000 });
  await frame.waitForTimeout(700); // ECharts' 250 ms animation, and a margin
}

async function hoverLargestBox(page: Page, frame: Frame): Promise<void> {
  // Playwright gives boxes of elements in frames relative to the page's viewport.
  const treemap = await frame.locator('#treemap').boundingBox();
  if (!treemap) throw new Error('treemap not laid out');
  // The largest box sits at the top left of a squarified treemap; aim inside it, below its header.
  await page.mouse.move(treemap.x + Math.min(60, treemap.width / 4), treemap.y + Math.min(60, treemap.height / 4));
  await frame.locator('.mlds-tooltip:visible').first().waitFor({ state: 'visible', timeout: 10_000 });
}

/** Narrows the browser window until the chart's webview is `px` wide, and checks nothing spills sideways. */
async function narrowTo(page: Page, frame: Frame, px: number, checks: string[]): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const width = await frame.evaluate(() => document.documentElement.clientWidth);
    if (Math.abs(width - px) <= 8) break;
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: Math.max(500, viewport.width - (width - px)), height: viewport.height });
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(500);
  const m = await frame.evaluate(() => {
    const client = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > client + 1)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
    return { client, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 8) };
  });
  if (m.scroll > m.client + 1) throw new Error(`at ${m.client} px the chart spills sideways (scrollWidth ${m.scroll}): ${m.wide.join(', ')}`);
  checks.push(`webview ${m.client} px wide: no horizontal overflow`);
}

async function pickColorTheme(page: Page, theme: string): Promise<void> {
  await page.keyboard.press('F1');
  const box = page.locator(SEL.quickInputBox);
  await box.waitFor({ state: 'visible', timeout: 20_000 });
  await box.fill('>Preferences: Color Theme');
  await page.locator(SEL.quickInputRow).filter({ hasText: 'Preferences: Color Theme' }).first().click();
  const row = page.locator(SEL.quickInputRow).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${theme}\\s*$`) }) }).first();
  await box.fill(theme);
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.press('Enter'); // the filtered theme is the focused row
  await page.locator(SEL.quickInput).waitFor({ state: 'hidden', timeout: 20_000 });
}

/** The theme colors the chart reads, as the webview sees them. */
async function themeVars(frame: Frame): Promise<string> {
  return frame.evaluate(() => {
    const style = getComputedStyle(document.documentElement);
    return ['editor-background', 'editor-foreground', 'charts-blue', 'charts-green', 'charts-purple', 'charts-orange', 'terminal-ansiCyan', 'terminal-ansiMagenta']
      .map((n) => `${n}=${style.getPropertyValue(`--vscode-${n}`).trim() || '(unset)'}`)
      .join(' ');
  });
}

async function shoot(ctx: PhaseContext, page: Page, file: string, checks: string[]): Promise<void> {
  checks.push(`screenshot ${await ctx.screenshot(page, file)}`);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
