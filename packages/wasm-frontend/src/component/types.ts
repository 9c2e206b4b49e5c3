/**
 * Component-level types, resolved: value types structurally (indexes gone), resource types as
 * numbers (identity: two handles have the same resource type exactly when the numbers are
 * equal). The validator, the flattening and the runtime's link checks all speak this model.
 *
 * ```
 *  ValT      bool .. string | list | record | tuple | variant | enum | option | result | flags
 *            | own r | borrow r
 *  FuncT     (param name ValT)* (result ValT)?
 *  ExternT   module ModuleT | func FuncT | type (eq ValT | resource r)
 *            | instance InstanceT | component ComponentT
 * ```
 *
 * `InstanceT.abstract` lists the resources an instance type introduces with `(sub resource)`
 * exports: when such a type is matched against an actual instance they are bound to the actual
 * resources (`matchExtern`), when an instance of that type is imported they become fresh.
 */
import type { FuncType, GlobalType, MemoryType, TableType } from '../types';
import { valTypeName } from '../types';
import type { PrimName } from './ast';

export type ValT =
  | { k: PrimName }
  | { k: 'list'; t: ValT }
  | { k: 'record'; fields: { name: string; t: ValT }[] }
  | { k: 'tuple'; ts: ValT[] }
  | { k: 'variant'; cases: { name: string; t?: ValT }[] }
  | { k: 'enum'; names: string[] }
  | { k: 'option'; t: ValT }
  | { k: 'result'; ok?: ValT; err?: ValT }
  | { k: 'flags'; names: string[] }
  | { k: 'own'; r: number }
  | { k: 'borrow'; r: number };

export interface FuncT {
  params: { name: string; t: ValT }[];
  result?: ValT;
}

export type CoreExternT =
  | { k: 'func'; t: FuncType }
  | { k: 'table'; t: TableType }
  | { k: 'memory'; t: MemoryType }
  | { k: 'global'; t: GlobalType };

export interface ModuleT {
  imports: { module: string; name: string; t: CoreExternT }[];
  exports: Map<string, CoreExternT>;
}

export interface InstanceT {
  exports: Map<string, ExternT>;
  /** Resources introduced by `(sub resource)` exports of this type. */
  abstract: number[];
}

export interface ComponentT {
  imports: Map<string, ExternT>;
  exports: Map<string, ExternT>;
  /** Resources introduced by `(sub resource)` imports. */
  imported: number[];
  /** Resources introduced by the exports (fresh at each instantiation). */
  exported: number[];
}

/** What a type index names: a value type, a function / component / instance type, or a resource. */
export type TypeDef =
  | { k: 'val'; t: ValT }
  | { k: 'func'; t: FuncT }
  | { k: 'component'; t: ComponentT }
  | { k: 'instance'; t: InstanceT }
  | { k: 'resource'; r: number };

export type ExternT =
  | { k: 'module'; t: ModuleT }
  | { k: 'func'; t: FuncT }
  | { k: 'type'; t: TypeDef }
  | { k: 'component'; t: ComponentT }
  | { k: 'instance'; t: InstanceT };

const PRIMS: Record<PrimName, ValT> = {
  bool: { k: 'bool' }, s8: { k: 's8' }, u8: { k: 'u8' }, s16: { k: 's16' }, u16: { k: 'u16' },
  s32: { k: 's32' }, u32: { k: 'u32' }, s64: { k: 's64' }, u64: { k: 'u64' }, f32: { k: 'f32' },
  f64: { k: 'f64' }, char: { k: 'char' }, string: { k: 'string' },
};

export function prim(p: PrimName): ValT {
  return PRIMS[p];
}

export function isPrim(t: ValT): boolean {
  return t.k in PRIMS;
}

// ------------------------------------------------------------------ names of types, for messages

export function valTName(t: ValT): string {
  switch (t.k) {
    case 'list':
      return `list<${valTName(t.t)}>`;
    case 'record':
      return `record { ${t.fields.map((f) => `${f.name}: ${valTName(f.t)}`).join(', ')} }`;
    case 'tuple':
      return `tuple<${t.ts.map(valTName).join(', ')}>`;
    case 'variant':
      return `variant { ${t.cases.map((c) => (c.t ? `${c.name}(${valTName(c.t)})` : c.name)).join(', ')} }`;
    case 'enum':
      return `enum { ${t.names.join(', ')} }`;
    case 'option':
      return `option<${valTName(t.t)}>`;
    case 'result':
      return `result<${t.ok ? valTName(t.ok) : '_'}, ${t.err ? valTName(t.err) : '_'}>`;
    case 'flags':
      return `flags { ${t.names.join(', ')} }`;
    case 'own':
      return `own<resource ${t.r}>`;
    case 'borrow':
      return `borrow<resource ${t.r}>`;
    default:
      return t.k;
  }
}

