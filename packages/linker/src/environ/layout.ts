/**
 * The `vmctx` layout of one instance: where the code finds memories, tables, globals, signature
 * ids and function references. The compiled code, the loader (`@windlass/runtime`) and the
 * interpreter host of the test tools all lay instances out this way; the artifact records the
 * offsets so that a loader can check it agrees.
 *
 * ```
 *  memory   + 8 m          memory record pointer of memory m (imports first; one slot, 0, when
 *                           the module has no memory); record: base (i64) @0, length in bytes (i64) @8
 *  tables   + 8 t          table record pointer of table t
 *                           record: elements base (i64) @0, length (i32) @8, max (i32) @12;
 *                           elements are i64: a VMFuncRef pointer (funcref) or a host handle
 *                           (externref), 0 = null
 *  globals  + 8 g          pointer to the 16-byte storage of global g (value @0)
 *  sigIds   + 4 i          runtime-canonical signature id of type i (i32)
 *  funcRefs + 24 f         VMFuncRef of function f: code pointer (i64) @0, callee vmctx (i64) @8,
 *                           signature id (i32) @16
 * ```
 *
 * All fields are in the target's byte order (they are written by the loader and read by the
 * compiled code of the same machine). Records are reached through pointers so that imported
 * memories, tables and globals are shared with the exporting instance.
 */
export class VmctxLayout {
  readonly memory = 0;
  readonly tables: number;
  readonly globals: number;
  readonly sigIds: number;
  readonly funcRefs: number;
  readonly size: number;

  constructor(m: { memories: ArrayLike<unknown>; tables: ArrayLike<unknown>; globals: ArrayLike<unknown>; types: ArrayLike<unknown>; funcTypes: ArrayLike<unknown> }) {
    this.tables = this.memory + 8 * Math.max(1, m.memories.length);
    this.globals = this.tables + 8 * m.tables.length;
    this.sigIds = this.globals + 8 * m.globals.length;
    this.funcRefs = align8(this.sigIds + 4 * m.types.length);
    this.size = this.funcRefs + 24 * m.funcTypes.length;
  }

  /** Offset of memory `mem`'s record pointer. */
  memoryAt(mem: number): number {
    return this.memory + 8 * mem;
  }
  table(t: number): number {
    return this.tables + 8 * t;
  }
  global(g: number): number {
    return this.globals + 8 * g;
  }
  sigId(type: number): number {
    return this.sigIds + 4 * type;
  }
  funcRef(f: number): number {
    return this.funcRefs + 24 * f;
  }
}

/** Size of a VMFuncRef record (code, vmctx, signature id, padding). */
export const FUNC_REF_SIZE = 24;

function align8(n: number): number {
  return (n + 7) & ~7;
}
