// Intel-syntax listing of machine instructions, spelled as `objdump -d -M intel` spells the
// same bytes (lower-case mnemonics padded to 6 columns, hex immediates masked to the operand
// size, `BYTE PTR`-style memory sizes, `ds:` absolute addresses), so a listing can be diffed
// against a disassembly. Labels print as `L<n>` unless a resolver names them.

import { type Amode, AmodeKind, CC_NAMES, Reloc, Seg } from './args';
import {
  ALU_NAMES, GRP3_NAMES, type MInst, Op, SHIFT_NAMES, FLAG_LOCK, FLAG_VEX, vexUpperSource,
} from './mod';
import { gprName, NO_REG, xmmName } from './regs';
import {
  AVX_OPS, BIT_OPS, BLS_NAMES, BMI_OPS, CMP_PREDICATES, CVT_TO_INT, SSE_IMM_OPS, SSE_OPS, XMM_MOV,
} from './tables';
import { PACKED_IMM_OPS, XMM_EXTRACT_OPS, XMM_INSERT_OPS, XMM_SHIFT_OPS } from './tables';

export interface PrintOptions {
  /** Text for a label operand (e.g. its resolved address). */
  labelName?: (label: number) => string;
}

function hex32(v: number): string {
  return (v >>> 0).toString(16);
}

/** An immediate as objdump shows it: the value truncated (or sign-extended) to `size` bytes. */
export function immText(size: number, v: number): string {
  if (size === 1) return '0x' + (v & 0xff).toString(16);
  if (size === 2) return '0x' + (v & 0xffff).toString(16);
  if (size === 8 && (v | 0) < 0) return '0xffffffff' + hex32(v).padStart(8, '0');
  return '0x' + hex32(v);
}

function signedDisp(v: number): string {
  return v < 0 ? '-0x' + (-v).toString(16) : '+0x' + v.toString(16);
}

const PTR: Record<number, string> = {
  1: 'BYTE PTR ', 2: 'WORD PTR ', 4: 'DWORD PTR ', 8: 'QWORD PTR ', 10: 'TBYTE PTR ',
  16: 'XMMWORD PTR ', 32: 'OWORD PTR ',
};

/** A memory operand; `size` 0 omits the PTR keyword (lea). `size` 32 means OWORD (cmpxchg16b). */
export function amodeText(m: Amode, size: number, opts?: PrintOptions): string {
  const ptr = size === 0 ? '' : (PTR[size] ?? '');
  // objdump names the segment of a bare address always (ds: by default), of a bracket only when overridden.
  const seg = m.seg === Seg.Gs ? 'gs:' : m.seg === Seg.Fs ? 'fs:' : '';
  switch (m.kind) {
    case AmodeKind.Reg: {
      if (m.base === NO_REG && m.index === NO_REG && m.sym === null) return `${ptr}${seg || 'ds:'}${immText(8, m.disp)}`;
      let s = '[';
      if (m.base !== NO_REG) s += gprName(m.base, 8);
      if (m.index !== NO_REG) {
        if (m.base !== NO_REG) s += '+';
        s += `${gprName(m.index, 8)}*${1 << m.shift}`;
      }
      if (m.sym !== null) {
        // A relocated displacement, spelled as GNU as takes it: `[rax+var@secrel32+0x8]`.
        if (s !== '[') s += '+';
        return `${ptr}${seg}${s}${String(m.sym)}${relocSuffix(m.reloc)}${m.disp !== 0 ? signedDisp(m.disp) : ''}]`;
      }
      // objdump shows an encoded displacement even when it is zero: rbp/r13 bases and a
      // missing base force one.
      const forced = m.base === NO_REG || (m.base & 7) === 5;
      if (m.disp !== 0 || forced) s += signedDisp(m.disp);
      return `${ptr}${seg}${s}]`;
    }
    case AmodeKind.RipDisp:
      return `${ptr}${seg}[rip+${immText(8, m.disp)}]`;
    case AmodeKind.RipLabel: {
      const name = opts?.labelName ? opts.labelName(m.label) : `L${m.label}`;
      return `${ptr}${seg}[rip+${name}${m.disp !== 0 ? signedDisp(m.disp) : ''}]`;
    }
    case AmodeKind.RipSym:
      return `${ptr}${seg}[rip+${String(m.sym)}${relocSuffix(m.reloc)}${m.disp !== 0 ? signedDisp(m.disp) : ''}]`;
    case AmodeKind.Abs:
      return `${ptr}${seg || 'ds:'}${immText(8, m.disp)}`;
  }
  return '[?]';
}

