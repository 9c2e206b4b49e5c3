// The printer: each instruction in the GNU assembler's syntax, so that a listing can be fed back
// to `aarch64-linux-gnu-as` (the encoder tests do exactly that and compare the bytes). Where an
// alias is how objdump shows the instruction and the assembler turns it back into the same word
// (`mov`, `cmp`, `mul`, ...), the alias is printed.

import {
  ALU_RRR, BITFIELD, CSEL, DP1, DP2, DP3, EXCL, FP1, FP2, FP3, LDST, LSE, PAIR, SYS,
} from './tables';
import {
  ARR_ELEM, ARR_NAMES, AddrMode, COND_NAMES, EXTEND_NAMES, SHIFT_NAMES, arrQ, arrSize, decodeLogicalImm, fpImm8Value,
} from './args';
import { type MInst, Op } from './mod';
import { NEON, VForm } from './neon';
import { fpName, gprName, vName, xzr } from './regs';

export interface PrintOptions {
  /** How a code label is written (default `.L<n>`). */
  readonly labelName?: (label: number) => string;
}

const hex = (v: number): string => (v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);

function u64Hex(lo: number, hi: number): string {
  if (hi >>> 0 === 0) return `0x${(lo >>> 0).toString(16)}`;
  return `0x${(hi >>> 0).toString(16)}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}

function fpLiteral(v: number): string {
  const s = String(v);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** The instruction as `aarch64-linux-gnu-as` reads it (mnemonic, tab, operands). */
export function printInst(i: MInst, opts: PrintOptions = {}): string {
  const label = opts.labelName ?? ((l: number) => `.L${l}`);
  const x = (i.sz & 1) === 1;
  const g = (r: number): string => gprName(r, x);
  const gx = (r: number): string => gprName(r, true);
  const t = (mn: string, ops: string): string => `${mn}\t${ops}`;
  switch (i.op) {
    case Op.AluRRR: {
      const name = ALU_RRR[i.sub]?.[1] ?? `alu${i.sub}`;
      const sh = i.sub < 12 && (i.imm !== 0 || i.cond !== 0) ? `, ${SHIFT_NAMES[i.cond]} #${i.imm}` : '';
      if (i.rd === xzr && i.sub === 3) return t('cmp', `${g(i.rn)}, ${g(i.rm)}${sh}`);
      if (i.rd === xzr && i.sub === 1) return t('cmn', `${g(i.rn)}, ${g(i.rm)}${sh}`);
      if (i.rd === xzr && i.sub === 5) return t('tst', `${g(i.rn)}, ${g(i.rm)}${sh}`);
      if (i.rn === xzr && i.sub === 6 && sh === '') return t('mov', `${g(i.rd)}, ${g(i.rm)}`);
      if (i.rn === xzr && i.sub === 10) return t('mvn', `${g(i.rd)}, ${g(i.rm)}${sh}`);
      if (i.rn === xzr && i.sub === 2) return t('neg', `${g(i.rd)}, ${g(i.rm)}${sh}`);
      if (i.rn === xzr && i.sub === 3) return t('negs', `${g(i.rd)}, ${g(i.rm)}${sh}`);
      if (i.rn === xzr && i.sub === 14) return t('ngc', `${g(i.rd)}, ${g(i.rm)}`);
      return t(name, `${g(i.rd)}, ${g(i.rn)}, ${g(i.rm)}${sh}`);
    }
    case Op.AluRRImm12: {
      const names = ['add', 'adds', 'sub', 'subs'];
      const imm = `#${hex(i.imm & 0xfff)}${i.imm & 0x1000 ? ', lsl #12' : ''}`;
      if (i.rd === xzr && i.sub === 3) return t('cmp', `${g(i.rn)}, ${imm}`);
      if (i.rd === xzr && i.sub === 1) return t('cmn', `${g(i.rn)}, ${imm}`);
      return t(names[i.sub] ?? `addi${i.sub}`, `${g(i.rd)}, ${g(i.rn)}, ${imm}`);
    }
    case Op.AluRRImmLogic: {
      const [lo, hi] = decodeLogicalImm(i.imm, x ? 64 : 32);
      const v = u64Hex(lo, x ? hi : 0);
      const name = ['', '', '', '', 'and', 'ands', 'orr', 'eor'][i.sub] ?? `logi${i.sub}`;
      if (i.rd === xzr && i.sub === 5) return t('tst', `${g(i.rn)}, #${v}`);
      return t(name, `${g(i.rd)}, ${g(i.rn)}, #${v}`);
    }
    case Op.AluRRRExtend: {
      const names = ['add', 'adds', 'sub', 'subs'];
      const ext = i.cond & 7;
      const rm = gprName(i.rm, (ext & 3) === 3 && x);
      const sh = i.imm !== 0 ? ` #${i.imm}` : '';
      if (i.rd === xzr && i.sub === 3) return t('cmp', `${g(i.rn)}, ${rm}, ${EXTEND_NAMES[ext]}${sh}`);
      if (i.rd === xzr && i.sub === 1) return t('cmn', `${g(i.rn)}, ${rm}, ${EXTEND_NAMES[ext]}${sh}`);
      return t(names[i.sub] ?? `adde${i.sub}`, `${g(i.rd)}, ${g(i.rn)}, ${rm}, ${EXTEND_NAMES[ext]}${sh}`);
    }
    case Op.MovWide: {
      const name = ['movn', '', 'movz', 'movk'][i.sub] ?? `movw${i.sub}`;
      return t(name, `${g(i.rd)}, #${hex(i.imm & 0xffff)}${i.imm2 ? `, lsl #${16 * i.imm2}` : ''}`);
    }
    case Op.DataProc1:
      return t(DP1[i.sub]?.[1] ?? `dp1_${i.sub}`, `${g(i.rd)}, ${g(i.rn)}`);
    case Op.DataProc2:
      return t(DP2[i.sub]?.[1] ?? `dp2_${i.sub}`, `${g(i.rd)}, ${g(i.rn)}, ${g(i.rm)}`);
    case Op.DataProc3: {
      const name = DP3[i.sub]?.[1] ?? `dp3_${i.sub}`;
      if (i.sub === 4 || i.sub === 7) return t(name, `${gx(i.rd)}, ${gx(i.rn)}, ${gx(i.rm)}`);
      if (i.sub >= 2) {
        const srcs = `${gx(i.rd)}, ${gprName(i.rn, false)}, ${gprName(i.rm, false)}`;
        if (i.ra === xzr && i.sub === 2) return t('smull', srcs);
        if (i.ra === xzr && i.sub === 5) return t('umull', srcs);
        return t(name, `${srcs}, ${gx(i.ra)}`);
      }
      if (i.ra === xzr) return t(i.sub === 0 ? 'mul' : 'mneg', `${g(i.rd)}, ${g(i.rn)}, ${g(i.rm)}`);
      return t(name, `${g(i.rd)}, ${g(i.rn)}, ${g(i.rm)}, ${g(i.ra)}`);
    }
    case Op.Bitfield:
      return t(BITFIELD[i.sub]?.[1] ?? `bf${i.sub}`, `${g(i.rd)}, ${g(i.rn)}, #${i.imm}, #${i.imm2}`);
    case Op.Extr:
      return t('extr', `${g(i.rd)}, ${g(i.rn)}, ${g(i.rm)}, #${i.imm}`);
    case Op.CSel:
      return t(CSEL[i.sub]?.[1] ?? `csel${i.sub}`, `${g(i.rd)}, ${g(i.rn)}, ${g(i.rm)}, ${COND_NAMES[i.cond & 15]}`);
    case Op.CCmp:
      return t(i.sub ? 'ccmn' : 'ccmp', `${g(i.rn)}, ${g(i.rm)}, #0x${i.imm.toString(16)}, ${COND_NAMES[i.cond & 15]}`);
    case Op.CCmpImm:
      return t(i.sub ? 'ccmn' : 'ccmp', `${g(i.rn)}, #${i.imm2}, #0x${i.imm.toString(16)}, ${COND_NAMES[i.cond & 15]}`);
    case Op.LdSt: {
      const row = LDST[i.sub];
      if (row === undefined) return `ldst${i.sub}`;
      const rt = row.reg === 'v' ? fpName(i.rd, row.bytes) : gprName(i.rd, row.reg === 'x');
      const unscaled = i.mode === AddrMode.Offset && !(i.imm >= 0 && i.imm % row.bytes === 0 && i.imm / row.bytes < 4096);
      return t(unscaled ? row.unscaled : row.name, `${rt}, ${amodeText(i, row.bytes, label)}`);
    }
    case Op.LdStPair: {
      const row = PAIR[i.sub];
      if (row === undefined) return `pair${i.sub}`;
      const r = (n: number): string => (row.reg === 'v' ? fpName(n, row.bytes) : gprName(n, row.reg === 'x'));
      return t(row.l ? 'ldp' : 'stp', `${r(i.rd)}, ${r(i.ra)}, ${amodeText(i, row.bytes, label)}`);
    }
    case Op.Excl: {
      const row = EXCL[i.sub];
      if (row === undefined) return `excl${i.sub}`;
      const suffix = i.sz === 0 ? 'b' : i.sz === 1 ? 'h' : '';
      const r = (n: number): string => gprName(n, i.sz === 3);
      const ops = [...(row.status ? [gprName(i.rm, false)] : []), r(i.rd), ...(row.pair ? [r(i.ra)] : []), `[${gx(i.rn)}]`];
      return t(row.name + suffix, ops.join(', '));
    }
    case Op.Lse: {
      const row = LSE[i.sub];
      const name = `${row?.[1] ?? 'lse'}${i.cond & 2 ? 'a' : ''}${i.cond & 1 ? 'l' : ''}${i.sz === 0 ? 'b' : i.sz === 1 ? 'h' : ''}`;
      const r = (n: number): string => gprName(n, i.sz === 3);
      return t(name, `${r(i.rm)}, ${r(i.rd)}, [${gx(i.rn)}]`);
    }
    case Op.Cas: {
      const name = `cas${i.cond & 2 ? 'a' : ''}${i.cond & 1 ? 'l' : ''}${i.sz === 0 ? 'b' : i.sz === 1 ? 'h' : ''}`;
      const r = (n: number): string => gprName(n, i.sz === 3);
      return t(name, `${r(i.rm)}, ${r(i.rd)}, [${gx(i.rn)}]`);
    }
    case Op.Casp:
      return t(`casp${i.cond & 2 ? 'a' : ''}${i.cond & 1 ? 'l' : ''}`, `${gx(i.rm)}, ${gx(i.rm + 1)}, ${gx(i.rd)}, ${gx(i.rd + 1)}, [${gx(i.rn)}]`);
    case Op.Adr:
      return t('adr', `${gx(i.rd)}, ${label(i.label)}${i.imm ? `+${i.imm}` : ''}`);
    case Op.Adrp:
      if (i.sub === 3) return t('adrp', `${gx(i.rd)}, ${i.sym}@TLVPPAGE`);
      return t('adrp', `${gx(i.rd)}, ${['', ':got:', ':tlsgd:'][i.sub]}${i.sym}${i.imm ? `+${i.imm}` : ''}`);
    case Op.AddLo12:
      return t('add', `${gx(i.rd)}, ${gx(i.rn)}, #${i.sub ? ':tlsgd_lo12:' : ':lo12:'}${i.sym}${i.imm ? `+${i.imm}` : ''}`);
    case Op.LdrLo12:
      if (i.sub === 1) return t('ldr', `${gx(i.rd)}, [${gx(i.rn)}, ${i.sym}@TLVPPAGEOFF]`);
      return t('ldr', `${gx(i.rd)}, [${gx(i.rn)}, #:got_lo12:${i.sym}]`);
    case Op.Sys:
      return SYS[i.sub]?.[1] ?? `sys${i.sub}`;
    case Op.Udf:
      return t('udf', `#${hex(i.imm)}`);
    case Op.Brk:
      return t('brk', `#${hex(i.imm)}`);
    case Op.MrsTpidr:
      return t('mrs', `${gx(i.rd)}, tpidr_el0`);
    case Op.B:
      return t('b', label(i.label));
    case Op.BCond:
      return t(`b.${COND_NAMES[i.cond & 15]}`, label(i.label));
    case Op.Cbz:
      return t(i.sub ? 'cbnz' : 'cbz', `${g(i.rn)}, ${label(i.label)}`);
    case Op.Tbz:
      return t(i.sub ? 'tbnz' : 'tbz', `${gprName(i.rn, i.imm >= 32)}, #${i.imm}, ${label(i.label)}`);
    case Op.Bl:
      return t('bl', `${i.sym}${i.imm ? `+${i.imm}` : ''}`);
    case Op.BSym:
      return t('b', `${i.sym}${i.imm ? `+${i.imm}` : ''}`);
    case Op.Br:
      return t('br', gx(i.rn));
    case Op.Blr:
      return t('blr', gx(i.rn));
    case Op.Ret:
      return i.sub === 1 ? 'retaa' : i.sub === 2 ? 'retab' : i.rn === 30 ? 'ret' : t('ret', gx(i.rn));
    case Op.Word:
      return t('.word', hex(i.imm >>> 0));
    case Op.FpRR:
      return t(FP1[i.sub]?.[1] ?? `fp1_${i.sub}`, `${fp(i.rd, i.sz)}, ${fp(i.rn, i.sz)}`);
    case Op.FpCvt:
      return t('fcvt', `${fp(i.rd, i.imm)}, ${fp(i.rn, i.sz)}`);
    case Op.FpRRR:
      return t(FP2[i.sub]?.[1] ?? `fp2_${i.sub}`, `${fp(i.rd, i.sz)}, ${fp(i.rn, i.sz)}, ${fp(i.rm, i.sz)}`);
    case Op.FpRRRR:
      return t(FP3[i.sub]?.[1] ?? `fp3_${i.sub}`, `${fp(i.rd, i.sz)}, ${fp(i.rn, i.sz)}, ${fp(i.rm, i.sz)}, ${fp(i.ra, i.sz)}`);
    case Op.FpCmp:
      return t(i.sub ? 'fcmpe' : 'fcmp', `${fp(i.rn, i.sz)}, ${i.rm < 0 ? '#0.0' : fp(i.rm, i.sz)}`);
    case Op.FpCsel:
      return t('fcsel', `${fp(i.rd, i.sz)}, ${fp(i.rn, i.sz)}, ${fp(i.rm, i.sz)}, ${COND_NAMES[i.cond & 15]}`);
    case Op.FpImm:
      return t('fmov', `${fp(i.rd, i.sz)}, #${fpLiteral(fpImm8Value(i.imm))}`);
    case Op.FpToInt:
      return t(i.sub ? 'fcvtzu' : 'fcvtzs', `${gprName(i.rd, i.imm === 1)}, ${fp(i.rn, i.sz)}`);
    case Op.IntToFp:
      return t(i.sub ? 'ucvtf' : 'scvtf', `${fp(i.rd, i.sz)}, ${gprName(i.rn, i.imm === 1)}`);
    case Op.FMovToGpr:
      return t('fmov', `${gprName(i.rd, i.sz === 3)}, ${i.imm ? `${vName(i.rn)}.d[1]` : fp(i.rn, i.sz)}`);
    case Op.FMovFromGpr:
      return t('fmov', `${i.imm ? `${vName(i.rd)}.d[1]` : fp(i.rd, i.sz)}, ${gprName(i.rn, i.sz === 3)}`);
    case Op.Vec:
      return printVec(i);
    default:
      return `<pseudo op ${i.op}>`;
  }
}

