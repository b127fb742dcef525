// Real ML caches on disk for the cache tests (unit and extension host): a fake HOME holding a
// Hugging Face hub cache (shared blobs, nested snapshot folders, nested refs, a detached revision,
// `.incomplete` blobs, every corruption kind of docs/CACHES.md), a datasets and a xet cache, a conda
// install (envs hard-linked from pkgs/, tarballs, an unused package, an env registered only in
// environments.txt), a pip cache, a uv cache with a venv hard-linked from it, and a torch hub.
//
// Data files hold random bytes in sizes that are multiples of 4096, so their disk usage equals
// their size on the usual filesystems; folders, symlinks and small text files are measured by
// the tests themselves (lstat blocks), never taken from the code under test. Each builder
// returns what should be found, computed here from what it wrote.
//
// No `vscode` import: the integration runner (plain Node) and the unit tests both load it.
// `mlCaches` has the FixturePart signature of test/integration/fixture.ts.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { setTreeTimes } from './checkpointFixtures';
import { writeRealFile, writeTextFile, type FixtureBuilder } from '../integration/fixture';

export const KiB = 1024;
const DAY = 24 * 3600_000;

/** A 40-hex commit hash derived from a label (stable across runs). */
export function commitOf(label: string): string {
  return crypto.createHash('sha1').update(`commit:${label}`).digest('hex');
}

/** A 64-hex blob name (LFS blobs are named by their sha256) derived from a label. */
export function blobNameOf(label: string): string {
  return crypto.createHash('sha256').update(`blob:${label}`).digest('hex');
}

function setTimes(p: string, ms: number, atimeMs = ms): void {
  fs.utimesSync(p, new Date(atimeMs), new Date(ms));
}

// ---- Hugging Face hub -----------------------------------------------------------------------

export interface HfRevisionSpec {
  commit: string;
  /** Ref names pointing at it ('main', 'refs/pr/1'); empty = detached. */
  refs: string[];
  /** Snapshot path (may be nested) -> blob label. */
  files: Record<string, string>;
}

export interface HfRepoFixture {
  path: string;
  folderName: string;
  repoType: 'model' | 'dataset' | 'space';
  repoId: string;
  revisions: Record<string, HfRevisionSpec>;
  /** Blob label -> name in blobs/ and bytes written. */
  blobs: Record<string, { name: string; path: string; bytes: number }>;
  /** Labels of `.incomplete` and unreferenced blobs. */
  incomplete: string[];
  unreferenced: string[];
}

export interface HfRepoSpec {
  repoType: 'model' | 'dataset' | 'space';
  repoId: string;
  /** Blob label -> size in bytes (multiple of 4096). */
  blobs: Record<string, number>;
  revisions: Record<string, { refs: string[]; files: Record<string, string> }>;
  incomplete?: Record<string, number>;
  unreferenced?: Record<string, number>;
  /** ms: blob mtimes/atimes (default two days ago); per-label overrides. */
  times?: { default?: number; atime?: Record<string, number>; mtime?: Record<string, number> };
  /** Write ref files with a trailing newline. */
  refNewline?: boolean;
}

/** Writes one repo of the hub cache with real relative symlinks from snapshots into blobs/. */
export function writeHfRepo(hubRoot: string, spec: HfRepoSpec, now = Date.now()): HfRepoFixture {
  const folderName = `${spec.repoType}s--${spec.repoId.split('/').join('--')}`;
  const repo = path.join(hubRoot, folderName);
  const blobs: HfRepoFixture['blobs'] = {};
  const old = spec.times?.default ?? now - 2 * DAY;
  const writeBlob = (label: string, bytes: number, suffix = '') => {
    const name = blobNameOf(`${spec.repoId}:${label}`) + suffix;
    const p = writeRealFile(path.join(repo, 'blobs', name), bytes);
    blobs[label] = { name, path: p, bytes };
  };
  for (const [label, bytes] of Object.entries(spec.blobs)) writeBlob(label, bytes);
  for (const [label, bytes] of Object.entries(spec.incomplete ?? {})) writeBlob(label, bytes, '.incomplete');
  for (const [label, bytes] of Object.entries(spec.unreferenced ?? {})) writeBlob(label, bytes);
  const revisions: HfRepoFixture['revisions'] = {};
  for (const [key, rev] of Object.entries(spec.revisions)) {
    const commit = commitOf(`${spec.repoId}:${key}`);
    const snapshot = path.join(repo, 'snapshots', commit);
    fs.mkdirSync(snapshot, { recursive: true });
    for (const [rel, label] of Object.entries(rev.files)) {
      const link = path.join(snapshot, ...rel.split('/'));
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.relative(path.dirname(link), path.join(repo, 'blobs', blobs[label].name)), link);
    }
    for (const ref of rev.refs) writeTextFile(path.join(repo, 'refs', ...ref.split('/')), commit + (spec.refNewline ? '\n' : ''));
    revisions[key] = { commit, refs: rev.refs, files: rev.files };
  }
  for (const [label, b] of Object.entries(blobs)) {
    setTimes(b.path, spec.times?.mtime?.[label] ?? old, spec.times?.atime?.[label] ?? spec.times?.mtime?.[label] ?? old);
  }
  return {
    path: repo, folderName, repoType: spec.repoType, repoId: spec.repoId, revisions, blobs,
    incomplete: Object.keys(spec.incomplete ?? {}), unreferenced: Object.keys(spec.unreferenced ?? {}),
  };
}