/** The assembler's operator for a symbol relocated other than as a plain address (`sym@GOTPCREL`). */
function relocSuffix(r: Reloc): string {
  switch (r) {
    case Reloc.X86GOTPCRel4: return '@GOTPCREL';
    case Reloc.X86SecRel: return '@secrel32';
    case Reloc.MachOX86_64Tlv: return '@tlvp';
    default: return '';
  }
}

/** Malformed sub-ops print as `?` rather than failing: listings must never throw. */
function fmt(mnemonic: string | undefined, operands: string): string {
  const m = mnemonic === undefined || mnemonic === '' ? '?' : mnemonic;
  return operands === '' ? m : `${m.padEnd(6)} ${operands}`;
}
export function ccName(cc: number): string {
  return CC_NAMES[cc] ?? `?${cc}`;
}

function gprOrMem(inst: MInst, r: number, size: number, opts?: PrintOptions): string {
  return inst.mem !== null ? amodeText(inst.mem, size, opts) : gprName(r, size);
}
function xmmOrMem(inst: MInst, r: number, memSize: number, opts?: PrintOptions): string {
  return inst.mem !== null ? amodeText(inst.mem, memSize, opts) : xmmName(r);
}

const NOP_TEXT = [
  '', 'nop', 'xchg   ax,ax', 'nop    DWORD PTR [rax]', 'nop    DWORD PTR [rax+0x0]',
  'nop    DWORD PTR [rax+rax*1+0x0]', 'nop    WORD PTR [rax+rax*1+0x0]',
  'nop    DWORD PTR [rax+0x0]', 'nop    DWORD PTR [rax+rax*1+0x0]',
  'nop    WORD PTR [rax+rax*1+0x0]',
];

function labelText(label: number, opts?: PrintOptions): string {
  return opts?.labelName ? opts.labelName(label) : `L${label}`;
}

/**
 * VEX-encoded SSE forms print as `v<name>`, with the upper-lane source after the destination
 * where the form has one.
 */
function printVex(inst: MInst, opts?: PrintOptions): string {
  const text = printLegacy(inst, opts);
  const sp = text.indexOf(' ');
  const name = 'v' + (sp < 0 ? text : text.slice(0, sp));
  let ops = sp < 0 ? '' : text.slice(sp).trim();
  if (vexUpperSource(inst)) {
    const comma = ops.indexOf(',');
    ops = `${ops.slice(0, comma)},${xmmName(inst.src2)}${ops.slice(comma)}`;
  }
  return fmt(name, ops);
}

/**
 * One instruction in objdump's Intel syntax (several lines for pseudo-instructions and long
 * nops). Never throws, even for malformed instructions.
 */
export function printInst(inst: MInst, opts?: PrintOptions): string {
  return inst.flags & FLAG_VEX && inst.op !== Op.XmmRVM ? printVex(inst, opts) : printLegacy(inst, opts);
}

