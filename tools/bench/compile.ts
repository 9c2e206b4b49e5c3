// Compile throughput of the x86-64 pipeline: IR instructions per second and time per phase
// (lowering, register allocation, emission), with peak memory, on the corpus and on generated
// functions of 1k to 1M instructions, at opt_level=none and opt_level=speed.
//
//   npx tsx tools/bench/compile.ts [--sizes 1000,10000,100000,1000000] [--corpus DIR] [--source]
//
// The packages are bundled with esbuild first (as a release build ships them); --source
// imports the TypeScript directly. Parsing is not timed.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Api = typeof import('./compile-entry');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function load(): Promise<Api> {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-bench-'));
  const entry = join(dir, 'entry.ts');
  const root = new URL('../../packages/', import.meta.url).pathname;
  writeFileSync(entry, [
    `export * from '@windlass/ir';`,
    `export { buildIsa, settingsBuilder, phaseTimes, resetPhaseTimes, registerIsa } from '@windlass/codegen';`,
    `export { x64Isa } from '@windlass/isa-x64';`,
  ].join('\n'));
  void root;
  if (process.argv.includes('--source')) return (await import(pathToFileURL(entry).href)) as Api;
  const outfile = join(dir, 'bundle.mjs');
  await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile, logLevel: 'error',
    conditions: ['windlass:source'], nodePaths: [new URL('../../node_modules', import.meta.url).pathname],
  });
  return (await import(pathToFileURL(outfile).href)) as Api;
}

const W = await load();
W.registerIsa(W.x64Isa);

/** A function of about `n` instructions: blocks of 20 integer/memory ops chained by brif. */
function generate(n: number): string {
  const lines = ['function %gen(i64, i64) -> i64 {', 'block0(v0: i64, v1: i64):', '    jump block1(v1)'];
  let v = 2;
  const blocks = Math.max(1, Math.floor(n / 20));
  for (let b = 1; b <= blocks; b++) {
    const p = v++;
    lines.push(`block${b}(v${p}: i64):`);
    const a = v++; lines.push(`    v${a} = iadd v${p}, v0`);
    const c = v++; lines.push(`    v${c} = imul_imm v${a}, 7`);
    const d = v++; lines.push(`    v${d} = load.i64 v0+${(b % 64) * 8}`);
    const e = v++; lines.push(`    v${e} = bxor v${c}, v${d}`);
    const f = v++; lines.push(`    v${f} = ishl_imm v${e}, 3`);
    const g = v++; lines.push(`    v${g} = isub v${f}, v${p}`);
    const h = v++; lines.push(`    v${h} = band_imm v${g}, 0xffff`);
    const i = v++; lines.push(`    v${i} = iadd v${h}, v${a}`);
    const j = v++; lines.push(`    v${j} = ireduce.i32 v${i}`);
    const k = v++; lines.push(`    v${k} = iadd_imm v${j}, 1`);
    const l = v++; lines.push(`    v${l} = uextend.i64 v${k}`);
    lines.push(`    store v${l}, v0+${(b % 32) * 8}`);
    const m = v++; lines.push(`    v${m} = ushr_imm v${l}, 1`);
    const o = v++; lines.push(`    v${o} = bor v${m}, v${c}`);
    const q = v++; lines.push(`    v${q} = iadd v${o}, v${e}`);
    const r = v++; lines.push(`    v${r} = imul v${q}, v${g}`);
    const s = v++; lines.push(`    v${s} = select v${h}, v${r}, v${q}`);
    const t = v++; lines.push(`    v${t} = icmp_imm ult v${s}, 1000`);
    if (b < blocks) lines.push(`    brif v${t}, block${b + 1}(v${s}), block${b + 1}(v${r})`);
    else lines.push(`    return v${s}`);
  }
  lines.push('}');
  return lines.join('\n');
}

function files(p: string): string[] {
  if (statSync(p).isDirectory()) return readdirSync(p).sort().flatMap((e) => files(join(p, e)));
  return p.endsWith('.clif') ? [p] : [];
}

function isaFor(opt: string) {
  const b = W.settingsBuilder();
  b.apply(`opt_level=${opt}`);
  return W.buildIsa('x86_64 haswell', b.finish());
}

function row(label: string, opt: string, insts: number, wallMs: number): string {
  const t = W.phaseTimes;
  const rate = insts / (wallMs / 1000);
  const mb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  return `| ${label} | ${opt} | ${insts} | ${wallMs.toFixed(1)} | ${(rate / 1e6).toFixed(2)} M | ${t.lower.toFixed(1)} | ${t.regalloc.toFixed(1)} | ${t.emit.toFixed(1)} | ${mb} |`;
}

console.log(`x86_64 haswell, ${process.version}, ${process.argv.includes('--source') ? 'TypeScript sources' : 'esbuild bundle'}`);
console.log('| input | opt_level | IR insts | total ms | IR insts/s | lower ms | regalloc ms | emit ms | peak RSS MB |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');

const corpus = arg('corpus', new URL('../../../shared/corpus/cranelift-filetests/runtests', import.meta.url).pathname);
for (const opt of ['none', 'speed']) {
  const isa = isaFor(opt);
  const funcs: unknown[] = [];
  for (const f of files(corpus)) {
    if (f.includes('simd')) continue;
    try {
      for (const fn of W.parseClif(readFileSync(f, 'utf8'), f).functions) funcs.push(fn.func);
    } catch { /* unparsable files are not the benchmark's business */ }
  }
  // Warm up once, then measure.
  for (const fn of funcs) try { isa.compileFunction(fn, { wantListing: false }); } catch { /* unsupported */ }
  W.resetPhaseTimes();
  const t0 = performance.now();
  for (const fn of funcs) try { isa.compileFunction(fn, { wantListing: false }); } catch { /* unsupported */ }
  const wall = performance.now() - t0;
  console.log(row(`corpus runtests (${W.phaseTimes.functions} fns)`, opt, W.phaseTimes.irInsts, wall));
}

for (const size of arg('sizes', '1000,10000,100000,1000000').split(',').map(Number)) {
  const fn = W.parseClif(generate(size), 'gen.clif').functions[0].func;
  for (const opt of ['none', 'speed']) {
    const isa = isaFor(opt);
    if (size <= 10000) isa.compileFunction(fn, { wantListing: false });
    W.resetPhaseTimes();
    const t0 = performance.now();
    isa.compileFunction(fn, { wantListing: false });
    console.log(row(`generated ${size}`, opt, W.phaseTimes.irInsts, performance.now() - t0));
  }
}