export function externKindName(e: ExternT | { k: string }): string {
  switch (e.k) {
    case 'func':
      return 'func';
    case 'module':
      return 'module';
    case 'component':
      return 'component';
    case 'instance':
      return 'instance';
    default: {
      const t = (e as { t: TypeDef }).t;
      return t && t.k === 'resource' ? 'resource' : 'type';
    }
  }
}

// ------------------------------------------------------------------ substitution

/** Applies a resource renaming to a value type (a copy; unchanged parts shared). */
export function substVal(t: ValT, s: ReadonlyMap<number, number>): ValT {
  if (s.size === 0) return t;
  switch (t.k) {
    case 'own':
    case 'borrow': {
      const r = s.get(t.r);
      return r === undefined ? t : { k: t.k, r };
    }
    case 'list':
      return { k: 'list', t: substVal(t.t, s) };
    case 'option':
      return { k: 'option', t: substVal(t.t, s) };
    case 'record':
      return { k: 'record', fields: t.fields.map((f) => ({ name: f.name, t: substVal(f.t, s) })) };
    case 'tuple':
      return { k: 'tuple', ts: t.ts.map((x) => substVal(x, s)) };
    case 'variant':
      return { k: 'variant', cases: t.cases.map((c) => (c.t ? { name: c.name, t: substVal(c.t, s) } : { name: c.name })) };
    case 'result': {
      const out: ValT = { k: 'result' };
      if (t.ok) out.ok = substVal(t.ok, s);
      if (t.err) out.err = substVal(t.err, s);
      return out;
    }
    default:
      return t;
  }
}

export function substFunc(f: FuncT, s: ReadonlyMap<number, number>): FuncT {
  if (s.size === 0) return f;
  const out: FuncT = { params: f.params.map((p) => ({ name: p.name, t: substVal(p.t, s) })) };
  if (f.result) out.result = substVal(f.result, s);
  return out;
}

export function substTypeDef(d: TypeDef, s: ReadonlyMap<number, number>): TypeDef {
  switch (d.k) {
    case 'val':
      return { k: 'val', t: substVal(d.t, s) };
    case 'func':
      return { k: 'func', t: substFunc(d.t, s) };
    case 'resource': {
      const r = s.get(d.r);
      return r === undefined ? d : { k: 'resource', r };
    }
    case 'instance':
      return { k: 'instance', t: substInstance(d.t, s) };
    case 'component':
      return { k: 'component', t: substComponent(d.t, s) };
  }
}

function substMap(m: Map<string, ExternT>, s: ReadonlyMap<number, number>): Map<string, ExternT> {
  const out = new Map<string, ExternT>();
  for (const [n, e] of m) out.set(n, substExtern(e, s));
  return out;
}

export function substInstance(t: InstanceT, s: ReadonlyMap<number, number>): InstanceT {
  if (s.size === 0) return t;
  return { exports: substMap(t.exports, s), abstract: t.abstract.map((r) => s.get(r) ?? r) };
}

export function substComponent(t: ComponentT, s: ReadonlyMap<number, number>): ComponentT {
  if (s.size === 0) return t;
  return { imports: substMap(t.imports, s), exports: substMap(t.exports, s), imported: t.imported.map((r) => s.get(r) ?? r), exported: t.exported.map((r) => s.get(r) ?? r) };
}

export function substExtern(e: ExternT, s: ReadonlyMap<number, number>): ExternT {
  if (s.size === 0) return e;
  switch (e.k) {
    case 'func':
      return { k: 'func', t: substFunc(e.t, s) };
    case 'type':
      return { k: 'type', t: substTypeDef(e.t, s) };
    case 'instance':
      return { k: 'instance', t: substInstance(e.t, s) };
    case 'component':
      return { k: 'component', t: substComponent(e.t, s) };
    default:
      return e;
  }
}

// ------------------------------------------------------------------ equality and matching

/**
 * Bindings of a match: the expected side's abstract resources, as they are bound to actual
 * resources, and the set of resources that may still be bound.
 */
