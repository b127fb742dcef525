// Import rules of the project (docs/ARCHITECTURE.md, "Layers"). `npm run lint` runs this after
// eslint; any violation fails it. `npx depcruise src --config .dependency-cruiser.cjs` lists them.
// Layers, bottom up: shared | core base (model, plan, walker, safety, headroom, scan contract)
// <- core categories/<id> <- the registry and its readers (categories/index.ts, scan/scan.ts,
// report, metrics, configFiles) <- cli | host, and the webview beside the host.
const CORE_TOP = '^src/core/(categories/index\\.ts|categories/planFor\\.ts|scan/scan\\.ts|report\\.ts|configFiles\\.ts|metrics/)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports count): put the shared type below both files.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-base-not-up',
      severity: 'error',
      comment: 'The core base (model, plan, walker, safety, headroom, scan contract) must not reach up into the categories or their registry.',
      from: { path: '^src/core/', pathNot: [CORE_TOP, '^src/core/categories/'] },
      to: { path: ['^src/core/categories/', CORE_TOP] },
    },
    {
      name: 'category-stays-in-its-folder',
      severity: 'error',
      comment: 'A category uses the core base and its own folder, never another category or the registry.',
      from: { path: '^src/core/categories/([^/]+)/' },
      to: { path: '^src/core/categories/', pathNot: ['^src/core/categories/$1/', '^src/core/categories/descriptor\\.ts$'] },
    },
    {
      name: 'core-not-outer-layers',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^src/(host|cli|webview)/', '^vscode$'] },
    },
    {
      name: 'cli-not-host-or-webview',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: ['^src/(host|webview)/', '^vscode$'] },
    },
    {
      name: 'webview-not-host',
      severity: 'error',
      comment: 'The webview runs in the browser: it talks to the host through src/shared only.',
      from: { path: '^src/webview/' },
      to: { path: ['^src/(host|cli)/', '^vscode$'] },
    },
    {
      name: 'shared-imports-nothing',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
