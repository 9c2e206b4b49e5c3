// The x86-64 encoder: one `MInst` with physical registers -> bytes in a `CodeSink`.
//
// Encoding choices follow GNU as (without -O) wherever it has a choice, so the GNU-as tests
// can compare bytes exactly: register-register ALU ops and moves use the "store" (MR) form,
// ALU immediates use imm8 when they fit and the short accumulator forms otherwise, shifts by
// one use D0/D1, 2-byte VEX whenever the fields allow it.

import { type Amode, AmodeKind, CC, fitsI8, Reloc } from './args';
import { X64EncodeError } from './errors';
import {
  AVX_FIRST_FMA, type MInst, Op, FLAG_LOCK, FLAG_VEX, SseOp,
} from './mod';
import { NO_REG } from './regs';
import { LABEL_REL32, LABEL_REL8, type CodeSink } from './sink';
import {
  AVX_OPS, BIT_OPS, BMI_OPS, CVT_TO_INT, MAP_0F38, MAP_0F3A, P66, PF2, PF3, PLOCK,
  SSE_IMM_OPS, SSE_OPS, XMM_MOV, type VexInfo,
} from './tables';
import { PACKED_IMM_OPS, XMM_EXTRACT_OPS, XMM_INSERT_OPS, XMM_SHIFT_OPS } from './tables';
import { printInst } from './print';

function fail(inst: MInst, msg: string): never {
  let where: string;
  try {
    where = printInst(inst);
  } catch {
    where = `op ${inst.op}`;
  }
  throw new X64EncodeError(msg, where);
}

/** The hw number of a GPR field; anything else is a lowering bug. */
function gp(inst: MInst, r: number): number {
  if (r < 0 || r >= 16) fail(inst, r < 0 ? 'missing GPR operand' : `register ${r} is not an allocated GPR`);
  return r;
}
function xr(inst: MInst, r: number): number {
  if (r < 16 || r >= 32) fail(inst, r < 0 ? 'missing xmm operand' : `register ${r} is not an allocated xmm register`);
  return r & 15;
}

function emitPrefixes(s: CodeSink, pfx: number): void {
  if (pfx & P66) s.put1(0x66);
  if (pfx & PF3) s.put1(0xf3);
  if (pfx & PF2) s.put1(0xf2);
  if (pfx & PLOCK) s.put1(0xf0);
}

function emitOpcode(s: CodeSink, opc: number): void {
  if (opc > 0xffff) {
    s.put1(opc >>> 16);
    s.put1((opc >>> 8) & 255);
  } else if (opc > 0xff) {
    s.put1(opc >>> 8);
  }
  s.put1(opc & 255);
}

/** REX.X and REX.B bits an addressing mode needs. */
function memRexXB(inst: MInst, m: Amode): number {
  if (m.kind !== AmodeKind.Reg) return 0;
  let bits = 0;
  if (m.index !== NO_REG) {
    const i = gp(inst, m.index);
    if (i === 4) fail(inst, 'rsp cannot be an index register');
    bits |= (i >> 3) << 1;
  }
  if (m.base !== NO_REG) bits |= gp(inst, m.base) >> 3;
  return bits;
}

/** The disp32 of a Reg-kind operand: a relocated field (addend `disp`) when it names a symbol. */
function putDisp32(s: CodeSink, m: Amode): void {
  if (m.sym === null) s.put4(m.disp);
  else {
    s.addReloc(s.curOffset(), m.reloc, m.sym, m.disp);
    s.put4(0);
  }
}

/**
 * ModRM (+SIB, displacement) for a memory operand. `trailing` is the number of immediate
 * bytes after the displacement: RIP-relative displacements count from the end of the whole
 * instruction, so label and relocation addends are corrected by it.
 */
function emitMem(s: CodeSink, inst: MInst, reg3: number, m: Amode, trailing: number): void {
  const r = (reg3 & 7) << 3;
  if (m.disp !== (m.disp | 0)) fail(inst, `displacement ${m.disp} does not fit a signed 32-bit field`);
  if (m.shift < 0 || m.shift > 3 || m.shift !== (m.shift | 0)) fail(inst, `bad index scale shift ${m.shift}`);
  switch (m.kind) {
    case AmodeKind.Reg: {
      const disp = m.disp;
      if (m.base === NO_REG) {
        // No base: SIB with base=101 and mod=00 means disp32 alone.
        s.put1(r | 4);
        s.put1((m.shift << 6) | ((m.index === NO_REG ? 4 : m.index & 7) << 3) | 5);
        putDisp32(s, m);
        return;
      }
      const b = m.base & 7;
      // rbp/r13 as base with mod=00 would mean RIP/disp32, so they always carry a disp8.
      const mod = m.sym !== null ? 2 : disp === 0 && b !== 5 ? 0 : fitsI8(disp) ? 1 : 2;
      if (m.index === NO_REG && b !== 4) {
        s.put1((mod << 6) | r | b);
      } else {
        // rsp/r12 as base (rm=100) always need a SIB byte; index=100 in SIB means none.
        s.put1((mod << 6) | r | 4);
        s.put1((m.shift << 6) | ((m.index === NO_REG ? 4 : m.index & 7) << 3) | b);
      }
      if (mod === 1) s.put1(disp);
      else if (mod === 2) putDisp32(s, m);
      return;
    }
    case AmodeKind.RipDisp:
      s.put1(r | 5);
      s.put4(m.disp);
      return;
    case AmodeKind.RipLabel: {
      s.put1(r | 5);
      const at = s.curOffset();
      s.useLabel(at, m.label, LABEL_REL32);
      s.put4(m.disp - trailing);
      return;
    }
    case AmodeKind.RipSym: {
      s.put1(r | 5);
      if (m.sym === null) fail(inst, 'RIP-relative symbol operand without a symbol');
      s.addReloc(s.curOffset(), m.reloc, m.sym, m.disp - 4 - trailing);
      s.put4(0);
      return;
    }
    case AmodeKind.Abs:
      s.put1(r | 4);
      s.put1(0x25);
      s.put4(m.disp);
      return;
    default:
      fail(inst, `unknown addressing mode kind ${String(m.kind)}`);
  }
}

/**
 * A legacy-encoded instruction with a ModRM operand: prefixes, REX, opcode, ModRM for `reg`
 * (a register's hw number or a /digit) and the r/m operand (`mem`, or the register `rm`).
 * `forceRex` adds an empty REX for spl/bpl/sil/dil.
 */