export interface HfCorruptRepo {
  path: string;
  /** The warning code the scan must report. */
  code: string;
  /** Blob files inside (they still count in the category total). */
  blobBytes: number;
}

export interface HfHubFixture {
  hubRoot: string;
  /** Two revisions sharing blobs + a detached one, nested folders, refs/pr/1, an old .incomplete and an unreferenced blob. */
  vision: HfRepoFixture;
  /** A dataset with nested data folders and a snapshot symlink pointing outside the cache. */
  corpus: HfRepoFixture;
  /** A space whose only revision is detached (downloaded by commit): prune takes the whole repo. */
  demo: HfRepoFixture;
  /** Refs written with a trailing newline. */
  newline: HfRepoFixture;
  /** Only a detached revision and a fresh .incomplete: a download may be in progress; prune keeps it. */
  downloading: HfRepoFixture;
  corrupt: HfCorruptRepo[];
  /** A file outside the cache that a snapshot symlink points to: must never be counted nor deleted. */
  outsideTarget: string;
  /** Not a repo: a folder whose name has no "--". */
  notARepo: string;
}

export function buildHfHub(hubRoot: string, outsideDir: string, now = Date.now()): HfHubFixture {
  fs.mkdirSync(hubRoot, { recursive: true });
  const vision = writeHfRepo(hubRoot, {
    repoType: 'model', repoId: 'acme/vision-7b',
    blobs: { cfg: 4 * KiB, w1: 16 * KiB, w2: 12 * KiB, unet: 8 * KiB, tok: 4 * KiB },
    revisions: {
      main: { refs: ['main'], files: { 'config.json': 'cfg', 'config_copy.json': 'cfg', 'model.safetensors': 'w1', 'unet/diffusion_pytorch_model.safetensors': 'unet' } },
      pr1: { refs: ['refs/pr/1'], files: { 'config.json': 'cfg', 'model.safetensors': 'w2', 'unet/diffusion_pytorch_model.safetensors': 'unet' } },
      old: { refs: [], files: { 'config.json': 'cfg', 'model.safetensors': 'w1', 'tokenizer/vocab/tokenizer.json': 'tok' } },
    },
    incomplete: { partial: 8 * KiB },
    unreferenced: { orphan: 4 * KiB },
    times: { atime: { w2: now - 1 * DAY }, mtime: { w1: now - 3 * DAY } },
  }, now);
  const outsideTarget = writeRealFile(path.join(outsideDir, 'precious.bin'), 4 * KiB);
  const corpus = writeHfRepo(hubRoot, {
    repoType: 'dataset', repoId: 'acme/corpus',
    blobs: { p0: 20 * KiB, p1: 20 * KiB, readme: 4 * KiB },
    revisions: { main: { refs: ['main'], files: { 'data/train/part-00000.parquet': 'p0', 'data/train/part-00001.parquet': 'p1', 'README.md': 'readme' } } },
  }, now);
  fs.symlinkSync(outsideTarget, path.join(corpus.path, 'snapshots', corpus.revisions.main.commit, 'data', 'extern.bin'));
  const demo = writeHfRepo(hubRoot, {
    repoType: 'space', repoId: 'someone/demo',
    blobs: { app: 4 * KiB },
    revisions: { pinned: { refs: [], files: { 'app.py': 'app' } } },
  }, now);
  const newline = writeHfRepo(hubRoot, {
    repoType: 'model', repoId: 'acme/newline-ref',
    blobs: { cfg: 4 * KiB },
    revisions: { main: { refs: ['main'], files: { 'config.json': 'cfg' } } },
    refNewline: true,
  }, now);
  const downloading = writeHfRepo(hubRoot, {
    repoType: 'model', repoId: 'acme/downloading',
    blobs: { cfg: 4 * KiB },
    revisions: { pinned: { refs: [], files: { 'config.json': 'cfg' } } },
    incomplete: { part: 12 * KiB },
    times: { mtime: { part: now - 60_000 } },
  }, now);

  const corrupt: HfCorruptRepo[] = [];
  const broken = (name: string, code: string, build: (repo: string) => number) => {
    const repo = path.join(hubRoot, `models--broken--${name}`);
    fs.mkdirSync(repo, { recursive: true });
    corrupt.push({ path: repo, code, blobBytes: build(repo) });
  };
  broken('no-snapshots', 'hf-no-snapshots', (repo) => {
    writeRealFile(path.join(repo, 'blobs', blobNameOf('ns')), 8 * KiB);
    writeTextFile(path.join(repo, 'refs', 'main'), commitOf('ns'));
    return 8 * KiB;
  });
  broken('file-in-snapshots', 'hf-file-in-snapshots', (repo) => {
    writeRealFile(path.join(repo, 'blobs', blobNameOf('fs')), 4 * KiB);
    writeTextFile(path.join(repo, 'snapshots', 'README'), 'not a revision folder');
    return 4 * KiB;
  });
  broken('dangling', 'hf-broken-symlink', (repo) => {
    writeRealFile(path.join(repo, 'blobs', blobNameOf('dg')), 4 * KiB);
    const snap = path.join(repo, 'snapshots', commitOf('dg'));
    fs.mkdirSync(snap, { recursive: true });
    fs.symlinkSync(path.join('..', '..', 'blobs', blobNameOf('dg-missing')), path.join(snap, 'model.bin'));
    writeTextFile(path.join(repo, 'refs', 'main'), commitOf('dg'));
    return 4 * KiB;
  });
  broken('missing-commit', 'hf-missing-commit', (repo) => {
    writeRealFile(path.join(repo, 'blobs', blobNameOf('mc')), 4 * KiB);
    const snap = path.join(repo, 'snapshots', commitOf('mc'));
    fs.mkdirSync(snap, { recursive: true });
    fs.symlinkSync(path.join('..', '..', 'blobs', blobNameOf('mc')), path.join(snap, 'config.json'));
    writeTextFile(path.join(repo, 'refs', 'main'), commitOf('mc-gone'));
    return 4 * KiB;
  });
  broken('outside-ref', 'hf-missing-commit', (repo) => {
    // A ref whose content is a path: it must never be used as one.
    fs.mkdirSync(path.join(repo, 'snapshots'), { recursive: true });
    writeTextFile(path.join(repo, 'refs', 'main'), '../../../..');
    return 0;
  });
  broken('refs-file', 'hf-refs-not-folder', (repo) => {
    fs.mkdirSync(path.join(repo, 'snapshots'), { recursive: true });
    writeTextFile(path.join(repo, 'refs'), 'main');
    return 0;
  });
  const notARepo = path.join(hubRoot, 'not-a-repo');
  writeRealFile(path.join(notARepo, 'stray.bin'), 4 * KiB);
  writeTextFile(path.join(hubRoot, '.locks', vision.folderName, `${vision.blobs.w1.name}.lock`), '');
  return { hubRoot, vision, corpus, demo, newline, downloading, corrupt, outsideTarget, notARepo };
}

