// The layering rules of eslint.config.mjs fire: for each layer, a probe file placed (in memory)
// in that layer and importing what it must not is reported, and an allowed import is not.
import * as assert from 'assert';
import * as path from 'path';
import { ESLint } from 'eslint';

const repo = path.resolve(__dirname, '..', '..', '..');

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repo });
  const [result] = await eslint.lintText(source, { filePath: path.join(repo, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rules', function () {
  this.timeout(60_000);
  const cases: [string, string, boolean][] = [
    ['src/core/probe.ts', "import * as vscode from 'vscode';", true],
    ['src/core/probe.ts', "import { x } from '../host/api';", true],
    ['src/core/sub/probe.ts', "import { x } from '../../cli/main';", true],
    ['src/core/probe.ts', "import { x } from '../webview/main';", true],
    ['src/core/probe.ts', "import { x } from './format';", false],
    ['src/cli/probe.ts', "import { x } from '../host/api';", true],
    ['src/cli/probe.ts', "import * as vscode from 'vscode';", true],
    ['src/cli/probe.ts', "import { x } from '../core/format';", false],
    ['src/webview/probe.ts', "import * as vscode from 'vscode';", true],
    ['src/webview/probe.ts', "import { x } from '../host/webview/chartPanel';", true],
    ['src/webview/probe.ts', "import { x } from '../shared/chartProtocol';", false],
    ['src/shared/probe.ts', "import { x } from '../core/format';", true],
  ];
  for (const [file, source, forbidden] of cases) {
    it(`${file}: ${source} ${forbidden ? 'is reported' : 'is allowed'}`, async () => {
      const used = source.includes('* as vscode') ? 'vscode' : 'x';
      const messages = await restrictedImports(file, `${source}\nexport const y = ${used};\n`);
      assert.strictEqual(messages.length > 0, forbidden, messages.join('; ') || 'no message');
    });
  }
});
