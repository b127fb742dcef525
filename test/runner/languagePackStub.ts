// VS Code switches its display language only when a language pack for it is installed; without one,
// --locale ko falls back to English (resolvedLanguage "en") and extensions get vscode.env.language
// "en". No Korean pack is available offline, so the Korean UI pass installs this stub: a real
// language-pack extension for "ko" whose workbench translations are empty. The workbench stays
// English; every string of ours comes from package.nls.ko.json and l10n/bundle.l10n.ko.json.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export function buildLanguagePackStub(dir: string, languageId: string, repoRoot: string): string {
  const root = path.join(dir, `lang-pack-${languageId}`);
  fs.mkdirSync(path.join(root, 'translations'), { recursive: true });
  const manifest = {
    name: `mlds-test-${languageId}-pack`,
    displayName: `Test ${languageId} pack (empty)`,
    description: `Makes the display language ${languageId} without translating the workbench`,
    publisher: 'mlds-test',
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: '^1.90.0' },
    categories: ['Language Packs'],
    contributes: { localizations: [{ languageId, languageName: languageId, localizedLanguageName: languageId, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
  };
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(root, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(root, 'LICENSE'), 'MIT\n');
  fs.writeFileSync(path.join(root, 'README.md'), '# Empty language pack for tests\n');
  const vsix = path.join(dir, `lang-pack-${languageId}.vsix`);
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix], { cwd: root, stdio: 'pipe', timeout: 120_000 });
  return vsix;
}

/**
 * The server picks its language at start from <user-data-dir>/languagepacks.json, which
 * `--install-extension` does not write: register the installed stub there, as VS Code's own
 * language-pack cache does ({ [locale]: { hash, extensions, translations: { vscode: file } } }).
 */
export function registerLanguagePack(userDataDir: string, extensionsDir: string, languageId: string): void {
  const installed = fs.readdirSync(extensionsDir).find((d) => d.startsWith(`mlds-test.mlds-test-${languageId}-pack`));
  if (!installed) throw new Error(`the ${languageId} language pack stub is not installed in ${extensionsDir}`);
  const packs = {
    [languageId]: {
      hash: `stub-${languageId}`,
      extensions: [{ extensionIdentifier: { id: `mlds-test.mlds-test-${languageId}-pack` }, version: '0.0.1' }],
      translations: { vscode: path.join(extensionsDir, installed, 'translations', 'main.i18n.json') },
      label: languageId,
    },
  };
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs, null, 2));
}
