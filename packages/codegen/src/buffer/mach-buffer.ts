import type {
  CallSite, CompiledCode, Endianness, Reloc, RelocKind, RelocTarget, SourceLocRange, TrapCode, TrapSite,
} from '../isa/types';
import type { CfiOp, UnwindInfo, UnwindRow } from '../unwind/cfi';
import { ByteWriter } from './bytes';
import { inRange, type LabelUseKind } from './label-use';

export interface MachBufferOptions {
  /** Islands keep veneers and the code after them aligned to this (default 1). */
  readonly instructionAlignment?: number;
  readonly initialCapacity?: number;
}

/** A code position, created unbound and bound once. */
export type MachLabel = number & { readonly __brand: 'MachLabel' };

export type MachBufferErrorKind = 'label-bound-twice' | 'unbound-label' | 'label-out-of-range' | 'bad-label' | 'misuse';

export class MachBufferError extends Error {
  override readonly name = 'MachBufferError';
  constructor(
    readonly kind: MachBufferErrorKind,
    message: string,
    readonly location: { readonly offset?: number; readonly label?: number } = {},
  ) {
    super(message);
  }
}

export interface MachBufferFinalized {
  readonly bytes: Uint8Array;
  readonly relocations: readonly Reloc[];
  readonly traps: readonly TrapSite[];
  readonly callSites: readonly CallSite[];
  readonly srclocs: readonly SourceLocRange[];
  readonly unwind: UnwindInfo;
  /** Final offset of each label, -1 for labels never bound (and never used). */
  readonly labelOffsets: Int32Array;
  /** Where the uses of each label lead: its offset, or its jump's target after jump threading. */
  readonly labelTargets: Int32Array;
  /** Where code ends and the trailing constant pool / veneers begin. */
  readonly codeEnd: number;
  /** The largest alignment a constant needs: the function start must be at least this aligned. */
  readonly requiredAlignment: number;
}

/** Extra facts `compile()` knows that the buffer does not. */
export interface CompiledCodeExtras {
  readonly frameSize: number;
  readonly alignment: number;
  readonly listing: string;
  /** Whether to keep the unwind rows (`unwind_info` flag). Default true. */
  readonly unwindInfo?: boolean;
}

/** Packages a finished buffer as the `CompiledCode` a backend returns. */
export function compiledCodeFrom(fin: MachBufferFinalized, extras: CompiledCodeExtras): CompiledCode {
  return {
    bytes: fin.bytes,
    relocations: fin.relocations,
    traps: fin.traps,
    callSites: fin.callSites,
    srclocs: fin.srclocs,
    frameSize: extras.frameSize,
    unwind: extras.unwindInfo === false ? undefined : fin.unwind,
    alignment: Math.max(extras.alignment, fin.requiredAlignment),
    listing: extras.listing,
  };
}

/** What a `try_call` site adds to its call-site record (see `MachBuffer.addCallSite`). */
export interface CallSiteExceptions {
  /** Handlers in match order: a tag, or null for `default`, and the landing pad's label. */
  readonly handlers: readonly { readonly tag: number | null; readonly label: MachLabel }[];
  /** SP at the call = FP - spBelowFp. */
  readonly spBelowFp: number;
}

/** A branch at the very end of the buffer, candidate for simplification. */
interface BranchRecord {
  readonly start: number;
  readonly end: number;
  /** Index of this branch's own label use in the fixup arrays. */
  readonly fixup: number;
  target: MachLabel;
  /** For conditional branches: the encoding with the condition inverted (same length). */
  inverted: Uint8Array | undefined;
  /** Labels bound at `start` before the branch was emitted. */
  readonly labelsAtStart: MachLabel[];
}

interface Constant {
  readonly bytes: Uint8Array;
  readonly align: number;
  readonly label: MachLabel;
}

const UNBOUND = -1;

/**
 * Machine code under construction: one growable byte array written through a `DataView` with
 * explicit endianness, plus labels and their uses, relocations, trap sites, call sites,
 * source locations and unwind rows.
 *
 * Label uses are recorded when emitted and patched when the buffer reaches an island or its end
 * (the bytes of the field may be written after the use is registered). Uses whose kind has a
 * short range set a deadline; the emitter asks `islandNeeded(size)` before each instruction and,
 * when true, emits a jump over an island and calls `emitIsland()`, which writes the pending
 * constants and a veneer for each use that could not reach its label otherwise.
 *
 * Branch simplification works on the branches at the tail of the buffer, registered with
 * `addUncondBranch` / `addCondBranch`: when a label is bound right after them, a branch to that
 * label is removed, and `jcc L1; jmp L2; L1:` becomes `jncc L2; L1:`. A label bound right at an
 * unconditional jump stands for the jump's target, so its uses skip the jump (jump threading).
 */
