// Atomics. s390x orders memory accesses strongly (every access appears in program order to
// other CPUs except a store followed by a load); `bcr 14, 0` serializes, so a sequentially
// consistent store is the store followed by it. Read-modify-write operations:
//   - add/sub/and/or/xor on big-endian words and doublewords: the interlocked-access
//     instructions (`laa`, `lang`, ...), which return the old value;
//   - everything else (xchg, nand, min/max, little-endian operands): a compare-and-swap loop
//     (`cs`/`csg`);
//   - bytes and halfwords: the same loop on the aligned word that contains them, the field
//     rotated to the top of the word (`rll`), replaced (`risbg`) and rotated back.
// The loops are one pseudo-instruction (`AtomicLoop`), expanded at emission
// (atomics-expand.ts), so the allocator never places moves inside them.

import {
  type Inst, type Type, ATOMIC_CAS, ATOMIC_LOAD, ATOMIC_RMW, ATOMIC_STORE, ENDIAN_LITTLE, FENCE, I16, I32, I64, I8,
  bytes, memEndianness, memTrapCode,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { type MInst, Pseudo, inst, pseudo, rr, rrr, rx } from '../inst/mod';
import { NO_REG } from '../inst/regs';
import { loadInto, storeFrom, type MemRef } from './mem';
import { CAS, RmwOp } from './atomics-expand';
import type { Amode, S390xLower } from './state';
import { resultType } from './types';


/** A memory operand without an index register (the RSY forms of `cs`, `laa`). */
function noIndex(L: S390xLower, am: Amode): Amode {
  if (am.x === NO_REG && am.d >= -524288 && am.d <= 524287) return am;
  const t = L.tmp();
  L.emit(L.withMem(rx('la', t, NO_REG, NO_REG, 0), am));
  return { b: t, x: NO_REG, d: 0 };
}

/** bcr 14, 0: serialization. */
export function fence(L: S390xLower): void {
  const b = inst('bcr');
  b.m3 = 14;
  L.emit(b);
}

function fenceRule(L: S390xLower): boolean {
  fence(L);
  return true;
}

function atomicMem(L: S390xLower, inst: Inst): MemRef {
  const f = L.f;
  const flags = f.instImm0[inst];
  const op = f.instOpcode[inst];
  const am = L.amode(f.arg(inst, op === ATOMIC_STORE ? 1 : 0), 0);
  return {
    at: (i, extra = 0) => L.withMem(i, { b: am.b, x: am.x, d: am.d + extra }),
    little: memEndianness(flags) === ENDIAN_LITTLE,
    trap: memTrapCode(flags),
  };
}

function loadRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!(t === I8 || t === I16 || t === I32 || t === I64)) return false;
  loadInto(L, atomicMem(L, inst), t, L.out());
  return true;
}

function storeRule(L: S390xLower, inst: Inst): boolean {
  const v = L.f.arg(inst, 0);
  const t = L.typeOf(v);
  if (!(t === I8 || t === I16 || t === I32 || t === I64)) return false;
  storeFrom(L, atomicMem(L, inst), t, L.reg(v));
  fence(L);
  return true;
}

const INTERLOCKED: Record<number, [string, string]> = {
  [RmwOp.Add]: ['laag', 'laa'], [RmwOp.Sub]: ['laag', 'laa'], [RmwOp.And]: ['lang', 'lan'],
  [RmwOp.Or]: ['laog', 'lao'], [RmwOp.Xor]: ['laxg', 'lax'],
};

/** Where a byte or halfword sits in its aligned word: the word's address and the field's bit rotation. */
function subword(L: S390xLower, am: Amode): { base: number; shift: number; nshift: number } {
  const addr = L.tmp();
  L.emit(L.withMem(rx('la', addr, NO_REG, NO_REG, 0), am));
  const base = L.tmp();
  const b = rr('risbg.z', base, addr);
  b.m3 = 0; b.m4 = 61 | 0x80; b.m5 = 0;
  L.emit(b);
  // (addr & 3) * 8: the rotation that brings the field to the top of the big-endian word.
  const shift = L.tmp();
  const s = rr('risbg.z', shift, addr);
  s.m3 = 59; s.m4 = 60 | 0x80; s.m5 = 3;
  L.emit(s);
  const nshift = L.tmp();
  L.emit(rr('lcr', nshift, shift));
  return { base, shift, nshift };
}

