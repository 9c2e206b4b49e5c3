// A fingerprint of what the x86-64 pipeline produces, to show that a throughput change leaves
// the output byte-identical: every corpus function and the generated functions are compiled at
// opt_level none and speed with both register allocators, and the machine code, relocations,
// traps, call sites, frame size and unwind rows (or the error message, for a function that does
// not compile) are hashed; the IR verifier's messages over the same functions are hashed too.
//
//   npx tsx tools/bench/output-hash.ts [--corpus DIR,DIR] [--sizes 1000,10000] [--out FILE]
//
// Prints one SHA-256 per group and a total; --out writes one line per function and
// configuration, so that two runs can be compared with diff to find what changed.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as W from './compile-entry';
import { generate } from './generate';
import { arg, files } from './support';

W.registerIsa(W.x64Isa);

// The corpus lives beside the repository (../shared/corpus).
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'shared', 'corpus', 'cranelift-filetests');
const dirs = arg('corpus', ['runtests', 'isa/x64', 'verifier', 'egraph'].map((d) => join(root, d)).join(',')).split(',');
const inputs: { name: string; func: W.Function }[] = [];
for (const d of dirs) {
  for (const f of files(d)) {
    try {
      W.parseClif(readFileSync(f, 'utf8'), f).functions.forEach((fn, k) => inputs.push({ name: `${f.slice(root.length + 1)}#${k}`, func: fn.func }));
    } catch { /* unparsable files are not this tool's business */ }
  }
}
for (const n of arg('sizes', '1000,10000,100000').split(',').map(Number)) {
  inputs.push({ name: `generated ${n}`, func: W.parseClif(generate(n), 'gen.clif').functions[0].func });
}

const lines: string[] = [];
const total = createHash('sha256');

function digest(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))).digest('hex').slice(0, 16);
}

function group(label: string, one: (func: W.Function) => unknown): void {
  const h = createHash('sha256');
  for (const { name, func } of inputs) {
    const d = digest(one(func));
    h.update(`${name}\0${d}\n`);
    lines.push(`${label}\t${name}\t${d}`);
  }
  const g = h.digest('hex');
  total.update(g);
  console.log(`${label.padEnd(28)} ${g.slice(0, 32)}`);
}

console.log(`${inputs.length} functions`);
group('verifier', (func) => W.verifyFunction(func).map((e) => e.message));
for (const opt of ['none', 'speed']) {
  for (const ra of ['backtracking', 'single_pass']) {
    const b = W.settingsBuilder();
    b.apply(`opt_level=${opt}`);
    b.apply(`regalloc_algorithm=${ra}`);
    const isa = W.buildIsa('x86_64 haswell', b.finish());
    group(`${opt}/${ra}`, (func) => {
      try {
        const c = isa.compileFunction(func, { wantListing: false });
        return [c.bytes, c.relocations, c.traps, c.callSites, c.srclocs, c.frameSize, c.unwind];
      } catch (e) {
        return ['error', e instanceof Error ? `${e.name}: ${e.message}` : String(e)];
      }
    });
  }
}
console.log(`total ${total.digest('hex')}`);
const out = arg('out', '');
if (out !== '') writeFileSync(out, `${lines.join('\n')}\n`);