export class MachBuffer {
  private readonly w: ByteWriter;
  // 16 entries (64 bytes) fit V8's on-heap typed arrays, much cheaper to create than larger
  // ones with a backing store; most functions have fewer labels, and the tables double.
  private labelOffsets = new Int32Array(16).fill(UNBOUND);
  /** A label bound at an unconditional jump stands for the jump's target (-1: none). */
  private labelAlias = new Int32Array(16).fill(-1);
  private labelCount = 0;

  // Pending label uses, as parallel arrays.
  private fxOffset: number[] = [];
  private fxLabel: MachLabel[] = [];
  private fxKind: LabelUseKind[] = [];
  private fxDeadline: number[] = [];
  private nextDeadline = Infinity;
  /** Upper bound of the veneer bytes the pending uses may need. */
  private pendingVeneerBytes = 0;

  private readonly relocs: Reloc[] = [];
  private readonly traps: TrapSite[] = [];
  private readonly callSites: CallSite[] = [];
  private readonly srclocs: SourceLocRange[] = [];
  private readonly unwindRows: UnwindRow[] = [];
  private srclocStart = -1;
  private srclocValue = 0;
  /** Highest code offset covered by a relocation, trap, call site or unwind row. */
  private lastRecordOffset = -1;

  private latestBranches: BranchRecord[] = [];
  private labelsAtTail: MachLabel[] = [];
  private labelsAtTailOffset = -1;

  private readonly constantsByKey = new Map<string, Constant>();
  private pendingConstants: Constant[] = [];
  private pendingConstantBytes = 0;
  private maxConstantAlign = 1;

  /** Alignment of every instruction: 1 on x86-64, 4 on AArch64, 2 on s390x and RISC-V with C. */
  readonly instructionAlignment: number;

  constructor(readonly endianness: Endianness = 'little', options: MachBufferOptions = {}) {
    this.w = new ByteWriter(endianness, options.initialCapacity ?? 1024);
    const a = options.instructionAlignment ?? 1;
    if (a <= 0 || (a & (a - 1)) !== 0) {
      throw new MachBufferError('misuse', `instruction alignment ${a} is not a power of two`);
    }
    this.instructionAlignment = a;
  }

  curOffset(): number {
    return this.w.length;
  }

  put1(b: number): void {
    this.w.u8(b);
  }
  put2(v: number): void {
    this.w.u16(v);
  }
  put4(v: number): void {
    this.w.u32(v);
  }
  /** A 64-bit value as its low and high 32-bit halves, in the buffer's byte order. */
  put8(lo: number, hi: number): void {
    this.w.u64Halves(lo, hi);
  }
  /** A 64-bit value from a bigint (for the rare 64-bit immediate; `put8` avoids bigint). */
  put8Big(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.w.u64Halves(Number(u & 0xffff_ffffn), Number(u >> 32n));
  }
  putBytes(bytes: Uint8Array): void {
    this.w.bytesFrom(bytes);
  }
  /** Pads with `fill` bytes to a multiple of `align` (a power of two). */
  align(align: number, fill = 0): void {
    this.w.align(align, fill);
  }
  /** Rewrites a 4-byte field already emitted (for emitters that patch their own code). */
  patch4(offset: number, v: number): void {
    this.w.patchU32(offset, v);
  }
  /** The bytes emitted so far (a view, valid until the next write). */
  data(): Uint8Array {
    return this.w.bytes.subarray(0, this.w.length);
  }

  // ---- labels ------------------------------------------------------------------------------

  getLabel(): MachLabel {
    if (this.labelCount === this.labelOffsets.length) {
      const next = new Int32Array(this.labelOffsets.length * 2).fill(UNBOUND);
      next.set(this.labelOffsets);
      this.labelOffsets = next;
      const alias = new Int32Array(next.length).fill(-1);
      alias.set(this.labelAlias);
      this.labelAlias = alias;
    }
    return this.labelCount++ as MachLabel;
  }