function fp(r: number, fs: number): string {
  return fpName(r, 1 << fs);
}

/** The address operand of a load or store (`bytes` = access size). */
export function amodeText(i: MInst, bytes: number, label: (l: number) => string): string {
  const base = gprName(i.rn, true);
  switch (i.mode) {
    case AddrMode.Offset:
      return i.imm === 0 ? `[${base}]` : `[${base}, #${i.imm}]`;
    case AddrMode.PreIndex:
      return `[${base}, #${i.imm}]!`;
    case AddrMode.PostIndex:
      return `[${base}], #${i.imm}`;
    case AddrMode.RegOffset: {
      const ext = i.cond & 7;
      const wide = (ext & 3) === 3;
      const idx = gprName(i.rm, wide);
      const amount = i.imm2 ? ` #${Math.log2(bytes)}` : '';
      if (ext === 3) return i.imm2 ? `[${base}, ${idx}, lsl #${Math.log2(bytes)}]` : `[${base}, ${idx}]`;
      return `[${base}, ${idx}, ${EXTEND_NAMES[ext]}${amount}]`;
    }
    case AddrMode.Literal:
      return label(i.label);
    case AddrMode.Slot:
      return `[slots + ${i.imm}]`;
    case AddrMode.Spill:
      return `[spill ${i.imm}]`;
    case AddrMode.IncomingArg:
      return `[args + ${i.imm}]`;
    default:
      return `[mode ${i.mode}]`;
  }
}

