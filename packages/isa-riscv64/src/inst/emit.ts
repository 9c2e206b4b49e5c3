// Emission of instructions into the MachBuffer: compressed forms where the C extension allows,
// label uses and branch records for the buffer's simplification and veneers, relocations, the
// vector configuration (`vsetivli` inserted only where it changes), and the pseudo-instructions
// every function may contain (constants, addresses, calls).

import { type EmitSink, Listing } from '@windlass/codegen';
import { MInst, Pseudo, load, mk, rri } from './mod';
import { Fmt, TABLE_SIZE, opInfo } from './ops';
import * as O from './ops';
import {
  BRANCH_LABEL, JAL_LABEL, PCREL_PAIR, compress, encode, fitsImm12, invertBranchWord, wordBytes,
} from './encode';
import { printInst } from './print';
import { a0, ra, t5, zero } from './regs';
import { vtypeAvl, vtypeImm } from './vtype';

export interface EmitFeatures {
  /** Compressed instructions (Zca); `zcd`: also the double-precision loads and stores. */
  readonly c: boolean;
  readonly zcd: boolean;
}

/** Formats whose 12-bit offset `put` legalizes when it does not fit (and addi). */
const LARGE_OFFSET_FMTS = new Set<number>([Fmt.Load, Fmt.Store]);

/** Writes instructions into a sink, expanding the generic pseudo-instructions. */
export class RvEmitter {
  /** The vector configuration in force (0: unknown). */
  private vstate = 0;

  constructor(readonly sink: EmitSink, readonly features: EmitFeatures, readonly listing: Listing) {}

  /** Forgets the vector configuration (at labels other code jumps to, after calls). */
  forgetVState(): void {
    this.vstate = 0;
  }

  private note(at: number, text: string): void {
    if (this.listing.enabled) this.listing.add(at, this.sink.curOffset(), text);
  }

  /** One instruction: a table instruction or a generic pseudo-instruction. */
  put(i: MInst): void {
    if (i.vt !== 0 && i.vt !== this.vstate) this.setVType(i.vt);
    if (i.op >= TABLE_SIZE) this.putPseudo(i);
    else if (!fitsImm12(i.imm) && (i.op === O.ADDI || LARGE_OFFSET_FMTS.has(opInfo(i.op).fmt))) this.putLargeOffset(i);
    else this.putTable(i);
  }

  /**
   * A load, store or addi whose offset does not fit 12 bits (a stack slot in a large frame):
   * the offset goes through t5 (never allocated) first.
   */
  private putLargeOffset(i: MInst): void {
    const off = i.imm;
    this.li(t5, off | 0, off < 0 ? -1 : 0);
    if (i.op === O.ADDI) {
      const add = mk(O.ADD);
      add.rd = i.rd;
      add.rs1 = i.rs1;
      add.rs2 = t5;
      this.putTable(add);
      return;
    }
    const base = mk(O.ADD);
    base.rd = t5;
    base.rs1 = t5;
    base.rs2 = i.rs1;
    this.putTable(base);
    const j = new MInst(i.op, i.rd, t5, i.rs2, i.rs3, 0, i.aux, i.label, i.trap, i.vt, i.sym, i.more, i.moreUses);
    this.putTable(j);
  }

  /** Makes `vt` the configuration in force (an AVL above 31 goes through t5 and vsetvli). */
  ensureVType(vt: number): void {
    if (vt !== 0 && vt !== this.vstate) this.setVType(vt);
  }

  private setVType(vt: number): void {
    const avl = vtypeAvl(vt);
    let v: MInst;
    if (avl <= 31) {
      v = mk(O.VSETIVLI);
      v.imm = avl;
    } else {
      this.putTable(rri(O.ADDI, t5, zero, avl));
      v = mk(O.VSETVLI);
      v.rs1 = t5;
    }
    v.rd = zero;
    v.aux = vtypeImm(vt);
    this.putTable(v);
    this.vstate = vt;
  }

