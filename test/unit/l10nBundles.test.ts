// Every user-facing string has its Korean translation: each t('…') / vscode.l10n.t('…') text of
// src/ is a key of l10n/bundle.l10n.ko.json, each %key% of package.json is in package.nls.json and
// package.nls.ko.json, placeholders match, no bundle keeps keys nothing uses. And the built CLI
// follows LANG: Korean for ko_KR.UTF-8, English for C.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COUNT_NOUNS } from '../../src/core/countNouns';
import { formatBytes } from '../../src/core/format';
import { manifestKeys, placeholders, scanSources } from '../support/l10nSources';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const readJson = (rel: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8')) as Record<string, unknown>;
/** The translator bridge itself passes its argument on; it is not a string of ours. */
const BRIDGES = new Set([path.join('src', 'host', 'l10n.ts')]);
const HANGUL = /[\uac00-\ud7a3]/;

function missingAndStale(used: Iterable<string>, bundle: Record<string, unknown>): { missing: string[]; stale: string[] } {
  const usedSet = new Set(used);
  return {
    missing: [...usedSet].filter((k) => !Object.prototype.hasOwnProperty.call(bundle, k)).sort(),
    stale: Object.keys(bundle).filter((k) => !usedSet.has(k)).sort(),
  };
}

function placeholderMismatches(english: (key: string) => string, bundle: Record<string, unknown>): string[] {
  return Object.entries(bundle)
    .filter(([key, value]) => typeof value !== 'string' || placeholders(english(key)).join() !== placeholders(value).join())
    .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`);
}

describe('Localization bundles', () => {
  const scan = scanSources(path.join(ROOT, 'src'), ROOT);
  const strings = scan.strings.filter((s) => !BRIDGES.has(s.file));
  const problems = scan.problems.filter((p) => !BRIDGES.has(p.split(':')[0]));
  const ko = readJson('l10n/bundle.l10n.ko.json');

  it('finds the translated strings of the sources (the scan itself works)', () => {
    // A floor, not a count: the parser must see the calls in core, host and CLI alike.
    for (const layer of ['core', 'host', 'cli']) {
      const n = strings.filter((s) => s.file.startsWith(path.join('src', layer) + path.sep)).length;
      assert.ok(n >= 20, `only ${n} translated strings found under src/${layer}`);
    }
  });

  it('every t() / vscode.l10n.t() call has a literal text and runs after the translator is installed', () => {
    assert.deepStrictEqual(problems, []);
  });

  it('every call passes a value for each placeholder of its text', () => {
    const short = strings.filter((s) => s.argCount !== undefined && placeholders(s.key).some((p) => Number(p.slice(1, -1)) >= s.argCount!));
    assert.deepStrictEqual(short.map((s) => `${s.file}:${s.line}: ${s.key}`), []);
  });

  it('every noun the sources count (formatCount, a group\'s noun) is a translatable pair of COUNT_NOUNS', () => {
    const nouns = new Set<string>();
    const visit = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) visit(p);
        else if (p.endsWith('.ts')) for (const m of fs.readFileSync(p, 'utf8').matchAll(/formatCount\([^,()]+(?:\([^()]*\))?, '([^']+)'\)|\bnoun: '([^']+)'/g)) nouns.add(m[1] ?? m[2]);
      }
    };
    visit(path.join(ROOT, 'src'));
    assert.ok(nouns.size >= 10, `only ${nouns.size} counted nouns found: the scan itself is broken`);
    assert.deepStrictEqual([...nouns].filter((n) => !(n in COUNT_NOUNS)).sort(), [], 'these counts stay English in Korean');
  });

  it('l10n/bundle.l10n.ko.json has every string of the sources and nothing else', () => {
    const { missing, stale } = missingAndStale(strings.map((s) => s.key), ko);
    assert.deepStrictEqual(missing, [], `${missing.length} strings have no Korean translation`);
    assert.deepStrictEqual(stale, [], `${stale.length} keys of the Korean bundle are used nowhere`);
  });

  it('the Korean bundle keeps the placeholders of each English text, and is Korean', () => {
    assert.deepStrictEqual(placeholderMismatches((k) => k, ko), []);
    // Names ("Docker", "torch hub", file and field names) stay as they are; everything else is written in Korean.
    const names = new Set(['trainer_state.json best_model_checkpoint', 'trainer_state.json best_global_step', 'torch hub', 'lfs quota {0}: {1}', 'ML Disk Space: {0}']);
    const notKorean = Object.entries(ko).filter(([key, value]) => !names.has(key) && !HANGUL.test(String(value)) && /[a-z]{3,} [a-z]{3,}/i.test(key));
    assert.deepStrictEqual(notKorean.map(([k]) => k), []);
  });

  it('package.json contributes only %key% texts, each in package.nls.json and package.nls.ko.json', () => {
    const manifest = readJson('package.json') as { contributes: Record<string, unknown> };
    const nls = readJson('package.nls.json');
    const nlsKo = readJson('package.nls.ko.json');
    const c = manifest.contributes as {
      commands: { command: string; title: string; category?: string }[];
      views: Record<string, { name: string }[]>;
      viewsContainers: Record<string, { title: string }[]>;
      viewsWelcome: { contents: string }[];
      configuration: { title: string; properties: Record<string, Record<string, unknown>> }[];
    };
    const texts: [string, unknown][] = [
      ...c.commands.flatMap((x) => [[`${x.command} title`, x.title], [`${x.command} category`, x.category]] as [string, unknown][]),
      ...Object.values(c.views).flat().map((v) => ['view name', v.name] as [string, unknown]),
      ...Object.values(c.viewsContainers).flat().map((v) => ['view container title', v.title] as [string, unknown]),
      ...c.viewsWelcome.map((w) => ['welcome', w.contents] as [string, unknown]),
      ...c.configuration.flatMap((cc) => [
        ['configuration title', cc.title] as [string, unknown],
        ...Object.entries(cc.properties).flatMap(([id, p]) => ['description', 'markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions']
          .filter((f) => p[f] !== undefined).flatMap((f) => ([] as unknown[]).concat(p[f]).map((v) => [`${id} ${f}`, v] as [string, unknown]))),
      ]),
    ];
    const literal = texts.filter(([, v]) => typeof v !== 'string' || !/^%[^%\s]+%$/.test(v));
    assert.deepStrictEqual(literal.map(([where, v]) => `${where}: ${JSON.stringify(v)}`), []);
    const keys = manifestKeys(manifest);
    for (const [name, bundle] of [['package.nls.json', nls], ['package.nls.ko.json', nlsKo]] as const) {
      const { missing, stale } = missingAndStale(keys, bundle);
      assert.deepStrictEqual(missing, [], `${name} lacks keys`);
      assert.deepStrictEqual(stale, [], `${name} has keys package.json does not use`);
    }
    assert.deepStrictEqual(placeholderMismatches((k) => String(nls[k]), nlsKo), []);
    // Every command link of the welcome texts survives translation (a lost link is a dead button).
    for (const key of Object.keys(nls).filter((k) => k.startsWith('viewsWelcome.'))) {
      const links = (s: unknown): string[] => [...String(s).matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]);
      assert.deepStrictEqual(links(nlsKo[key]), links(nls[key]), key);
    }
  });
});

describe('CLI language', () => {
  const CLI = path.join(ROOT, 'dist', 'cli.js');
  const ko = readJson('l10n/bundle.l10n.ko.json') as Record<string, string>;
  const run = (lang: Record<string, string>, ...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: '', ...lang };
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env });
    assert.strictEqual(r.status, 0, `${JSON.stringify(lang)} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    return r.stdout;
  };
  const scanUsage = scanSources(path.join(ROOT, 'src', 'cli'), ROOT).strings.find((s) => s.key.trimStart().startsWith('ml-disk-space scan '))!.key;

  it('scan --help is Korean under LANG=ko_KR.UTF-8 and English under LANG=C', () => {
    assert.ok(scanUsage, 'the scan usage text is not a translated string');
    const korean = run({ LANG: 'ko_KR.UTF-8' }, 'scan', '--help');
    assert.ok(korean.includes(ko[scanUsage]), korean);
    assert.match(korean, HANGUL);
    const english = run({ LANG: 'C' }, 'scan', '--help');
    assert.ok(english.includes(scanUsage), english);
    assert.doesNotMatch(english, HANGUL);
  });

  it('LC_ALL wins over LANG, LC_MESSAGES too', () => {
    assert.doesNotMatch(run({ LANG: 'ko_KR.UTF-8', LC_ALL: 'C' }, 'scan', '--help'), HANGUL);
    assert.match(run({ LANG: 'C', LC_MESSAGES: 'ko_KR.UTF-8' }, 'scan', '--help'), HANGUL);
  });

  it('a scan report of a small folder is Korean under ko, with the same sizes as under C', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-l10n-'));
    try {
      fs.writeFileSync(path.join(dir, 'model.safetensors'), Buffer.alloc(3_000_000, 1));
      // An empty HOME: only this folder is scanned, not the machine's caches.
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-l10n-home-'));
      const env = { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
      const english = run({ ...env, LANG: 'C' }, 'scan', dir, '--no-docker');
      const korean = run({ ...env, LANG: 'ko_KR.UTF-8' }, 'scan', dir, '--no-docker');
      assert.match(korean, HANGUL);
      assert.doesNotMatch(english, HANGUL);
      // The folder's own size, as du gives it, appears as often in both (the disk's free space is
      // left out: other work on the machine changes it between the two scans).
      const own = formatBytes(Number(spawnSync('du', ['-sB1', dir], { encoding: 'utf8' }).stdout.split('\t')[0]));
      const count = (s: string) => s.split(own).length - 1;
      assert.ok(count(english) > 0, `${own} not in:\n${english}`);
      assert.strictEqual(count(korean), count(english), korean);
      assert.ok(korean.includes(ko['Large workspace items']), korean);
      fs.rmSync(home, { recursive: true, force: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
