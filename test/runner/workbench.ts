// Driving the VS Code workbench with Playwright: the command palette, the side bar's tree, the
// status bar. Selectors are VS Code's own DOM classes; they are gathered here so a workbench update
// is fixed in one place.
import { Frame, Locator, Page } from 'playwright-core';

export const SEL = {
  workbench: '.monaco-workbench',
  statusBar: '#workbench\\.parts\\.statusbar',
  activityBar: '#workbench\\.parts\\.activitybar',
  sideBar: '#workbench\\.parts\\.sidebar',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  listRow: '.monaco-list-row',
} as const;

/** Waits until the workbench has rendered its status bar (the window is usable). */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator(SEL.statusBar).waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command by its palette title ("ML Disk Space: Scan"): F1, type, pick the row whose label
 * is exactly the title. Fails when the palette does not offer it.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 20_000): Promise<void> {
  await page.keyboard.press('F1');
  const box = page.locator(SEL.quickInputBox);
  await box.waitFor({ state: 'visible', timeout: timeoutMs });
  await box.fill(`>${title}`);
  const row = page.locator(SEL.quickInputRow).filter({ has: page.locator('.label-name', { hasText: exactText(title) }) }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  await page.locator(SEL.quickInput).waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** The status-bar entry an extension contributed (VS Code gives it the DOM id `<extension id>.<entry id>`). */
export function statusBarItemsOf(page: Page, extensionId: string): Locator {
  return page.locator(`${SEL.statusBar} [id^="${cssEscape(extensionId)}."]`);
}

/** Rows of the trees in the side bar. */
export function sideBarRows(page: Page): Locator {
  return page.locator(`${SEL.sideBar} ${SEL.listRow}`);
}

/** Expands every collapsed row currently shown in the side bar (one level). */
export async function expandCollapsedRows(page: Page): Promise<number> {
  const collapsed = page.locator(`${SEL.sideBar} ${SEL.listRow}[aria-expanded="false"]`);
  const n = await collapsed.count();
  for (let i = n - 1; i >= 0; i--) await collapsed.nth(i).click();
  return n;
}

function exactText(s: string): RegExp {
  return new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

function cssEscape(s: string): string {
  return s.replace(/([^a-zA-Z0-9_-])/g, '\\$1');
}

/** The frame holding the chart's document (a webview is an iframe inside an iframe). */
export async function chartFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const isChart = await frame.evaluate(() => !!document.getElementById('treemap') && !!document.getElementById('rows')).catch(() => false);
      if (isChart) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no chart webview frame within ${timeoutMs} ms; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
}
