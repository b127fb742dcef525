// Cache locations from the environment, per platform, as each tool decides them (docs/CACHES.md
// section 1). Pure functions; the pip rules are also checked against pip itself (`pip cache dir`).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  cacheLocations, condaLocations, expandHome, hfDatasetsCache, hfHome, hfHubCache, hfXetCache, pipCache, torchHome, uvCache,
} from '../../src/core/locations';

const HOME = '/home/ana';

describe('locations: Hugging Face', () => {
  it('defaults to ~/.cache/huggingface/hub', () => {
    assert.strictEqual(hfHubCache({}, HOME, 'linux'), '/home/ana/.cache/huggingface/hub');
    assert.strictEqual(hfHome({}, HOME, 'linux'), '/home/ana/.cache/huggingface');
    assert.strictEqual(hfDatasetsCache({}, HOME, 'linux'), '/home/ana/.cache/huggingface/datasets');
    assert.strictEqual(hfXetCache({}, HOME, 'linux'), '/home/ana/.cache/huggingface/xet');
  });

  it('HF_HUB_CACHE > HUGGINGFACE_HUB_CACHE > HF_HOME/hub > XDG_CACHE_HOME/huggingface/hub', () => {
    const all = { HF_HUB_CACHE: '/a/hub', HUGGINGFACE_HUB_CACHE: '/b/hub', HF_HOME: '/c', XDG_CACHE_HOME: '/d' };
    assert.strictEqual(hfHubCache(all, HOME, 'linux'), '/a/hub');
    assert.strictEqual(hfHubCache({ ...all, HF_HUB_CACHE: undefined }, HOME, 'linux'), '/b/hub');
    assert.strictEqual(hfHubCache({ HF_HOME: '/c', XDG_CACHE_HOME: '/d' }, HOME, 'linux'), '/c/hub');
    assert.strictEqual(hfHubCache({ XDG_CACHE_HOME: '/d' }, HOME, 'linux'), '/d/huggingface/hub');
  });

  it('datasets and xet caches follow HF_HOME unless set themselves', () => {
    assert.strictEqual(hfDatasetsCache({ HF_HOME: '/c' }, HOME, 'linux'), '/c/datasets');
    assert.strictEqual(hfDatasetsCache({ HF_HOME: '/c', HF_DATASETS_CACHE: '/e' }, HOME, 'linux'), '/e');
    assert.strictEqual(hfXetCache({ HF_HOME: '/c' }, HOME, 'linux'), '/c/xet');
    assert.strictEqual(hfXetCache({ HF_HOME: '/c', HF_XET_CACHE: '/f' }, HOME, 'linux'), '/f');
  });

  it('expands ~ and treats empty values as unset', () => {
    assert.strictEqual(hfHubCache({ HF_HOME: '~/hf' }, HOME, 'linux'), '/home/ana/hf/hub');
    assert.strictEqual(hfHubCache({ HF_HUB_CACHE: '', HF_HOME: '  ' }, HOME, 'linux'), '/home/ana/.cache/huggingface/hub');
    assert.strictEqual(expandHome('~', HOME, 'linux'), HOME);
    assert.strictEqual(expandHome('~other/x', HOME, 'linux'), '~other/x');
  });

  it('uses ~/.cache on Windows too, as huggingface_hub does', () => {
    assert.strictEqual(hfHubCache({}, 'C:\\Users\\ana', 'win32'), 'C:\\Users\\ana\\.cache\\huggingface\\hub');
  });
});

