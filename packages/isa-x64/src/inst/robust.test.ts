// Malformed instructions (random ops, sizes, sub-ops, registers, operands) must end in a typed
// X64EncodeError or valid bytes: never a TypeError or a RangeError from inside the encoder.
import { describe, expect, it } from 'vitest';
import { Amode, AmodeKind, Reloc, type CC, type OperandSize } from './args';
import { emitInst } from './emit';
import { X64EncodeError } from './errors';
import { MInst, Op } from './mod';
import { visitOperands } from './operands';
import { printInst } from './print';
import { NO_REG } from './regs';
import { BasicCodeSink } from './sink';

/** xorshift32: deterministic, so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe('x64 encoder on malformed instructions', () => {
  it('throws only X64EncodeError, and printing and operand visits never throw', () => {
    const r = rng(12345);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const regs = [NO_REG, 0, 3, 4, 5, 8, 12, 13, 15, 16, 20, 31, 32, 40];
    const ops = Object.values(Op);
    const unexpected: string[] = [];
    let encoded = 0;
    for (let n = 0; n < 20000 && unexpected.length < 10; n++) {
      const mem = r() < 0.4
        ? new Amode(pick([0, 1, 2, 3, 4, 9]) as AmodeKind, pick(regs), pick(regs), pick([0, 1, 3, 4, -1]),
          pick([0, 8, -8, 300, 0x7fffffff, 0x80000000, 1.5]), pick([-1, 0, 3]), pick([null, 'sym', 7]), Reloc.X86PCRel4)
        : null;
      const inst = new MInst(pick(ops), pick([1, 2, 4, 8, 3, 16]) as OperandSize, pick([0, 1, 2, 3, 5, 7, 8, 40, 99, -1]),
        pick(regs), pick(regs), pick(regs), mem, pick([0, 1, -1, 255, 256, 0x7fffffff, -0x80000000, 0xffffffff]),
        pick([0, -1]), pick([0, 5, 15, 16, -1]) as CC, pick([-1, 0, 2]), pick([null, 'f', 3]), pick([0, 1, 2, 4, 8]),
        pick([0, 1, 2, 3]), pick([-1, 0, 9]), r() < 0.1 ? Int32Array.of(0, 1) : null);
      const sink = new BasicCodeSink();
      sink.bindLabel(0);
      sink.bindLabel(2);
      try {
        emitInst(inst, sink);
        sink.finish();
        encoded++;
      } catch (e) {
        if (!(e instanceof X64EncodeError)) unexpected.push(`emit op ${inst.op}: ${String(e)}`);
      }
      try {
        printInst(inst);
        visitOperands(inst, { reg: () => {}, fixed: () => {} });
      } catch (e) {
        unexpected.push(`print/visit op ${inst.op}: ${String(e)}`);
      }
    }
    expect(unexpected).toEqual([]);
    expect(encoded).toBeGreaterThan(100);
  });
});
