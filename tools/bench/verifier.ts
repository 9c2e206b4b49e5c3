// Throughput of the IR verifier alone (`verifyFunction`, as `compileFunction` runs it when
// `enable_verifier` is on): the runtests corpus (many small functions, where the fixed cost per
// function dominates) and generated functions of 10k and 1M instructions.
//
//   npx tsx tools/bench/verifier.ts [--corpus DIR] [--reps N] [--sizes 10000,1000000]
//   npx tsx --conditions=windlass:source tools/bench/verifier.ts ... --source   (from the TypeScript sources)
//
// Bundled with esbuild first unless --source, like compile.ts. Each row is the fastest of
// --reps passes (default 15) after one warm-up pass; ns/fn and ns/inst divide that time.
import { readFileSync } from 'node:fs';
import { generate } from './generate';
import { arg, files, loadPackages } from './support';

type Api = typeof import('./compile-entry');

async function load(): Promise<Api> {
  return loadPackages<Api>([
    `export * from '@windlass/ir';`,
  ]);
}

const W = await load();

const reps = Number(arg('reps', '15'));

function row(label: string, funcs: InstanceType<Api['Function']>[], passReps: number): string {
  let errors = 0;
  const pass = (): void => {
    for (const f of funcs) errors += W.verifyFunction(f).length;
  };
  pass();
  let best = Infinity;
  for (let r = 0; r < passReps; r++) {
    const t0 = performance.now();
    pass();
    best = Math.min(best, performance.now() - t0);
  }
  const insts = funcs.reduce((n, f) => n + f.countInsts(), 0);
  return `| ${label} | ${funcs.length} | ${insts} | ${best.toFixed(2)} | ${((best * 1e6) / funcs.length).toFixed(0)} | ${((best * 1e6) / insts).toFixed(0)} | ${errors / (passReps + 1)} |`;
}

console.log(`IR verifier, ${process.version}, ${process.argv.includes('--source') ? 'TypeScript sources' : 'esbuild bundle'}, fastest of ${reps} passes`);
console.log('| input | functions | IR insts | ms | ns/fn | ns/inst | errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const corpus = arg('corpus', new URL('../../../shared/corpus/cranelift-filetests/runtests', import.meta.url).pathname);
const funcs: InstanceType<Api['Function']>[] = [];
for (const f of files(corpus)) {
  try {
    for (const fn of W.parseClif(readFileSync(f, 'utf8'), f).functions) funcs.push(fn.func);
  } catch { /* unparsable files are not the benchmark's business */ }
}
console.log(row(`corpus ${corpus.split('/').slice(-1)[0]}`, funcs, reps));
for (const size of arg('sizes', '10000,1000000').split(',').map(Number)) {
  const fn = W.parseClif(generate(size), 'gen.clif').functions[0].func;
  console.log(row(`generated ${size}`, [fn], size >= 1_000_000 ? Math.min(reps, 3) : reps));
}
