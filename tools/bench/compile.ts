// Compile throughput of each ISA's pipeline: IR instructions per second and time per phase
// (lowering, register allocation, emission), with peak memory, on the corpus and on generated
// functions of 1k to 1M instructions, at opt_level=none and opt_level=speed; one table per ISA.
//
//   npx tsx tools/bench/compile.ts [--isa x86_64,riscv64] [--sizes 1000,10000,100000,1000000] [--corpus DIR] [--reps N]
//   npx tsx --conditions=windlass:source tools/bench/compile.ts ... --source   (from the TypeScript sources)
//
// The packages are bundled with esbuild first (as a release build ships them); --source
// imports the TypeScript directly. Parsing is not timed; "total" is the whole compileFunction
// call (it includes the IR verifier, which the phase columns leave out; "mid-end" is 0 when the
// pipeline does not time one). "of which GC" is the garbage-collection pauses inside the run
// whose total is shown; "verifier" times `verifyFunction` over the same functions on its own.
// The corpus is compiled once to warm up, then --reps times (default 7), and every other time
// column is the fastest of those repetitions (on a shared machine the fastest run is the one
// least disturbed by others);
// generated functions below 1M instructions likewise (after warming up for 300 ms), 1M once.
// Each generated size and opt_level runs in a process of its own, so its peak RSS (parse +
// compile) is its own; the corpus rows share one process.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { generate } from './generate';
import { arg, files, loadPackages } from './support';

type Api = typeof import('./compile-entry');


/** The ISAs with a backend: the target line benchmarked and the package export registering it. */
const ISAS: { name: string; target: string; pkg: string; exp: string }[] = [
  { name: 'x86_64', target: 'x86_64 haswell', pkg: '@windlass/isa-x64', exp: 'x64Isa' },
  { name: 'aarch64', target: 'aarch64', pkg: '@windlass/isa-aarch64', exp: 'aarch64Isa' },
  { name: 'riscv64', target: 'riscv64 has_c has_zba has_zbb', pkg: '@windlass/isa-riscv64', exp: 'riscv64Isa' },
  { name: 's390x', target: 's390x', pkg: '@windlass/isa-s390x', exp: 's390xIsa' },
];
const wanted = arg('isa', ISAS.map((i) => i.name).join(',')).split(',');
const chosen = ISAS.filter((i) => wanted.includes(i.name));

async function load(): Promise<Api> {
  return loadPackages<Api>([
    `export * from '@windlass/ir';`,
    `export { buildIsa, settingsBuilder, phaseTimes, resetPhaseTimes, registerIsa } from '@windlass/codegen';`,
    ...chosen.map((i) => `export { ${i.exp} } from '${i.pkg}';`),
  ]);
}

const W = await load();
for (const i of chosen) W.registerIsa((W as unknown as Record<string, Parameters<Api['registerIsa']>[0]>)[i.exp]);

function isaFor(target: string, opt: string) {
  const b = W.settingsBuilder();
  b.apply(`opt_level=${opt}`);
  return W.buildIsa(target, b.finish());
}

interface Sample {
  wall: number;
  /** The IR verifier over the same functions, timed on its own. */
  verifier: number;
  /** The mid-end (0 where the pipeline does not time one). */
  opt: number;
  lower: number;
  regalloc: number;
  emit: number;
  /** Garbage-collection pauses during the run with the fastest total. */
  gc: number;
}

/**
 * Runs `compileAll` `reps` times and returns the fastest time of each column (`verifyAll` is
 * timed the same way, separately).
 */
