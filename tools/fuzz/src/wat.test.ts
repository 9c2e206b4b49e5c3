// Deterministic (seeded) fuzzing of the text reader: mutated spec forms and random token soup
// must read, or fail with a one-line located WatError; what the reader accepts must decode.
// The long version is `tools/fuzz/pipeline.ts --mode wat`.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signature, zeroCounts, type Finding, type RunOptions } from './clif';
import { loadWatSeeds, wasmCorpus } from './corpus';
import { Rng } from './rng';
import { mutateWat, randomWat, runWat } from './wat';

const MUTANTS = 2000;
const RANDOM = 1000;
const seeds = existsSync(wasmCorpus) ? loadWatSeeds() : [];
// Module definitions, so that mutants reach the encoder and the decoder check.
const moduleSeeds = seeds.filter((s) => s.text.startsWith('(module') && !/^\(module\s+(\$\S+\s+)?(binary|quote)/.test(s.text));

function report(findings: Finding[]): string[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(signature(f))) seen.set(signature(f), f);
  return [...seen.values()].map((f) => `${signature(f)}\n--- input:\n${f.input.slice(0, 1500)}`);
}

describe('the text reader under mutation', () => {
  it.skipIf(seeds.length === 0)(`reads or rejects ${MUTANTS} mutated spec forms with typed errors`, () => {
    const opts: RunOptions = { fuel: 0, counts: zeroCounts(), slowMs: 0 };
    const rng = new Rng(3);
    const found: Finding[] = [];
    for (let n = 0; n < MUTANTS; n++) found.push(...runWat(mutateWat(rng.pick(rng.chance(0.7) ? moduleSeeds : seeds).text, rng), opts));
    expect(report(found)).toEqual([]);
    expect(opts.counts.text).toBeGreaterThanOrEqual(MUTANTS);
    // Enough mutants stay readable to exercise the decoder check.
    expect(opts.counts.decode).toBeGreaterThan(MUTANTS / 10);
  });

  it(`reads or rejects ${RANDOM} random token scripts with typed errors`, () => {
    const opts: RunOptions = { fuel: 0, counts: zeroCounts(), slowMs: 0 };
    const rng = new Rng(4);
    const found: Finding[] = [];
    for (let n = 0; n < RANDOM; n++) found.push(...runWat(randomWat(rng), opts));
    expect(report(found)).toEqual([]);
  });

  it('finds nothing to report on valid text, and reports a slow read', () => {
    expect(runWat('(module (func (result i32) (i32.const 1)))', { fuel: 0, counts: zeroCounts(), slowMs: 0 })).toEqual([]);
    const slow = runWat(`(module (func ${'(block '.repeat(50_000)}${')'.repeat(50_000)}))`, { fuel: 0, counts: zeroCounts(), slowMs: 0.001 });
    expect(slow.map((f) => f.kind)).toContain('slow');
  });
});
