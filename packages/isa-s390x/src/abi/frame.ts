// Frame layout and final emission: the allocated VCode becomes machine code in a MachBuffer,
// with the prologue/epilogue, spill slots, stack slots and unwind rows.
//
//   caller's frame       CFA = %r15 at entry + 160
//     stack arguments    [CFA + offset]
//     register save area [%r15 at entry, + 160): %r6..%r15 saved at 48..127 by our `stmg`
//   our frame (F bytes, allocated when anything lives in it; leaf functions without spills
//   keep none)
//     spill slots, f8..f15 saves
//     stack slots        (the slot area)
//     outgoing arguments [%r15 + 160 ...)
//     register save area [%r15, + 160) for our callees; the back chain (the caller's %r15) at 0
//
// %r15 is fixed for the whole body; every frame object is addressed from it. The prologue
// saves the callee-saved general registers it uses (and %r14 when the function calls) with one
// `stmg` into the caller's register save area, allocates the frame and stores the back chain;
// the epilogue's `lmg` restores them and %r15.

import {
  CodegenError, EmitSink, LABEL_REF, Listing, MachBuffer, type MachBufferFinalized, UnsupportedError, type VCode,
  emitBody, hasEdits, hex,
} from '@windlass/codegen';
import { EditSide, type RegAllocOutput } from '@windlass/regalloc';
import { OPS, opIndex } from '../inst/ops';
import { MInst, Pseudo } from '../inst/mod';
import { TABLE32, emitOp, encode } from '../inst/emit';
import { printInst } from '../inst/print';
import { NO_REG, RegClass, dwarfReg, isVr, r1, r12, r14, r15, r2, r3, vr, vrNum } from '../inst/regs';
import { type S390xExtra, type S390xLower, setReg } from '../lower/state';
import { REG_SAVE_AREA, assignSignature, preservesR6 } from './abi';
import { I64, TRAP_STK_OVF } from '@windlass/ir';
import { expandAtomicLoop } from '../lower/atomics-expand';

export interface FrameInput {
  readonly vcode: VCode<MInst, S390xExtra>;
  readonly alloc: RegAllocOutput;
  readonly L: S390xLower;
  readonly wantListing: boolean;
  readonly unwind: boolean;
}

export interface FrameOutput {
  readonly buf: MachBuffer;
  readonly frameSize: number;
  listing(fin: MachBufferFinalized): string;
}

const OP = {
  stmg: opIndex('stmg'), lmg: opIndex('lmg'), lgr: opIndex('lgr'), aghi: opIndex('aghi'), agfi: opIndex('agfi'),
  stg: opIndex('stg'), lg: opIndex('lg'), std: opIndex('std'), ld: opIndex('ld'), vst: opIndex('vst'), vl: opIndex('vl'),
  vlr: opIndex('vlr'), bcr: opIndex('bcr'), brc: opIndex('brc'), brcl: opIndex('brcl'), brasl: opIndex('brasl'),
  basr: opIndex('basr'), larl: opIndex('larl'), sllg: opIndex('sllg'), lgf: opIndex('lgf'), agr: opIndex('agr'),
  cgr: opIndex('cgr'), clgr: opIndex('clgr'), ear: opIndex('ear'), la: opIndex('la'), mvc: opIndex('mvc'),
  llgf: opIndex('llgf'), mvi: opIndex('mvi'), brct: opIndex('brct'), lgfi: opIndex('lgfi'),
};

function mk(op: number, r1v = NO_REG, r2v = NO_REG): MInst {
  const i = new MInst(op);
  i.r1 = r1v;
  i.r2 = r2v;
  return i;
}
/** `br reg` (`bcr 15, reg`). */
function br(reg: number): MInst {
  const i = mk(OP.bcr, NO_REG, reg);
  i.m3 = 15;
  return i;
}
function mem(op: number, reg: number, b: number, d: number, x = NO_REG): MInst {
  const i = new MInst(op);
  i.r1 = reg;
  i.b = b;
  i.x = x;
  i.d = d;
  return i;
}

