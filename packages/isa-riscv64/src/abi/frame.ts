// Frame layout and final emission: the allocated VCode becomes machine code in a MachBuffer,
// with the prologue/epilogue, spill slots, stack slots and unwind rows.
//
//   caller's frame
//   incoming stack arguments  [fp + growth + offset]           <- CFA = caller's sp at the call
//   growth                    [fp, fp + growth)                  (callee-pop `tail` functions only)
//   saved ra                  [fp - 8]
//   saved fp                  [fp - 16]                          <- fp = CFA - growth
//   callee-saved registers    [sp + saveBase + 8k]
//   spill slots               [sp + spillBase + slotSize * k]
//   stack slots               [sp + outgoing + offset]
//   outgoing call arguments   [sp + offset]                      <- sp (fixed for the whole body)
//
// A function that needs none of it (no calls, slots, spills, saved registers or stack
// arguments) gets no frame at all. Tail calls: a `return_call` stores the callee's stack
// arguments at the top of the incoming area (the entry block loaded every incoming stack
// argument into a register, so nothing reads the area afterwards), restores the saved registers
// and leaves sp where the callee must find its arguments: CFA + retPop - (what the callee pops).
// Under `tail` (callee-pop) the prologue reserves `growth` below the incoming arguments so a
// callee with more stack arguments than the function received still fits (abi/abi.ts).

import {
  CodegenError, EmitSink, LABEL_REF, Listing, MachBuffer, type MachBufferFinalized, UnsupportedError, type VCode, emitBody, hasEdits, hex,
} from '@windlass/codegen';
import { EditSide, RegClass, type RegAllocOutput } from '@windlass/regalloc';
import { type MInst, Pseudo, branch, load, mk, rri, rrr, store, trapInst } from '../inst/mod';
import * as O from '../inst/ops';
import { RvEmitter, maxBytes } from '../inst/emit';
import { fitsImm12 } from '../inst/encode';
import { dwarfReg, fp, ra, sp, t5, t6, zero, type PReg } from '../inst/regs';
import { vtype } from '../inst/vtype';
import { setField } from '../lower/operands';
import type { ArgAreaFacts, PoolConstant, RvExtra, TrapStub } from '../lower/state';
import { expandSeq } from '../lower/seq';

export interface FrameInput {
  readonly vcode: VCode<MInst, RvExtra>;
  readonly alloc: RegAllocOutput;
  readonly slotRefs: readonly MInst[];
  readonly slotAreaSize: number;
  readonly outgoingBytes: number;
  readonly traps: readonly TrapStub[];
  readonly constants: readonly PoolConstant[];
  /** Callee-saved registers to preserve (GPRs and FPRs), ascending. */
  readonly calleeSaved: readonly PReg[];
  readonly argArea: ArgAreaFacts;
  /** The function needs a frame even without calls, slots or spills. */
  readonly needsFrame: boolean;
  readonly hasCalls: boolean;
  /** Bytes of a spill slot: 8, or the largest vector's size (at least 16) when vectors are spilled. */
  readonly spillSlotBytes: number;
  readonly features: {
    readonly c: boolean; readonly zcd: boolean; readonly unwindInfo: boolean; readonly preserveFramePointers: boolean;
    readonly probestack: boolean; readonly probestackSizeLog2: number;
  };
  readonly wantListing: boolean;
}

export interface FrameOutput {
  readonly buf: MachBuffer;
  readonly frameSize: number;
  listing(fin: MachBufferFinalized): string;
}


