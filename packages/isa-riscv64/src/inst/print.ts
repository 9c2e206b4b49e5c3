// Prints instructions in GNU assembler syntax (what `riscv64-linux-gnu-as` reads and objdump
// writes), for listings and for the encoder's check against the assembler.

import { type MInst, PSEUDO_BASE, Pseudo } from './mod';
import { Fmt, opInfo } from './ops';
import { regName } from './regs';
import { vtypeText } from './vtype';

const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', '', '', 'dyn'];
const AQRL = ['', '.rl', '.aq', '.aqrl'];
const FENCE_BITS = 'iorw';

export interface PrintOptions {
  /** How a label operand prints (default `L<n>`). */
  readonly labelName?: (label: number) => string;
}

function fenceSet(bits: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) if (bits & (8 >> k)) s += FENCE_BITS[k];
  return s || '0';
}

/** The instruction as GNU as writes it (`add a0,a1,a2`, `ld a0,8(sp)`, `vadd.vv v1,v2,v3,v0.t`). */
export function printInst(i: MInst, opts: PrintOptions = {}): string {
  const label = (l: number): string => (opts.labelName ?? ((n: number) => `L${n}`))(l);
  if (i.op >= PSEUDO_BASE) return printPseudo(i, label);
  const info = opInfo(i.op);
  const n = info.name;
  const rd = regName(i.rd), rs1 = regName(i.rs1);
  const rs2 = regName(i.rs2 < 0 && info.files[2] !== '-' && info.fmt === Fmt.R ? i.rs1 : i.rs2);
  const mask = i.aux === 1 ? ',v0.t' : '';
  const rm = (): string => (i.aux === 7 ? '' : `,${RM_NAMES[i.aux & 7]}`);
  switch (info.fmt) {
    case Fmt.R: return `${n} ${rd},${rs1},${rs2}`;
    case Fmt.R1: return `${n} ${rd},${rs1}`;
    case Fmt.RM: return `${n} ${rd},${rs1},${rs2}${rm()}`;
    case Fmt.R1M: return `${n} ${rd},${rs1}${rm()}`;
    case Fmt.R4: return `${n} ${rd},${rs1},${rs2},${regName(i.rs3)}${rm()}`;
    case Fmt.I: case Fmt.Sh: return `${n} ${rd},${rs1},${i.imm}`;
    case Fmt.Jalr:
      // The assembler compresses only these spellings (c.jr, c.jalr).
      if (i.imm === 0 && i.rd === 0) return `jr ${rs1}`;
      if (i.imm === 0 && i.rd === 1) return `jalr ${rs1}`;
      return `${n} ${rd},${i.imm}(${rs1})`;
    case Fmt.Load: return `${n} ${rd},${i.imm}(${rs1})`;
    case Fmt.Store: return `${n} ${rs2},${i.imm}(${rs1})`;
    case Fmt.U: return `${n} ${rd},0x${(i.imm & 0xfffff).toString(16)}`;
    case Fmt.B: return `${n} ${rs1},${rs2},${label(i.label)}`;
    case Fmt.J: return `${n} ${rd},${label(i.label)}`;
    case Fmt.Amo: return `${n}${AQRL[i.aux & 3]} ${rd},${rs2},(${rs1})`;
    case Fmt.Lr: return `${n}${AQRL[i.aux & 3]} ${rd},(${rs1})`;
    case Fmt.Fence: return `${n} ${fenceSet(i.imm >> 4)},${fenceSet(i.imm & 15)}`;
    case Fmt.None: return n;
    case Fmt.Csr: return `${n} ${rd},0x${i.imm.toString(16)}`;
    case Fmt.CsrW: return `${n} ${rd},0x${i.imm.toString(16)},${rs1}`;
    case Fmt.CsrWI: return `${n} ${rd},0x${i.imm.toString(16)},${i.aux}`;
    case Fmt.V: return `${n} ${rd},${rs2},${rs1}${mask}`;
    case Fmt.VI: return `${n} ${rd},${rs2},${i.imm}${mask}`;
    case Fmt.VMa: return `${n} ${rd},${rs1},${rs2}${mask}`;
    case Fmt.VU: return `${n} ${rd},${rs2}${mask}`;
    case Fmt.VToS: return `${n} ${rd},${rs2}`;
    case Fmt.SToV: return `${n} ${rd},${rs1}`;
    case Fmt.VImm: return `${n} ${rd},${i.imm}`;
    case Fmt.VMerge: return `${n} ${rd},${rs2},${rs1},v0`;
    case Fmt.VMergeI: return `${n} ${rd},${rs2},${i.imm},v0`;
    case Fmt.VLoad: case Fmt.VStore: return `${n} ${rd},(${rs1})${mask}`;
    case Fmt.VLoadS: return `${n} ${rd},(${rs1}),${rs2}${mask}`;
    case Fmt.VSetI: return `${n} ${rd},${i.imm},${vtypeText(i.aux | (1 << 20)).replace(/ /g, '')}`;
    case Fmt.VSetVl: return `${n} ${rd},${rs1},${vtypeText(i.aux | (1 << 20)).replace(/ /g, '')}`;
    case Fmt.VD: return `${n} ${rd}${mask}`;
    case Fmt.VMvR: return `${n} ${rd},${rs2}`;
    case Fmt.VMM: return `${n} ${rd},${rs2},${rs1}`;
    default: return `${n} ?`;
  }
}

function printPseudo(i: MInst, label: (l: number) => string): string {
  const rd = regName(i.rd);
  switch (i.op) {
    case Pseudo.Args: return '; arguments';
    case Pseudo.Ret: return 'ret';
    case Pseudo.Call: return `call ${i.sym}${i.imm ? `+${i.imm}` : ''}`;
    case Pseudo.CallInd: return `jalr ra,0(${regName(i.rs1)})`;
    case Pseudo.TailCall: return `tail ${i.sym}`;
    case Pseudo.TailCallInd: return `jr ${regName(i.rs1)}`;
    case Pseudo.Li: {
      const v = (BigInt(i.aux) << 32n) | BigInt(i.imm >>> 0);
      return `li ${rd},${BigInt.asIntN(64, v)}`;
    }
    case Pseudo.LoadConst: return `${opInfo(i.imm).name} ${rd},${label(i.label)}`;
    case Pseudo.LoadAddr: return `lla ${rd},${label(i.label)}`;
    case Pseudo.LoadSym: return `${i.aux ? 'la' : 'lla'} ${rd},${i.sym}${i.imm ? `+${i.imm}` : ''}`;
    case Pseudo.BrTable: return `br_table ${regName(i.rs1)}`;
    case Pseudo.BindLabel: return `${label(i.label)}:`;
    case Pseudo.Seq: return `seq ${i.imm}`;
    case Pseudo.TlsGd: return `la.tls.gd a0,${i.sym}; call __tls_get_addr`;
    case Pseudo.Nop: return '; nop';
    default: return `pseudo ${i.op}`;
  }
}
