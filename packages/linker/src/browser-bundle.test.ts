// The core packages run in any JavaScript engine: each bundles for the browser with no Node
// built-in (ESLint forbids importing them; this proves the whole import graph is free of them).
// @windlass/runtime and @windlass/cli are the Node-only packages and are not bundled.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const NODE_ONLY = new Set(['runtime', 'cli']);
const core = readdirSync(packages).filter((d) => !NODE_ONLY.has(d) && readdirSync(join(packages, d)).includes('src'));

describe('browser bundles', () => {
  it.each(core)('@windlass/%s bundles for the browser without Node built-ins', async (dir) => {
    const r = await build({
      entryPoints: [join(packages, dir, 'src', 'index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      conditions: ['windlass:source'],
      logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    expect(r.outputFiles[0].text).not.toMatch(/from\s*["']node:/);
  }, 60_000);

  it('would catch a Node import', async () => {
    await expect(build({ stdin: { contents: "import 'node:fs';", resolveDir: packages }, bundle: true, write: false, platform: 'browser', logLevel: 'silent' })).rejects.toThrow(/node:fs/);
  });
});