function printLegacy(inst: MInst, opts?: PrintOptions): string {
  const size = inst.size;
  const g = (r: number, sz = size): string => gprName(r, sz);
  const lock = inst.flags & FLAG_LOCK ? 'lock ' : '';
  switch (inst.op) {
    case Op.MovRR: return fmt('mov', `${g(inst.dst)},${g(inst.src)}`);
    case Op.MovImm: return fmt('mov', `${g(inst.dst)},${immText(size, inst.imm)}`);
    case Op.MovAbs: {
      const v = inst.immHi === 0 ? hex32(inst.imm) : hex32(inst.immHi) + hex32(inst.imm).padStart(8, '0');
      return fmt('movabs', `${g(inst.dst)},0x${v}`);
    }
    case Op.Load: return fmt('mov', `${g(inst.dst)},${gprOrMem(inst, NO_REG, size, opts)}`);
    case Op.Store: return fmt('mov', `${gprOrMem(inst, NO_REG, size, opts)},${g(inst.src2)}`);
    case Op.StoreImm: return fmt('mov', `${gprOrMem(inst, NO_REG, size, opts)},${immText(size, inst.imm)}`);
    case Op.Movzx:
    case Op.Movsx: {
      const name = inst.op === Op.Movzx ? 'movzx' : inst.size2 === 4 ? 'movsxd' : 'movsx';
      return fmt(name, `${g(inst.dst)},${gprOrMem(inst, inst.src, inst.size2, opts)}`);
    }
    case Op.Lea: return fmt('lea', `${g(inst.dst)},${gprOrMem(inst, NO_REG, 0, opts)}`);
    case Op.AluRM:
      return fmt(ALU_NAMES[inst.sub], `${g(inst.dst)},${gprOrMem(inst, inst.src, size, opts)}`);
    case Op.AluRI: return fmt(ALU_NAMES[inst.sub], `${g(inst.dst)},${immText(size, inst.imm)}`);
    case Op.AluMR:
      return lock + fmt(ALU_NAMES[inst.sub], `${gprOrMem(inst, NO_REG, size, opts)},${g(inst.src2)}`);
    case Op.AluMI:
      return lock + fmt(ALU_NAMES[inst.sub], `${gprOrMem(inst, NO_REG, size, opts)},${immText(size, inst.imm)}`);
    case Op.Test: return fmt('test', `${gprOrMem(inst, inst.src, size, opts)},${g(inst.src2)}`);
    case Op.TestImm: return fmt('test', `${gprOrMem(inst, inst.src, size, opts)},${immText(size, inst.imm)}`);
    case Op.Imul: return fmt('imul', `${g(inst.dst)},${gprOrMem(inst, inst.src, size, opts)}`);
    case Op.ImulImm:
      return fmt('imul', `${g(inst.dst)},${gprOrMem(inst, inst.src, size, opts)},${immText(size, inst.imm)}`);
    case Op.Unary: return lock + fmt(GRP3_NAMES[inst.sub], gprOrMem(inst, inst.dst, size, opts));
    case Op.MulDiv: return fmt(GRP3_NAMES[inst.sub], gprOrMem(inst, inst.src, size, opts));
    case Op.ShiftImm:
      return fmt(SHIFT_NAMES[inst.sub], `${gprOrMem(inst, inst.dst, size, opts)},${inst.imm === 1 ? '1' : immText(1, inst.imm)}`);
    case Op.ShiftCl: return fmt(SHIFT_NAMES[inst.sub], `${gprOrMem(inst, inst.dst, size, opts)},cl`);
    case Op.DShiftImm:
    case Op.DShiftCl: {
      const count = inst.op === Op.DShiftCl ? 'cl' : immText(1, inst.imm);
      return fmt(inst.sub ? 'shrd' : 'shld', `${gprOrMem(inst, inst.dst, size, opts)},${g(inst.src2)},${count}`);
    }
    case Op.Bt: return fmt('bt', `${gprOrMem(inst, inst.src, size, opts)},${g(inst.src2)}`);
    case Op.BtImm: return fmt('bt', `${gprOrMem(inst, inst.src, size, opts)},${immText(1, inst.imm)}`);
    case Op.Setcc: return fmt('set' + ccName(inst.cc), gprOrMem(inst, inst.dst, 1, opts));
    case Op.Cmov:
      return fmt('cmov' + ccName(inst.cc), `${g(inst.dst)},${gprOrMem(inst, inst.src, size, opts)}`);
    case Op.SignExtendRax: return size === 2 ? 'cwd' : size === 4 ? 'cdq' : 'cqo';
    case Op.BitScan:
      return fmt(BIT_OPS[inst.sub]?.name ?? '?', `${g(inst.dst)},${gprOrMem(inst, inst.src, size, opts)}`);
    case Op.Bmi: {
      const name = BMI_OPS[inst.sub]?.name ?? '?';
      const rm = gprOrMem(inst, inst.src, size, opts);
      // andn, pdep, pext and mulx put VEX.vvvv second; the others put it last.
      return inst.sub === 0 || inst.sub >= 6
        ? fmt(name, `${g(inst.dst)},${g(inst.src2)},${rm}`)
        : fmt(name, `${g(inst.dst)},${rm},${g(inst.src2)}`);
    }
    case Op.Bls: return fmt(BLS_NAMES[inst.sub] ?? '?', `${g(inst.dst)},${gprOrMem(inst, inst.src, size, opts)}`);
    case Op.Rorx:
      return fmt('rorx', `${g(inst.dst)},${gprOrMem(inst, inst.src, size, opts)},${immText(1, inst.imm)}`);
    case Op.Bswap: return fmt('bswap', g(inst.dst));
    case Op.Xchg: {
      if (inst.mem === null && size !== 1) {
        // The one-byte 90+r form prints as `xchg r,acc`, as objdump shows it.
        const a = inst.dst & 15, b = inst.src2 & 15;
        if ((a === 0) !== (b === 0)) return fmt('xchg', `${g(a === 0 ? inst.src2 : inst.dst)},${g(0)}`);
      }
      return fmt('xchg', `${gprOrMem(inst, inst.dst, size, opts)},${g(inst.src2)}`);
    }
    case Op.Cmpxchg:
      return lock + fmt('cmpxchg', `${gprOrMem(inst, inst.dst, size, opts)},${g(inst.src2)}`);
    case Op.Cmpxchg16b: return lock + fmt('cmpxchg16b', gprOrMem(inst, NO_REG, 32, opts));
    case Op.Xadd: return lock + fmt('xadd', `${gprOrMem(inst, inst.dst, size, opts)},${g(inst.src2)}`);
    case Op.Fence: return inst.sub === 0 ? 'mfence' : inst.sub === 1 ? 'lfence' : 'sfence';
    case Op.Jmp: return fmt('jmp', labelText(inst.label, opts));
    case Op.Jcc: return fmt('j' + ccName(inst.cc), labelText(inst.label, opts));
    case Op.JmpInd: return fmt('jmp', gprOrMem(inst, inst.src, 8, opts));
    case Op.CallSym:
      return fmt('call', `${String(inst.sym)}${inst.imm !== 0 ? signedDisp(inst.imm) : ''}`);
    case Op.CallLabel: return fmt('call', labelText(inst.label, opts));
    case Op.CallInd: return fmt('call', gprOrMem(inst, inst.src, 8, opts));
    case Op.Ret: return inst.imm === 0 ? 'ret' : fmt('ret', immText(2, inst.imm));
    case Op.Push: return fmt('push', g(inst.src, 8));
    case Op.Pop: return fmt('pop', g(inst.dst, 8));
    case Op.Ud2: return 'ud2';
    case Op.Int3: return 'int3';
    case Op.Nop: {
      if (!(inst.imm >= 0 && inst.imm <= 4096)) return fmt('nop', `<bad length ${inst.imm}>`);
      const lines: string[] = [];
      for (let n = inst.imm; n > 0; n -= 9) lines.push(NOP_TEXT[n > 9 ? 9 : n]);
      return lines.join('\n');
    }
    case Op.XmmMov: {
      const t = XMM_MOV[inst.sub];
      return fmt(t?.name ?? '?', `${xmmName(inst.dst)},${xmmName(inst.src)}`);
    }
    case Op.XmmLoad: {
      const t = XMM_MOV[inst.sub];
      return fmt(t?.name ?? '?', `${xmmName(inst.dst)},${xmmOrMem(inst, NO_REG, t?.memSize ?? 0, opts)}`);
    }
    case Op.XmmStore: {
      const t = XMM_MOV[inst.sub];
      return fmt(t?.name ?? '?', `${xmmOrMem(inst, NO_REG, t?.memSize ?? 0, opts)},${xmmName(inst.src2)}`);
    }
    case Op.GprToXmm:
      return fmt(size === 8 ? 'movq' : 'movd', `${xmmName(inst.dst)},${gprOrMem(inst, inst.src, size, opts)}`);
    case Op.XmmToGpr:
      return fmt(size === 8 ? 'movq' : 'movd', `${gprOrMem(inst, inst.dst, size, opts)},${xmmName(inst.src2)}`);
    case Op.XmmRM: {
      const t = SSE_OPS[inst.sub];
      return fmt(t?.name ?? '?', `${xmmName(inst.dst)},${xmmOrMem(inst, inst.src, t?.memSize ?? 0, opts)}`);
    }
    case Op.XmmRMImm: {
      const t = SSE_IMM_OPS[inst.sub];
      if (inst.sub >= 2 && inst.imm >= 0 && inst.imm < 8) {
        // objdump folds the cmpss/cmpsd predicate into the mnemonic.
        const name = `cmp${CMP_PREDICATES[inst.imm]}${inst.sub === 2 ? 'ss' : 'sd'}`;
        return fmt(name, `${xmmName(inst.dst)},${xmmOrMem(inst, inst.src, t?.memSize ?? 0, opts)}`);
      }
      return fmt(t?.name ?? '?',
        `${xmmName(inst.dst)},${xmmOrMem(inst, inst.src, t?.memSize ?? 0, opts)},${immText(1, inst.imm)}`);
    }
    case Op.CvtIntToFloat:
      return fmt(inst.sub ? 'cvtsi2sd' : 'cvtsi2ss', `${xmmName(inst.dst)},${gprOrMem(inst, inst.src, inst.size2, opts)}`);
    case Op.CvtFloatToInt: {
      const t = CVT_TO_INT[inst.sub];
      return fmt(t?.name ?? '?', `${g(inst.dst)},${xmmOrMem(inst, inst.src, t?.memSize ?? 0, opts)}`);
    }
    case Op.XmmRVM: {
      const t = AVX_OPS[inst.sub];
      return fmt(t?.name ?? '?',
        `${xmmName(inst.dst)},${xmmName(inst.src2)},${xmmOrMem(inst, inst.src, t?.memSize ?? 0, opts)}`);
    }
    case Op.XmmRMImmP: {
      const t = PACKED_IMM_OPS[inst.sub];
      const ops = `${xmmName(inst.dst)},${xmmOrMem(inst, inst.src, 16, opts)}`;
      // objdump folds the cmpps/cmppd predicate into the mnemonic, as for cmpss.
      if ((inst.sub === 5 || inst.sub === 6) && inst.imm >= 0 && inst.imm < 8) {
        return fmt(`cmp${CMP_PREDICATES[inst.imm]}${inst.sub === 5 ? 'ps' : 'pd'}`, ops);
      }
      return fmt(t?.name ?? '?', `${ops},${immText(1, inst.imm)}`);
    }
    case Op.XmmShiftImm:
      return fmt(XMM_SHIFT_OPS[inst.sub]?.name ?? '?', `${xmmName(inst.dst)},${immText(1, inst.imm)}`);
    case Op.XmmExtract: {
      const t = XMM_EXTRACT_OPS[inst.sub];
      const ops = `${g(inst.dst, inst.size)},${xmmName(inst.src)}`;
      return fmt(t?.name ?? '?', t?.imm ? `${ops},${immText(1, inst.imm)}` : ops);
    }
    case Op.XmmInsert:
      return fmt(XMM_INSERT_OPS[inst.sub]?.name ?? '?', `${xmmName(inst.dst)},${g(inst.src, inst.size)},${immText(1, inst.imm)}`);
    case Op.JmpSym:
      return fmt('jmp', `${String(inst.sym)}${inst.imm !== 0 ? signedDisp(inst.imm) : ''}`);
    case Op.TlsGd:
      // GNU as takes one data16 per instruction, so the padding is spelled as data.
      return `data16 lea rdi,[rip+${String(inst.sym)}@tlsgd]\n.value 0x6666\nrex64 call __tls_get_addr@PLT`;
    case Op.XmmCmove: {
      // Numeric local labels: the listing of a pseudo-instruction stays assemblable.
      const mov = XMM_MOV[inst.sub]?.name ?? '?';
      return `${fmt('j' + ccName(inst.cc ^ 1), '1f')}\n${fmt(mov, `${xmmName(inst.dst)},${xmmName(inst.src)}`)}\n1:`;
    }
    case Op.XmmMinMax: {
      const ty = inst.sub >= 2 ? 'd' : 's';
      const isMax = (inst.sub & 1) === 1;
      const ops = `${xmmName(inst.dst)},${xmmName(inst.src)}`;
      return [
        fmt(`ucomis${ty}`, ops), fmt('jne', '3f'), fmt('jp', '2f'),
        fmt(`${isMax ? 'and' : 'or'}p${ty}`, ops), fmt('jmp', '4f'),
        `2: ${fmt(`adds${ty}`, ops)}`, fmt('jmp', '4f'),
        `3: ${fmt(`${isMax ? 'max' : 'min'}s${ty}`, ops)}`, '4:',
      ].join('\n');
    }
    case Op.MovAbsSym:
      return fmt('movabs', `${g(inst.dst, 8)},OFFSET ${String(inst.sym)}${inst.imm !== 0 ? signedDisp(inst.imm) : ''}`);
    case Op.JumpTable: {
      const t1 = g(inst.dst, 8), t2 = g(inst.src2, 8);
      const targets = inst.targets === null ? [] : Array.from(inst.targets, (l) => labelText(l, opts));
      return [
        fmt('lea', `${t1},[rip+table]`),
        fmt('movsxd', `${t2},DWORD PTR [${t1}+${g(inst.src, 8)}*4]`),
        fmt('add', `${t1},${t2}`),
        fmt('jmp', t1),
        `table: ${targets.join(', ')}`,
      ].join('\n');
    }
  }
  return `<op ${String(inst.op)}>`;
}