function va(r: number, a: number): string {
  return `${vName(r)}.${ARR_NAMES[a]}`;
}

function lane(r: number, size: number, idx: number): string {
  return `${vName(r)}.${'bhsd'[size]}[${idx}]`;
}

/** The immediate of a modified-immediate instruction (op, cmode) as the assembler writes it. */
function modImmText(i: MInst): string {
  const op = (i.imm2 >> 4) & 1;
  const cmode = i.imm2 & 15;
  const imm8 = i.imm;
  const a = i.sz;
  const q = arrQ(a);
  const vd = vName(i.rd);
  if (cmode === 15) {
    // fmov: value = imm8 expanded as an f32 (op 0) or f64 (op 1).
    return `fmov\t${vd}.${op ? '2d' : q ? '4s' : '2s'}, #${fpLiteral(fpImm8Value(imm8))}`;
  }
  if (cmode === 14) {
    if (!op) return `movi\t${vd}.${q ? '16b' : '8b'}, #${hex(imm8)}`;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      if ((imm8 >> k) & 1) {
        if (k < 4) lo = (lo | (0xff << (8 * k))) >>> 0;
        else hi = (hi | (0xff << (8 * (k - 4)))) >>> 0;
      }
    }
    return q ? `movi\t${vd}.2d, #${u64Hex(lo, hi)}` : `movi\td${i.rd - 32}, #${u64Hex(lo, hi)}`;
  }
  if ((cmode & 8) === 0) {
    // 32-bit lanes, shifted by 8 * cmode<2:1>.
    const name = cmode & 1 ? (op ? 'bic' : 'orr') : op ? 'mvni' : 'movi';
    const sh = 8 * ((cmode >> 1) & 3);
    return `${name}\t${vd}.${q ? '4s' : '2s'}, #${hex(imm8)}${sh ? `, lsl #${sh}` : ''}`;
  }
  if ((cmode & 12) === 8) {
    const name = cmode & 1 ? (op ? 'bic' : 'orr') : op ? 'mvni' : 'movi';
    const sh = 8 * ((cmode >> 1) & 1);
    return `${name}\t${vd}.${q ? '8h' : '4h'}, #${hex(imm8)}${sh ? `, lsl #${sh}` : ''}`;
  }
  // 110x: 32-bit lanes, shifted ones (msl).
  return `${op ? 'mvni' : 'movi'}\t${vd}.${q ? '4s' : '2s'}, #${hex(imm8)}, msl #${cmode & 1 ? 16 : 8}`;
}