export function emitFunction(inp: FrameInput): FrameOutput {
  const { vcode, alloc, L } = inp;
  const vcodeConv = L.f.signature.callConv;
  const buf = new MachBuffer('big', { instructionAlignment: 2 });
  const sink = new EmitSink(buf);
  const listing = new Listing(inp.wantListing);
  const note = listing.enabled
    ? (x: MInst, at: number): void => listing.add(at, buf.curOffset(), printInst(x, { labelName: Listing.labelRef }))
    : undefined;
  const put = (i: MInst): void => emitOp(i, sink, note);
  const raw = (at: number, text: string): void => {
    if (listing.enabled) listing.add(at, buf.curOffset(), text);
  };

  // ---- frame layout
  const gprs: number[] = [];
  const fprs: number[] = [];
  for (const p of alloc.usedCalleeSaved) {
    if (p >= 6 && p <= 14) gprs.push(p);
    else if (isVr(p) && vrNum(p) >= 8 && vrNum(p) <= 15) fprs.push(p);
  }
  // With preserve_frame_pointers every function keeps a frame walkers can follow: the back
  // chain at 0(%r15) and %r14 in the caller's register save area.
  const fp = L.features.preserveFramePointers;
  if ((L.hasCalls || L.savesR14 || fp) && !gprs.includes(r14)) gprs.push(r14);
  if (L.savesAllCalleeSaved) {
    for (let r = 6; r <= 14; r++) if (!gprs.includes(r) && (r !== 6 || preservesR6(vcodeConv)) && !(L.features.pinnedReg && r === 13)) gprs.push(r);
    for (let n = 8; n <= 15; n++) if (!fprs.includes(vr(n))) fprs.push(vr(n));
  }
  gprs.sort((a, b) => a - b);
  const spillBase = REG_SAVE_AREA + L.outgoingBytes + L.slotArea.size;
  const fprBase = spillBase + alloc.numSpillSlots * 16;
  const needFrame = L.hasCalls || L.needsFrame || L.slotArea.size > 0 || alloc.numSpillSlots > 0 || fprs.length > 0 || L.outgoingBytes > 0 || fp;
  // A tail call whose callee pops more stack arguments than we do writes them below our entry
  // %r15 + 160: the frame gets room at its top, so they land above everything still live.
  const frameSize = needFrame ? Math.ceil((fprBase + fprs.length * 8 + Math.max(0, L.tailCallGrowth - REG_SAVE_AREA)) / 8) * 8 : 0;
  if (frameSize > 0x7fff_0000) throw new UnsupportedError(`a stack frame of ${frameSize} bytes (s390x frames are limited to 2 GiB)`);
  for (const i of L.slotRefs) i.d += REG_SAVE_AREA + L.outgoingBytes;
  for (const i of L.entryRefs) i.d += frameSize;
  const spill = (slot: number): number => spillBase + slot * 16;
  // Saved general registers: %rLow..%r15 when a frame is allocated (the `lmg` restores %r15 too).
  const low = gprs.length > 0 ? gprs[0] : 15;
  const high = frameSize > 0 ? 15 : gprs.length > 0 ? gprs[gprs.length - 1] : -1;

  for (const c of L.constants) sink.alias(c.label, buf.constantLabel(c.bytes, c.align));

  const unwind = (op: Parameters<MachBuffer['addUnwind']>[1]): void => {
    if (inp.unwind) buf.addUnwind(buf.curOffset(), op);
  };

  // ---- prologue
  if (frameSize > 0) {
    stackLimitCheck(L, frameSize, put);
    if (L.features.probestack) probeStack(frameSize, 2 ** L.features.probestackSizeLog2, put, sink);
  }
  if (high >= low) {
    const s = mem(OP.stmg, low, r15, 8 * low);
    s.r3 = high;
    put(s);
    // %r15 too: an unwinder restores the caller's stack pointer from its save slot (the CFA is
    // the caller's %r15 + 160, not the caller's %r15).
    for (let r = low; r <= high; r++) unwind({ kind: 'offset', reg: r, cfaOffset: -REG_SAVE_AREA + 8 * r });
  }
  if (frameSize > 0) {
    put(mk(OP.lgr, r1, r15));
    adjustSp(-frameSize, put);
    unwind({ kind: 'def_cfa_offset', offset: REG_SAVE_AREA + frameSize });
    put(mem(OP.stg, r1, r15, 0));
    fprs.forEach((p, k) => {
      put(mem(OP.std, p, r15, fprBase + 8 * k));
      unwind({ kind: 'offset', reg: dwarfReg(p), cfaOffset: fprBase + 8 * k - REG_SAVE_AREA - frameSize });
    });
  }

  /** Restores what the prologue saved; %r15 is back at its entry value after. */
  const epilogue = (): void => {
    unwind({ kind: 'remember_state' });
    fprs.forEach((p, k) => put(mem(OP.ld, p, r15, fprBase + 8 * k)));
    if (high >= low) {
      let base = frameSize;
      if (frameSize + 8 * high > 524287) {
        adjustSp(frameSize, put);
        base = 0;
      }
      const l = mem(OP.lmg, low, r15, base + 8 * low);
      l.r3 = high;
      put(l);
    } else if (frameSize > 0) adjustSp(frameSize, put);
    unwind({ kind: 'def_cfa_offset', offset: REG_SAVE_AREA });
  };

  const branch = (mask: number, label: number): void => {
    const at = buf.curOffset();
    const b = new MInst(OP.brc);
    b.m3 = mask;
    b.label = label;
    encode(b, sink);
    raw(at, `brc ${mask},${Listing.labelRef(label)}`);
    if (mask === 15) buf.addUncondBranch(at, buf.curOffset(), sink.label(label));
    else buf.addCondBranch(at, buf.curOffset(), sink.label(label), Uint8Array.of(0xa7, ((15 ^ mask) << 4) | 4, 0, 0));
  };

  // ---- body
  emitBody(vcode, alloc, sink, {
    setReg: (i, field, preg) => setReg(i, field, preg),
    move: (cls, to, from) => put(cls === RegClass.Int ? mk(OP.lgr, to, from) : mk(OP.vlr, to, from)),
    spill: (cls, from, slot) => put(mem(cls === RegClass.Int ? OP.stg : OP.vst, from, r15, spill(slot))),
    reload: (cls, to, slot) => put(mem(cls === RegClass.Int ? OP.lg : OP.vl, to, r15, spill(slot))),
    inst: (i, k, b, next) => {
      maybeIsland(i, k);
      if (i.op < OPS.length) {
        put(i);
        return;
      }
      switch (i.op) {
        case Pseudo.Args: case Pseudo.Nop: return;
        case Pseudo.GMove: if (i.r1 !== i.r2) put(mk(OP.lgr, i.r1, i.r2)); return;
        case Pseudo.VMove: if (i.r1 !== i.r2) put(mk(OP.vlr, i.r1, i.r2)); return;
        case Pseudo.BindLabel: sink.bindLabel(i.label); return;
        case Pseudo.Jump:
          if (i.label === next && k === vcode.blockInstEnd[b] - 1) return;
          branch(15, i.label);
          return;
        case Pseudo.CondBr: branch(i.m3, i.label); return;
        case Pseudo.Trap: {
          const at = buf.curOffset();
          if (i.trap !== 0) buf.addTrap(at, i.trap);
          buf.put2(i.imm);
          raw(at, `.2byte ${i.imm}`);
          return;
        }
        case Pseudo.Ret:
          epilogue();
          // A `tail` function removes its stack arguments.
          if (L.popBytes > 0) adjustSp(L.popBytes, put);
          put(br(r14));
          unwind({ kind: 'restore_state' });
          return;
        case Pseudo.Call: {
          if (i.sym !== null) {
            const c = new MInst(OP.brasl);
            c.r1 = r14;
            c.sym = i.sym;
            c.relocKind = i.relocKind;
            put(c);
          } else put(mk(OP.basr, r14, i.r2));
          // A try_call: its handlers' landing pads; an unwinder resumes there with this %r15.
          const tc = vcode.extras[k]?.tryCall;
          if (tc !== undefined && hasEdits(alloc, k, EditSide.After)) throw new CodegenError('internal: register moves after a try_call');
          buf.addCallSite(buf.curOffset(), tc === undefined ? undefined : {
            handlers: tc.handlers.map((h) => ({ tag: h.tag, label: sink.label(h.label) })), spBelowFp: 0,
          });
          // The callee removed its stack arguments: %r15 is fixed in the body.
          if (i.imm > 0) adjustSp(-i.imm, put);
          if (tc !== undefined && tc.normal !== next) branch(15, tc.normal);
          return;
        }
        case Pseudo.TailCall:
          tailCall(i);
          return;
        case Pseudo.VecCondMove: {
          if (i.r1 === i.r2) return;
          const at = buf.curOffset();
          buf.put2(0xa704 | ((15 ^ i.m3) << 4));
          buf.put2(5);
          raw(at, `brc ${15 ^ i.m3},.+10`);
          put(mk(OP.vlr, i.r1, i.r2));
          return;
        }
        case Pseudo.Cmp128: {
          put(mk(i.m3 ? OP.cgr : OP.clgr, i.r1, i.r3));
          const at = buf.curOffset();
          buf.put2(0xa764);
          buf.put2(4);
          raw(at, 'brc 6,.+8');
          put(mk(OP.clgr, i.r2, i.r4));
          return;
        }
        case Pseudo.JumpTable: {
          const targets = vcode.extras[k]?.targets;
          if (targets === undefined) throw new CodegenError('internal: jump table without targets');
          emitJumpTable(i.r2, i.r3, targets, sink, put);
          return;
        }
        case Pseudo.AtomicLoop:
          expandAtomicLoop(i, sink, put);
          return;
        case Pseudo.TlsGd:
          expandTlsGd(i.sym ?? '', buf, put, raw);
          return;
        default:
          throw new CodegenError(`internal: s390x pseudo-instruction ${i.op} reached emission`);
      }
    },
  });

  /**
   * A tail call: the callee finds its stack arguments 160 bytes above its %r15, which is our
   * entry %r15 moved by what we pop and it pops, and returns to our caller. The arguments were
   * stored in our outgoing area; after the registers are restored they are copied (`mvc`) to
   * their place, then %r15 is set and the callee entered.
   */
  function tailCall(i: MInst): void {
    unwind({ kind: 'remember_state' });
    const indirect = i.sym === null;
    if (indirect) put(mem(OP.stg, i.r2, r15, i.d));
    fprs.forEach((p, k) => put(mem(OP.ld, p, r15, fprBase + 8 * k)));
    const top = Math.min(high, 14);
    if (top >= low) {
      const l = mem(OP.lmg, low, r15, frameSize + 8 * low);
      l.r3 = top;
      put(l);
    }
    const delta = frameSize + L.popBytes - (i.m4 ? i.imm : 0);
    if (i.imm > 0) {
      put(mem(OP.la, r1, r15, delta + REG_SAVE_AREA));
      for (let k = 0; k < i.imm; k += 256) {
        const c = new MInst(OP.mvc);
        c.b = r1;
        c.d = k;
        c.r2 = r15;
        c.imm = REG_SAVE_AREA + k;
        c.m3 = Math.min(256, i.imm - k) - 1;
        put(c);
      }
    }
    if (indirect) put(mem(OP.lg, r1, r15, i.d));
    if (delta !== 0) adjustSp(delta, put);
    if (!indirect) {
      const c = new MInst(OP.brcl);
      c.m3 = 15;
      c.sym = i.sym;
      c.relocKind = i.relocKind;
      put(c);
    } else put(br(r1));
    unwind({ kind: 'restore_state' });
  }

  /**
   * Before an instruction: when a short branch (`brc`, +-64 KiB) could fall out of reach of its
   * label, or the literal pool has grown, an island (the pool constants and the veneers the
   * buffer needs) is emitted here behind a `brcl` over it. The bound covers the instruction's
   * expansion and the allocator's moves around it.
   */
  function maybeIsland(i: MInst, k: number): void {
    let bound = 4096;
    if (i.op === Pseudo.JumpTable) bound += 4 * (vcode.extras[k]?.targets?.length ?? 0);
    if (i.op === Pseudo.TailCall) bound += 6 * Math.ceil(i.imm / 256);
    if (!buf.islandNeeded(bound)) return;
    const over = sink.getLabel();
    const j = new MInst(OP.brcl);
    j.m3 = 15;
    j.label = over;
    put(j);
    buf.emitIsland(bound);
    sink.bindLabel(over);
  }

  // ---- out-of-line traps
  for (const t of L.traps) {
    sink.bindLabel(t.label);
    const at = buf.curOffset();
    buf.addTrap(at, t.code);
    buf.put2(0);
    raw(at, '.2byte 0');
  }
  return { buf, frameSize, listing: (fin) => listing.resolve(fin, sink, pcRelative) };

  function adjustSp(delta: number, emit: (i: MInst) => void): void {
    const i = new MInst(delta >= -32768 && delta <= 32767 ? OP.aghi : OP.agfi);
    i.r1 = r15;
    i.imm = delta;
    emit(i);
  }
}

