// Bundles the extension, the CLI, the walker's worker and the chart's browser code.
// `vscode` is provided by the extension host; native optional modules of ssh2 (pulled in by
// dockerode) are never used for unix sockets, so they stay external and unresolved.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
// Source maps are written beside the bundles for local debugging, but the .vsix does not ship them
// (.vscodeignore), so no bundle carries a `//# sourceMappingURL` comment pointing at a missing file.
const sourcemap = 'external';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap,
  logLevel: 'warning',
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
};

// dockerode and what it pulls in (ssh2, grpc, protobufjs: 2 MB of the 2.7 MB) is loaded on first
// use only, so it is a bundle of its own: the CLI and the extension do not parse it at start.
const dockerodeApart = {
  name: 'dockerode-apart',
  setup(build) {
    build.onResolve({ filter: /^dockerode$/ }, () => ({ path: './dockerode.js', external: true }));
  },
};
const withDockerodeApart = { ...common, plugins: [dockerodeApart] };

const builds = [
  { ...withDockerodeApart, entryPoints: { extension: 'src/host/extension.ts' }, outdir: 'dist' },
  { ...withDockerodeApart, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: { dockerode: 'node_modules/dockerode/lib/docker.js' }, outdir: 'dist' },
  { ...common, entryPoints: { walkerWorker: 'src/core/walker/walkerWorker.ts' }, outdir: 'dist' },
  // Removes folders off the main thread (src/core/safety/treeRemover.ts looks for it next to the bundle).
  { ...common, entryPoints: { removeTreeWorker: 'src/core/safety/removeTreeWorker.ts' }, outdir: 'dist' },
  // Lists Hugging Face cache repos off the main thread (src/core/categories/huggingface/listPool.ts looks for it next to the bundle).
  { ...common, entryPoints: { hfListWorker: 'src/core/categories/huggingface/listWorker.ts' }, outdir: 'dist' },
  // Inspects checkpoint folders off the main thread (src/core/categories/checkpoints/inspectPool.ts looks for it next to the bundle).
  { ...common, entryPoints: { checkpointInspectWorker: 'src/core/categories/checkpoints/inspectWorker.ts' }, outdir: 'dist' },
  {
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap, logLevel: 'warning',
    minify: true, // ECharts is most of it: 1.3 MB as written, under 0.5 MB minified
    entryPoints: { chart: 'src/webview/main.ts' }, outdir: 'dist/webview',
  },
];

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
