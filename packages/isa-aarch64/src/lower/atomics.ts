// Atomics, sequentially consistent: loads `ldar`, stores `stlr`; read-modify-write ops and
// compare-and-swap as single LSE instructions (`ldaddal`, `ldclral`, `swpal`, `casal`, ...)
// with `has_lse`, otherwise load-exclusive/store-exclusive loops (`ldaxr`/`stlxr`), which are
// pseudo-instructions expanded after register allocation so nothing can spill inside them.
// i128 uses the pair forms: `ldaxp`/`stlxp` loops, and `caspal` for compare-and-swap with LSE.
//
// A loop's scratch registers are x16 and x17: never allocated, and free inside one
// instruction's expansion (x16 is the allocator's, used only between instructions; x17 the
// emitter's, used only for frame addresses).

import {
  type Inst, type Type, ATOMIC_CAS, ATOMIC_LOAD, ATOMIC_RMW, ATOMIC_STORE, I128, I16, I32, I64, I8, memEndianness, ENDIAN_BIG,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  AluOp, BfOp, CSelOp, Cond, ExclOp, Extend, LseOp, MInst, NO_REG, Op, VREG_BASE, aluRRR, aluRRRExtend, bcond, bitfield, casp, cas,
  cbz, csel, excl, lse, x16, x17, xreg, xzr, ccmp,
} from '../inst';
import { trapOf } from './mem';
import type { A64Lower } from './state';

const raw = (r: number): number => r - VREG_BASE;
const isInt = (t: Type): boolean => t === I8 || t === I16 || t === I32 || t === I64;
const log2Size = (t: Type): number => (t === I8 ? 0 : t === I16 ? 1 : t === I32 ? 2 : 3);

/** The rmw ops of CLIF (`ATOMIC_RMW_OPS` order). */
const Rmw = { Add: 0, Sub: 1, And: 2, Nand: 3, Or: 4, Xor: 5, Xchg: 6, Umin: 7, Umax: 8, Smin: 9, Smax: 10 } as const;

function checkLittle(L: A64Lower, flags: number): void {
  if (memEndianness(flags) === ENDIAN_BIG) L.unsupported('big-endian atomic access on aarch64');
}

/**
 * The AtomicLoop pseudo-instruction: `sub` = rmw op, `sz` = log2 bytes, rd = old value (early
 * def), rn = address, rm = operand; i128 (sz 4): rd/ra = old (lo, hi), operand in fixed x2:x3.
 */
function atomicLoop(op: number, size: number, old: number, addr: number, v: number, oldHi = NO_REG): MInst {
  return new MInst(Op.AtomicLoop, op, size, old, addr, v, oldHi, 0, 0, 0, 0, -1, null, -1);
}
/** The AtomicCasLoop pseudo-instruction: rd = old (early def), rn = address, rm = expected, ra = replacement. */
function casLoop(size: number, old: number, addr: number, expected: number, repl: number): MInst {
  return new MInst(Op.AtomicCasLoop, 0, size, old, addr, expected, repl, 0, 0, 0, 0, -1, null, -1);
}

/**
 * Fixed registers of a 128-bit read-modify-write loop: operand in x2:x3, old value out of
 * x0:x1, the store-exclusive status in x4 (all written while the inputs are still read: early).
 */
function loop128Facts(L: A64Lower, lo: number, hi: number, olo: number, ohi: number): { fixedUses: number[]; fixedDefs: number[]; earlyFixedDefs: boolean } {
  return {
    fixedUses: [raw(lo), xreg(2), raw(hi), xreg(3)],
    fixedDefs: [raw(olo), xreg(0), raw(ohi), xreg(1), raw(L.tmp()), xreg(4)],
    earlyFixedDefs: true,
  };
}