/**
 * `sllg t, idx, 2; larl %r1, table; lgf t, 0(t, %r1); agr %r1, t; br %r1`, then the table: one
 * 32-bit offset per target, relative to the table start.
 */
function emitJumpTable(idx: number, t: number, targets: readonly number[], sink: EmitSink, put: (i: MInst) => void): void {
  const buf = sink.buf;
  const table = sink.getLabel();
  const s = new MInst(OP.sllg);
  s.r1 = t;
  s.r3 = idx;
  s.d = 2;
  put(s);
  const l = new MInst(OP.larl);
  l.r1 = r1;
  l.label = table;
  put(l);
  put(mem(OP.lgf, t, r1, 0, t));
  put(mk(OP.agr, r1, t));
  put(br(r1));
  sink.bindLabel(table);
  targets.forEach((target, k) => {
    const at = buf.curOffset();
    buf.put4(4 * k);
    sink.useLabel(at, target, TABLE32);
  });
}

/**
 * `stack_limit`: the frame must not reach below the limit. %r1 <- the limit (a `stack_limit`
 * parameter, or the function's `stack_limit` global value computed from the entry registers);
 * trap `stk_ovf` when %r15 <= limit + frame size.
 */
function stackLimitCheck(L: S390xLower, frameSize: number, put: (i: MInst) => void): void {
  const f = L.f;
  const sig = f.signature;
  const a = assignSignature(sig);
  const fromParam = (idx: number): void => {
    const loc = a.params[idx];
    if (loc.reg >= 0) put(mk(OP.lgr, r1, loc.reg));
    else put(mem(OP.lg, r1, r15, REG_SAVE_AREA + loc.stackOffset - (8 - loc.size)));
  };
  const gv = (g: number, depth: number): void => {
    const d = f.globalValues[g];
    if (d === undefined || depth > 32) throw new UnsupportedError(`stack_limit global value gv${g}`);
    switch (d.kind) {
      case 'vmctx': {
        const idx = sig.params.findIndex((p) => p.purpose === 'vmctx');
        if (idx < 0) throw new UnsupportedError('a vmctx global value without a vmctx parameter');
        fromParam(idx);
        return;
      }
      case 'load':
        gv(d.base, depth + 1);
        put(mem(d.globalType === I64 ? OP.lg : OP.llgf, r1, r1, d.offset));
        return;
      case 'iadd_imm':
        gv(d.base, depth + 1);
        addTo(r1, Number(BigInt.asIntN(32, d.offset)), put);
        return;
      default:
        throw new UnsupportedError(`a ${d.kind} global value as the stack limit`);
    }
  };
  const idx = sig.params.findIndex((p) => p.purpose === 'stack_limit');
  if (idx >= 0) fromParam(idx);
  else if (f.stackLimit >= 0) gv(f.stackLimit, 0);
  else return;
  addTo(r1, frameSize, put);
  put(mk(OP.clgr, r15, r1));
  const b = new MInst(OP.brc);
  b.m3 = 12;
  b.label = L.trapLabel(TRAP_STK_OVF);
  put(b);
}

