/**
 * The in-memory form of an artifact: what `compileModule` builds, `serialize` writes as one
 * ELF64 relocatable object and `deserialize` reads back (after checking every structure). The
 * README's "Format" section describes the bytes.
 */
import type { RelocKind } from '@windlass/codegen';
import type { ConstExpr, Export, GlobalType, Import, MemoryType, TableType, ValType } from '@windlass/wasm-frontend';
import type { ComponentPlan } from './component/plan';

/** Bumped whenever the bytes or the loader's contract change (vmctx layout, trampolines, libcalls). */
export const ARTIFACT_FORMAT_VERSION = 2;

/**
 * `e_flags` bits of an artifact, ORed with the target's own bits (RISC-V keeps its RVC and
 * float-ABI bits 0-4). Bits 24 and 25 are unassigned by the x86-64, AArch64, RISC-V and s390x
 * psABIs; exactly one of them is set.
 */
export const EF_WINDLASS_MODULE = 0x0100_0000;
export const EF_WINDLASS_COMPONENT = 0x0200_0000;
export const EF_WINDLASS_MASK = EF_WINDLASS_MODULE | EF_WINDLASS_COMPONENT;

export type ArtifactKind = 'module' | 'component';

/**
 * What decides whether an artifact's code runs correctly here: compared by `deserialize` with
 * what the caller expects. Values are strings, as `name=value` settings are written.
 */
export interface CompatRecord {
  formatVersion: number;
  /** Canonical ISA name: `x86_64`, `aarch64`, `riscv64`, `s390x`. */
  isa: string;
  /** The target triple the code was compiled for. */
  triple: string;
  /** Every ISA flag with its value (presets expanded). */
  isaFlags: [string, string][];
  /** Every shared setting of `@windlass/codegen` with its value. */
  settings: [string, string][];
  /** Settings of the wasm translation (`bounds_checks`). */
  wasm: [string, string][];
  /** What made the artifact (informational, not compared). */
  producer: string;
}

/** A function signature in wasm value types, shared by every module of the artifact. */
export interface ArtifactSignature {
  params: ValType[];
  results: ValType[];
  /** Index into `Artifact.code` of the host-to-wasm trampoline, or -1. */
  entry: number;
  /** Index into `Artifact.code` of the wasm-to-host trampoline, or -1. */
  exit: number;
}

export const enum CodeKind {
  /** A wasm function: `module` and `index` (function index space) say which. */
  Function = 0,
  /** Host-to-wasm trampoline of signature `index`. */
  Entry = 1,
  /** Wasm-to-host trampoline of signature `index`. */
  Exit = 2,
}

/** A range of `.text`. */
export interface CodeRange {
  offset: number;
  size: number;
  kind: CodeKind;
  /** Module index (0 for trampolines). */
  module: number;
  /** Function index for `Function`, signature id for trampolines. */
  index: number;
}

/** A data segment, its bytes in `.rodata` at `start .. end`. */
export interface ArtifactData {
  mode: 'active' | 'passive';
  memory: number;
  offset?: ConstExpr;
  start: number;
  end: number;
}

export interface ArtifactElement {
  mode: 'active' | 'passive' | 'declarative';
  table: number;
  offset?: ConstExpr;
  type: ValType;
  items: ConstExpr[];
}

/** The offsets of `VmctxLayout`, recorded so a loader can check it lays instances out alike. */
export interface LayoutInfo {
  size: number;
  memory: number;
  tables: number;
  globals: number;
  sigIds: number;
  funcRefs: number;
}

/** One wasm module of the artifact. Tables, memories and globals list imports first. */
export interface ModuleInfo {
  /** The module's name (`name` section), or ''. */
  name: string;
  /** Artifact signature id of each type index. */
  types: number[];
  imports: Import[];
  /** Type index of every function, imports first. */
  funcTypes: number[];
  numImportedFuncs: number;
  tables: TableType[];
  numImportedTables: number;
  memories: MemoryType[];
  numImportedMemories: number;
  globals: GlobalType[];
  numImportedGlobals: number;
  /** Initializers of the defined globals. */
  globalInits: ConstExpr[];
  exports: Export[];
  start?: number;
  elements: ArtifactElement[];
  data: ArtifactData[];
  /** Index into `Artifact.code` of each defined function. */
  functions: number[];
  layout: LayoutInfo;
}

/** A relocation left for the loader: a runtime symbol it provides (`RUNTIME_SYMBOLS`). */
export interface ArtifactReloc {
  /** Offset of the patched field in `.text`. */
  offset: number;
  kind: RelocKind;
  symbol: string;
  addend: number;
}

export interface Artifact {
  kind: ArtifactKind;
  compat: CompatRecord;
  signatures: ArtifactSignature[];
  /** Every function and trampoline in `.text`, sorted by offset. */
  code: CodeRange[];
  text: Uint8Array;
  relocations: ArtifactReloc[];
  /** Data segment payloads. */
  rodata: Uint8Array;
  modules: ModuleInfo[];
  /** Trap sites: `.text` offset -> trap code (`@windlass/ir` numbering). */
  traps: OffsetTable;
  /** `.text` offset -> wasm bytecode offset (module-relative; NO_WASM_OFFSET: none). */
  addressMap: OffsetTable;
  /** Function names of the `name` section. */
  names: { module: number; func: number; name: string }[];
  /** A component's instantiation plan (`kind` 'component'; its modules are `modules`). */
  component?: ComponentPlan;
}

export const NO_WASM_OFFSET = 0xffffffff;

/**
 * A table keyed by `.text` offsets (strictly increasing), as two dense columns: a large module
 * has hundreds of thousands of address-map entries, which must cost no object each.
 */
export interface OffsetTable {
  offsets: Uint32Array;
  values: Uint32Array;
}

/** The entry of `t` in force at `offset` (the last one at or before it), or -1. */
export function lookupOffset(t: OffsetTable, offset: number): number {
  let lo = 0;
  let hi = t.offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.offsets[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
