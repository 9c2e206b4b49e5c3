// Frame layout and final emission: the allocated VCode becomes machine code in a MachBuffer,
// with the prologue/epilogue, spill slots, stack slots and unwind rows.
//
//   incoming stack args    [rbp + 16 ...]
//   return address         [rbp + 8]
//   saved rbp              [rbp]            <- rbp
//   callee-saved GPRs      pushed below rbp
//   padding to 16
//   spill slots            16 bytes each
//   stack slots            (slot area)
//   outgoing call args     [rsp ...]        <- rsp (fixed for the whole body)

import { CodegenError, type LabelUseKind, MachBuffer, type VCode, type MachLabel } from '@windlass/codegen';
import { EditSide, type RegAllocOutput, SLOT_BASE } from '@windlass/regalloc';
import {
  type Amode, type CodeSink, type LabelUse, type MInst, AluOp, InstOp as Op, RegClass, aluRI, amBase, dwarfReg, emitInst, genMove,
  genReload, genSpill, movRR, pop, printInst, push, rbp, ret, rsp, setReg, type PReg,
} from './inst-reexports';
import { type X64Extra, type TrapStub, PseudoOp } from '../lower/state';
import { expandAtomicLoop } from '../lower/atomics';
import { XmmMovOp, invertCC, jcc, ud2, xmm, xmmLoad, xmmStore } from '../inst';

/** Forwards to a MachBuffer, mapping the backend's label numbers to buffer labels on first use. */
class LabelMappingSink implements CodeSink {
  private readonly map = new Map<number, MachLabel>();
  private nextInternal = 3_000_000;
  constructor(readonly buf: MachBuffer) {}
  label(l: number): MachLabel {
    let m = this.map.get(l);
    if (m === undefined) {
      m = this.buf.getLabel();
      this.map.set(l, m);
    }
    return m;
  }
  curOffset(): number { return this.buf.curOffset(); }
  put1(b: number): void { this.buf.put1(b); }
  put2(v: number): void { this.buf.put2(v); }
  put4(v: number): void { this.buf.put4(v); }
  putBytes(b: Uint8Array): void { this.buf.putBytes(b); }
  useLabel(offset: number, label: number, kind: LabelUse): void {
    this.buf.useLabel(offset, this.label(label), kind as LabelUseKind);
  }
  addReloc(offset: number, kind: string, symbol: string | number, addend: number): void {
    this.buf.addReloc(offset, kind as never, symbol, addend);
  }
  addTrap(offset: number, code: number): void { this.buf.addTrap(offset, code); }
  getLabel(): number { return this.nextInternal++; }
  bindLabel(label: number): void { this.buf.bindLabel(this.label(label)); }
}

export interface FrameInput {
  readonly vcode: VCode<MInst, X64Extra>;
  readonly alloc: RegAllocOutput;
  readonly slotAmodes: readonly Amode[];
  readonly slotAreaSize: number;
  readonly outgoingBytes: number;
  readonly traps: readonly TrapStub[];
  /** Callee-saved registers this function must preserve (GPRs only). */
  readonly calleeSaved: readonly PReg[];
  readonly wantListing: boolean;
  readonly unwind: boolean;
  /**
   * Save and restore xmm6-15 (a Windows x64 function that calls System V code: those registers
   * are callee-saved for its caller but clobbered by its callees).
   */
  readonly saveXmm6to15?: boolean;
}

export interface FrameOutput {
  readonly buf: MachBuffer;
  readonly frameSize: number;
  readonly listing: string;
}

