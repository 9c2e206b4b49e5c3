// A fingerprint of what each ISA's pipeline produces, to show that a change leaves the output
// byte-identical (or to show exactly what a deliberate change moved): for every ISA whose package
// has a backend, every corpus function of runtests, isa/<that ISA>, verifier and egraph, plus
// generated functions, is compiled at opt_level none and speed with both register allocators,
// and the machine code, relocations, traps, call sites, frame size and unwind rows (or the error
// message, for a function that does not compile) are hashed; the IR verifier's messages over the
// same functions are hashed too. Each ISA gets its own total (x86_64's is comparable with runs
// made before the other ISAs existed).
//
//   npx tsx --conditions windlass:source tools/bench/output-hash.ts [--isa x86_64,aarch64]
//       [--corpus DIR,DIR] [--sizes 1000,10000] [--out FILE]
//
// Prints one SHA-256 per group and a total per ISA; --out writes one line per ISA, function and
// configuration, so that two runs can be compared with diff to find what changed.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as W from './compile-entry';
import { generate } from './generate';
import { arg, files } from './support';

W.registerIsa(W.x64Isa);

/**
 * Each ISA: its package (imported to register the backend, when it has one), the target line
 * its code is generated for, and its folder of `test compile` files.
 */
const ISAS: { name: string; pkg: string; target: string; dir: string }[] = [
  { name: 'x86_64', pkg: 'isa-x64', target: 'x86_64 haswell', dir: 'isa/x64' },
  { name: 'aarch64', pkg: 'isa-aarch64', target: 'aarch64', dir: 'isa/aarch64' },
  { name: 'riscv64', pkg: 'isa-riscv64', target: 'riscv64 has_v has_c has_zba has_zbb has_zbs has_zbkb', dir: 'isa/riscv64' },
  { name: 's390x', pkg: 'isa-s390x', target: 's390x', dir: 'isa/s390x' },
];
const here = fileURLToPath(new URL('.', import.meta.url));
// The corpus lives beside the repository (../shared/corpus).
const root = join(here, '..', '..', '..', 'shared', 'corpus', 'cranelift-filetests');
const wanted = arg('isa', ISAS.map((i) => i.name).join(',')).split(',');

function inputsFor(isaDir: string): { name: string; func: W.Function }[] {
  const inputs: { name: string; func: W.Function }[] = [];
  const dirs = arg('corpus', ['runtests', isaDir, 'verifier', 'egraph'].map((d) => join(root, d)).join(',')).split(',');
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
  return inputs;
}

const lines: string[] = [];
let inputs: { name: string; func: W.Function }[] = [];
let total = createHash('sha256');
let prefix = '';

function digest(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))).digest('hex').slice(0, 16);
}

function group(label: string, one: (func: W.Function) => unknown): void {
  const h = createHash('sha256');
  for (const { name, func } of inputs) {
    const d = digest(one(func));
    h.update(`${name}\0${d}\n`);
    lines.push(`${prefix}${label}\t${name}\t${d}`);
  }
  const g = h.digest('hex');
  total.update(g);
  console.log(`${label.padEnd(28)} ${g.slice(0, 32)}`);
}

for (const desc of ISAS) {
  if (!wanted.includes(desc.name)) continue;
  await import(pathToFileURL(join(here, '..', '..', 'packages', desc.pkg, 'src', 'index.ts')).href);
  if (!W.registeredIsas().some((d) => d.name === desc.name)) {
    console.log(`${desc.name}: no backend in ${desc.pkg} yet (skipped)`);
    continue;
  }
  inputs = inputsFor(desc.dir);
  total = createHash('sha256');
  prefix = desc.name === 'x86_64' ? '' : `${desc.name}\t`;
  console.log(`${desc.name} (${desc.target}): ${inputs.length} functions`);
  group('verifier', (func) => W.verifyFunction(func).map((e) => e.message));
  for (const opt of ['none', 'speed']) {
    for (const ra of ['backtracking', 'single_pass']) {
      const b = W.settingsBuilder();
      b.apply(`opt_level=${opt}`);
      b.apply(`regalloc_algorithm=${ra}`);
      const isa = W.buildIsa(desc.target, b.finish());
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
  console.log(`total ${desc.name === 'x86_64' ? '' : `${desc.name} `}${total.digest('hex')}`);
}
const out = arg('out', '');
if (out !== '') writeFileSync(out, `${lines.join('\n')}\n`);
