// Loads and stores of scalars, i128 and f128: big-endian by default (the machine's order), the
// byte-reversing forms (`lrvg`, `strv`, ...) for `little` memory flags. Vector loads and stores
// are in vector.ts (their lane order depends on the function's convention).

import {
  type Inst, type Type, type Value, ENDIAN_LITTLE, F128, F16, F32, F64, I128, I16, I32, I64, I8, ISTORE16, ISTORE32,
  ISTORE8, LOAD, SLOAD16, SLOAD32, SLOAD8, STACK_ADDR, STACK_LOAD, STACK_STORE, STORE, ULOAD16, ULOAD32, ULOAD8,
  memEndianness, memTrapCode,
} from '@windlass/ir';
import type { RuleTable } from '@windlass/codegen';
import { type MInst, inst, rr, rx } from '../inst/mod';
import { NO_REG } from '../inst/regs';
import { isVec128 } from '../abi/abi';
import type { S390xLower } from './state';
import { resultType } from './types';

/** Where a load or store of `inst` accesses memory. */
export interface MemRef {
  /** Applies the address to an instruction (registering stack-slot fix-ups). */
  at(i: MInst, extra?: number): MInst;
  readonly little: boolean;
  readonly trap: number;
}

/** The memory reference of a load/store/stack_load/stack_store `inst`. */
export function memRef(L: S390xLower, inst: Inst): MemRef {
  const f = L.f;
  const op = f.instOpcode[inst];
  if (op === STACK_LOAD || op === STACK_STORE) {
    const slot = f.instImm0[inst];
    const off = f.instImm1[inst];
    return { at: (i, extra = 0) => L.slotMem(i, slot, off + extra), little: false, trap: 0 };
  }
  const flags = f.instImm0[inst];
  const addr = f.arg(inst, op === LOAD || f.argCount(inst) === 1 ? 0 : 1);
  const am = L.amode(addr, f.instImm1[inst]);
  const trap = memTrapCode(flags);
  return {
    at: (i, extra = 0) => {
      L.withMem(i, { b: am.b, x: am.x, d: am.d + extra });
      return i;
    },
    little: memEndianness(flags) === ENDIAN_LITTLE,
    trap,
  };
}

function withTrap(i: MInst, trap: number): MInst {
  i.trap = trap;
  return i;
}

/** Loads a scalar, i128 or f128 of type `t` into `dst`. */
export function loadInto(L: S390xLower, m: MemRef, t: Type, dst: number): void {
  const load = (name: string, r: number, extra = 0): MInst => withTrap(m.at(rx(name, r, NO_REG, NO_REG, 0), extra), m.trap);
  if (!m.little || t === I8) {
    switch (t) {
      case I8: L.emit(load('llc', dst)); return;
      case I16: L.emit(load('llh', dst)); return;
      case I32: L.emit(load('l', dst)); return;
      case I64: L.emit(load('lg', dst)); return;
      case F16: L.emit(load('vleh.d', dst)); return;
      case F32: L.emit(load('vlef.d', dst)); return;
      case F64: L.emit(load('vleg.d', dst)); return;
      default: L.emit(load('vl', dst)); return;
    }
  }
  switch (t) {
    case I16: L.emit(load('lrvh', dst)); return;
    case I32: L.emit(load('lrv', dst)); return;
    case I64: L.emit(load('lrvg', dst)); return;
    case F16: case F32: case F64: {
      if (L.features.vxe2) {
        L.emit(load(t === F16 ? 'vlebrh.d' : t === F32 ? 'vlebrf.d' : 'vlebrg.d', dst));
        return;
      }
      const g = L.tmp();
      L.emit(load(t === F16 ? 'lrvh' : t === F32 ? 'lrv' : 'lrvg', g));
      L.emit(vlvgInto(dst, g, 0, t === F16 ? 1 : t === F32 ? 2 : 3));
      return;
    }
    default: {
      // A 16-byte little-endian value: its first 8 bytes are the low half.
      if (L.features.vxe2) {
        const i = load('vlbr', dst);
        i.m3 = 4;
        L.emit(i);
        return;
      }
      const lo = L.tmp();
      const hi = L.tmp();
      L.emit(load('lrvg', lo));
      L.emit(load('lrvg', hi, 8));
      L.emit(vlvgp(dst, hi, lo));
    }
  }
}

