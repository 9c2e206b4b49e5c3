// One flat config for the whole workspace; packages inherit it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The Node-only packages: the command line and the AOT runtime. Every other package runs in any
// JavaScript engine (the shared rollup build checks the same list in each package's dist).
const nodePackages = ['packages/cli', 'packages/runtime'];
const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'buffer', 'crypto', 'url', 'util', 'worker_threads', 'process', 'module', 'stream'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Core packages run in any JavaScript engine: no Node built-ins outside tests and tools.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/**/*.test.ts', 'packages/*/src/**/test-support/**', ...nodePackages.map((p) => `${p}/**`)],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Core packages must not use Node built-ins.' })),
        patterns: [{ group: ['node:*'], message: 'Core packages must not use Node built-ins.' }],
      }],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array.' }, { name: 'process', message: 'Core packages run outside Node.' }, { name: 'require', message: 'ESM only.' }],
    },
  },
  {
    files: ['tools/**/*.{ts,mjs,js}', ...nodePackages.map((p) => `${p}/**/*.{ts,mjs,js}`), '**/*.test.ts', '*.mjs', '*.mts'],
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
