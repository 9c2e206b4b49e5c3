// Where the s390x ELF ABI puts arguments and return values (abi.ts).
import { describe, expect, it } from 'vitest';
import { F128, F32, F64, I128, I32, I64, I8, abiParam, vectorOf, type Signature } from '@windlass/ir';
import { assignSignature, retAreaLayout } from './abi';
import { vr } from '../inst/regs';

const sig = (params: number[], returns: number[], callConv = 'system_v'): Signature => ({
  params: params.map((t) => abiParam(t as never)), returns: returns.map((t) => abiParam(t as never)), callConv,
});

describe('the s390x ELF ABI', () => {
  it('passes integers in %r2..%r6 and then in right-justified 8-byte stack slots', () => {
    const a = assignSignature(sig([I64, I64, I64, I64, I64, I32, I8], [I64]));
    expect(a.params.map((p) => p.reg)).toEqual([2, 3, 4, 5, 6, -1, -1]);
    expect(a.params.slice(5).map((p) => p.stackOffset)).toEqual([4, 15]);
    expect(a.stackBytes).toBe(16);
    expect(a.returns.map((p) => p.reg)).toEqual([2]);
  });

  it('passes floats in %f0 %f2 %f4 %f6 and vectors in %v24 %v26 %v28 %v30 %v25 ...', () => {
    const v = vectorOf(I32 as never, 4);
    const a = assignSignature(sig([F64, v, F32, v, v], [F64]));
    expect(a.params.map((p) => p.reg)).toEqual([vr(0), vr(24), vr(2), vr(26), vr(28)]);
    expect(a.returns.map((p) => p.reg)).toEqual([vr(0)]);
  });

  it('passes i128 and f128 by reference and returns them through a caller-provided area', () => {
    const a = assignSignature(sig([I128, F128, I64], [I128]));
    expect(a.retArea).toBe(true);
    // %r2 carries the return area's address; the by-reference arguments follow.
    expect(a.params.map((p) => [p.reg, p.byRef])).toEqual([[3, true], [4, true], [5, false]]);
    expect(retAreaLayout([abiParam(I8), abiParam(I128), abiParam(F32)])).toEqual({ size: 32, offsets: [0, 8, 24] });
  });
});
