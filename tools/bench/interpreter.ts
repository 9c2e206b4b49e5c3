// Interpreter benchmark: every `; run:` case of the corpus runtests, on the interpreter, in one
// thread. Reports parse time, interpretation time, cases/s and executed instructions/s.
//
//   npx tsx --conditions=windlass:source tools/bench/interpreter.ts [RUNTESTS_DIR] [--repeat N]

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseClif, type ClifFile, type Function } from '@windlass/ir';
import { interpret, functionName } from '@windlass/interpreter';
import { buildCase, runLines } from '../../packages/cli/src/runner/run-cases';
import type { RunCase } from '../../packages/cli/src/runner/backend';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 3;
const dir = args.find((a, k) => !a.startsWith('--') && args[k - 1] !== '--repeat') ?? join(root, '..', 'shared', 'corpus', 'cranelift-filetests', 'runtests');

if (!existsSync(dir)) {
  console.log(`interpreter bench: SKIPPED: ${dir} is absent`);
  process.exit(0);
}

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.clif') ? [join(d, e.name)] : []));
}

const files = walk(dir).sort();
const t0 = performance.now();
const parsed: { clif: ClifFile; fns: Map<string, Function> }[] = [];
for (const f of files) {
  try {
    const clif = parseClif(readFileSync(f, 'utf8'), f);
    parsed.push({ clif, fns: new Map(clif.functions.map((x) => [functionName(x.func), x.func])) });
  } catch {
    // Files that do not parse are the reader's business; the bench measures the interpreter.
  }
}
const tParse = performance.now() - t0;

const cases: { c: RunCase; fns: Map<string, Function> }[] = [];
for (const { clif, fns } of parsed) {
  for (const l of runLines(clif)) {
    const c = buildCase(clif, l, fns);
    if (!('status' in c)) cases.push({ c, fns });
  }
}

const FUEL = 20_000_000;
let best = Infinity;
let instructions = 0;
let outcomes = { ret: 0, trap: 0, other: 0 };
for (let r = 0; r < repeat; r++) {
  outcomes = { ret: 0, trap: 0, other: 0 };
  instructions = 0;
  const t = performance.now();
  for (const { c, fns } of cases) {
    const res = interpret(c.callee, c.args, { functions: fns, fuel: FUEL });
    if (res.kind === 'return') outcomes.ret++;
    else if (res.kind === 'trap') outcomes.trap++;
    else outcomes.other++;
    instructions += res.fuelUsed ?? 0;
  }
  best = Math.min(best, performance.now() - t);
}

const mem = process.memoryUsage();
console.log(`interpreter bench over ${dir}`);
console.log(`  files parsed:        ${parsed.length}/${files.length} in ${tParse.toFixed(0)} ms`);
console.log(`  cases:               ${cases.length} (${outcomes.ret} returned, ${outcomes.trap} trapped, ${outcomes.other} errors)`);
console.log(`  interpretation:      ${best.toFixed(0)} ms (best of ${repeat}), ${((cases.length / best) * 1000).toFixed(0)} cases/s`);
console.log(`  instructions:        ${instructions} executed, ${((instructions / best) * 1000 / 1e6).toFixed(2)} M instructions/s`);
console.log(`  total (parse + run): ${(tParse + best).toFixed(0)} ms`);
console.log(`  peak RSS:            ${(mem.rss / 2 ** 20).toFixed(0)} MiB`);
