#!/usr/bin/env node
// The main job (`npm start`): carries the files in examples/ as far through the pipeline as
// Windlass goes today, showing each stage's output.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.clif')).map((f) => join('examples', f));
const windlass = (...args) => {
  console.log(`\n$ windlass ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['tools/cli/bin/windlass.mjs', ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

windlass('verify', ...examples);
windlass('cat', examples[0]);
windlass('test', '--interpret', ...examples);
