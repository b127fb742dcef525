// Phase "ui-docker": the Docker part of the tree as a user sees it, in code-server against the real
// dockerd of the fixture (part dockerEngine). Scan from the palette, expand Docker > Images > ml:1 >
// Layers and Largest folders (which analyzes the image, with its progress notification), check the
// rows against the scene, open the image row's context menu (Analyze Docker Image… and the destructive
// entry last), and save .test-artifacts/docker-tree.png; then Composition and Waste of ml:1 and
// ml:2 (.test-artifacts/docker-composition.png); Analyze Docker Image… from that menu opens the chart
// (.test-artifacts/docker-image-chart.png); Compare Docker Image With Another… opens the diff in an
// editor (.test-artifacts/docker-compare.png).
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { formatBytes } from '../../src/core/format';
import type { DockerEngineInfo } from '../integration/dockerFixture';
import { partInfo } from '../integration/fixture';
import type { Phase } from './harness';
import { EXTENSION_ID } from './phases';
import { chartFrame, runCommand, SEL, sideBarRows, statusBarItemsOf, waitForWorkbench } from './workbench';

export const uiDockerPhase: Phase = {
  name: 'ui-docker',
  description: 'Docker tree in code-server against a real dockerd: expand an image to Layers and Largest folders, context menu, screenshot, Analyze Docker Image… chart',
  timeoutMs: 4 * 60_000,
  fixtureParts: ['fakeHome', 'workspaceItems', 'dockerEngine'],
  async run(ctx) {
    const engine = partInfo<DockerEngineInfo>(ctx.fixture, 'dockerEngine');
    const shots = path.join(ctx.repoRoot, '.test-artifacts');
    const treeShot = path.join(shots, 'docker-tree.png');
    const chartShot = path.join(shots, 'docker-image-chart.png');
    const compositionShot = path.join(shots, 'docker-composition.png');
    const compareShot = path.join(shots, 'docker-compare.png');
    for (const f of [treeShot, chartShot, compositionShot, compareShot]) fs.rmSync(f, { force: true }); // never leave a stale picture behind a failed run
    const checks: string[] = [`dockerd ${engine.storageDriver} at ${engine.host}, scene built in ${engine.sceneBuiltMs} ms`];

    const server = await ctx.startServer();
    const page = await ctx.openWorkbench(server, { payload: [['extensionDevelopmentPath', server.remoteUri(ctx.extensionRoot)]] });
    await waitForWorkbench(page);
    await statusBarItemsOf(page, EXTENSION_ID).first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'View: Show ML Disk Space');
    // The default side bar (300 px): labels must be short enough to leave the sizes in view.
    await runCommand(page, 'ML Disk Space: Scan');

    const rows = sideBarRows(page);
    const labelled = (label: string) => rows.filter({ has: page.locator('.label-name', { hasText: exactly(label) }) }).first();
    await labelled('Docker').waitFor({ state: 'visible', timeout: 60_000 });
    // Make room: the workspace category is not what this picture is about.
    await collapse(labelled('Large workspace items'));
    await expand(labelled('Images'));
    const image = labelled('ml:1');
    await expand(image);
    await expand(labelled('Layers'));
    const copyModel = labelled('COPY …/model.safetensors');
    await copyModel.waitFor({ state: 'visible', timeout: 30_000 });
    const modelLayer = oneLine(await copyModel.innerText());
    if (!modelLayer.includes(formatBytes(engine.bytes.ml1Models))) throw new Error(`layer row "${modelLayer}" lacks ${formatBytes(engine.bytes.ml1Models)}`);
    checks.push(`layer row: "${modelLayer}"`);
    const sharedRow = rows.filter({ hasText: '(imported filesystem)' }).first();
    checks.push(`base layer row: "${oneLine(await sharedRow.innerText())}"`);
    if (!/shared/.test(await sharedRow.innerText())) throw new Error('the base layer row has no shared badge');

    // Largest folders: expanding it analyzes the image (a progress notification), then the folders appear.
    const t0 = Date.now();
    await expand(labelled('Largest folders'));
    const opt = labelled('/opt');
    await opt.waitFor({ state: 'visible', timeout: 60_000 });
    const top = [];
    for (const name of ['/bin', '/opt', '/usr', '/workspace']) top.push(oneLine(await labelled(name).innerText()));
    checks.push(`Largest folders appeared ${Date.now() - t0} ms after expanding it: ${top.join(' | ')}`);
    if (!oneLine(await opt.innerText()).includes(formatBytes(engine.bytes.ml1Models))) throw new Error(`"/opt" row: ${oneLine(await opt.innerText())}`);
    await expand(opt);
    await expand(labelled('models'));
    await rows.filter({ hasText: 'model.safetensors' }).filter({ hasText: formatBytes(engine.bytes.ml1Models) }).last().waitFor({ state: 'visible', timeout: 10_000 });

    // The image row's context menu: Analyze Docker Image… before the destructive Remove Docker Images…, which is last.
    await image.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    const entries = (await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts()).map(oneLine).filter(Boolean);
    checks.push(`context menu of ml:1: ${entries.join(' | ')}`);
    if (entries[entries.length - 1] !== 'Remove Docker Images…') throw new Error(`the destructive entry is not last: ${entries.join(' | ')}`);
    if (!entries.includes('Analyze Docker Image…')) throw new Error(`no Analyze Docker Image… in ${entries.join(' | ')}`);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });

    // Containers drawn by state (the scene's only container has exited); a volume says its size once.
    await expand(labelled('Containers'));
    const stopped = labelled('stopped-c');
    await stopped.waitFor({ state: 'visible', timeout: 10_000 });
    if (!(await stopped.locator('.codicon-vm-outline').count())) throw new Error(`the exited container is not drawn stopped: ${await stopped.innerHTML()}`);
    checks.push(`container row (vm-outline icon): "${oneLine(await stopped.innerText())}"`);
    await expand(labelled('Volumes'));
    const orphanVolume = labelled('data-orphan');
    await orphanVolume.waitFor({ state: 'visible', timeout: 10_000 });
    const orphanText = oneLine(await orphanVolume.innerText());
    const sizes = orphanText.match(/\d[\d.]* [kMGT]?B\b/g) ?? [];
    if (sizes.length !== 1) throw new Error(`volume row "${orphanText}" should say its size once`);
    checks.push(`volume row: "${orphanText}"`);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.locator(SEL.sideBar).screenshot({ path: treeShot });
    await ctx.screenshot(page, 'docker-window.png');
    checks.push(`screenshot ${treeShot}`);

    // Composition and Waste of ml:1 (from the analysis just made), then ml:2's Waste (it copied a data folder in).
    await collapse(labelled('Largest folders'));
    await collapse(labelled('Layers'));
    await expand(labelled('Composition'));
    await labelled('Model weights').waitFor({ state: 'visible', timeout: 30_000 });
    const kinds = [];
    for (const name of ['OS base', 'Model weights', 'PyTorch', 'Everything else']) kinds.push(oneLine(await labelled(name).innerText()));
    checks.push(`Composition of ml:1: ${kinds.join(' | ')}`);
    if (!kinds[1].includes(formatBytes(engine.bytes.ml1Models)) || !kinds[2].includes(formatBytes(engine.bytes.ml1Torch))) throw new Error(`composition rows: ${kinds.join(' | ')}`);
    await expand(labelled('Waste'));
    await labelled('No waste found').waitFor({ state: 'visible', timeout: 30_000 });
    const ml2 = labelled('ml:2');
    await expand(ml2);
    const ml2Waste = rows.filter({ has: page.locator('.label-name', { hasText: exactly('Waste') }) }).nth(1);
    await expand(ml2Waste);
    const finding = labelled('test and data folders');
    await expand(finding);
    await rows.filter({ hasText: '.dockerignore' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const findingText = oneLine(await finding.innerText());
    checks.push(`Waste of ml:2: ${findingText} → ${oneLine(await rows.filter({ hasText: '.dockerignore' }).first().innerText())}`);
    if (!findingText.includes(formatBytes(engine.bytes.ml2Data))) throw new Error(`waste row: ${findingText}`);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.locator(SEL.sideBar).screenshot({ path: compositionShot });
    checks.push(`screenshot ${compositionShot}`);

    // Analyze Docker Image… from the same menu: the chart of the same breakdown (from the cached analysis).
    await image.click({ button: 'right' });
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    // The workbench ignores a click that lands right after a context menu opened.
    await page.waitForTimeout(500);
    await menu.locator('.action-label', { hasText: 'Analyze Docker Image…' }).first().click();
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    const frame = await chartFrame(page);
    await frame.waitForFunction(() => !!document.body.dataset.focus && document.querySelectorAll('#rows tr').length > 0, undefined, { timeout: 30_000 });
    await page.mouse.move(5, 880); // no tooltip over the picture
    await page.waitForTimeout(700); // the chart's animation
    const chartRows = (await frame.locator('#rows tr').allInnerTexts()).map(oneLine);
    checks.push(`chart rows: ${chartRows.join(' | ')}`);
    if (!['Composition', 'Layers', 'Largest folders'].every((name) => chartRows.some((r) => r.startsWith(name)))) throw new Error(`chart rows: ${chartRows.join(' | ')}`);
    await page.screenshot({ path: chartShot });
    checks.push(`screenshot ${chartShot}`);

    // Compare Docker Image With Another… from the same menu: pick ml:2; the diff opens in an editor.
    await image.click({ button: 'right' });
    await menu.waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForTimeout(500);
    await menu.locator('.action-label', { hasText: 'Compare Docker Image With Another…' }).first().click();
    await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type('ml:2');
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    const editorText = page.locator('.monaco-editor .view-lines').filter({ hasText: 'ml:1 → ml:2' }).first();
    await editorText.waitFor({ state: 'visible', timeout: 30_000 });
    const compareLines = oneLine(await editorText.innerText());
    checks.push(`compare editor: ${compareLines.slice(0, 300)}`);
    if (!compareLines.includes('Model weights') || !compareLines.includes('PyTorch')) throw new Error(`compare editor: ${compareLines}`);
    await page.mouse.move(5, 880);
    await page.screenshot({ path: compareShot });
    checks.push(`screenshot ${compareShot}`);
    return { checks };
  },
};

