import { describe, expect, it } from 'vitest';
import { allocate, generateFunction, testEnv, type RegAllocOutput } from './index';

// The allocator keeps its working storage from one call to the next (see scratch.ts). An
// allocation must not depend on what was allocated before it: the same function gives the
// same result whether it comes first, after a much larger function, or after one that failed.

function summary(out: RegAllocOutput): unknown {
  return {
    allocs: Array.from(out.allocs),
    editPoint: Array.from(out.editPoint),
    editFrom: Array.from(out.editFrom),
    editTo: Array.from(out.editTo),
    pointEditStart: Array.from(out.pointEditStart),
    spillSlots: Array.from(out.spillSlotClass),
    usedCalleeSaved: out.usedCalleeSaved,
    redundant: Array.from(out.redundantMove),
    stats: out.stats,
  };
}

describe('allocations are independent of earlier ones', () => {
  for (const mode of ['fast', 'optimizing'] as const) {
    it(`${mode}: same result alone, after larger functions and after a failed allocation`, () => {
      const env = testEnv();
      const seeds = [3, 17, 42, 99, 123];
      const alone = seeds.map((seed) => summary(allocate(generateFunction(seed, { size: 30 }), env, { mode })));
      for (let k = 0; k < seeds.length; k++) {
        // A large function grows every reused table; a broken one stops an allocation midway.
        allocate(generateFunction(1000 + k, { size: 3000 }), env, { mode, check: true });
        const broken = generateFunction(2000 + k, { size: 50 });
        const opInfo = broken.opInfo.slice();
        opInfo[0] = 0xffff_ff7f;
        expect(() => allocate({ ...broken, opInfo }, env, { mode })).toThrow();
        expect(summary(allocate(generateFunction(seeds[k], { size: 30 }), env, { mode, check: true }))).toEqual(alone[k]);
      }
    });
  }
});