export function emitFunction(inp: FrameInput): FrameOutput {
  const { vcode, alloc, features } = inp;
  const buf = new MachBuffer('little', { instructionAlignment: features.c ? 2 : 4 });
  const sink = new EmitSink(buf);
  const listing = new Listing(inp.wantListing);
  const em = new RvEmitter(sink, features, listing);
  const unwind = features.unwindInfo;
  const row = (op: Parameters<MachBuffer['addUnwind']>[1]): void => {
    if (unwind) buf.addUnwind(buf.curOffset(), op);
  };

  // ---- frame layout
  const slotSize = inp.spillSlotBytes;
  // Vector spills and reloads move the slot's bytes as 64-bit elements.
  const spillVt = slotSize > 8 ? vtype(3, slotSize / 8) : 0;
  const saved = inp.calleeSaved;
  const outgoing = (inp.outgoingBytes + 15) & ~15;
  const spillBase = outgoing + inp.slotAreaSize;
  const saveBase = spillBase + alloc.numSpillSlots * slotSize;
  const rest = (saveBase + 8 * saved.length + 15) & ~15;
  const { growth, retPop } = inp.argArea;
  const hasFrame = inp.needsFrame || inp.hasCalls || rest > 0 || growth > 0 || features.preserveFramePointers;
  if (rest + growth > 0x7fff_0000) throw new UnsupportedError(`a stack frame of ${rest + growth} bytes (riscv64 frames are limited to 2 GiB)`);
  for (const i of inp.slotRefs) i.imm += outgoing;
  for (const c of inp.constants) sink.alias(c.label, buf.constantLabel(c.bytes, c.align));

  /** sp <- sp + n (any n), through t5 when it does not fit 12 bits. */
  const adjustSp = (n: number): void => {
    if (n === 0) return;
    if (fitsImm12(n)) em.put(rri(O.ADDI, sp, sp, n));
    else {
      em.li(t5, n | 0, n < 0 ? -1 : 0);
      em.put(rrr(O.ADD, sp, sp, t5));
    }
  };
  /** A load or store of `reg` at sp + off (any off: large ones through t5). */
  const spAccess = (op: number, isStore: boolean, reg: number, off: number, vt = 0): void => {
    const vec = vt !== 0;
    // The configuration first: vsetvli may use t5, which then holds the address.
    if (vec) em.ensureVType(vt);
    let base = sp;
    let imm = off;
    if (vec || !fitsImm12(off)) {
      if (fitsImm12(off)) em.put(rri(O.ADDI, t5, sp, off));
      else {
        em.li(t5, off, 0);
        em.put(rrr(O.ADD, t5, t5, sp));
      }
      base = t5;
      imm = 0;
    }
    const i = isStore ? store(op, reg, base, imm) : load(op, reg, base, imm);
    if (vec) {
      i.rd = reg;
      i.rs2 = -1;
      i.vt = vt;
    }
    em.put(i);
  };
  const saveOp = (r: PReg, isStore: boolean): number => (r < 32 ? (isStore ? O.SD : O.LD) : isStore ? O.FP_D.store : O.FP_D.load);

  // ---- prologue
  const top = 16 + growth;
  if (hasFrame) {
    adjustSp(-top);
    row({ kind: 'def_cfa_offset', offset: top });
    em.put(store(O.SD, ra, sp, 8));
    row({ kind: 'offset', reg: 1, cfaOffset: -growth - 8 });
    em.put(store(O.SD, fp, sp, 0));
    row({ kind: 'offset', reg: 8, cfaOffset: -growth - 16 });
    em.put(rri(O.ADDI, fp, sp, 16));
    row({ kind: 'def_cfa', reg: 8, offset: growth });
    const guard = 2 ** features.probestackSizeLog2;
    if (features.probestack && rest >= guard) probeAndAllocate(em, rest, guard, adjustSp, () => sink.getLabel());
    else adjustSp(-rest);
    saved.forEach((r, k) => {
      spAccess(saveOp(r, true), true, r, saveBase + 8 * k);
      row({ kind: 'offset', reg: dwarfReg(r), cfaOffset: saveBase + 8 * k - rest - top });
    });
  }

  /** Restores the caller's registers and leaves sp at CFA + `above`. */
  const epilogue = (above: number): void => {
    row({ kind: 'remember_state' });
    if (hasFrame) {
      saved.forEach((r, k) => spAccess(saveOp(r, false), false, r, saveBase + 8 * k));
      em.put(rri(O.ADDI, sp, fp, -16));
      row({ kind: 'def_cfa', reg: 2, offset: top });
      em.put(load(O.LD, ra, sp, 8));
      row({ kind: 'restore', reg: 1 });
      em.put(load(O.LD, fp, sp, 0));
      row({ kind: 'restore', reg: 8 });
      adjustSp(top + above);
      if (above === 0) row({ kind: 'def_cfa_offset', offset: 0 });
    } else adjustSp(above);
  };

  // ---- body
  const spillOff = (slot: number): number => spillBase + slot * slotSize;
  let lastBlock = -1;
  const room = (n: number): void => {
    if (!buf.islandNeeded(n + 64)) return;
    const over = sink.getLabel();
    em.put(jumpTo(over));
    buf.emitIsland(n + 64);
    sink.bindLabel(over);
  };
  emitBody(vcode, alloc, sink, {
    setReg: (inst, field, preg) => setField(inst, field, preg),
    move: (cls, to, from) => {
      room(8);
      if (cls === RegClass.Int) em.put(rri(O.ADDI, to, from, 0));
      else if (cls === RegClass.Float) em.put(rrr(O.FP_D.sgnj, to, from, from));
      else {
        const m = mk(O.VMV1R_V);
        m.rd = to;
        m.rs2 = from;
        em.put(m);
      }
    },
    spill: (cls, from, slot) => {
      room(24);
      if (cls === RegClass.Vector) spAccess(O.VSE[3], true, from, spillOff(slot), spillVt);
      else spAccess(cls === RegClass.Int ? O.SD : O.FP_D.store, true, from, spillOff(slot));
    },
    reload: (cls, to, slot) => {
      room(24);
      if (cls === RegClass.Vector) spAccess(O.VLE[3], false, to, spillOff(slot), spillVt);
      else spAccess(cls === RegClass.Int ? O.LD : O.FP_D.load, false, to, spillOff(slot));
    },
    inst: (inst, i, b, next) => {
      if (b !== lastBlock) {
        lastBlock = b;
        em.forgetVState();
      }
      const x = vcode.extras[i];
      room(maxBytes(inst) + (x?.targets !== undefined ? 4 * x.targets.length + 24 : 0) + (inst.op === Pseudo.Seq ? 256 : 0) + 64);
      switch (inst.op) {
        case Pseudo.Ret:
          epilogue(retPop);
          em.put(rri(O.JALR_, zero, ra, 0));
          row({ kind: 'restore_state' });
          return;
        case Pseudo.TailCall: case Pseudo.TailCallInd: {
          epilogue(inp.argArea.tailShift.get(inst) ?? 0);
          if (inst.op === Pseudo.TailCallInd) em.put(rri(O.JALR_, zero, inst.rs1, 0));
          else {
            const at = sink.curOffset();
            sink.addReloc(at, 'RiscvCallPlt', inst.sym!, inst.imm);
            em.word(0x00000317, 'auipc t1,0');
            em.word(0x00030067, 'jr t1');
          }
          row({ kind: 'restore_state' });
          return;
        }
        case Pseudo.Call: case Pseudo.CallInd: {
          em.put(inst);
          // A try_call (see lower/exceptions.ts): its handlers' landing pads and where sp is
          // relative to fp, for an unwinder that resumes there.
          const tc = x?.tryCall;
          if (tc !== undefined && hasEdits(alloc, i, EditSide.After)) throw new CodegenError('internal: register moves after a try_call');
          buf.addCallSite(buf.curOffset(), tc === undefined ? undefined : {
            handlers: tc.handlers.map((h) => ({ tag: h.tag, label: sink.label(h.label) })), spBelowFp: 16 + rest,
          });
          // The callee removed its stack arguments: sp stays fixed in the body.
          const popped = inp.argArea.popped.get(inst) ?? 0;
          if (popped > 0) adjustSp(-popped);
          if (tc !== undefined && tc.normal !== next) em.put(jumpTo(tc.normal));
          return;
        }
        case Pseudo.BrTable:
          emitBrTable(em, inst, x!.targets!);
          return;
        case Pseudo.Seq:
          expandSeq(inst, em, () => sink.getLabel());
          return;
        default:
          em.put(inst);
      }
    },
  });
  // ---- out-of-line traps
  for (const t of inp.traps) {
    room(8);
    sink.bindLabel(t.label);
    em.put(trapInst(t.code));
  }
  return {
    buf,
    frameSize: hasFrame ? top + rest : 0,
    listing: (fin) => listing.resolve(fin, sink, pcRelative),
  };
}

