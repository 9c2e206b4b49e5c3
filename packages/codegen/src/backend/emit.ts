// Emission helpers every backend shares: a sink that maps the backend's label numbers onto a
// MachBuffer, the walk over allocated VCode (register moves the allocator asks for, allocations
// written into instruction fields, source locations), and listings whose label references are
// resolved once the buffer is finished.

import { EditSide, type RegAllocOutput, SLOT_BASE } from '@windlass/regalloc';
import type { LabelUseKind, MachBuffer, MachBufferFinalized, MachLabel } from '../buffer';
import type { RelocKind, RelocTarget, TrapCode } from '../isa';
import type { VCode } from '../lower/vcode';

/**
 * The byte sink encoders write into: a `MachBuffer` whose labels are addressed by the backend's
 * own label numbers (block labels from lowering, out-of-line labels of the lowering state,
 * internal labels of pseudo-instruction expansions), mapped to buffer labels on first use.
 */
export class EmitSink {
  private readonly map = new Map<number, MachLabel>();
  private nextInternal = 3_000_000;
  constructor(readonly buf: MachBuffer) {}

  /** The buffer label standing for backend label `l`. */
  label(l: number): MachLabel {
    let m = this.map.get(l);
    if (m === undefined) {
      m = this.buf.getLabel();
      this.map.set(l, m);
    }
    return m;
  }
  /** Makes backend label `l` stand for buffer label `m` (a constant-pool entry). */
  alias(l: number, m: MachLabel): void {
    this.map.set(l, m);
  }
  /** A fresh backend label (numbered above any lowering label), for expansions with internal branches. */
  getLabel(): number {
    return this.nextInternal++;
  }
  bindLabel(l: number): void {
    this.buf.bindLabel(this.label(l));
  }
  curOffset(): number {
    return this.buf.curOffset();
  }
  put1(b: number): void {
    this.buf.put1(b);
  }
  /** 16 bits in the buffer's byte order. */
  put2(v: number): void {
    this.buf.put2(v);
  }
  /** 32 bits in the buffer's byte order. */
  put4(v: number): void {
    this.buf.put4(v);
  }
  putBytes(b: Uint8Array): void {
    this.buf.putBytes(b);
  }
  useLabel(offset: number, l: number, kind: LabelUseKind): void {
    this.buf.useLabel(offset, this.label(l), kind);
  }
  addReloc(offset: number, kind: RelocKind, target: RelocTarget | string | number, addend: number): void {
    this.buf.addReloc(offset, kind, target, addend);
  }
  addTrap(offset: number, code: TrapCode): void {
    this.buf.addTrap(offset, code);
  }
}

/** The register moves the allocator inserts, as a backend emits them. */
export interface EditEmitter {
  /** `to <- from`, both registers of class `cls`. */
  move(cls: number, to: number, from: number): void;
  /** Store register `from` into spill slot `slot` (0-based). */
  spill(cls: number, from: number, slot: number): void;
  /** Load register `to` from spill slot `slot`. */
  reload(cls: number, to: number, slot: number): void;
}

/** Whether the allocator placed moves on `side` of instruction `i`. */
export function hasEdits(alloc: RegAllocOutput, i: number, side: EditSide): boolean {
  const e = alloc.pointEditStart;
  return e[2 * i + side + 1] > e[2 * i + side];
}

/** Emits the allocator's moves on `side` of instruction `i`. */
export function emitEdits(alloc: RegAllocOutput, i: number, side: EditSide, out: EditEmitter): void {
  const edits = alloc.pointEditStart;
  const end = edits[2 * i + side + 1];
  for (let k = edits[2 * i + side]; k < end; k++) {
    const from = alloc.editFrom[k];
    const to = alloc.editTo[k];
    const cls = alloc.editClass[k];
    if (from >= SLOT_BASE) out.reload(cls, to, from - SLOT_BASE);
    else if (to >= SLOT_BASE) out.spill(cls, from, to - SLOT_BASE);
    else out.move(cls, to, from);
  }
}

