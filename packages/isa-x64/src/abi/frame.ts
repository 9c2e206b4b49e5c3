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

import {
  CodegenError, EmitSink, LABEL_REF, Listing, MachBuffer, type MachBufferFinalized, UnsupportedError, type VCode, emitBody, hasEdits, hex,
} from '@windlass/codegen';
import { EditSide, type RegAllocOutput } from '@windlass/regalloc';
import {
  type Amode, type MInst, AluOp, InstOp as Op, RegClass, aluRI, amBase, dwarfReg, emitInst, genMove,
  genReload, genSpill, movRR, pop, printInst, push, rbp, ret, rsp, setReg, type PReg,
} from './inst-reexports';
import { type X64Extra, type TrapStub, type PoolConstant, PseudoOp } from '../lower/state';
import { expandAtomicLoop, expandAtomicLoop128 } from '../lower/atomics';
import { expandStackSwitch } from '../lower/stack-switch';
import { XmmMovOp, ccName, invertedBranchBytes, load, r11, store, ud2, xmm, xmmLoad, xmmStore } from '../inst';
import { jmp as jmpTo } from '../inst';
import type { ArgAreaPlan } from './sysv';

/** The incoming argument area of a function and what its calls and tail calls do to rsp. */
export interface ArgAreaFacts extends ArgAreaPlan {
  /** Calls to callee-pop functions: the bytes each callee removes, re-reserved right after the call. */
  readonly popped: Map<MInst, number>;
  /** Tail-call jumps: how many bytes up the return address moves (`retPop` minus what the callee pops). */
  readonly shift: Map<MInst, number>;
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
  const sink = new EmitSink(buf);
  const listing = new Listing(inp.wantListing);
  const put = (i: MInst): void => {
    const at = buf.curOffset();
    emitInst(i, sink);
    if (listing.enabled) listing.add(at, buf.curOffset(), printInst(i, { labelName: Listing.labelRef }));
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
  for (const a of inp.slotAmodes) {
    a.disp += inp.outgoingBytes;
    if (a.disp > 0x7fff_ffff || a.disp < -0x8000_0000) {
      throw new UnsupportedError(`a stack slot access at rsp${a.disp < 0 ? '' : '+'}${a.disp} (beyond the signed 32-bit displacement x86-64 addresses frames with)`);
    }
  }
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

  // ---- body
  emitBody(vcode, alloc, sink, {
    setReg: (inst, field, preg) => setReg(inst, field as never, preg),
    move: (cls, to, from) => put(genMove(cls as RegClass, to, from)),
    spill: (cls, from, slot) => put(genSpill(cls as RegClass, from, spill(slot))),
    reload: (cls, to, slot) => put(genReload(cls as RegClass, to, spill(slot))),
    inst: (inst, i, b, next) => {
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
      } else if (inst.op === Op.Jmp || (inst.op === Op.Jcc && inst.sub !== 1)) {
        // The buffer simplifies branches it knows of: jumps to the next instruction go,
        // `jcc L1; jmp L2; L1:` becomes `jncc L2`, and a label at a jump stands for its target
        // (a loop's back edge through an empty edge block becomes one conditional branch).
        const start = buf.curOffset();
        put(inst);
        if (inst.op === Op.Jmp) buf.addUncondBranch(start, buf.curOffset(), sink.label(inst.label));
        else buf.addCondBranch(start, buf.curOffset(), sink.label(inst.label), invertedBranchBytes(inst));
      } else {
        put(inst);
        if (inst.op === Op.CallSym || inst.op === Op.CallInd) {
          // A try_call (see lower/exceptions.ts): its handlers' landing pads and the frame's
          // stack pointer, for an unwinder that resumes there.
          const tc = vcode.extras[i]?.tryCall;
          if (tc !== undefined && hasEdits(alloc, i, EditSide.After)) throw new CodegenError('internal: register moves after a try_call');
          buf.addCallSite(buf.curOffset(), tc === undefined ? undefined : {
            handlers: tc.handlers.map((h) => ({ tag: h.tag, label: sink.label(h.label) })), spBelowFp: pushBytes + n,
          });
          // The callee removed its stack arguments: reserve them again (rsp is fixed in the body).
          const popped = inp.argArea?.popped.get(inst) ?? 0;
          if (popped > 0) put(aluRI(AluOp.Sub, 8, rsp, popped));
          if (tc !== undefined && tc.normal !== next) put(jmpTo(tc.normal));
        }
      }
    },
  });
  // ---- out-of-line traps
  for (const t of inp.traps) {
    sink.bindLabel(t.label);
    put(ud2(t.code));
  }
  const frameSize = 8 + pushBytes + n;
  return { buf, frameSize, listing: (fin: MachBufferFinalized) => listing.resolve(fin, sink, ripRelative) };
}

/**
 * Prints label references as objdump does: a branch target as its offset (`je 0x13`), a
 * rip-relative constant as its displacement with the target offset in a comment
 * (`[rip+0x2a]  # 0x40`).
 */
function ripRelative(line: string, end: number, offsetOf: (label: number) => number, bytes: Uint8Array): string {
  // A near branch is printed from its final bytes: the buffer may have inverted it.
  const jump = /^(\s*[0-9a-f]+:\s+)j[a-z]+\s/.exec(line);
  if (jump !== null && end >= 5 && line.includes('\uE000')) {
    const rel = (at: number): number => bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
    if (end >= 6 && bytes[end - 6] === 0x0f && (bytes[end - 5] & 0xf0) === 0x80) return `${jump[1]}${`j${ccName(bytes[end - 5] & 15)}`.padEnd(6)} ${hex(end + rel(end - 4))}`;
    if (bytes[end - 5] === 0xe9) return `${jump[1]}${'jmp'.padEnd(6)} ${hex(end + rel(end - 4))}`;
  }
  let comment = '';
  const text = line.replace(RIP_OR_LABEL, (_m, rip: string | undefined, l: string, disp: string | undefined) => {
    const at = offsetOf(Number(l));
    if (rip === undefined) return hex(at) + (disp ?? '');
    const target = at + (disp === undefined ? 0 : parseInt(disp, 16));
    comment = `  # ${hex(target)}`;
    return `[rip${target - end < 0 ? '-' : '+'}${hex(Math.abs(target - end))}`;
  });
  return text + comment;
}
const RIP_OR_LABEL = new RegExp(`(\\[rip\\+)?${LABEL_REF.source}([+-]0x[0-9a-f]+)?`, 'g');

export { ret };