/**
 * Allocates `rest` bytes of frame touching every guard-sized page on the way down (a guard page
 * is never skipped): unrolled for a few pages, else a loop counting pages in t6 (the
 * allocator's scratch register, free in the prologue) with -guard in t5.
 */
function probeAndAllocate(em: RvEmitter, rest: number, guard: number, adjustSp: (n: number) => void, newLabel: () => number): void {
  const pages = Math.floor(rest / guard);
  if (pages <= 8) {
    for (let k = 0; k < pages; k++) {
      adjustSp(-guard);
      em.put(store(O.SD, zero, sp, 0));
    }
  } else {
    em.li(t6, pages, 0);
    em.li(t5, -guard, -1);
    const loop = newLabel();
    em.sink.bindLabel(loop);
    em.put(rrr(O.ADD, sp, sp, t5));
    em.put(store(O.SD, zero, sp, 0));
    em.put(rri(O.ADDI, t6, t6, -1));
    em.put(branch(O.BNE, t6, zero, loop));
  }
  adjustSp(-(rest - pages * guard));
}

function jumpTo(label: number): MInst {
  const j = mk(O.JAL_);
  j.rd = zero;
  j.label = label;
  return j;
}

/**
 * A jump table: `auipc rd; slli t5, index, 2; add rd, rd, t5; jalr x0, 12(rd)` followed by one
 * `jal x0, target` per entry (each may be given a veneer by the buffer).
 */
function emitBrTable(em: RvEmitter, i: MInst, targets: readonly number[]): void {
  // 32-bit forms only: the jalr's offset counts the bytes from the auipc to the first entry.
  em.put32(rri(O.AUIPC_, i.rd, -1, 0));
  em.put32(rri(O.SLLI, t5, i.rs1, 2));
  em.put32(rrr(O.ADD, i.rd, i.rd, t5));
  em.put32(rri(O.JALR_, zero, i.rd, 16));
  for (const t of targets) em.put(jumpEntry(t));
}

/** A table entry: a jal that the buffer never removes or rewrites (no branch record). */
function jumpEntry(label: number): MInst {
  const j = mk(O.JAL_);
  j.rd = zero;
  j.label = label;
  j.aux = 1;
  return j;
}

/** Listing labels: branch targets as offsets. */
function pcRelative(line: string, _end: number, offsetOf: (label: number) => number): string {
  return line.replace(LABEL_REF, (_m, l: string) => hex(offsetOf(Number(l))));
}