  /** Binds `label` to the current offset, then simplifies the branches just before it. */
  bindLabel(label: MachLabel): void {
    this.checkLabel(label);
    if (this.labelOffsets[label] !== UNBOUND) {
      throw new MachBufferError('label-bound-twice', `label ${label} is already bound at offset ${this.labelOffsets[label]}`,
        { label, offset: this.labelOffsets[label] });
    }
    const cur = this.w.length;
    this.labelOffsets[label] = cur;
    if (this.labelsAtTailOffset !== cur) {
      this.labelsAtTail = [];
      this.labelsAtTailOffset = cur;
    }
    this.labelsAtTail.push(label);
    this.optimizeBranches();
  }

  /** The label's offset, or -1 while unbound. Offsets of labels at the tail can still move back. */
  labelOffset(label: MachLabel): number {
    this.checkLabel(label);
    return this.labelOffsets[label];
  }

  /** Registers a reference to `label` from the field at `offset`; patched at an island or at `finish`. */
  useLabel(offset: number, label: MachLabel, kind: LabelUseKind): void {
    this.checkLabel(label);
    this.pushFixup(offset, label, kind);
  }

  /** The label a use of `label` really reaches, following jump threading. */
  private resolve(label: MachLabel): MachLabel {
    let l = label;
    // Aliases never form cycles (see addUncondBranch); the bound is a safety net.
    for (let n = 0; this.labelAlias[l] >= 0 && n < this.labelCount; n++) l = this.labelAlias[l] as MachLabel;
    return l;
  }

  private targetOffset(label: MachLabel): number {
    return this.labelOffsets[this.resolve(label)];
  }

  /** Where code must stop before the use gets a veneer; Infinity when it already reaches its label. */
  private deadlineFor(offset: number, label: MachLabel, kind: LabelUseKind): number {
    const bound = this.targetOffset(label);
    return bound !== UNBOUND && inRange(kind, offset, bound) ? Infinity : offset + kind.maxPosRange;
  }

  private pushFixup(offset: number, label: MachLabel, kind: LabelUseKind): void {
    const deadline = this.deadlineFor(offset, label, kind);
    this.fxOffset.push(offset);
    this.fxLabel.push(label);
    this.fxKind.push(kind);
    this.fxDeadline.push(deadline);
    if (deadline < this.nextDeadline) this.nextDeadline = deadline;
    if (deadline !== Infinity) this.pendingVeneerBytes += kind.veneer?.size ?? 0;
  }

  private checkLabel(label: MachLabel): void {
    if (!Number.isInteger(label) || label < 0 || label >= this.labelCount) {
      throw new MachBufferError('bad-label', `label ${label} was not created by this buffer`, { label });
    }
  }

  // ---- branches ----------------------------------------------------------------------------

  /**
   * Declares that bytes `[start, end)`, just emitted and ending at the current offset, are an
   * unconditional jump to `label`, whose label use was the last one registered.
   */
  addUncondBranch(start: number, end: number, label: MachLabel): void {
    this.addBranch(start, end, label, undefined);
    // Jump threading: a label bound at this jump means its target. The jump stays where it is
    // (it is only ever removed when its target follows it, which keeps the alias true).
    if (this.labelsAtTailOffset !== start) return;
    for (const l of this.labelsAtTail) {
      if (this.resolve(label) !== l) this.labelAlias[l] = label;
    }
  }

  /** Like `addUncondBranch` for a conditional branch; `inverted` encodes the opposite condition. */
  addCondBranch(start: number, end: number, label: MachLabel, inverted: Uint8Array): void {
    if (inverted.length !== end - start) {
      throw new MachBufferError('misuse', `inverted branch has ${inverted.length} bytes, the branch has ${end - start}`,
        { offset: start });
    }
    this.addBranch(start, end, label, inverted.slice());
  }

  private addBranch(start: number, end: number, label: MachLabel, inverted: Uint8Array | undefined): void {
    const fixup = this.fxOffset.length - 1;
    if (end !== this.w.length || start >= end || fixup < 0 || this.fxLabel[fixup] !== label
      || this.fxOffset[fixup] < start || this.fxOffset[fixup] >= end) {
      throw new MachBufferError('misuse',
        `branch [${start}, ${end}) must end at the current offset ${this.w.length} and its use of label ${label} must be the last label use`,
        { offset: start, label });
    }
    const latest = this.latestBranches;
    if (latest.length > 0 && latest[latest.length - 1].end !== start) this.clearBranches();
    // Something else lives inside the branch bytes (a relocation, a second label use): keep it.
    if (this.lastRecordOffset >= start || (fixup > 0 && this.fxOffset[fixup - 1] >= start)) {
      this.clearBranches();
      return;
    }
    const labelsAtStart = this.labelsAtTailOffset === start ? this.labelsAtTail.slice() : [];
    this.latestBranches.push({ start, end, fixup, target: label, inverted, labelsAtStart });
  }