export interface HfDatasetsFixture {
  root: string;
  downloads: string;
  extracted: string;
  /** Files directly in downloads/ (not in extracted/) and their bytes. */
  downloadFiles: { path: string; bytes: number }[];
  extractedBytes: number;
  datasetFolder: string;
  datasetBytes: number;
}

export function buildHfDatasets(root: string): HfDatasetsFixture {
  const downloads = path.join(root, 'downloads');
  const extracted = path.join(downloads, 'extracted');
  const h1 = blobNameOf('dl1');
  const downloadFiles = [
    { path: writeRealFile(path.join(downloads, h1), 8 * KiB), bytes: 8 * KiB },
    { path: writeRealFile(path.join(downloads, `${h1}.json`), 4 * KiB), bytes: 4 * KiB },
  ];
  writeRealFile(path.join(extracted, blobNameOf('ex1'), 'train.csv'), 12 * KiB);
  const datasetFolder = path.join(root, 'acme___corpus');
  writeRealFile(path.join(datasetFolder, 'default', '0.0.0', commitOf('ds'), 'corpus-train.arrow'), 16 * KiB);
  return { root, downloads, extracted, downloadFiles, extractedBytes: 12 * KiB, datasetFolder, datasetBytes: 16 * KiB };
}

export interface HfXetFixture {
  root: string;
  endpoint: string;
  chunkBytes: number;
  shardBytes: number;
}

