// The CLI over the caches, run as users run it (the built dist/cli.js, a fake HOME holding a
// huggingface_hub 2.x cache): the human report names repos like `hf cache ls`, lists revisions
// with ids that can be typed back into `purge`, and says why sizes differ; `purge --yes --json`
// prints one JSON document and nothing else; a corrupted repo's warning does not say "skipped".
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildHfHub, buildSharedStoreHub, type SharedStoreFixture } from '../support/cacheFixtures';
import { scanCaches } from '../support/cacheScan';
import { tempFolder } from '../support/tempFolder';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

describe('CLI: caches', function () {
  this.timeout(120_000);
  let dir: string;
  let cleanup: () => void;
  let home: string;
  let fx: SharedStoreFixture;
  let env: Record<string, string>;
  beforeEach(() => {
    ({ dir, cleanup } = tempFolder('mlds-cli-caches-'));
    home = path.join(dir, 'home');
    fx = buildSharedStoreHub(path.join(home, '.cache', 'huggingface', 'hub'));
    env = { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: path.join(home, '.cache') };
    fs.mkdirSync(path.join(dir, 'work'));
  });
  afterEach(() => cleanup());

  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd: path.join(dir, 'work'), timeout: 100_000 });

  it('scan: repos as model/org/name, revisions with refs and ids purge accepts, and why sizes differ from hf cache ls', () => {
    const r = cli('scan', '--no-docker', '--top', '50');
    assert.strictEqual(r.status, 0, r.stderr);
    const tiny = fx.repos['acme/tiny-diffusion'];
    assert.match(r.stdout, /  model\/acme\/tiny-diffusion /);
    for (const rev of Object.values(tiny.revisions)) {
      const refs = rev.refs.length ? rev.refs.join(', ') : '(detached)';
      assert.ok(r.stdout.includes(`${refs.padEnd(14)} ${rev.commit.slice(0, 8)}  purge huggingface:model/acme/tiny-diffusion@${rev.commit.slice(0, 8)}`), `revision line for ${refs}:\n${r.stdout}`);
    }
    assert.match(r.stdout, /why: .* shared with other repos is counted once/);
    assert.match(r.stdout, /why: we count disk blocks like du/);
  });

  it('purge <repo>@<short commit> --yes --json: stdout is one JSON document, and the revision is gone', () => {
    const tiny = fx.repos['acme/tiny-diffusion'];
    const pr = tiny.revisions.pr.commit;
    const r = cli('purge', `huggingface:model/acme/tiny-diffusion@${pr.slice(0, 8)}`, '--yes', '--json');
    assert.strictEqual(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { outcomes: { path: string; status: string }[] };
    assert.ok(report.outcomes.some((o) => o.path === path.join(tiny.path, 'snapshots', pr) && o.status === 'deleted'));
    assert.ok(!fs.existsSync(path.join(tiny.path, 'snapshots', pr)));
    assert.ok(!fs.existsSync(fx.payloads.prWeights.path), 'the payload only the PR used is freed');
    // By ref name too, without --yes: the plan only.
    const byRef = cli('purge', 'huggingface:acme/tiny-diffusion@main', '--json');
    assert.strictEqual(byRef.status, 0, byRef.stderr);
    assert.ok(JSON.parse(byRef.stdout).delete.some((d: { path: string }) => d.path.endsWith(tiny.revisions.main.commit)));
    const unknown = cli('purge', 'huggingface:model/acme/nope@main');
    assert.strictEqual(unknown.status, 2);
    assert.match(unknown.stderr, /no Hugging Face repo named model\/acme\/nope/);
  });

  it('a corrupted repo is listed, and its warning says so instead of "skipped"', async () => {
    const hub = buildHfHub(path.join(dir, 'classic-hub'), path.join(dir, 'outside'));
    const model = await scanCaches({ HOME: home, HF_HUB_CACHE: hub.hubRoot }, ['huggingface']);
    const warnings = model.warnings.filter((w) => hub.corrupt.some((c) => w.message.startsWith(c.path)));
    assert.strictEqual(warnings.length, hub.corrupt.length);
    for (const w of warnings) {
      assert.doesNotMatch(w.message, /skipped/);
      assert.match(w.message, /listed with its size/);
    }
  });
});