describe('locations: pip, uv, torch', () => {
  it('pip: PIP_CACHE_DIR, else the platform user cache dir', () => {
    assert.strictEqual(pipCache({ PIP_CACHE_DIR: '/p' }, HOME, 'linux'), '/p');
    assert.strictEqual(pipCache({}, HOME, 'linux'), '/home/ana/.cache/pip');
    assert.strictEqual(pipCache({ XDG_CACHE_HOME: '/x' }, HOME, 'linux'), '/x/pip');
    assert.strictEqual(pipCache({ XDG_CACHE_HOME: '/x' }, '/Users/ana', 'darwin'), '/Users/ana/Library/Caches/pip');
    assert.strictEqual(pipCache({ LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, 'C:\\Users\\ana', 'win32'), 'C:\\Users\\ana\\AppData\\Local\\pip\\Cache');
    assert.strictEqual(pipCache({}, 'C:\\Users\\ana', 'win32'), 'C:\\Users\\ana\\AppData\\Local\\pip\\Cache');
  });

  it('pip: agrees with `pip cache dir` on this machine', function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlds-loc-'));
    try {
      const base = { PATH: process.env.PATH ?? '', HOME: tmp, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
      const pipDir = (env: Record<string, string>) => execFileSync('python3', ['-m', 'pip', 'cache', 'dir'], { env, encoding: 'utf8' }).trim();
      const cases: Record<string, string>[] = [
        base,
        { ...base, XDG_CACHE_HOME: path.join(tmp, 'xdg') },
        { ...base, PIP_CACHE_DIR: path.join(tmp, 'custom-pip') },
      ];
      for (const env of cases) {
        fs.mkdirSync(pipCache(env, tmp, 'linux'), { recursive: true }); // pip cache dir needs the folder
        assert.strictEqual(pipCache(env, tmp, 'linux'), pipDir(env), JSON.stringify(env));
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('uv: UV_CACHE_DIR, else $XDG_CACHE_HOME/uv or ~/.cache/uv (also on macOS), %LOCALAPPDATA%\\uv\\cache on Windows', () => {
    assert.strictEqual(uvCache({ UV_CACHE_DIR: '/u' }, HOME, 'linux'), '/u');
    assert.strictEqual(uvCache({}, HOME, 'linux'), '/home/ana/.cache/uv');
    assert.strictEqual(uvCache({ XDG_CACHE_HOME: '/x' }, HOME, 'linux'), '/x/uv');
    assert.strictEqual(uvCache({}, '/Users/ana', 'darwin'), '/Users/ana/.cache/uv');
    assert.strictEqual(uvCache({ LOCALAPPDATA: 'D:\\Local' }, 'C:\\Users\\ana', 'win32'), 'D:\\Local\\uv\\cache');
  });

  it('torch: TORCH_HOME, else $XDG_CACHE_HOME/torch; the hub below it', () => {
    assert.strictEqual(torchHome({}, HOME, 'linux'), '/home/ana/.cache/torch');
    assert.strictEqual(torchHome({ XDG_CACHE_HOME: '/x' }, HOME, 'linux'), '/x/torch');
    assert.strictEqual(torchHome({ TORCH_HOME: '/t', XDG_CACHE_HOME: '/x' }, HOME, 'linux'), '/t');
    assert.strictEqual(cacheLocations({ TORCH_HOME: '/t' }, HOME, 'linux').torchHub, '/t/hub');
  });
});

describe('locations: conda', () => {
  it('lists install roots from the environment first, then the installers\' default folders', () => {
    const loc = condaLocations({
      CONDA_EXE: '/opt/conda/bin/conda',
      MAMBA_ROOT_PREFIX: '/srv/mamba',
      CONDA_PREFIX: '/opt/conda/envs/ml',
      CONDA_PREFIX_1: '/opt/conda',
    }, HOME, 'linux');
    assert.deepStrictEqual(loc.rootPrefixes.slice(0, 2), ['/srv/mamba', '/opt/conda']);
    for (const name of ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge', 'micromamba']) {
      assert.ok(loc.rootPrefixes.includes(`/home/ana/${name}`), name);
    }
    assert.ok(loc.rootPrefixes.includes('/home/ana/.local/share/mamba'));
    assert.strictEqual(loc.activePrefix, '/opt/conda/envs/ml');
    assert.strictEqual(loc.environmentsTxt, '/home/ana/.conda/environments.txt');
    assert.ok(loc.envsDirs.includes('/opt/conda/envs') && loc.envsDirs.includes('/home/ana/.conda/envs'));
    assert.ok(loc.pkgsDirs.includes('/opt/conda/pkgs') && loc.pkgsDirs.includes('/home/ana/.conda/pkgs'));
    assert.strictEqual(new Set(loc.rootPrefixes).size, loc.rootPrefixes.length, 'no duplicates');
  });

  it('reads CONDA_ENVS_PATH split on the path separator and CONDA_PKGS_DIRS split on commas', () => {
    const loc = condaLocations({ CONDA_ENVS_PATH: '/e1:/e2', CONDA_PKGS_DIRS: '/p1,/p2' }, HOME, 'linux');
    assert.deepStrictEqual(loc.envsDirs.slice(0, 2), ['/e1', '/e2']);
    assert.deepStrictEqual(loc.pkgsDirs.slice(0, 2), ['/p1', '/p2']);
    const win = condaLocations({ CONDA_ENVS_PATH: 'D:\\e1;D:\\e2', CONDA_PYTHON_EXE: 'C:\\mc3\\python.exe' }, 'C:\\Users\\ana', 'win32');
    assert.deepStrictEqual(win.envsDirs.slice(0, 2), ['D:\\e1', 'D:\\e2']);
    assert.strictEqual(win.rootPrefixes[0], 'C:\\mc3');
  });

  it('gathers everything in cacheLocations', () => {
    const loc = cacheLocations({ XDG_CACHE_HOME: '/x' }, HOME, 'linux');
    assert.strictEqual(loc.hfHubCache, '/x/huggingface/hub');
    assert.strictEqual(loc.pipCache, '/x/pip');
    assert.strictEqual(loc.uvCache, '/x/uv');
    assert.strictEqual(loc.torchHub, '/x/torch/hub');
    assert.ok(loc.conda.rootPrefixes.includes('/home/ana/miniconda3'));
  });
});
