// The verifier must report, never crash: mutate corpus functions at random
// (operands, branch targets, controlling types, block parameters) and check
// that verifyFunction only ever returns VerifierErrors.
import { describe, it, expect } from 'vitest';
import type { Block, Inst, Value } from '../entities';
import type { BlockCall } from '../function';
import { parseClif } from '../reader/parser';
import { CORPUS_PRESENT, corpusFiles } from '../test-support/corpus';
import type { Type } from '../types';
import { VerifierError } from './errors';
import { verifyFunction } from './verify';

/** A small deterministic generator (xorshift32), so failures reproduce. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const itCorpus = CORPUS_PRESENT ? it : it.skip;
describe(`verifier robustness${CORPUS_PRESENT ? '' : ' (skipped: ../shared/corpus is absent)'}`, () => {
  itCorpus('reports (and never throws) on randomly broken functions', () => {
    const files = corpusFiles().filter((f) => f.name.startsWith('verifier/') || f.name.startsWith('runtests/'));
    const rand = rng(12345);
    let mutated = 0;
    let reported = 0;
    for (const file of files.slice(0, 120)) {
      for (const cf of parseClif(file.text, file.name).functions) {
        for (let round = 0; round < 4; round++) {
          const f = cf.func.clone();
          for (let m = 0; m < 3; m++) {
            if (f.instCount === 0) break;
            const inst = rand(f.instCount) as Inst;
            switch (rand(5)) {
              case 0:
                if (f.argCount(inst) > 0) f.setArg(inst, rand(f.argCount(inst)), (rand(f.valueCount + 4) - 2) as Value);
                break;
              case 1:
                if (f.blockCallCount > 0) f.setBlockCallBlock(rand(f.blockCallCount) as BlockCall, (rand(f.blockCount + 3) - 1) as Block);
                break;
              case 2:
                f.setCtrlType(inst, rand(600) as Type);
                break;
              case 3:
                if (f.blockCallCount > 0) f.appendBlockCallArg(rand(f.blockCallCount) as BlockCall, rand(f.valueCount + 2) as Value);
                break;
              default:
                f.setArgs(inst, []);
                break;
            }
          }
          mutated++;
          const errors = verifyFunction(f);
          for (const e of errors) expect(e).toBeInstanceOf(VerifierError);
          if (errors.length > 0) reported++;
        }
      }
    }
    expect(mutated).toBeGreaterThan(400);
    // Most random breakage is caught (some mutations are harmless, e.g. a no-op retype).
    expect(reported / mutated).toBeGreaterThan(0.5);
  });
});