function encRM(s: CodeSink, inst: MInst, pfx: number, opc: number, w: number, reg: number,
  rm: number, mem: Amode | null, forceRex: boolean, trailing: number): void {
  // A segment override comes first, as GNU as orders prefixes.
  if (mem !== null && mem.seg !== 0) s.put1(mem.seg);
  emitPrefixes(s, pfx);
  let rex = (w << 3) | ((reg >> 3) << 2);
  rex |= mem !== null ? memRexXB(inst, mem) : rm >> 3;
  if (rex !== 0 || forceRex) s.put1(0x40 | rex);
  emitOpcode(s, opc);
  if (mem !== null) emitMem(s, inst, reg, mem, trailing);
  else s.put1(0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/** VEX-encoded instruction: `reg` in ModRM.reg, `vvvv` (a register or 0), r/m as in encRM. */
function encVex(s: CodeSink, inst: MInst, pp: number, map: number, w: number, opc: number,
  reg: number, vvvv: number, rm: number, mem: Amode | null, trailing: number): void {
  const xb = mem !== null ? memRexXB(inst, mem) : rm >> 3;
  if (mem !== null && mem.seg !== 0) s.put1(mem.seg);
  const rBar = (~reg >> 3) & 1;
  const vBar = ~vvvv & 15;
  if (map === 1 && w === 0 && xb === 0) {
    s.put1(0xc5);
    s.put1((rBar << 7) | (vBar << 3) | pp);
  } else {
    s.put1(0xc4);
    s.put1((rBar << 7) | ((~xb & 3) << 5) | map);
    s.put1((w << 7) | (vBar << 3) | pp);
  }
  s.put1(opc);
  if (mem !== null) emitMem(s, inst, reg, mem, trailing);
  else s.put1(0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/** Operand-size prefix bit and REX.W for a GPR operand size. */
function sizePfx(size: number): number {
  return size === 2 ? P66 : 0;
}
function sizeW(size: number): number {
  return size === 8 ? 1 : 0;
}
function byteRex(size: number, a: number, b: number): boolean {
  return size === 1 && ((a >= 4 && a < 8) || (b >= 4 && b < 8));
}

function putImm(s: CodeSink, size: number, imm: number): void {
  if (size === 1) s.put1(imm);
  else if (size === 2) s.put2(imm);
  else s.put4(imm);
}
function immBytes(size: number): number {
  return size === 8 ? 4 : size;
}
/** The immediate as the instruction sees it after truncation to `size` (sign-extended back). */
function immAt(size: number, imm: number): number {
  return size === 1 ? (imm << 24) >> 24 : size === 2 ? (imm << 16) >> 16 : imm | 0;
}

function checkSize(inst: MInst, ok: number): void {
  // `ok` is a bit set over 1/2/4/8.
  if ((inst.size & ok) === 0 || (inst.size !== 1 && inst.size !== 2 && inst.size !== 4 && inst.size !== 8)) {
    fail(inst, `operand size ${inst.size} is not available for this form`);
  }
}
const SZ_ALL = 15;
const SZ_248 = 14;
const SZ_48 = 12;

/** The r/m register of a form that reads or writes `field`, or 0 when the operand is memory. */
function rmOf(inst: MInst, field: number): number {
  return inst.mem !== null ? 0 : gp(inst, field);
}

function emitGprMove(s: CodeSink, inst: MInst): void {
  const size = inst.size;
  switch (inst.op) {
    case Op.MovRR: {
      checkSize(inst, SZ_ALL);
      const d = gp(inst, inst.dst), r = gp(inst, inst.src);
      encRM(s, inst, sizePfx(size), size === 1 ? 0x88 : 0x89, sizeW(size), r, d, null, byteRex(size, d, r), 0);
      return;
    }
    case Op.MovImm: {
      checkSize(inst, SZ_ALL);
      checkImm(inst, size);
      const d = gp(inst, inst.dst);
      if (size === 8) {
        encRM(s, inst, 0, 0xc7, 1, 0, d, null, false, 0);
        s.put4(inst.imm);
        return;
      }
      emitPrefixes(s, sizePfx(size));
      if (d >= 8 || byteRex(size, d, 0)) s.put1(0x40 | (d >> 3));
      s.put1((size === 1 ? 0xb0 : 0xb8) | (d & 7));
      putImm(s, size, inst.imm);
      return;
    }
    case Op.MovAbs: {
      const d = gp(inst, inst.dst);
      if (!isBits32(inst.imm) || !isBits32(inst.immHi)) fail(inst, 'movabs halves must be 32-bit values');
      s.put1(0x48 | (d >> 3));
      s.put1(0xb8 | (d & 7));
      s.put4(inst.imm);
      s.put4(inst.immHi);
      return;
    }
    case Op.Load: {
      checkSize(inst, SZ_ALL);
      const d = gp(inst, inst.dst);
      encRM(s, inst, sizePfx(size), size === 1 ? 0x8a : 0x8b, sizeW(size), d, 0, needMem(inst), byteRex(size, d, 0), 0);
      return;
    }
    case Op.Store: {
      checkSize(inst, SZ_ALL);
      const r = gp(inst, inst.src2);
      encRM(s, inst, sizePfx(size), size === 1 ? 0x88 : 0x89, sizeW(size), r, 0, needMem(inst), byteRex(size, r, 0), 0);
      return;
    }
    case Op.StoreImm: {
      checkSize(inst, SZ_ALL);
      checkImm(inst, size);
      const n = immBytes(size);
      encRM(s, inst, sizePfx(size), size === 1 ? 0xc6 : 0xc7, sizeW(size), 0, 0, needMem(inst), false, n);
      putImm(s, size, inst.imm);
      return;
    }
    case Op.Movzx:
    case Op.Movsx: {
      checkSize(inst, SZ_248);
      const d = gp(inst, inst.dst), r = rmOf(inst, inst.src);
      const from = inst.size2;
      if (from >= size || (from !== 1 && from !== 2 && from !== 4)) {
        fail(inst, `cannot extend from ${from} to ${size} bytes`);
      }
      const rexByte = from === 1 && inst.mem === null && r >= 4 && r < 8;
      let opc: number;
      if (from === 4) {
        if (inst.op === Op.Movzx) fail(inst, 'zero-extension from 32 bits is a 32-bit mov');
        opc = 0x63;
      } else {
        opc = inst.op === Op.Movzx ? (from === 1 ? 0x0fb6 : 0x0fb7) : (from === 1 ? 0x0fbe : 0x0fbf);
      }
      encRM(s, inst, sizePfx(size), opc, sizeW(size), d, r, inst.mem, rexByte, 0);
      return;
    }
    case Op.Lea: {
      checkSize(inst, SZ_248);
      const d = gp(inst, inst.dst);
      encRM(s, inst, sizePfx(size), 0x8d, sizeW(size), d, 0, needMem(inst), false, 0);
      return;
    }
  }
}

function needMem(inst: MInst): Amode {
  if (inst.mem === null) fail(inst, 'this form needs a memory operand');
  return inst.mem;
}

function isBits32(v: number): boolean {
  return Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff;
}
/** Sub-ops that pick between `n` encodings. */
function checkSub(inst: MInst, n: number): void {
  if (inst.sub < 0 || inst.sub >= n || inst.sub !== (inst.sub | 0)) fail(inst, `bad sub-op ${inst.sub}`);
}
function checkCC(inst: MInst): void {
  if (inst.cc < 0 || inst.cc > 15 || inst.cc !== (inst.cc | 0)) fail(inst, `bad condition code ${inst.cc}`);
}
function checkShiftOp(inst: MInst): void {
  if (inst.sub < 0 || inst.sub > 7 || inst.sub === 6) fail(inst, `unknown shift op ${inst.sub}`);
}

/** At size 8 the immediate is sign-extended from 32 bits; smaller sizes take either signedness. */
function checkImm(inst: MInst, size: number): void {
  const v = inst.imm;
  const ok = Number.isInteger(v) && (size === 1 ? v >= -128 && v <= 255
    : size === 2 ? v >= -32768 && v <= 65535 : size === 4 ? isBits32(v) : v === (v | 0));
  if (!ok) fail(inst, `immediate ${v} does not fit ${size === 8 ? 4 : size} bytes`);
}

function emitAlu(s: CodeSink, inst: MInst): void {
  const size = inst.size;
  checkSize(inst, SZ_ALL);
  const pfx = sizePfx(size), w = sizeW(size);
  if (inst.sub < 0 || inst.sub > 7) fail(inst, `unknown ALU op ${inst.sub}`);
  const row = inst.sub << 3;
  const lock = inst.flags & FLAG_LOCK ? PLOCK : 0;
  switch (inst.op) {
    case Op.AluRM: {
      const d = gp(inst, inst.dst);
      if (inst.mem === null) {
        const r = gp(inst, inst.src);
        encRM(s, inst, pfx, row | (size === 1 ? 0 : 1), w, r, d, null, byteRex(size, d, r), 0);
      } else {
        encRM(s, inst, pfx, row | (size === 1 ? 2 : 3), w, d, 0, inst.mem, byteRex(size, d, 0), 0);
      }
      return;
    }
    case Op.AluMR: {
      const r = gp(inst, inst.src2);
      encRM(s, inst, pfx | lock, row | (size === 1 ? 0 : 1), w, r, 0, needMem(inst), byteRex(size, r, 0), 0);
      return;
    }
    case Op.AluRI:
    case Op.AluMI: {
      checkImm(inst, size);
      const isReg = inst.op === Op.AluRI;
      const d = isReg ? gp(inst, inst.dst) : 0;
      const mem = isReg ? null : needMem(inst);
      const imm = immAt(size, inst.imm);
      if (size === 1) {
        if (isReg && d === 0) {
          s.put1(row | 4);
        } else {
          encRM(s, inst, lock, 0x80, 0, inst.sub, d, mem, byteRex(1, d, 0), 1);
        }
        s.put1(imm);
        return;
      }
      if (fitsI8(imm)) {
        encRM(s, inst, pfx | lock, 0x83, w, inst.sub, d, mem, false, 1);
        s.put1(imm);
        return;
      }
      if (isReg && d === 0) {
        emitPrefixes(s, pfx);
        if (w) s.put1(0x48);
        s.put1(row | 5);
      } else {
        encRM(s, inst, pfx | lock, 0x81, w, inst.sub, d, mem, false, immBytes(size));
      }
      putImm(s, size, imm);
      return;
    }
  }
}

/** test, imul, and the F6/F7 group (not, neg, mul, imul, div, idiv). */
function emitTestMul(s: CodeSink, inst: MInst): void {
  const size = inst.size;
  const pfx = sizePfx(size), w = sizeW(size);
  switch (inst.op) {
    case Op.Test: {
      checkSize(inst, SZ_ALL);
      const a = rmOf(inst, inst.src), b = gp(inst, inst.src2);
      encRM(s, inst, pfx, size === 1 ? 0x84 : 0x85, w, b, a, inst.mem, byteRex(size, a, b), 0);
      return;
    }
    case Op.TestImm: {
      checkSize(inst, SZ_ALL);
      checkImm(inst, size);
      const a = rmOf(inst, inst.src);
      if (inst.mem === null && a === 0) {
        emitPrefixes(s, pfx);
        if (w) s.put1(0x48);
        s.put1(size === 1 ? 0xa8 : 0xa9);
      } else {
        encRM(s, inst, pfx, size === 1 ? 0xf6 : 0xf7, w, 0, a, inst.mem, byteRex(size, a, 0), immBytes(size));
      }
      putImm(s, size, inst.imm);
      return;
    }
    case Op.Imul: {
      checkSize(inst, SZ_248);
      encRM(s, inst, pfx, 0x0faf, w, gp(inst, inst.dst), rmOf(inst, inst.src), inst.mem, false, 0);
      return;
    }
    case Op.ImulImm: {
      checkSize(inst, SZ_248);
      checkImm(inst, size);
      const imm = immAt(size, inst.imm);
      const short = fitsI8(imm);
      encRM(s, inst, pfx, short ? 0x6b : 0x69, w, gp(inst, inst.dst), rmOf(inst, inst.src), inst.mem, false,
        short ? 1 : immBytes(size));
      if (short) s.put1(imm);
      else putImm(s, size, imm);
      return;
    }
    case Op.Unary:
    case Op.MulDiv: {
      checkSize(inst, SZ_ALL);
      const ok = inst.op === Op.Unary ? inst.sub === 2 || inst.sub === 3 : inst.sub >= 4 && inst.sub <= 7;
      if (!ok) fail(inst, `unknown group-3 op ${inst.sub}`);
      const r = rmOf(inst, inst.op === Op.Unary ? inst.dst : inst.src);
      const lock = inst.flags & FLAG_LOCK ? PLOCK : 0;
      encRM(s, inst, pfx | lock, size === 1 ? 0xf6 : 0xf7, w, inst.sub, r, inst.mem, byteRex(size, r, 0), 0);
      return;
    }
  }
}

/** Shifts and rotates (C0/C1/D0-D3 groups) and the double shifts shld/shrd. */
function emitShift(s: CodeSink, inst: MInst): void {
  const size = inst.size;
  const pfx = sizePfx(size), w = sizeW(size);
  switch (inst.op) {
    case Op.ShiftImm: {
      checkSize(inst, SZ_ALL);
      checkShiftOp(inst);
      const r = rmOf(inst, inst.dst);
      const imm = inst.imm;
      if (imm < 0 || imm > 255) fail(inst, `shift count ${imm} does not fit a byte`);
      if (imm === 1) {
        encRM(s, inst, pfx, size === 1 ? 0xd0 : 0xd1, w, inst.sub, r, inst.mem, byteRex(size, r, 0), 0);
        return;
      }
      encRM(s, inst, pfx, size === 1 ? 0xc0 : 0xc1, w, inst.sub, r, inst.mem, byteRex(size, r, 0), 1);
      s.put1(imm);
      return;
    }
    case Op.ShiftCl: {
      checkSize(inst, SZ_ALL);
      checkShiftOp(inst);
      const r = rmOf(inst, inst.dst);
      encRM(s, inst, pfx, size === 1 ? 0xd2 : 0xd3, w, inst.sub, r, inst.mem, byteRex(size, r, 0), 0);
      return;
    }
    case Op.DShiftImm:
    case Op.DShiftCl: {
      checkSize(inst, SZ_248);
      checkSub(inst, 2);
      const isImm = inst.op === Op.DShiftImm;
      const opc = (inst.sub ? 0x0fac : 0x0fa4) | (isImm ? 0 : 1);
      if (isImm && (inst.imm < 0 || inst.imm > 255)) fail(inst, `shift count ${inst.imm} does not fit a byte`);
      encRM(s, inst, pfx, opc, w, gp(inst, inst.src2), rmOf(inst, inst.dst), inst.mem, false, isImm ? 1 : 0);
      if (isImm) s.put1(inst.imm);
      return;
    }
  }
}

/** bt, setcc, cmovcc, cwd/cdq/cqo, bit scans and bswap. */
function emitBitOps(s: CodeSink, inst: MInst): void {
  const size = inst.size;
  const pfx = sizePfx(size), w = sizeW(size);
  switch (inst.op) {
    case Op.Bt: {
      checkSize(inst, SZ_248);
      encRM(s, inst, pfx, 0x0fa3, w, gp(inst, inst.src2), rmOf(inst, inst.src), inst.mem, false, 0);
      return;
    }
    case Op.BtImm: {
      checkSize(inst, SZ_248);
      if (inst.imm < 0 || inst.imm > 255) fail(inst, `bit index ${inst.imm} does not fit a byte`);
      encRM(s, inst, pfx, 0x0fba, w, 4, rmOf(inst, inst.src), inst.mem, false, 1);
      s.put1(inst.imm);
      return;
    }
    case Op.Setcc: {
      checkCC(inst);
      const r = rmOf(inst, inst.dst);
      encRM(s, inst, 0, 0x0f90 | inst.cc, 0, 0, r, inst.mem, byteRex(1, r, 0), 0);
      return;
    }
    case Op.Cmov: {
      checkSize(inst, SZ_248);
      checkCC(inst);
      encRM(s, inst, pfx, 0x0f40 | inst.cc, w, gp(inst, inst.dst), rmOf(inst, inst.src), inst.mem, false, 0);
      return;
    }
    case Op.SignExtendRax: {
      checkSize(inst, SZ_248);
      emitPrefixes(s, pfx);
      if (w) s.put1(0x48);
      s.put1(0x99);
      return;
    }
    case Op.BitScan: {
      checkSize(inst, SZ_248);
      const t = BIT_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown bit op ${inst.sub}`);
      encRM(s, inst, pfx | t.pfx, t.opc, w, gp(inst, inst.dst), rmOf(inst, inst.src), inst.mem, false, 0);
      return;
    }
    case Op.Bswap: {
      checkSize(inst, SZ_48);
      const d = gp(inst, inst.dst);
      const rex = (w << 3) | (d >> 3);
      if (rex) s.put1(0x40 | rex);
      s.put1(0x0f);
      s.put1(0xc8 | (d & 7));
      return;
    }
  }
}

function emitBmi(s: CodeSink, inst: MInst): void {
  const size = inst.size;
  checkSize(inst, SZ_48);
  const w = sizeW(size);
  const d = gp(inst, inst.dst), r = rmOf(inst, inst.src);
  switch (inst.op) {
    case Op.Bmi: {
      const t: VexInfo | undefined = BMI_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown BMI op ${inst.sub}`);
      encVex(s, inst, t.pp, t.map, w, t.opc, d, gp(inst, inst.src2), r, inst.mem, 0);
      return;
    }
    case Op.Bls:
      if (inst.sub < 1 || inst.sub > 3) fail(inst, `unknown BLS op ${inst.sub}`);
      encVex(s, inst, 0, MAP_0F38, w, 0xf3, inst.sub, d, r, inst.mem, 0);
      return;
    case Op.Rorx:
      if (inst.imm < 0 || inst.imm > 255) fail(inst, `rotate count ${inst.imm} does not fit a byte`);
      encVex(s, inst, 3, MAP_0F3A, w, 0xf0, d, 0, r, inst.mem, 1);
      s.put1(inst.imm);
      return;
  }
}

function emitAtomic(s: CodeSink, inst: MInst): void {
  const size = inst.size;
  const pfx = sizePfx(size), w = sizeW(size);
  const lock = inst.flags & FLAG_LOCK ? PLOCK : 0;
  switch (inst.op) {
    case Op.Xchg: {
      checkSize(inst, SZ_ALL);
      const b = gp(inst, inst.src2);
      if (inst.mem === null) {
        const a = gp(inst, inst.dst);
        // GNU as picks the one-byte 90+r form when one side is the accumulator, except for
        // xchg eax, eax (90 would be a nop that does not zero-extend).
        if (size !== 1 && (a === 0 || b === 0) && !(a === 0 && b === 0)) {
          const o = a === 0 ? b : a;
          emitPrefixes(s, pfx);
          const rex = (w << 3) | (o >> 3);
          if (rex) s.put1(0x40 | rex);
          s.put1(0x90 | (o & 7));
          return;
        }
        encRM(s, inst, pfx, size === 1 ? 0x86 : 0x87, w, b, a, null, byteRex(size, a, b), 0);
        return;
      }
      encRM(s, inst, pfx, size === 1 ? 0x86 : 0x87, w, b, 0, inst.mem, byteRex(size, b, 0), 0);
      return;
    }
    case Op.Cmpxchg:
    case Op.Xadd: {
      checkSize(inst, SZ_ALL);
      const b = gp(inst, inst.src2), a = rmOf(inst, inst.dst);
      const base = inst.op === Op.Cmpxchg ? 0x0fb0 : 0x0fc0;
      encRM(s, inst, pfx | lock, base | (size === 1 ? 0 : 1), w, b, a, inst.mem, byteRex(size, a, b), 0);
      return;
    }
    case Op.Cmpxchg16b:
      encRM(s, inst, lock, 0x0fc7, 1, 1, 0, needMem(inst), false, 0);
      return;
    case Op.Fence:
      checkSub(inst, 3);
      s.put1(0x0f);
      s.put1(0xae);
      s.put1(inst.sub === 0 ? 0xf0 : inst.sub === 1 ? 0xe8 : 0xf8);
      return;
  }
}

/**
 * Recommended multi-byte nops (Intel SDM vol. 2, "NOP"): lengths 1..9. The table lists each
 * sequence's bytes after its length byte.
 */
const NOPS = new Uint8Array([
  1, 0x90,
  2, 0x66, 0x90,
  3, 0x0f, 0x1f, 0x00,
  4, 0x0f, 0x1f, 0x40, 0x00,
  5, 0x0f, 0x1f, 0x44, 0x00, 0x00,
  6, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00,
  7, 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00,
  8, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
  9, 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
]);
const NOP_START = (() => {
  const starts = new Int32Array(10);
  for (let i = 0, n = 1; n <= 9; n++) {
    starts[n] = i + 1;
    i += 1 + n;
  }
  return starts;
})();

/** Padding is for alignment: anything longer is a bug upstream, not a request. */
export const MAX_NOP_BYTES = 4096;

export function emitNops(s: CodeSink, len: number): void {
  while (len > 0) {
    const n = len > 9 ? 9 : len;
    const at = NOP_START[n];
    for (let i = 0; i < n; i++) s.put1(NOPS[at + i]);
    len -= n;
  }
}

function emitControl(s: CodeSink, inst: MInst): void {
  switch (inst.op) {
    case Op.Jmp:
    case Op.Jcc: {
      if (inst.label < 0) fail(inst, 'branch without a label');
      const isJcc = inst.op === Op.Jcc;
      if (isJcc) checkCC(inst);
      checkSub(inst, 2);
      if (inst.sub === 1) {
        s.put1(isJcc ? 0x70 | inst.cc : 0xeb);
        s.useLabel(s.curOffset(), inst.label, LABEL_REL8);
        s.put1(0);
      } else {
        if (isJcc) {
          s.put1(0x0f);
          s.put1(0x80 | inst.cc);
        } else {
          s.put1(0xe9);
        }
        s.useLabel(s.curOffset(), inst.label, LABEL_REL32);
        s.put4(0);
      }
      return;
    }
    case Op.JmpInd:
    case Op.CallInd:
      encRM(s, inst, 0, 0xff, 0, inst.op === Op.JmpInd ? 4 : 2, rmOf(inst, inst.src), inst.mem, false, 0);
      return;
    case Op.CallSym:
      if (inst.sym === null) fail(inst, 'direct call without a symbol');
      if (inst.imm !== (inst.imm | 0)) fail(inst, `call addend ${inst.imm} does not fit 32 bits`);
      checkSub(inst, 2);
      s.put1(0xe8);
      s.addReloc(s.curOffset(), inst.sub === 0 ? Reloc.X86CallPLTRel4 : Reloc.X86CallPCRel4, inst.sym, inst.imm - 4);
      s.put4(0);
      return;
    case Op.CallLabel:
      if (inst.label < 0) fail(inst, 'call without a label');
      s.put1(0xe8);
      s.useLabel(s.curOffset(), inst.label, LABEL_REL32);
      s.put4(0);
      return;
    case Op.Ret:
      if (inst.imm === 0) {
        s.put1(0xc3);
      } else {
        if (inst.imm < 0 || inst.imm > 0xffff) fail(inst, `ret pop count ${inst.imm} does not fit 16 bits`);
        s.put1(0xc2);
        s.put2(inst.imm);
      }
      return;
    case Op.Push:
    case Op.Pop: {
      const r = gp(inst, inst.op === Op.Push ? inst.src : inst.dst);
      if (r >= 8) s.put1(0x41);
      s.put1((inst.op === Op.Push ? 0x50 : 0x58) | (r & 7));
      return;
    }
    case Op.Ud2:
      s.put1(0x0f);
      s.put1(0x0b);
      return;
    case Op.Int3:
      s.put1(0xcc);
      return;
    case Op.Nop:
      if (inst.imm < 0 || inst.imm > MAX_NOP_BYTES || inst.imm !== (inst.imm | 0)) {
        fail(inst, `nop length ${inst.imm} is not between 0 and ${MAX_NOP_BYTES}`);
      }
      emitNops(s, inst.imm);
      return;
  }
}

/**
 * The inline jump-table sequence. The table follows the `jmp`, so the lea displacement is the
 * length of the three instructions after it; each entry is `target - table`, written as a
 * rel32 label use whose addend (4*i + 4) cancels the end-of-field bias of LABEL_REL32.
 */
function emitJumpTable(s: CodeSink, inst: MInst): void {
  const idx = gp(inst, inst.src), t1 = gp(inst, inst.dst), t2 = gp(inst, inst.src2);
  if (idx === 4) fail(inst, 'rsp cannot be a jump-table index');
  if (t1 === idx || t2 === idx || t1 === t2) fail(inst, 'jump-table temporaries must differ from the index and each other');
  const targets = inst.targets;
  if (targets === null || targets.length === 0) fail(inst, 'jump table without targets');
  const movsxdLen = (t1 & 7) === 5 ? 5 : 4;
  const jmpLen = t1 >= 8 ? 3 : 2;
  s.put1(0x48 | ((t1 >> 3) << 2));
  s.put1(0x8d);
  s.put1(((t1 & 7) << 3) | 5);
  s.put4(movsxdLen + 3 + jmpLen);
  s.put1(0x48 | ((t2 >> 3) << 2) | ((idx >> 3) << 1) | (t1 >> 3));
  s.put1(0x63);
  if (movsxdLen === 5) {
    s.put1(0x44 | ((t2 & 7) << 3));
    s.put1(0x80 | ((idx & 7) << 3) | (t1 & 7));
    s.put1(0);
  } else {
    s.put1(0x04 | ((t2 & 7) << 3));
    s.put1(0x80 | ((idx & 7) << 3) | (t1 & 7));
  }
  s.put1(0x48 | ((t2 >> 3) << 2) | (t1 >> 3));
  s.put1(0x01);
  s.put1(0xc0 | ((t2 & 7) << 3) | (t1 & 7));
  if (t1 >= 8) s.put1(0x41);
  s.put1(0xff);
  s.put1(0xe0 | (t1 & 7));
  for (let i = 0; i < targets.length; i++) {
    s.useLabel(s.curOffset(), targets[i], LABEL_REL32);
    s.put4(4 * i + 4);
  }
}

/**
 * The general-dynamic TLS sequence of the x86-64 TLS ABI (Drepper, "ELF Handling For
 * Thread-Local Storage"): padding prefixes make it exactly 16 bytes so the linker can rewrite
 * it in place into the initial-exec or local-exec form.
 */
function emitTlsGd(s: CodeSink, inst: MInst): void {
  if (inst.sym === null) fail(inst, 'TLS access without a symbol');
  s.put1(0x66);
  s.put1(0x48);
  s.put1(0x8d);
  s.put1(0x3d);
  s.addReloc(s.curOffset(), Reloc.ElfX86_64TlsGd, inst.sym, -4);
  s.put4(0);
  s.put1(0x66);
  s.put1(0x66);
  s.put1(0x48);
  s.put1(0xe8);
  s.addReloc(s.curOffset(), Reloc.X86CallPLTRel4, '__tls_get_addr', -4);
  s.put4(0);
}

/** `j!cc` over a register-register xmm move: the move's length is known, so no label. */
function emitXmmCmove(s: CodeSink, inst: MInst): void {
  checkCC(inst);
  const t = XMM_MOV[inst.sub];
  if (t === undefined) fail(inst, `unknown xmm move ${inst.sub}`);
  const d = xr(inst, inst.dst), r = xr(inst, inst.src);
  const len = (t.pfx !== 0 ? 1 : 0) + (d >= 8 || r >= 8 ? 1 : 0) + 3;
  s.put1(0x70 | (inst.cc ^ 1));
  s.put1(len);
  encRM(s, inst, t.pfx, t.opc, 0, d, r, null, false, 0);
}

function sseRR(s: CodeSink, inst: MInst, op: number, d: number, r: number): void {
  const t = SSE_OPS[op];
  encRM(s, inst, t.pfx, t.opc, 0, d, r, null, false, 0);
}

function shortBranch(s: CodeSink, opcode: number, label: number): void {
  s.put1(opcode);
  s.useLabel(s.curOffset(), label, LABEL_REL8);
  s.put1(0);
}

/**
 * CLIF fmin/fmax. minss/maxss alone return the second operand for NaNs and for +-0 pairs, so:
 * unordered operands give a NaN through an add, equal ones (+0 and -0 included) combine their
 * bits (or for min keeps a -0, and for max keeps +0), and only ordered unequal operands go to
 * minss/maxss.
 */
function emitXmmMinMax(s: CodeSink, inst: MInst): void {
  if (inst.sub < 0 || inst.sub > 3) fail(inst, `unknown min/max op ${inst.sub}`);
  const f64 = inst.sub >= 2, isMax = (inst.sub & 1) === 1;
  const d = xr(inst, inst.dst), r = xr(inst, inst.src);
  const ordered = s.getLabel(), nan = s.getLabel(), done = s.getLabel();
  sseRR(s, inst, f64 ? SseOp.Ucomisd : SseOp.Ucomiss, d, r);
  shortBranch(s, 0x70 | CC.NE, ordered);
  shortBranch(s, 0x70 | CC.P, nan);
  sseRR(s, inst, isMax ? (f64 ? SseOp.Andpd : SseOp.Andps) : (f64 ? SseOp.Orpd : SseOp.Orps), d, r);
  shortBranch(s, 0xeb, done);
  s.bindLabel(nan);
  sseRR(s, inst, f64 ? SseOp.Addsd : SseOp.Addss, d, r);
  shortBranch(s, 0xeb, done);
  s.bindLabel(ordered);
  sseRR(s, inst, isMax ? (f64 ? SseOp.Maxsd : SseOp.Maxss) : (f64 ? SseOp.Minsd : SseOp.Minss), d, r);
  s.bindLabel(done);
}

/** VEX.pp for a legacy mandatory-prefix bit set. */
function ppOf(pfx: number): number {
  return pfx & P66 ? 1 : pfx & PF3 ? 2 : pfx & PF2 ? 3 : 0;
}
/** VEX map and final opcode byte for a packed legacy opcode. */
function mapOf(opc: number): number {
  return opc > 0xffff ? ((opc >>> 8) & 255) === 0x3a ? MAP_0F3A : MAP_0F38 : 1;
}

/**
 * The AVX encodings of SSE forms (FLAG_VEX). GNU as swaps a register-register move into its
 * store form when that lets it use the 2-byte VEX prefix (source xmm8-15, destination
 * xmm0-7); we do the same so the bytes compare equal.
 */
function emitSseVex(s: CodeSink, inst: MInst): void {
  const mem = inst.mem;
  switch (inst.op) {
    case Op.XmmMov: {
      const t = XMM_MOV[inst.sub];
      if (t === undefined) fail(inst, `unknown xmm move ${inst.sub}`);
      const d = xr(inst, inst.dst), r = xr(inst, inst.src);
      const v = inst.sub <= 1 ? xr(inst, inst.src2) : 0;
      if (r >= 8 && d < 8) {
        encVex(s, inst, ppOf(t.storePfx), 1, 0, t.storeOpc & 255, r, v, d, null, 0);
      } else {
        encVex(s, inst, ppOf(t.pfx), 1, 0, t.opc & 255, d, v, r, null, 0);
      }
      return;
    }
    case Op.XmmLoad: {
      const t = XMM_MOV[inst.sub];
      if (t === undefined) fail(inst, `unknown xmm move ${inst.sub}`);
      encVex(s, inst, ppOf(t.pfx), 1, 0, t.opc & 255, xr(inst, inst.dst), 0, 0, needMem(inst), 0);
      return;
    }
    case Op.XmmStore: {
      const t = XMM_MOV[inst.sub];
      if (t === undefined) fail(inst, `unknown xmm move ${inst.sub}`);
      encVex(s, inst, ppOf(t.storePfx), 1, 0, t.storeOpc & 255, xr(inst, inst.src2), 0, 0, needMem(inst), 0);
      return;
    }
    case Op.GprToXmm:
      checkSize(inst, SZ_48);
      if (mem !== null && inst.size === 8) {
        encVex(s, inst, 2, 1, 0, 0x7e, xr(inst, inst.dst), 0, 0, mem, 0);
      } else {
        encVex(s, inst, 1, 1, sizeW(inst.size), 0x6e, xr(inst, inst.dst), 0, rmOf(inst, inst.src), mem, 0);
      }
      return;
    case Op.XmmToGpr:
      checkSize(inst, SZ_48);
      if (mem !== null && inst.size === 8) {
        encVex(s, inst, 1, 1, 0, 0xd6, xr(inst, inst.src2), 0, 0, mem, 0);
      } else {
        encVex(s, inst, 1, 1, sizeW(inst.size), 0x7e, xr(inst, inst.src2), 0, rmOf(inst, inst.dst), mem, 0);
      }
      return;
    case Op.XmmRM: {
      const t = SSE_OPS[inst.sub];
      if (t === undefined || inst.sub < SseOp.Ucomiss || inst.sub > SseOp.Comisd) {
        fail(inst, 'only the compares of XmmRM have a VEX form here; use xmmRVM for arithmetic');
      }
      const r = mem !== null ? 0 : xr(inst, inst.src);
      encVex(s, inst, ppOf(t.pfx), 1, 0, t.opc & 255, xr(inst, inst.dst), 0, r, mem, 0);
      return;
    }
    case Op.XmmRMImm: {
      const t = SSE_IMM_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown SSE op ${inst.sub}`);
      if (inst.imm < 0 || inst.imm > 255) fail(inst, `immediate ${inst.imm} does not fit a byte`);
      const r = mem !== null ? 0 : xr(inst, inst.src);
      encVex(s, inst, ppOf(t.pfx), mapOf(t.opc), 0, t.opc & 255, xr(inst, inst.dst), xr(inst, inst.src2), r, mem, 1);
      s.put1(inst.imm);
      return;
    }
    case Op.CvtIntToFloat:
      if (inst.size2 !== 4 && inst.size2 !== 8) fail(inst, `integer size ${inst.size2} must be 4 or 8`);
      checkSub(inst, 2);
      encVex(s, inst, inst.sub ? 3 : 2, 1, sizeW(inst.size2), 0x2a, xr(inst, inst.dst), xr(inst, inst.src2),
        rmOf(inst, inst.src), mem, 0);
      return;
    case Op.CvtFloatToInt: {
      checkSize(inst, SZ_48);
      const t = CVT_TO_INT[inst.sub];
      if (t === undefined) fail(inst, `unknown conversion ${inst.sub}`);
      const r = mem !== null ? 0 : xr(inst, inst.src);
      encVex(s, inst, ppOf(t.pfx), 1, sizeW(inst.size), t.opc & 255, gp(inst, inst.dst), 0, r, mem, 0);
      return;
    }
    default:
      fail(inst, 'this instruction has no VEX form; use xmmRVM');
  }
}

function checkImm8(inst: MInst): void {
  if (inst.imm < 0 || inst.imm > 255) fail(inst, `immediate ${inst.imm} does not fit a byte`);
}

/** Packed forms with an immediate and the xmm <-> GPR lane moves (legacy SSE encodings only). */
function emitPacked(s: CodeSink, inst: MInst): void {
  if (inst.flags & FLAG_VEX) fail(inst, 'this packed form has no VEX encoding here');
  switch (inst.op) {
    case Op.XmmRMImmP: {
      const t = PACKED_IMM_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown packed op ${inst.sub}`);
      checkImm8(inst);
      const r = inst.mem !== null ? 0 : xr(inst, inst.src);
      encRM(s, inst, t.pfx, t.opc, 0, xr(inst, inst.dst), r, inst.mem, false, 1);
      s.put1(inst.imm);
      return;
    }
    case Op.XmmShiftImm: {
      const t = XMM_SHIFT_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown packed shift ${inst.sub}`);
      checkImm8(inst);
      if (inst.mem !== null) fail(inst, 'a packed shift by an immediate takes a register');
      encRM(s, inst, P66, t.opc, 0, t.digit, xr(inst, inst.dst), null, false, 0);
      s.put1(inst.imm);
      return;
    }
    case Op.XmmExtract: {
      const t = XMM_EXTRACT_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown lane extract ${inst.sub}`);
      if (inst.mem !== null) fail(inst, 'lane extracts take registers only');
      if (t.imm) checkImm8(inst);
      const g = gp(inst, inst.dst), x = xr(inst, inst.src);
      if (t.xmmInReg) encRM(s, inst, t.pfx, t.opc, t.w, x, g, null, false, 0);
      else encRM(s, inst, t.pfx, t.opc, t.w, g, x, null, false, 0);
      if (t.imm) s.put1(inst.imm);
      return;
    }
    case Op.XmmInsert: {
      const t = XMM_INSERT_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown lane insert ${inst.sub}`);
      if (inst.mem !== null) fail(inst, 'lane inserts take registers only');
      checkImm8(inst);
      encRM(s, inst, P66, t.opc, t.w, xr(inst, inst.dst), gp(inst, inst.src), null, false, 0);
      s.put1(inst.imm);
      return;
    }
    default:
      fail(inst, `unknown op ${String(inst.op)}`);
  }
}

function emitSse(s: CodeSink, inst: MInst): void {
  if (inst.flags & FLAG_VEX && inst.op !== Op.XmmRVM) {
    emitSseVex(s, inst);
    return;
  }
  switch (inst.op) {
    case Op.XmmMov: {
      const t = XMM_MOV[inst.sub];
      if (t === undefined) fail(inst, `unknown xmm move ${inst.sub}`);
      encRM(s, inst, t.pfx, t.opc, 0, xr(inst, inst.dst), xr(inst, inst.src), null, false, 0);
      return;
    }
    case Op.XmmLoad: {
      const t = XMM_MOV[inst.sub];
      if (t === undefined) fail(inst, `unknown xmm move ${inst.sub}`);
      encRM(s, inst, t.pfx, t.opc, 0, xr(inst, inst.dst), 0, needMem(inst), false, 0);
      return;
    }
    case Op.XmmStore: {
      const t = XMM_MOV[inst.sub];
      if (t === undefined) fail(inst, `unknown xmm move ${inst.sub}`);
      encRM(s, inst, t.storePfx, t.storeOpc, 0, xr(inst, inst.src2), 0, needMem(inst), false, 0);
      return;
    }
    case Op.GprToXmm:
      checkSize(inst, SZ_48);
      // A 64-bit load uses movq xmm, m64 (F3 0F 7E) as GNU as does: same effect, no REX.W.
      if (inst.mem !== null && inst.size === 8) {
        encRM(s, inst, PF3, 0x0f7e, 0, xr(inst, inst.dst), 0, inst.mem, false, 0);
        return;
      }
      encRM(s, inst, P66, 0x0f6e, sizeW(inst.size), xr(inst, inst.dst), rmOf(inst, inst.src), inst.mem, false, 0);
      return;
    case Op.XmmToGpr:
      checkSize(inst, SZ_48);
      if (inst.mem !== null && inst.size === 8) {
        encRM(s, inst, P66, 0x0fd6, 0, xr(inst, inst.src2), 0, inst.mem, false, 0);
        return;
      }
      encRM(s, inst, P66, 0x0f7e, sizeW(inst.size), xr(inst, inst.src2), rmOf(inst, inst.dst), inst.mem, false, 0);
      return;
    case Op.XmmRM: {
      const t = SSE_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown SSE op ${inst.sub}`);
      const r = inst.mem !== null ? 0 : xr(inst, inst.src);
      encRM(s, inst, t.pfx, t.opc, 0, xr(inst, inst.dst), r, inst.mem, false, 0);
      return;
    }
    case Op.XmmRMImm: {
      const t = SSE_IMM_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown SSE op ${inst.sub}`);
      if (inst.imm < 0 || inst.imm > 255) fail(inst, `immediate ${inst.imm} does not fit a byte`);
      const r = inst.mem !== null ? 0 : xr(inst, inst.src);
      encRM(s, inst, t.pfx, t.opc, 0, xr(inst, inst.dst), r, inst.mem, false, 1);
      s.put1(inst.imm);
      return;
    }
    case Op.CvtIntToFloat: {
      if (inst.size2 !== 4 && inst.size2 !== 8) fail(inst, `integer size ${inst.size2} must be 4 or 8`);
      checkSub(inst, 2);
      encRM(s, inst, inst.sub ? PF2 : PF3, 0x0f2a, sizeW(inst.size2), xr(inst, inst.dst),
        rmOf(inst, inst.src), inst.mem, false, 0);
      return;
    }
    case Op.CvtFloatToInt: {
      checkSize(inst, SZ_48);
      const t = CVT_TO_INT[inst.sub];
      if (t === undefined) fail(inst, `unknown conversion ${inst.sub}`);
      const r = inst.mem !== null ? 0 : xr(inst, inst.src);
      encRM(s, inst, t.pfx, t.opc, sizeW(inst.size), gp(inst, inst.dst), r, inst.mem, false, 0);
      return;
    }
    case Op.XmmRVM: {
      const t = AVX_OPS[inst.sub];
      if (t === undefined) fail(inst, `unknown AVX op ${inst.sub}`);
      const r = inst.mem !== null ? 0 : xr(inst, inst.src);
      encVex(s, inst, t.pp, t.map, t.w, t.opc, xr(inst, inst.dst), xr(inst, inst.src2), r, inst.mem, 0);
      return;
    }
  }
}

/**
 * The bytes of `inst` (a Jcc) with the opposite condition and a zero displacement, for a
 * branch-simplifying buffer (`MachBuffer.addCondBranch`) that may flip it.
 */
export function invertedBranchBytes(inst: MInst): Uint8Array {
  if (inst.op !== Op.Jcc) fail(inst, 'only conditional branches can be inverted');
  const cc = inst.cc ^ 1;
  return inst.sub === 1 ? Uint8Array.of(0x70 | cc, 0) : Uint8Array.of(0x0f, 0x80 | cc, 0, 0, 0, 0);
}

/** Whether `inst` reads `dst` as well as writing it (FMA forms). */
export function avxReadsDst(sub: number): boolean {
  return sub >= AVX_FIRST_FMA;
}

/** Encode one instruction (all registers must be physical) into `s`. */
export function emitInst(inst: MInst, s: CodeSink): void {
  if (inst.trap >= 0) s.addTrap(s.curOffset(), inst.trap);
  switch (inst.op) {
    case Op.MovRR: case Op.MovImm: case Op.MovAbs: case Op.Load: case Op.Store:
    case Op.StoreImm: case Op.Movzx: case Op.Movsx: case Op.Lea:
      emitGprMove(s, inst);
      return;
    case Op.AluRM: case Op.AluRI: case Op.AluMR: case Op.AluMI:
      emitAlu(s, inst);
      return;
    case Op.Test: case Op.TestImm: case Op.Imul: case Op.ImulImm: case Op.Unary: case Op.MulDiv:
      emitTestMul(s, inst);
      return;
    case Op.ShiftImm: case Op.ShiftCl: case Op.DShiftImm: case Op.DShiftCl:
      emitShift(s, inst);
      return;
    case Op.Bt: case Op.BtImm: case Op.Setcc: case Op.Cmov: case Op.SignExtendRax: case Op.BitScan:
    case Op.Bswap:
      emitBitOps(s, inst);
      return;
    case Op.Bmi: case Op.Bls: case Op.Rorx:
      emitBmi(s, inst);
      return;
    case Op.Xchg: case Op.Cmpxchg: case Op.Cmpxchg16b: case Op.Xadd: case Op.Fence:
      emitAtomic(s, inst);
      return;
    case Op.Jmp: case Op.Jcc: case Op.JmpInd: case Op.CallSym: case Op.CallLabel: case Op.CallInd:
    case Op.Ret: case Op.Push: case Op.Pop: case Op.Ud2: case Op.Int3: case Op.Nop:
      emitControl(s, inst);
      return;
    case Op.XmmMov: case Op.XmmLoad: case Op.XmmStore: case Op.GprToXmm: case Op.XmmToGpr:
    case Op.XmmRM: case Op.XmmRMImm: case Op.CvtIntToFloat: case Op.CvtFloatToInt: case Op.XmmRVM:
      emitSse(s, inst);
      return;
    case Op.XmmRMImmP: case Op.XmmShiftImm: case Op.XmmExtract: case Op.XmmInsert:
      emitPacked(s, inst);
      return;
    case Op.JumpTable:
      emitJumpTable(s, inst);
      return;
    case Op.JmpSym:
      if (inst.sym === null) fail(inst, 'direct jump without a symbol');
      if (inst.imm !== (inst.imm | 0)) fail(inst, `jump addend ${inst.imm} does not fit 32 bits`);
      checkSub(inst, 2);
      s.put1(0xe9);
      s.addReloc(s.curOffset(), inst.sub === 0 ? Reloc.X86CallPLTRel4 : Reloc.X86CallPCRel4, inst.sym, inst.imm - 4);
      s.put4(0);
      return;
    case Op.TlsGd:
      emitTlsGd(s, inst);
      return;
    case Op.XmmCmove:
      emitXmmCmove(s, inst);
      return;
    case Op.XmmMinMax:
      emitXmmMinMax(s, inst);
      return;
    case Op.MovAbsSym: {
      if (inst.sym === null) fail(inst, 'movabs of a symbol without a symbol');
      const d = gp(inst, inst.dst);
      s.put1(0x48 | (d >> 3));
      s.put1(0xb8 | (d & 7));
      s.addReloc(s.curOffset(), Reloc.Abs8, inst.sym, inst.imm | 0);
      s.put4(0);
      s.put4(0);
      return;
    }
    default:
      fail(inst, `unknown op ${String(inst.op)}`);
  }
}
