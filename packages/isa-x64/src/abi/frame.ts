// Frame layout and final emission: the allocated VCode becomes machine code in a MachBuffer,
// with the prologue/epilogue, spill slots, stack slots and unwind rows.
//
//   caller's frame
//   incoming arg area      [rbp + 16 ... rbp + 16 + size)    (size = ArgAreaPlan.size)
//     stack arguments      [rbp + 16 + growth + offset]
//     growth               [rbp + 16 ... rbp + 16 + growth)  (callee-pop conventions only)
//   return address         [rbp + 8]
//   saved rbp              [rbp]            <- rbp
//   callee-saved GPRs      pushed below rbp
//   padding to 16
//   spill slots            16 bytes each
//   stack slots            (slot area)
//   outgoing call args     [rsp ...]        <- rsp (fixed for the whole body)
//
// Stack arguments and tail calls. Under `tail` (callee-pop, see abi/sysv.ts) a function owns
// its incoming argument area and removes it with `ret size`. A `return_call` to a callee with
// B bytes of stack arguments writes them at the top of that area, [rbp + 16 + size - B ...)
// (the entry block loaded every incoming stack argument into a virtual register, so nothing
// reads the area afterwards),
// restores the callee-saved registers and rbp, copies the return address just below the new
// arguments (to [rbp + 8 + size - B]), points rsp at it and jumps: the callee then finds the
// layout of an ordinary call, and its `ret B` leaves rsp exactly where our caller expected
// after our `ret`. When some tail call needs more than the function received, the prologue
// grows the area first (`sub rsp, growth` and the return address moved down), so the
// arguments never reach into the function's own frame. A loop of tail calls therefore runs in
// constant stack. Under caller-pop conventions the area is the incoming arguments only, a
// tail call's arguments go at its bottom, and the return address stays put.
// An ordinary call to a callee-pop function is followed by `sub rsp, B`, re-reserving the
// arguments the callee removed, so rsp stays fixed for the whole body.

import { CodegenError, UnsupportedError, type LabelUseKind, MachBuffer, type MachBufferFinalized, type VCode, type MachLabel } from '@windlass/codegen';
import { EditSide, type RegAllocOutput, SLOT_BASE } from '@windlass/regalloc';
import {
  type Amode, type CodeSink, type LabelUse, type MInst, AluOp, InstOp as Op, RegClass, aluRI, amBase, dwarfReg, emitInst, genMove,
  genReload, genSpill, movRR, pop, printInst, push, rbp, ret, rsp, setReg, type PReg,
} from './inst-reexports';
import { type X64Extra, type TrapStub, type PoolConstant, PseudoOp } from '../lower/state';
import { expandAtomicLoop, expandAtomicLoop128 } from '../lower/atomics';
import { expandStackSwitch } from '../lower/stack-switch';
import { XmmMovOp, invertCC, jcc, load, r11, store, ud2, xmm, xmmLoad, xmmStore } from '../inst';
import { jmp as jmpTo } from '../inst';
import type { ArgAreaPlan } from './sysv';

/** The incoming argument area of a function and what its calls and tail calls do to rsp. */
export interface ArgAreaFacts extends ArgAreaPlan {
  /** Calls to callee-pop functions: the bytes each callee removes, re-reserved right after the call. */
  readonly popped: Map<MInst, number>;
  /** Tail-call jumps: how many bytes up the return address moves (`retPop` minus what the callee pops). */
  readonly shift: Map<MInst, number>;
}

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
  /** Makes backend label `l` stand for buffer label `m` (a constant-pool entry). */
  alias(l: number, m: MachLabel): void { this.map.set(l, m); }
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
  /** The function's constant pool (rip-relative operands use these labels). */
  readonly constants: readonly PoolConstant[];
  /** Stack-argument area facts (absent: no growth, `ret` pops nothing, no callee pops). */
  readonly argArea?: ArgAreaFacts;
}

