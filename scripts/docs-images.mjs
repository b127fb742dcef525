// Copies the README's screenshots from the last UI test run (.test-artifacts/, written by the
// ui-checkpoints and ui-chart phases of `npm run test:integration`) into docs/images/, so the
// pictures show what the tested build really draws. A picture over 200 KB is scaled down (in the
// Debian Chromium the UI tests drive, through playwright-core) until it fits: the .vsix carries them.
//   MLDS_PHASES=ui-checkpoints,ui-chart npm run test:integration && npm run docs:images
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, '.test-artifacts');
const out = path.join(root, 'docs', 'images');
const MAX_BYTES = 200 * 1024;

/** README picture ← the UI phase screenshot it is copied from. */
const IMAGES = [
  { name: 'tree.png', from: 'checkpoints-tree.png', phase: 'ui-checkpoints' },
  { name: 'chart.png', from: 'chart-dark.png', phase: 'ui-chart' },
  // The destructive flow: Apply Retention Policy's confirmation, which lists what is deleted and what is kept.
  { name: 'cleanup.png', from: 'checkpoints-retention-dialog.png', phase: 'ui-checkpoints' },
];

const missing = IMAGES.filter((i) => !fs.existsSync(path.join(artifacts, i.from)));
if (missing.length) {
  console.error(`missing screenshots: ${missing.map((i) => `.test-artifacts/${i.from} (phase ${i.phase})`).join(', ')}`);
  console.error(`run first: MLDS_PHASES=${[...new Set(missing.map((i) => i.phase))].join(',')} npm run test:integration`);
  process.exit(1);
}

fs.mkdirSync(out, { recursive: true });
let browser;
try {
  for (const image of IMAGES) {
    const source = path.join(artifacts, image.from);
    const target = path.join(out, image.name);
    fs.copyFileSync(source, target);
    let { width, height } = pngSize(target);
    let scale = 1;
    while (fs.statSync(target).size > MAX_BYTES) {
      scale *= 0.85;
      if (scale < 0.3) throw new Error(`${image.name}: still over ${MAX_BYTES} bytes at 30 % of its size`);
      browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
      await scaleDown(browser, source, target, Math.round(width * scale), Math.round(height * scale));
    }
    ({ width, height } = pngSize(target));
    const taken = fs.statSync(source).mtime.toISOString();
    console.log(`docs/images/${image.name} ← .test-artifacts/${image.from} (${image.phase}, taken ${taken}): ${width}×${height}, ${fs.statSync(target).size} bytes`);
  }
} finally {
  await browser?.close();
}

/** Width and height from the PNG's IHDR chunk. */
function pngSize(file) {
  const head = fs.readFileSync(file).subarray(0, 24);
  if (head.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${file} is not a PNG`);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

async function scaleDown(b, source, target, width, height) {
  const page = await b.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  try {
    const data = fs.readFileSync(source).toString('base64');
    await page.setContent(`<!doctype html><body style="margin:0"><img style="display:block;width:${width}px;height:${height}px" src="data:image/png;base64,${data}"></body>`);
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: target, clip: { x: 0, y: 0, width, height } });
  } finally {
    await page.close();
  }
}