function atomicLoad(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = f.valueType[f.result(inst, 0)] as Type;
  checkLittle(L, f.instImm0[inst]);
  const addr = L.gpr(f.arg(inst, 0));
  if (t === I128) {
    // An atomic 16-byte load: ldaxp, then store the same value back exclusively (xchg with itself).
    const [lo, hi] = L.outPair();
    const p = atomicLoop(Rmw.Xchg, 4, NO_REG, addr, NO_REG);
    p.imm2 = 1;
    L.emit(p, { fixedDefs: [raw(lo), xreg(0), raw(hi), xreg(1)], earlyFixedDefs: true });
    return true;
  }
  if (!isInt(t)) return false;
  const i = excl(ExclOp.Ldar, log2Size(t), L.out(), addr);
  i.trap = trapOf(f.instImm0[inst]);
  L.emit(i);
  return true;
}

function atomicStore(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const v = f.arg(inst, 0);
  const t = f.valueType[f.resolveAliases(v)] as Type;
  checkLittle(L, f.instImm0[inst]);
  const addr = L.gpr(f.arg(inst, 1));
  if (t === I128) {
    const [lo, hi] = L.pair(v);
    L.emit(atomicLoop(Rmw.Xchg, 4, NO_REG, addr, NO_REG), loop128Facts(L, lo, hi, L.tmp(), L.tmp()));
    return true;
  }
  if (!isInt(t)) return false;
  const i = excl(ExclOp.Stlr, log2Size(t), L.gpr(v), addr);
  i.trap = trapOf(f.instImm0[inst]);
  L.emit(i);
  return true;
}

function atomicRmw(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = f.valueType[f.result(inst, 0)] as Type;
  checkLittle(L, f.instImm0[inst]);
  const addr = L.gpr(f.arg(inst, 0));
  const op = f.instImm1[inst];
  if (t === I128) {
    const [lo, hi] = L.pair(f.arg(inst, 1));
    const [olo, ohi] = L.outPair();
    L.emit(atomicLoop(op, 4, NO_REG, addr, NO_REG), loop128Facts(L, lo, hi, olo, ohi));
    return true;
  }
  if (!isInt(t)) return false;
  const size = log2Size(t);
  let v = L.gpr(f.arg(inst, 1));
  if (L.features.lse && op !== Rmw.Nand) {
    let lop: number;
    switch (op) {
      case Rmw.Add: lop = LseOp.Ldadd; break;
      case Rmw.Sub: {
        const n = L.tmp();
        L.emit(aluRRR(AluOp.Sub, size === 3 ? 1 : 0, n, xzr, v));
        v = n;
        lop = LseOp.Ldadd;
        break;
      }
      case Rmw.And: {
        const n = L.tmp();
        L.emit(aluRRR(AluOp.Orn, size === 3 ? 1 : 0, n, xzr, v));
        v = n;
        lop = LseOp.Ldclr;
        break;
      }
      case Rmw.Or: lop = LseOp.Ldset; break;
      case Rmw.Xor: lop = LseOp.Ldeor; break;
      case Rmw.Xchg: lop = LseOp.Swp; break;
      case Rmw.Umin: lop = LseOp.Ldumin; break;
      case Rmw.Umax: lop = LseOp.Ldumax; break;
      case Rmw.Smin: lop = LseOp.Ldsmin; break;
      default: lop = LseOp.Ldsmax; break;
    }
    const i = lse(lop, size, v, L.out(), addr, 3);
    i.trap = trapOf(f.instImm0[inst]);
    L.emit(i);
    return true;
  }
  L.emit(atomicLoop(op, size, L.out(), addr, v));
  return true;
}

function atomicCas(L: A64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = f.valueType[f.result(inst, 0)] as Type;
  checkLittle(L, f.instImm0[inst]);
  const addr = L.gpr(f.arg(inst, 0));
  if (t === I128) {
    const [elo, ehi] = L.pair(f.arg(inst, 1));
    const [rlo, rhi] = L.pair(f.arg(inst, 2));
    const [olo, ohi] = L.outPair();
    if (L.features.lse) {
      // caspal x0:x1 (expected, then the old value), x2:x3 (replacement).
      L.emit(casp(xreg(0), xreg(2), addr, 3), {
        fixedUses: [raw(elo), xreg(0), raw(ehi), xreg(1), raw(rlo), xreg(2), raw(rhi), xreg(3)],
        fixedDefs: [raw(olo), xreg(0), raw(ohi), xreg(1)],
      });
      return true;
    }
    L.emit(casLoop(4, NO_REG, addr, NO_REG, NO_REG), {
      fixedUses: [raw(elo), xreg(2), raw(ehi), xreg(3), raw(rlo), xreg(4), raw(rhi), xreg(5)],
      fixedDefs: [raw(olo), xreg(0), raw(ohi), xreg(1)], earlyFixedDefs: true,
    });
    return true;
  }
  if (!isInt(t)) return false;
  const size = log2Size(t);
  const expected = L.gpr(f.arg(inst, 1));
  const repl = L.gpr(f.arg(inst, 2));
  if (L.features.lse) {
    // cas: Rs holds the expected value and receives the old one.
    const i = cas(size, L.out(), repl, addr, 3);
    i.trap = trapOf(f.instImm0[inst]);
    L.emit(i, { tie: raw(expected) });
    return true;
  }
  L.emit(casLoop(size, L.out(), addr, expected, repl));
  return true;
}

