// The phases of the integration run. Each starts its own code-server(s) on its own fresh fixture;
// the harness stops everything when the phase ends, passed or not. To add a phase, write a
// `Phase` (name, description, timeout, run) and append it to PHASES in runIntegration.ts.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { formatBytes } from '../../src/core/format';
import { FIXTURE_PARTS, partInfo, WorkspaceItemsInfo, writeRealFile } from '../integration/fixture';
import { Phase } from './harness';
import { takesVscodeOptions } from './codeServer';
import { codeServerVersionLine } from './tools';
import { addVscodeServerFolders } from './vscodeServerFolders';
import { checkFillingDiskLeads } from './fillingDiskCheck';
import { buildLanguagePackStub, registerLanguagePack } from './languagePackStub';
import { chartFrame, expandCollapsedRows, runCommand, sideBarRows, SEL, statusBarItemsOf, waitForWorkbench } from './workbench';
import { EXTENSION_ID } from '../support/extensionId';
export { EXTENSION_ID } from '../support/extensionId';

const VIEW_CONTAINER_TITLE = 'ML Disk Space';

/** Phase 1: the mocha suite out/test/integration/**\/*.test.js inside the extension host, extension loaded from the repo. */
export const extensionTestsPhase: Phase = {
  name: 'extension-tests',
  description: 'integration suite inside the extension host (extension from the dev folder)',
  timeoutMs: 8 * 60_000,
  // A real dockerd for the Docker tests (test/integration/docker.test.ts); DOCKER_HOST points the extension at it.
  // Training runs and ML caches for checkpoints.test.ts and caches.test.ts.
  fixtureParts: [...Object.keys(FIXTURE_PARTS), 'checkpointScene', 'mlCaches', 'dockerEngine'],
  async run(ctx) {
    // VS Code 1.90's workbench (`npm run test:min-vscode`) ignores the payload's extensionEnvironment;
    // its extension host inherits the server's environment, so the fixture's goes there instead.
    const legacy = !takesVscodeOptions(ctx.tools.codeServerEntry);
    const server = await ctx.startServer(legacy ? { env: ctx.extensionEnv() } : {});
    const mocha = await ctx.runExtensionTests(server);
    // Which VS Code this was: `npm run test:min-vscode` runs this phase on engines.vscode's minimum.
    return { mocha, checks: [`code-server ${codeServerVersionLine(ctx.tools, ctx.tmpDir)}`] };
  },
};

/** Phase 2: the packaged .vsix, installed with --install-extension, activates in a plain window (no dev path). */
export const vsixPhase: Phase = {
  name: 'vsix',
  description: 'npm run vsix (the bundles built before this run), install the .vsix into a fresh extensions dir, check it activates',
  timeoutMs: 5 * 60_000,
  async run(ctx) {
    const started = Date.now();
    // Packs dist/ as the build before this run left it, without rebuilding: the unit suite may be
    // running the same bundles side by side (npm test), and must never see one half-written.
    await ctx.exec('npm', ['run', 'vsix'], 'package.log');
    const vsix = path.join(ctx.extensionRoot, 'ml-disk-space.vsix'); // where package.json's "vsix" script writes it
    if (!fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs < started - 1000) throw new Error(`npm run vsix did not write a new ${vsix}`);
    const contents = execFileSync('python3', ['-m', 'zipfile', '-l', vsix], { encoding: 'utf8' });
    fs.writeFileSync(path.join(ctx.artifactsDir, 'vsix-contents.txt'), contents);
    ctx.log(`packaged ${vsix} (${formatBytes(fs.statSync(vsix).size)})`);

    const server = await ctx.startServer({ vsix });
    const installed = fs.readdirSync(server.extensionsDir).filter((d) => d.startsWith(`${EXTENSION_ID}-`));
    if (installed.length !== 1) throw new Error(`expected one ${EXTENSION_ID}-* folder in ${server.extensionsDir}, found: ${fs.readdirSync(server.extensionsDir).join(', ')}`);

    const page = await ctx.openWorkbench(server); // no development path: only installed extensions load
    await waitForWorkbench(page);
    const checks: string[] = [`installed as ${installed[0]}`];
    // Every bundle the extension loads at run time (threads, the lazily loaded Docker client, the chart) is in it; no source maps.
    const dist = path.join(server.extensionsDir, installed[0], 'dist');
    const shipped = fs.readdirSync(dist, { recursive: true }).map(String).sort();
    for (const needed of ['extension.js', 'walkerWorker.js', 'hfListWorker.js', 'checkpointInspectWorker.js', 'removeTreeWorker.js', 'dockerode.js', path.join('webview', 'chart.js')]) {
      if (!shipped.includes(needed)) throw new Error(`the .vsix lacks dist/${needed}: ${shipped.join(', ')}`);
    }
    if (shipped.some((f) => f.endsWith('.map'))) throw new Error(`the .vsix ships source maps: ${shipped.join(', ')}`);
    checks.push(`dist/: ${shipped.join(', ')}`);

    // Activation shows the free-space item in the status bar.
    const item = statusBarItemsOf(page, EXTENSION_ID).filter({ hasText: /free/ }).first();
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    checks.push(`status bar: "${(await item.innerText()).trim()}"`);

    // The activity bar has our view container.
    const container = page.locator(`${SEL.activityBar} [aria-label^="${VIEW_CONTAINER_TITLE}"]`).first();
    await container.waitFor({ state: 'visible', timeout: 30_000 });
    checks.push(`activity bar: "${await container.getAttribute('aria-label')}"`);

    ctx.log(`screenshot: ${await ctx.screenshot(page, 'activated.png')}`);
    return { checks };
  },
};

