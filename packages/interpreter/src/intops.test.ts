import { describe, it, expect } from 'vitest';
import { IntCC, TRAP_INT_DIVZ, TRAP_INT_OVF } from '@windlass/ir';
import * as I from './intops';
import { TrapSignal } from './value';

function trapOf(f: () => unknown): number | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof TrapSignal) return e.code;
    throw e;
  }
}

describe('integer semantics', () => {
  it('wraps at every width', () => {
    expect(I.iadd(8, 200, 100)).toBe(44);
    expect(I.iadd(32, 0xffffffff, 1)).toBe(0);
    expect(I.isub(16, 0, 1)).toBe(0xffff);
    expect(I.imul(32, 0x10000, 0x10000)).toBe(0);
    expect(I.iadd(64, 0xffffffffffffffffn, 2n)).toBe(1n);
    expect(I.imul(128, 1n << 100n, 1n << 20n)).toBe(1n << 120n);
    expect(I.imul(128, 1n << 100n, 1n << 30n)).toBe(0n);
  });

  it('traps on division by zero and signed overflow', () => {
    expect(trapOf(() => I.udiv(32, 1, 0))).toBe(TRAP_INT_DIVZ);
    expect(trapOf(() => I.sdiv(8, 0x80, 0xff))).toBe(TRAP_INT_OVF);
    expect(trapOf(() => I.srem(64, 1n, 0n))).toBe(TRAP_INT_DIVZ);
    expect(I.srem(8, 0x80, 0xff)).toBe(0); // INT_MIN % -1 is 0, no trap
    expect(I.sdiv(32, 0xfffffff9, 2)).toBe(0xfffffffd); // -7 / 2 = -3 (truncates)
    expect(I.srem(32, 0xfffffff9, 2)).toBe(0xffffffff); // -7 % 2 = -1
  });

  it('takes shift amounts modulo the width and rotates', () => {
    expect(I.ishl(8, 1, 9)).toBe(2);
    expect(I.ushr(32, 0x80000000, 31)).toBe(1);
    expect(I.sshr(8, 0x80, 7)).toBe(0xff);
    expect(I.rotl(8, 0x81, 1)).toBe(0x03);
    expect(I.rotr(64, 1n, 1n)).toBe(1n << 63n);
    expect(I.ishl(128, 1n, 127n)).toBe(1n << 127n);
  });

  it('counts bits', () => {
    expect(I.clz(8, 1)).toBe(7);
    expect(I.clz(64, 0n)).toBe(64n);
    expect(I.ctz(16, 0)).toBe(16);
    expect(I.cls(8, 0xff)).toBe(7);
    expect(I.popcnt(128, (1n << 128n) - 1n)).toBe(128n);
    expect(I.bitrev(8, 1)).toBe(0x80);
    expect(I.bswap(32, 0x11223344)).toBe(0x44332211);
  });

  it('computes high halves, saturation and comparisons', () => {
    expect(I.umulhi(32, 0xffffffff, 0xffffffff)).toBe(0xfffffffe);
    expect(I.smulhi(8, 0x80, 0x80)).toBe(0x40);
    expect(I.uaddSat(8, 200, 100)).toBe(255);
    expect(I.ssubSat(8, 0x80, 1)).toBe(0x80);
    expect(I.avgRound(8, 1, 2)).toBe(2);
    expect(I.icmp(IntCC.Slt, 8, 0xff, 0)).toBe(true);
    expect(I.icmp(IntCC.Ult, 8, 0xff, 0)).toBe(false);
    expect(I.overflows('add', true, 8, 0x7f, 1)).toBe(true);
  });
});
