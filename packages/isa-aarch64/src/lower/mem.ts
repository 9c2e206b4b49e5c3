// Memory: addressing modes folded from the address computation (base + scaled imm12 / signed
// imm9, base + index with extend and shift), loads and stores of every type (i128 as two
// doublewords, vectors and floats in v registers, extending loads, big-endian accesses through
// `rev`), stack slots, global values and symbols.

import {
  type Type, type Value, ENDIAN_BIG, F128, F16, F32, F64, I128, I16, I32, I64, I8, IADD, ISHL, ISHL_IMM, SEXTEND, UEXTEND,
  bytes, isVector, memEndianness, memTrapCode,
} from '@windlass/ir';
import {
  AddrMode, AluOp, Extend, LdStOp, type MInst, addLo12, adrp, aluRRImm12, aluRRR, encodeImm12, ldrLo12,
  ldst, ldstFrame,
} from '../inst';
import type { A64Lower } from './state';

/** Whether `off` fits a load/store of `bytes` (scaled imm12 or signed imm9). */
export function offsetFits(off: number, size: number): boolean {
  return (off >= 0 && off % size === 0 && off / size < 4096) || (off >= -256 && off <= 255);
}

/** The shift of an index by `k` bits when it matches the access size (or 0). */
function shiftAmount(L: A64Lower, v: Value): { x: Value; k: number } | null {
  const f = L.f;
  const d = L.ctx.defInst(v);
  if (d === -1) return null;
  const op = f.instOpcode[d];
  if (op === ISHL_IMM) return { x: f.arg(d, 0), k: f.instImm1[d] & 63 };
  if (op === ISHL) {
    const c = L.constOf(f.arg(d, 1));
    if (c !== null) return { x: f.arg(d, 0), k: c[0] & 63 };
  }
  return null;
}

/** An i32 value extended to i64 by `uextend`/`sextend`: the i32 and the extend option. */
function extendedIndex(L: A64Lower, v: Value): { x: Value; ext: Extend } | null {
  const f = L.f;
  const d = L.ctx.defInst(v);
  if (d === -1) return null;
  const op = f.instOpcode[d];
  if ((op !== UEXTEND && op !== SEXTEND) || f.valueType[f.resolveAliases(f.arg(d, 0))] !== I32) return null;
  return { x: f.arg(d, 0), ext: op === UEXTEND ? Extend.UXTW : Extend.SXTW };
}

/** Fills `i` (a load or store of `size` bytes) with the address `base + index`, folding extends and shifts. */
function indexAddress(L: A64Lower, i: MInst, a: Value, b: Value, size: number): boolean {
  const lg = Math.log2(size);
  for (const [base, idx] of [[a, b], [b, a]] as const) {
    const sh = shiftAmount(L, idx);
    if (sh !== null && sh.k === lg) {
      const e = extendedIndex(L, sh.x);
      setReg(L, i, base, e ? e.x : sh.x, e ? e.ext : Extend.UXTX, true);
      return true;
    }
    const e = extendedIndex(L, idx);
    if (e !== null) {
      setReg(L, i, base, e.x, e.ext, false);
      return true;
    }
  }
  setReg(L, i, a, b, Extend.UXTX, false);
  return true;
}

function setReg(L: A64Lower, i: MInst, base: Value, index: Value, ext: Extend, scaled: boolean): void {
  i.mode = AddrMode.RegOffset;
  i.rn = L.gpr(base);
  i.rm = L.gpr(index);
  i.cond = ext;
  i.imm = 0;
  i.imm2 = scaled ? 1 : 0;
}

/** Sets the address of `i` (a load/store of `size` bytes) to `addr + offset`. */
export function setAddress(L: A64Lower, i: MInst, addr: Value, offset: number, size: number): void {
  const f = L.f;
  const d = L.ctx.defInst(addr);
  if (d !== -1 && f.instOpcode[d] === IADD && f.valueType[f.result(d, 0)] === I64) {
    const a = f.arg(d, 0);
    const b = f.arg(d, 1);
    const cb = L.constOf(b);
    const ca = L.constOf(a);
    if (cb !== null && cb[1] === cb[0] >> 31 && offsetFits(cb[0] + offset, size)) return setOffset(i, L.gpr(a), cb[0] + offset);
    if (ca !== null && ca[1] === ca[0] >> 31 && offsetFits(ca[0] + offset, size)) return setOffset(i, L.gpr(b), ca[0] + offset);
    if (offset === 0 && cb === null && ca === null) {
      indexAddress(L, i, a, b, size);
      return;
    }
  }
  const base = L.gpr(addr);
  if (offsetFits(offset, size)) return setOffset(i, base, offset);
  // A far offset: in a register, as the index.
  i.mode = AddrMode.RegOffset;
  i.rn = base;
  i.rm = L.constReg(offset | 0, Math.floor(offset / 2 ** 32) | 0);
  i.cond = Extend.UXTX;
  i.imm = 0;
  i.imm2 = 0;
}

function setOffset(i: MInst, base: number, off: number): void {
  i.mode = AddrMode.Offset;
  i.rn = base;
  i.imm = off;
}

/** A register holding `addr + offset` (for accesses that take only a base register). */
export function addressReg(L: A64Lower, addr: Value, offset: number): number {
  const base = L.gpr(addr);
  if (offset === 0) return base;
  const t = L.tmp();
  addImm(L, t, base, offset);
  return t;
}

