/// <reference types="node" />
// Every encoder form checked against the GNU assembler. Each test builds instructions over a
// spread of operands (every general register including sp and xzr where the field allows
// them, every v register, every immediate class at its boundaries, every addressing mode),
// prints them with our printer, assembles all of them in one `aarch64-linux-gnu-as` run, reads
// the words back with one objdump run and compares them with our encoder's words, instruction
// by instruction. Forms with labels are checked as one program with bound labels; relocated
// forms against `objdump -r`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AddrMode, Arr, Cond, Extend, FpSize, Shift, decodeLogicalImm, encodeFpImm8, encodeImm12, encodeLogicalImm, fpImm8Value,
} from './args';
import { emitInst } from './emit';
import * as I from './mod';
import { AluOp, BfOp, CSelOp, Dp1Op, Dp2Op, Dp3Op, ExclOp, Fp1Op, Fp2Op, Fp3Op, LdStOp, LseOp, type MInst, MovWideOp, SysOp } from './mod';
import { NEON, V, VForm } from './neon';
import { printInst } from './print';
import { sp, vreg, xreg, xzr } from './regs';
import { BasicCodeSink } from './sink';
import { LDST, PAIR } from './tables';

const AS = 'aarch64-linux-gnu-as';
const OBJDUMP = 'aarch64-linux-gnu-objdump';
function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const HAVE_BINUTILS = hasTool(AS) && hasTool(OBJDUMP);

interface Assembled {
  /** Word per 4-byte offset. */
  words: Map<number, number>;
  relocs: { offset: number; type: string; target: string }[];
}