function loop(kind: number, t: Type, little: boolean, trap: number): MInst {
  const i = pseudo(Pseudo.AtomicLoop);
  i.m3 = kind;
  i.m4 = bytes(t);
  i.m5 = little ? 1 : 0;
  i.trap = trap;
  return i;
}

function rmwRule(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (!(t === I8 || t === I16 || t === I32 || t === I64)) return false;
  const flags = f.instImm0[inst];
  const op = f.instImm1[inst];
  const little = memEndianness(flags) === ENDIAN_LITTLE && t !== I8;
  const trap = memTrapCode(flags);
  const am = L.amode(f.arg(inst, 0), 0);
  let operand = L.reg(f.arg(inst, 1));
  const dst = L.out();
  const wide = t === I64;
  if (t === I32 || t === I64) {
    const m = noIndex(L, am);
    const il = INTERLOCKED[op];
    if (il !== undefined && !little) {
      if (op === RmwOp.Sub) {
        const n = L.tmp();
        L.emit(rr(wide ? 'lcgr' : 'lcr', n, operand));
        operand = n;
      }
      const i = rrr(wide ? il[0] : il[1], dst, NO_REG, operand);
      i.b = m.b;
      i.d = m.d;
      i.trap = trap;
      L.emit(i);
      return true;
    }
    const i = loop(op, t, little, trap);
    i.r1 = dst;
    i.b = m.b;
    i.d = m.d;
    i.r2 = operand;
    i.regs = [L.tmp(), L.tmp(), L.tmp(), L.tmp()];
    L.emit(i);
    return true;
  }
  // Bytes and halfwords: min/max compare the field as a signed or unsigned 32-bit value.
  if (op === RmwOp.Smin || op === RmwOp.Smax || op === RmwOp.Umin || op === RmwOp.Umax) {
    const signed = op === RmwOp.Smin || op === RmwOp.Smax;
    const e = L.tmp();
    L.emit(rr(t === I8 ? (signed ? 'lbr' : 'llcr') : signed ? 'lhr' : 'llhr', e, operand));
    operand = e;
  }
  const sw = subword(L, am);
  const i = loop(op, t, little, trap);
  i.r1 = dst;
  i.b = sw.base;
  i.r2 = operand;
  i.r3 = sw.shift;
  i.r4 = sw.nshift;
  i.regs = [L.tmp(), L.tmp(), L.tmp(), L.tmp(), L.tmp()];
  L.emit(i);
  return true;
}

function casRule(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  const t = resultType(L, inst);
  if (!(t === I8 || t === I16 || t === I32 || t === I64)) return false;
  const flags = f.instImm0[inst];
  const little = memEndianness(flags) === ENDIAN_LITTLE && t !== I8;
  const trap = memTrapCode(flags);
  const am = L.amode(f.arg(inst, 0), 0);
  const expected = L.reg(f.arg(inst, 1));
  const replacement = L.reg(f.arg(inst, 2));
  const dst = L.out();
  const wide = t === I64;
  if (t === I32 || t === I64) {
    const m = noIndex(L, am);
    const swap = (r: number): number => {
      if (!little) return r;
      const s = L.tmp();
      L.emit(rr(wide ? 'lrvgr' : 'lrvr', s, r));
      return s;
    };
    const e = swap(expected);
    const r = swap(replacement);
    const old = little ? L.tmp() : dst;
    const c = rrr(wide ? 'csg' : 'csy', old, NO_REG, r);
    c.b = m.b;
    c.d = m.d;
    c.trap = trap;
    L.emitTied(c, e);
    if (little) L.emit(rr(wide ? 'lrvgr' : 'lrvr', dst, old));
    return true;
  }
  const ez = L.tmp();
  L.emit(rr(t === I8 ? 'llcr' : 'llhr', ez, expected));
  const sw = subword(L, am);
  const i = loop(CAS, t, little, trap);
  i.r1 = dst;
  i.b = sw.base;
  i.x = ez;
  i.r2 = replacement;
  i.r3 = sw.shift;
  i.r4 = sw.nshift;
  i.regs = [L.tmp(), L.tmp(), L.tmp(), L.tmp(), L.tmp()];
  L.emit(i);
  return true;
}

export function lowerAtomicRules(r: RuleTable<S390xLower>): void {
  r.add(FENCE, 'fence', fenceRule)
    .add(ATOMIC_LOAD, 'atomic_load', loadRule)
    .add(ATOMIC_STORE, 'atomic_store', storeRule)
    .add(ATOMIC_RMW, 'atomic_rmw', rmwRule)
    .add(ATOMIC_CAS, 'atomic_cas', casRule);
}
