// pkgs_dirs from .condarc: a package cache the user moved (to a data disk, say) is found like the
// default ones, in conda's order; a broken .condarc is a named problem, never a failed scan.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { condarcPkgsDirs } from '../../src/core/categories/conda/condarc';
import { discoverConda } from '../../src/core/categories/conda/discover';
import { tempFolder } from '../support/tempFolder';


describe('conda: pkgs_dirs from .condarc', () => {
  let dir: string;
  let home: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempFolder('mlds-condarc-'));
    home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.config', 'conda'), { recursive: true });
  });
  afterEach(() => cleanup());

  it('reads ~/.condarc, ~/.config/conda/condarc and $CONDARC, expands ~ and $VAR, later files first', () => {
    fs.writeFileSync(path.join(home, '.config', 'conda', 'condarc'), 'pkgs_dirs:\n  - /xdg/pkgs\n');
    fs.writeFileSync(path.join(home, '.condarc'), 'channels: [conda-forge]\npkgs_dirs:\n  - ~/data/conda-pkgs\n  - ${DATA}/pkgs2\n  - $DATA/pkgs3\n');
    const explicit = path.join(dir, 'explicit.condarc');
    fs.writeFileSync(explicit, 'pkgs_dirs: [/explicit/pkgs]\n');
    const r = condarcPkgsDirs({ DATA: '/mnt/data', CONDARC: explicit }, home);
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(r.pkgsDirs, ['/explicit/pkgs', path.join(home, 'data', 'conda-pkgs'), '/mnt/data/pkgs2', '/mnt/data/pkgs3', '/xdg/pkgs']);
  });

  it('a malformed file, a non-list pkgs_dirs and a FIFO are named problems; the rest still counts', () => {
    fs.writeFileSync(path.join(home, '.condarc'), 'pkgs_dirs: [unclosed\n');
    fs.writeFileSync(path.join(home, '.config', 'conda', '.condarc'), 'pkgs_dirs: /not/a/list\n');
    fs.mkdirSync(path.join(home, '.conda'));
    fs.writeFileSync(path.join(home, '.conda', 'condarc'), 'pkgs_dirs:\n  - /still/read\n');
    const fifo = path.join(dir, 'fifo.condarc');
    execFileSync('mkfifo', [fifo]);
    const r = condarcPkgsDirs({ CONDARC: fifo }, home);
    assert.deepStrictEqual(r.pkgsDirs, ['/still/read']);
    const named = r.problems.map((p) => p.path).sort();
    assert.deepStrictEqual(named, [fifo, path.join(home, '.condarc'), path.join(home, '.config', 'conda', '.condarc')].sort());
    assert.ok(r.problems.every((p) => p.message.length > 0));
  });

  it('discoverConda finds a package cache that only .condarc names', async () => {
    const moved = path.join(dir, 'data-disk', 'conda-pkgs');
    fs.mkdirSync(path.join(moved, 'numpy-1.26.4-py311_0', 'info'), { recursive: true });
    fs.writeFileSync(path.join(moved, 'numpy-1.26.4-py311_0.conda'), Buffer.alloc(4096, 1));
    fs.writeFileSync(path.join(home, '.condarc'), `pkgs_dirs:\n  - ${moved}\n`);
    const found = await discoverConda({}, home, 'linux');
    assert.ok(found.pkgsDirs.includes(fs.realpathSync(moved)), `pkgs dirs: ${found.pkgsDirs.join(', ')}`);
    assert.deepStrictEqual(found.problems, []);
  });
});