/** Assembles `lines` in one run; the words and relocations objdump reads back. */
function assemble(lines: readonly string[]): Assembled {
  const dir = mkdtempSync(join(tmpdir(), 'wl-a64-'));
  try {
    const src = join(dir, 't.s');
    const obj = join(dir, 't.o');
    writeFileSync(src, `.text\n${lines.join('\n')}\n`);
    try {
      execFileSync(AS, ['-march=armv8.5-a+fp16+dotprod', '-o', obj, src], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    } catch (e) {
      const err = String((e as { stderr?: unknown }).stderr ?? e).split('\n').slice(0, 30).join('\n');
      throw new Error(`as rejected the listing:\n${err}`, { cause: e });
    }
    const out = execFileSync(OBJDUMP, ['-d', '-r', '-w', obj], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const words = new Map<number, number>();
    const relocs: Assembled['relocs'] = [];
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) /.exec(line);
      if (m) words.set(parseInt(m[1], 16), parseInt(m[2], 16));
      // With -w, objdump appends an instruction's relocation to its line.
      const r = /\t([0-9a-f]+): (R_AARCH64_\w+)\t(\S+)/.exec(line);
      if (r) relocs.push({ offset: parseInt(r[1], 16), type: r[2], target: r[3] });
    }
    return { words, relocs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function wordOf(i: MInst): number {
  const s = new BasicCodeSink();
  emitInst(i, s);
  const b = s.finish();
  return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
}

/** Assembles every instruction's text and compares words; returns the mismatches. */
function compareAll(insts: readonly MInst[]): string[] {
  const lines = insts.map((i) => printInst(i));
  const { words } = assemble(lines);
  const bad: string[] = [];
  insts.forEach((inst, k) => {
    const want = words.get(4 * k);
    const got = wordOf(inst);
    if (want !== got) bad.push(`${lines[k]}: as ${want?.toString(16).padStart(8, '0')}, ours ${got.toString(16).padStart(8, '0')}`);
  });
  return bad;
}

// ---------------------------------------------------------------- operand spreads

/** Every general register x0..x30 and the register 31 meaning of the field. */
const GPR31 = (r31: number): number[] => [...Array.from({ length: 31 }, (_, k) => xreg(k)), r31];
/** A register triple for index k, spreading all 32 values over each field. */
const tri = (k: number, r31: number, r31n = r31, r31m = r31): [number, number, number] => {
  const pick = (n: number, f: number): number => (n === 31 ? f : xreg(n));
  return [pick(k % 32, r31), pick((k * 7 + 3) % 32, r31n), pick((k * 13 + 5) % 32, r31m)];
};
const VR = (k: number): number => vreg(k & 31);
const SFS: I.Sf[] = [0, 1];

function integerForms(): MInst[] {
  const out: MInst[] = [];
  // Shifted register: every op, both widths, each shift kind at 0, 1 and the maximum.
  for (const sub of Object.values(AluOp)) {
    for (const sf of SFS) {
      for (let k = 0; k < 32; k++) {
        const [d, n, m] = tri(k, xzr);
        if (sub >= 12) {
          out.push(I.aluRRR(sub, sf, d, n, m));
          continue;
        }
        const kinds = sub < 4 ? [Shift.LSL, Shift.LSR, Shift.ASR] : [Shift.LSL, Shift.LSR, Shift.ASR, Shift.ROR];
        const kind = kinds[k % kinds.length];
        for (const amount of [0, 1, k % (sf ? 64 : 32), sf ? 63 : 31]) out.push(I.aluRRR(sub, sf, d, n, m, kind, amount));
      }
    }
  }
  // Immediate add/sub: sp in rd (add/sub) or xzr (adds/subs: cmp/cmn), sp in rn.
  for (const sub of [AluOp.Add, AluOp.Adds, AluOp.Sub, AluOp.Subs]) {
    const setsFlags = sub === AluOp.Adds || sub === AluOp.Subs;
    for (const sf of SFS) {
      for (let k = 0; k < 32; k++) {
        const [d, n] = tri(k, setsFlags ? xzr : sp, sp);
        for (const v of [0, 1, 0xfff, 0x1000, 0x5000, 0xfff000, k * 97]) out.push(I.aluRRImm12(sub, sf, d, n, encodeImm12(v)));
      }
    }
  }
  // Extended register: every extend and shift.
  for (const sub of [AluOp.Add, AluOp.Adds, AluOp.Sub, AluOp.Subs]) {
    const setsFlags = sub === AluOp.Adds || sub === AluOp.Subs;
    for (const sf of SFS) {
      for (let k = 0; k < 32; k++) {
        const [d, n, m] = tri(k, setsFlags ? xzr : sp, sp, xzr);
        for (let ext = 0; ext < 8; ext++) {
          if (!sf && (ext & 3) === 3) continue;
          out.push(I.aluRRRExtend(sub, sf, d, n, m, ext as Extend, (k + ext) % 5));
        }
      }
    }
  }
  // Move wide.
  for (const sub of [MovWideOp.Movn, MovWideOp.Movz, MovWideOp.Movk]) {
    for (const sf of SFS) {
      for (let k = 0; k < 32; k++) {
        for (const imm of [0, 1, 0x8000, 0xffff, (k * 2654435761) & 0xffff]) out.push(I.movWide(sub, sf, GPR31(xzr)[k], imm, k % (sf ? 4 : 2)));
      }
    }
  }
  // Data processing: 1, 2 and 3 sources.
  for (const sub of Object.values(Dp1Op)) {
    for (const sf of SFS) {
      if (sub === Dp1Op.Rev32 && !sf) continue;
      for (let k = 0; k < 32; k++) {
        const [d, n] = tri(k, xzr);
        out.push(I.dp1(sub, sf, d, n));
      }
    }
  }
  for (const sub of Object.values(Dp2Op)) {
    for (const sf of SFS) {
      for (let k = 0; k < 32; k++) {
        const [d, n, m] = tri(k, xzr);
        out.push(I.dp2(sub, sf, d, n, m));
      }
    }
  }
  for (const sub of Object.values(Dp3Op)) {
    for (const sf of SFS) {
      if (sub >= 2 && !sf) continue;
      for (let k = 0; k < 32; k++) {
        const [d, n, m] = tri(k, xzr);
        out.push(I.dp3(sub, sf, d, n, m, xreg((k * 5 + 1) % 31)));
        if (sub !== Dp3Op.Smulh && sub !== Dp3Op.Umulh) out.push(I.dp3(sub, sf, d, n, m, xzr));
      }
    }
  }
  // Bitfield moves and extract: immr/imms across the range.
  for (const sub of [BfOp.Sbfm, BfOp.Bfm, BfOp.Ubfm]) {
    for (const sf of SFS) {
      const max = sf ? 63 : 31;
      for (let k = 0; k < 64; k++) {
        const [d, n] = tri(k, xzr);
        out.push(I.bitfield(sub, sf, d, n, (k * 11) % (max + 1), (k * 5 + 3) % (max + 1)));
      }
      out.push(I.bitfield(sub, sf, xreg(1), xreg(2), max, max), I.bitfield(sub, sf, xreg(1), xreg(2), 0, 0));
    }
  }
  for (const sf of SFS) {
    for (let k = 0; k < 32; k++) {
      const [d, n, m] = tri(k, xzr);
      out.push(I.extr(sf, d, n, m, k % (sf ? 64 : 32)));
      out.push(I.extr(sf, d, n, n, (k * 3) % (sf ? 64 : 32)));
    }
  }
  // Conditional select and compare: every condition.
  for (const sub of Object.values(CSelOp)) {
    for (const sf of SFS) {
      for (let k = 0; k < 32; k++) {
        const [d, n, m] = tri(k, xzr);
        out.push(I.csel(sub, sf, d, n, m, (k % 16) as Cond));
      }
      out.push(I.csel(sub, sf, xreg(3), xzr, xzr, Cond.EQ), I.csel(sub, sf, xreg(3), xreg(4), xreg(4), Cond.LT));
    }
  }
  for (const sf of SFS) {
    for (let k = 0; k < 32; k++) {
      const [, n, m] = tri(k, xzr);
      out.push(I.ccmp(sf, n, m, k % 16, (k % 16) as Cond), I.ccmp(sf, n, m, (k * 3) % 16, ((k + 5) % 16) as Cond, true));
      out.push(I.ccmpImm(sf, n, k, (k * 7) % 16, ((k + 1) % 16) as Cond), I.ccmpImm(sf, n, 31 - k, k % 16, ((k + 9) % 16) as Cond, true));
    }
  }
  return out;
}

/** Every valid logical immediate of both widths (5334 of 64 bits, 1302 of 32), encoded from its value. */
function logicalImmediates(): { insts: MInst[]; roundTrip: string[] } {
  const insts: MInst[] = [];
  const roundTrip: string[] = [];
  for (const bits of [32, 64] as const) {
    for (let enc = 0; enc < (bits === 64 ? 0x2000 : 0x1000); enc++) {
      const n = enc >>> 12;
      const imms = enc & 63;
      // Valid encodings: the element size (from N:NOT(imms)) exists and the run is not all ones.
      const len = 31 - Math.clz32((n << 6) | (~imms & 63));
      if (len < 1) continue;
      const e = 1 << len;
      if ((imms & (e - 1)) === e - 1) continue;
      if (bits === 32 && n === 1) continue;
      // immr beyond the element size repeats a smaller rotation: canonical encodings only.
      if (((enc >>> 6) & 63) >= e) continue;
      const [lo, hi] = decodeLogicalImm(enc, bits);
      const back = encodeLogicalImm(lo, hi, bits);
      if (back !== enc) roundTrip.push(`${bits}-bit ${enc.toString(2)}: value ${hi.toString(16)}:${lo.toString(16)} encodes to ${back}`);
      const sub = [AluOp.And, AluOp.Ands, AluOp.Orr, AluOp.Eor][enc % 4];
      const k = enc % 31;
      insts.push(I.aluRRImmLogic(sub, bits === 64 ? 1 : 0, sub === AluOp.Ands ? (k === 7 ? xzr : xreg(k)) : k === 7 ? sp : xreg(k), xreg((k + 3) % 31), back < 0 ? enc : back));
    }
  }
  return { insts, roundTrip };
}

function memoryForms(): MInst[] {
  const out: MInst[] = [];
  LDST.forEach((row, sub) => {
    const rt = (k: number): number => (row.reg === 'v' ? VR(k) : k === 31 ? xzr : xreg(k));
    const base = (k: number): number => (k === 31 ? sp : xreg(k));
    for (let k = 0; k < 32; k++) {
      const b = row.bytes;
      // Scaled unsigned offsets, unscaled signed ones, pre/post index, register offsets.
      for (const off of [0, b, 4095 * b, ((k * 37) % 4096) * b]) out.push(I.ldst(sub, rt(k), base((k * 3 + 1) % 32), off));
      for (const off of [-256, -1, 255, 1 + (b > 1 ? 0 : 2), -((k * 5) % 256)]) {
        if (off >= 0 && off % b === 0) continue;
        out.push(I.ldst(sub, rt(k), base((k * 5 + 2) % 32), off));
      }
      for (const off of [-256, 255, (k * 9) % 256 - 128]) {
        out.push(I.ldstIndexed(sub, rt(k), base((k * 7 + 3) % 32), off, true), I.ldstIndexed(sub, rt(k), base((k * 11 + 4) % 32), off, false));
      }
      for (const ext of [Extend.UXTW, Extend.UXTX, Extend.SXTW, Extend.SXTX]) {
        for (const scaled of [false, true]) out.push(I.ldstReg(sub, rt(k), base((k * 13 + 5) % 32), k === 30 ? xzr : xreg((k * 17 + 6) % 31), ext, scaled));
      }
    }
  });
  PAIR.forEach((row, sub) => {
    const r = (k: number): number => (row.reg === 'v' ? VR(k) : k === 31 ? xzr : xreg(k));
    for (let k = 0; k < 32; k++) {
      const b = row.bytes;
      for (const off of [-64 * b, 63 * b, 0, ((k % 16) - 8) * b]) {
        const base = k % 4 === 0 ? sp : xreg((k * 3) % 31);
        out.push(I.ldstPair(sub, r(k), r((k + 1) % 32), base, off));
        out.push(I.ldstPair(sub, r(k), r((k + 9) % 32), base, off, AddrMode.PreIndex));
        out.push(I.ldstPair(sub, r((k + 2) % 32), r(k), base, off, AddrMode.PostIndex));
      }
    }
  });
  // Exclusive, ordered and LSE atomics at every size.
  for (const sub of Object.values(ExclOp)) {
    for (let size = 0; size < 4; size++) {
      if (sub >= ExclOp.Ldxp && size < 2) continue;
      for (let k = 0; k < 31; k += 3) {
        out.push(I.excl(sub, size, xreg(k), k % 2 ? sp : xreg((k + 5) % 31), xreg((k + 11) % 31), xreg((k + 17) % 31)));
      }
    }
  }
  for (const sub of Object.values(LseOp)) {
    for (let size = 0; size < 4; size++) {
      for (let order = 0; order < 4; order++) {
        for (let k = 0; k < 32; k += 5) out.push(I.lse(sub, size, k === 30 ? xzr : xreg(k), xreg((k + 7) % 31), k % 3 ? xreg((k + 1) % 31) : sp, order));
      }
    }
  }
  for (let size = 0; size < 4; size++) {
    for (let order = 0; order < 4; order++) {
      for (let k = 0; k < 31; k += 3) out.push(I.cas(size, xreg(k), xreg((k + 4) % 31), k % 2 ? sp : xreg((k + 9) % 31), order));
    }
  }
  for (let order = 0; order < 4; order++) {
    for (let k = 0; k < 28; k += 2) out.push(I.casp(xreg(k), xreg((k + 6) % 28), k % 4 ? sp : xreg(k + 1), order));
  }
  return out;
}

function systemForms(): MInst[] {
  const out: MInst[] = Object.values(SysOp).map((s) => I.sys(s));
  for (const imm of [0, 1, 0xc11f, 0xffff]) out.push(I.udf(-1, imm), I.brk(imm));
  for (let k = 0; k < 31; k++) {
    out.push(I.mrsTpidr(xreg(k)), I.br(xreg(k)), I.blr(xreg(k)));
  }
  out.push(I.ret(), I.ret(1), I.ret(2));
  const r = I.ret();
  r.rn = xreg(5);
  out.push(r);
  return out;
}

function floatForms(): MInst[] {
  const out: MInst[] = [];
  const sizes = [FpSize.H, FpSize.S, FpSize.D];
  for (const fs of sizes) {
    for (let k = 0; k < 32; k++) {
      const [d, n, m, a] = [VR(k), VR(k * 7 + 3), VR(k * 13 + 5), VR(k * 19 + 11)];
      for (const sub of Object.values(Fp1Op)) out.push(I.fpRR(sub, fs, d, n));
      for (const sub of Object.values(Fp2Op)) out.push(I.fpRRR(sub, fs, d, n, m));
      for (const sub of Object.values(Fp3Op)) out.push(I.fpRRRR(sub, fs, d, n, m, a));
      out.push(I.fpCmp(fs, n, m), I.fpCmp(fs, n, -1), I.fpCmp(fs, n, m, true), I.fpCmp(fs, n, -1, true));
      out.push(I.fpCsel(fs, d, n, m, (k % 16) as Cond));
      for (const to of sizes) if (to !== fs) out.push(I.fpCvt(fs, to, d, n));
      for (const sf of SFS) {
        const g = k === 31 ? xzr : xreg(k);
        out.push(I.fpToInt(0, fs, sf, g, n), I.fpToInt(1, fs, sf, g, n), I.intToFp(0, fs, sf, d, g), I.intToFp(1, fs, sf, d, g));
      }
      const g = k === 31 ? xzr : xreg(k);
      out.push(I.fmovToGpr(fs, g, n), I.fmovFromGpr(fs, d, g));
    }
    for (let imm8 = 0; imm8 < 256; imm8++) out.push(I.fpImm(fs, VR(imm8), imm8));
  }
  for (let k = 0; k < 32; k++) out.push(I.fmovToGpr(FpSize.D, k === 31 ? xzr : xreg(k), VR(k), true), I.fmovFromGpr(FpSize.D, VR(k), k === 31 ? xzr : xreg(k), true));
  return out;
}

function vectorForms(): MInst[] {
  const out: MInst[] = [];
  NEON.forEach((row, sub) => {
    if (row.form === VForm.ModImm || row.form === VForm.MovToGen) return;
    for (let a = 0; a < 8; a++) {
      if (((row.arrs >> a) & 1) === 0) continue;
      const size = a >> 1;
      const esize = 8 << size;
      const lanes = 16 >> size;
      for (let k = 0; k < 32; k += row.form === VForm.ShiftL || row.form === VForm.ShiftR ? 1 : 3) {
        const [d, n, m] = [VR(k), VR(k * 7 + 3), VR(k * 13 + 5)];
        switch (row.form) {
          case VForm.ShiftL: out.push(I.vec(sub, a, d, n, -1, k % esize)); break;
          case VForm.ShiftR: out.push(I.vec(sub, a, d, n, -1, 1 + (k % esize))); break;
          case VForm.ShiftLL: out.push(I.vec(sub, a, d, n, -1, k % esize)); break;
          case VForm.ShiftRN: out.push(I.vec(sub, a, d, n, -1, 1 + (k % esize))); break;
          case VForm.DupElem: case VForm.DupScalar: out.push(I.vec(sub, a, d, n, -1, k % lanes)); break;
          case VForm.DupGen: out.push(I.vec(sub, a, d, k === 31 ? xzr : xreg(k))); break;
          case VForm.InsGen: out.push(I.vec(sub, a, d, k === 31 ? xzr : xreg(k), -1, k % lanes)); break;
          case VForm.InsElem: out.push(I.vec(sub, a, d, n, -1, k % lanes, (k * 3 + 1) % lanes)); break;
          case VForm.Ext: out.push(I.vec(sub, a, d, n, m, k % (a & 1 ? 16 : 8))); break;
          case VForm.Tbl: for (let len = 0; len < 4; len++) out.push(I.vec(sub, a, d, VR(k % 28), m, len)); break;
          case VForm.Ld1R: case VForm.LdStLane: out.push(I.vec(sub, a, d, k === 31 ? sp : xreg(k), -1, k % lanes)); break;
          default: out.push(I.vec(sub, a, d, n, m));
        }
      }
    }
  });
  // Moves to general registers: umov (W for 8/16/32-bit lanes, X for 64) and smov (to W or X).
  for (let k = 0; k < 32; k++) {
    const g = k === 31 ? xzr : xreg(k);
    for (const [a, lanes] of [[Arr.B16, 16], [Arr.H8, 8], [Arr.S4, 4], [Arr.D2, 2]] as const) {
      out.push(I.vec(V.umov, a, g, VR(k + 3), -1, k % lanes, a === Arr.D2 ? 1 : 0));
      if (a !== Arr.D2) out.push(I.vec(V.smov, a, g, VR(k + 5), -1, k % lanes, 1));
      if (a === Arr.B16 || a === Arr.H8) out.push(I.vec(V.smov, a, g, VR(k + 7), -1, (k * 3) % lanes, 0));
    }
  }
  // Modified immediates: every op/cmode combination with a spread of imm8.
  for (let opCmode = 0; opCmode < 32; opCmode++) {
    const op = opCmode >> 4;
    const cmode = opCmode & 15;
    const isOrrBic = cmode < 12 && (cmode & 1) === 1;
    const row = isOrrBic ? (op ? V.bici : V.orri) : V.movi;
    for (const q of [0, 1]) {
      if (opCmode === 31 && q === 0) continue; // fmov .2d only
      for (const imm8 of [0, 1, 0x55, 0x80, 0xff, (opCmode * 37 + q * 11) & 0xff]) {
        const a = cmode === 14 && !op ? (q ? Arr.B16 : Arr.B8) : (cmode & 12) === 8 ? (q ? Arr.H8 : Arr.H4) : op && cmode === 14 ? (q ? Arr.D2 : Arr.D1) : q ? Arr.S4 : Arr.S2;
        out.push(I.vec(row, a, VR(imm8 + opCmode), -1, -1, imm8, opCmode));
      }
    }
  }
  return out;
}

function floatImmediates(): string[] {
  const bad: string[] = [];
  // Every FMOV imm8 decodes to a value whose f64 and f32 bit patterns encode back to it.
  const f64 = new Float64Array(1);
  const u64 = new Uint32Array(f64.buffer);
  for (let imm8 = 0; imm8 < 256; imm8++) {
    f64[0] = fpImm8Value(imm8);
    if (encodeFpImm8(u64[0], u64[1], FpSize.D) !== imm8) bad.push(`f64 imm8 ${imm8}`);
  }
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (const x of [1, 2, 0.125, 31, -1.5, 0.1, 3.0e10]) {
    f32[0] = x;
    const enc = encodeFpImm8(u32[0], 0, FpSize.S);
    const encodable = [1, 2, 0.125, 31, -1.5].includes(x);
    if ((enc >= 0) !== encodable) bad.push(`f32 ${x}: ${enc}`);
  }
  return bad;
}

/** A program of label forms: branches in both directions, literal loads, adr, table words. */
function labelProgram(): { items: (MInst | number)[]; count: number } {
  const items: (MInst | number)[] = [];
  let count = 0;
  const add = (i: MInst): void => {
    items.push(i);
    count++;
  };
  // Labels 0..7 bound at spread positions; uses before and after each.
  for (let l = 0; l < 8; l++) {
    for (let k = 0; k < 24; k++) {
      const target = (l + k) % 8;
      const r = xreg(k % 31);
      switch (k % 8) {
        case 0: add(I.b(target)); break;
        case 1: add(I.bcond((k % 14) as Cond, target)); break;
        case 2: add(I.cbz(k % 2 === 0, (k & 1) as I.Sf, r, target)); break;
        case 3: add(I.tbz(k % 3 === 0, r, (k * 5) % 64, target)); break;
        case 4: add(I.adr(r, target, k % 3)); break;
        case 5: add(I.ldrLiteral([LdStOp.LdW, LdStOp.LdX, LdStOp.LdsWX, LdStOp.LdFpS, LdStOp.LdFpD, LdStOp.LdFpQ][k % 6], k % 6 >= 3 ? VR(k) : r, target)); break;
        case 6: add(I.cbz(true, 1, xzr, target)); break;
        default: add(I.bcond(Cond.NE, target));
      }
    }
    items.push(l);
  }
  return { items, count };
}

/** Relocated forms: calls, tail calls, page/offset pairs, GOT and TLS accesses. */
function relocatedForms(): MInst[] {
  return [
    I.bl('callee'), I.bl('callee', 8), I.bSym('tail'), I.adrp(xreg(3), 'data'), I.addLo12(xreg(3), xreg(3), 'data'),
    I.adrp(xreg(4), 'data', 0, 16), I.addLo12(xreg(4), xreg(4), 'data', 0, 16), I.adrp(xreg(5), 'ext', 1), I.ldrLo12(xreg(5), xreg(5), 'ext'),
    I.adrp(xreg(0), 'tlsvar', 2), I.addLo12(xreg(0), xreg(0), 'tlsvar', 1),
  ];
}

const RELOC_NAMES: Record<string, string> = {
  Arm64Call: 'R_AARCH64_CALL26', Aarch64Jump26: 'R_AARCH64_JUMP26', Aarch64AdrPrelPgHi21: 'R_AARCH64_ADR_PREL_PG_HI21',
  Aarch64AddAbsLo12Nc: 'R_AARCH64_ADD_ABS_LO12_NC', Aarch64AdrGotPage21: 'R_AARCH64_ADR_GOT_PAGE', Aarch64Ld64GotLo12Nc: 'R_AARCH64_LD64_GOT_LO12_NC',
  Aarch64TlsGdAdrPage21: 'R_AARCH64_TLSGD_ADR_PAGE21', Aarch64TlsGdAddLo12Nc: 'R_AARCH64_TLSGD_ADD_LO12_NC',
};

describe.skipIf(!HAVE_BINUTILS)('the AArch64 encoder against GNU as (needs aarch64-linux-gnu binutils)', () => {
  let total = 0;

  it('integer data processing', () => {
    const insts = integerForms();
    total += insts.length;
    expect(compareAll(insts)).toEqual([]);
  });

  it('every logical (bitmask) immediate, encoded from its value', () => {
    const { insts, roundTrip } = logicalImmediates();
    expect(roundTrip).toEqual([]);
    expect(insts.length).toBe(5334 + 1302);
    total += insts.length;
    expect(compareAll(insts)).toEqual([]);
    // Values that are not bitmask immediates.
    for (const [lo, hi] of [[0, 0], [-1, -1], [5, 0], [0x12345678, 0]]) expect(encodeLogicalImm(lo, hi, 64)).toBe(-1);
  });

  it('loads and stores in every addressing mode, pairs, exclusives and LSE atomics', () => {
    const insts = memoryForms();
    total += insts.length;
    expect(compareAll(insts)).toEqual([]);
  });

  it('system instructions, indirect branches and returns', () => {
    const insts = systemForms();
    total += insts.length;
    expect(compareAll(insts)).toEqual([]);
  });

  it('scalar floating point, every FMOV immediate', () => {
    const insts = floatForms();
    total += insts.length;
    expect(compareAll(insts)).toEqual([]);
    expect(floatImmediates()).toEqual([]);
  });

  it('every Advanced SIMD row in each of its arrangements', () => {
    const insts = vectorForms();
    total += insts.length;
    expect(compareAll(insts)).toEqual([]);
  });

  it('branches, literal loads and adr to bound labels in both directions', () => {
    const { items, count } = labelProgram();
    const lines = items.map((x) => (typeof x === 'number' ? `.L${x}:` : printInst(x)));
    const { words } = assemble(lines);
    const sink = new BasicCodeSink();
    const texts: string[] = [];
    for (const x of items) {
      if (typeof x === 'number') sink.bindLabel(x);
      else {
        texts.push(printInst(x));
        emitInst(x, sink);
      }
    }
    const bytes = sink.finish();
    const bad: string[] = [];
    for (let k = 0; k < bytes.length / 4; k++) {
      const ours = (bytes[4 * k] | (bytes[4 * k + 1] << 8) | (bytes[4 * k + 2] << 16) | (bytes[4 * k + 3] << 24)) >>> 0;
      if (words.get(4 * k) !== ours) bad.push(`${texts[k]}: as ${words.get(4 * k)?.toString(16)}, ours ${ours.toString(16)}`);
    }
    total += count;
    expect(bad).toEqual([]);
  });

  it('relocated forms: the same words and relocations as the assembler', () => {
    const insts = relocatedForms();
    const { words, relocs } = assemble(insts.map((i) => printInst(i)));
    const sink = new BasicCodeSink();
    for (const i of insts) emitInst(i, sink);
    const bytes = sink.finish();
    insts.forEach((_i, k) => {
      const ours = (bytes[4 * k] | (bytes[4 * k + 1] << 8) | (bytes[4 * k + 2] << 16) | (bytes[4 * k + 3] << 24)) >>> 0;
      expect(ours.toString(16)).toBe(words.get(4 * k)?.toString(16));
    });
    const ours = sink.relocs.map((r) => `${r.offset} ${RELOC_NAMES[r.kind]} ${r.symbol}${r.addend ? `+0x${r.addend.toString(16)}` : ''}`);
    expect(ours).toEqual(relocs.map((r) => `${r.offset} ${r.type} ${r.target}`));
    total += insts.length;
  });

  it('checks at least 20,000 instructions in all', () => {
    console.log(`${total} instructions compared`);
    expect(total).toBeGreaterThanOrEqual(20_000);
  });
});
