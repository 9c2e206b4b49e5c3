// The byte sink the encoder writes into. `@windlass/codegen`'s `MachBuffer` satisfies
// `CodeSink` structurally; `BasicCodeSink` is a small stand-alone implementation for tests and
// for callers that only need bytes.

import { X64EncodeError } from './errors';

/** How a label reference is patched once the label's offset is known. */
export interface LabelUse {
  /** For messages. */
  readonly name?: string;
  /** Bytes of the field being patched. */
  readonly patchSize: number;
  /** Farthest forward distance (label - use offset) the field can reach. */
  readonly maxPosRange: number;
  /** Farthest backward distance (use - label) the field can reach. */
  readonly maxNegRange: number;
  /**
   * Patch the field at `bytes[useOffset..]` so it points at `labelOffset`. The field's existing
   * content is an addend (x64 stores a correction for trailing immediate bytes there).
   */
  patch(bytes: Uint8Array, useOffset: number, labelOffset: number): void;
}

export interface CodeSink {
  curOffset(): number;
  put1(b: number): void;
  /** Little-endian 16-bit. */
  put2(v: number): void;
  /** Little-endian 32-bit. */
  put4(v: number): void;
  putBytes(b: Uint8Array): void;
  useLabel(offset: number, label: number, kind: LabelUse): void;
  addReloc(offset: number, kind: string, symbol: string | number, addend: number): void;
  addTrap(offset: number, code: number): void;
  /** A fresh label, for pseudo-instructions with internal branches (min/max sequences). */
  getLabel(): number;
  /** Bind `label` to the current offset. */
  bindLabel(label: number): void;
}

function readI32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

/**
 * rel32, PC-relative to the end of the 4-byte field. Jumps, calls and RIP-relative operands
 * use it; an operand followed by an immediate stores minus the immediate's size as the addend,
 * because the CPU measures from the end of the instruction.
 */
export const LABEL_REL32: LabelUse = {
  name: 'x64 rel32',
  patchSize: 4,
  // Ranges are measured from the start of the field: the value stored is that distance - 4.
  maxPosRange: 0x80000003,
  maxNegRange: 0x7ffffffc,
  patch(bytes, useOffset, labelOffset) {
    const v = (readI32(bytes, useOffset) + labelOffset - (useOffset + 4)) | 0;
    bytes[useOffset] = v & 255;
    bytes[useOffset + 1] = (v >>> 8) & 255;
    bytes[useOffset + 2] = (v >>> 16) & 255;
    bytes[useOffset + 3] = (v >>> 24) & 255;
  },
};

/** rel8 of short jumps, PC-relative to the end of the 1-byte field. */
export const LABEL_REL8: LabelUse = {
  name: 'x64 rel8',
  patchSize: 1,
  maxPosRange: 128,
  maxNegRange: 127,
  patch(bytes, useOffset, labelOffset) {
    const addend = (bytes[useOffset] << 24) >> 24;
    bytes[useOffset] = (addend + labelOffset - (useOffset + 1)) & 255;
  },
};

export interface RelocRecord {
  offset: number;
  kind: string;
  symbol: string | number;
  addend: number;
}
export interface TrapRecord {
  offset: number;
  code: number;
}

/** A growable byte buffer with labels, fix-ups, relocations and trap records. */
export class BasicCodeSink implements CodeSink {
  private buf = new Uint8Array(256);
  private len = 0;
  private labelOffsets: number[] = [];
  private fixups: { offset: number; label: number; kind: LabelUse }[] = [];
  private nextLabel = 0;
  readonly relocs: RelocRecord[] = [];
  readonly traps: TrapRecord[] = [];

  curOffset(): number {
    return this.len;
  }
  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  put1(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b & 255;
  }
  put2(v: number): void {
    this.reserve(2);
    this.buf[this.len++] = v & 255;
    this.buf[this.len++] = (v >>> 8) & 255;
  }
  put4(v: number): void {
    this.reserve(4);
    const b = this.buf;
    b[this.len++] = v & 255;
    b[this.len++] = (v >>> 8) & 255;
    b[this.len++] = (v >>> 16) & 255;
    b[this.len++] = (v >>> 24) & 255;
  }
  putBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }
  useLabel(offset: number, label: number, kind: LabelUse): void {
    this.fixups.push({ offset, label, kind });
    if (label >= this.nextLabel) this.nextLabel = label + 1;
  }
  addReloc(offset: number, kind: string, symbol: string | number, addend: number): void {
    this.relocs.push({ offset, kind, symbol, addend });
  }
  addTrap(offset: number, code: number): void {
    this.traps.push({ offset, code });
  }
  /** A label number above every label used so far (callers may also pick their own). */
  getLabel(): number {
    return this.nextLabel++;
  }
  /** Bind `label` to the current offset. */
  bindLabel(label: number): void {
    if (this.labelOffsets[label] !== undefined) {
      throw new X64EncodeError(`label ${label} is bound twice`, `offset ${this.len}`);
    }
    this.labelOffsets[label] = this.len;
    if (label >= this.nextLabel) this.nextLabel = label + 1;
  }
  labelOffset(label: number): number | undefined {
    return this.labelOffsets[label];
  }
  /** Resolve every label use and return the code. */
  finish(): Uint8Array {
    const bytes = this.buf.subarray(0, this.len);
    for (const f of this.fixups) {
      const target = this.labelOffsets[f.label];
      if (target === undefined) {
        throw new X64EncodeError(`label ${f.label} is used but never bound`, `offset ${f.offset}`);
      }
      const dist = target - f.offset;
      if (dist > f.kind.maxPosRange || -dist > f.kind.maxNegRange) {
        throw new X64EncodeError(
          `label ${f.label} at ${target} is out of range of a ${f.kind.patchSize}-byte field`,
          `offset ${f.offset}`,
        );
      }
      f.kind.patch(bytes, f.offset, target);
    }
    this.fixups.length = 0;
    return bytes.slice();
  }
}
