#!/usr/bin/env node
// The `windlass` command. Runs the TypeScript sources directly (through tsx) with the
// `windlass:source` export condition, so the command always reflects the working tree and
// needs no build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsx = require.resolve('tsx');
const r = spawnSync(
  process.execPath,
  ['--conditions=windlass:source', '--import', tsx, main, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
if (r.error) {
  console.error(`windlass: cannot start: ${r.error.message}`);
  process.exit(2);
}
process.exit(r.status ?? (r.signal ? 1 : 0));
