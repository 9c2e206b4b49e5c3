// The s390x encoder: one MInst of the op table (physical registers, displacement in the form's
// range) to its 2, 4 or 6 bytes, written big-endian through the sink. Pseudo-instructions and
// operands that need extra instructions (pool constants, long displacements) are expanded by
// `emitInst`, which uses only %r1 and never changes the condition code.

import type { LabelUseKind, RelocKind, RelocTarget } from '@windlass/codegen';
import { CodegenError } from '@windlass/codegen';
import { Fmt, OPS, type OpInfo, Role, SlotClass, opIndex } from './ops';
import { MInst } from './mod';
import { NO_REG, V_SCRATCH, isVr, r1 as R1, vrNum } from './regs';

/** Where encoded bytes go: an `EmitSink` (a MachBuffer addressed by backend labels). */
export interface CodeSink {
  curOffset(): number;
  put2(v: number): void;
  put4(v: number): void;
  useLabel(offset: number, label: number, kind: LabelUseKind): void;
  addReloc(offset: number, kind: RelocKind, target: RelocTarget | string | number, addend: number): void;
  addTrap(offset: number, code: number): void;
}

function put16BE(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = (v >> 8) & 255;
  bytes[at + 1] = v & 255;
}
function put32BE(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = (v >>> 24) & 255;
  bytes[at + 1] = (v >>> 16) & 255;
  bytes[at + 2] = (v >>> 8) & 255;
  bytes[at + 3] = v & 255;
}

/**
 * A 32-bit halfword offset counted from the instruction start, in a field 2 bytes into it (RIL
 * forms: `brcl`, `larl`, `brasl`, `lgrl`).
 */
export const PCREL32: LabelUseKind = {
  name: 'pcrel32dbl', patchSize: 4, maxPosRange: 0xffff_fffc, maxNegRange: 0x1_0000_0002,
  patch(bytes, use, label) {
    put32BE(bytes, use, (label - (use - 2)) / 2);
  },
};

/** `brcl 15, target`: the veneer a short branch goes through when its target is out of reach. */
const BRCL_VENEER = {
  size: 6,
  emit(bytes: Uint8Array, at: number) {
    put16BE(bytes, at, 0xc0f4);
    put32BE(bytes, at + 2, 0);
    return { useOffset: at + 2, kind: PCREL32 };
  },
};

/** A 16-bit halfword offset from the instruction start, 2 bytes into it (`brc`, ±64 KiB). */
export const PCREL16: LabelUseKind = {
  name: 'pcrel16dbl', patchSize: 2, maxPosRange: 65534 - 2, maxNegRange: 65536 + 2,
  patch(bytes, use, label) {
    put16BE(bytes, use, ((label - (use - 2)) / 2) & 0xffff);
  },
  veneer: BRCL_VENEER,
};

/**
 * A jump-table entry: a 32-bit offset of the label from the table start, which the emitter
 * stores in the field before the patch (the entry's own distance from the table start).
 */
export const TABLE32: LabelUseKind = {
  name: 'jt32', patchSize: 4, maxPosRange: 0x7fff_ffff, maxNegRange: 0x8000_0000,
  patch(bytes, use, label) {
    const fromStart = (bytes[use] << 24) | (bytes[use + 1] << 16) | (bytes[use + 2] << 8) | bytes[use + 3];
    put32BE(bytes, use, label - (use - fromStart));
  },
};

export class S390xEncodeError extends CodegenError {}

/** The number a register field encodes (0..15 for GPRs, 0..31 for VRs; NO_REG encodes 0). */
function regField(r: number, cls: SlotClass): number {
  if (r === NO_REG) return 0;
  if (cls === SlotClass.Vr) {
    if (!isVr(r)) throw new S390xEncodeError(`internal: register ${r} in a vector register field`);
    return vrNum(r);
  }
  if (r < 0 || r > 15) throw new S390xEncodeError(`internal: register ${r} in a general register field`);
  return r;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new S390xEncodeError(`internal: ${what}`);
}

