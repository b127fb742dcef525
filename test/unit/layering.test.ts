// The layering rules of eslint.config.mjs fire: for each layer, a probe file placed (in memory)
// in that layer and importing what it must not is reported, and an allowed import is not.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
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

// The import rules of .dependency-cruiser.cjs (cycles, the core's layers, one folder per
// category) fire: probes are real files in one temp tree laid out like src/, cruised once with the
// project's own configuration; each probe's violations are then checked by the file it comes
// from. (`npm run lint` runs the same rules over the real src/.)
describe('import rules (dependency-cruiser)', function () {
  this.timeout(180_000);
  const exporting = 'export const x = 1;\n';
  const importing = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;
  const files: Record<string, string> = {
    'src/core/format.ts': exporting,
    'src/core/plan/builder.ts': exporting,
    'src/core/categories/descriptor.ts': exporting,
    'src/core/categories/index.ts': exporting,
    'src/core/categories/pip/scanner.ts': exporting,
    'src/host/tree.ts': exporting,
    'src/core/plan/cycleA.ts': "import type { B } from './cycleB';\nexport type A = B;\n",
    'src/core/plan/cycleB.ts': "import type { A } from './cycleA';\nexport type B = { a?: A };\n",
    'src/core/plan/intoCategory.ts': importing('../categories/pip/scanner'),
    'src/core/walker/intoRegistry.ts': importing('../categories/index'),
    'src/core/categories/conda/intoOtherCategory.ts': importing('../pip/scanner'),
    'src/core/categories/conda/intoRegistry.ts': importing('../index'),
    'src/webview/intoHost.ts': importing('../host/tree'),
    'src/shared/intoCore.ts': importing('../core/format'),
    'src/core/categories/conda/allowed.ts': "import { x } from '../descriptor';\nimport { x as z } from '../../plan/builder';\nexport const y = x + z;\n",
    'src/core/scan/scan.ts': importing('../categories/index'),
  };
  const cases: [string, string, string | undefined][] = [
    ['a type-only import cycle', 'src/core/plan/cycleA.ts', 'no-circular'],
    ['the core base importing a category', 'src/core/plan/intoCategory.ts', 'core-base-not-up'],
    ['the core base importing the registry', 'src/core/walker/intoRegistry.ts', 'core-base-not-up'],
    ['a category importing another category', 'src/core/categories/conda/intoOtherCategory.ts', 'category-stays-in-its-folder'],
    ['a category importing the registry', 'src/core/categories/conda/intoRegistry.ts', 'category-stays-in-its-folder'],
    ['the webview importing the host', 'src/webview/intoHost.ts', 'webview-not-host'],
    ['shared importing the core', 'src/shared/intoCore.ts', 'shared-imports-nothing'],
    ['a category using the descriptor type and the core base', 'src/core/categories/conda/allowed.ts', undefined],
    ['the orchestrator reading the registry', 'src/core/scan/scan.ts', undefined],
  ];
  let found: { from: string; rule: string }[] = [];

  before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-layers-'));
    try {
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true }, include: ['src/**/*.ts'] }));
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      const depcruise = path.join(repo, 'node_modules', '.bin', 'depcruise');
      const out = spawnSync(depcruise, ['src', '--config', path.join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd: dir, encoding: 'utf8' });
      assert.ok(out.stdout, `depcruise printed nothing (exit ${out.status}): ${out.stderr}`);
      const result = JSON.parse(out.stdout) as { summary: { violations: { from: string; rule: { name: string } }[] } };
      found = result.summary.violations.map((v) => ({ from: v.from, rule: v.rule.name }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [what, file, rule] of cases) {
    it(`${what}: ${rule ? `reported as ${rule}` : 'allowed'}`, () => {
      const rules = found.filter((v) => v.from === file).map((v) => v.rule);
      if (rule) assert.ok(rules.includes(rule), `expected ${rule} from ${file}, got [${rules.join(', ')}]`);
      else assert.deepStrictEqual(rules, []);
    });
  }
});