export function buildHfXet(root: string): HfXetFixture {
  const endpoint = path.join(root, 'https___cas.example.org_abc123');
  writeRealFile(path.join(endpoint, 'chunk-cache', 'ab', blobNameOf('c1')), 8 * KiB);
  writeRealFile(path.join(endpoint, 'chunk-cache', 'cd', blobNameOf('c2')), 8 * KiB);
  writeRealFile(path.join(endpoint, 'shard-cache', `${blobNameOf('s1')}.mdb`), 4 * KiB);
  return { root, endpoint, chunkBytes: 16 * KiB, shardBytes: 4 * KiB };
}

// ---- conda ------------------------------------------------------------------------------------

export interface CondaPackageFixture {
  name: string;
  path: string;
  /** Data files written (relative path -> bytes), info/index.json excluded. */
  files: Record<string, number>;
}

export interface CondaFixture {
  /** ~/miniconda3: the base env and install root. */
  root: string;
  pkgs: string;
  envs: { base: string; ml: string; web: string; external: string };
  packages: { python: CondaPackageFixture; numpy: CondaPackageFixture; requests: CondaPackageFixture; oldpkg: CondaPackageFixture };
  /** A folder in pkgs/ without info/: not a package. */
  notAPackage: string;
  tarballs: { path: string; bytes: number }[];
  /** `*.tar.bz2.part`: not cleaned by conda >= 26.1. */
  oldPart: string;
  /** Files only the env has (not linked from pkgs/): relative path -> bytes. */
  ownFiles: { ml: Record<string, number>; web: Record<string, number>; external: Record<string, number> };
  environmentsTxt: string;
  /** Python versions conda-meta says. */
  python: { base: string; ml: string; web: string };
}

function writePackage(pkgs: string, name: string, files: Record<string, number>): CondaPackageFixture {
  const dir = path.join(pkgs, name);
  writeTextFile(path.join(dir, 'info', 'index.json'), JSON.stringify({ name: name.split('-')[0] }));
  for (const [rel, bytes] of Object.entries(files)) writeRealFile(path.join(dir, ...rel.split('/')), bytes);
  return { name, path: dir, files };
}