export function emitFunction(inp: FrameInput): FrameOutput {
  const { vcode, alloc } = inp;
  const buf = new MachBuffer('little');
  const sink = new LabelMappingSink(buf);
  const lines: string[] = [];
  const labelName = (l: number): string => `L${l}`;
  const put = (i: MInst): void => {
    const at = buf.curOffset();
    emitInst(i, sink);
    if (inp.wantListing) lines.push(`  ${at.toString(16).padStart(4, '0')}:  ${printInst(i, { labelName })}`);
  };

  // ---- frame layout
  const saved = inp.calleeSaved;
  const spillBase = inp.outgoingBytes + inp.slotAreaSize;
  const xmmSaveBase = spillBase + alloc.numSpillSlots * 16;
  const area = xmmSaveBase + (inp.saveXmm6to15 ? 160 : 0);
  const pushBytes = saved.length * 8;
  // x86-64 reaches every frame slot with a signed 32-bit displacement from rsp, and `&` below
  // works on 32 bits: a larger frame is an error, never silently wrapped code.
  if (area + pushBytes > 0x7fff_0000) {
    throw new CodegenError(`stack frame of ${area + pushBytes} bytes is too large: x86-64 frames are limited to ${0x7fff_0000} bytes`);
  }
  const n = ((area + pushBytes + 15) & ~15) - pushBytes;
  for (const a of inp.slotAmodes) a.disp += inp.outgoingBytes;
  const spill = (slot: number): Amode => amBase(rsp, spillBase + slot * 16);

  // ---- prologue
  put(push(rbp));
  if (inp.unwind) {
    buf.addUnwind(buf.curOffset(), { kind: 'def_cfa_offset', offset: 16 });
    buf.addUnwind(buf.curOffset(), { kind: 'offset', reg: 6, cfaOffset: -16 });
  }
  put(movRR(8, rbp, rsp));
  if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'def_cfa_register', reg: 6 });
  saved.forEach((r, k) => {
    put(push(r));
    if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'offset', reg: dwarfReg(r), cfaOffset: -16 - 8 * (k + 1) });
  });
  if (n > 0) put(aluRI(AluOp.Sub, 8, rsp, n));
  if (inp.saveXmm6to15) for (let k = 6; k < 16; k++) put(xmmStore(XmmMovOp.Movups, xmm(k), amBase(rsp, xmmSaveBase + (k - 6) * 16)));

  const epilogue = (): void => {
    if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'remember_state' });
    if (inp.saveXmm6to15) for (let k = 6; k < 16; k++) put(xmmLoad(XmmMovOp.Movups, xmm(k), amBase(rsp, xmmSaveBase + (k - 6) * 16)));
    if (n > 0) put(aluRI(AluOp.Add, 8, rsp, n));
    for (let k = saved.length - 1; k >= 0; k--) put(pop(saved[k]));
    put(pop(rbp));
    if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'def_cfa', reg: 7, offset: 8 });
  };

  const hasEdits = (i: number, side: 0 | 1): boolean => {
    const [s, e] = alloc.editRange(i, side);
    return e > s;
  };
  const emitEdits = (i: number, side: 0 | 1): void => {
    const [s, e] = alloc.editRange(i, side);
    for (let k = s; k < e; k++) {
      const from = alloc.editFrom[k];
      const to = alloc.editTo[k];
      const cls = alloc.editClass[k] as RegClass;
      if (from >= SLOT_BASE) put(genReload(cls, to, spill(from - SLOT_BASE)));
      else if (to >= SLOT_BASE) put(genSpill(cls, from, spill(to - SLOT_BASE)));
      else put(genMove(cls, to, from));
    }
  };

  // ---- body
  const nb = vcode.numBlocks;
  for (let b = 0; b < nb; b++) {
    sink.bindLabel(vcode.blockLabel[b]);
    const next = b + 1 < nb ? vcode.blockLabel[b + 1] : -1;
    for (let i = vcode.blockInstStart[b]; i < vcode.blockInstEnd[b]; i++) {
      emitEdits(i, EditSide.Before);
      const inst = vcode.insts[i];
      if (!alloc.redundantMove[i]) {
        for (let o = vcode.opStart[i]; o < vcode.opStart[i + 1]; o++) {
          const field = vcode.opField[o];
          if (field >= 0) setReg(inst, field as never, alloc.allocs[o]);
        }
        const loc = vcode.instSrcLoc[i];
        if (loc >= 0) buf.startSrcLoc(loc);
        if ((inst.op as number) === PseudoOp.BindLabel) {
          sink.bindLabel(inst.label);
        } else if ((inst.op as number) === PseudoOp.AtomicRmwLoop) {
          expandAtomicLoop(inst, () => sink.getLabel(), (l) => sink.bindLabel(l), put);
        } else if (inst.op === Op.Nop && inst.imm === 0) {
          // The argument pseudo-instruction: no code.
        } else if (inst.op === Op.Ret || ((inst.op === Op.JmpSym || inst.op === Op.JmpInd) && (vcode.instFlags[i] & 2) !== 0)) {
          epilogue();
          put(inst);
          if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'restore_state' });
        } else if (inst.op === Op.Jmp && inst.label === next && i === vcode.blockInstEnd[b] - 1) {
          // Falls through to the next block.
        } else if (inst.op === Op.Jcc && inst.label === next && i === vcode.blockInstEnd[b] - 2 && !hasEdits(i, 1)
          && !hasEdits(i + 1, 0) && vcode.insts[i + 1].op === Op.Jmp) {
          // `jcc next; jmp other` becomes `jncc other` and falls through.
          const j = vcode.insts[i + 1];
          put(jcc(invertCC(inst.cc), j.label));
          j.label = next;
        } else {
          put(inst);
          if (inst.op === Op.CallSym || inst.op === Op.CallInd) buf.addCallSite(buf.curOffset());
        }
        if (loc >= 0) buf.endSrcLoc();
      }
      emitEdits(i, EditSide.After);
    }
  }
  // ---- out-of-line traps
  for (const t of inp.traps) {
    sink.bindLabel(t.label);
    put(ud2(t.code));
  }
  const frameSize = 8 + pushBytes + n;
  return { buf, frameSize, listing: lines.join('\n') };
}

export { ret };
