/**
 * A decoded component binary, as the binary format lists it: every definition in section order,
 * indexes still unresolved (the validator resolves them into index spaces and types). Each
 * definition keeps the byte offset it was read at, for errors.
 */
import type { FuncType, GlobalType, MemoryType, Module, TableType, ValType } from '../types';

/** The component-level primitive value types. */
export type PrimName = 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'f32' | 'f64' | 'char' | 'string';

/** Binary codes of the primitive value types (`primvaltype`). */
export const PRIM_CODES: Record<number, PrimName> = {
  0x7f: 'bool', 0x7e: 's8', 0x7d: 'u8', 0x7c: 's16', 0x7b: 'u16', 0x7a: 's32', 0x79: 'u32',
  0x78: 's64', 0x77: 'u64', 0x76: 'f32', 0x75: 'f64', 0x74: 'char', 0x73: 'string',
};

/** Every sort an index space exists for. */
export type Sort =
  | 'core func'
  | 'core table'
  | 'core memory'
  | 'core global'
  | 'core type'
  | 'core module'
  | 'core instance'
  | 'func'
  | 'value'
  | 'type'
  | 'component'
  | 'instance';

/** A `valtype`: a primitive, or an index into the type index space. */
export type AValType = { prim: PrimName } | { idx: number; at: number };

export type ADefValType =
  | { k: 'prim'; p: PrimName }
  | { k: 'record'; fields: { name: string; t: AValType }[] }
  | { k: 'variant'; cases: { name: string; t?: AValType }[] }
  | { k: 'list'; t: AValType }
  | { k: 'tuple'; ts: AValType[] }
  | { k: 'flags'; names: string[] }
  | { k: 'enum'; names: string[] }
  | { k: 'option'; t: AValType }
  | { k: 'result'; ok?: AValType; err?: AValType }
  | { k: 'own'; idx: number }
  | { k: 'borrow'; idx: number };

export type ADefType =
  | ADefValType
  | { k: 'func'; params: { name: string; t: AValType }[]; result?: AValType }
  | { k: 'component'; decls: ADecl[] }
  | { k: 'instance'; decls: ADecl[] }
  | { k: 'resource'; rep: ValType; dtor?: number };

/** What an import or export declares: a sort and its type. */
export type AExtern =
  | { k: 'module'; idx: number }
  | { k: 'func'; idx: number }
  | { k: 'type'; eq?: number }
  | { k: 'component'; idx: number }
  | { k: 'instance'; idx: number };

export type AAlias =
  | { k: 'export'; sort: Sort; instance: number; name: string }
  | { k: 'core export'; sort: Sort; instance: number; name: string }
  | { k: 'outer'; sort: Sort; count: number; idx: number };

/** A declarator of a component or instance type. */
export type ADecl =
  | { k: 'core type'; t: ACoreType; at: number }
  | { k: 'type'; t: ADefType; at: number }
  | { k: 'alias'; alias: AAlias; at: number }
  | { k: 'import'; name: string; ext: AExtern; at: number }
  | { k: 'export'; name: string; ext: AExtern; at: number };

export type ACoreExtern =
  | { k: 'func'; idx: number }
  | { k: 'table'; t: TableType }
  | { k: 'memory'; t: MemoryType }
  | { k: 'global'; t: GlobalType };

export type ACoreModuleDecl =
  | { k: 'import'; module: string; name: string; ext: ACoreExtern; at: number }
  | { k: 'type'; t: FuncType; at: number }
  | { k: 'alias'; count: number; idx: number; at: number }
  | { k: 'export'; name: string; ext: ACoreExtern; at: number };

export type ACoreType = { k: 'func'; t: FuncType } | { k: 'module'; decls: ACoreModuleDecl[] };

export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

export interface ACanonOpts {
  encoding?: StringEncoding;
  memory?: number;
  realloc?: number;
  postReturn?: number;
}

export type ACanon =
  | { k: 'lift'; coreFunc: number; opts: ACanonOpts; typeIdx: number }
  | { k: 'lower'; func: number; opts: ACanonOpts }
  | { k: 'resource.new' | 'resource.drop' | 'resource.rep'; typeIdx: number };

export type ADef =
  | { k: 'core module'; module: Module; at: number }
  | { k: 'core instance'; expr: ACoreInstanceExpr; at: number }
  | { k: 'core type'; t: ACoreType; at: number }
  | { k: 'component'; component: AComponent; at: number }
  | { k: 'instance'; expr: AInstanceExpr; at: number }
  | { k: 'alias'; alias: AAlias; at: number }
  | { k: 'type'; t: ADefType; at: number }
  | { k: 'canon'; canon: ACanon; at: number }
  | { k: 'import'; name: string; ext: AExtern; at: number }
  | { k: 'export'; name: string; sort: Sort; idx: number; ext?: AExtern; at: number };

export type ACoreInstanceExpr =
  | { k: 'instantiate'; module: number; args: { name: string; instance: number }[] }
  | { k: 'exports'; exports: { name: string; sort: Sort; idx: number }[] };

export type AInstanceExpr =
  | { k: 'instantiate'; component: number; args: { name: string; sort: Sort; idx: number }[] }
  | { k: 'exports'; exports: { name: string; sort: Sort; idx: number }[] };

export interface AComponent {
  /** Byte range of the component in the outermost binary (the preamble included). */
  start: number;
  end: number;
  defs: ADef[];
}
