import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'bench/.cache/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layering: shared <- core <- cli | host, and webview (the browser side) beside host. Each layer
  // may import only what lies below it; test/unit/layering.test.ts proves each rule fires.
  {
    // The core is plain Node: the CLI and the unit tests run it without VS Code.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code.' }],
        patterns: [{ group: ['**/host/**', '**/cli/**', '**/webview/**', '**/host', '**/cli', '**/webview'], message: 'src/core must not import host, cli or webview (layers point down).' }],
      }],
      '@typescript-eslint/no-require-imports': 'error',
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The CLI runs without VS Code.' }],
        patterns: [{ group: ['**/host/**', '**/webview/**', '**/host', '**/webview'], message: 'src/cli may import core and shared only.' }],
      }],
    },
  },
  {
    // The webview runs in the browser: no VS Code API, no Node host code.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview runs in the browser: it talks to the host through src/shared/chartProtocol.ts.' }],
        patterns: [{ group: ['**/host/**', '**/cli/**', '**/host', '**/cli'], message: 'src/webview may import core (pure helpers) and shared only.' }],
      }],
    },
  },
  {
    // Shared protocol types: imported by both sides, so they import nothing of ours.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/shared is read by the browser side too.' }],
        patterns: [{ group: ['../*', '**/core/**', '**/host/**', '**/cli/**', '**/webview/**'], message: 'src/shared imports nothing of the project.' }],
      }],
    },
  },
);