export async function expand(row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  await waitAttr(row, 'aria-expanded', 'true');
}

export async function collapse(row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
  await waitAttr(row, 'aria-expanded', 'false');
}

async function waitAttr(row: Locator, name: string, value: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await row.getAttribute(name)) !== value) {
    if (Date.now() > deadline) throw new Error(`row "${oneLine(await row.innerText())}" did not get ${name}=${value}`);
    await row.page().waitForTimeout(100);
  }
}

/** Drags the sash at the side bar's right edge until the side bar is about `px` wide. */
export async function widenSideBar(page: Page, px: number): Promise<void> {
  const box = await page.locator(SEL.sideBar).boundingBox();
  if (!box || box.width >= px) return;
  const edge = box.x + box.width;
  // The workbench's vertical sashes; ours is the one centred on the side bar's right edge.
  let sash: { x: number; y: number; width: number; height: number } | undefined;
  for (const s of await page.locator('.monaco-sash.vertical').all()) {
    const b = await s.boundingBox();
    if (b && b.height > box.height / 2 && Math.abs(b.x + b.width / 2 - edge) <= 6) sash = b;
  }
  if (!sash) throw new Error(`no sash at the side bar's right edge (x ${edge})`);
  const y = sash.y + sash.height / 2;
  await page.mouse.move(sash.x + sash.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + px, y, { steps: 10 });
  await page.mouse.up();
  await page.waitForTimeout(300);
}

export function exactly(s: string): RegExp {
  return new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}


export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