  private clearBranches(): void {
    if (this.latestBranches.length > 0) this.latestBranches = [];
  }

  private optimizeBranches(): void {
    const cur = () => this.w.length;
    while (this.latestBranches.length > 0) {
      const b = this.latestBranches[this.latestBranches.length - 1];
      if (b.end !== cur() || b.fixup !== this.fxOffset.length - 1 || this.lastRecordOffset >= b.start) {
        this.clearBranches();
        return;
      }
      if (this.targetOffset(b.target) === cur()) {
        // A branch to the very next instruction does nothing.
        this.truncateLastBranch();
        continue;
      }
      if (b.inverted !== undefined) return;
      const prev = this.latestBranches.length >= 2 ? this.latestBranches[this.latestBranches.length - 2] : undefined;
      // Labels bound at the `jmp` itself stand for its target (jump threading) unless the jump
      // targets itself: only those would still reach the jump's bytes.
      if (prev === undefined || prev.inverted === undefined || prev.end !== b.start
        || this.targetOffset(prev.target) !== cur() || b.labelsAtStart.some((l) => this.labelAlias[l] < 0)) {
        return;
      }
      // `jcc L1; jmp L2; L1:` becomes `jncc L2; L1:`. Nothing may jump to the `jmp` itself
      // (every label at it is an alias of its target), since it is about to disappear: a loop's
      // `jncc exit; edge: jmp header; exit:` becomes `jcc header; exit:`.
      const bytes = this.w.bytes;
      const original = bytes.slice(prev.start, prev.end);
      bytes.set(prev.inverted, prev.start);
      prev.inverted = original;
      prev.target = b.target;
      this.fxLabel[prev.fixup] = b.target;
      this.truncateLastBranch();
      const old = this.fxDeadline[prev.fixup];
      const deadline = this.deadlineFor(this.fxOffset[prev.fixup], b.target, this.fxKind[prev.fixup]);
      this.fxDeadline[prev.fixup] = deadline;
      if (deadline !== old) this.recomputeDeadlines();
    }
  }

  private truncateLastBranch(): void {
    const b = this.latestBranches.pop()!;
    this.fxOffset.pop();
    this.fxLabel.pop();
    const kind = this.fxKind.pop()!;
    const deadline = this.fxDeadline.pop()!;
    if (deadline !== Infinity) {
      this.pendingVeneerBytes -= kind.veneer?.size ?? 0;
      if (deadline <= this.nextDeadline) this.recomputeDeadlines();
    }
    this.w.length = b.start;
    for (let i = this.srclocs.length - 1; i >= 0; i--) {
      const r = this.srclocs[i];
      if (r.end <= b.start) break;
      if (r.start >= b.start) this.srclocs.pop();
      else this.srclocs[i] = { start: r.start, end: b.start, loc: r.loc };
    }
    if (this.srclocStart > b.start) this.srclocStart = b.start;
    for (const l of this.labelsAtTail) this.labelOffsets[l] = b.start;
    this.labelsAtTail = b.labelsAtStart.concat(this.labelsAtTail);
    this.labelsAtTailOffset = b.start;
  }

  private recomputeDeadlines(): void {
    let next = Infinity;
    let veneers = 0;
    for (let i = 0; i < this.fxDeadline.length; i++) {
      const d = this.fxDeadline[i];
      if (d < next) next = d;
      if (d !== Infinity) veneers += this.fxKind[i].veneer?.size ?? 0;
    }
    this.nextDeadline = next;
    this.pendingVeneerBytes = veneers;
  }

  // ---- records -----------------------------------------------------------------------------

  /**
   * A relocation of the field at `offset`. `target` is a `RelocTarget`, a symbol name, or an index
   * into the function's external-name table.
   */
  addReloc(offset: number, kind: RelocKind, target: RelocTarget | string | number, addend = 0): void {
    const t: RelocTarget = typeof target === 'string' ? { kind: 'symbol', name: target }
      : typeof target === 'number' ? { kind: 'user', index: target } : target;
    this.relocs.push({ offset, kind, target: t, addend });
    this.noteRecord(offset);
  }
  addTrap(offset: number, code: TrapCode): void {
    this.traps.push({ offset, code });
    this.noteRecord(offset);
  }
  /**
   * `returnOffset` is the offset just after the call instruction. A `try_call` also passes its
   * exception handlers (landing pads as labels, resolved to offsets by `finish`) and where its
   * stack pointer is relative to the frame pointer.
   */
  addCallSite(returnOffset: number, exceptions?: CallSiteExceptions): void {
    if (exceptions === undefined) this.callSites.push({ returnOffset });
    else {
      for (const h of exceptions.handlers) this.checkLabel(h.label);
      this.callSites.push({ returnOffset, spBelowFp: exceptions.spBelowFp });
      this.pendingHandlers.set(this.callSites.length - 1, exceptions.handlers.slice());
    }
    this.noteRecord(returnOffset - 1);
  }
  /** Per call-site index: the try_call handlers whose labels `finish` resolves. */
  private readonly pendingHandlers = new Map<number, { readonly tag: number | null; readonly label: MachLabel }[]>();

