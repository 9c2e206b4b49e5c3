// Frame layout and final emission: the allocated VCode becomes machine code in a MachBuffer,
// with the prologue/epilogue, pointer authentication and BTI landing pads, stack probes,
// spill slots, stack slots, islands (constants within `ldr` literal reach, veneers for short
// branches) and unwind rows.
//
//   caller's frame
//   incoming arg area      [fp + 16 + growth + offset]     (stack arguments)
//     growth               [fp + 16 ... fp + 16 + growth)  (room for larger tail calls, `tail` only)
//   saved fp, lr           [fp], [fp + 8]                  <- fp (x29)
//   callee-saved x19-x28   stp pairs below fp
//   callee-saved d8-d15
//   spill slots            16 bytes each
//   stack slots            (slot area)
//   outgoing call args     [sp ...]                        <- sp (fixed for the whole body)
//
// The CFA is the caller's sp at the call: fp + 16 + growth. A leaf function that needs no
// stack, saves nothing and is not asked to keep frame pointers gets no frame at all.
//
// Tail calls (`return_call`): the callee's stack arguments are written into the incoming area,
// ending where the callee's return must leave sp (abi/aapcs.ts `planArgArea`); the epilogue
// restores the callee-saved registers and fp/lr, moves sp to the start of those arguments and
// branches. Under `tail` a function removes its own stack arguments when it returns.

import {
  CodegenError, EmitSink, Listing, MachBuffer, type MachBufferFinalized, type LabelUseKind, type PoolConstant, type RelocKind,
  UnsupportedError, type VCode, emitBody, hasEdits,
} from '@windlass/codegen';
import { EditSide, type RegAllocOutput } from '@windlass/regalloc';
import {
  AddrMode, AluOp, Arr, Cond, Extend, addLo12, adrp, ldrLo12, LdStOp, LABEL_WORD32, type MInst, Op, PairOp, RegClass, SysOp, V, adr, aluRRImm12, aluRRR,
  aluRRRExtend, b, bcond, bl, blr, br, bSym, chunks16, dwarfReg, emitInst, encodeLogicalImm, ldst, ldstIndexed, ldstPair,
  ldstReg, movWide, MovWideOp, printInst, ret, setReg, sp, sys, udf, vec, word, x16, x17, xreg, xzr, aluRRImmLogic, type CodeSink,
} from '../inst';
import type { A64Extra, A64Lower, IsaFeatures } from '../lower/state';
import { expandAtomic } from '../lower/atomics';

export interface FrameInput {
  readonly vcode: VCode<MInst, A64Extra>;
  readonly alloc: RegAllocOutput;
  readonly state: A64Lower;
  readonly features: IsaFeatures;
  readonly wantListing: boolean;
  readonly unwind: boolean;
  /** Callee-saved general registers and v registers this function must preserve, ascending. */
  readonly savedGprs: readonly number[];
  readonly savedVregs: readonly number[];
}

export interface FrameOutput {
  readonly buf: MachBuffer;
  readonly frameSize: number;
  listing(fin: MachBufferFinalized): string;
}

const alignTo = (n: number, a: number): number => Math.ceil(n / a) * a;

/** The MachBuffer as the encoder's sink: backend labels mapped, constants placed lazily, branches registered. */
class A64Sink implements CodeSink {
  constructor(readonly es: EmitSink, private readonly constants: ReadonlyMap<number, PoolConstant>) {}
  curOffset(): number {
    return this.es.curOffset();
  }
  put4(v: number): void {
    this.es.put4(v);
  }
  useLabel(offset: number, label: number, kind: LabelUseKind): void {
    const c = this.constants.get(label);
    if (c !== undefined) {
      // A fresh request per use: a copy placed in an island is reused only while within reach.
      const m = this.es.buf.constantLabel(c.bytes, c.align);
      this.es.alias(label, m);
      this.es.buf.useLabel(offset, m, kind);
      return;
    }
    this.es.useLabel(offset, label, kind);
  }
  addReloc(offset: number, kind: RelocKind, symbol: string, addend: number): void {
    this.es.addReloc(offset, kind, symbol, addend);
  }
  addTrap(offset: number, code: number): void {
    this.es.addTrap(offset, code);
  }
  branch(start: number, end: number, label: number, inverted: Uint8Array | undefined): void {
    if (inverted === undefined) this.es.buf.addUncondBranch(start, end, this.es.label(label));
    else this.es.buf.addCondBranch(start, end, this.es.label(label), inverted);
  }
}