export interface Bindings {
  bound: Map<number, number>;
  bindable: Set<number>;
  /**
   * Compare function types without their parameter names (the runtime's linking of instances,
   * as Wasmtime's host linker does; validation compares names).
   */
  ignoreNames?: boolean;
}

export function newBindings(): Bindings {
  return { bound: new Map(), bindable: new Set() };
}

/** The resource `r` of the expected side as the actual side sees it. */
function resolve(b: Bindings | undefined, r: number): number {
  return b?.bound.get(r) ?? r;
}

/** Equality of value types (the component model's value-type subtyping is equality); `b` renames `expected`. */
export function valEq(actual: ValT, expected: ValT, b?: Bindings): boolean {
  if (actual.k !== expected.k) return false;
  switch (expected.k) {
    case 'own':
    case 'borrow':
      return (actual as { r: number }).r === resolve(b, expected.r);
    case 'list':
    case 'option':
      return valEq((actual as { t: ValT }).t, expected.t, b);
    case 'record': {
      const a = (actual as typeof expected).fields;
      return a.length === expected.fields.length && a.every((f, i) => f.name === expected.fields[i].name && valEq(f.t, expected.fields[i].t, b));
    }
    case 'tuple': {
      const a = (actual as typeof expected).ts;
      return a.length === expected.ts.length && a.every((t, i) => valEq(t, expected.ts[i], b));
    }
    case 'variant': {
      const a = (actual as typeof expected).cases;
      return a.length === expected.cases.length && a.every((c, i) => {
        const e = expected.cases[i];
        return c.name === e.name && (c.t === undefined ? e.t === undefined : e.t !== undefined && valEq(c.t, e.t, b));
      });
    }
    case 'enum':
    case 'flags': {
      const a = (actual as typeof expected).names;
      return a.length === expected.names.length && a.every((n, i) => n === expected.names[i]);
    }
    case 'result': {
      const a = actual as typeof expected;
      const same = (x?: ValT, y?: ValT): boolean => (x === undefined ? y === undefined : y !== undefined && valEq(x, y, b));
      return same(a.ok, expected.ok) && same(a.err, expected.err);
    }
    default:
      return true;
  }
}

export function funcEq(actual: FuncT, expected: FuncT, b?: Bindings): boolean {
  if (actual.params.length !== expected.params.length) return false;
  for (let i = 0; i < actual.params.length; i++) {
    if ((!b?.ignoreNames && actual.params[i].name !== expected.params[i].name) || !valEq(actual.params[i].t, expected.params[i].t, b)) return false;
  }
  if (actual.result === undefined || expected.result === undefined) return actual.result === expected.result;
  return valEq(actual.result, expected.result, b);
}