/** Whether `d` fits the displacement field of `info`. */
export function dispFits(info: OpInfo, d: number): boolean {
  return info.longDisp ? d >= -524288 && d <= 524287 : d >= 0 && d <= 4095;
}

/**
 * Encodes table op `i` (physical registers, displacement in range). PC-relative operands are
 * registered with the sink (labels or relocations); the field is written as 0.
 */
export function encode(i: MInst, s: CodeSink): void {
  const info = OPS[i.op];
  const at = s.curOffset();
  const cls = info.slotClass;
  const f1 = info.tokens[0][0] === 'm' ? i.m3 : regField(i.r1, cls[0]);
  const f2 = info.tokens.includes('a2') ? i.r2 : regField(i.r2, cls[1]);
  const f3 = regField(i.r3, cls[2]);
  const f4 = regField(i.r4, cls[3]);
  const b = i.b === NO_REG ? 0 : i.b;
  const x = i.x === NO_REG ? 0 : i.x;
  check(b >= 0 && b < 16 && x >= 0 && x < 16, `memory operand registers ${i.b}, ${i.x}`);
  const d = i.d;
  if (info.hasMem) check(dispFits(info, d), `displacement ${d} out of range for ${info.name}`);
  const op = info.opcode;
  // RXB: the high bits of the 5-bit vector register numbers in fields 1..4.
  const rxb = ((f1 >> 4) << 3) | ((f2 >> 4) << 2) | ((f3 >> 4) << 1) | (f4 >> 4);
  const n1 = f1 & 15, n2 = f2 & 15, n3 = f3 & 15, n4 = f4 & 15;
  const dl = d & 0xfff;
  const dh = (d >> 12) & 0xff;
  switch (info.fmt) {
    case Fmt.RR:
      s.put2((op << 8) | (n1 << 4) | n2);
      return;
    case Fmt.RRE:
      s.put4(((op << 16) | (n1 << 4) | n2) >>> 0);
      return;
    case Fmt.RRFa:
      s.put4(((op << 16) | (n3 << 12) | ((i.m4 & 15) << 8) | (n1 << 4) | n2) >>> 0);
      return;
    case Fmt.RRFc:
      s.put4(((op << 16) | ((i.m3 & 15) << 12) | (n1 << 4) | n2) >>> 0);
      return;
    case Fmt.RRFe:
      s.put4(((op << 16) | ((i.m3 & 15) << 12) | ((i.m4 & 15) << 8) | (n1 << 4) | n2) >>> 0);
      return;
    case Fmt.RX:
      s.put4(((op << 24) | (n1 << 20) | (x << 16) | (b << 12) | dl) >>> 0);
      return;
    case Fmt.RXY:
      s.put2(((op >> 8) << 8) | (n1 << 4) | x);
      s.put2((b << 12) | dl);
      s.put2((dh << 8) | (op & 255));
      return;
    case Fmt.RSY:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n3);
      s.put2((b << 12) | dl);
      s.put2((dh << 8) | (op & 255));
      return;
    case Fmt.RI:
      s.put2(((op >> 4) << 8) | (n1 << 4) | (op & 15));
      if (info.tokens[1] === 'L') {
        check(i.label >= 0, `${info.name} without a label`);
        s.useLabel(at + 2, i.label, PCREL16);
        s.put2(0);
      } else s.put2(i.imm & 0xffff);
      return;
    case Fmt.RIL:
      s.put2(((op >> 4) << 8) | (n1 << 4) | (op & 15));
      if (info.tokens[1] === 'L') {
        if (i.sym !== null) s.addReloc(at + 2, i.relocKind ?? 'S390xPCRel32Dbl', i.sym, i.addend + 2);
        else {
          check(i.label >= 0, `${info.name} without a label or symbol`);
          s.useLabel(at + 2, i.label, PCREL32);
        }
        s.put4(0);
      } else s.put4(i.imm >>> 0);
      return;
    case Fmt.RIEa:
      s.put2(((op >> 8) << 8) | (n1 << 4));
      s.put2(i.imm & 0xffff);
      s.put2(((i.m3 & 15) << 12) | (op & 255));
      return;
    case Fmt.RIEd:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n3);
      s.put2(i.imm & 0xffff);
      s.put2(op & 255);
      return;
    case Fmt.RIEf:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2(((i.m3 & 255) << 8) | (i.m4 & 255));
      s.put2(((i.m5 & 255) << 8) | (op & 255));
      return;
    case Fmt.RIEg:
      s.put2(((op >> 8) << 8) | (n1 << 4) | (i.m3 & 15));
      s.put2(i.imm & 0xffff);
      s.put2(op & 255);
      return;
    case Fmt.VRX:
      s.put2(((op >> 8) << 8) | (n1 << 4) | x);
      s.put2((b << 12) | dl);
      s.put2(((i.m3 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRRa:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2(((i.m5 & 15) << 4) | (i.m4 & 15));
      s.put2(((i.m3 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRRb:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2((n3 << 12) | ((i.m5 & 15) << 4));
      s.put2(((i.m4 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRRc:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2((n3 << 12) | ((i.m6 & 15) << 4) | (i.m5 & 15));
      s.put2(((i.m4 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRRe:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2((n3 << 12) | ((i.m6 & 15) << 8) | (i.m5 & 15));
      s.put2((n4 << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRRf:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2(n3 << 12);
      s.put2((rxb << 8) | (op & 255));
      return;
    case Fmt.VRIa:
      s.put2(((op >> 8) << 8) | (n1 << 4));
      s.put2(i.imm & 0xffff);
      s.put2(((i.m3 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRIb:
      s.put2(((op >> 8) << 8) | (n1 << 4));
      s.put2(((i.imm & 255) << 8) | (i.m3 & 255));
      s.put2(((i.m4 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRIc:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n3);
      s.put2(i.imm & 0xffff);
      s.put2(((i.m4 & 15) << 12) | (((f1 >> 4) << 3) | ((f3 >> 4) << 2)) << 8 | (op & 255));
      return;
    case Fmt.VRId:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2((n3 << 12) | (i.imm & 255));
      s.put2(((i.m5 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.VRIe:
      s.put2(((op >> 8) << 8) | (n1 << 4) | n2);
      s.put2(((i.imm & 0xfff) << 4) | (i.m5 & 15));
      s.put2(((i.m4 & 15) << 12) | (rxb << 8) | (op & 255));
      return;
    case Fmt.SI:
      s.put2((op << 8) | (i.imm & 255));
      s.put2((b << 12) | dl);
      return;
    case Fmt.SSa: {
      check(i.r2 >= 0 && i.r2 < 16 && i.imm >= 0 && i.imm <= 4095 && i.m3 >= 0 && i.m3 <= 255, 'mvc operands');
      s.put2((op << 8) | i.m3);
      s.put2((b << 12) | dl);
      s.put2((i.r2 << 12) | i.imm);
      return;
    }
    case Fmt.VRSa:
    case Fmt.VRSb:
    case Fmt.VRSc: {
      // Field 2 is R3/V3 (the element or shift operand); only vector fields count in RXB.
      const v1 = info.fmt === Fmt.VRSc ? 0 : f1 >> 4;
      const v3 = info.fmt === Fmt.VRSb ? 0 : f3 >> 4;
      s.put2(((op >> 8) << 8) | (n1 << 4) | n3);
      s.put2((b << 12) | dl);
      s.put2(((i.m4 & 15) << 12) | (((v1 << 3) | (v3 << 2)) << 8) | (op & 255));
      return;
    }
  }
}

const LAY = opIndex('lay');
const LA = opIndex('la');
const LGFI = opIndex('lgfi');
const LARL = opIndex('larl');

/**
 * Emits table op `i`, first making its memory operand addressable: a pool constant (`label`)
 * through `larl %r1`; a displacement the form cannot hold through the form's long-displacement
 * twin (`l` -> `ly`) or through %r1. `emitted` sees every instruction actually written (for
 * listings).
 */
export function emitOp(i: MInst, s: CodeSink, emitted?: (x: MInst, at: number) => void): void {
  const info = OPS[i.op];
  // (RSY/VRS displacements of shifts and element numbers are always small: never rewritten.)
  if (info.hasMem && info.fmt !== Fmt.SSa) {
    if (i.label >= 0) {
      const l = new MInst(LARL);
      l.r1 = R1;
      l.label = i.label;
      put(l, s, emitted);
      const j = copyWith(i, R1, NO_REG, 0);
      j.label = -1;
      put(j, s, emitted);
      return;
    }
    if (!dispFits(info, i.d)) {
      if (info.alt >= 0 && dispFits(OPS[info.alt], i.d)) {
        const j = copyWith(i, i.b, i.x, i.d);
        j.op = info.alt;
        put(j, s, emitted);
        return;
      }
      // %r1 <- base + displacement (index kept): `lay`, or `lgfi` + `la` beyond +-512 KiB.
      if (i.d >= -524288 && i.d <= 524287) {
        const l = new MInst(LAY);
        l.r1 = R1;
        l.b = i.b;
        l.d = i.d;
        put(l, s, emitted);
      } else {
        if (i.d < -0x8000_0000 || i.d > 0x7fff_ffff) throw new S390xEncodeError(`displacement ${i.d} beyond 32 bits`);
        const l = new MInst(LGFI);
        l.r1 = R1;
        l.imm = i.d;
        put(l, s, emitted);
        if (i.b !== NO_REG) {
          const a = new MInst(LA);
          a.r1 = R1;
          a.b = R1;
          a.x = i.b;
          put(a, s, emitted);
        }
      }
      put(copyWith(i, R1, i.x, 0), s, emitted);
      return;
    }
  }
  if (info.fprOnly && stageFpr(i, info, s, emitted)) return;
  put(i, s, emitted);
}

const VLR = opIndex('vlr');

/**
 * An FPR-only instruction (`cdgbra`, `cgebra`, ...) whose floating-point operand was allocated
 * to %v16..%v31 goes through %f7 (the allocator's vector scratch, free inside one instruction).
 */
function stageFpr(i: MInst, info: OpInfo, s: CodeSink, emitted?: (x: MInst, at: number) => void): boolean {
  for (const t of info.tokens) {
    if (t[0] !== 'f') continue;
    const slot = t.charCodeAt(1) - 49;
    const r = slot === 0 ? i.r1 : slot === 1 ? i.r2 : slot === 2 ? i.r3 : i.r4;
    if (r === NO_REG || vrNum(r) < 16) continue;
    const j = copyWith(i, i.b, i.x, i.d);
    if (slot === 0) j.r1 = V_SCRATCH; else if (slot === 1) j.r2 = V_SCRATCH; else if (slot === 2) j.r3 = V_SCRATCH; else j.r4 = V_SCRATCH;
    const mv = (to: number, from: number): void => {
      const m = new MInst(VLR);
      m.r1 = to;
      m.r2 = from;
      put(m, s, emitted);
    };
    const role = info.roles[slot];
    if (role === Role.Use || role === Role.Mod) mv(V_SCRATCH, r);
    put(j, s, emitted);
    if (role !== Role.Use) mv(r, V_SCRATCH);
    return true;
  }
  return false;
}

function put(i: MInst, s: CodeSink, emitted?: (x: MInst, at: number) => void): void {
  const at = s.curOffset();
  if (i.trap !== 0) s.addTrap(at, i.trap);
  encode(i, s);
  if (emitted !== undefined) emitted(i, at);
}

function copyWith(i: MInst, b: number, x: number, d: number): MInst {
  const j = new MInst(i.op);
  j.r1 = i.r1;
  j.r2 = i.r2;
  j.r3 = i.r3;
  j.r4 = i.r4;
  j.b = b;
  j.x = x;
  j.d = d;
  j.imm = i.imm;
  j.m3 = i.m3;
  j.m4 = i.m4;
  j.m5 = i.m5;
  j.m6 = i.m6;
  j.label = i.label;
  j.sym = i.sym;
  j.relocKind = i.relocKind;
  j.addend = i.addend;
  j.trap = i.trap;
  return j;
}