/** What a backend supplies to `emitBody`. */
export interface BodyEmitter<I> extends EditEmitter {
  /** Writes physical register `preg` into the register field `field` of `inst`. */
  setReg(inst: I, field: number, preg: number): void;
  /**
   * Emits instruction `i` of block `b` (its allocations written into it). `next` is the label of
   * the block emitted after `b` (-1 after the last), so a jump to it can fall through.
   */
  inst(inst: I, i: number, b: number, next: number): void;
  /**
   * Called when block `b` starts, after its label is bound and before anything of it (the
   * allocator's moves included) is emitted: a landing pad an indirect branch needs (AArch64
   * `bti j` at jump-table targets) goes here. Optional.
   */
  blockStart?(b: number): void;
}

/**
 * Emits every block of `vcode` in order: binds the block's label, then per instruction the
 * moves before it, the instruction with its allocations (inside its source-location range),
 * and the moves after it. Moves the allocator found redundant are skipped.
 */
export function emitBody<I, X>(vcode: VCode<I, X>, alloc: RegAllocOutput, sink: EmitSink, em: BodyEmitter<I>): void {
  const buf = sink.buf;
  const nb = vcode.numBlocks;
  for (let b = 0; b < nb; b++) {
    sink.bindLabel(vcode.blockLabel[b]);
    em.blockStart?.(b);
    const next = b + 1 < nb ? vcode.blockLabel[b + 1] : -1;
    for (let i = vcode.blockInstStart[b]; i < vcode.blockInstEnd[b]; i++) {
      emitEdits(alloc, i, EditSide.Before, em);
      if (!alloc.redundantMove[i]) {
        const inst = vcode.insts[i];
        for (let o = vcode.opStart[i]; o < vcode.opStart[i + 1]; o++) {
          const field = vcode.opField[o];
          if (field >= 0) em.setReg(inst, field, alloc.allocs[o]);
        }
        const loc = vcode.instSrcLoc[i];
        if (loc >= 0) buf.startSrcLoc(loc);
        em.inst(inst, i, b, next);
        if (loc >= 0) buf.endSrcLoc();
      }
      emitEdits(alloc, i, EditSide.After, em);
    }
  }
}

/**
 * A listing of emitted code, one instruction a line with its offset. Label references print as
 * placeholders (`Listing.labelRef`) and become code offsets once the buffer is finished.
 */
export class Listing {
  private readonly lines: string[] = [];
  private readonly ends: number[] = [];
  private readonly starts: number[] = [];
  constructor(readonly enabled: boolean) {}

  /** The placeholder a printer writes for backend label `l`. */
  static labelRef(l: number): string {
    return `\uE000${l}\uE001`;
  }

  /** One instruction that starts at `at` and ends at `end`, printed as `text`. */
  add(at: number, end: number, text: string): void {
    // Branch simplification may have cut instructions at the tail of the buffer: drop them.
    while (this.starts.length > 0 && this.starts[this.starts.length - 1] >= at && end > at) {
      this.starts.pop();
      this.lines.pop();
      this.ends.pop();
    }
    this.lines.push(`  ${at.toString(16).padStart(4, '0')}:  ${text}`);
    this.starts.push(at);
    this.ends.push(end);
  }

  /**
   * The listing with every placeholder resolved. By default a label prints as its offset
   * (`b 0x40`); `rewrite` lets an ISA print PC-relative operands its own way (and read the
   * final bytes, where branch simplification may have changed a branch): it receives a
   * line, the offset where that instruction ends and the label resolver, and returns the line.
   */
  resolve(
    fin: MachBufferFinalized, sink: EmitSink,
    rewrite?: (line: string, end: number, offsetOf: (label: number) => number, bytes: Uint8Array) => string,
  ): string {
    if (!this.enabled) return '';
    const offsetOf = (l: number): number => fin.labelTargets[sink.label(l)];
    return this.lines.map((line, k) => (rewrite !== undefined
      ? rewrite(line, this.ends[k], offsetOf, fin.bytes)
      : line.replace(LABEL_REF, (_m, l: string) => hex(offsetOf(Number(l)))))).join('\n');
  }
}

/** Matches a `Listing.labelRef` placeholder; group 1 is the label number. */
export const LABEL_REF = /\uE000(\d+)\uE001/g;

/** `0x1f`, `-0x8`: offsets as listings print them. */
export function hex(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}