export interface FrameOutput {
  readonly buf: MachBuffer;
  readonly frameSize: number;
  /** The listing (empty unless asked for), its label references resolved to code offsets. */
  listing(fin: MachBufferFinalized): string;
}

export function emitFunction(inp: FrameInput): FrameOutput {
  const { vcode, alloc } = inp;
  const buf = new MachBuffer('little');
  const sink = new LabelMappingSink(buf);
  const lines: string[] = [];
  const lineEnds: number[] = [];
  // Labels print as placeholders, replaced by code offsets once the buffer is finished.
  const labelName = (l: number): string => `\uE000${l}\uE001`;
  const put = (i: MInst): void => {
    const at = buf.curOffset();
    emitInst(i, sink);
    if (inp.wantListing) {
      lines.push(`  ${at.toString(16).padStart(4, '0')}:  ${printInst(i, { labelName })}`);
      lineEnds.push(buf.curOffset());
    }
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
    // An implementation limit, not a bug: typed as unsupported, like any input the backend refuses.
    throw new UnsupportedError(`a stack frame of ${area + pushBytes} bytes (too large: x86-64 frames are limited to ${0x7fff_0000} bytes)`);
  }
  const n = ((area + pushBytes + 15) & ~15) - pushBytes;
  for (const a of inp.slotAmodes) a.disp += inp.outgoingBytes;
  const spill = (slot: number): Amode => amBase(rsp, spillBase + slot * 16);

  // Constant-pool entries: the buffer places them after the code at finish.
  for (const c of inp.constants) sink.alias(c.label, buf.constantLabel(c.bytes, c.align));

  // ---- prologue
  // With growth g the return address moves g bytes down: the CFA (the caller's rsp before its
  // call) stays g bytes above the usual place, and the return address is described explicitly.
  const growth = inp.argArea?.growth ?? 0;
  if (growth > 0) {
    put(aluRI(AluOp.Sub, 8, rsp, growth));
    put(load(8, r11, amBase(rsp, growth)));
    put(store(8, r11, amBase(rsp, 0)));
    if (inp.unwind) {
      buf.addUnwind(buf.curOffset(), { kind: 'def_cfa_offset', offset: 8 + growth });
      buf.addUnwind(buf.curOffset(), { kind: 'offset', reg: 16, cfaOffset: -8 - growth });
    }
  }
  put(push(rbp));
  if (inp.unwind) {
    buf.addUnwind(buf.curOffset(), { kind: 'def_cfa_offset', offset: 16 + growth });
    buf.addUnwind(buf.curOffset(), { kind: 'offset', reg: 6, cfaOffset: -16 - growth });
  }
  put(movRR(8, rbp, rsp));
  if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'def_cfa_register', reg: 6 });
  saved.forEach((r, k) => {
    put(push(r));
    if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'offset', reg: dwarfReg(r), cfaOffset: -16 - growth - 8 * (k + 1) });
  });
  if (n > 0) put(aluRI(AluOp.Sub, 8, rsp, n));
  if (inp.saveXmm6to15) for (let k = 6; k < 16; k++) put(xmmStore(XmmMovOp.Movups, xmm(k), amBase(rsp, xmmSaveBase + (k - 6) * 16)));

  /** Restores the caller's registers; `shift` > 0 (a tail call) also moves the return address up. */
  const epilogue = (shift: number): void => {
    if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'remember_state' });
    if (inp.saveXmm6to15) for (let k = 6; k < 16; k++) put(xmmLoad(XmmMovOp.Movups, xmm(k), amBase(rsp, xmmSaveBase + (k - 6) * 16)));
    if (n > 0) put(aluRI(AluOp.Add, 8, rsp, n));
    for (let k = saved.length - 1; k >= 0; k--) put(pop(saved[k]));
    if (shift > 0) {
      // r11 is never allocated; r10 may hold an indirect tail call's target.
      put(load(8, r11, amBase(rbp, 8)));
      put(store(8, r11, amBase(rbp, 8 + shift)));
    }
    put(pop(rbp));
    if (inp.unwind) buf.addUnwind(buf.curOffset(), { kind: 'def_cfa', reg: 7, offset: 8 + growth });
    if (shift > 0) {
      put(aluRI(AluOp.Add, 8, rsp, shift));
      if (inp.unwind) {
        buf.addUnwind(buf.curOffset(), { kind: 'def_cfa_offset', offset: 8 + growth - shift });
        buf.addUnwind(buf.curOffset(), { kind: 'offset', reg: 16, cfaOffset: -8 - growth + shift });
      }
    }
  };

  // Edit ranges read from `pointEditStart` directly (`editRange` makes a pair per call, twice
  // per instruction).
  const edits = alloc.pointEditStart;
  const hasEdits = (i: number, side: 0 | 1): boolean => edits[2 * i + side + 1] > edits[2 * i + side];
  const emitEdits = (i: number, side: 0 | 1): void => {
    const e = edits[2 * i + side + 1];
    for (let k = edits[2 * i + side]; k < e; k++) {
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
        } else if ((inst.op as number) === PseudoOp.AtomicRmwLoop128) {
          expandAtomicLoop128(inst, () => sink.getLabel(), (l) => sink.bindLabel(l), put);
        } else if ((inst.op as number) === PseudoOp.StackSwitch) {
          expandStackSwitch(inst, () => sink.getLabel(), (l) => sink.bindLabel(l), put);
        } else if (inst.op === Op.Nop && inst.imm === 0) {
          // The argument pseudo-instruction: no code.
        } else if (inst.op === Op.Ret || ((inst.op === Op.JmpSym || inst.op === Op.JmpInd) && (vcode.instFlags[i] & 2) !== 0)) {
          epilogue(inst.op === Op.Ret ? 0 : inp.argArea?.shift.get(inst) ?? 0);
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
          if (inst.op === Op.CallSym || inst.op === Op.CallInd) {
            // A try_call (see lower/exceptions.ts): its handlers' landing pads and the frame's
            // stack pointer, for an unwinder that resumes there.
            const tc = vcode.extras[i]?.tryCall;
            if (tc !== undefined && hasEdits(i, EditSide.After)) throw new CodegenError('internal: register moves after a try_call');
            buf.addCallSite(buf.curOffset(), tc === undefined ? undefined : {
              handlers: tc.handlers.map((h) => ({ tag: h.tag, label: sink.label(h.label) })), spBelowFp: pushBytes + n,
            });
            // The callee removed its stack arguments: reserve them again (rsp is fixed in the body).
            const popped = inp.argArea?.popped.get(inst) ?? 0;
            if (popped > 0) put(aluRI(AluOp.Sub, 8, rsp, popped));
            if (tc !== undefined && tc.normal !== next) put(jmpTo(tc.normal));
          }
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
  const listing = (fin: MachBufferFinalized): string => resolveLabels(lines, lineEnds, (l) => fin.labelOffsets[sink.label(l)]);
  return { buf, frameSize, listing };
}

/**
 * Replaces label placeholders in listing lines: a branch target becomes its offset (`je 0x13`),
 * a rip-relative constant its displacement with the target offset in a comment, as objdump
 * prints them (`[rip+0x2a]  # 0x40`).
 */
function resolveLabels(lines: readonly string[], ends: readonly number[], offsetOf: (label: number) => number): string {
  const hex = (n: number): string => (n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`);
  return lines.map((line, k) => {
    let comment = '';
    const text = line.replace(/(\[rip\+)?\uE000(\d+)\uE001([+-]0x[0-9a-f]+)?/g, (_m, rip: string | undefined, l: string, disp: string | undefined) => {
      const at = offsetOf(Number(l));
      if (rip === undefined) return hex(at) + (disp ?? '');
      const target = at + (disp === undefined ? 0 : parseInt(disp, 16));
      comment = `  # ${hex(target)}`;
      return `[rip${target - ends[k] < 0 ? '-' : '+'}${hex(Math.abs(target - ends[k]))}`;
    });
    return text + comment;
  }).join('\n');
}

export { ret };