/** Phase 3: the UI by hand, as a user would: open the view, run the scan, see sized rows. */
export const uiTreePhase: Phase = {
  name: 'ui-tree',
  description: 'open the ML Disk Space view, run "ML Disk Space: Scan" from the palette, screenshot the tree; a workspace on a filling tmpfs leads the tree',
  timeoutMs: 6 * 60_000,
  async run(ctx) {
    const ws = partInfo<WorkspaceItemsInfo>(ctx.fixture, 'workspaceItems');
    // MLDS_UI_LOCALE=ko: the same pass in that display language (our strings come from its bundles).
    const locale = process.env.MLDS_UI_LOCALE || undefined;
    const treeShot = path.join(ctx.repoRoot, '.test-artifacts', locale ? `tree-${locale}.png` : 'tree.png');
    fs.rmSync(treeShot, { force: true }); // never leave a stale picture behind a failed run
    ctx.log(`fixture: ${addVscodeServerFolders(ctx.fixture)}`);
        const vsix = locale ? buildLanguagePackStub(ctx.tmpDir, locale, ctx.repoRoot) : undefined;
    const server = await ctx.startServer({ locale, vsix, beforeStart: (s) => locale && registerLanguagePack(s.userDataDir, s.extensionsDir, locale) });
    // A development window on the repo's extension, without a test suite.
    const page = await ctx.openWorkbench(server, { payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
    await waitForWorkbench(page);
    await statusBarItemsOf(page, EXTENSION_ID).first().waitFor({ state: 'visible', timeout: 60_000 });

    await runCommand(page, `View: Show ${VIEW_CONTAINER_TITLE}`);
    const nls = JSON.parse(fs.readFileSync(path.join(ctx.extensionRoot, locale ? `package.nls.${locale}.json` : 'package.nls.json'), 'utf8')) as Record<string, string>;
    await runCommand(page, `${nls['command.category']}: ${nls['command.scan.title']}`);

    // The largest folder's row, with the size du gives it, formatted as the tree formats sizes.
    const dataName = path.basename(ws.folders[0].path);
    const expectedSize = formatBytes(Number(execFileSync('du', ['-sB1', ws.folders[0].path], { encoding: 'utf8' }).split('\t')[0]));
    const row = sideBarRows(page).filter({ hasText: dataName }).filter({ hasText: expectedSize }).first();
    const deadline = Date.now() + 60_000;
    while (!(await row.isVisible())) {
      if (Date.now() > deadline) {
        const rows = await sideBarRows(page).allInnerTexts();
        throw new Error(`no tree row "${dataName} … ${expectedSize}" in the side bar; rows:\n${rows.join('\n')}`);
      }
      await expandCollapsedRows(page); // categories may start collapsed
      await page.waitForTimeout(250);
    }
    const rows = (await sideBarRows(page).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    const shot = await ctx.screenshot(page, treeShot);
    ctx.log(`screenshot of the tree: ${shot}`);
    if (locale === 'ko') {
      // The extension's strings must have followed the display language: the tree's rows say it.
      const korean = rows.filter((r) => /[\uac00-\ud7a3]/.test(r));
      if (!korean.length) throw new Error(`--locale ko: no Korean in the tree; rows:\n${rows.join('\n')}`);
      // Badges too (the model keeps English tokens; the row shows their words).
      const englishBadges = rows.filter((r) => /(^|· |, )(best|last|would delete|in progress|in use|dangling|shared|softlinked)(,|$| ·)/.test(r));
      if (englishBadges.length) throw new Error(`--locale ko: badges in English:\n${englishBadges.join('\n')}`);
      // Our palette entries, in Korean, for the record.
      await page.keyboard.press('F1');
      await page.locator(SEL.quickInputBox).fill(`>${nls['command.category']}`);
      await page.waitForTimeout(1000);
      ctx.log(`screenshot of the palette: ${await ctx.screenshot(page, path.join(ctx.repoRoot, '.test-artifacts', `palette-${locale}.png`))}`);
      await page.keyboard.press('Escape');
      // The chart webview follows the display language too (the host sends it the bundle).
      await runCommand(page, `${nls['command.category']}: ${nls['command.showChart.title']}`);
      const frame = await chartFrame(page);
      await frame.waitForFunction(() => document.querySelectorAll('#rows tr').length > 0 && !!document.body.dataset.focus, undefined, { timeout: 60_000 });
      await frame.waitForTimeout(700); // the chart's animation
      const chartText = await frame.locator('body').innerText();
      const koreanLines = chartText.split('\n').filter((l) => /[\uac00-\ud7a3]/.test(l));
      if (koreanLines.length < 3) throw new Error(`--locale ko: the chart is not in Korean:\n${chartText.slice(0, 800)}`);
      const chartShot = await ctx.screenshot(page, path.join(ctx.repoRoot, '.test-artifacts', `chart-${locale}.png`));
      return { checks: [`${korean.length} of ${rows.length} rows in Korean, e.g. "${korean[0]}"`, `row: "${(await row.innerText()).replace(/\s+/g, ' ').trim()}"`, `screenshot ${shot}`, `chart: ${koreanLines.length} lines in Korean, e.g. "${koreanLines[0].trim()}"; screenshot ${chartShot}`] };
    }
    const checks = [`row: "${(await row.innerText()).replace(/\s+/g, ' ').trim()}"`, `${rows.length} tree rows`, `screenshot ${shot}`];

    // A rescan keeps what the user opened: grow the folder, scan, wait for its new size, compare.
    // Open a row the tree shows closed by default (the largest folder), so the check is about the user's choice.
    const dataRow = sideBarRows(page).filter({ hasText: dataName }).filter({ hasText: expectedSize }).first();
    if ((await dataRow.getAttribute('aria-expanded')) === 'false') await dataRow.click();
    await sideBarRows(page).filter({ hasText: dataName }).and(page.locator('[aria-expanded="true"]')).first().waitFor({ state: 'visible', timeout: 10_000 });
    const opened = await expandedRowLabels(page);
    if (!opened.includes(dataName)) throw new Error(`could not open the ${dataName} row: open rows ${opened.join(', ')}`);
    writeRealFile(path.join(ws.folders[0].path, 'grown-by-ui-tree.bin'), 1024 * 1024);
    const grownSize = formatBytes(Number(execFileSync('du', ['-sB1', ws.folders[0].path], { encoding: 'utf8' }).split('\t')[0]));
    await runCommand(page, `${VIEW_CONTAINER_TITLE}: Scan`);
    await sideBarRows(page).filter({ hasText: dataName }).filter({ hasText: grownSize }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const reopened = await expandedRowLabels(page);
    if (opened.join('|') !== reopened.join('|')) throw new Error(`the rescan changed the open rows:\nbefore: ${opened.join(', ')}\nafter: ${reopened.join(', ')}`);
    checks.push(`after the rescan (${dataName} now ${grownSize}) the same ${opened.length} rows are open: ${opened.join(', ')}`);
    checks.push(`screenshot ${await ctx.screenshot(page, path.join(ctx.repoRoot, '.test-artifacts', 'tree-after-rescan.png'))}`);
    // A second window on a workspace whose own disk is filling: the tree leads with what is on it.
    checks.push(...(await checkFillingDiskLeads(ctx, server)));
    return { checks };
  },
};

/** The labels of the open rows of the side bar's tree, in order. */
async function expandedRowLabels(page: import('playwright-core').Page): Promise<string[]> {
  const rows = page.locator(`${SEL.sideBar} ${SEL.listRow}[aria-expanded="true"]`);
  return (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''))).map((l) => l.split(/\s/)[0]);
}