/**
 * Expands an atomic loop (registers allocated). `label` makes internal labels, `bind` binds
 * one here, `put` emits an instruction.
 */
export function expandAtomic(p: MInst, label: () => number, bind: (l: number) => void, put: (i: MInst) => void): void {
  const size = p.sz;
  const loop = label();
  if (size === 4) {
    expand128(p, loop, label, bind, put);
    return;
  }
  const sf = size === 3 ? 1 : 0;
  const old = p.rd;
  const addr = p.rn;
  bind(loop);
  put(excl(ExclOp.Ldaxr, size, old, addr));
  if (p.op === Op.AtomicCasLoop) {
    const done = label();
    const ext = size === 0 ? Extend.UXTB : size === 1 ? Extend.UXTH : -1;
    if (ext >= 0) put(aluRRRExtend(AluOp.Subs, 0, xzr, old, p.rm, ext as Extend));
    else put(aluRRR(AluOp.Subs, sf, xzr, old, p.rm));
    put(bcond(Cond.NE, done));
    put(excl(ExclOp.Stlxr, size, p.ra, addr, x17));
    put(cbz(true, 0, x17, loop));
    bind(done);
    return;
  }
  const v = p.rm;
  const nv = x16;
  switch (p.sub) {
    case Rmw.Add: put(aluRRR(AluOp.Add, sf, nv, old, v)); break;
    case Rmw.Sub: put(aluRRR(AluOp.Sub, sf, nv, old, v)); break;
    case Rmw.And: put(aluRRR(AluOp.And, sf, nv, old, v)); break;
    case Rmw.Nand:
      put(aluRRR(AluOp.And, sf, nv, old, v));
      put(aluRRR(AluOp.Orn, sf, nv, xzr, nv));
      break;
    case Rmw.Or: put(aluRRR(AluOp.Orr, sf, nv, old, v)); break;
    case Rmw.Xor: put(aluRRR(AluOp.Eor, sf, nv, old, v)); break;
    case Rmw.Xchg: break;
    default: {
      // min/max at the access size: narrow values compared extended (old is zero-extended by ldaxr).
      const signed = p.sub === Rmw.Smin || p.sub === Rmw.Smax;
      const min = p.sub === Rmw.Smin || p.sub === Rmw.Umin;
      let a = old;
      if (size < 2) {
        if (signed) {
          put(bitfield(BfOp.Sbfm, 0, x16, old, 0, size === 0 ? 7 : 15));
          a = x16;
        }
        const ext = (size === 0 ? Extend.UXTB : Extend.UXTH) + (signed ? 4 : 0);
        put(aluRRRExtend(AluOp.Subs, 0, xzr, a, v, ext as Extend));
      } else put(aluRRR(AluOp.Subs, sf, xzr, old, v));
      const c = signed ? (min ? Cond.LT : Cond.GT) : min ? Cond.LO : Cond.HI;
      put(csel(CSelOp.Csel, sf, nv, old, v, c));
    }
  }
  put(excl(ExclOp.Stlxr, size, p.sub === Rmw.Xchg ? v : nv, addr, x17));
  put(cbz(true, 0, x17, loop));
}

