// Renders the Marketplace / Open VSX icon (media/icon.png, 256×256 PNG: the galleries take no SVG)
// from the activity-bar artwork media/icon.svg: the same drawing, light on the gallery banner's
// colour, the pie slice in an accent. Uses the Debian Chromium the UI tests drive, through
// playwright-core (a dev dependency). Run `npm run icon` after changing media/icon.svg, and commit
// both files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = 256;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const background = pkg.galleryBanner.color; // one colour for the icon and the gallery page's banner
const foreground = '#ffffff';
const accent = '#ffb84d';

const source = fs.readFileSync(path.join(root, 'media', 'icon.svg'), 'utf8');
const drawing = /<svg[^>]*>([\s\S]*)<\/svg>/.exec(source)?.[1];
if (!drawing) throw new Error('media/icon.svg: no <svg> element');
// The activity-bar icon is one grey (a mask); here strokes are white and the filled slice is the accent.
const recoloured = drawing
  .replace(/<!--[\s\S]*?-->/g, '')
  .replace(/fill="#c5c5c5"/g, `fill="${accent}"`);
const attrs = /<svg([^>]*)>/.exec(source)[1]
  .replace(/\s(xmlns|width|height)="[^"]*"/g, '')
  .replace(/stroke="#c5c5c5"/, `stroke="${foreground}"`);

const pad = SIZE / 8;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <rect width="${SIZE}" height="${SIZE}" rx="${SIZE * 0.18}" fill="${background}"/>
  <svg x="${pad}" y="${pad}" width="${SIZE - 2 * pad}" height="${SIZE - 2 * pad}"${attrs}>${recoloured}</svg>
</svg>`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const out = path.join(root, 'media', 'icon.png');
  await page.locator('svg').first().screenshot({ path: out, omitBackground: true });
  console.log(`wrote ${path.relative(root, out)} (${fs.statSync(out).size} bytes)`);
} finally {
  await browser.close();
}
