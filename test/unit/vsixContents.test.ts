// What the .vsix carries, as `vsce ls` lists it (the same file list `npm run package` zips): the
// bundles, media, the README with its screenshots, CHANGELOG, LICENSE and package.json; no source
// maps, no sources or tests, no node_modules. Plus the gallery fields Marketplace and Open VSX read.
// Needs `npm run build` (vsce lists the files that exist).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const VSCE = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const MAX_SCREENSHOT_BYTES = 200 * 1024;

interface Manifest {
  name: string; publisher: string; version: string; license?: string; icon?: string; main: string;
  qna?: unknown; keywords?: string[]; galleryBanner?: { color?: string; theme?: string };
  repository?: unknown; bugs?: unknown; homepage?: unknown;
  engines: { vscode: string }; devDependencies: Record<string, string>;
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** Files allowed in the package, as paths relative to the extension root. */
const ALLOWED: RegExp[] = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^dist\/[\w-]+\.js$/, // the esbuild bundles
  /^dist\/webview\/[\w-]+\.js$/,
  /^media\/[\w.-]+$/,
  /^docs\/images\/[\w-]+\.png$/, // the README's screenshots
  /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
  /^package\.nls(\.[\w-]+)?\.json$/,
];

function pngSize(file: string): { width: number; height: number } {
  const head = fs.readFileSync(file).subarray(0, 24);
  assert.strictEqual(head.toString('latin1', 1, 4), 'PNG', `${file} is not a PNG`);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

describe('the .vsix contents (vsce ls)', function () {
  this.timeout(60_000);
  let files: string[] = [];

  before(() => {
    assert.ok(fs.existsSync(path.join(ROOT, manifest.main)), `${manifest.main} is missing: run npm run build first`);
    const out = execFileSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 });
    files = out.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    assert.ok(files.length > 0, `vsce ls listed nothing:\n${out}`);
  });

  it('holds only bundles, media, README (+ its screenshots), CHANGELOG, LICENSE, package.json', () => {
    const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepStrictEqual(stray, [], `unexpected files in the package:\n${files.join('\n')}`);
    for (const f of files) {
      assert.ok(!f.endsWith('.map'), `source map shipped: ${f}`);
      assert.ok(!/^(src|test|out|node_modules|bench|scripts)\//.test(f) && !f.includes('node_modules/'), `not for the package: ${f}`);
    }
  });

  it('holds what the extension and its page need', () => {
    for (const needed of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', manifest.main.replace(/^\.\//, '')]) {
      assert.ok(files.includes(needed), `${needed} is not in the package:\n${files.join('\n')}`);
    }
    // Every bundle the build writes: the extension loads the workers, the Docker client and the chart at run time.
    const built = fs.readdirSync(path.join(ROOT, 'dist'), { recursive: true }).map(String)
      .filter((f) => f.endsWith('.js')).map((f) => `dist/${f.split(path.sep).join('/')}`);
    for (const bundle of built) assert.ok(files.includes(bundle), `${bundle} is built but not packaged`);
  });

  it('no packaged bundle points at a source map it does not ship', () => {
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      assert.ok(!/\/\/# sourceMappingURL=/.test(text.slice(-4096)), `${f} ends with a sourceMappingURL comment`);
    }
  });

  it('every image the README shows is packaged, a PNG of at most 200 KB', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^\w+:/.test(l));
    assert.ok(images.length >= 3, `the README shows ${images.length} screenshots`);
    for (const image of images) {
      assert.ok(files.includes(image), `README image ${image} is not in the package`);
      const bytes = fs.statSync(path.join(ROOT, image)).size;
      assert.ok(bytes <= MAX_SCREENSHOT_BYTES, `${image}: ${bytes} bytes > ${MAX_SCREENSHOT_BYTES}`);
      pngSize(path.join(ROOT, image));
    }
  });

  it('the gallery icon is a packaged square PNG of 128 or 256 px', () => {
    assert.ok(manifest.icon, 'package.json has no icon');
    assert.ok(files.includes(manifest.icon), `${manifest.icon} is not in the package`);
    const { width, height } = pngSize(path.join(ROOT, manifest.icon));
    assert.ok(width === height && (width === 128 || width === 256), `${manifest.icon} is ${width}×${height}`);
  });
});

describe('package.json for Marketplace and Open VSX', () => {
  it('has the fields the galleries show and ovsx checks, and no placeholder addresses', () => {
    // ovsx refuses a package without publisher, name, version, and one without a license.
    for (const field of ['publisher', 'name', 'version', 'license'] as const) assert.ok(manifest[field], `no ${field}`);
    assert.ok(fs.existsSync(path.join(ROOT, 'LICENSE')), 'no LICENSE file');
    assert.strictEqual(manifest.qna, false);
    assert.ok((manifest.keywords ?? []).length >= 5, `keywords: ${manifest.keywords}`);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner?.theme ?? ''), `galleryBanner.theme: ${manifest.galleryBanner?.theme}`);
    for (const field of ['repository', 'bugs', 'homepage'] as const) {
      const value = JSON.stringify(manifest[field] ?? '');
      assert.ok(!/example\.(invalid|com|org)|localhost|TODO/i.test(value), `placeholder ${field}: ${value}`);
    }
  });

  it('@types/vscode is pinned to the minimum engines.vscode declares, so no newer API type-checks', () => {
    const minimum = /^\^?(\d+\.\d+\.\d+)$/.exec(manifest.engines.vscode)?.[1];
    assert.ok(minimum, `engines.vscode: ${manifest.engines.vscode}`);
    assert.strictEqual(manifest.devDependencies['@types/vscode'], minimum, 'devDependencies["@types/vscode"] must be exactly the minimum');
    const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8')) as { version: string };
    assert.strictEqual(installed.version, minimum, 'installed @types/vscode');
  });
});
