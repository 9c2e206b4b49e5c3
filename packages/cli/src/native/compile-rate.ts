// `npx tsx packages/cli/src/native/compile-rate.ts DIR...`: `test compile` over a folder, printing
// how many functions compile (per target) and the failure reasons grouped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseClif } from '@windlass/ir';
import '@windlass/isa-x64';
import { checkCompile } from './test-compile';

function files(p: string): string[] {
  if (statSync(p).isDirectory()) return readdirSync(p).sort().flatMap((e) => files(join(p, e)));
  return p.endsWith('.clif') ? [p] : [];
}

let pass = 0;
let fail = 0;
const reasons = new Map<string, number>();
for (const f of process.argv.slice(2).flatMap(files)) {
  let clif;
  try {
    clif = parseClif(readFileSync(f, 'utf8'), f);
  } catch {
    continue;
  }
  if (!clif.testCommands.some((t) => t.name === 'compile')) continue;
  for (const r of checkCompile(clif, ['x86_64'])) {
    if (r.status === 'pass') pass++;
    else if (r.status === 'fail') {
      fail++;
      const key = (r.message ?? '').replace(/function [^:]*: /, '').replace(/inst\d+/, '').slice(0, 90);
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
      if (process.env.VERBOSE) console.log(`FAIL ${f}: ${r.name}: ${r.message}`);
    }
  }
}
console.log(`${pass} of ${pass + fail} functions compiled (${((100 * pass) / Math.max(1, pass + fail)).toFixed(1)}%)`);
for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${String(n).padStart(5)}  ${k}`);
