/// <reference types="node" />
// Every encoder form checked against the GNU assembler. Each test lists its instructions as
// text (the printer's own output, which is GAS-compatible Intel syntax), assembles them in one
// `as` run, disassembles the object once with objdump, and compares instruction by
// instruction: our bytes against GAS's, and our printer's text against objdump's.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Amode, amAbs, amBase, amBaseSym, amIndex, amLabel, amRip, amSeg, amSym, CC, Reloc, Seg,
} from './args';
import { emitInst } from './emit';
import * as I from './mod';
import { type MInst, AluOp, AvxOp, BitOp, BlsOp, BmiOp, CvtToIntOp, MulDivOp, ShiftOp, SseOp, UnaryOp, XmmMovOp } from './mod';
import { printInst } from './print';
import { gpr, NO_REG, xmm } from './regs';
import { BasicCodeSink } from './sink';
import { getReg, RegField, visitOperands } from './operands';

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const HAVE_BINUTILS = hasTool('as') && hasTool('objdump');

interface Disasm {
  offset: number;
  bytes: string;
  text: string;
}
interface Relocation {
  offset: number;
  type: string;
  target: string;
}

/** Assemble `lines` once and return objdump's instructions (bytes as hex) and relocations. */
function assemble(lines: string[]): { insts: Disasm[]; relocs: Relocation[] } {
  const dir = mkdtempSync(join(tmpdir(), 'wl-x64-'));
  try {
    const src = join(dir, 't.s');
    const obj = join(dir, 't.o');
    writeFileSync(src, '.intel_syntax noprefix\n.text\n' + lines.join('\n') + '\n');
    execFileSync('as', ['--64', '-o', obj, src], { stdio: ['ignore', 'ignore', 'pipe'] });
    const out = execFileSync('objdump', ['-d', '-r', '-w', '-M', 'intel', obj], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const insts: Disasm[] = [];
    const relocs: Relocation[] = [];
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$/.exec(line);
      if (!m) continue;
      // With -w, objdump appends relocations to the instruction line after a tab.
      const [text, ...rest] = m[3].split(/\t(?=[0-9a-f]+: R_X86_64_)/);
      insts.push({ offset: parseInt(m[1], 16), bytes: m[2].trim(), text });
      for (const r of rest) {
        const rm = /^([0-9a-f]+): (R_X86_64_\w+)\t(\S+)/.exec(r);
        if (rm) relocs.push({ offset: parseInt(rm[1], 16), type: rm[2], target: rm[3] });
      }
    }
    return { insts, relocs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** objdump text without its address annotations, whitespace collapsed. */
function normalize(text: string): string {
  return text.replace(/#.*$/, '').replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Check each instruction standing alone: bytes equal to GAS's, and the printer's text equal to
 * objdump's. Returns the mismatches (so a failure lists them all at once).
 */
function checkAgainstGas(insts: MInst[]): string[] {
  const texts = insts.map((i) => printInst(i));
  const { insts: dis } = assemble(texts);
  const bad: string[] = [];
  if (dis.length !== insts.length) {
    bad.push(`objdump found ${dis.length} instructions for ${insts.length} inputs`);
  }
  const n = Math.min(dis.length, insts.length);
  for (let k = 0; k < n && bad.length < 40; k++) {
    const sink = new BasicCodeSink();
    let ours: string;
    try {
      emitInst(insts[k], sink);
      ours = hex(sink.finish());
    } catch (e) {
      ours = `error: ${(e as Error).message}`;
    }
    if (ours !== dis[k].bytes) {
      bad.push(`${texts[k]}: ours ${ours}, gas ${dis[k].bytes}`);
      continue;
    }
    const want = normalize(dis[k].text);
    const got = normalize(texts[k]);
    if (want !== got) bad.push(`printer: ours "${got}", objdump "${want}"`);
  }
  return bad;
}

// ---- operand spreads

const GPRS = Array.from({ length: 16 }, (_, i) => gpr(i));
const XMMS = Array.from({ length: 16 }, (_, i) => xmm(i));
const SIZES = [1, 2, 4, 8] as const;
const SIZES248 = [2, 4, 8] as const;
const SIZES48 = [4, 8] as const;

/** Every addressing-mode shape: rsp/r12 bases (SIB), rbp/r13 bases (forced disp8), disp 0/8/32. */
function amodes(): Amode[] {
  const [rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, , r11, r12, r13, , r15] = GPRS;
  return [
    amBase(rax), amBase(rcx, 8), amBase(rdx, -8), amBase(rbx, 0x12345678), amBase(rsi, -0x1000),
    amBase(rsp), amBase(rsp, 0x10), amBase(r12), amBase(r12, -0x80),
    amBase(rbp), amBase(rbp, 0x7f), amBase(r13), amBase(r13, 0x80), amBase(rdi, -0x81),
    amBase(r8, 0x7fffffff), amBase(r15, -0x80000000),
    amIndex(r8, r9, 3, 0x10), amIndex(rax, r12, 1), amIndex(r15, rbp, 2, -0x1000),
    amIndex(NO_REG, rsi, 3, 0x40), amIndex(NO_REG, r13, 0, 0), amIndex(r11, rdx, 0),
    amIndex(rbp, r13, 0), amIndex(r13, rax, 2), amIndex(rsp, rcx, 1, 8), amIndex(r12, r15, 3, -8),
    amRip(0x100), amRip(-0x10), amAbs(0x1000), amAbs(-0x10),
  ];
}
const AMODES = amodes();

const IMMS = [0, 1, -1, 5, 127, -128, 128, -129, 0x1234, -0x8000, 0x7fff, 0x12345678, 0x7fffffff, -0x80000000];
function immsFor(size: number): number[] {
  if (size === 1) return [0, 1, -1, 5, 127, -128, 0x55];
  if (size === 2) return [0, 1, -1, 127, -128, 128, -129, 0x1234, 0x7fff, -0x8000];
  return IMMS;
}

/** All (a, b) register pairs, or a rotating subset that still covers every register twice. */
function pairs<T>(xs: T[], full: boolean): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < xs.length; i++) {
    if (full) for (let j = 0; j < xs.length; j++) out.push([xs[i], xs[j]]);
    else for (const d of [0, 3, 9]) out.push([xs[i], xs[(i + d) % xs.length]]);
  }
  return out;
}

// ---- the forms

function gprMoves(): MInst[] {
  const out: MInst[] = [];
  for (const size of SIZES) {
    for (const [d, s] of pairs(GPRS, true)) out.push(I.movRR(size, d, s));
    for (const d of GPRS) for (const v of immsFor(size)) out.push(I.movImm(size, d, v));
    for (const [k, m] of AMODES.entries()) {
      const r = GPRS[(k * 5) % 16];
      out.push(I.load(size, r, m), I.store(size, r, m));
      for (const v of immsFor(size).slice(0, 4)) out.push(I.storeImm(size, m, v));
    }
  }
  for (const d of GPRS) {
    out.push(I.movAbs(d, 0x9abcdef0 | 0, 0x12345678), I.movAbs(d, -1, 0), I.movAbs(d, 1, -1));
  }
  for (const [from, tos] of [[1, [2, 4, 8]], [2, [4, 8]]] as const) {
    for (const to of tos) {
      for (const [d, s] of pairs(GPRS, true)) out.push(I.movzx(from, to, d, s), I.movsx(from, to, d, s));
      for (const [k, m] of AMODES.entries()) {
        out.push(I.movzx(from, to, GPRS[k % 16], m), I.movsx(from, to, GPRS[(k + 7) % 16], m));
      }
    }
  }
  for (const [d, s] of pairs(GPRS, true)) out.push(I.movsx(4, 8, d, s));
  for (const [k, m] of AMODES.entries()) {
    out.push(I.movsx(4, 8, GPRS[k % 16], m));
    if (k < 26) for (const size of SIZES248) out.push(I.lea(size, GPRS[(k + 3) % 16], m));
  }
  return out;
}

function aluForms(): MInst[] {
  const out: MInst[] = [];
  for (const op of Object.values(AluOp)) {
    for (const size of SIZES) {
      for (const [d, s] of pairs(GPRS, op === AluOp.Add)) out.push(I.aluRM(op, size, d, s));
      for (const d of GPRS) for (const v of immsFor(size)) out.push(I.aluRI(op, size, d, v));
      for (const [k, m] of AMODES.entries()) {
        out.push(I.aluRM(op, size, GPRS[k % 16], m), I.aluMR(op, size, m, GPRS[(k + 9) % 16]));
        out.push(I.aluMI(op, size, m, immsFor(size)[k % immsFor(size).length]));
        if (op !== AluOp.Cmp && k % 4 === 0) out.push(I.aluMR(op, size, m, GPRS[k % 16], true));
      }
    }
  }
  return out;
}

function intForms(): MInst[] {
  const out: MInst[] = [];
  for (const size of SIZES) {
    for (const [a, b] of pairs(GPRS, true)) out.push(I.test(size, a, b));
    for (const a of GPRS) for (const v of immsFor(size)) out.push(I.testImm(size, a, v));
    for (const [k, m] of AMODES.entries()) {
      out.push(I.test(size, m, GPRS[k % 16]), I.testImm(size, m, immsFor(size)[k % 7]));
    }
    for (const op of Object.values(UnaryOp)) {
      for (const r of GPRS) out.push(I.unary(op, size, r));
      for (const m of AMODES) out.push(I.unary(op, size, m));
    }
    for (const op of Object.values(MulDivOp)) {
      for (const r of GPRS) out.push(I.mulDiv(op, size, r));
      for (const m of AMODES.slice(0, 12)) out.push(I.mulDiv(op, size, m));
    }
    for (const op of Object.values(ShiftOp)) {
      for (const r of GPRS) {
        out.push(I.shiftCl(op, size, r));
        for (const c of [1, 2, 7, 31, 63]) out.push(I.shiftImm(op, size, r, c));
      }
      for (const [k, m] of AMODES.entries()) {
        out.push(I.shiftCl(op, size, m), I.shiftImm(op, size, m, k % 2 ? 1 : k));
      }
    }
  }
  for (const size of SIZES248) {
    for (const [d, s] of pairs(GPRS, true)) out.push(I.imul(size, d, s));
    for (const [d, s] of pairs(GPRS, false)) {
      for (const v of immsFor(size)) out.push(I.imulImm(size, d, s, v));
      out.push(I.cmov(((d + s) & 15) as CC, size, d, s));
      out.push(I.dshiftImm(false, size, d, s, 3), I.dshiftImm(true, size, d, s, 17));
      out.push(I.dshiftCl(false, size, d, s), I.dshiftCl(true, size, d, s));
      out.push(I.bt(size, d, s), I.btImm(size, d, (d * 7) & 15));
      for (const op of Object.values(BitOp)) out.push(I.bitScan(op, size, d, s));
    }
    for (const [k, m] of AMODES.entries()) {
      const r = GPRS[k % 16], r2 = GPRS[(k + 5) % 16];
      out.push(I.imul(size, r, m), I.imulImm(size, r, m, IMMS[k % IMMS.length] & (size === 2 ? 0x7fff : -1)));
      out.push(I.cmov(((k * 3) & 15) as CC, size, r, m));
      out.push(I.dshiftImm(k % 2 === 1, size, m, r2, 5), I.dshiftCl(k % 2 === 0, size, m, r2));
      out.push(I.bt(size, m, r2), I.btImm(size, m, 9));
      out.push(I.bitScan((k % 5) as BitOp, size, r, m));
    }
    out.push(I.signExtendRax(size));
  }
  for (const cc of Object.values(CC)) {
    for (const r of GPRS) out.push(I.setcc(cc, r));
    out.push(I.setcc(cc, AMODES[cc]));
  }
  for (const size of SIZES48) for (const r of GPRS) out.push(I.bswap(size, r));
  return out;
}

function bmiForms(): MInst[] {
  const out: MInst[] = [];
  for (const size of SIZES48) {
    for (const op of Object.values(BmiOp)) {
      for (const [d, s] of pairs(GPRS, false)) out.push(I.bmi(op, size, d, s, GPRS[(d * 3 + 1) & 15]));
      for (const [k, m] of AMODES.entries()) out.push(I.bmi(op, size, GPRS[k % 16], GPRS[(k + 11) % 16], m));
    }
    for (const op of Object.values(BlsOp)) {
      for (const [d, s] of pairs(GPRS, false)) out.push(I.bls(op, size, d, s));
      for (const [k, m] of AMODES.entries()) out.push(I.bls(op, size, GPRS[k % 16], m));
    }
    for (const [d, s] of pairs(GPRS, false)) out.push(I.rorx(size, d, s, (d * 5) & 31));
    for (const [k, m] of AMODES.entries()) out.push(I.rorx(size, GPRS[k % 16], m, 7));
  }
  return out;
}

function atomicAndControlForms(): MInst[] {
  const out: MInst[] = [];
  for (const size of SIZES) {
    for (const [a, b] of pairs(GPRS, true)) {
      // GNU as turns xchg of the accumulator with itself into a nop; there is nothing to compare.
      if (!(a === 0 && b === 0 && size !== 4)) out.push(I.xchg(size, a, b));
      if ((a + b) % 3 === 0) out.push(I.cmpxchg(size, a, b, false), I.xadd(size, a, b, false));
    }
    for (const [k, m] of AMODES.entries()) {
      const r = GPRS[(k * 3) % 16];
      out.push(I.xchg(size, m, r), I.cmpxchg(size, m, r), I.xadd(size, m, r));
      if (k % 3 === 0) out.push(I.cmpxchg(size, m, r, false), I.xadd(size, m, r, false));
      if (k % 5 === 0) out.push(I.unary(UnaryOp.Neg, size, m));
    }
  }
  for (const m of AMODES) out.push(I.cmpxchg16b(m), I.cmpxchg16b(m, false));
  out.push(I.fence(I.FenceKind.Mfence), I.fence(I.FenceKind.Lfence), I.fence(I.FenceKind.Sfence));
  for (const r of GPRS) out.push(I.push(r), I.pop(r), I.jmpInd(r), I.callInd(r));
  for (const m of AMODES) out.push(I.jmpInd(m), I.callInd(m));
  out.push(I.ret(), I.ret(16), I.ret(0xfff8), I.ud2(3), I.int3());
  return out;
}

function sseForms(): MInst[] {
  const out: MInst[] = [];
  for (const op of Object.values(XmmMovOp)) {
    for (const [d, s] of pairs(XMMS, op === XmmMovOp.Movss)) out.push(I.xmmMov(op, d, s));
    for (const [k, m] of AMODES.entries()) {
      out.push(I.xmmLoad(op, XMMS[k % 16], m), I.xmmStore(op, XMMS[(k + 7) % 16], m));
    }
  }
  for (const size of SIZES48) {
    for (const [k, r] of GPRS.entries()) {
      for (const x of [XMMS[k], XMMS[15 - k], XMMS[(k + 8) % 16]]) {
        out.push(I.gprToXmm(size, x, r), I.xmmToGpr(size, r, x));
      }
    }
    for (const [k, m] of AMODES.entries()) {
      out.push(I.gprToXmm(size, XMMS[k % 16], m), I.xmmToGpr(size, m, XMMS[(k + 3) % 16]));
    }
  }
  for (const op of Object.values(SseOp)) {
    for (const [d, s] of pairs(XMMS, op === SseOp.Addss)) out.push(I.xmmRM(op, d, s));
    for (const [k, m] of AMODES.entries()) out.push(I.xmmRM(op, XMMS[(k * 7) % 16], m));
  }
  for (const op of [I.SseImmOp.Roundss, I.SseImmOp.Roundsd]) {
    for (const [d, s] of pairs(XMMS, false)) out.push(I.xmmRMImm(op, d, s, d & 11));
    for (const [k, m] of AMODES.entries()) out.push(I.xmmRMImm(op, XMMS[k % 16], m, 9));
  }
  for (const op of [I.SseImmOp.Cmpss, I.SseImmOp.Cmpsd]) {
    for (const [d, s] of pairs(XMMS, false)) out.push(I.xmmRMImm(op, d, s, d & 7));
    for (const [k, m] of AMODES.entries()) out.push(I.xmmRMImm(op, XMMS[k % 16], m, k & 7));
  }
  for (const op of Object.values(I.PackedImmOp)) {
    for (const [d, s] of pairs(XMMS, false)) out.push(I.xmmRMImmP(op, d, s, (d * 37 + s) & 255));
    for (const [k, m] of AMODES.entries()) out.push(I.xmmRMImmP(op, XMMS[k % 16], m, k & 7));
  }
  for (const op of Object.values(I.XmmShiftOp)) {
    for (const [k, x] of XMMS.entries()) out.push(I.xmmShiftImm(op, x, [0, 1, 7, 15, 31, 63, 127, 255][k & 7]));
  }
  for (const op of Object.values(I.XmmExtractOp)) {
    for (const [k, r] of GPRS.entries()) {
      out.push(I.xmmExtract(op, r, XMMS[k], k & 7), I.xmmExtract(op, r, XMMS[15 - k], 1));
    }
  }
  for (const op of Object.values(I.XmmInsertOp)) {
    for (const [k, r] of GPRS.entries()) {
      out.push(I.xmmInsert(op, XMMS[k], r, k & 7), I.xmmInsert(op, XMMS[15 - k], r, 1));
    }
  }
  for (const toDouble of [false, true]) {
    for (const size of SIZES48) {
      for (const [k, r] of GPRS.entries()) {
        out.push(I.cvtIntToFloat(toDouble, size, XMMS[k], r), I.cvtIntToFloat(toDouble, size, XMMS[15 - k], r));
      }
      for (const [k, m] of AMODES.entries()) out.push(I.cvtIntToFloat(toDouble, size, XMMS[k % 16], m));
    }
  }
  for (const op of Object.values(CvtToIntOp)) {
    for (const size of SIZES48) {
      for (const [k, r] of GPRS.entries()) {
        out.push(I.cvtFloatToInt(op, size, r, XMMS[k]), I.cvtFloatToInt(op, size, r, XMMS[15 - k]));
      }
      for (const [k, m] of AMODES.entries()) out.push(I.cvtFloatToInt(op, size, GPRS[k % 16], m));
    }
  }
  return out;
}

function avxForms(): MInst[] {
  const out: MInst[] = [];
  for (const op of Object.values(AvxOp)) {
    for (const [d, a] of pairs(XMMS, op === AvxOp.Vaddss || op === AvxOp.Vfmadd213sd)) {
      out.push(I.xmmRVM(op, d, a, XMMS[(d * 5 + a) & 15]));
    }
    for (const [k, m] of AMODES.entries()) out.push(I.xmmRVM(op, XMMS[k % 16], XMMS[(k * 3 + 5) % 16], m));
  }
  return out;
}

/** The AVX (VEX) encodings of SSE forms, with and without a separate upper-lane source. */
function sseVexForms(): MInst[] {
  const out: MInst[] = [];
  const V = I.withVex;
  for (const op of Object.values(XmmMovOp)) {
    for (const [d, s] of pairs(XMMS, op === XmmMovOp.Movss || op === XmmMovOp.Movaps)) {
      out.push(V(I.xmmMov(op, d, s)), V(I.xmmMov(op, d, s), XMMS[(d + s + 3) & 15]));
    }
    for (const [k, m] of AMODES.entries()) {
      out.push(V(I.xmmLoad(op, XMMS[k % 16], m)), V(I.xmmStore(op, XMMS[(k + 7) % 16], m)));
    }
  }
  for (const size of SIZES48) {
    for (const [k, r] of GPRS.entries()) {
      for (const x of [XMMS[k], XMMS[15 - k]]) out.push(V(I.gprToXmm(size, x, r)), V(I.xmmToGpr(size, r, x)));
      for (const op of Object.values(CvtToIntOp)) out.push(V(I.cvtFloatToInt(op, size, r, XMMS[(k * 5) & 15])));
      out.push(V(I.cvtIntToFloat(k % 2 === 0, size, XMMS[15 - k], r), XMMS[(k * 3) & 15]));
    }
    for (const [k, m] of AMODES.entries()) {
      out.push(V(I.gprToXmm(size, XMMS[k % 16], m)), V(I.xmmToGpr(size, m, XMMS[(k + 3) % 16])));
      out.push(V(I.cvtFloatToInt((k & 3) as CvtToIntOp, size, GPRS[k % 16], m)));
      out.push(V(I.cvtIntToFloat(k % 2 === 1, size, XMMS[(k * 7) % 16], m)));
    }
  }
  for (const op of [SseOp.Ucomiss, SseOp.Ucomisd, SseOp.Comiss, SseOp.Comisd]) {
    for (const [d, s] of pairs(XMMS, false)) out.push(V(I.xmmRM(op, d, s)));
    for (const [k, m] of AMODES.entries()) out.push(V(I.xmmRM(op, XMMS[k % 16], m)));
  }
  for (const op of Object.values(I.SseImmOp)) {
    for (const [d, s] of pairs(XMMS, false)) out.push(V(I.xmmRMImm(op, d, s, d & 7), XMMS[(s * 3) & 15]));
    for (const [k, m] of AMODES.entries()) out.push(V(I.xmmRMImm(op, XMMS[k % 16], m, k & 7)));
  }
  return out;
}

/** fs:/gs: overrides on every addressing-mode shape, in legacy, locked, prefixed-SSE and VEX encodings. */
function segmentForms(): MInst[] {
  const out: MInst[] = [];
  amodes().forEach((m, k) => {
    const sm = amSeg(k % 3 === 0 ? Seg.Fs : Seg.Gs, m);
    const r = GPRS[(k * 5) % 16];
    const x = XMMS[(k * 3) % 16];
    for (const size of SIZES) out.push(I.load(size, r, sm), I.store(size, GPRS[15 - (k % 16)], sm));
    out.push(
      I.aluMI(AluOp.Add, 4, sm, 0x1234), I.aluMR(AluOp.Xor, 8, sm, r, true), I.aluRM(AluOp.Sub, 2, r, sm),
      I.movzx(1, 4, r, sm), I.xmmLoad(XmmMovOp.Movss, x, sm), I.xmmStore(XmmMovOp.Movdqu, x, sm),
      I.withVex(I.xmmLoad(XmmMovOp.Movups, x, sm)), I.withVex(I.xmmStore(XmmMovOp.Movsd, XMMS[15 - (k % 16)], sm)),
    );
  });
  return out;
}

/**
 * The regalloc contract, checked on every generated form: visitOperands reports exactly the
 * register fields that hold a register, each once, with the register's class.
 */
describe('x64 operand roles cover every register field', () => {
  const pseudo = (): MInst[] => [
    I.xmmCmove(CC.L, XMMS[3], XMMS[9]), I.xmmMinMax(I.MinMaxOp.MaxF64, XMMS[1], XMMS[2]),
    I.jumpTable(GPRS[1], GPRS[2], GPRS[3], [1, 2]), I.jmpSym('f'), I.tlsGd('t'), I.movAbsSym(GPRS[5], 's'),
    I.jmp(1), I.jcc(CC.E, 2), I.callSym('g'), I.callLabel(3), I.nop(7), I.fence(),
  ];
  const all = [gprMoves, aluForms, intForms, bmiForms, atomicAndControlForms, sseForms, avxForms, sseVexForms, segmentForms, symDispForms, pseudo];
  it('reports each present field once, with its class', () => {
    const bad: string[] = [];
    const fields = Object.values(RegField);
    for (const gen of all) {
      for (const inst of gen()) {
        const seen = new Map<number, number>();
        visitOperands(inst, {
          reg: (f, _k, cls) => {
            if (seen.has(f)) bad.push(`${printInst(inst)}: field ${f} reported twice`);
            seen.set(f, cls);
          },
          fixed: () => {},
        });
        for (const f of fields) {
          const r = getReg(inst, f);
          const has = r !== NO_REG;
          if (has !== seen.has(f)) bad.push(`${printInst(inst)}: field ${f} ${has ? 'not reported' : 'reported but empty'}`);
          else if (has && seen.get(f) !== (r >= 16 ? 1 : 0)) bad.push(`${printInst(inst)}: field ${f} has the wrong class`);
        }
        if (bad.length > 20) break;
      }
    }
    expect(bad).toEqual([]);
  });
});

const suite = HAVE_BINUTILS ? describe : describe.skip;

suite('x64 encoder against GNU as (skipped without binutils)', () => {
  const forms: [string, () => MInst[]][] = [
    ['integer moves, loads, stores, extensions and lea', gprMoves],
    ['ALU ops in r/r, r/imm, r/mem, mem/r, mem/imm and locked forms', aluForms],
    ['test, imul, mul/div, neg/not, shifts, shld/shrd, bt, setcc, cmov, bit scans, bswap', intForms],
    ['BMI1/BMI2 VEX forms', bmiForms],
    ['atomics, fences, push/pop, indirect jumps and calls, ret, traps', atomicAndControlForms],
    ['SSE moves, arithmetic, logic, rounding and conversions', sseForms],
    ['AVX scalar and FMA VEX forms', avxForms],
    ['AVX (VEX) encodings of SSE moves, conversions, compares and rounding', sseVexForms],
    ['fs:/gs: segment overrides on every addressing mode', segmentForms],
  ];
  for (const [name, gen] of forms) {
    it(name, () => {
      const insts = gen();
      expect(insts.length).toBeGreaterThan(50);
      const bad = checkAgainstGas(insts);
      expect(bad).toEqual([]);
    });
  }
});

// ---- labels, branches and relocations: one program, label offsets resolved by both sides

type Item = MInst | { bind: number };

function labelProgram(): Item[] {
  const [rax, rcx, , , , , , , r8, , , , , r13] = GPRS;
  const items: Item[] = [{ bind: 0 }];
  // Short and near branches in both directions, every condition code.
  for (const cc of Object.values(CC)) {
    items.push({ bind: 10 + cc }, I.jcc(cc, 10 + cc, true), I.jcc(cc, 1, false), I.jcc(cc, 30 + cc, true));
    items.push(I.aluRM(AluOp.Add, 8, GPRS[cc], GPRS[15 - cc]), { bind: 30 + cc });
  }
  items.push(I.jmp(0, false), I.jmp(2, true), I.callLabel(1), I.jmp(45, true), { bind: 2 }, I.jmp(2, true));
  // RIP-relative label operands, with trailing immediates of 1, 2 and 4 bytes.
  items.push(
    I.load(8, rax, amLabel(1)), I.load(4, r13, amLabel(0, 8)), I.lea(8, r8, amLabel(1, -16)),
    I.aluMI(AluOp.Cmp, 4, amLabel(1), 0x12345), I.aluMI(AluOp.Add, 8, amLabel(0), 3),
    I.storeImm(2, amLabel(1), 0x1234), I.storeImm(1, amLabel(0), 7), I.testImm(8, amLabel(1), 0x100),
    I.shiftImm(ShiftOp.Shl, 4, amLabel(1), 3), I.xmmRMImm(I.SseImmOp.Roundsd, XMMS[9], amLabel(0), 2),
    I.rorx(8, rcx, amLabel(1), 9), I.xmmLoad(XmmMovOp.Movsd, XMMS[3], amLabel(1)),
    I.jmpInd(amLabel(1)),
  );
  for (let k = 0; k < 40; k++) items.push(I.aluRM(AluOp.Xor, 4, GPRS[k & 15], GPRS[(k * 7) & 15]));
  items.push(I.jmp(0, false), I.jcc(CC.NE, 2, false), { bind: 1 }, I.ret());
  return items;
}

function relocProgram(): MInst[] {
  return [
    I.callSym('foo'), I.callSym('bar', 8),
    I.load(8, GPRS[0], amSym('data')), I.load(4, GPRS[9], amSym('data', 12)),
    I.aluMI(AluOp.Cmp, 8, amSym('data', 0), 0x12345), I.storeImm(1, amSym('data', 4), 1),
    I.load(8, GPRS[3], amSym('ext', 0, Reloc.X86GOTPCRel4)),
    I.load(8, GPRS[12], amSym('ext', 0, Reloc.X86GOTPCRel4)),
    I.xmmRMImm(I.SseImmOp.Roundss, XMMS[12], amSym('k', 0), 1),
    I.callInd(amSym('ext', 0, Reloc.X86GOTPCRel4)),
    I.movAbsSym(GPRS[0], 'data'), I.movAbsSym(GPRS[11], 'data', 24),
  ];
}

/**
 * Relocated displacements of the COFF and Mach-O TLS sequences (SECREL on a base/index
 * operand, TLV on a RIP-relative movq) and the gs: TEB load. GNU as for ELF has no @secrel32 /
 * @tlvp operators: it checks the same bytes with the ELF relocation of the same field.
 */
function symDispForms(): MInst[] {
  const [rax, rcx, , rbx, rsp, rbp, , rdi, r8, r9, , r11, r12, r13, , r15] = GPRS;
  const sec = (base: number, addend = 0, index: number = NO_REG, shift = 0): Amode => amBaseSym(base, 'tv', addend, Reloc.X86SecRel, index, shift);
  return [
    I.lea(8, rax, sec(rax)), I.lea(8, r9, sec(r9, 0x18)), I.lea(8, rcx, sec(rsp)), I.lea(8, r12, sec(r12, -8)),
    I.lea(8, rbp, sec(rbp)), I.lea(8, r13, sec(r13, 0x7fffffff)), I.lea(4, rdi, sec(r8, 4)),
    I.lea(8, r15, sec(rbx, 0, r11, 3)), I.lea(8, r11, sec(r13, 8, rbp, 2)), I.lea(8, rbx, sec(NO_REG, 0, r8, 3)),
    I.lea(8, rdi, sec(NO_REG, 0x40)), I.load(8, r8, sec(rcx, 16)), I.load(4, rax, amSeg(Seg.Gs, sec(rdi))),
    I.load(8, rdi, amSym('tv', 0, Reloc.MachOX86_64Tlv)), I.load(8, r11, amSym('tv', 0, Reloc.MachOX86_64Tlv)),
    I.load(8, rax, amSym('tv', 8, Reloc.MachOX86_64Tlv)), I.callInd(amBase(rdi)),
    I.load(4, r13, amSym('_tls_index')), I.load(8, rcx, amSeg(Seg.Gs, amAbs(0x58))), I.load(8, r9, amSeg(Seg.Gs, amAbs(0x58))),
    I.load(8, rax, amIndex(rcx, rax, 3)), I.load(8, r12, amIndex(r13, r12, 3)),
  ];
}

const RELOC_NAMES: Record<string, string[]> = {
  // GAS writes PC32 instead of PLT32 for a call with a non-zero addend.
  [Reloc.X86CallPLTRel4]: ['R_X86_64_PLT32', 'R_X86_64_PC32'],
  [Reloc.X86PCRel4]: ['R_X86_64_PC32'],
  [Reloc.X86GOTPCRel4]: ['R_X86_64_GOTPCREL', 'R_X86_64_REX_GOTPCRELX', 'R_X86_64_GOTPCRELX'],
  [Reloc.Abs8]: ['R_X86_64_64'],
};

suite('x64 labels and relocations against GNU as (skipped without binutils)', () => {
  it('resolves rel8/rel32 branches, calls and RIP-relative label operands like GAS', () => {
    const items = labelProgram();
    const sink = new BasicCodeSink();
    const lines: string[] = [];
    const insts: MInst[] = [];
    const labelName = (l: number): string => `.L${l}`;
    for (const it of items) {
      if (!(it instanceof I.MInst)) {
        sink.bindLabel(it.bind);
        lines.push(`.L${it.bind}:`);
        continue;
      }
      emitInst(it, sink);
      insts.push(it);
      const text = printInst(it, { labelName });
      // GAS relaxes branches itself; {disp32} pins the near form we asked for.
      const near = (it.op === I.Op.Jmp || it.op === I.Op.Jcc) && it.sub === 0;
      lines.push(near ? `{disp32} ${text}` : text);
    }
    const ours = sink.finish();
    const { insts: dis } = assemble(lines);
    expect(dis.length).toBe(insts.length);
    const bad: string[] = [];
    let at = 0;
    for (let k = 0; k < dis.length; k++) {
      const len = dis[k].bytes.split(' ').length;
      const mine = hex(ours.subarray(at, at + len));
      if (dis[k].offset !== at || mine !== dis[k].bytes) bad.push(`${lines[k]}: ours ${mine}, gas ${dis[k].bytes}`);
      at += len;
    }
    expect(bad).toEqual([]);
    expect(at).toBe(ours.length);
  });

  it('lays out inline jump tables as GAS does', () => {
    const sink = new BasicCodeSink();
    const lines: string[] = [];
    const cases: [number, number, number][] = [[2, 0, 1], [12, 13, 8], [9, 5, 15], [0, 8, 3], [13, 12, 5]];
    cases.forEach(([idx, t1, t2], k) => {
      const targets = [100, 101, 100 + (k % 2), 102];
      emitInst(I.jumpTable(GPRS[idx], GPRS[t1], GPRS[t2], targets), sink);
      const [a, b, c] = [t1, t2, idx].map((r) => printInst(I.push(GPRS[r])).split(' ').pop());
      lines.push(`lea ${a}, [rip+.LT${k}]`, `movsxd ${b}, DWORD PTR [${a}+${c}*4]`, `add ${a}, ${b}`, `jmp ${a}`);
      lines.push(`.LT${k}:`, `.long ${targets.map((l) => `.L${l}-.LT${k}`).join(', ')}`);
    });
    for (const l of [100, 101, 102]) {
      sink.bindLabel(l);
      emitInst(I.int3(), sink);
      lines.push(`.L${l}:`, 'int3');
    }
    const ours = sink.finish();
    const dir = mkdtempSync(join(tmpdir(), 'wl-x64-'));
    try {
      writeFileSync(join(dir, 't.s'), '.intel_syntax noprefix\n.text\n' + lines.join('\n') + '\n');
      execFileSync('as', ['--64', '-o', join(dir, 't.o'), join(dir, 't.s')]);
      execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 't.o'), join(dir, 't.bin')]);
      expect(hex(ours)).toBe(hex(new Uint8Array(readFileSync(join(dir, 't.bin')))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('encodes the pseudo-instruction sequences as their listings assemble', () => {
    const insts: MInst[] = [];
    for (const [k, cc] of Object.values(CC).entries()) {
      insts.push(I.xmmCmove(cc, XMMS[k], XMMS[15 - k]), I.xmmCmove(cc, XMMS[(k * 3) & 15], XMMS[(k * 5) & 15], XmmMovOp.Movsd));
    }
    for (const op of Object.values(I.MinMaxOp)) {
      insts.push(I.xmmMinMax(op, XMMS[0], XMMS[1]), I.xmmMinMax(op, XMMS[9], XMMS[3]), I.xmmMinMax(op, XMMS[12], XMMS[15]));
    }
    insts.push(I.jmpSym('foo'), I.jmpSym('bar', 16), I.tlsGd('tls_var'), I.tlsGd('other'));
    const sink = new BasicCodeSink();
    for (const i of insts) emitInst(i, sink);
    const ours = sink.finish();
    const lines = insts.map((i) => printInst(i));
    const dir = mkdtempSync(join(tmpdir(), 'wl-x64-'));
    try {
      writeFileSync(join(dir, 't.s'), '.intel_syntax noprefix\n.text\n' + lines.join('\n') + '\n');
      execFileSync('as', ['--64', '-o', join(dir, 't.o'), join(dir, 't.s')]);
      execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 't.o'), join(dir, 't.bin')]);
      expect(hex(ours)).toBe(hex(new Uint8Array(readFileSync(join(dir, 't.bin')))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { relocs } = assemble(lines);
    expect(sink.relocs.map((r) => `${r.offset}:${String(r.symbol)}${r.addend > 0 ? '+' : ''}${r.addend || ''}`))
      .toEqual(relocs.map((r) => `${r.offset}:${r.target.replace(/([+-])0x([0-9a-f]+)$/, (_, sg: string, h: string) => `${sg}${parseInt(h, 16)}`)}`));
    expect(relocs.filter((r) => r.type === 'R_X86_64_TLSGD').length).toBe(2);
  });

  it('emits call and RIP-relative symbol relocations with GAS offsets and addends', () => {
    const insts = relocProgram();
    const sink = new BasicCodeSink();
    for (const i of insts) emitInst(i, sink);
    const ours = sink.finish();
    const { insts: dis, relocs } = assemble(insts.map((i) => printInst(i)));
    expect(hex(ours)).toBe(dis.map((d) => d.bytes).join(' '));
    expect(sink.relocs.length).toBe(relocs.length);
    relocs.forEach((r, k) => {
      const mine = sink.relocs[k];
      expect(mine.offset).toBe(r.offset);
      expect(RELOC_NAMES[mine.kind]).toContain(r.type);
      const addend = mine.addend === 0 ? '' : mine.addend < 0 ? `-0x${(-mine.addend).toString(16)}` : `+0x${mine.addend.toString(16)}`;
      expect(`${String(mine.symbol)}${addend}`).toBe(r.target);
    });
  });

  it('encodes relocated displacements (COFF SECREL, Mach-O TLV) as GAS encodes the ELF relocation of the field', () => {
    const insts = symDispForms();
    const sink = new BasicCodeSink();
    for (const i of insts) emitInst(i, sink);
    const ours = sink.finish();
    const texts = insts.map((i) => printInst(i));
    expect(texts.filter((t) => /@secrel32/.test(t)).length).toBe(13);
    expect(texts.filter((t) => /\[rip\+tv@tlvp(\+0x8)?\]/.test(t)).length).toBe(3);
    expect(texts.filter((t) => /QWORD PTR gs:0x58$/.test(t)).length).toBe(2);
    const { insts: dis, relocs } = assemble(texts.map((t) => t.replace(/@(secrel32|tlvp)/, '')));
    expect(hex(ours)).toBe(dis.map((d) => d.bytes).join(' '));
    // SECREL fields are absolute (GAS: R_X86_64_32S), TLV fields PC-relative like PC32.
    const elfOf: Record<string, string[]> = {
      [Reloc.X86SecRel]: ['R_X86_64_32S', 'R_X86_64_32'], [Reloc.MachOX86_64Tlv]: ['R_X86_64_PC32'], [Reloc.X86PCRel4]: ['R_X86_64_PC32'],
    };
    expect(sink.relocs.length).toBe(relocs.length);
    relocs.forEach((r, k) => {
      const mine = sink.relocs[k];
      expect(mine.offset).toBe(r.offset);
      expect(elfOf[mine.kind]).toContain(r.type);
      const addend = mine.addend === 0 ? '' : mine.addend < 0 ? `-0x${(-mine.addend).toString(16)}` : `+0x${mine.addend.toString(16)}`;
      expect(`${String(mine.symbol)}${addend}`).toBe(r.target);
    });
  });

  it('prints multi-byte nops as objdump disassembles them', () => {
    const lens = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20];
    const sink = new BasicCodeSink();
    const expected: string[] = [];
    for (const n of lens) {
      emitInst(I.nop(n), sink);
      expected.push(...printInst(I.nop(n)).split('\n'));
    }
    const bytes = sink.finish();
    expect(bytes.length).toBe(lens.reduce((a, b) => a + b, 0));
    const { insts: dis } = assemble([`.byte ${Array.from(bytes).join(',')}`]);
    expect(dis.map((d) => normalize(d.text))).toEqual(expected.map(normalize));
  });
});