export function emitFunction(inp: FrameInput): FrameOutput {
  const { vcode, alloc, state: L, features } = inp;
  const buf = new MachBuffer('little', { instructionAlignment: 4 });
  const es = new EmitSink(buf);
  const constants = new Map<number, PoolConstant>();
  for (const c of L.constants) constants.set(c.label, c);
  const sink = new A64Sink(es, constants);
  const listing = new Listing(inp.wantListing);
  // Listed instructions, kept until the end: the buffer removes branches to the next
  // instruction, so an entry at or after a later instruction's offset was removed.
  const lines: { at: number; end: number; text: string }[] = [];
  const unwind = inp.unwind;
  const put = (i: MInst): void => {
    const at = buf.curOffset();
    emitInst(i, sink);
    if (listing.enabled) {
      while (lines.length > 0 && lines[lines.length - 1].at >= at) lines.pop();
      lines.push({ at, end: buf.curOffset(), text: printInst(i, { labelName: Listing.labelRef }) });
    }
  };
  const cfi = (op: Parameters<MachBuffer['addUnwind']>[1]): void => {
    if (unwind) buf.addUnwind(buf.curOffset(), op);
  };

  // ---- frame layout
  const savedG = inp.savedGprs;
  const savedV = inp.savedVregs;
  const outgoing = alignTo(L.outgoingBytes, 16);
  const slotArea = L.slotArea.size;
  const spillBase = outgoing + slotArea;
  const local = spillBase + alloc.numSpillSlots * 16;
  const growth = L.argArea.growth;
  const csave = 16 * (Math.ceil(savedG.length / 2) + Math.ceil(savedV.length / 2));
  const hasFrame = L.hasCalls || L.needsFrame || local > 0 || csave > 0 || features.preserveFramePointers || L.argArea.size > 0
    || growth > 0;
  const sign = features.signReturn === 'all' || (features.signReturn === 'nonleaf' && hasFrame);
  if (local + csave + growth > 0x7fff_0000) {
    throw new UnsupportedError(`a stack frame of ${local + csave + growth} bytes (aarch64 frames are limited to ${0x7fff_0000} bytes)`);
  }

  /** rd <- rn + imm (sp allowed), through x17 when the immediate does not fit. */
  const addSp = (rd: number, rn: number, imm: number, subtract = false): void => {
    if (imm === 0 && rd === rn) return;
    if (imm < 0x1000000) {
      const hi = imm & 0xfff000;
      const lo = imm & 0xfff;
      let from = rn;
      if (hi) {
        put(aluRRImm12(subtract ? AluOp.Sub : AluOp.Add, 1, rd, from, (hi >>> 12) | 0x1000));
        from = rd;
      }
      if (lo || from !== rd) put(aluRRImm12(subtract ? AluOp.Sub : AluOp.Add, 1, rd, from, lo));
      return;
    }
    for (const x of loadConstInsts(x17, imm)) put(x);
    put(aluRRRExtend(subtract ? AluOp.Sub : AluOp.Add, 1, rd, rn, x17, Extend.UXTX));
  };

  /** A load/store at [base + off] (base sp or fp), through x17 when the offset does not fit. */
  const frameAccess = (i: MInst, base: number, off: number): void => {
    const row = i.sub;
    const bytes = ACCESS_BYTES[row];
    i.mode = AddrMode.Offset;
    if ((off >= 0 && off % bytes === 0 && off / bytes < 4096) || (off >= -256 && off <= 255)) {
      i.rn = base;
      i.imm = off;
      put(i);
      return;
    }
    if (off < 0) {
      addSp(x17, base, -off, true);
      i.rn = x17;
      i.imm = 0;
      put(i);
      return;
    }
    addSp(x17, base, off);
    i.rn = x17;
    i.imm = 0;
    put(i);
  };

  const incomingBase = 16 + growth;
  /** Resolves a frame-relative load/store or address. */
  const frameAddr = (mode: number, imm: number): [number, number] => {
    switch (mode) {
      case AddrMode.Slot: return [sp, outgoing + imm];
      case AddrMode.Spill: return [sp, spillBase + imm];
      case AddrMode.IncomingArg:
        if (!hasFrame) throw new CodegenError('internal: an incoming stack argument in a function without a frame');
        return [xreg(29), incomingBase + imm];
      default: throw new CodegenError(`internal: frame address mode ${mode}`);
    }
  };

  const spillAt = (slot: number): number => spillBase + slot * 16;

  // ---- prologue
  let cfaOff = 0;
  if (features.bti && !sign) put(sys(SysOp.BtiC));
  if (sign) {
    if (features.bkey) cfi({ kind: 'aarch64_b_key_frame' });
    put(sys(features.bkey ? SysOp.Pacibsp : SysOp.Paciasp));
    cfi({ kind: 'aarch64_negate_ra_state' });
  }
  if (hasFrame) {
    if (growth > 0) {
      addSp(sp, sp, growth, true);
      cfaOff = growth;
      cfi({ kind: 'def_cfa_offset', offset: cfaOff });
    }
    put(ldstPair(PairOp.StpX, xreg(29), xreg(30), sp, -16, AddrMode.PreIndex));
    cfaOff += 16;
    cfi({ kind: 'def_cfa_offset', offset: cfaOff });
    cfi({ kind: 'offset', reg: 29, cfaOffset: -cfaOff });
    cfi({ kind: 'offset', reg: 30, cfaOffset: -cfaOff + 8 });
    put(aluRRImm12(AluOp.Add, 1, xreg(29), sp, 0));
    cfi({ kind: 'def_cfa_register', reg: 29 });
    let below = cfaOff;
    const pushPairs = (regs: readonly number[], pairOp: number, single: number): void => {
      for (let k = 0; k < regs.length; k += 2) {
        below += 16;
        if (k + 1 < regs.length) put(ldstPair(pairOp, regs[k], regs[k + 1], sp, -16, AddrMode.PreIndex));
        else put(ldstIndexed(single, regs[k], sp, -16, true));
        cfi({ kind: 'offset', reg: dwarfReg(regs[k]), cfaOffset: -below });
        if (k + 1 < regs.length) cfi({ kind: 'offset', reg: dwarfReg(regs[k + 1]), cfaOffset: -below + 8 });
      }
    };
    pushPairs(savedG, PairOp.StpX, LdStOp.StX);
    pushPairs(savedV, PairOp.StpD, LdStOp.StFpD);
    if (local > 0) allocateStack(local);
  }

  /** sub sp, sp, #n, probing every guard-size page on the way down when asked to. */
  function allocateStack(n: number): void {
    const guard = 2 ** features.probestackSizeLog2;
    if (!features.probestack || n < guard) {
      addSp(sp, sp, n, true);
      return;
    }
    const pages = Math.floor(n / guard);
    if (pages <= 4) {
      for (let k = 0; k < pages; k++) {
        addSp(sp, sp, guard, true);
        put(ldst(LdStOp.StX, xzr, sp, 0));
      }
    } else {
      // x17 counts the pages down; each iteration moves sp one page and touches it.
      for (const x of loadConstInsts(x17, pages)) put(x);
      const loop = es.getLabel();
      es.bindLabel(loop);
      addSp(sp, sp, guard, true);
      put(ldst(LdStOp.StX, xzr, sp, 0));
      put(aluRRImm12(AluOp.Subs, 1, x17, x17, 1));
      put(bcond(Cond.NE, loop));
    }
    const rest = n - pages * guard;
    if (rest > 0) addSp(sp, sp, rest, true);
  }

  /**
   * Restores the caller's registers; sp ends `popAfter` bytes above the frame record. The
   * return address is authenticated while sp is back at its value on entry (the signature's
   * modifier), before sp moves on to where a tail call or a callee-pop return leaves it.
   */
  const epilogue = (popAfter: number): void => {
    let adjust = 0;
    if (hasFrame) {
      if (local > 0) addSp(sp, sp, local);
      const pop = (regs: readonly number[], pairOp: number, single: number): void => {
        const last = regs.length - 1;
        for (let k = last - (last & 1); k >= 0; k -= 2) {
          if (k + 1 < regs.length) put(ldstPair(pairOp, regs[k], regs[k + 1], sp, 16, AddrMode.PostIndex));
          else put(ldstIndexed(single, regs[k], sp, 16, false));
        }
      };
      pop(savedV, PairOp.LdpD, LdStOp.LdFpD);
      pop(savedG, PairOp.LdpX, LdStOp.LdX);
      put(ldstPair(PairOp.LdpX, xreg(29), xreg(30), sp, 16, AddrMode.PostIndex));
      cfi({ kind: 'def_cfa', reg: 31, offset: growth });
      if (growth > 0) {
        addSp(sp, sp, growth);
        cfi({ kind: 'def_cfa_offset', offset: 0 });
      }
      adjust = popAfter - growth;
    }
    if (sign) {
      put(sys(features.bkey ? SysOp.Autibsp : SysOp.Autiasp));
      cfi({ kind: 'aarch64_negate_ra_state' });
    }
    if (adjust > 0) addSp(sp, sp, adjust);
    else if (adjust < 0) addSp(sp, sp, -adjust, true);
  };

  // ---- body
  const jumpTable = (inst: MInst): void => {
    const labels = L.jumpTables[inst.imm];
    const table = es.getLabel();
    const t1 = inst.rd;
    const t2 = inst.ra;
    put(adr(t1, table));
    put(ldstReg(LdStOp.LdsWX, t2, t1, inst.rn, Extend.UXTW, true));
    put(aluRRR(AluOp.Add, 1, t1, t1, t2));
    put(br(t1));
    es.bindLabel(table);
    const start = buf.curOffset();
    for (const l of labels) {
      const at = buf.curOffset();
      put(word(at - start));
      es.useLabel(at, l, LABEL_WORD32);
    }
  };

  const expand = (inst: MInst, i: number, next: number): void => {
    switch (inst.op) {
      case Op.Args: case Op.EndBlock:
        return;
      case Op.BindLabel:
        es.bindLabel(inst.label);
        return;
      case Op.LoadConst:
        for (const x of constSequence(inst.sz as 0 | 1, inst.rd, inst.imm, inst.imm2)) put(x);
        return;
      case Op.StackAddr: {
        const [base, off] = frameAddr(inst.mode, inst.imm);
        if (off === 0) put(aluRRImm12(AluOp.Add, 1, inst.rd, base, 0));
        else addSp(inst.rd, base, off);
        return;
      }
      case Op.LdSt:
        if (inst.mode === AddrMode.Slot || inst.mode === AddrMode.IncomingArg) {
          const [base, off] = frameAddr(inst.mode, inst.imm);
          frameAccess(inst, base, off);
          return;
        }
        put(inst);
        return;
      case Op.JumpTable:
        jumpTable(inst);
        return;
      case Op.Return:
        cfi({ kind: 'remember_state' });
        epilogue(L.argArea.retPop);
        put(ret());
        cfi({ kind: 'restore_state' });
        return;
      case Op.TailCall: {
        cfi({ kind: 'remember_state' });
        epilogue(hasFrame ? inst.imm : 0);
        if (inst.sym !== null) put(bSym(inst.sym));
        else {
          put(aluRRR(AluOp.Orr, 1, x16, xzr, xreg(9)));
          put(br(x16));
        }
        cfi({ kind: 'restore_state' });
        return;
      }
      case Op.Call: {
        put(inst.sym !== null ? bl(inst.sym) : blr(inst.rn));
        // A try_call (lower/exceptions.ts): its handlers' landing pads and the frame's sp.
        const tc = i >= 0 ? vcode.extras[i]?.tryCall : undefined;
        if (tc !== undefined && hasEdits(alloc, i, EditSide.After)) throw new CodegenError('internal: register moves after a try_call');
        buf.addCallSite(buf.curOffset(), tc === undefined ? undefined : {
          handlers: tc.handlers.map((h) => ({ tag: h.tag, label: es.label(h.label) })), spBelowFp: csave + local,
        });
        // A callee-pop callee removed its stack arguments: reserve them again (sp is fixed in the body).
        if (inst.imm > 0) addSp(sp, sp, inst.imm, true);
        if (tc !== undefined && tc.normal !== next) put(b(tc.normal));
        return;
      }
      case Op.Tls: {
        const sym = inst.sym as string;
        if (inst.sub === 0) {
          put(adrp(xreg(0), sym, 2));
          put(addLo12(xreg(0), xreg(0), sym, 1));
          put(bl('__tls_get_addr'));
          buf.addCallSite(buf.curOffset());
          put(sys(SysOp.Nop));
        } else {
          put(adrp(xreg(0), sym, 3));
          put(ldrLo12(xreg(0), xreg(0), sym, 1));
          put(ldst(LdStOp.LdX, xreg(1), xreg(0), 0));
          put(blr(xreg(1)));
          buf.addCallSite(buf.curOffset());
        }
        return;
      }
      case Op.AtomicLoop: case Op.AtomicCasLoop:
        expandAtomic(inst, () => es.getLabel(), (l) => es.bindLabel(l), put);
        return;
      default:
        put(inst);
    }
  };

  /** Worst-case bytes an instruction's expansion emits (for the island check). */
  const worstSize = (inst: MInst): number => {
    switch (inst.op) {
      case Op.JumpTable: return 16 + 4 * L.jumpTables[inst.imm].length;
      case Op.Return: case Op.TailCall: return 64 + 4 * (savedG.length + savedV.length);
      case Op.LoadConst: return 16;
      case Op.AtomicLoop: case Op.AtomicCasLoop: return 64;
      case Op.Call: case Op.StackAddr: case Op.Tls: return 24;
      case Op.LdSt: {
        if (inst.mode !== AddrMode.Literal) return 20;
        const c = constants.get(inst.label);
        return 4 + (c !== undefined ? c.bytes.length + c.align : 0);
      }
      default: return 8;
    }
  };

  /** Emits an island (jumped over) when the next `d` bytes could leave a pending use out of reach. */
  const islandCheck = (d: number): void => {
    if (!buf.islandNeeded(d)) return;
    const over = es.getLabel();
    put(b(over));
    buf.emitIsland(d);
    es.bindLabel(over);
  };
  const gen = (inst: MInst, i: number, next = -1): void => {
    islandCheck(worstSize(inst));
    expand(inst, i, next);
  };

  const moveInst = (cls: number, to: number, from: number): MInst => (cls === RegClass.Int
    ? aluRRR(AluOp.Orr, 1, to, xzr, from)
    : vec(V.mov, Arr.B16, to, from));
  emitBody(vcode, alloc, es, {
    setReg: (inst, field, preg) => setReg(inst, field, preg),
    move: (cls, to, from) => gen(moveInst(cls, to, from), -1),
    spill: (cls, from, slot) => {
      islandCheck(20);
      frameAccess(ldst(cls === RegClass.Int ? LdStOp.StX : LdStOp.StFpQ, from, sp, 0), sp, spillAt(slot));
    },
    reload: (cls, to, slot) => {
      islandCheck(20);
      frameAccess(ldst(cls === RegClass.Int ? LdStOp.LdX : LdStOp.LdFpQ, to, sp, 0), sp, spillAt(slot));
    },
    blockStart: (blk) => {
      if (features.bti && L.indirectTargets.has(vcode.blockLabel[blk])) put(sys(SysOp.BtiJ));
    },
    inst: (inst, i, _b, next) => gen(inst, i, next),
  });

  // ---- out-of-line traps
  for (const t of L.traps) {
    islandCheck(4);
    es.bindLabel(t.label);
    put(udf(t.code));
  }
  const frameSize = hasFrame ? growth + 16 + csave + local : 0;
  return {
    buf, frameSize,
    listing: (fin: MachBufferFinalized) => {
      for (const l of lines) if (l.at < fin.codeEnd) listing.add(l.at, l.end, branchText(fin.bytes, l.at) ?? l.text);
      return listing.resolve(fin, es);
    },
  };
}