  /** Call sites with their handler labels resolved to final offsets. */
  private finishCallSites(): CallSite[] {
    return this.callSites.map((c, k) => {
      const hs = this.pendingHandlers.get(k);
      if (hs === undefined) return c;
      const exceptionHandlers = hs.map((h) => {
        const offset = this.targetOffset(h.label);
        if (offset === UNBOUND) {
          throw new MachBufferError('unbound-label', `exception handler label ${h.label} of the call returning at ${c.returnOffset} is never bound`,
            { offset: c.returnOffset, label: h.label });
        }
        return { tag: h.tag, offset };
      });
      return { ...c, exceptionHandlers };
    });
  }
  /** An unwind rule taking effect at `offset` (after the instruction that ends there). */
  addUnwind(offset: number, op: CfiOp): void {
    const rows = this.unwindRows;
    if (rows.length > 0 && rows[rows.length - 1].offset > offset) {
      throw new MachBufferError('misuse', `unwind row at ${offset} comes before the previous one`, { offset });
    }
    rows.push({ offset, op });
    this.noteRecord(offset - 1);
  }
  private noteRecord(offset: number): void {
    if (offset > this.lastRecordOffset) this.lastRecordOffset = offset;
  }

  /** Code emitted until `endSrcLoc` is attributed to source location `loc`. */
  startSrcLoc(loc: number): void {
    this.srclocStart = this.w.length;
    this.srclocValue = loc;
  }
  endSrcLoc(): void {
    if (this.srclocStart < 0) throw new MachBufferError('misuse', 'endSrcLoc without startSrcLoc');
    if (this.w.length > this.srclocStart) {
      this.srclocs.push({ start: this.srclocStart, end: this.w.length, loc: this.srclocValue });
    }
    this.srclocStart = -1;
  }

  // ---- constants and islands ---------------------------------------------------------------

  /**
   * A label for a constant in the pool, deduplicated by contents and alignment. The constant is
   * emitted in the next island or at the end of the function.
   */
  constantLabel(bytes: Uint8Array, align = 1): MachLabel {
    if (align <= 0 || (align & (align - 1)) !== 0) {
      throw new MachBufferError('misuse', `constant alignment ${align} is not a power of two`);
    }
    let key = `${align}:`;
    for (let i = 0; i < bytes.length; i++) key += bytes[i].toString(16).padStart(2, '0');
    const existing = this.constantsByKey.get(key);
    if (existing !== undefined) return existing.label;
    const c: Constant = { bytes: bytes.slice(), align, label: this.getLabel() };
    this.constantsByKey.set(key, c);
    this.pendingConstants.push(c);
    this.pendingConstantBytes += bytes.length + align - 1;
    if (align > this.maxConstantAlign) this.maxConstantAlign = align;
    return c.label;
  }

  /**
   * True when an island must be emitted now, or some pending label use could fall out of range.
   * `distance` bounds what the code emitted before the next check adds: its own bytes plus, for
   * each constant it references for the first time, the constant's size + alignment - 1 (the
   * island grows by that much).
   */
  islandNeeded(distance: number): boolean {
    return this.w.length + distance + this.pendingConstantBytes + this.pendingVeneerBytes
      + 2 * (this.instructionAlignment - 1) > this.nextDeadline;
  }

  /**
   * Writes the pending constants and the veneers needed by uses that could not otherwise reach
   * their labels, at the current offset. The caller has emitted a jump over the island.
   * `distance` is the same bound as given to `islandNeeded`.
   */
  emitIsland(distance = 0): void {
    this.clearBranches();
    this.emitPendingConstants();
    this.w.align(this.instructionAlignment, 0);
    // Uses not given a veneer now must survive until the next island check.
    const horizon = this.w.length + this.pendingVeneerBytes + distance + this.instructionAlignment - 1;
    this.resolveFixups((deadline) => deadline <= horizon);
    this.w.align(this.instructionAlignment, 0);
  }

