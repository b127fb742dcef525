// Phase "ui-checkpoints": the Checkpoints part of the tree as a user sees it, in code-server on the
// scene of fixture part checkpointScene. Scan from the palette, expand two runs, check the badges
// and the forecast in the rows, open a run's context menu (the destructive entries last), save
// .test-artifacts/checkpoints-tree.png; then Apply Retention Policy… from that menu: the real quick
// pick offers "Keep best 2 + last" first with what it deletes, Enter shows the modal confirmation
// with the plan (.test-artifacts/checkpoints-retention-dialog.png), and Cancel deletes nothing.
import * as fs from 'fs';
import * as path from 'path';
import { readCheckpointScene } from '../integration/checkpointsFixture';
import type { Phase } from './harness';
import { collapse, exactly, expand, oneLine, widenSideBar } from './dockerPhase';
import { EXTENSION_ID } from './phases';
import { buildLanguagePackStub, registerLanguagePack } from './languagePackStub';
import { runCommand, SEL, sideBarRows, statusBarItemsOf, waitForWorkbench } from './workbench';

/** The run's context menu ends with these, in this order (destructive last). */
const RUN_MENU_TAIL = ['Apply Checkpoint Retention Policy…', 'Slim Checkpoints…', 'Delete Checkpoints…'];

