/**
 * The decoded module: compact, index-addressed, function bodies kept as byte ranges into the
 * original bytes (decoded on demand by `OperatorReader`).
 */

/** Value types use their binary encodings, so decoding a type is one byte compare. */
export type ValType = number & { readonly __valtype?: unique symbol };

export const I32 = 0x7f as ValType;
export const I64 = 0x7e as ValType;
export const F32 = 0x7d as ValType;
export const F64 = 0x7c as ValType;
export const V128 = 0x7b as ValType;
export const FUNCREF = 0x70 as ValType;
export const EXTERNREF = 0x6f as ValType;
/** Stands for "any type" on an unreachable (polymorphic) operand stack. Never in a module. */
export const UNKNOWN = 0 as ValType;

export function isNumType(t: number): boolean {
  return t === 0x7f || t === 0x7e || t === 0x7d || t === 0x7c;
}
export function isRefType(t: number): boolean {
  return t === 0x70 || t === 0x6f;
}
export function isValType(t: number): boolean {
  return (t >= 0x7b && t <= 0x7f) || t === 0x70 || t === 0x6f;
}

export function valTypeName(t: number): string {
  switch (t) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    case 0x6f:
      return 'externref';
    case 0:
      return 'unknown';
    default:
      return `type(0x${t.toString(16)})`;
  }
}

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface Limits {
  min: number;
  /** Absent when the module sets no maximum. */
  max?: number;
}

export interface TableType {
  elem: ValType;
  limits: Limits;
}

export interface MemoryType {
  limits: Limits;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export const enum ExternKind {
  Func = 0,
  Table = 1,
  Memory = 2,
  Global = 3,
}

export type ImportDesc =
  | { kind: ExternKind.Func; typeIndex: number }
  | { kind: ExternKind.Table; table: TableType }
  | { kind: ExternKind.Memory; memory: MemoryType }
  | { kind: ExternKind.Global; global: GlobalType };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

/**
 * A WebAssembly 2.0 constant expression is exactly one constant instruction followed by `end`,
 * so it is kept as that one instruction.
 */
export type ConstExpr =
  | { op: 'i32.const'; value: number }
  | { op: 'i64.const'; value: bigint }
  | { op: 'f32.const'; bits: number }
  | { op: 'f64.const'; bits: bigint }
  | { op: 'v128.const'; bytes: Uint8Array }
  | { op: 'ref.null'; type: ValType }
  | { op: 'ref.func'; func: number }
  | { op: 'global.get'; global: number };

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

export type SegmentMode = 'active' | 'passive' | 'declarative';

export interface ElementSegment {
  mode: SegmentMode;
  table: number;
  /** Present for active segments. */
  offset?: ConstExpr;
  type: ValType;
  /** Items as constant expressions (`ref.func i` / `ref.null t` / `global.get g`). */
  items: ConstExpr[];
}

export interface DataSegment {
  mode: 'active' | 'passive';
  memory: number;
  offset?: ConstExpr;
  /** Byte range of the payload within the module bytes. */
  start: number;
  end: number;
}

export interface FunctionBody {
  /** Byte range of the whole body (locals declarations + code, up to and including `end`). */
  start: number;
  end: number;
  /** Offset of the first instruction. */
  codeStart: number;
  /** Declared locals (not params) as run-length pairs: counts[i] locals of types[i]. */
  localCounts: number[];
  localTypes: ValType[];
}

export interface CustomSection {
  name: string;
  /** Payload range (after the name). */
  start: number;
  end: number;
}

export interface NameSection {
  module?: string;
  functions: Map<number, string>;
  locals: Map<number, Map<number, string>>;
}

/**
 * WebAssembly features beyond 2.0 that a caller turns on (Wasmtime's `Config` does the same).
 * Off by default, so that 2.0 modules are judged by the 2.0 rules.
 */
export interface WasmFeatures {
  /** Several memories; memory operators carry a memory index (the multi-memory proposal). */
  multiMemory?: boolean;
}

export interface Module {
  bytes: Uint8Array;
  /** The features the module was decoded with. */
  features?: WasmFeatures;
  types: FuncType[];
  imports: Import[];
  /** Type index of every function in the function index space (imports first). */
  funcTypes: number[];
  numImportedFuncs: number;
  tables: TableType[];
  numImportedTables: number;
  memories: MemoryType[];
  numImportedMemories: number;
  globals: GlobalType[];
  numImportedGlobals: number;
  /** Initializers of the module-defined globals (index - numImportedGlobals). */
  globalInits: ConstExpr[];
  exports: Export[];
  start?: number;
  elements: ElementSegment[];
  dataCount?: number;
  data: DataSegment[];
  /** Bodies of the module-defined functions (index - numImportedFuncs). */
  bodies: FunctionBody[];
  customs: CustomSection[];
  names?: NameSection;
}