  private emitPendingConstants(): void {
    for (const c of this.pendingConstants) {
      this.w.align(c.align, 0);
      this.labelOffsets[c.label] = this.w.length;
      this.w.bytesFrom(c.bytes);
    }
    // A later use may be out of reach of this copy: later requests get a fresh copy.
    for (const c of this.pendingConstants) {
      let key = `${c.align}:`;
      for (let i = 0; i < c.bytes.length; i++) key += c.bytes[i].toString(16).padStart(2, '0');
      this.constantsByKey.delete(key);
    }
    this.pendingConstants = [];
    this.pendingConstantBytes = 0;
  }

  /**
   * Patches every use whose label is bound and in range; gives a veneer to uses that are out of
   * range, or unbound with `veneerNow(deadline)` true; keeps the rest pending.
   */
  private resolveFixups(veneerNow: (deadline: number) => boolean): void {
    const offsets = this.fxOffset, labels = this.fxLabel, kinds = this.fxKind, deadlines = this.fxDeadline;
    this.fxOffset = [];
    this.fxLabel = [];
    this.fxKind = [];
    this.fxDeadline = [];
    this.nextDeadline = Infinity;
    this.pendingVeneerBytes = 0;
    for (let i = 0; i < offsets.length; i++) {
      const use = offsets[i], label = labels[i], kind = kinds[i];
      if (!Number.isInteger(use) || use < 0 || use + kind.patchSize > this.w.length) {
        throw new MachBufferError('misuse', `label use at offset ${use} (${kind.patchSize} bytes) lies outside the code`,
          { offset: use, label });
      }
      const target = this.targetOffset(label);
      if (target !== UNBOUND && inRange(kind, use, target)) {
        kind.patch(this.w.bytes, use, target);
      } else if (target !== UNBOUND || veneerNow(deadlines[i])) {
        this.emitVeneer(use, label, kind);
      } else {
        this.pushFixup(use, label, kind);
      }
    }
  }

  private emitVeneer(use: number, label: MachLabel, kind: LabelUseKind): void {
    this.w.align(this.instructionAlignment, 0);
    const at = this.w.length;
    if (kind.veneer === undefined || !inRange(kind, use, at)) {
      const target = this.targetOffset(label);
      throw new MachBufferError('label-out-of-range',
        `label use (${kind.name ?? `${kind.patchSize}-byte field`}) at offset ${use} cannot reach label ${label}`
        + (target === UNBOUND ? '' : ` at offset ${target}`)
        + (kind.veneer === undefined ? ' and its kind has no veneer' : ': no island was emitted in time'),
        { offset: use, label });
    }
    this.w.reserve(kind.veneer.size);
    const inner = kind.veneer.emit(this.w.bytes, at);
    this.w.length = at + kind.veneer.size;
    kind.patch(this.w.bytes, use, at);
    this.pushFixup(inner.useOffset, label, inner.kind);
  }

  /** Emits the constant pool and veneers still pending, patches every label use and returns the code. */
  finish(): MachBufferFinalized {
    if (this.srclocStart >= 0) this.endSrcLoc();
    this.clearBranches();
    const codeEnd = this.w.length;
    this.emitPendingConstants();
    this.w.align(this.instructionAlignment, 0);
    for (let i = 0; i < this.fxLabel.length; i++) {
      if (this.targetOffset(this.fxLabel[i]) === UNBOUND) {
        throw new MachBufferError('unbound-label', `label ${this.fxLabel[i]} is used at offset ${this.fxOffset[i]} but never bound`,
          { offset: this.fxOffset[i], label: this.fxLabel[i] });
      }
    }
    // Each round patches what is in range and adds veneers (whose own uses are resolved next).
    while (this.fxLabel.length > 0) this.resolveFixups(() => true);
    return {
      bytes: this.w.finish(),
      relocations: this.relocs.slice(),
      traps: this.traps.slice(),
      callSites: this.finishCallSites(),
      srclocs: this.srclocs.slice(),
      unwind: { rows: this.unwindRows.slice() },
      labelOffsets: this.labelOffsets.slice(0, this.labelCount),
      labelTargets: Int32Array.from({ length: this.labelCount }, (_, l) => this.targetOffset(l as MachLabel)),
      codeEnd,
      requiredAlignment: Math.max(this.maxConstantAlign, this.instructionAlignment),
    };
  }
}
