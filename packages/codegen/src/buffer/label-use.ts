/**
 * How one ISA refers to a code label from an instruction or data field: the field's size, the
 * displacement range it can hold, how to write the displacement, and optionally a veneer (a
 * longer-range jump placed in an island) for when the target is out of reach.
 *
 * Ranges are in terms of `labelOffset - useOffset`, where `useOffset` is the offset the use was
 * registered at; the kind folds in its own bias (x86 rel32 counts from the end of the field,
 * AArch64 from the instruction start, s390x in halfwords from the instruction start).
 */
export interface LabelUseKind {
  /** For messages. */
  readonly name?: string;
  /** Bytes of the field at the use offset. */
  readonly patchSize: number;
  /** Largest forward distance `labelOffset - useOffset` the field can encode. */
  readonly maxPosRange: number;
  /** Largest backward distance `useOffset - labelOffset` the field can encode. */
  readonly maxNegRange: number;
  /**
   * Writes the reference to `labelOffset` into the field at `useOffset` of `bytes` (the whole
   * buffer). It may read the field first, e.g. to keep opcode bits or an addend the emitter put
   * there (jump tables store their base distance that way).
   */
  patch(bytes: Uint8Array, useOffset: number, labelOffset: number): void;
  readonly veneer?: VeneerKind;
}

/** A longer-range jump that a short-range use can be redirected through. */
export interface VeneerKind {
  /** Bytes the veneer occupies. */
  readonly size: number;
  /**
   * Writes the veneer at `veneerOffset` in `bytes` (room is reserved) and returns the label use
   * inside it that must reach the real target.
   */
  emit(bytes: Uint8Array, veneerOffset: number): { readonly useOffset: number; readonly kind: LabelUseKind };
}

/** True when a use at `useOffset` of kind `kind` can reach `labelOffset`. */
export function inRange(kind: LabelUseKind, useOffset: number, labelOffset: number): boolean {
  const d = labelOffset - useOffset;
  return d >= 0 ? d <= kind.maxPosRange : -d <= kind.maxNegRange;
}