  private putTable(i: MInst): void {
    const sink = this.sink;
    const at = sink.curOffset();
    if (i.trap !== 0) sink.addTrap(at, i.trap);
    const fmt = opInfo(i.op).fmt;
    if (i.label >= 0 && fmt === Fmt.B) {
      const w = encode(i);
      sink.useLabel(at, i.label, BRANCH_LABEL);
      sink.put4(w);
      sink.buf.addCondBranch(at, at + 4, sink.label(i.label), wordBytes(invertBranchWord(w)));
    } else if (i.label >= 0 && fmt === Fmt.J) {
      sink.useLabel(at, i.label, JAL_LABEL);
      sink.put4(encode(i));
      // aux = 1: a jump-table entry, which the buffer must neither remove nor retarget.
      if (i.rd === zero && i.aux === 0) sink.buf.addUncondBranch(at, at + 4, sink.label(i.label));
    } else {
      const h = this.features.c ? compress(i, this.features.zcd) : -1;
      if (h >= 0) sink.put2(h);
      else sink.put4(encode(i));
    }
    if (this.listing.enabled) this.note(at, printInst(i, { labelName: Listing.labelRef }));
  }

  /** A raw 32-bit word (its text for the listing). */
  word(w: number, text: string): void {
    const at = this.sink.curOffset();
    this.sink.put4(w);
    this.note(at, text);
  }

  private putPseudo(i: MInst): void {
    const sink = this.sink;
    switch (i.op) {
      case Pseudo.Li:
        this.li(i.rd, i.imm, i.aux);
        return;
      case Pseudo.LoadConst: {
        // An FPR or vector destination gets its address through t5 (never allocated); a vector
        // load has no offset field, so its address is computed in full first.
        const base = i.rd < 32 ? i.rd : t5;
        const at = sink.curOffset();
        sink.useLabel(at, i.label, PCREL_PAIR);
        this.putTable(rri(O.AUIPC_, base, -1, 0));
        if (i.rd >= 64) {
          this.put32(rri(O.ADDI, t5, t5, 0));
          const vl = mk(i.imm);
          vl.rd = i.rd;
          vl.rs1 = t5;
          this.putTable(vl);
        } else this.put32(load(i.imm, i.rd, base, 0));
        return;
      }
      case Pseudo.LoadAddr: {
        const at = sink.curOffset();
        sink.useLabel(at, i.label, PCREL_PAIR);
        this.putTable(rri(O.AUIPC_, i.rd, -1, 0));
        this.put32(rri(O.ADDI, i.rd, i.rd, 0));
        return;
      }
      case Pseudo.LoadSym: {
        const at = sink.curOffset();
        const sym = i.sym!;
        if (i.aux === 1) {
          sink.addReloc(at, 'RiscvGotHi20', sym, 0);
          this.putTable(rri(O.AUIPC_, i.rd, -1, 0));
          sink.addReloc(sink.curOffset(), 'RiscvPCRelLo12I', { kind: 'pcrel_hi', offset: at }, 0);
          this.put32(load(O.LD, i.rd, i.rd, 0));
          if (i.imm !== 0) this.addImm(i.rd, i.imm);
        } else {
          sink.addReloc(at, 'RiscvPCRelHi20', sym, i.imm);
          this.putTable(rri(O.AUIPC_, i.rd, -1, 0));
          sink.addReloc(sink.curOffset(), 'RiscvPCRelLo12I', { kind: 'pcrel_hi', offset: at }, 0);
          this.put32(rri(O.ADDI, i.rd, i.rd, 0));
        }
        return;
      }
      case Pseudo.Call: {
        const at = sink.curOffset();
        sink.addReloc(at, 'RiscvCallPlt', i.sym!, i.imm);
        this.putTable(rri(O.AUIPC_, ra, -1, 0));
        this.put32(rri(O.JALR_, ra, ra, 0));
        this.vstate = 0;
        return;
      }
      case Pseudo.TlsGd: {
        const at = sink.curOffset();
        sink.addReloc(at, 'RiscvTlsGdHi20', i.sym!, 0);
        this.put32(rri(O.AUIPC_, a0, -1, 0));
        sink.addReloc(sink.curOffset(), 'RiscvPCRelLo12I', { kind: 'pcrel_hi', offset: at }, 0);
        this.put32(rri(O.ADDI, a0, a0, 0));
        sink.addReloc(sink.curOffset(), 'RiscvCallPlt', '__tls_get_addr', 0);
        this.put32(rri(O.AUIPC_, ra, -1, 0));
        this.put32(rri(O.JALR_, ra, ra, 0));
        this.vstate = 0;
        return;
      }
      case Pseudo.CallInd:
        this.putTable(rri(O.JALR_, ra, i.rs1, 0));
        this.vstate = 0;
        return;
      case Pseudo.BindLabel:
        sink.bindLabel(i.label);
        this.vstate = 0;
        return;
      case Pseudo.Args: case Pseudo.Nop:
        return;
      default:
        throw new Error(`internal: pseudo-instruction ${i.op} reached the generic emitter`);
    }
  }

