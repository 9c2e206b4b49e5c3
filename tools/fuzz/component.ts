// Long component fuzzing (see src/component.ts): every mutant of a corpus component must
// validate or be refused with a typed WasmError at a byte offset; every --compile-every'th
// validated one is compiled into a component artifact and read back.
//
//   npx tsx --conditions=windlass:source tools/fuzz/component.ts [--count 50000] [--seed 1]
//        [--compile-every 1] [--slow-ms 2000]
import { writeFileSync } from 'node:fs';
import { componentSeeds, nextComponentMutant, runComponent, zeroComponentCounts, type ComponentFinding } from './src/component';
import { Rng } from './src/rng';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const count = Number(arg('count', '50000'));
const seed = Number(arg('seed', '1'));
const compileEvery = Number(arg('compile-every', '1'));
const slowMs = Number(arg('slow-ms', '2000'));

const seeds = componentSeeds();
if (seeds.length === 0) {
  console.log('no component seeds: ../shared/corpus/component-model is absent');
  process.exit(1);
}
const rng = new Rng(seed);
const counts = zeroComponentCounts();
const findings: ComponentFinding[] = [];
const t0 = Date.now();
for (let i = 0; i < count; i++) {
  const f = runComponent(nextComponentMutant(seeds, rng), counts, slowMs, compileEvery);
  if (f) {
    findings.push(f);
    const file = `component-finding-${seed}-${i}.wasm`;
    writeFileSync(file, f.bytes);
    console.log(`FINDING [${f.kind}] mutant ${i}: ${f.message} (bytes in ${file})`);
  }
}
const secs = (Date.now() - t0) / 1000;
console.log(`${counts.mutants} mutants of ${seeds.length} seeds in ${secs.toFixed(1)} s: refused ${JSON.stringify(counts.refused)}, ${counts.validated} validated, ${counts.compiled} compiled and read back, ${counts.compileRefused} refused by the compiler (typed)`);
console.log(`${findings.length} findings`);
process.exit(findings.length > 0 ? 1 : 0);
