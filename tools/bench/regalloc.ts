// Benchmark of @windlass/regalloc on generated functions of 1k to 1M instructions.
//
//   npx tsx tools/bench/regalloc.ts [--sizes 1000,10000,100000,1000000] [--check-max 100000] [--source]
//
// For each size and allocator: allocation time (best of several runs for small sizes),
// throughput in instructions per second, the moves / spills / reloads inserted, spill slots,
// and whether the checker proved the result (run for sizes up to --check-max).
// The package is bundled with esbuild first, as a release build would ship it (tsx's
// per-module transform adds getter indirection to every cross-module call); --source
// imports the TypeScript directly instead.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type RegAlloc = typeof import('../../packages/regalloc/src/index');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function load(): Promise<RegAlloc> {
  const entry = new URL('../../packages/regalloc/src/index.ts', import.meta.url).pathname;
  if (process.argv.includes('--source')) return (await import(pathToFileURL(entry).href)) as RegAlloc;
  const outfile = join(mkdtempSync(join(tmpdir(), 'windlass-bench-')), 'regalloc.mjs');
  await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', outfile, logLevel: 'error' });
  return (await import(pathToFileURL(outfile).href)) as RegAlloc;
}

const ra = await load();
const sizes = arg('sizes', '1000,10000,100000,1000000').split(',').map(Number);
const checkMax = Number(arg('check-max', '100000'));
const env = ra.testEnv(true);

console.log(`environment: int 6+2 (caller+callee-saved), float 4+1, vector 2+1, scratch per class; ${process.version}`);
console.log('| insts | blocks | vregs | allocator | wall ms | cpu ms | insts/s (cpu) | moves | spills | reloads | slots | elim. moves | checked |');
console.log('| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const size of sizes) {
  const f = ra.generateFunction(size, { size });
  (globalThis as { gc?: () => void }).gc?.();
  for (const mode of ['fast', 'optimizing'] as const) {
    const reps = size <= 1000 ? 20 : size <= 10000 ? 5 : size <= 100000 ? 2 : 1;
    let best = Infinity;
    let bestCpu = Infinity;
    let out = ra.allocate(f, env, { mode });
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      const c = process.cpuUsage();
      out = ra.allocate(f, env, { mode });
      const used = process.cpuUsage(c);
      best = Math.min(best, performance.now() - t);
      bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
    }
    let checked = 'skipped';
    if (f.numInsts <= checkMax) {
      ra.checkAllocation(f, env, out);
      checked = 'yes';
    }
    const s = out.stats;
    // CPU time is the fairer figure on a shared machine (it includes GC helper threads).
    const rate = Math.round(f.numInsts / (bestCpu / 1000));
    console.log(`| ${f.numInsts} | ${f.numBlocks} | ${f.numVRegs} | ${mode} | ${best.toFixed(1)} | ${bestCpu.toFixed(1)} | ${rate.toLocaleString('en-US')} | ${s.moves} | ${s.spills} | ${s.reloads} | ${out.numSpillSlots} | ${s.eliminatedMoves} | ${checked} |`);
  }
}
const mem = process.memoryUsage();
console.log(`peak-ish memory: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