function printVec(i: MInst): string {
  const row = NEON[i.sub];
  if (row === undefined) return `vec${i.sub}`;
  const a = i.sz;
  const q = arrQ(a);
  const size = arrSize(a);
  const n2 = (name: string): string => (q ? `${name}2` : name);
  const wideArr = ((size + 1) << 1) | 1;
  const t = (mn: string, ops: string): string => `${mn}\t${ops}`;
  switch (row.form) {
    case VForm.Same:
    case VForm.SameBytes:
    case VForm.SameF:
      return t(row.name, `${va(i.rd, a)}, ${va(i.rn, a)}, ${va(i.rm, a)}`);
    case VForm.Long:
      return t(n2(row.name), `${va(i.rd, wideArr)}, ${va(i.rn, a)}, ${va(i.rm, a)}`);
    case VForm.Wide:
      return t(n2(row.name), `${va(i.rd, wideArr)}, ${va(i.rn, wideArr)}, ${va(i.rm, a)}`);
    case VForm.Mov:
    case VForm.Misc:
    case VForm.MiscBytes:
    case VForm.MiscF:
      return t(row.name, `${va(i.rd, a)}, ${va(i.rn, a)}`);
    case VForm.MiscZero:
      return t(row.name, `${va(i.rd, a)}, ${va(i.rn, a)}, #0`);
    case VForm.MiscFZero:
      return t(row.name, `${va(i.rd, a)}, ${va(i.rn, a)}, #0.0`);
    case VForm.Narrow:
      return t(n2(row.name), `${va(i.rd, a)}, ${va(i.rn, wideArr)}`);
    case VForm.NarrowF:
      return t(n2(row.name), `${va(i.rd, a)}, ${va(i.rn, 7)}`);
    case VForm.LongF:
      return t(n2(row.name), `${va(i.rd, 7)}, ${va(i.rn, a)}`);
    case VForm.PairLong:
      return t(row.name, `${va(i.rd, ((size + 1) << 1) | q)}, ${va(i.rn, a)}`);
    case VForm.Across:
      return t(row.name, `${fpName(i.rd, 1 << size)}, ${va(i.rn, a)}`);
    case VForm.AcrossLong:
      return t(row.name, `${fpName(i.rd, 2 << size)}, ${va(i.rn, a)}`);
    case VForm.ShiftL:
    case VForm.ShiftR:
      return t(row.name, `${va(i.rd, a)}, ${va(i.rn, a)}, #${i.imm}`);
    case VForm.ShiftLL:
      return t(n2(row.name), `${va(i.rd, wideArr)}, ${va(i.rn, a)}, #${i.imm}`);
    case VForm.ShiftRN:
      return t(n2(row.name), `${va(i.rd, a)}, ${va(i.rn, wideArr)}, #${i.imm}`);
    case VForm.DupElem:
      return t('dup', `${va(i.rd, a)}, ${lane(i.rn, size, i.imm)}`);
    case VForm.DupGen:
      return t('dup', `${va(i.rd, a)}, ${gprName(i.rn, size === 3)}`);
    case VForm.InsGen:
      return t('mov', `${lane(i.rd, size, i.imm)}, ${gprName(i.rn, size === 3)}`);
    case VForm.InsElem:
      return t('mov', `${lane(i.rd, size, i.imm)}, ${lane(i.rn, size, i.imm2)}`);
    case VForm.MovToGen:
      return t(row.name, `${gprName(i.rd, (i.imm2 & 1) === 1)}, ${lane(i.rn, size, i.imm)}`);
    case VForm.DupScalar:
      return t('mov', `${fpName(i.rd, 1 << size)}, ${lane(i.rn, size, i.imm)}`);
    case VForm.ModImm:
      return modImmText(i);
    case VForm.Ext:
      return t('ext', `${va(i.rd, a)}, ${va(i.rn, a)}, ${va(i.rm, a)}, #${i.imm}`);
    case VForm.Tbl: {
      const regs: string[] = [];
      for (let k = 0; k <= i.imm; k++) regs.push(`${vName(i.rn + k)}.16b`);
      return t(row.name, `${va(i.rd, a)}, {${regs.join(', ')}}, ${va(i.rm, a)}`);
    }
    case VForm.Ld1R:
      return t('ld1r', `{${va(i.rd, a)}}, [${gprName(i.rn, true)}]`);
    case VForm.LdStLane:
      return t(row.name, `{${vName(i.rd)}.${ARR_ELEM[a]}}[${i.imm}], [${gprName(i.rn, true)}]`);
    case VForm.PairScalar:
      return t(row.name, `${fpName(i.rd, 8)}, ${va(i.rn, 7)}`);
    case VForm.Dot:
      return t(row.name, `${va(i.rd, a)}, ${va(i.rn, q ? 1 : 0)}, ${va(i.rm, q ? 1 : 0)}`);
    default:
      return row.name;
  }
}

