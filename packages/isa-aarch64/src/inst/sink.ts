// What the encoder writes into, and how AArch64 instructions refer to code labels.
//
// Every PC-relative field counts from the start of its instruction, in words: `b`/`bl` hold 26
// bits (±128 MiB), `b.cond`, `cbz` and `ldr` (literal) 19 bits (±1 MiB), `tbz` 14 bits
// (±32 KiB), `adr` 21 bits of bytes (±1 MiB). The short branch kinds carry a veneer: when a
// target is out of reach, the MachBuffer places a `b` in an island within reach and redirects
// the short branch to it. A literal load has no veneer: the buffer places pending constants in
// the next island, before any literal use runs out of range.

import type { LabelUseKind, RelocKind } from '@windlass/codegen';
import { A64EncodeError } from './errors';

export interface CodeSink {
  curOffset(): number;
  /** A 32-bit word, little-endian. */
  put4(v: number): void;
  useLabel(offset: number, label: number, kind: LabelUseKind): void;
  addReloc(offset: number, kind: RelocKind, symbol: string, addend: number): void;
  addTrap(offset: number, code: number): void;
  /**
   * Declares the word just emitted at `start` as a branch to `label` (the last label use),
   * conditional when `inverted` (its encoding with the opposite condition) is given: a buffer
   * that simplifies branches may remove or flip it. Optional.
   */
  branch?(start: number, end: number, label: number, inverted: Uint8Array | undefined): void;
}

function read32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
function write32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 255;
  b[o + 1] = (v >>> 8) & 255;
  b[o + 2] = (v >>> 16) & 255;
  b[o + 3] = (v >>> 24) & 255;
}

/** `b` / `bl` imm26. */
export const LABEL_BRANCH26: LabelUseKind = {
  name: 'aarch64 branch26',
  patchSize: 4,
  maxPosRange: (1 << 27) - 4,
  maxNegRange: 1 << 27,
  patch(bytes, use, label) {
    const d = (label - use) >> 2;
    write32(bytes, use, ((read32(bytes, use) & 0xfc000000) | (d & 0x3ffffff)) >>> 0);
  },
};

/** A veneer for the short branches: an unconditional `b` in an island. */
const BRANCH_VENEER = {
  size: 4,
  emit(bytes: Uint8Array, at: number) {
    write32(bytes, at, 0x14000000);
    return { useOffset: at, kind: LABEL_BRANCH26 };
  },
};

/** `b.cond`, `cbz`/`cbnz` imm19 (with a veneer). */
export const LABEL_BRANCH19: LabelUseKind = {
  name: 'aarch64 branch19',
  patchSize: 4,
  maxPosRange: (1 << 20) - 4,
  maxNegRange: 1 << 20,
  patch(bytes, use, label) {
    const d = (label - use) >> 2;
    write32(bytes, use, ((read32(bytes, use) & 0xff00001f) | ((d & 0x7ffff) << 5)) >>> 0);
  },
  veneer: BRANCH_VENEER,
};

/** `ldr` (literal) imm19: no veneer (constants are placed within reach). */
export const LABEL_LITERAL19: LabelUseKind = { ...LABEL_BRANCH19, name: 'aarch64 literal19', veneer: undefined };

/** `tbz`/`tbnz` imm14 (with a veneer). */
export const LABEL_BRANCH14: LabelUseKind = {
  name: 'aarch64 branch14',
  patchSize: 4,
  maxPosRange: (1 << 15) - 4,
  maxNegRange: 1 << 15,
  patch(bytes, use, label) {
    const d = (label - use) >> 2;
    write32(bytes, use, ((read32(bytes, use) & 0xfff8001f) | ((d & 0x3fff) << 5)) >>> 0);
  },
  veneer: BRANCH_VENEER,
};

/** `adr` imm21 (bytes: immlo in bits 30:29, immhi in 23:5); the field's current value is an addend. */
export const LABEL_ADR21: LabelUseKind = {
  name: 'aarch64 adr21',
  patchSize: 4,
  maxPosRange: (1 << 20) - 1,
  maxNegRange: 1 << 20,
  patch(bytes, use, label) {
    const w = read32(bytes, use);
    const old = (((w >>> 29) & 3) | (((w >>> 5) & 0x7ffff) << 2)) << 11 >> 11;
    const d = old + label - use;
    write32(bytes, use, ((w & 0x9f00001f) | ((d & 3) << 29) | (((d >> 2) & 0x7ffff) << 5)) >>> 0);
  },
};

/**
 * A 32-bit jump-table entry: the field holds its distance from the table start, and becomes
 * `label - table start`.
 */
export const LABEL_WORD32: LabelUseKind = {
  name: 'aarch64 jump-table word',
  patchSize: 4,
  maxPosRange: 0x7fffffff,
  maxNegRange: 0x80000000,
  patch(bytes, use, label) {
    const bias = read32(bytes, use) | 0;
    write32(bytes, use, (label - use + bias) >>> 0);
  },
};

export interface RelocRecord {
  offset: number;
  kind: RelocKind;
  symbol: string;
  addend: number;
}

/** A growable code buffer with labels, fix-ups, relocations and traps (tests, stand-alone use). */
export class BasicCodeSink implements CodeSink {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly labelOffsets: number[] = [];
  private readonly fixups: { offset: number; label: number; kind: LabelUseKind }[] = [];
  readonly relocs: RelocRecord[] = [];
  readonly traps: { offset: number; code: number }[] = [];

  curOffset(): number {
    return this.len;
  }
  put4(v: number): void {
    if (this.len + 4 > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    write32(this.buf, this.len, v >>> 0);
    this.len += 4;
  }
  useLabel(offset: number, label: number, kind: LabelUseKind): void {
    this.fixups.push({ offset, label, kind });
  }
  addReloc(offset: number, kind: RelocKind, symbol: string, addend: number): void {
    this.relocs.push({ offset, kind, symbol, addend });
  }
  addTrap(offset: number, code: number): void {
    this.traps.push({ offset, code });
  }
  bindLabel(label: number): void {
    if (this.labelOffsets[label] !== undefined) throw new A64EncodeError(`label ${label} is bound twice`, `offset ${this.len}`);
    this.labelOffsets[label] = this.len;
  }
  /** Patches every label use and returns the code. */
  finish(): Uint8Array {
    const bytes = this.buf.subarray(0, this.len);
    for (const f of this.fixups) {
      const t = this.labelOffsets[f.label];
      if (t === undefined) throw new A64EncodeError(`label ${f.label} is used but never bound`, `offset ${f.offset}`);
      const d = t - f.offset;
      if (d > f.kind.maxPosRange || -d > f.kind.maxNegRange) {
        throw new A64EncodeError(`label ${f.label} at ${t} is out of range of ${f.kind.name}`, `offset ${f.offset}`);
      }
      f.kind.patch(bytes, f.offset, t);
    }
    this.fixups.length = 0;
    return bytes.slice();
  }
}
