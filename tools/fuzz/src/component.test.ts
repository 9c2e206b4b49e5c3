// The seeded sample of the component fuzzer (the long run is tools/fuzz/component.ts): mutated
// component binaries validate or are refused with a typed WasmError at a byte offset, and what
// validates compiles into a component artifact or is refused with a typed error; nothing else.
import { describe, expect, it } from 'vitest';
import { componentSeeds, nextComponentMutant, runComponent, zeroComponentCounts, type ComponentFinding } from './component';
import { Rng } from './rng';

const MUTANTS = 2000;
const seeds = componentSeeds();

describe.runIf(seeds.length > 0)('components under mutation', () => {
  it(`${MUTANTS} mutants: validated (and compiled) or refused with a typed error`, () => {
    const rng = new Rng(11);
    const counts = zeroComponentCounts();
    const findings: ComponentFinding[] = [];
    for (let i = 0; i < MUTANTS; i++) {
      const f = runComponent(nextComponentMutant(seeds, rng), counts, 0, 8);
      if (f) findings.push(f);
    }
    expect(findings.map((f) => `${f.kind}: ${f.message}`)).toEqual([]);
    // The mutants reach every layer: decoding, validation, and the compiler.
    expect(counts.refused.malformed).toBeGreaterThan(200);
    expect(counts.refused.invalid).toBeGreaterThan(50);
    expect(counts.validated).toBeGreaterThan(50);
    expect(counts.compiled).toBeGreaterThan(5);
  }, 300_000);
});