function coreFuncEq(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length && a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

/** Core extern subtyping: function types equal, limits of the actual within the expected ones. */
export function coreExternMatches(actual: CoreExternT, expected: CoreExternT): boolean {
  if (actual.k !== expected.k) return false;
  switch (expected.k) {
    case 'func':
      return coreFuncEq((actual as typeof expected).t, expected.t);
    case 'global': {
      const a = (actual as typeof expected).t;
      return a.type === expected.t.type && a.mutable === expected.t.mutable;
    }
    case 'table': {
      const a = (actual as typeof expected).t;
      return a.elem === expected.t.elem && limitsMatch(a.limits, expected.t.limits);
    }
    case 'memory':
      return limitsMatch((actual as typeof expected).t.limits, expected.t.limits);
  }
}

function limitsMatch(a: { min: number; max?: number }, e: { min: number; max?: number }): boolean {
  if (a.min < e.min) return false;
  if (e.max === undefined) return true;
  return a.max !== undefined && a.max <= e.max;
}

export function coreExternName(t: CoreExternT): string {
  switch (t.k) {
    case 'func':
      return `func (${t.t.params.map(valTypeName).join(' ')}) -> (${t.t.results.map(valTypeName).join(' ')})`;
    case 'global':
      return `global ${t.t.mutable ? 'mut ' : ''}${valTypeName(t.t.type)}`;
    case 'table':
      return `table ${valTypeName(t.t.elem)}`;
    case 'memory':
      return 'memory';
  }
}

/** `actual` may stand where `expected` is asked for (imports of `actual` ⊆ those of `expected`, exports ⊇). */
export function moduleMatches(actual: ModuleT, expected: ModuleT): string | undefined {
  for (const imp of actual.imports) {
    const e = expected.imports.find((x) => x.module === imp.module && x.name === imp.name);
    if (!e) return `the module imports ${JSON.stringify(`${imp.module}.${imp.name}`)}, which the expected type does not provide`;
    if (!coreExternMatches(e.t, imp.t)) return `import ${JSON.stringify(`${imp.module}.${imp.name}`)}: expected ${coreExternName(imp.t)}, found ${coreExternName(e.t)}`;
  }
  for (const [name, t] of expected.exports) {
    const a = actual.exports.get(name);
    if (!a) return `module export ${JSON.stringify(name)} was not found`;
    if (!coreExternMatches(a, t)) return `module export ${JSON.stringify(name)}: expected ${coreExternName(t)}, found ${coreExternName(a)}`;
  }
  return undefined;
}

/** Whether an instance type has nothing that must be supplied (only empty instances, transitively). */
export function isEmptyInstance(t: InstanceT): boolean {
  for (const e of t.exports.values()) {
    if (e.k === 'type' && e.t.k !== 'resource') continue;
    if (e.k !== 'instance' || !isEmptyInstance(e.t)) return false;
  }
  return true;
}

/**
 * Whether `actual` may satisfy `expected`; undefined when it may, else why not (in the words of
 * Wasmtime's messages: "expected instance found func", "... was not found", "mismatched resource
 * types"). `b` collects how the expected side's abstract resources bind.
 */
export function matchExtern(actual: ExternT, expected: ExternT, b: Bindings = newBindings(), what = 'import'): string | undefined {
  if (actual.k !== expected.k || (expected.k === 'type' && (expected.t.k === 'resource') !== ((actual as typeof expected).t.k === 'resource'))) {
    const want = externKindName(expected) === 'func' ? 'function' : externKindName(expected);
    const found = externKindName(actual) === 'func' ? 'function' : externKindName(actual);
    return `${what}: expected ${want} found ${found}`;
  }
  switch (expected.k) {
    case 'func':
      return funcEq((actual as typeof expected).t, expected.t, b) ? undefined : `${what}: function types differ`;
    case 'module': {
      const why = moduleMatches((actual as typeof expected).t, expected.t);
      return why === undefined ? undefined : `${what}: ${why}`;
    }
    case 'type': {
      const a = (actual as typeof expected).t;
      const e = expected.t;
      if (e.k === 'resource') {
        const ar = (a as { r: number }).r;
        if (b.bindable.has(e.r) && !b.bound.has(e.r)) {
          b.bound.set(e.r, ar);
          return undefined;
        }
        return ar === resolve(b, e.r) ? undefined : `${what}: mismatched resource types`;
      }
      if (e.k === 'val' && a.k === 'val') return valEq(a.t, e.t, b) ? undefined : `${what}: type mismatch`;
      return `${what}: type mismatch`;
    }
    case 'instance':
      return matchInstance((actual as typeof expected).t, expected.t, b, what);
    case 'component':
      return matchComponent((actual as typeof expected).t, expected.t, b, what);
  }
}

export function matchInstance(actual: InstanceT, expected: InstanceT, b: Bindings, what = 'import'): string | undefined {
  for (const r of expected.abstract) b.bindable.add(r);
  const introduced = new Set<number>();
  for (const [name, e] of expected.exports) {
    const a = actual.exports.get(name);
    const sub = `${what} export ${JSON.stringify(name)}`;
    // A type export introduces a resource the match binds (`(sub resource)`) once; others are equalities.
    const resource = e.k === 'type' && e.t.k === 'resource' ? e.t.r : undefined;
    const alias = resource !== undefined && (!b.bindable.has(resource) || b.bound.has(resource) || introduced.has(resource));
    if (resource !== undefined) introduced.add(resource);
    if (!a) {
      if (e.k === 'type' && (e.t.k !== 'resource' || alias)) continue;
      if (e.k === 'instance' && isEmptyInstance(e.t)) continue;
      return `${sub} was not found`;
    }
    const why = matchExtern(a, e, b, sub);
    if (why !== undefined) return why;
  }
  return undefined;
}

/**
 * Component subtyping: the actual component may import less (each of its imports provided by the
 * expected type's imports) and must export at least what is expected.
 */
export function matchComponent(actual: ComponentT, expected: ComponentT, b: Bindings, what = 'import'): string | undefined {
  // The actual component's imports are satisfied by the expected imports (contravariance): its
  // abstract imported resources bind to the expected side's.
  const inner = newBindings();
  for (const r of actual.imported) inner.bindable.add(r);
  for (const [name, a] of actual.imports) {
    const e = expected.imports.get(name);
    if (!e) return `${what}: the component imports ${JSON.stringify(name)}, which the expected type does not provide`;
    const why = matchExtern(e, substExtern(a, inner.bound), inner, `${what} import ${JSON.stringify(name)}`);
    if (why !== undefined) return why;
  }
  for (const r of expected.exported) b.bindable.add(r);
  for (const [name, e] of expected.exports) {
    const a = actual.exports.get(name);
    if (!a) return `${what} export ${JSON.stringify(name)} was not found`;
    const why = matchExtern(substExtern(a, inner.bound), e, b, `${what} export ${JSON.stringify(name)}`);
    if (why !== undefined) return why;
  }
  return undefined;
}

// ------------------------------------------------------------------ canonical ABI shape helpers

/** `despecialize`: tuples as records, enums / options / results as variants. */
export function despecialize(t: ValT): ValT {
  switch (t.k) {
    case 'tuple':
      return { k: 'record', fields: t.ts.map((x, i) => ({ name: String(i), t: x })) };
    case 'enum':
      return { k: 'variant', cases: t.names.map((name) => ({ name })) };
    case 'option':
      return { k: 'variant', cases: [{ name: 'none' }, { name: 'some', t: t.t }] };
    case 'result':
      return { k: 'variant', cases: [t.ok ? { name: 'ok', t: t.ok } : { name: 'ok' }, t.err ? { name: 'error', t: t.err } : { name: 'error' }] };
    default:
      return t;
  }
}

/** Whether `t` (transitively) satisfies `p`. */
export function containsVal(t: ValT, p: (t: ValT) => boolean): boolean {
  if (p(t)) return true;
  switch (t.k) {
    case 'list':
    case 'option':
      return containsVal(t.t, p);
    case 'record':
      return t.fields.some((f) => containsVal(f.t, p));
    case 'tuple':
      return t.ts.some((x) => containsVal(x, p));
    case 'variant':
      return t.cases.some((c) => c.t !== undefined && containsVal(c.t, p));
    case 'result':
      return (t.ok !== undefined && containsVal(t.ok, p)) || (t.err !== undefined && containsVal(t.err, p));
    default:
      return false;
  }
}

/** Every resource a value type mentions. */
export function resourcesOf(t: ValT, out: Set<number> = new Set()): Set<number> {
  containsVal(t, (x) => {
    if (x.k === 'own' || x.k === 'borrow') out.add(x.r);
    return false;
  });
  return out;
}

/**
 * The resources an extern type mentions that it does not quantify itself: those of the
 * surrounding scope (an instance type's `(sub resource)` exports and a component type's
 * imported and exported resources are its own).
 */
export function freeResources(e: ExternT, out: Set<number> = new Set()): Set<number> {
  const bound = new Set<number>();
  const all = externResources(e, new Set(), bound);
  for (const r of all) if (!bound.has(r)) out.add(r);
  return out;
}

/** Every resource an extern type mentions (free or abstract); `bound` collects the quantified ones. */
export function externResources(e: ExternT, out: Set<number> = new Set(), bound?: Set<number>): Set<number> {
  const fromMap = (m: Map<string, ExternT>): void => {
    for (const x of m.values()) externResources(x, out, bound);
  };
  switch (e.k) {
    case 'func':
      for (const p of e.t.params) resourcesOf(p.t, out);
      if (e.t.result) resourcesOf(e.t.result, out);
      break;
    case 'type':
      if (e.t.k === 'resource') out.add(e.t.r);
      else externResources(e.t.k === 'val' ? { k: 'func', t: { params: [{ name: 'x', t: e.t.t }] } } : e.t.k === 'func' ? { k: 'func', t: e.t.t } : e.t.k === 'instance' ? { k: 'instance', t: e.t.t } : { k: 'component', t: e.t.t }, out, bound);
      break;
    case 'instance':
      for (const r of e.t.abstract) bound?.add(r);
      fromMap(e.t.exports);
      break;
    case 'component':
      for (const r of e.t.imported) bound?.add(r);
      for (const r of e.t.exported) bound?.add(r);
      fromMap(e.t.imports);
      fromMap(e.t.exports);
      break;
    default:
      break;
  }
  return out;
}
