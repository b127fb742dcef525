// Large cache trees for timing the cache scanners against du and @huggingface/hub's scanCacheDir
// (issue 6, "domain scanners"): a ~20k-file hub cache shaped like real diffusers/LLM repos and a
// ~100k-entry conda install whose envs hard-link from pkgs/. Small files, written without fsync:
// these trees measure walking speed, not sizes (the unit tests check sizes on small fixtures).
import * as fs from 'fs';
import * as path from 'path';
import { blobNameOf, commitOf } from './cacheFixtures';

function write(p: string, bytes: number): void {
  fs.writeFileSync(p, Buffer.alloc(bytes, 7));
}

export interface LargeHfCache {
  hubRoot: string;
  repos: number;
  /** Files, symlinks included (what `find -type f -o -type l` counts). */
  files: number;
}

/**
 * `repos` repos, each with `blobs` blobs and two revisions: main links every blob, an older
 * detached revision links 90% of them plus 10% of its own. `nested` puts the files in subfolders
 * of the snapshot (diffusers layout); flat puts them all at its top level (the only layout
 * @huggingface/hub's scanCacheDir reads completely).
 */
export function buildLargeHfCache(hubRoot: string, repos = 16, blobs = 400, nested = true): LargeHfCache {
  let files = 0;
  const own = Math.round(blobs / 10);
  for (let r = 0; r < repos; r++) {
    const repo = path.join(hubRoot, `models--bench--model-${r}`);
    const blobDir = path.join(repo, 'blobs');
    fs.mkdirSync(blobDir, { recursive: true });
    const names: string[] = [];
    for (let b = 0; b < blobs + own; b++) {
      const name = blobNameOf(`bench:${r}:${b}`);
      write(path.join(blobDir, name), 512 + (b % 8) * 1024);
      names.push(name);
      files++;
    }
    const revs: [string, number[], string | undefined][] = [
      ['main', [...Array(blobs).keys()], 'main'],
      ['old', [...[...Array(blobs).keys()].slice(own), ...Array.from({ length: own }, (_, i) => blobs + i)], undefined],
    ];
    for (const [key, indexes, ref] of revs) {
      const commit = commitOf(`bench:${r}:${key}`);
      const snap = path.join(repo, 'snapshots', commit);
      indexes.forEach((b, i) => {
        const folder = nested ? path.join(snap, `component_${i % 10}`, `part_${i % 3}`) : snap;
        fs.mkdirSync(folder, { recursive: true });
        const link = path.join(folder, `file_${i}.safetensors`);
        fs.symlinkSync(path.relative(folder, path.join(blobDir, names[b])), link);
        files++;
      });
      if (ref) {
        fs.mkdirSync(path.join(repo, 'refs'), { recursive: true });
        fs.writeFileSync(path.join(repo, 'refs', ref), commit);
        files++;
      }
    }
  }
  return { hubRoot, repos, files };
}

export interface LargeCondaRoot {
  root: string;
  /** Files and hard links (entries that are not folders). */
  files: number;
}

/**
 * A conda install: `packages` packages of `filesPerPackage` files in pkgs/, base linking the
 * first 80, env a the first 150, env b packages 100-219; each env also has 2000 files of its own.
 */
export function buildLargeCondaRoot(root: string, packages = 250, filesPerPackage = 160): LargeCondaRoot {
  let files = 0;
  const pkgs = path.join(root, 'pkgs');
  const pkgFiles = (p: number) => Array.from({ length: filesPerPackage }, (_, f) => path.join('lib', `mod_${p}`, `sub_${f % 8}`, `f_${f}.py`));
  for (let p = 0; p < packages; p++) {
    const dir = path.join(pkgs, `pkg${p}-1.0-0`);
    fs.mkdirSync(path.join(dir, 'info'), { recursive: true });
    write(path.join(dir, 'info', 'index.json'), 200);
    files++;
    for (const rel of pkgFiles(p)) {
      fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
      write(path.join(dir, rel), 300 + (p % 5) * 700);
      files++;
    }
    write(path.join(pkgs, `pkg${p}-1.0-0.conda`), 4096);
    files++;
  }
  const env = (prefix: string, from: number, to: number, ownFiles: number) => {
    fs.mkdirSync(path.join(prefix, 'conda-meta'), { recursive: true });
    write(path.join(prefix, 'conda-meta', 'python-3.11.5-h0_0.json'), 100);
    files++;
    for (let p = from; p < Math.min(to, packages); p++) {
      for (const rel of pkgFiles(p)) {
        fs.mkdirSync(path.join(prefix, path.dirname(rel)), { recursive: true });
        fs.linkSync(path.join(pkgs, `pkg${p}-1.0-0`, rel), path.join(prefix, rel));
        files++;
      }
    }
    for (let f = 0; f < ownFiles; f++) {
      const dir = path.join(prefix, 'share', `own_${f % 20}`);
      fs.mkdirSync(dir, { recursive: true });
      write(path.join(dir, `o_${f}.dat`), 1000);
      files++;
    }
  };
  env(root, 0, 80, 2000);
  fs.mkdirSync(path.join(root, 'condabin'), { recursive: true });
  env(path.join(root, 'envs', 'a'), 0, 150, 2000);
  env(path.join(root, 'envs', 'b'), 100, 220, 2000);
  return { root, files };
}
