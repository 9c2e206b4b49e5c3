// Prints MInsts in GNU assembler syntax (`agrk %r1,%r2,%r3`, `vl %v24,0(%r2),0`): the text
// `s390x-linux-gnu-as` assembles back to the same bytes (src/inst/gas.test.ts).

import { OPS } from './ops';
import { type MInst, Pseudo } from './mod';
import { NO_REG, VREG_BASE, isVr, vrNum } from './regs';

export interface PrintOptions {
  /** How a label operand prints (default `L<n>`). */
  readonly labelName?: (label: number) => string;
}

function reg(r: number, kind: string): string {
  if (r >= VREG_BASE) return `%vreg${r - VREG_BASE}`;
  if (r === NO_REG) return '%?';
  if (kind === 'g') return `%r${r}`;
  if (kind === 'a') return `%a${r}`;
  if (!isVr(r)) return `%?${r}`;
  return kind === 'f' ? `%f${vrNum(r)}` : `%v${vrNum(r)}`;
}

function slotReg(i: MInst, c: string): number {
  switch (c) {
    case '1': return i.r1;
    case '2': return i.r2;
    case '3': return i.r3;
    default: return i.r4;
  }
}
function slotMask(i: MInst, c: string): number {
  switch (c) {
    case 'a': return i.m3;
    case 'b': return i.m4;
    case 'c': return i.m5;
    default: return i.m6;
  }
}

function mem(i: MInst, withIndex: boolean): string {
  const b = i.b === NO_REG ? '' : reg(i.b, 'g');
  const x = !withIndex || i.x === NO_REG ? '' : reg(i.x, 'g');
  if (b === '' && x === '') return `${i.d}`;
  if (x === '') return `${i.d}(${b})`;
  return `${i.d}(${x},${b === '' ? '0' : b})`;
}

/** The operands of table op `i` as the assembler writes them. */
export function printOperands(i: MInst, opts: PrintOptions = {}): string {
  const info = OPS[i.op];
  const label = opts.labelName ?? ((l: number) => `L${l}`);
  return info.tokens.map((t) => {
    const k = t[0];
    switch (k) {
      case 'g': case 'f': case 'v': return reg(slotReg(i, t[1]), k);
      case 'a': return `%a${i.r2}`;
      case 'm': return `${slotMask(i, t[1])}`;
      case 'u': return t[1] === 'i' ? `${i.imm >>> 0}` : `${slotMask(i, t[1])}`;
      case 's': return `${i.imm | 0}`;
      case 'D': return mem(i, true);
      case 'd': return mem(i, false);
      case 'S': return `${i.d}(${i.m3 + 1},${i.b === NO_REG ? '0' : reg(i.b, 'g')}),${i.imm}(${reg(i.r2, 'g')})`;
      case 'L': return i.sym !== null ? `${i.sym}${i.addend ? `+${i.addend}` : ''}` : label(i.label);
      default: return t;
    }
  }).join(',');
}

/** One instruction as a line of assembly (pseudo-instructions in a readable form). */
export function printInst(i: MInst, opts: PrintOptions = {}): string {
  const label = opts.labelName ?? ((l: number) => `L${l}`);
  if (i.op < OPS.length) {
    const info = OPS[i.op];
    const mem = i.label >= 0 && info.hasMem && !info.tokens.includes('L') ? `larl %r1,${label(i.label)} ; ` : '';
    return `${mem}${info.mnemonic} ${printOperands(i, opts)}`;
  }
  switch (i.op) {
    case Pseudo.Args: return '; args';
    case Pseudo.Ret: return 'br %r14';
    case Pseudo.Jump: return `j ${label(i.label)}`;
    case Pseudo.CondBr: return `brc ${i.m3},${label(i.label)}`;
    case Pseudo.BindLabel: return `${label(i.label)}:`;
    case Pseudo.Trap: return `.2byte 0 ; trap ${i.trap}`;
    case Pseudo.Call: return i.sym !== null ? `brasl %r14,${i.sym}` : `basr %r14,${reg(i.r2, 'g')}`;
    case Pseudo.TailCall: return i.sym !== null ? `jg ${i.sym}` : `br ${reg(i.r2, 'g')}`;
    case Pseudo.GMove: return `lgr ${reg(i.r1, 'g')},${reg(i.r2, 'g')}`;
    case Pseudo.VMove: return `vlr ${reg(i.r1, 'v')},${reg(i.r2, 'v')}`;
    case Pseudo.Nop: return '; end of block';
    default: return `; pseudo ${i.op}`;
  }
}