async function measure(reps: number, compileAll: () => void, verifyAll: () => void): Promise<Sample> {
  const samples: (Sample & { t0: number })[] = [];
  const pauses: { start: number; duration: number }[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, duration: e.duration });
  });
  obs.observe({ entryTypes: ['gc'] });
  for (let r = 0; r < reps; r++) {
    W.resetPhaseTimes();
    const t0 = performance.now();
    compileAll();
    const wall = performance.now() - t0;
    const t = W.phaseTimes;
    const v0 = performance.now();
    verifyAll();
    const verifier = performance.now() - v0;
    samples.push({ t0, wall, verifier, opt: (t as { opt?: number }).opt ?? 0, lower: t.lower, regalloc: t.regalloc, emit: t.emit, gc: 0 });
  }
  // GC entries arrive asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 20));
  obs.disconnect();
  for (const x of samples) {
    for (const p of pauses) if (p.start >= x.t0 && p.start < x.t0 + x.wall) x.gc += p.duration;
  }
  const fastest = samples.reduce((a, b) => (b.wall < a.wall ? b : a));
  return {
    wall: fastest.wall,
    verifier: Math.min(...samples.map((x) => x.verifier)),
    opt: Math.min(...samples.map((x) => x.opt)),
    lower: Math.min(...samples.map((x) => x.lower)),
    regalloc: Math.min(...samples.map((x) => x.regalloc)),
    emit: Math.min(...samples.map((x) => x.emit)),
    gc: fastest.gc,
  };
}

const rate = (insts: number, ms: number): string => `${(insts / (ms / 1000) / 1e6).toFixed(2)} M`;

function row(label: string, opt: string, insts: number, m: Sample): string {
  const mb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  return `| ${label} | ${opt} | ${insts} | ${m.wall.toFixed(1)} | ${rate(insts, m.wall)} | ${m.gc.toFixed(1)} | ${m.verifier.toFixed(1)} | ${m.opt.toFixed(1)} | ${m.lower.toFixed(1)} | ${rate(insts, m.lower)} | ${m.regalloc.toFixed(1)} | ${rate(insts, m.regalloc)} | ${m.emit.toFixed(1)} | ${rate(insts, m.emit)} | ${mb} |`;
}

const reps = Number(arg('reps', '7'));
const child = arg('child', '');

if (child !== '') {
  // One generated size at one opt_level for one ISA, in a process of its own (see the header).
  const [size, opt] = [Number(child.split(':')[0]), child.split(':')[1]];
  const fn = W.parseClif(generate(size), 'gen.clif').functions[0].func;
  const isa = isaFor(chosen[0].target, opt);
  // Warm up (JIT tiers) for at least 300 ms, or once for the sizes that take longer.
  if (size < 1_000_000) {
    const until = performance.now() + 300;
    for (let k = 0; k < 100 && (k === 0 || performance.now() < until); k++) isa.compileFunction(fn, { wantListing: false });
  }
  const m = await measure(size < 1_000_000 ? reps : 1, () => isa.compileFunction(fn, { wantListing: false }), () => W.verifyFunction(fn));
  console.log(row(`generated ${size}`, opt, W.phaseTimes.irInsts, m));
  process.exit(0);
}

const self = new URL(import.meta.url).pathname;
const corpus = arg('corpus', new URL('../../../shared/corpus/cranelift-filetests/runtests', import.meta.url).pathname);
for (const desc of chosen) {
  console.log(`\n${desc.target}, ${process.version}, ${process.argv.includes('--source') ? 'TypeScript sources' : 'esbuild bundle'}, fastest of ${reps} runs (1M: one run)`);
  console.log('| input | opt_level | IR insts | total ms | total insts/s | of which GC ms | verifier ms | mid-end ms | lower ms | lower insts/s | regalloc ms | regalloc insts/s | emit ms | emit insts/s | peak RSS MB |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const opt of ['none', 'speed']) {
    const isa = isaFor(desc.target, opt);
    const funcs: InstanceType<Api['Function']>[] = [];
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
    const verifyAll = (): void => {
      for (const fn of funcs) W.verifyFunction(fn);
    };
    const m = await measure(reps, compileAll, verifyAll);
    console.log(row(`corpus runtests (${W.phaseTimes.functions} fns)`, opt, W.phaseTimes.irInsts, m));
  }
  for (const size of arg('sizes', '1000,10000,100000,1000000').split(',').map(Number)) {
    for (const opt of ['none', 'speed']) {
      const args = [...process.execArgv, self, '--child', `${size}:${opt}`, '--reps', String(reps), '--isa', desc.name];
      if (process.argv.includes('--source')) args.push('--source');
      process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 }));
    }
  }
}