/** reg += imm (la for small values, agfi otherwise: the condition code is free in a prologue). */
function addTo(reg: number, imm: number, put: (i: MInst) => void): void {
  if (imm === 0) return;
  if (imm > 0 && imm <= 4095) put(mem(OP.la, reg, reg, imm));
  else {
    const i = new MInst(OP.agfi);
    i.r1 = reg;
    i.imm = imm;
    put(i);
  }
}

/**
 * Stack probes (`enable_probestack`): every page of the new frame is touched, top down, before
 * the frame is allocated, so a guard page below the stack faults here and not in a callee.
 * %r15 steps down a page per probe (unrolled up to four pages, else a `brct` loop counting in
 * %r1) and is restored after.
 */
function probeStack(frameSize: number, page: number, put: (i: MInst) => void, sink: EmitSink): void {
  const pages = Math.floor(frameSize / page);
  if (pages === 0) return;
  const step = (): void => {
    const s = new MInst(page <= 32768 ? OP.aghi : OP.agfi);
    s.r1 = r15;
    s.imm = -page;
    put(s);
    const t = new MInst(OP.mvi);
    t.b = r15;
    put(t);
  };
  if (pages <= 4) for (let k = 0; k < pages; k++) step();
  else {
    const c = new MInst(OP.lgfi);
    c.r1 = r1;
    c.imm = pages;
    put(c);
    const top = sink.getLabel();
    sink.bindLabel(top);
    step();
    const b = new MInst(OP.brct);
    b.r1 = r1;
    b.label = top;
    put(b);
  }
  const back = new MInst(OP.agfi);
  back.r1 = r15;
  back.imm = pages * page;
  put(back);
}

