#!/usr/bin/env node
// The `windlass` command. Installed from npm it runs the built JavaScript in dist/. In the
// repository (the TypeScript sources beside it) it runs the sources through tsx with the
// `windlass:source` export condition, so the command always reflects the working tree and
// needs no build step.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
if (!existsSync(source)) {
  const { runCli } = await import('../dist/index.js');
  runCli();
} else {
  const { spawnSync } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const r = spawnSync(process.execPath, ['--conditions=windlass:source', '--import', tsx, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.error) {
    console.error(`windlass: cannot start: ${r.error.message}`);
    process.exit(2);
  }
  process.exit(r.status ?? (r.signal ? 1 : 0));
}