const COND = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

/**
 * A branch as the final code has it (the buffer may have flipped its condition or redirected
 * it through jump threading or a veneer), or null when the word at `at` is not a branch.
 */
function branchText(bytes: Uint8Array, at: number): string | null {
  const w = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  const hexAt = (d: number): string => `0x${(at + d).toString(16)}`;
  const reg = (sf: number): string => (w & 31) === 31 ? (sf ? 'xzr' : 'wzr') : `${sf ? 'x' : 'w'}${w & 31}`;
  if ((w & 0xfc000000) >>> 0 === 0x14000000) return `b\t${hexAt((w << 6) >> 4)}`;
  if ((w & 0xff000010) >>> 0 === 0x54000000) return `b.${COND[w & 15]}\t${hexAt(((w >>> 5) << 13) >> 11)}`;
  if ((w & 0x7e000000) >>> 0 === 0x34000000) {
    return `${w & (1 << 24) ? 'cbnz' : 'cbz'}\t${reg(w >>> 31)}, ${hexAt(((w >>> 5) << 13) >> 11)}`;
  }
  if ((w & 0x7e000000) >>> 0 === 0x36000000) {
    const bit = ((w >>> 31) << 5) | ((w >>> 19) & 31);
    return `${w & (1 << 24) ? 'tbnz' : 'tbz'}\t${reg(bit >= 32 ? 1 : 0)}, #${bit}, ${hexAt(((w >>> 5) << 18) >> 16)}`;
  }
  return null;
}

