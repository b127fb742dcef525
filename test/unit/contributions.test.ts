// package.json and the code agree: every contributed command is registered by the command table
// (src/host/commands/index.ts), every menu names a contributed command, and every token a
// when-clause matches (view ids, `cat-<category>`, `kind-<item kind>`, our context keys) exists in
// the view list, the category registry or the code that sets it. A category or kind renamed in
// code without package.json (or the reverse) fails here, not in a user's empty context menu.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CATEGORIES } from '../../src/core/categories';

const repo = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const hostDir = path.join(repo, 'src', 'host');

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourcesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}
const hostSources = sourcesUnder(hostDir).map((f) => fs.readFileSync(f, 'utf8'));

/** `const NAME = 'value'` anywhere in the host. */
function constantValue(name: string): string | undefined {
  for (const text of hostSources) {
    const m = text.match(new RegExp(`\\b${name}\\s*=\\s*'([^']+)'`));
    if (m) return m[1];
  }
  return undefined;
}

/** The command ids of the specs listed in COMMANDS, read from each spec's file. */
function tableCommandIds(): Set<string> {
  const indexText = fs.readFileSync(path.join(hostDir, 'commands', 'index.ts'), 'utf8');
  const table = indexText.slice(indexText.indexOf('export const COMMANDS'));
  const listed = new Set([...table.matchAll(/^\s+(\w+Command),?$/gm)].map((m) => m[1]));
  const ids = new Set<string>();
  for (const m of indexText.matchAll(/^import \{ (\w+Command) \} from '\.\/(\w+)';$/gm)) {
    if (!listed.has(m[1])) continue;
    const spec = fs.readFileSync(path.join(hostDir, 'commands', `${m[2]}.ts`), 'utf8');
    const id = spec.match(/\bid:\s*(?:'([^']+)'|([A-Z_]+))/);
    assert.ok(id, `${m[2]}.ts: no id in its CommandSpec`);
    const value = id[1] ?? constantValue(id[2]);
    assert.ok(value, `${m[2]}.ts: cannot resolve ${id[2]}`);
    ids.add(value);
  }
  assert.strictEqual(ids.size, listed.size, 'every COMMANDS entry has its own id');
  return ids;
}

const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
const menuEntries: { menu: string; command: string; when?: string }[] = Object.entries(pkg.contributes.menus as Record<string, { command: string; when?: string }[]>)
  .flatMap(([menu, entries]) => entries.map((e) => ({ menu, ...e })));
const whens = [...menuEntries.map((e) => e.when), ...(pkg.contributes.viewsWelcome ?? []).map((w: { when?: string }) => w.when)].filter((w): w is string => !!w);

describe('package.json contributions match the code', () => {
  it('every contributed command is in the command table, and every table command is contributed', () => {
    const table = tableCommandIds();
    assert.deepStrictEqual(contributed.filter((c) => !table.has(c)), [], 'contributed but not registered');
    assert.deepStrictEqual([...table].filter((c) => !contributed.includes(c)), [], 'registered but not contributed');
  });

  it('every menu entry names a contributed command', () => {
    assert.deepStrictEqual(menuEntries.filter((e) => !contributed.includes(e.command)).map((e) => `${e.menu}: ${e.command}`), []);
  });

  it('every view a when-clause names is contributed', () => {
    const views = new Set(Object.values(pkg.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
    const named = new Set(whens.flatMap((w) => [...w.matchAll(/\bview == ([\w.]+)/g)].map((m) => m[1])));
    assert.ok(named.size > 0);
    assert.deepStrictEqual([...named].filter((v) => !views.has(v)), []);
  });

  it('every cat-<id> and kind-<kind> token is a category or item kind of the registry', () => {
    const categoryIds = new Set(CATEGORIES.map((c) => c.id));
    const kinds = new Set(CATEGORIES.flatMap((c) => Object.keys(c.kinds ?? {})));
    // Tokens follow a regex `\b` or a non-word character; `kind-(a|b)` and `kind-conda-(a|b)` alternations name several.
    const tokens = (prefix: string) => new Set(whens.flatMap((w) => [...w.matchAll(new RegExp(`(?:\\\\b|\\W|^)${prefix}-([\\w-]*)(?:\\(([\\w|-]+)\\))?`, 'g'))]
      .flatMap((m) => (m[2] ? m[2].split('|').map((alt) => m[1] + alt) : [m[1]]))));
    const cats = tokens('cat');
    const kindTokens = tokens('kind');
    assert.ok(cats.size >= 5 && kindTokens.size >= 10, `found ${cats.size} categories, ${kindTokens.size} kinds`);
    assert.deepStrictEqual([...cats].filter((c) => !categoryIds.has(c)), [], 'cat- tokens without a category');
    assert.deepStrictEqual([...kindTokens].filter((k) => !kinds.has(k)), [], 'kind- tokens without a descriptor kind');
  });

  it('every mlDiskSpace.* context key a when-clause reads is set by the host', () => {
    const keys = new Set(whens.flatMap((w) => [...w.matchAll(/\b(mlDiskSpace\.[A-Za-z]+)\b(?!\.)/g)].map((m) => m[1])));
    const viewIds = new Set(Object.values(pkg.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
    const set = hostSources.join('\n');
    const unset = [...keys].filter((k) => !viewIds.has(k) && !set.includes(`'setContext', '${k}'`));
    assert.deepStrictEqual(unset, []);
  });
});
