// Compile throughput of the x86-64 pipeline: IR instructions per second and time per phase
// (lowering, register allocation, emission), with peak memory, on the corpus and on generated
// functions of 1k to 1M instructions, at opt_level=none and opt_level=speed.
//
//   npx tsx tools/bench/compile.ts [--sizes 1000,10000,100000,1000000] [--corpus DIR] [--reps N] [--source]
//
// The packages are bundled with esbuild first (as a release build ships them); --source
// imports the TypeScript directly. Parsing is not timed; "total" is the whole compileFunction
// call (it includes the IR verifier, which the phase columns leave out; "mid-end" is 0 when the
// pipeline does not time one). The corpus is compiled once to warm up, then --reps times
// (default 7), and every time column is the fastest of those repetitions (on a shared
// machine the fastest run is the one least disturbed by others);
// generated functions below 1M instructions likewise (after warming up for 300 ms), 1M once.
// Each generated size and opt_level runs in a process of its own, so its peak RSS (parse +
// compile) is its own; the corpus rows share one process.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
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

interface Sample {
  wall: number;
  /** The mid-end (0 where the pipeline does not time one). */
  opt: number;
  lower: number;
  regalloc: number;
  emit: number;
}

/** Runs `compileAll` `reps` times and returns the fastest time of each column. */
function measure(reps: number, compileAll: () => void): Sample {
  const samples: Sample[] = [];
  for (let r = 0; r < reps; r++) {
    W.resetPhaseTimes();
    const t0 = performance.now();
    compileAll();
    const wall = performance.now() - t0;
    const t = W.phaseTimes;
    samples.push({ wall, opt: (t as { opt?: number }).opt ?? 0, lower: t.lower, regalloc: t.regalloc, emit: t.emit });
  }
  return {
    wall: Math.min(...samples.map((x) => x.wall)),
    opt: Math.min(...samples.map((x) => x.opt)),
    lower: Math.min(...samples.map((x) => x.lower)),
    regalloc: Math.min(...samples.map((x) => x.regalloc)),
    emit: Math.min(...samples.map((x) => x.emit)),
  };
}

const rate = (insts: number, ms: number): string => `${(insts / (ms / 1000) / 1e6).toFixed(2)} M`;

function row(label: string, opt: string, insts: number, m: Sample): string {
  const mb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  return `| ${label} | ${opt} | ${insts} | ${m.wall.toFixed(1)} | ${rate(insts, m.wall)} | ${m.opt.toFixed(1)} | ${m.lower.toFixed(1)} | ${rate(insts, m.lower)} | ${m.regalloc.toFixed(1)} | ${rate(insts, m.regalloc)} | ${m.emit.toFixed(1)} | ${rate(insts, m.emit)} | ${mb} |`;
}

const reps = Number(arg('reps', '7'));
const child = arg('child', '');

if (child !== '') {
  // One generated size at one opt_level, in a process of its own (see the header).
  const [size, opt] = [Number(child.split(':')[0]), child.split(':')[1]];
  const fn = W.parseClif(generate(size), 'gen.clif').functions[0].func;
  const isa = isaFor(opt);
  // Warm up (JIT tiers) for at least 300 ms, or once for the sizes that take longer.
  if (size < 1_000_000) {
    const until = performance.now() + 300;
    for (let k = 0; k < 100 && (k === 0 || performance.now() < until); k++) isa.compileFunction(fn, { wantListing: false });
  }
  const m = measure(size < 1_000_000 ? reps : 1, () => isa.compileFunction(fn, { wantListing: false }));
  console.log(row(`generated ${size}`, opt, W.phaseTimes.irInsts, m));
  process.exit(0);
}

console.log(`x86_64 haswell, ${process.version}, ${process.argv.includes('--source') ? 'TypeScript sources' : 'esbuild bundle'}, fastest of ${reps} runs (1M: one run)`);
console.log('| input | opt_level | IR insts | total ms | total insts/s | mid-end ms | lower ms | lower insts/s | regalloc ms | regalloc insts/s | emit ms | emit insts/s | peak RSS MB |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');

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
  const compileAll = (): void => {
    for (const fn of funcs) try { isa.compileFunction(fn, { wantListing: false }); } catch { /* unsupported */ }
  };
  compileAll(); // warm-up
  const m = measure(reps, compileAll);
  console.log(row(`corpus runtests (${W.phaseTimes.functions} fns)`, opt, W.phaseTimes.irInsts, m));
}

const self = new URL(import.meta.url).pathname;
for (const size of arg('sizes', '1000,10000,100000,1000000').split(',').map(Number)) {
  for (const opt of ['none', 'speed']) {
    const args = [...process.execArgv, self, '--child', `${size}:${opt}`, '--reps', String(reps)];
    if (process.argv.includes('--source')) args.push('--source');
    process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 }));
  }
}