/** Bytes accessed by each load/store row (for offset legalization). */
const ACCESS_BYTES = [1, 2, 4, 8, 1, 1, 2, 2, 4, 1, 2, 4, 8, 1, 2, 4, 8, 16, 1, 2, 4, 8, 16];

function loadConstInsts(rd: number, v: number): MInst[] {
  return constSequence(1, rd, v | 0, Math.floor(v / 2 ** 32) | 0);
}

/**
 * The shortest instruction sequence putting the constant (lo, hi) into rd: movz or movn with
 * the fewest movk after it, or a single orr of a bitmask immediate.
 */
export function constSequence(sf: 0 | 1, rd: number, lo: number, hi: number): MInst[] {
  const c = chunks16(lo, sf ? hi : 0);
  const n = sf ? 4 : 2;
  let zeros = 0;
  let ones = 0;
  for (let k = 0; k < n; k++) {
    if (c[k] === 0) zeros++;
    else if (c[k] === 0xffff) ones++;
  }
  if (zeros === n) return [movWide(MovWideOp.Movz, sf, rd, 0, 0)];
  if (n - zeros > 1 && n - ones > 1) {
    const e = encodeLogicalImm(lo, sf ? hi : 0, sf ? 64 : 32);
    if (e >= 0) return [aluRRImmLogic(AluOp.Orr, sf, rd, xzr, e)];
  }
  const out: MInst[] = [];
  if (ones > zeros) {
    for (let k = 0; k < n; k++) {
      if (c[k] === 0xffff) continue;
      out.push(out.length === 0 ? movWide(MovWideOp.Movn, sf, rd, ~c[k] & 0xffff, k) : movWide(MovWideOp.Movk, sf, rd, c[k], k));
    }
    if (out.length === 0) out.push(movWide(MovWideOp.Movn, sf, rd, 0, 0));
    return out;
  }
  for (let k = 0; k < n; k++) {
    if (c[k] === 0) continue;
    out.push(out.length === 0 ? movWide(MovWideOp.Movz, sf, rd, c[k], k) : movWide(MovWideOp.Movk, sf, rd, c[k], k));
  }
  return out;
}