export const uiCheckpointsPhase: Phase = {
  name: 'ui-checkpoints',
  description: 'Checkpoints tree in code-server: runs expanded with badges and forecast, context menu, screenshot, Apply Retention Policy… quick pick and modal (cancelled)',
  timeoutMs: 3 * 60_000,
  fixtureParts: ['fakeHome', 'workspaceItems', 'checkpointScene'],
  async run(ctx) {
    const scene = readCheckpointScene(ctx.fixture);
    const shots = path.join(ctx.repoRoot, '.test-artifacts');
    const treeShot = path.join(shots, 'checkpoints-tree.png');
    const dialogShot = path.join(shots, 'checkpoints-retention-dialog.png');
    for (const f of [treeShot, dialogShot]) fs.rmSync(f, { force: true }); // never leave a stale picture behind a failed run
    const checks: string[] = [];

    // MLDS_UI_LOCALE=ko: the runs in that display language, for the screenshot (checkpoints-tree-ko.png)
    // and one check: no badge left in English. The checks below are the English pass's.
    const locale = process.env.MLDS_UI_LOCALE || undefined;
    const bundle = locale ? JSON.parse(fs.readFileSync(path.join(ctx.repoRoot, 'l10n', `bundle.l10n.${locale}.json`), 'utf8')) as Record<string, string> : {};
    const words = (english: string) => bundle[english] ?? english;
    const server = locale
      ? await ctx.startServer({ locale, vsix: buildLanguagePackStub(ctx.tmpDir, locale, ctx.repoRoot), beforeStart: (s) => registerLanguagePack(s.userDataDir, s.extensionsDir, locale) })
      : await ctx.startServer();
    const page = await ctx.openWorkbench(server, { payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
    await waitForWorkbench(page);
    await statusBarItemsOf(page, EXTENSION_ID).first().waitFor({ state: 'visible', timeout: 60_000 });
    const nls = JSON.parse(fs.readFileSync(path.join(ctx.extensionRoot, locale ? `package.nls.${locale}.json` : 'package.nls.json'), 'utf8')) as Record<string, string>;
    await runCommand(page, 'View: Show ML Disk Space');
    await widenSideBar(page, 640);
    await runCommand(page, `${nls['command.category']}: ${nls['command.scan.title']}`);

    const rows = sideBarRows(page);
    const labelled = (label: string) => rows.filter({ has: page.locator('.label-name', { hasText: exactly(label) }) }).first();
    const text = async (label: string) => oneLine(await labelled(label).innerText());
    await labelled(words('Checkpoints')).waitFor({ state: 'visible', timeout: 60_000 });
    await collapse(labelled(words('Large workspace items')));
    const { hf, lightning, inProgress } = scene.runs;
    await expand(labelled(hf.label));
    await expand(labelled(lightning.label));
    if (locale) {
      await page.mouse.move(0, 0);
      await page.waitForTimeout(300);
      const koShot = path.join(shots, `checkpoints-tree-${locale}.png`);
      await page.locator(SEL.sideBar).screenshot({ path: koShot });
      const all = (await rows.allInnerTexts()).map(oneLine);
      const english = all.filter((r) => /(^|· |, )(best|last|would delete|in progress|incomplete)(,|$| ·)/.test(r));
      if (english.length) throw new Error(`--locale ${locale}: badges in English:\n${english.join('\n')}`);
      return { checks: [`rows: ${all.filter((r) => /checkpoint|ckpt/.test(r)).slice(0, 4).join(' | ')}`, `screenshot ${koShot}`] };
    }

    const expectIn = async (label: string, ...parts: string[]) => {
      const t = await text(label);
      for (const p of parts) if (!t.includes(p)) throw new Error(`row "${t}" lacks "${p}"`);
      checks.push(`row: "${t}"`);
    };
    await expectIn(hf.label, '5 checkpoints', 'needs ~', 'more to finish');
    await expectIn(path.basename(hf.best!), 'best');
    await expectIn(path.basename(hf.last!), 'last');
    await expectIn(path.basename(hf.retentionDeletes['2'][0]), 'would delete');
    await expectIn(path.basename(lightning.best!), 'best');
    await expectIn('last.ckpt', 'last', '→');
    await expectIn(inProgress.label, 'in progress');

    // The run's context menu: the checkpoint commands last, destructive order kept.
    const run = labelled(hf.label);
    await run.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    const entries = (await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map(oneLine).filter(Boolean);
    checks.push(`context menu of ${hf.label}: ${entries.join(' | ')}`);
    if (entries.slice(-RUN_MENU_TAIL.length).join('|') !== RUN_MENU_TAIL.join('|')) throw new Error(`the run's menu does not end with ${RUN_MENU_TAIL.join(', ')}: ${entries.join(' | ')}`);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.locator(SEL.sideBar).screenshot({ path: treeShot });
    checks.push(`screenshot ${treeShot}`);

    // Apply Retention Policy… from the menu: the real quick pick, then the real modal, cancelled.
    const before = scene.runs.hf.checkpoints.filter((p) => fs.existsSync(p)).length;
    await run.click({ button: 'right' });
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    // A click right after the menu opens is sometimes lost; the hovered entry then takes Enter.
    const entry = menu.locator('.action-label', { hasText: 'Apply Checkpoint Retention Policy…' }).first();
    await entry.hover();
    await entry.click();
    if (!(await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false))) await page.keyboard.press('Enter');
    const pickRows = page.locator(SEL.quickInputRow);
    await pickRows.first().waitFor({ state: 'visible', timeout: 20_000 });
    const picks = (await pickRows.allInnerTexts()).map(oneLine);
    checks.push(`quick pick: ${picks.join(' | ')}`);
    if (!picks[0].startsWith('Keep best 2 + last') || !/Deletes 2 checkpoints/.test(picks[0])) throw new Error(`first choice: "${picks[0]}"`);
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20_000 });
    const said = oneLine(await dialog.innerText());
    checks.push(`dialog: "${said.slice(0, 400)}${said.length > 400 ? '…' : ''}"`);
    for (const p of ['keep best 2 + last', 'permanently deleted', 'checkpoint-200', 'checkpoint-800', 'Kept (3)', 'best (eval_loss=0.41)']) {
      if (!said.includes(p)) throw new Error(`the dialog lacks "${p}": ${said}`);
    }
    await page.screenshot({ path: dialogShot });
    checks.push(`screenshot ${dialogShot}`);
    await dialog.locator('.monaco-button', { hasText: exactly('Cancel') }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(500);
    const after = scene.runs.hf.checkpoints.filter((p) => fs.existsSync(p)).length;
    if (after !== before) throw new Error(`Cancel deleted something: ${before} checkpoints before, ${after} after`);
    checks.push(`Cancel: all ${after} checkpoints of ${hf.label} still on disk`);
    return { checks };
  },
};
