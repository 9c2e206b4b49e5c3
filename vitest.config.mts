import { defineConfig } from 'vitest/config';

// Packages import each other by name; the `windlass:source` export condition maps those
// imports to the sibling package's `src/index.ts`, so tests never need a build.
export default defineConfig({
  resolve: { conditions: ['windlass:source'] },
  ssr: { resolve: { conditions: ['windlass:source'], externalConditions: ['windlass:source'] } },
  test: {
    include: ['**/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