/** Stores `src` (a scalar, i128 or f128 of type `t`). */
export function storeFrom(L: S390xLower, m: MemRef, t: Type, src: number): void {
  const store = (name: string, r: number, extra = 0): MInst => withTrap(m.at(rx(name, r, NO_REG, NO_REG, 0), extra), m.trap);
  if (!m.little || t === I8) {
    switch (t) {
      case I8: L.emit(store('stc', src)); return;
      case I16: L.emit(store('sth', src)); return;
      case I32: L.emit(store('st', src)); return;
      case I64: L.emit(store('stg', src)); return;
      case F16: L.emit(store('vsteh', src)); return;
      case F32: L.emit(store('vstef', src)); return;
      case F64: L.emit(store('vsteg', src)); return;
      default: L.emit(store('vst', src)); return;
    }
  }
  switch (t) {
    case I16: L.emit(store('strvh', src)); return;
    case I32: L.emit(store('strv', src)); return;
    case I64: L.emit(store('strvg', src)); return;
    case F16: case F32: case F64: {
      if (L.features.vxe2) {
        L.emit(store(t === F16 ? 'vstebrh' : t === F32 ? 'vstebrf' : 'vstebrg', src));
        return;
      }
      const g = L.tmp();
      L.emit(vlgv(g, src, 0, t === F16 ? 1 : t === F32 ? 2 : 3));
      L.emit(store(t === F16 ? 'strvh' : t === F32 ? 'strv' : 'strvg', g));
      return;
    }
    default: {
      if (L.features.vxe2) {
        const i = store('vstbr', src);
        i.m3 = 4;
        L.emit(i);
        return;
      }
      const hi = L.tmp();
      const lo = L.tmp();
      L.emit(vlgv(hi, src, 0, 3));
      L.emit(vlgv(lo, src, 1, 3));
      L.emit(store('strvg', lo));
      L.emit(store('strvg', hi, 8));
    }
  }
}

/** `vlvg v, g, elem, size` (element `elem` of size code `size` <- g). */
export function vlvg(v: number, g: number, elem: number, size: number): MInst {
  const i = inst('vlvg');
  i.r1 = v;
  i.r3 = g;
  i.d = elem;
  i.m4 = size;
  return i;
}
/** `vlvg v, g, elem, size` into a register whose other elements do not matter. */
export function vlvgInto(v: number, g: number, elem: number, size: number): MInst {
  const i = inst('vlvg.d');
  i.r1 = v;
  i.r3 = g;
  i.d = elem;
  i.m4 = size;
  return i;
}
/** `vlgv g, v, elem, size`. */
export function vlgv(g: number, v: number, elem: number, size: number): MInst {
  const i = inst('vlgv');
  i.r1 = g;
  i.r3 = v;
  i.d = elem;
  i.m4 = size;
  return i;
}
/** `vlvgp v, hi, lo`: a vector of two doublewords from general registers. */
export function vlvgp(v: number, hi: number, lo: number): MInst {
  const i = inst('vlvgp');
  i.r1 = v;
  i.r2 = hi;
  i.r3 = lo;
  return i;
}

function isScalarOr128(t: Type): boolean {
  return t === I8 || t === I16 || t === I32 || t === I64 || t === I128 || t === F16 || t === F32 || t === F64 || t === F128;
}

function loadRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (!isScalarOr128(t)) return false;
  loadInto(L, memRef(L, inst), t, L.out());
  return true;
}

function storeRule(L: S390xLower, inst: Inst): boolean {
  const v: Value = L.f.arg(inst, 0);
  const t = L.typeOf(v);
  if (!isScalarOr128(t)) return false;
  storeFrom(L, memRef(L, inst), t, L.reg(v));
  return true;
}

const EXT_LOAD: Record<number, [Type, boolean]> = {
  [ULOAD8]: [I8, false], [SLOAD8]: [I8, true], [ULOAD16]: [I16, false], [SLOAD16]: [I16, true],
  [ULOAD32]: [I32, false], [SLOAD32]: [I32, true],
};

function extLoadRule(L: S390xLower, inst: Inst): boolean {
  const t = resultType(L, inst);
  if (isVec128(t)) return false;
  const [from, signed] = EXT_LOAD[L.f.instOpcode[inst]];
  const m = memRef(L, inst);
  const dst = L.out();
  const load = (name: string, r: number): MInst => withTrap(m.at(rx(name, r, NO_REG, NO_REG, 0)), m.trap);
  if (!m.little || from === I8) {
    const name = from === I8 ? (signed ? 'lgb' : 'llgc') : from === I16 ? (signed ? 'lgh' : 'llgh') : signed ? 'lgf' : 'llgf';
    L.emit(load(name, dst));
    return true;
  }
  const g = L.tmp();
  L.emit(load(from === I16 ? 'lrvh' : 'lrv', g));
  L.emit(rr(from === I16 ? (signed ? 'lghr' : 'llghr') : signed ? 'lgfr' : 'llgfr', dst, g));
  return true;
}

const TRUNC_STORE: Record<number, Type> = { [ISTORE8]: I8, [ISTORE16]: I16, [ISTORE32]: I32 };

function truncStoreRule(L: S390xLower, inst: Inst): boolean {
  const t = TRUNC_STORE[L.f.instOpcode[inst]];
  storeFrom(L, memRef(L, inst), t, L.reg(L.f.arg(inst, 0)));
  return true;
}

function stackAddrRule(L: S390xLower, inst: Inst): boolean {
  const f = L.f;
  L.emit(L.slotMem(rx('la', L.out(), NO_REG, NO_REG, 0), f.instImm0[inst], f.instImm1[inst]));
  return true;
}

export function lowerMemRules(r: RuleTable<S390xLower>): void {
  r.add([LOAD, STACK_LOAD], 'load', loadRule)
    .add([STORE, STACK_STORE], 'store', storeRule)
    .add([ULOAD8, SLOAD8, ULOAD16, SLOAD16, ULOAD32, SLOAD32], 'extending_load', extLoadRule)
    .add([ISTORE8, ISTORE16, ISTORE32], 'truncating_store', truncStoreRule)
    .add(STACK_ADDR, 'stack_addr', stackAddrRule);
}
