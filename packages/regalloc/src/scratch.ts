// Typed arrays for temporaries, kept from one allocation to the next.
//
// A `new Int32Array(n)` of more than a few elements costs V8 a backing store, zeroing and
// external-memory bookkeeping: hundreds of nanoseconds each, which added up to a large part of
// allocating a small function. Each temporary of the allocator gets its own `Scratch*` (one
// per call site, created at module load), which hands out a view of a buffer reused across
// calls. A view is valid until the same `Scratch*` is taken again, so a scratch must only back
// a temporary that is dead before its call site runs again (never anything in the output), and
// no two live temporaries may share one. Buffers beyond `KEEP_LIMIT` elements are not retained,
// so one huge function does not pin its memory for the rest of the process.

const KEEP_LIMIT = 1 << 15;

/** A reusable Int32Array of at least `n` elements, as a view of exactly `n`. */
export class ScratchI32 {
  private buf = new Int32Array(0);

  /** A view of `n` elements, every one set to `fill`. */
  take(n: number, fill = 0): Int32Array {
    if (n > this.buf.length) {
      if (n > KEEP_LIMIT) return fill === 0 ? new Int32Array(n) : new Int32Array(n).fill(fill);
      this.buf = new Int32Array(Math.min(KEEP_LIMIT, Math.max(n, 2 * this.buf.length, 64)));
    }
    const v = this.buf.subarray(0, n);
    v.fill(fill);
    return v;
  }
}

/** A reusable Uint8Array; see `ScratchI32`. */
export class ScratchU8 {
  private buf = new Uint8Array(0);

  take(n: number, fill = 0): Uint8Array {
    if (n > this.buf.length) {
      if (n > KEEP_LIMIT) return new Uint8Array(n).fill(fill);
      this.buf = new Uint8Array(Math.min(KEEP_LIMIT, Math.max(n, 2 * this.buf.length, 256)));
    }
    const v = this.buf.subarray(0, n);
    v.fill(fill);
    return v;
  }
}

/** A reusable Float64Array; see `ScratchI32`. */
export class ScratchF64 {
  private buf = new Float64Array(0);

  take(n: number): Float64Array {
    if (n > this.buf.length) {
      if (n > KEEP_LIMIT) return new Float64Array(n);
      this.buf = new Float64Array(Math.min(KEEP_LIMIT, Math.max(n, 2 * this.buf.length, 64)));
    }
    const v = this.buf.subarray(0, n);
    v.fill(0);
    return v;
  }
}