/** Hard-links every data file of a package into an env, like conda's default link type. */
function linkPackage(pkg: CondaPackageFixture, prefix: string): void {
  for (const rel of Object.keys(pkg.files)) {
    const dest = path.join(prefix, ...rel.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.linkSync(path.join(pkg.path, ...rel.split('/')), dest);
  }
}

function condaMeta(prefix: string, records: string[]): void {
  for (const r of records) writeTextFile(path.join(prefix, 'conda-meta', `${r}.json`), JSON.stringify({ name: r.split('-')[0], version: r.split('-')[1] }));
  writeTextFile(path.join(prefix, 'conda-meta', 'history'), '==> 2024-01-01 00:00:00 <==\n');
}

export function buildConda(home: string, outsideDir: string): CondaFixture {
  const root = path.join(home, 'miniconda3');
  const pkgs = path.join(root, 'pkgs');
  const python = writePackage(pkgs, 'python-3.11.5-h955ad1f_0', { 'bin/python3.11': 16 * KiB, 'lib/libpython3.11.so': 8 * KiB });
  const numpy = writePackage(pkgs, 'numpy-1.26.0-py311_0', { 'lib/python3.11/site-packages/numpy/core.so': 20 * KiB, 'lib/python3.11/site-packages/numpy/__init__.py': 4 * KiB });
  const requests = writePackage(pkgs, 'requests-2.31.0-pyhd8ed1ab_0', { 'lib/python3.11/site-packages/requests/api.py': 4 * KiB });
  const oldpkg = writePackage(pkgs, 'oldpkg-0.1-0', { 'lib/oldpkg.so': 12 * KiB });
  const notAPackage = path.join(pkgs, 'cache');
  writeRealFile(path.join(notAPackage, 'repodata.json'), 8 * KiB);
  writeTextFile(path.join(pkgs, 'urls.txt'), 'https://repo.anaconda.com/pkgs/main/linux-64/oldpkg-0.1-0.tar.bz2\n');
  const tarballs = [
    { path: writeRealFile(path.join(pkgs, 'python-3.11.5-h955ad1f_0.conda'), 8 * KiB), bytes: 8 * KiB },
    { path: writeRealFile(path.join(pkgs, 'numpy-1.26.0-py311_0.tar.bz2'), 12 * KiB), bytes: 12 * KiB },
    { path: writeRealFile(path.join(pkgs, 'oldpkg-0.1-0.tar.bz2'), 4 * KiB), bytes: 4 * KiB },
    // conda >= 26.1's downloader leftover: cleaned with the tarballs.
    { path: writeRealFile(path.join(pkgs, 'requests-2.31.0-pyhd8ed1ab_0.conda.partial'), 4 * KiB), bytes: 4 * KiB },
  ];
  // The older `.part` name: conda 26 no longer cleans it, so neither do we.
  const oldPart = writeRealFile(path.join(pkgs, 'numpy-1.26.0-py311_0.tar.bz2.part'), 4 * KiB);

  // base: python linked from pkgs, plus conda's own launcher folder.
  condaMeta(root, ['python-3.11.5-h955ad1f_0', 'conda-23.9.0-py311_0']);
  linkPackage(python, root);
  writeTextFile(path.join(root, 'condabin', 'conda'), '#!/bin/sh\n');

  const ml = path.join(root, 'envs', 'ml');
  condaMeta(ml, ['python-3.11.5-h955ad1f_0', 'numpy-1.26.0-py311_0', 'python_abi-3.11-2_cp311', 'python-dateutil-2.8.2-pyhd8ed1ab_0']);
  linkPackage(python, ml);
  linkPackage(numpy, ml);
  const mlOwn = { 'lib/python3.11/site-packages/mylib/model.bin': 24 * KiB };
  for (const [rel, bytes] of Object.entries(mlOwn)) writeRealFile(path.join(ml, ...rel.split('/')), bytes);

  const web = path.join(root, 'envs', 'web');
  condaMeta(web, ['python-3.10.12-h955ad1f_0', 'requests-2.31.0-pyhd8ed1ab_0']);
  linkPackage(requests, web);
  const webOwn = { 'bin/python3.10': 8 * KiB, 'data.bin': 8 * KiB };
  for (const [rel, bytes] of Object.entries(webOwn)) writeRealFile(path.join(web, ...rel.split('/')), bytes);

  // An env outside every envs dir, known only from environments.txt.
  const external = path.join(outsideDir, 'projects', 'external-env');
  condaMeta(external, []);
  const externalOwn = { 'lib/tool.bin': 4 * KiB };
  for (const [rel, bytes] of Object.entries(externalOwn)) writeRealFile(path.join(external, ...rel.split('/')), bytes);

  const environmentsTxt = writeTextFile(path.join(home, '.conda', 'environments.txt'),
    [root, ml, web, external, path.join(outsideDir, 'projects', 'deleted-env'), '# a comment', ''].join('\n'));
  return {
    root, pkgs,
    envs: { base: root, ml, web, external },
    packages: { python, numpy, requests, oldpkg },
    notAPackage,
    tarballs,
    oldPart,
    ownFiles: { ml: mlOwn, web: webOwn, external: externalOwn },
    environmentsTxt,
    python: { base: '3.11.5', ml: '3.11.5', web: '3.10.12' },
  };
}

// ---- pip, uv, torch ---------------------------------------------------------------------------

export interface PipFixture {
  root: string;
  /** Files under http-v2/ and http/ (pip's "Number of HTTP files"). */
  httpFiles: { path: string; bytes: number }[];
  /** *.whl files under wheels/ (pip's "Number of locally built wheels"). */
  wheels: { path: string; bytes: number }[];
  /** Other files under wheels/ (origin.json). */
  wheelDirOtherFiles: string[];
  /** A folder pip cache purge does not touch. */
  selfcheck: string;
}

export function buildPip(root: string): PipFixture {
  const httpV2 = path.join(root, 'http-v2', 'a', 'b', 'c', 'd', 'e');
  const h = blobNameOf('pip-http').slice(0, 56);
  const httpFiles = [
    { path: writeRealFile(path.join(httpV2, h), 8 * KiB), bytes: 8 * KiB },
    { path: writeRealFile(path.join(httpV2, `${h}.body`), 12 * KiB), bytes: 12 * KiB },
    { path: writeRealFile(path.join(httpV2, 'f', `${h}2`), 4 * KiB), bytes: 4 * KiB },
    { path: writeRealFile(path.join(root, 'http', '1', '2', '3', '4', '5', h), 4 * KiB), bytes: 4 * KiB },
  ];
  const w1 = path.join(root, 'wheels', 'aa', 'bb', 'cc', 'dd');
  const w2 = path.join(root, 'wheels', 'ee', 'ff', '00', '11');
  const wheels = [
    { path: writeRealFile(path.join(w1, 'pkg_a-1.0-py3-none-any.whl'), 8 * KiB), bytes: 8 * KiB },
    { path: writeRealFile(path.join(w2, 'pkg_b-2.0-cp311-cp311-linux_x86_64.whl'), 12 * KiB), bytes: 12 * KiB },
  ];
  const origin = writeTextFile(path.join(w1, 'origin.json'), JSON.stringify({ url: 'https://example.org/pkg_a-1.0.tar.gz' }));
  const selfcheck = path.join(root, 'selfcheck');
  writeTextFile(path.join(selfcheck, `${h}.json`), '{"last_check":"2024-01-01T00:00:00Z"}');
  return { root, httpFiles, wheels, wheelDirOtherFiles: [origin], selfcheck };
}

export interface UvFixture {
  root: string;
  /** A venv (outside the cache) whose package files are hard links into the cache. */
  venv: string;
  /** Cache files a venv links to: cleaning the cache does not free them. */
  linkedFromVenv: { cachePath: string; venvPath: string; bytes: number }[];
  /** Cache files nothing else links to. */
  unlinked: { path: string; bytes: number }[];
}

export function buildUv(root: string, venv: string): UvFixture {
  writeTextFile(path.join(root, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n');
  writeTextFile(path.join(root, '.gitignore'), '*\n');
  const pkgA = path.join(root, 'archive-v0', 'Xa1b2c3', 'pkg_a');
  const linked = [
    { rel: '__init__.py', bytes: 8 * KiB },
    { rel: 'core.so', bytes: 16 * KiB },
  ].map(({ rel, bytes }) => {
    const cachePath = writeRealFile(path.join(pkgA, rel), bytes);
    const venvPath = path.join(venv, 'lib', 'python3.11', 'site-packages', 'pkg_a', rel);
    fs.mkdirSync(path.dirname(venvPath), { recursive: true });
    fs.linkSync(cachePath, venvPath);
    return { cachePath, venvPath, bytes };
  });
  writeTextFile(path.join(venv, 'pyvenv.cfg'), 'home = /usr/bin\n');
  const unlinked = [
    { path: writeRealFile(path.join(root, 'archive-v0', 'Xd4e5f6', 'pkg_b', 'mod.py'), 4 * KiB), bytes: 4 * KiB },
    { path: writeRealFile(path.join(root, 'wheels-v5', 'pypi', 'pkg-a', '1.0-py3-none-any.http'), 4 * KiB), bytes: 4 * KiB },
    { path: writeRealFile(path.join(root, 'simple-v15', 'pypi', 'pkg-a.rkyv'), 4 * KiB), bytes: 4 * KiB },
  ];
  return { root, venv, linkedFromVenv: linked, unlinked };
}

export interface TorchFixture {
  torchHome: string;
  hub: string;
  checkpoints: { path: string; bytes: number }[];
  repo: string;
  repoFiles: Record<string, number>;
  trustedList: string;
}

export function buildTorch(torchHome: string): TorchFixture {
  const hub = path.join(torchHome, 'hub');
  const checkpoints = [
    { path: writeRealFile(path.join(hub, 'checkpoints', 'resnet18-f37072fd.pth'), 20 * KiB), bytes: 20 * KiB },
    { path: writeRealFile(path.join(hub, 'checkpoints', 'vit_b_16-c867db91.pth'), 12 * KiB), bytes: 12 * KiB },
  ];
  const repo = path.join(hub, 'pytorch_vision_v0.10.0');
  const repoFiles = { 'hubconf.py': 4 * KiB, 'torchvision/models/resnet.py': 8 * KiB };
  for (const [rel, bytes] of Object.entries(repoFiles)) writeRealFile(path.join(repo, ...rel.split('/')), bytes);
  const trustedList = writeTextFile(path.join(hub, 'trusted_list'), 'pytorch_vision\n');
  return { torchHome, hub, checkpoints, repo, repoFiles, trustedList };
}

// ---- Everything in one fake HOME --------------------------------------------------------------

export interface CacheHomeFixture {
  /** The fake HOME. */
  home: string;
  /** Files outside HOME's caches (symlink targets, an env outside envs dirs, a uv venv). */
  outside: string;
  /** Environment making every tool look into the fake HOME. */
  env: Record<string, string>;
  hf: HfHubFixture;
  datasets: HfDatasetsFixture;
  xet: HfXetFixture;
  conda: CondaFixture;
  pip: PipFixture;
  uv: UvFixture;
  torch: TorchFixture;
}

/**
 * Builds every cache under `home` (default locations: XDG_CACHE_HOME=$HOME/.cache) with the
 * environment a user with an activated `ml` conda env would have. Blob times are set relative
 * to `now`; a fixed old time is given to everything else so "recent" means only what a test says.
 */
export function buildCacheHome(home: string, outside: string, now = Date.now()): CacheHomeFixture {
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  const cacheDir = path.join(home, '.cache');
  const hfHome = path.join(cacheDir, 'huggingface');
  const conda = buildConda(home, outside);
  const uv = buildUv(path.join(cacheDir, 'uv'), path.join(outside, 'app', '.venv'));
  const pip = buildPip(path.join(cacheDir, 'pip'));
  const torch = buildTorch(path.join(cacheDir, 'torch'));
  const datasets = buildHfDatasets(path.join(hfHome, 'datasets'));
  const xet = buildHfXet(path.join(hfHome, 'xet'));
  for (const dir of [conda.root, conda.envs.external, uv.root, uv.venv, pip.root, torch.torchHome, datasets.root, xet.root]) {
    setTreeTimes(dir, now - 5 * DAY);
  }
  // The hub last: its blobs carry the times the HF tests check (lastAccessed, recent downloads).
  const hf = buildHfHub(path.join(hfHome, 'hub'), outside, now);
  const env: Record<string, string> = {
    HOME: home,
    XDG_CACHE_HOME: cacheDir,
    CONDA_PREFIX: conda.envs.ml,
    CONDA_EXE: path.join(conda.root, 'bin', 'conda'),
    CONDA_DEFAULT_ENV: 'ml',
  };
  return { home, outside, env, hf, datasets, xet, conda, pip, uv, torch };
}

/** Fixture part for the integration tests (see test/integration/fixture.ts): the caches in fx.home. */
export async function mlCaches(fx: FixtureBuilder): Promise<CacheHomeFixture> {
  const built = buildCacheHome(fx.home, path.join(fx.root, 'outside'));
  Object.assign(fx.env, built.env);
  return built;
}

// ---- Hugging Face hub, huggingface_hub 2.x shared blob store ---------------------------------
// The layout of huggingface_hub 2.0's cache-wide store (docs/CACHES.md): payloads in
// `<hub>/blobs/<2 hex>/<64-hex hash>`, beside each `<hash>.refs` (the repo links using it, one
// hub-relative path a line) and `<hash>.lock`; the marker `<hub>/.huggingface-shared-blobs`
// ("1"); each repo's `blobs/<etag>` a relative symlink into the store; snapshots link to
// `../../blobs/<etag>` as before.

export interface SharedStoreSpec {
  /** Payload label -> bytes (multiple of 4096). */
  payloads: Record<string, number>;
  /** Labels of payloads written without a manifest. */
  noManifest?: string[];
  repos: {
    repoType: 'model' | 'dataset' | 'space';
    repoId: string;
    /** Etag label -> payload label. */
    blobs: Record<string, string>;
    /** Revision key -> refs and snapshot path -> etag label. */
    revisions: Record<string, { refs: string[]; files: Record<string, string> }>;
  }[];
  /** ms for payload mtimes (default two days ago). */
  mtime?: number;
}

export interface SharedStorePayload {
  label: string;
  hash: string;
  path: string;
  manifest?: string;
  lock: string;
  bytes: number;
}

export interface SharedStoreRepo {
  path: string;
  folderName: string;
  repoType: 'model' | 'dataset' | 'space';
  repoId: string;
  /** Etag label -> { etag name, link path, payload label }. */
  links: Record<string, { name: string; path: string; payload: string }>;
  revisions: Record<string, { commit: string; refs: string[]; files: Record<string, string> }>;
}

export interface SharedStoreFixture {
  hubRoot: string;
  marker: string;
  payloads: Record<string, SharedStorePayload>;
  repos: Record<string, SharedStoreRepo>;
}

/** A 64-hex xet hash for a payload label. */
export function xetHashOf(label: string): string {
  return crypto.createHash('sha256').update(`xet:${label}`).digest('hex');
}

export function writeSharedStoreHub(hubRoot: string, spec: SharedStoreSpec, now = Date.now()): SharedStoreFixture {
  fs.mkdirSync(hubRoot, { recursive: true });
  const marker = writeTextFile(path.join(hubRoot, '.huggingface-shared-blobs'), '1');
  const payloads: Record<string, SharedStorePayload> = {};
  for (const [label, bytes] of Object.entries(spec.payloads)) {
    const hash = xetHashOf(label);
    const p = writeRealFile(path.join(hubRoot, 'blobs', hash.slice(0, 2), hash), bytes);
    payloads[label] = { label, hash, path: p, lock: writeTextFile(`${p}.lock`, ''), bytes };
  }
  const users = new Map<string, string[]>();
  const repos: Record<string, SharedStoreRepo> = {};
  for (const r of spec.repos) {
    const folderName = `${r.repoType}s--${r.repoId.split('/').join('--')}`;
    const repo = path.join(hubRoot, folderName);
    const links: SharedStoreRepo['links'] = {};
    for (const [etagLabel, payloadLabel] of Object.entries(r.blobs)) {
      const name = blobNameOf(`${r.repoId}:${etagLabel}`);
      const link = path.join(repo, 'blobs', name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.relative(path.dirname(link), payloads[payloadLabel].path), link);
      links[etagLabel] = { name, path: link, payload: payloadLabel };
      users.set(payloadLabel, [...(users.get(payloadLabel) ?? []), path.relative(hubRoot, link)]);
    }
    const revisions: SharedStoreRepo['revisions'] = {};
    for (const [key, rev] of Object.entries(r.revisions)) {
      const commit = commitOf(`${r.repoId}:${key}`);
      const snapshot = path.join(repo, 'snapshots', commit);
      for (const [rel, etagLabel] of Object.entries(rev.files)) {
        const file = path.join(snapshot, ...rel.split('/'));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.symlinkSync(path.relative(path.dirname(file), links[etagLabel].path), file);
      }
      fs.mkdirSync(snapshot, { recursive: true });
      for (const ref of rev.refs) writeTextFile(path.join(repo, 'refs', ...ref.split('/')), commit);
      revisions[key] = { commit, refs: rev.refs, files: rev.files };
    }
    repos[r.repoId] = { path: repo, folderName, repoType: r.repoType, repoId: r.repoId, links, revisions };
  }
  const mtime = spec.mtime ?? now - 2 * DAY;
  for (const p of Object.values(payloads)) {
    if (!(spec.noManifest ?? []).includes(p.label)) {
      p.manifest = writeTextFile(`${p.path}.refs`, (users.get(p.label) ?? []).map((l) => `${l}\n`).join(''));
    }
    setTimes(p.path, mtime);
  }
  return { hubRoot, marker, payloads, repos };
}

/**
 * The 2.x scene of the issue: two repos sharing one payload (the weights), a PR revision with a
 * payload of its own, a detached revision, a payload no repo links to (orphan), and a payload
 * whose manifest is missing.
 */
export function buildSharedStoreHub(hubRoot: string, now = Date.now()): SharedStoreFixture {
  return writeSharedStoreHub(hubRoot, {
    payloads: { weights: 64 * KiB, cfg: 4 * KiB, prWeights: 32 * KiB, fp16: 24 * KiB, fp16cfg: 4 * KiB, oldTok: 8 * KiB, orphan: 16 * KiB },
    noManifest: ['fp16'],
    repos: [
      {
        repoType: 'model', repoId: 'acme/tiny-diffusion',
        blobs: { w: 'weights', c: 'cfg', pw: 'prWeights', tok: 'oldTok' },
        revisions: {
          main: { refs: ['main'], files: { 'unet/diffusion_pytorch_model.safetensors': 'w', 'config.json': 'c' } },
          pr: { refs: ['refs/pr/1'], files: { 'unet/diffusion_pytorch_model.safetensors': 'pw', 'config.json': 'c' } },
          old: { refs: [], files: { 'tokenizer/tokenizer.json': 'tok', 'config.json': 'c' } },
        },
      },
      {
        repoType: 'model', repoId: 'acme/tiny-diffusion-fp16',
        blobs: { w: 'weights', f: 'fp16', c: 'fp16cfg' },
        revisions: { main: { refs: ['main'], files: { 'unet/base.safetensors': 'w', 'unet/fp16.safetensors': 'f', 'config.json': 'c' } } },
      },
    ],
  }, now);
}

/**
 * A package an env uses through softlinks (conda-meta `link.type` 2): its files in the env are
 * symlinks into pkgs/, so no file of the package has a link count > 1.
 */
export function addSoftlinkedPackage(conda: CondaFixture, prefix: string): CondaPackageFixture {
  const pkg = writePackage(conda.pkgs, 'softpkg-1.0-0', { 'lib/softpkg.so': 8 * KiB });
  for (const rel of Object.keys(pkg.files)) {
    const dest = path.join(prefix, ...rel.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.symlinkSync(path.join(pkg.path, ...rel.split('/')), dest);
  }
  writeTextFile(path.join(prefix, 'conda-meta', 'softpkg-1.0-0.json'), JSON.stringify({
    name: 'softpkg', version: '1.0', build: '0',
    link: { source: pkg.path, type: 2 },
    files: Object.keys(pkg.files),
  }));
  return pkg;
}
