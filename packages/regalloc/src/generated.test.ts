import { describe, expect, it } from 'vitest';
import { RegAllocError, allocate, generateFunction, testEnv } from './index';

// Every run allocates and checks 2,000 random programs (loops, diamonds, block parameters,
// calls with clobbers, fixed and reuse constraints, more live values than registers) with
// both allocators. A failure names its seed: `generateFunction(seed, { size })` reproduces it.
const COUNT = 2000;

describe('generated programs', () => {
  for (const mode of ['fast', 'optimizing'] as const) {
    it(`${mode}: ${COUNT} programs allocate and pass the checker`, () => {
      const failures: string[] = [];
      let edits = 0;
      for (let seed = 1; seed <= COUNT; seed++) {
        const size = 10 + (seed % 7) * 20;
        const f = generateFunction(seed, { size });
        try {
          edits += allocate(f, testEnv(seed % 3 !== 0), { mode, check: true }).numEdits;
        } catch (e) {
          failures.push(`seed ${seed} size ${size}: ${(e as Error).message}`);
          if (!(e instanceof RegAllocError) || failures.length > 5) break;
        }
      }
      expect(failures).toEqual([]);
      expect(edits).toBeGreaterThan(COUNT);
    });

    it(`${mode}: a trusted input (validate: false) gets the same allocation`, () => {
      for (let seed = 1; seed <= 300; seed++) {
        const f = generateFunction(seed, { size: 10 + (seed % 7) * 20 });
        const env = testEnv(seed % 3 !== 0);
        const checked = allocate(f, env, { mode });
        const trusted = allocate(f, env, { mode, validate: false });
        expect([trusted.allocs, trusted.editFrom, trusted.editTo]).toEqual([checked.allocs, checked.editFrom, checked.editTo]);
      }
    });
  }
});
