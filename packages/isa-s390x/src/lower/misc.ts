// Addresses of symbols and global values, frame introspection, overflow arithmetic.

import {
  type Inst, FUNC_ADDR, GET_FRAME_POINTER, GET_RETURN_ADDRESS, GET_STACK_POINTER, GLOBAL_VALUE, I32, I64, I8,
  SADD_OVERFLOW, SMUL_OVERFLOW, SSUB_OVERFLOW, SYMBOL_VALUE, TLS_VALUE, UADD_OVERFLOW, UADD_OVERFLOW_TRAP,
  UMUL_OVERFLOW, USUB_OVERFLOW, SADD_OVERFLOW_CIN, UADD_OVERFLOW_CIN, SSUB_OVERFLOW_BIN, USUB_OVERFLOW_BIN, bytes,
  GET_PINNED_REG, SET_PINNED_REG,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { condBr, inst, ri, rr, rrr, rsy, rx } from '../inst/mod';
import { NO_REG, r13, r15 } from '../inst/regs';
import { extend64, materialize } from './cond';
import { type S390xLower } from './state';
import { isIntScalar, resultType } from './types';
import { symbolName } from './symbols';
import { lowerTls } from './tls';

/** dst <- the address of `sym` + `offset` (PC-relative when colocated, else from the GOT). */
export function symbolAddr(L: S390xLower, dst: number, sym: string, offset: number, colocated: boolean): void {
  if (colocated && offset % 2 === 0 && Number.isSafeInteger(offset) && Math.abs(offset) < 2 ** 31) {
    const i = inst('larl');
    i.r1 = dst;
    i.sym = sym;
    i.relocKind = 'S390xPCRel32Dbl';
    i.addend = offset;
    L.emit(i);
    return;
  }
  const base = offset === 0 ? dst : L.tmp();
  if (colocated) {
    const i = inst('larl');
    i.r1 = base;
    i.sym = sym;
    i.relocKind = 'S390xPCRel32Dbl';
    L.emit(i);
  } else {
    const i = inst('lgrl');
    i.r1 = base;
    i.sym = sym;
    i.relocKind = 'S390xGotEnt32Dbl';
    L.emit(i);
  }
  if (offset !== 0) L.emit(rrr('agrk', dst, base, L.constReg(offset | 0, Math.floor(offset / 2 ** 32) | 0)));
}

function globalValueInto(L: S390xLower, gv: number, dst: number, depth = 0): void {
  const f = L.f;
  const g = f.globalValues[gv];
  if (g === undefined || depth > 32) L.unsupported(`global value gv${gv}`);
  switch (g.kind) {
    case 'vmctx': {
      const idx = f.signature.params.findIndex((p) => p.purpose === 'vmctx');
      if (idx < 0) L.unsupported('vmctx global value without a vmctx parameter');
      L.moveG(dst, L.reg(f.blockParams[f.entryBlock() as number][idx]));
      return;
    }
    case 'load': {
      const base = L.tmp();
      globalValueInto(L, g.base, base, depth + 1);
      const sz = bytes(g.globalType);
      L.emit(rx(sz === 8 ? 'lg' : 'llgf', dst, base, NO_REG, g.offset));
      return;
    }
    case 'iadd_imm': {
      const base = L.tmp();
      globalValueInto(L, g.base, base, depth + 1);
      const off = BigInt.asIntN(64, g.offset);
      L.emit(rrr('agrk', dst, base, L.constReg(Number(BigInt.asIntN(32, off)), Number(BigInt.asIntN(32, off >> 32n)))));
      return;
    }
    case 'symbol':
      if (g.tls) L.unsupported('a thread-local symbol outside tls_value');
      symbolAddr(L, dst, symbolName(g.name), Number(g.offset), g.colocated);
      return;
    default:
      L.unsupported(`global value kind ${g.kind}`);
  }
}

function globalValueRule(L: S390xLower, inst: Inst): boolean {
  globalValueInto(L, L.f.instImm0[inst], L.out());
  return true;
}

function funcAddrRule(L: S390xLower, inst: Inst): boolean {
  const fr = L.f.funcRefs[L.f.instImm0[inst]];
  if (fr === undefined) return false;
  symbolAddr(L, L.out(), symbolName(fr.name), 0, fr.colocated);
  return true;
}

function stackPointerRule(L: S390xLower): boolean {
  L.emit(rr('lgr', L.out(), r15));
  return true;
}
function framePointerRule(L: S390xLower): boolean {
  // The back chain: the caller's stack pointer, stored at 0(%r15) by every prologue that
  // allocates a frame.
  L.needsFrame = true;
  L.emit(rx('lg', L.out(), r15, NO_REG, 0));
  return true;
}
function returnAddressRule(L: S390xLower): boolean {
  // %r14 as the prologue saved it in the caller's register save area.
  L.needsFrame = true;
  L.savesR14 = true;
  L.emit(L.retAddrMem(rx('lg', L.out(), r15, NO_REG, 0)));
  return true;
}

/** `enable_pinned_reg`: %r13 holds the pinned value (never allocated, never saved). */
function pinnedRule(L: S390xLower, inst: Inst): boolean {
  if (!L.features.pinnedReg) L.unsupported('get_pinned_reg / set_pinned_reg without enable_pinned_reg');
  if (L.f.instOpcode[inst] === GET_PINNED_REG) L.emit(rr('lgr', L.out(), r13));
  else L.emit(rr('lgr', r13, L.reg(L.f.arg(inst, 0))));
  return true;
}

// ------------------------------------------------------------------ overflow arithmetic

const OVF: Record<number, [string, string, boolean]> = {
  // [op64, op32, signed]
  [UADD_OVERFLOW]: ['algrk', 'alrk', false], [SADD_OVERFLOW]: ['agrk', 'ark', true],
  [USUB_OVERFLOW]: ['slgrk', 'slrk', false], [SSUB_OVERFLOW]: ['sgrk', 'srk', true],
  [UMUL_OVERFLOW]: ['', '', false], [SMUL_OVERFLOW]: ['msgrkc', 'msrkc', true],
};

/** The CC mask of overflow after the 32/64-bit `op` (carry, borrow or signed overflow). */
function overflowMask(op: number): number {
  switch (op) {
    case UADD_OVERFLOW: return 3; // carry: CC2, CC3
    case USUB_OVERFLOW: return 12; // borrow: CC0, CC1
    default: return 1; // signed overflow: CC3
  }
}

function overflowRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const op = L.f.instOpcode[inst];
  const [op64, op32, signed] = OVF[op];
  const av = L.f.arg(inst, 0);
  const bv = L.f.arg(inst, 1);
  const dst = L.out(0);
  const flag = L.out(1);
  if (op === UMUL_OVERFLOW) {
    if (t === I64) {
      const hi = L.tmp();
      const a = L.copyG(L.reg(av));
      L.emit(rr('mlgr', 2, L.reg(bv)), { fixedUses: [a - 64, 3], fixedDefs: [hi - 64, 2, dst - 64, 3] });
      L.emit(ri('cghi', hi, 0));
      materialize(L, flag, 7);
      return true;
    }
    const p = L.tmp();
    L.emit(rrr('msgrkc', p, extend64(L, av, false), extend64(L, bv, false)));
    L.moveG(dst, p);
    const hi = L.tmp();
    L.emit(rsy('srlg', hi, p, NO_REG, bytes(t) * 8));
    L.emit(ri('cghi', hi, 0));
    materialize(L, flag, 7);
    return true;
  }
  if (t === I64 || t === I32) {
    L.emit(rrr(t === I64 ? op64 : op32, dst, L.reg(av), L.reg(bv)));
    materialize(L, flag, overflowMask(op));
    return true;
  }
  // i8/i16: compute in 64 bits from extended operands; overflow when the result does not fit.
  const a = extend64(L, av, signed);
  const b = extend64(L, bv, signed);
  const r = L.tmp();
  L.emit(rrr(op === UADD_OVERFLOW || op === SADD_OVERFLOW ? 'agrk' : op === SMUL_OVERFLOW ? 'msgrkc' : 'sgrk', r, a, b));
  L.moveG(dst, r);
  const e = L.tmp();
  L.emit(rr(t === I8 ? (signed ? 'lgbr' : 'llgcr') : signed ? 'lghr' : 'llghr', e, r));
  L.emit(rr('cgr', e, r));
  materialize(L, flag, 7);
  return true;
}

