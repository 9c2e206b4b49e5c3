// Atomics: x86-64 is TSO, so atomic loads are plain loads and seq-cst stores use `xchg`;
// add/sub/xchg have single locked instructions, the other read-modify-write ops a
// `lock cmpxchg` loop (a pseudo-instruction expanded after allocation).

import {
  type Inst, type Type, ATOMIC_CAS, ATOMIC_LOAD, ATOMIC_RMW, ATOMIC_STORE, I128, I16, I32, I64, I8, bytes,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import {
  type MInst, AluOp, CC, MInst as MInstClass, NO_REG, type OperandSize, UnaryOp, aluRM, amBase, cmov, cmpxchg, cmpxchg16b, jcc,
  load, movImm, movRR, movzx, rax, rbx, rcx, rdx, unary, xadd, xchg, CC as CCs, Reloc,
} from '../inst';
import { PseudoOp, VREG_BASE, type X64Lower } from './state';

const raw = (r: number): number => r - VREG_BASE;
const isInt = (t: Type): boolean => t === I8 || t === I16 || t === I32 || t === I64;
// Big-endian atomics never reach these rules: rules.ts rejects every `big` access first.

function atomicLoad(L: X64Lower, inst: Inst): boolean {
  const t = L.f.valueType[L.f.result(inst, 0)] as Type;
  if (!isInt(t)) return false;
  const a = amBase(L.gpr(L.f.arg(inst, 0)), 0);
  const size = bytes(t);
  L.emit(size >= 4 ? load(size as 4 | 8, L.out(), a) : movzx(size as 1 | 2, 4, L.out(), a));
  return true;
}

function atomicStore(L: X64Lower, inst: Inst): boolean {
  const v = L.f.arg(inst, 0);
  const t = L.f.valueType[L.f.resolveAliases(v)] as Type;
  if (!isInt(t)) return false;
  const a = amBase(L.gpr(L.f.arg(inst, 1)), 0);
  L.emitMod(xchg(bytes(t) as OperandSize, a, L.tmp()), L.gpr(v));
  return true;
}

function atomicCas(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = f.valueType[f.result(inst, 0)] as Type;
  if (!isInt(t)) return false;
  const a = amBase(L.gpr(f.arg(inst, 0)), 0);
  const expected = L.gpr(f.arg(inst, 1));
  const repl = L.gpr(f.arg(inst, 2));
  L.emitWith(cmpxchg(bytes(t) as OperandSize, a, repl), { fixedUses: [raw(expected), rax], fixedDefs: [raw(L.out()), rax] });
  return true;
}

function atomicRmw(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  const t = f.valueType[f.result(inst, 0)] as Type;
  if (!isInt(t)) return false;
  const size = bytes(t) as OperandSize;
  const addr = L.gpr(f.arg(inst, 0));
  const val = L.gpr(f.arg(inst, 1));
  const op = f.instImm1[inst];
  switch (op) {
    case 0: // add
      L.emitMod(xadd(size, amBase(addr, 0), L.out()), val);
      return true;
    case 1: { // sub: add the negation
      const n = L.tmp();
      L.emitMod(unary(UnaryOp.Neg, size < 4 ? 4 : size, n), val);
      L.emitMod(xadd(size, amBase(addr, 0), L.out()), n);
      return true;
    }
    case 6: // xchg
      L.emitMod(xchg(size, amBase(addr, 0), L.out()), val);
      return true;
  }
  const p = new MInstClass(PseudoOp.AtomicRmwLoop as never, size, op, L.tmp(), addr, val, null, 0, 0, CC.O, -1, null, 0, 0, -1, null);
  L.emitWith(p, { fixedDefs: [raw(L.out()), rax], earlyFixedDefs: true });
  return true;
}

/**
 * Expands an AtomicRmwLoop (registers allocated) into real instructions. `label` returns fresh
 * internal labels; `bind` binds one at the current position.
 */
export function expandAtomicLoop(p: MInst, label: () => number, bind: (l: number) => void, put: (i: MInst) => void): void {
  const size = p.size;
  const mem = () => amBase(p.src, 0);
  const t = p.dst;
  const v = p.src2;
  const wide: OperandSize = size < 4 ? 4 : size;
  put(size >= 4 ? load(size, rax, mem()) : movzx(size as 1 | 2, 4, rax, mem()));
  const top = label();
  bind(top);
  switch (p.sub) {
    case 2: put(movRR(8, t, rax)); put(aluRM(AluOp.And, wide, t, v)); break;
    case 3: put(movRR(8, t, rax)); put(aluRM(AluOp.And, wide, t, v)); put(unary(UnaryOp.Not, wide, t)); break;
    case 4: put(movRR(8, t, rax)); put(aluRM(AluOp.Or, wide, t, v)); break;
    case 5: put(movRR(8, t, rax)); put(aluRM(AluOp.Xor, wide, t, v)); break;
    default: {
      // min/max: t = (rax is the answer) ? rax : v
      const cc = p.sub === 7 ? CCs.B : p.sub === 8 ? CCs.A : p.sub === 9 ? CCs.L : CCs.G;
      put(movRR(8, t, v));
      put(aluRM(AluOp.Cmp, size, rax, v));
      put(cmov(cc, wide, t, rax));
    }
  }
  put(cmpxchg(size, mem(), t));
  put(jcc(CC.NE, top));
}

// ------------------------------------------------------------------ i128: lock cmpxchg16b
//
// `lock cmpxchg16b [m]` compares rdx:rax with the 16 bytes at m (which must be 16-byte aligned):
// if equal it stores rcx:rbx (ZF = 1), else it loads them into rdx:rax (ZF = 0). Every i128
// atomic is built from it: a load is a compare-exchange of 0 with 0 (it writes only the value
// already there), a store or read-modify-write a loop until the exchange succeeds.

/** Whether `inst` is an i128 atomic this target can lower; throws a typed error when it cannot. */
function i128Atomic(L: X64Lower, inst: Inst, t: Type): boolean {
  if (t !== I128) return false;
  if (!L.isaFlags.cmpxchg16b) L.unsupported('i128 atomics need cmpxchg16b (target flag has_cmpxchg16b)');
  return true;
}

/** Distinct vregs for the fixed registers of one instruction: a value read twice is copied. */
function distinct(L: X64Lower, regs: number[]): number[] {
  return regs.map((r, k) => {
    if (regs.indexOf(r) === k) return raw(r);
    const c = L.tmp();
    L.move(c, r);
    return raw(c);
  });
}

function atomicLoad128(L: X64Lower, inst: Inst): boolean {
  if (!i128Atomic(L, inst, L.f.valueType[L.f.result(inst, 0)] as Type)) return false;
  const a = amBase(L.gpr(L.f.arg(inst, 0)), 0);
  const zeros = [L.tmp(), L.tmp(), L.tmp(), L.tmp()];
  for (const z of zeros) L.emit(movImm(4, z, 0));
  const [lo, hi] = L.outPair();
  L.emitWith(cmpxchg16b(a), {
    fixedUses: [raw(zeros[0]), rax, raw(zeros[1]), rdx, raw(zeros[2]), rbx, raw(zeros[3]), rcx],
    fixedDefs: [raw(lo), rax, raw(hi), rdx],
  });
  return true;
}

function atomicCas128(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  if (!i128Atomic(L, inst, f.valueType[f.result(inst, 0)] as Type)) return false;
  const a = amBase(L.gpr(f.arg(inst, 0)), 0);
  const [elo, ehi, rlo, rhi] = distinct(L, [...L.pair(f.arg(inst, 1)), ...L.pair(f.arg(inst, 2))]);
  const [lo, hi] = L.outPair();
  L.emitWith(cmpxchg16b(a), {
    fixedUses: [elo, rax, ehi, rdx, rlo, rbx, rhi, rcx],
    fixedDefs: [raw(lo), rax, raw(hi), rdx],
  });
  return true;
}

/** The loop pseudo-instruction: `op` is an ATOMIC_RMW_OPS index; the old value goes to outLo:outHi. */
function rmwLoop128(L: X64Lower, op: number, addr: number, vlo: number, vhi: number, outLo: number, outHi: number): void {
  const p = new MInstClass(PseudoOp.AtomicRmwLoop128 as never, 8, op, NO_REG, vlo, vhi, amBase(addr, 0), 0, 0, CC.O, -1, null, 0, 0, -1, null);
  // rbx and rcx hold the new value: early defs of dead temporaries, so no input shares them.
  L.emitWith(p, { fixedDefs: [raw(outLo), rax, raw(outHi), rdx, raw(L.tmp()), rbx, raw(L.tmp()), rcx] });
}

function atomicStore128(L: X64Lower, inst: Inst): boolean {
  const v = L.f.arg(inst, 0);
  if (!i128Atomic(L, inst, L.f.valueType[L.f.resolveAliases(v)] as Type)) return false;
  const [lo, hi] = L.pair(v);
  rmwLoop128(L, XCHG_OP, L.gpr(L.f.arg(inst, 1)), lo, hi, L.tmp(), L.tmp());
  return true;
}

function atomicRmw128(L: X64Lower, inst: Inst): boolean {
  const f = L.f;
  if (!i128Atomic(L, inst, f.valueType[f.result(inst, 0)] as Type)) return false;
  const op = f.instImm1[inst];
  if (!(op >= 0 && op <= 10)) L.unsupported(`atomic_rmw operation ${op}`);
  const [lo, hi] = L.pair(f.arg(inst, 1));
  const [dlo, dhi] = L.outPair();
  rmwLoop128(L, op, L.gpr(f.arg(inst, 0)), lo, hi, dlo, dhi);
  return true;
}

const XCHG_OP = 6;

/** Expands an AtomicRmwLoop128 (registers allocated); see `expandAtomicLoop`. */
export function expandAtomicLoop128(p: MInst, label: () => number, bind: (l: number) => void, put: (i: MInst) => void): void {
  const addr = (p.mem as NonNullable<MInst['mem']>).base;
  const mem = (disp: number) => amBase(addr, disp);
  const vlo = p.src;
  const vhi = p.src2;
  put(load(8, rax, mem(0)));
  put(load(8, rdx, mem(8)));
  const top = label();
  bind(top);
  // rcx:rbx <- (rdx:rax op vhi:vlo), two 64-bit halves (with the carry for add/sub).
  const halves = (lowOp: AluOp, highOp: AluOp): void => {
    put(movRR(8, rbx, rax));
    put(aluRM(lowOp, 8, rbx, vlo));
    put(movRR(8, rcx, rdx));
    put(aluRM(highOp, 8, rcx, vhi));
  };
  switch (p.sub) {
    case 0: halves(AluOp.Add, AluOp.Adc); break;
    case 1: halves(AluOp.Sub, AluOp.Sbb); break;
    case 2: halves(AluOp.And, AluOp.And); break;
    case 3: halves(AluOp.And, AluOp.And); put(unary(UnaryOp.Not, 8, rbx)); put(unary(UnaryOp.Not, 8, rcx)); break;
    case 4: halves(AluOp.Or, AluOp.Or); break;
    case 5: halves(AluOp.Xor, AluOp.Xor); break;
    case XCHG_OP: put(movRR(8, rbx, vlo)); put(movRR(8, rcx, vhi)); break;
    default: {
      // min/max: the flags of the 128-bit subtraction old - v (cmp on the low halves, sbb on
      // the high ones; ZF is meaningless but no condition below reads it), then keep the old
      // value when the condition holds. mov leaves the flags alone.
      const cc = p.sub === 7 ? CCs.B : p.sub === 8 ? CCs.AE : p.sub === 9 ? CCs.L : CCs.GE;
      put(movRR(8, rbx, rax));
      put(aluRM(AluOp.Cmp, 8, rbx, vlo));
      put(movRR(8, rcx, rdx));
      put(aluRM(AluOp.Sbb, 8, rcx, vhi));
      put(movRR(8, rbx, vlo));
      put(movRR(8, rcx, vhi));
      put(cmov(cc, 8, rbx, rax));
      put(cmov(cc, 8, rcx, rdx));
    }
  }
  put(cmpxchg16b(mem(0)));
  put(jcc(CC.NE, top));
}

export function lowerAtomicRules(r: RuleTable<X64Lower>): void {
  r.add(ATOMIC_LOAD, 'atomic_load mov', atomicLoad);
  r.add(ATOMIC_LOAD, 'atomic_load.i128 lock cmpxchg16b', atomicLoad128);
  r.add(ATOMIC_STORE, 'atomic_store xchg', atomicStore);
  r.add(ATOMIC_STORE, 'atomic_store.i128 cmpxchg16b loop', atomicStore128);
  r.add(ATOMIC_CAS, 'lock cmpxchg', atomicCas);
  r.add(ATOMIC_CAS, 'atomic_cas.i128 lock cmpxchg16b', atomicCas128);
  r.add(ATOMIC_RMW, 'atomic_rmw', atomicRmw);
  r.add(ATOMIC_RMW, 'atomic_rmw.i128 cmpxchg16b loop', atomicRmw128);
}

export { NO_REG, Reloc };