/** The general-dynamic TLS sequence (see lower/tls.ts). */
function expandTlsGd(sym: string, buf: MachBuffer, put: (i: MInst) => void, raw: (at: number, text: string) => void): void {
  const got = new MInst(OP.larl);
  got.r1 = r12;
  got.sym = '_GLOBAL_OFFSET_TABLE_';
  got.relocKind = 'S390xPCRel32Dbl';
  put(got);
  let at = buf.curOffset();
  buf.put4(0xa7150006);
  raw(at, 'bras %r1,.+12');
  at = buf.curOffset();
  buf.addReloc(at, 'S390xTlsGd64', sym, 0);
  buf.put8(0, 0);
  raw(at, `.quad ${sym}@tlsgd`);
  put(mem(OP.lg, r2, r1, 0));
  at = buf.curOffset();
  buf.addReloc(at, 'S390xTlsGdCall', sym, 0);
  const call = new MInst(OP.brasl);
  call.r1 = r14;
  call.sym = '__tls_get_offset';
  call.relocKind = 'S390xPLTRel32Dbl';
  put(call);
  buf.addCallSite(buf.curOffset());
  const ear = (a: number): MInst => {
    const e = new MInst(OP.ear);
    e.r1 = r3;
    e.r2 = a;
    return e;
  };
  put(ear(0));
  const s = new MInst(OP.sllg);
  s.r1 = r3;
  s.r3 = r3;
  s.d = 32;
  put(s);
  put(ear(1));
  put(mk(OP.agr, r2, r3));
}

/** Prints label references as offsets (`brc 8,0x40`). */
function pcRelative(line: string, _end: number, offsetOf: (label: number) => number): string {
  return line.replace(LABEL_REF, (_m, l: string) => hex(offsetOf(Number(l))));
}