/** `uadd_overflow_cin` and friends: a carry/borrow in, the sum and the carry/overflow out. */
function overflowCinRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isIntScalar(t)) return false;
  const op = L.f.instOpcode[inst];
  const sub = op === USUB_OVERFLOW_BIN || op === SSUB_OVERFLOW_BIN;
  const signed = op === SADD_OVERFLOW_CIN || op === SSUB_OVERFLOW_BIN;
  const av = L.f.arg(inst, 0);
  const bv = L.f.arg(inst, 1);
  const cin = extend64(L, L.f.arg(inst, 2), false);
  const dst = L.out(0);
  const flag = L.out(1);
  if (t === I64) {
    // Carry in for ALCGR is CC2/CC3; borrow in for SLBGR is CC0/CC1.
    if (!sub) L.emit(ri('clgfi', cin, 0));
    else {
      const z = L.constReg(0, 0);
      const junk = L.tmp();
      L.emit(rrr('slgrk', junk, z, cin));
    }
    const a = L.reg(av);
    const b = L.reg(bv);
    const r = L.tmp();
    L.emitTied(rr(sub ? 'slbgr' : 'alcgr', r, b), a);
    L.moveG(dst, r);
    if (!signed) {
      materialize(L, flag, sub ? 12 : 3);
      return true;
    }
    // Signed overflow: the operands' signs agree (add) / differ (sub) and the result's differs from a's.
    const x1 = L.tmp();
    L.emit(rrr('xgrk', x1, a, r));
    const x2 = L.tmp();
    if (sub) L.emit(rrr('xgrk', x2, a, b));
    else L.emit(rrr('xgrk', x2, b, r));
    const m = L.tmp();
    L.emit(rrr('ngrk', m, x1, x2));
    L.emit(rsy('srlg', flag, m, NO_REG, 63));
    return true;
  }
  const a = extend64(L, av, signed);
  const b = extend64(L, bv, signed);
  const c = L.tmp();
  L.emit(ri('clgfi', cin, 0));
  const z = L.constReg(0, 0);
  const one = L.tmp();
  const lc = ri('locghi', one, 1);
  lc.m3 = 2;
  L.emitTied(lc, z);
  const s1 = L.tmp();
  L.emit(rrr(sub ? 'sgrk' : 'agrk', s1, a, b));
  L.emit(rrr(sub ? 'sgrk' : 'agrk', c, s1, one));
  L.moveG(dst, c);
  const e = L.tmp();
  const w = bytes(t) * 8;
  const ext = w === 8 ? (signed ? 'lgbr' : 'llgcr') : w === 16 ? (signed ? 'lghr' : 'llghr') : signed ? 'lgfr' : 'llgfr';
  L.emit(rr(ext, e, c));
  L.emit(rr('cgr', e, c));
  materialize(L, flag, 7);
  return true;
}

function uaddOverflowTrapRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (t !== I32 && t !== I64) return false;
  L.emit(rrr(t === I64 ? 'algrk' : 'alrk', L.out(), L.reg(L.f.arg(inst, 0)), L.reg(L.f.arg(inst, 1))));
  L.emit(condBr(3, L.trapLabel(L.f.instImm0[inst])));
  return true;
}

export function lowerMiscRules(r: RuleTable<S390xLower>): void {
  r.add([GLOBAL_VALUE, SYMBOL_VALUE], 'global_value', globalValueRule)
    .add(FUNC_ADDR, 'func_addr', funcAddrRule)
    .add(GET_STACK_POINTER, 'get_stack_pointer', stackPointerRule)
    .add(GET_FRAME_POINTER, 'get_frame_pointer', framePointerRule)
    .add(GET_RETURN_ADDRESS, 'get_return_address', returnAddressRule)
    .add([UADD_OVERFLOW, SADD_OVERFLOW, USUB_OVERFLOW, SSUB_OVERFLOW, UMUL_OVERFLOW, SMUL_OVERFLOW], 'overflow', overflowRule)
    .add([UADD_OVERFLOW_CIN, SADD_OVERFLOW_CIN, USUB_OVERFLOW_BIN, SSUB_OVERFLOW_BIN], 'overflow_cin', overflowCinRule)
    .add(UADD_OVERFLOW_TRAP, 'uadd_overflow_trap', uaddOverflowTrapRule)
    .add(TLS_VALUE, 'tls_value', lowerTls)
    .add([GET_PINNED_REG, SET_PINNED_REG], 'pinned_reg', pinnedRule);
}