/** rd <- rn + imm (any 64-bit immediate as a JavaScript number). */
export function addImm(L: A64Lower, rd: number, rn: number, imm: number): void {
  const e = encodeImm12(imm);
  if (e >= 0) {
    L.emit(aluRRImm12(AluOp.Add, 1, rd, rn, e));
    return;
  }
  const n = encodeImm12(-imm);
  if (n >= 0) {
    L.emit(aluRRImm12(AluOp.Sub, 1, rd, rn, n));
    return;
  }
  L.emit(aluRRR(AluOp.Add, 1, rd, rn, L.constReg(imm | 0, Math.floor(imm / 2 ** 32) | 0)));
}

/** The load/store row for a value of type `t` (`load` selects the load row). */
export function ldstRow(t: Type, load: boolean): number {
  if (isVector(t) || t === F16 || t === F32 || t === F64 || t === F128) {
    switch (bytes(t)) {
      case 1: return load ? LdStOp.LdFpB : LdStOp.StFpB;
      case 2: return load ? LdStOp.LdFpH : LdStOp.StFpH;
      case 4: return load ? LdStOp.LdFpS : LdStOp.StFpS;
      case 8: return load ? LdStOp.LdFpD : LdStOp.StFpD;
      default: return load ? LdStOp.LdFpQ : LdStOp.StFpQ;
    }
  }
  switch (t) {
    case I8: return load ? LdStOp.LdB : LdStOp.StB;
    case I16: return load ? LdStOp.LdH : LdStOp.StH;
    case I32: return load ? LdStOp.LdW : LdStOp.StW;
    default: return load ? LdStOp.LdX : LdStOp.StX;
  }
}

/**
 * Big-endian accesses are rejected (as Cranelift does on AArch64), with a typed error; a
 * `little` or native access is an ordinary one.
 */
export function checkLittleEndian(L: A64Lower, flags: number): void {
  if (memEndianness(flags) === ENDIAN_BIG) L.unsupported('big-endian memory access on aarch64');
}

/** The trap code of a memory access's flags (-1 for `notrap`). */
export function trapOf(flags: number): number {
  const c = memTrapCode(flags);
  return c === 0 ? -1 : c;
}

/** Loads `t` from `addr + offset` into the result registers `dst` (two for i128). */
export function loadValue(L: A64Lower, t: Type, dst: readonly number[], addr: Value, offset: number, flags: number): void {
  const trap = trapOf(flags);
  checkLittleEndian(L, flags);
  if (t === I128) {
    const ok = offsetFits(offset, 8) && offsetFits(offset + 8, 8);
    const base = ok ? L.gpr(addr) : addressReg(L, addr, offset);
    const o = ok ? offset : 0;
    const a = ldst(LdStOp.LdX, dst[0], base, o);
    a.trap = trap;
    L.emit(a);
    L.emit(ldst(LdStOp.LdX, dst[1], base, o + 8));
    return;
  }
  const i = ldst(ldstRow(t, true), dst[0], -1, 0);
  setAddress(L, i, addr, offset, Math.min(16, bytes(t)));
  i.trap = trap;
  L.emit(i);
}

/** Stores `t` from registers `src` (two for i128) to `addr + offset`. */
export function storeValue(L: A64Lower, t: Type, src: readonly number[], addr: Value, offset: number, flags: number): void {
  const trap = trapOf(flags);
  checkLittleEndian(L, flags);
  if (t === I128) {
    const [lo, hi] = src;
    const ok = offsetFits(offset, 8) && offsetFits(offset + 8, 8);
    const base = ok ? L.gpr(addr) : addressReg(L, addr, offset);
    const o = ok ? offset : 0;
    const s = ldst(LdStOp.StX, lo, base, o);
    s.trap = trap;
    L.emit(s);
    L.emit(ldst(LdStOp.StX, hi, base, o + 8));
    return;
  }
  const r = src[0];
  const row = ldstRow(t, false);
  const i = ldst(row, r, -1, 0);
  setAddress(L, i, addr, offset, Math.min(16, bytes(t)));
  i.trap = trap;
  L.emit(i);
}

/** A load of a frame location (`mode` Slot/IncomingArg, `off`) of type `t` into `dst`. */
export function loadFrame(L: A64Lower, t: Type, dst: readonly number[], mode: number, off: number): void {
  if (t === I128) {
    L.emit(ldstFrame(LdStOp.LdX, dst[0], mode, off));
    L.emit(ldstFrame(LdStOp.LdX, dst[1], mode, off + 8));
    return;
  }
  L.emit(ldstFrame(ldstRow(t, true), dst[0], mode, off));
}

export function storeFrame(L: A64Lower, t: Type, src: readonly number[], mode: number, off: number): void {
  if (t === I128) {
    L.emit(ldstFrame(LdStOp.StX, src[0], mode, off));
    L.emit(ldstFrame(LdStOp.StX, src[1], mode, off + 8));
    return;
  }
  L.emit(ldstFrame(ldstRow(t, false), src[0], mode, off));
}

/** The registers of value `v` (one, or two for i128). */
export function regsOf(L: A64Lower, v: Value): number[] {
  return L.ctx.regsOf(v).map((r) => r + 128);
}

/** rd <- the address of `sym + offset`: PC-relative when colocated, else through the GOT. */
export function symbolAddr(L: A64Lower, rd: number, sym: string, offset: number, colocated: boolean): void {
  if (colocated) {
    const t = L.tmp();
    L.emit(adrp(t, sym, 0, offset));
    L.emit(addLo12(rd, t, sym, 0, offset));
    return;
  }
  const t = L.tmp();
  L.emit(adrp(t, sym, 1));
  if (offset === 0) {
    L.emit(ldrLo12(rd, t, sym));
    return;
  }
  const g = L.tmp();
  L.emit(ldrLo12(g, t, sym));
  addImm(L, rd, g, offset);
}