  /** A table instruction in its 32-bit form (its fields are patched by relocations or label uses). */
  put32(i: MInst): void {
    const at = this.sink.curOffset();
    this.sink.put4(encode(i));
    this.note(at, printInst(i, { labelName: Listing.labelRef }));
  }

  /** rd <- rd + imm (any 32-bit imm; through t5 when it does not fit 12 bits, unless rd is t5). */
  addImm(rd: number, imm: number): void {
    if (fitsImm12(imm)) {
      this.putTable(rri(O.ADDI, rd, rd, imm));
      return;
    }
    this.li(t5, imm | 0, imm < 0 ? -1 : 0);
    const add = mk(O.ADD);
    add.rd = rd;
    add.rs1 = rd;
    add.rs2 = t5;
    this.putTable(add);
  }

  /** rd <- the 64-bit constant hi:lo, by the shortest sequence of lui/addi(w)/slli this knows. */
  li(rd: number, lo: number, hi: number): void {
    if (hi === lo >> 31) {
      this.li32(rd, lo | 0);
      return;
    }
    this.li64(rd, BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)));
  }

  private li32(rd: number, v: number): void {
    if (fitsImm12(v)) {
      this.putTable(rri(O.ADDI, rd, zero, v));
      return;
    }
    const lo12 = (v << 20) >> 20;
    const hi20 = ((v - lo12) / 4096) & 0xfffff;
    this.putTable(rri(O.LUI_, rd, -1, hi20));
    if (lo12 !== 0) this.putTable(rri(O.ADDIW, rd, rd, lo12));
  }

  private li64(rd: number, v: bigint): void {
    if (v >= -0x8000_0000n && v <= 0x7fff_ffffn) {
      this.li32(rd, Number(v));
      return;
    }
    const lo12 = BigInt.asIntN(12, v);
    let hi = (v - lo12) >> 12n;
    let shift = 12;
    while ((hi & 1n) === 0n) {
      hi >>= 1n;
      shift++;
    }
    this.li64(rd, hi);
    this.putTable(rri(O.SLLI, rd, rd, shift));
    if (lo12 !== 0n) this.putTable(rri(O.ADDI, rd, rd, Number(lo12)));
  }
}

/** Upper bound of the bytes `put` writes for `i` (vsetivli included). */
export function maxBytes(i: MInst): number {
  const vset = i.vt !== 0 ? 8 : 0;
  if (i.op < TABLE_SIZE) return 4 + vset;
  switch (i.op) {
    case Pseudo.Li: return 32;
    case Pseudo.LoadSym: return 8 + 4 + 32;
    case Pseudo.TlsGd: return 16;
    default: return 16 + vset;
  }
}