/** 128-bit loops: old value in x0:x1, operand (or expected value) in x2:x3; new value in x16:x17 (rmw) or x4:x5 (cas). */
function expand128(p: MInst, loop: number, label: () => number, bind: (l: number) => void, put: (i: MInst) => void): void {
  const addr = p.rn;
  if (p.op === Op.AtomicCasLoop) {
    // old in x0:x1, expected x2:x3, replacement x4:x5; status in x16.
    const done = label();
    bind(loop);
    put(excl(ExclOp.Ldaxp, 3, xreg(0), addr, NO_REG, xreg(1)));
    put(aluRRR(AluOp.Subs, 1, xzr, xreg(0), xreg(2)));
    put(ccmp(1, xreg(1), xreg(3), 0, Cond.EQ));
    put(bcond(Cond.NE, done));
    put(excl(ExclOp.Stlxp, 3, xreg(4), addr, x16, xreg(5)));
    put(cbz(true, 0, x16, loop));
    bind(done);
    // A failed compare leaves the exclusive monitor open; storing the old value back closes it.
    return;
  }
  const olo = xreg(0);
  const ohi = xreg(1);
  bind(loop);
  put(excl(ExclOp.Ldaxp, 3, olo, addr, NO_REG, ohi));
  if (p.imm2 === 1) {
    // An atomic load: store the value read back.
    put(excl(ExclOp.Stlxp, 3, olo, addr, x16, ohi));
    put(cbz(true, 0, x16, loop));
    return;
  }
  const vlo = xreg(2);
  const vhi = xreg(3);
  let nlo: number = x16;
  let nhi: number = x17;
  switch (p.sub) {
    case Rmw.Add:
      put(aluRRR(AluOp.Adds, 1, nlo, olo, vlo));
      put(aluRRR(AluOp.Adc, 1, nhi, ohi, vhi));
      break;
    case Rmw.Sub:
      put(aluRRR(AluOp.Subs, 1, nlo, olo, vlo));
      put(aluRRR(AluOp.Sbc, 1, nhi, ohi, vhi));
      break;
    case Rmw.And: case Rmw.Or: case Rmw.Xor: case Rmw.Nand: {
      const a = p.sub === Rmw.Or ? AluOp.Orr : p.sub === Rmw.Xor ? AluOp.Eor : AluOp.And;
      put(aluRRR(a, 1, nlo, olo, vlo));
      put(aluRRR(a, 1, nhi, ohi, vhi));
      if (p.sub === Rmw.Nand) {
        put(aluRRR(AluOp.Orn, 1, nlo, xzr, nlo));
        put(aluRRR(AluOp.Orn, 1, nhi, xzr, nhi));
      }
      break;
    }
    case Rmw.Xchg:
      nlo = vlo;
      nhi = vhi;
      break;
    default: {
      // old < v as a 128-bit compare (cmp lo; sbcs hi), then select the min or max.
      const signed = p.sub === Rmw.Smin || p.sub === Rmw.Smax;
      const min = p.sub === Rmw.Smin || p.sub === Rmw.Umin;
      put(aluRRR(AluOp.Subs, 1, xzr, olo, vlo));
      put(aluRRR(AluOp.Sbcs, 1, xzr, ohi, vhi));
      const lt = signed ? Cond.LT : Cond.LO;
      const c = min ? lt : ((lt ^ 1) as Cond);
      put(csel(CSelOp.Csel, 1, nlo, olo, vlo, c));
      put(csel(CSelOp.Csel, 1, nhi, ohi, vhi, c));
    }
  }
  // The status register must differ from the stored ones: x16/x17 hold the new value, so the
  // status goes to x4 (a fixed early def of the pseudo-instruction).
  put(excl(ExclOp.Stlxp, 3, nlo, addr, xreg(4), nhi));
  put(cbz(true, 0, xreg(4), loop));
}

export function addAtomicRules(r: RuleTable<A64Lower>): void {
  r.add(ATOMIC_LOAD, 'atomic_load', atomicLoad);
  r.add(ATOMIC_STORE, 'atomic_store', atomicStore);
  r.add(ATOMIC_RMW, 'atomic_rmw', atomicRmw);
  r.add(ATOMIC_CAS, 'atomic_cas', atomicCas);
}
