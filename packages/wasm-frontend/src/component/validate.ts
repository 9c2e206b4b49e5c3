/**
 * Validation of components, by evaluating them. The root component is instantiated with symbolic
 * imports: every definition is checked as it is evaluated (index spaces, types, canonical
 * options, instantiation arguments, names), and what the instantiation does is recorded as a
 * `FlatComponent` (nested component instantiations inlined). A nested component definition is
 * evaluated once with symbolic imports of its own to validate it and to learn its type, then
 * again, with the actual arguments, at each of its instantiations.
 *
 * ```
 *  AComponent ──evaluate(root, symbolic imports)──> FlatComponent + ComponentT
 *     definition by definition:  Scope (index spaces of values, each with its type)
 *       core module ─> static module      core instance ─> FlatInstance / synthetic exports
 *       instance (instantiate c args) ─> args matched against c's type, then c evaluated with them
 *       canon lift ─> FlatFunc            canon lower ─> FlatCoreFunc (an adapter to compile)
 *       type (resource ...) ─> a fresh resource of this component instance
 * ```
 *
 * Every rejection is a `WasmInvalidError` at the byte offset of the definition at fault.
 */
import { COMPONENT_SECTION, WasmInvalidError, WasmUnsupportedError } from '../errors';
import { ExternKind, I32, valTypeName, type FuncType, type Module, type ValType } from '../types';
import { MAX_TYPE_SIZE, flattenFunc, layout, needsMemory, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, flatten } from './abi';
import type { AAlias, ACanon, ACanonOpts, AComponent, ACoreExtern, ACoreType, ADecl, ADef, ADefType, AExtern, AValType, Sort } from './ast';
import { emptyFlat, type CoreItem, type FlatComponent, type FlatFunc, type FlatItem, type FlatOpts, type ModuleRef } from './flat';
import { canonicalName, parseExternName } from './names';
import {
  containsVal,
  coreExternMatches,
  coreExternName,
  externResources,
  freeResources,
  isEmptyInstance,
  matchExtern,
  newBindings,
  prim,
  substExtern,
  type ComponentT,
  type CoreExternT,
  type ExternT,
  type FuncT,
  type InstanceT,
  type ModuleT,
  type TypeDef,
  type ValT,
} from './types';

/** Depth of nested value types (`list<list<...>>`) beyond which a type is rejected. */
export const MAX_TYPE_DEPTH = 100;
/** Core instances a flattened component may have (flattening multiplies nested instantiations). */
export const MAX_FLAT_INSTANCES = 100_000;

// ------------------------------------------------------------------ values of the index spaces

interface CoreV {
  item: CoreItem;
  t: CoreExternT;
}
interface CoreModuleV {
  ref: ModuleRef;
  t: ModuleT;
  module?: Module;
}
interface CoreInstV {
  exports: Map<string, CoreV>;
}
type FuncV = FlatFunc;
interface ComponentV {
  def?: AComponent;
  /** The enclosing scopes as the definition saw them. */
  outer?: ScopeRef;
  t: ComponentT;
}
type Value =
  | { sort: 'func'; v: FuncV }
  | { sort: 'type'; v: TypeDef }
  | { sort: 'component'; v: ComponentV }
  | { sort: 'instance'; v: InstanceV }
  | { sort: 'core module'; v: CoreModuleV };
interface InstanceV {
  exports: Map<string, Value>;
}

/** A scope with the lengths of its index spaces at the time a nested definition was made. */
interface ScopeRef {
  scope: Scope;
  lengths: Record<string, number>;
}

/** Index spaces of one component body (or of one component / instance type). */
class Scope {
  coreFuncs: CoreV[] = [];
  coreTables: CoreV[] = [];
  coreMemories: CoreV[] = [];
  coreGlobals: CoreV[] = [];
  coreTypes: ({ k: 'func'; t: FuncType } | { k: 'module'; t: ModuleT })[] = [];
  coreModules: CoreModuleV[] = [];
  coreInstances: CoreInstV[] = [];
  funcs: FuncV[] = [];
  types: TypeDef[] = [];
  components: ComponentV[] = [];
  instances: InstanceV[] = [];
  /** Resources defined by this component instance (resource.new / rep need one of these). */
  readonly defined = new Set<number>();
  /** Resources a definition may export: those of imports and of exported types. */
  readonly named = new Set<number>();
  readonly importNames = new Map<string, string>();
  readonly exportNames = new Map<string, string>();
  /** Type scopes: what the declarators build. */
  readonly imports = new Map<string, ExternT>();
  readonly exports = new Map<string, ExternT>();
  readonly abstractImported: number[] = [];
  readonly abstractExported: number[] = [];

  constructor(
    readonly kind: 'component' | 'type',
    readonly parent: ScopeRef | undefined,
    /** The flat component instance of a component scope. */
    readonly component: number,
  ) {}

  lengths(): Record<string, number> {
    return {
      'core type': this.coreTypes.length,
      'core module': this.coreModules.length,
      type: this.types.length,
      component: this.components.length,
    };
  }
}

function ref(scope: Scope): ScopeRef {
  return { scope, lengths: scope.lengths() };
}

const SECTION_OF: Record<ADef['k'], number> = {
  'core module': 1, 'core instance': 2, 'core type': 3, component: 4, instance: 5, alias: 6, type: 7, canon: 8, import: 10, export: 11,
};

const CORE_KIND: Record<string, CoreExternT['k']> = { 'core func': 'func', 'core table': 'table', 'core memory': 'memory', 'core global': 'global' };

// ------------------------------------------------------------------ the evaluator

export interface ValidatedComponent {
  ast: AComponent;
  flat: FlatComponent;
  /** The root component's type: its imports and exports. */
  type: ComponentT;
}

/** Where symbolic imports come from: a path prefix, or (nested definitions) abstract. */
type ImportMode = { k: 'root' } | { k: 'abstract' } | { k: 'args'; args: Map<string, Value> };

class Evaluator {
  /** Types of nested component definitions, learnt by evaluating them once symbolically. */
  private readonly defTypes = new WeakMap<AComponent, ComponentT>();
  /** Static module index of each core module definition in the flat component being built. */
  private moduleIndex = new Map<Module, number>();
  private flat: FlatComponent;
  private depth = 0;

  constructor(
    flat: FlatComponent,
    /** Resources are numbered across every evaluation (nested validations share the numbering). */
    private readonly resourceCount: { n: number } = { n: 0 },
  ) {
    this.flat = flat;
  }

  /** The section of the definition being evaluated (for error locations). */
  private section = COMPONENT_SECTION;

  private fail(rule: string, at: number, detail?: string): never {
    throw new WasmInvalidError(rule, { offset: at, section: this.section, func: -1 }, detail);
  }

  private unsupported(rule: string, at: number): never {
    throw new WasmUnsupportedError(rule, { offset: at, section: this.section, func: -1 });
  }

  private newResource(r: FlatComponent['resources'][number]): number {
    const id = this.resourceCount.n++;
    this.flat.resources[id] = r;
    return id;
  }

  // -------------------------------------------------------------- entry points

  /** Evaluates `c` as the root (`mode` root) or as a nested instantiation. */
  evaluate(c: AComponent, mode: ImportMode, outer: ScopeRef | undefined, component: number): { scope: Scope; exports: Map<string, Value> } {
    if (++this.depth > 100) this.unsupported('components instantiated more than 100 deep', c.start);
    const s = new Scope('component', outer, component);
    const exports = new Map<string, Value>();
    const section = this.section;
    for (const d of c.defs) this.def(s, d, mode, exports);
    this.section = section;
    this.depth--;
    return { scope: s, exports };
  }

  /** The type of a nested component definition (validating it, once). */
  private typeOfDef(def: AComponent, outer: ScopeRef): ComponentT {
    const known = this.defTypes.get(def);
    if (known) return known;
    // A symbolic evaluation into a scratch flat component: it validates the definition.
    const saved = { flat: this.flat, moduleIndex: this.moduleIndex };
    const scratch = emptyFlat();
    scratch.resources = this.flat.resources;
    this.flat = scratch;
    this.moduleIndex = new Map();
    let t: ComponentT;
    try {
      const { scope, exports } = this.evaluate(def, { k: 'abstract' }, outer, 0);
      t = { imports: scope.imports, exports: new Map([...exports].map(([n, v]) => [n, this.typeOf(v)])), imported: scope.abstractImported, exported: [] };
      const known = new Set<number>(t.imported);
      for (const e of t.imports.values()) freeResources(e, known);
      for (const e of t.exports.values()) for (const r of freeResources(e)) if (!known.has(r)) t.exported.push(r);
      t.exported = [...new Set(t.exported)];
    } finally {
      this.flat = saved.flat;
      this.moduleIndex = saved.moduleIndex;
    }
    this.defTypes.set(def, t);
    return t;
  }

  // -------------------------------------------------------------- definitions

  private def(s: Scope, d: ADef, mode: ImportMode, exports: Map<string, Value>): void {
    this.section = COMPONENT_SECTION + SECTION_OF[d.k];
    switch (d.k) {
      case 'core module': {
        const m = d.module;
        s.coreModules.push({ ref: { k: 'static', index: -1 }, t: moduleTypeOf(m), module: m });
        return;
      }
      case 'core instance':
        return this.coreInstance(s, d);
      case 'core type':
        s.coreTypes.push(this.coreType(s, d.t, d.at));
        return;
      case 'component': {
        const outer = ref(s);
        const t = this.typeOfDef(d.component, outer);
        s.components.push({ def: d.component, outer, t });
        return;
      }
      case 'instance':
        return this.instance(s, d);
      case 'alias':
        return this.alias(s, d.alias, d.at);
      case 'type':
        s.types.push(this.defType(s, d.t, d.at));
        return;
      case 'canon':
        return this.canon(s, d.canon, d.at);
      case 'import':
        return this.import(s, d.name, d.ext, d.at, mode);
      case 'export':
        return this.export(s, d, mode, exports);
    }
  }

  private index<T>(space: T[], i: number, what: string, at: number): T {
    if (i >= space.length) this.fail(`unknown ${what}`, at, `${what} ${i} (${space.length} defined)`);
    return space[i];
  }

  // -------------------------------------------------------------- core instances

  private moduleRef(v: CoreModuleV): ModuleRef {
    if (v.ref.k === 'import' || !v.module) return v.ref;
    let i = this.moduleIndex.get(v.module);
    if (i === undefined) {
      i = this.flat.modules.length;
      this.flat.modules.push(v.module);
      this.moduleIndex.set(v.module, i);
    }
    return { k: 'static', index: i };
  }

  private coreInstance(s: Scope, d: Extract<ADef, { k: 'core instance' }>): void {
    const e = d.expr;
    if (e.k === 'exports') {
      const exports = new Map<string, CoreV>();
      for (const x of e.exports) {
        if (exports.has(x.name)) this.fail('export name conflicts with previous name', d.at, x.name);
        exports.set(x.name, this.coreSortItem(s, x.sort, x.idx, d.at));
      }
      s.coreInstances.push({ exports });
      return;
    }
    const mod = this.index(s.coreModules, e.module, 'module', d.at);
    const byName = new Map<string, CoreInstV>();
    for (const a of e.args) {
      if (byName.has(a.name)) this.fail('duplicate module instantiation argument named', d.at, a.name);
      byName.set(a.name, this.index(s.coreInstances, a.instance, 'core instance', d.at));
    }
    const args: CoreItem[] = [];
    for (const imp of mod.t.imports) {
      const inst = byName.get(imp.module);
      if (!inst) this.fail('missing module instantiation argument', d.at, `module ${JSON.stringify(imp.module)}`);
      const item = inst.exports.get(imp.name);
      if (!item) this.fail('module instantiation argument does not export an item named', d.at, `${JSON.stringify(imp.module)} has no export ${JSON.stringify(imp.name)}`);
      if (!coreExternMatches(item.t, imp.t)) {
        this.fail('type mismatch in module instantiation argument', d.at, `${imp.module}.${imp.name}: expected ${coreExternName(imp.t)}, found ${coreExternName(item.t)}`);
      }
      args.push(item.item);
    }
    if (this.flat.instances.length >= MAX_FLAT_INSTANCES) this.unsupported(`more than ${MAX_FLAT_INSTANCES} core instances once nested instantiations are inlined`, d.at);
    const index = this.flat.instances.length;
    const module = this.moduleRef(mod);
    this.flat.instances.push(module.k === 'import' ? { module, component: s.component, args, argNames: mod.t.imports.map((i) => [i.module, i.name]) } : { module, component: s.component, args });
    const exports = new Map<string, CoreV>();
    for (const [name, t] of mod.t.exports) exports.set(name, { item: { k: 'export', instance: index, name, t }, t });
    s.coreInstances.push({ exports });
  }

  private coreSortItem(s: Scope, sort: Sort, idx: number, at: number): CoreV {
    switch (sort) {
      case 'core func':
        return this.index(s.coreFuncs, idx, 'core func', at);
      case 'core table':
        return this.index(s.coreTables, idx, 'table', at);
      case 'core memory':
        return this.index(s.coreMemories, idx, 'memory', at);
      case 'core global':
        return this.index(s.coreGlobals, idx, 'global', at);
      default:
        return this.fail('only core functions, tables, memories and globals can be exported from a core instance', at, sort);
    }
  }

  private coreSpace(s: Scope, kind: CoreExternT['k']): CoreV[] {
    return kind === 'func' ? s.coreFuncs : kind === 'table' ? s.coreTables : kind === 'memory' ? s.coreMemories : s.coreGlobals;
  }

  // -------------------------------------------------------------- component instances

  private sortValue(s: Scope, sort: Sort, idx: number, at: number): Value {
    switch (sort) {
      case 'func':
        return { sort: 'func', v: this.index(s.funcs, idx, 'func', at) };
      case 'type':
        return { sort: 'type', v: this.index(s.types, idx, 'type', at) };
      case 'component':
        return { sort: 'component', v: this.index(s.components, idx, 'component', at) };
      case 'instance':
        return { sort: 'instance', v: this.index(s.instances, idx, 'instance', at) };
      case 'core module':
        return { sort: 'core module', v: this.index(s.coreModules, idx, 'module', at) };
      default:
        return this.fail(`a ${sort} is not a component-level item`, at);
    }
  }

  private push(s: Scope, v: Value): void {
    switch (v.sort) {
      case 'func':
        s.funcs.push(v.v);
        return;
      case 'type':
        s.types.push(v.v);
        return;
      case 'component':
        s.components.push(v.v);
        return;
      case 'instance':
        s.instances.push(v.v);
        return;
      case 'core module':
        s.coreModules.push(v.v);
    }
  }

  /** The type of a value. */
  private typeOf(v: Value): ExternT {
    switch (v.sort) {
      case 'func':
        return { k: 'func', t: v.v.t };
      case 'type':
        return { k: 'type', t: v.v };
      case 'component':
        return { k: 'component', t: v.v.t };
      case 'core module':
        return { k: 'module', t: v.v.t };
      case 'instance':
        return { k: 'instance', t: this.instanceType(v.v) };
    }
  }

  private instanceType(i: InstanceV): InstanceT {
    return { exports: new Map([...i.exports].map(([n, v]) => [n, this.typeOf(v)])), abstract: [] };
  }

  private instance(s: Scope, d: Extract<ADef, { k: 'instance' }>): void {
    const e = d.expr;
    if (e.k === 'exports') {
      const exports = new Map<string, Value>();
      const canon = new Map<string, string>();
      for (const x of e.exports) {
        this.checkName(x.name, canon, d.at, 'instance export');
        const v = this.sortValue(s, x.sort, x.idx, d.at);
        exports.set(x.name, v);
      }
      s.instances.push({ exports });
      return;
    }
    const c = this.index(s.components, e.component, 'component', d.at);
    const args = new Map<string, Value>();
    for (const a of e.args) {
      if (args.has(a.name)) this.fail('instantiation argument conflicts with previous argument', d.at, a.name);
      args.set(a.name, this.sortValue(s, a.sort, a.idx, d.at));
    }
    // Check the arguments against the component's imports, binding its abstract resources.
    const b = newBindings();
    for (const r of c.t.imported) b.bindable.add(r);
    for (const [name, it] of c.t.imports) {
      const a = args.get(name);
      if (!a) {
        if (it.k === 'instance' && isEmptyInstance(it.t)) continue;
        if (it.k === 'type' && it.t.k !== 'resource') continue;
        this.fail('missing component instantiation argument', d.at, JSON.stringify(name));
      }
      const why = matchExtern(this.typeOf(a), substExtern(it, b.bound), b, `argument ${JSON.stringify(name)}`);
      if (why !== undefined) this.fail('type mismatch in component instantiation argument', d.at, why);
    }
    if (!c.def) {
      // An imported component (symbolic evaluation only): its exports, as its type says.
      const fresh = new Map<number, number>(b.bound);
      for (const r of c.t.exported) fresh.set(r, this.newResource({ k: 'abstract' }));
      const exports = new Map<string, Value>();
      for (const [n, t] of c.t.exports) exports.set(n, this.symbolic(substExtern(t, fresh), ['<component export>', n], { k: 'abstract' }));
      s.instances.push({ exports });
      return;
    }
    const component = this.flat.components.length;
    if (component >= MAX_FLAT_INSTANCES) this.unsupported(`more than ${MAX_FLAT_INSTANCES} component instances once nested instantiations are inlined`, d.at);
    this.flat.components.push({ parent: s.component });
    const { exports } = this.evaluate(c.def, { k: 'args', args }, c.outer, component);
    s.instances.push({ exports });
  }

  // -------------------------------------------------------------- aliases

  private alias(s: Scope, a: AAlias, at: number): void {
    switch (a.k) {
      case 'export': {
        const inst = this.index(s.instances, a.instance, 'instance', at);
        const v = inst.exports.get(a.name);
        if (!v) this.fail('instance export not found', at, `instance ${a.instance} has no export named ${JSON.stringify(a.name)}`);
        if (v.sort !== a.sort) this.fail('alias sort mismatch', at, `export ${JSON.stringify(a.name)} is a ${v.sort}, not a ${a.sort}`);
        this.push(s, v);
        return;
      }
      case 'core export': {
        const inst = this.index(s.coreInstances, a.instance, 'core instance', at);
        const v = inst.exports.get(a.name);
        if (!v) this.fail('core instance export not found', at, `core instance ${a.instance} has no export named ${JSON.stringify(a.name)}`);
        const want = CORE_KIND[a.sort];
        if (v.t.k !== want) this.fail('alias sort mismatch', at, `export ${JSON.stringify(a.name)} is a core ${v.t.k}, not a ${a.sort}`);
        this.coreSpace(s, want).push(v);
        return;
      }
      case 'outer':
        return this.outerAlias(s, a.sort, a.count, a.idx, at);
    }
  }

  private outerScope(s: Scope, count: number, at: number): { target: ScopeRef | undefined; crossesComponent: boolean } {
    let cur: Scope = s;
    let lengths: Record<string, number> | undefined;
    let crosses = false;
    for (let i = 0; i < count; i++) {
      if (!cur.parent) this.fail('invalid outer alias count', at, `${count} scopes out, ${i} enclose this one`);
      if (cur.kind === 'component') crosses = true;
      lengths = cur.parent.lengths;
      cur = cur.parent.scope;
    }
    return { target: count === 0 ? undefined : { scope: cur, lengths: lengths! }, crossesComponent: crosses };
  }

  private outerAlias(s: Scope, sort: Sort, count: number, idx: number, at: number): void {
    const { target, crossesComponent } = this.outerScope(s, count, at);
    const src = target?.scope ?? s;
    const limit = (space: unknown[]): number => (target ? target.lengths[sort] : space.length);
    switch (sort) {
      case 'core type': {
        if (idx >= limit(src.coreTypes)) this.fail('unknown core type', at, `core type ${idx}`);
        s.coreTypes.push(src.coreTypes[idx]);
        return;
      }
      case 'core module': {
        if (idx >= limit(src.coreModules)) this.fail('unknown module', at, `module ${idx}`);
        s.coreModules.push(src.coreModules[idx]);
        return;
      }
      case 'type': {
        if (idx >= limit(src.types)) this.fail('unknown type', at, `type ${idx}`);
        const t = src.types[idx];
        if (crossesComponent && count > 0) {
          const rs = externResources({ k: 'type', t });
          if (rs.size > 0) this.fail('refers to resources not defined in the current component', at, `outer alias of type ${idx}`);
        }
        s.types.push(t);
        return;
      }
      case 'component': {
        if (idx >= limit(src.components)) this.fail('unknown component', at, `component ${idx}`);
        s.components.push(src.components[idx]);
        return;
      }
      default:
        this.fail('outer aliases of this sort are not allowed', at, sort);
    }
  }

  // -------------------------------------------------------------- types

  private coreType(s: Scope, t: ACoreType, at: number): { k: 'func'; t: FuncType } | { k: 'module'; t: ModuleT } {
    if (t.k === 'func') return t;
    // A module type: its own core type index space.
    const types: FuncType[] = [];
    const imports: ModuleT['imports'] = [];
    const exports = new Map<string, CoreExternT>();
    const ext = (x: ACoreExtern, at: number): CoreExternT => {
      if (x.k === 'func') {
        if (x.idx >= types.length) this.fail('unknown type', at, `type ${x.idx}`);
        return { k: 'func', t: types[x.idx] };
      }
      return x;
    };
    for (const d of t.decls) {
      switch (d.k) {
        case 'type':
          types.push(d.t);
          break;
        case 'alias': {
          // Count 0 is the module type's own type space, 1 the scope it is defined in, and so on.
          if (d.count === 0) {
            if (d.idx >= types.length) this.fail('unknown type', d.at, `type ${d.idx}`);
            types.push(types[d.idx]);
            break;
          }
          const { target } = this.outerScope(s, d.count - 1, d.at);
          const limit = target ? target.lengths['core type'] : s.coreTypes.length;
          if (d.idx >= limit) this.fail('unknown core type', d.at, `core type ${d.idx}`);
          const ct = (target?.scope ?? s).coreTypes[d.idx];
          if (ct.k !== 'func') this.fail('outer alias of a module type in a module type', d.at);
          types.push(ct.t);
          break;
        }
        case 'import': {
          if (imports.some((i) => i.module === d.module && i.name === d.name)) this.fail('duplicate import name', d.at, `${d.module}.${d.name}`);
          imports.push({ module: d.module, name: d.name, t: ext(d.ext, d.at) });
          break;
        }
        case 'export':
          if (exports.has(d.name)) this.fail('duplicate export name', d.at, d.name);
          exports.set(d.name, ext(d.ext, d.at));
          break;
      }
    }
    void at;
    return { k: 'module', t: { imports, exports } };
  }

  private valType(s: Scope, t: AValType, at: number): ValT {
    if ('prim' in t) return prim(t.prim);
    const d = this.index(s.types, t.idx, 'type', t.at ?? at);
    if (d.k !== 'val') this.fail('type index is not a defined type', t.at ?? at, `type ${t.idx} is a ${d.k === 'resource' ? 'resource' : `${d.k} type`}`);
    return d.t;
  }

  private resourceAt(s: Scope, idx: number, at: number): number {
    const d = this.index(s.types, idx, 'type', at);
    if (d.k !== 'resource') this.fail('type index is not a resource type', at, `type ${idx}`);
    return d.r;
  }

  private labels(names: string[], at: number, what: string): void {
    const seen = new Set<string>();
    for (const n of names) {
      const p = parseExternName(n);
      if (!p || p.k !== 'plain') this.fail(`${what} name is not in kebab case`, at, JSON.stringify(n));
      const c = n.toLowerCase();
      if (seen.has(c)) this.fail(`${what} name conflicts with previous name`, at, JSON.stringify(n));
      seen.add(c);
    }
  }

  private valDef(s: Scope, t: ADefType, at: number): ValT {
    let v: ValT;
    switch (t.k) {
      case 'prim':
        return prim(t.p);
      case 'record':
        if (t.fields.length === 0) this.fail('record type must have at least one field', at);
        this.labels(t.fields.map((f) => f.name), at, 'record field');
        v = { k: 'record', fields: t.fields.map((f) => ({ name: f.name, t: this.valType(s, f.t, at) })) };
        break;
      case 'variant':
        if (t.cases.length === 0) this.fail('variant type must have at least one case', at);
        this.labels(t.cases.map((c) => c.name), at, 'variant case');
        v = { k: 'variant', cases: t.cases.map((c) => (c.t ? { name: c.name, t: this.valType(s, c.t, at) } : { name: c.name })) };
        break;
      case 'list':
        v = { k: 'list', t: this.valType(s, t.t, at) };
        break;
      case 'tuple':
        if (t.ts.length === 0) this.fail('tuple type must have at least one type', at);
        v = { k: 'tuple', ts: t.ts.map((x) => this.valType(s, x, at)) };
        break;
      case 'flags':
        if (t.names.length === 0) this.fail('flags must have at least one entry', at);
        if (t.names.length > 32) this.fail('cannot have more than 32 flags', at);
        this.labels(t.names, at, 'flag');
        return { k: 'flags', names: t.names };
      case 'enum':
        if (t.names.length === 0) this.fail('enum type must have at least one variant', at);
        this.labels(t.names, at, 'enum tag');
        return { k: 'enum', names: t.names };
      case 'option':
        v = { k: 'option', t: this.valType(s, t.t, at) };
        break;
      case 'result': {
        const r: ValT = { k: 'result' };
        if (t.ok) r.ok = this.valType(s, t.ok, at);
        if (t.err) r.err = this.valType(s, t.err, at);
        v = r;
        break;
      }
      case 'own':
        return { k: 'own', r: this.resourceAt(s, t.idx, at) };
      case 'borrow':
        return { k: 'borrow', r: this.resourceAt(s, t.idx, at) };
      default:
        return this.fail('not a value type', at);
    }
    if (depthOf(v) > MAX_TYPE_DEPTH) this.fail('type nesting is too deep', at, `more than ${MAX_TYPE_DEPTH} levels`);
    if (layout(v).size >= MAX_TYPE_SIZE) this.fail('type is too large', at, `${layout(v).size} bytes`);
    return v;
  }

  private funcType(s: Scope, t: Extract<ADefType, { k: 'func' }>, at: number): FuncT {
    this.labels(t.params.map((p) => p.name), at, 'function parameter');
    const f: FuncT = { params: t.params.map((p) => ({ name: p.name, t: this.valType(s, p.t, at) })) };
    if (t.result) {
      f.result = this.valType(s, t.result, at);
      if (containsVal(f.result, (x) => x.k === 'borrow')) this.fail('function result cannot contain a `borrow` type', at);
    }
    return f;
  }

  private defType(s: Scope, t: ADefType, at: number): TypeDef {
    switch (t.k) {
      case 'func':
        return { k: 'func', t: this.funcType(s, t, at) };
      case 'component':
      case 'instance':
        return this.declType(s, t.k, t.decls);
      case 'resource': {
        if (s.kind !== 'component') this.fail('resources can only be defined within a concrete component', at);
        if (t.rep !== I32) this.fail('resources can only be represented by `i32`', at, valTypeName(t.rep));
        let dtor: CoreItem | undefined;
        if (t.dtor !== undefined) {
          const f = this.index(s.coreFuncs, t.dtor, 'core func', at);
          const ft = (f.t as { t: FuncType }).t;
          if (ft.params.length !== 1 || ft.params[0] !== I32 || ft.results.length !== 0) this.fail('wrong signature for a destructor', at, 'expected (func (param i32))');
          dtor = f.item;
        }
        const r = this.newResource({ k: 'defined', component: s.component, rep: t.rep, ...(dtor ? { dtor } : {}) });
        s.defined.add(r);
        return { k: 'resource', r };
      }
      default:
        return { k: 'val', t: this.valDef(s, t, at) };
    }
  }

  /** A component or instance type, from its declarators in a scope of its own. */
  private declType(s: Scope, kind: 'component' | 'instance', decls: ADecl[]): TypeDef {
    const ts = new Scope('type', ref(s), s.component);
    for (const d of decls) {
      switch (d.k) {
        case 'core type':
          ts.coreTypes.push(this.coreType(ts, d.t, d.at));
          break;
        case 'type':
          ts.types.push(this.defType(ts, d.t, d.at));
          break;
        case 'alias': {
          const a = d.alias;
          if (a.k === 'export') {
            if (a.sort !== 'type' && a.sort !== 'instance') this.fail('only type and instance exports may be aliased in a type', d.at);
            const inst = this.index(ts.instances, a.instance, 'instance', d.at);
            const v = inst.exports.get(a.name);
            if (!v) this.fail('instance export not found', d.at, a.name);
            if (v.sort !== a.sort) this.fail('alias sort mismatch', d.at, a.name);
            this.push(ts, v);
          } else if (a.k === 'outer') {
            if (a.sort !== 'type' && a.sort !== 'core type') this.fail('only type and core type outer aliases are allowed in a type', d.at, a.sort);
            this.outerAlias(ts, a.sort, a.count, a.idx, d.at);
          } else this.fail('core export aliases are not allowed in a type', d.at);
          break;
        }
        case 'import':
        case 'export': {
          const isImport = d.k === 'import';
          this.checkName(d.name, isImport ? ts.importNames : ts.exportNames, d.at, isImport ? 'import' : 'export');
          const fresh = isImport ? ts.abstractImported : ts.abstractExported;
          const e = this.externDecl(ts, d.ext, d.at, fresh);
          this.checkAnnotatedName(ts, d.name, e, d.at, isImport ? ts.imports : ts.exports);
          (isImport ? ts.imports : ts.exports).set(d.name, e);
          this.push(ts, this.symbolic(e, [d.name], { k: 'abstract' }));
          break;
        }
      }
    }
    if (kind === 'component') return { k: 'component', t: { imports: ts.imports, exports: ts.exports, imported: ts.abstractImported, exported: ts.abstractExported } };
    return { k: 'instance', t: { exports: ts.exports, abstract: ts.abstractExported } };
  }

  /**
   * The type an import or export declares. `(sub resource)` makes a fresh resource (recorded in
   * `fresh`); an instance type used here gets fresh copies of its abstract resources.
   */
  private externDecl(s: Scope, e: AExtern, at: number, fresh: number[], resource: () => number = () => this.newResource({ k: 'abstract' })): ExternT {
    switch (e.k) {
      case 'module': {
        const t = this.index(s.coreTypes, e.idx, 'core type', at);
        if (t.k !== 'module') this.fail('core type index is not a module type', at, `core type ${e.idx}`);
        return { k: 'module', t: t.t };
      }
      case 'func': {
        const t = this.index(s.types, e.idx, 'type', at);
        if (t.k !== 'func') this.fail('type index is not a function type', at, `type ${e.idx}`);
        return { k: 'func', t: t.t };
      }
      case 'type': {
        if (e.eq === undefined) {
          const r = resource();
          fresh.push(r);
          return { k: 'type', t: { k: 'resource', r } };
        }
        const t = this.index(s.types, e.eq, 'type', at);
        return { k: 'type', t };
      }
      case 'component': {
        const t = this.index(s.types, e.idx, 'type', at);
        if (t.k !== 'component') this.fail('type index is not a component type', at, `type ${e.idx}`);
        return { k: 'component', t: t.t };
      }
      case 'instance': {
        const t = this.index(s.types, e.idx, 'type', at);
        if (t.k !== 'instance') this.fail('type index is not an instance type', at, `type ${e.idx}`);
        return { k: 'instance', t: this.freshInstance(t.t, fresh, resource) };
      }
    }
  }

  /** A copy of an instance type with its abstract resources (nested ones too) renamed fresh. */
  private freshInstance(t: InstanceT, fresh: number[], resource: (path?: string[]) => number, path: string[] = []): InstanceT {
    const rename = new Map<number, number>();
    const exports = new Map<string, ExternT>();
    for (const [name, e] of t.exports) {
      let x = substExtern(e, rename);
      if (x.k === 'type' && x.t.k === 'resource' && t.abstract.includes(x.t.r) && !rename.has(x.t.r)) {
        const r = resource([...path, name]);
        rename.set(x.t.r, r);
        fresh.push(r);
        x = { k: 'type', t: { k: 'resource', r } };
      } else if (x.k === 'instance') x = { k: 'instance', t: this.freshInstance(x.t, fresh, resource, [...path, name]) };
      exports.set(name, x);
    }
    return { exports, abstract: [] };
  }

  /** A value standing for an import of type `e` at `path` (symbolic: resolved when instantiated). */
  private symbolic(e: ExternT, path: string[], mode: { k: 'root' } | { k: 'abstract' }): Value {
    switch (e.k) {
      case 'func':
        return { sort: 'func', v: { k: 'import', path, t: e.t } };
      case 'type':
        return { sort: 'type', v: e.t };
      case 'module':
        return { sort: 'core module', v: { ref: { k: 'import', path }, t: e.t } };
      case 'component':
        return { sort: 'component', v: { t: e.t } };
      case 'instance': {
        const exports = new Map<string, Value>();
        for (const [n, x] of e.t.exports) exports.set(n, this.symbolic(x, [...path, n], mode));
        return { sort: 'instance', v: { exports } };
      }
    }
  }

  // -------------------------------------------------------------- names

  private checkName(name: string, seen: Map<string, string>, at: number, what: string): void {
    const p = parseExternName(name);
    if (!p) this.fail(`${what} name is not a valid extern name`, at, JSON.stringify(name));
    const c = canonicalName(name);
    const prev = seen.get(c);
    if (prev !== undefined) this.fail(`${what} name ${JSON.stringify(name)} conflicts with previous name ${JSON.stringify(prev)}`, at);
    seen.set(c, name);
  }

  /** `[constructor]r`, `[method]r.f`, `[static]r.f`: functions of a resource named `r` in the same scope. */
  private checkAnnotatedName(_s: Scope, name: string, e: ExternT, at: number, scope: Map<string, ExternT>): void {
    const p = parseExternName(name);
    if (!p || p.k === 'plain' || p.k === 'interface') return;
    if (e.k !== 'func') this.fail(`${name} is not a function`, at);
    const res = scope.get(p.resource);
    if (!res || res.k !== 'type' || res.t.k !== 'resource') this.fail(`resource ${JSON.stringify(p.resource)} is not defined before ${JSON.stringify(name)}`, at);
    const r = res.t.r;
    if (p.k === 'constructor') {
      const out = e.t.result;
      const ok = out !== undefined && ((out.k === 'own' && out.r === r) || (out.k === 'result' && out.ok?.k === 'own' && out.ok.r === r));
      if (!ok) this.fail('function should return `(own $T)` or `(result (own $T))`', at, name);
    } else if (p.k === 'method') {
      const first = e.t.params[0];
      if (!first || first.name !== 'self' || first.t.k !== 'borrow' || first.t.r !== r) this.fail('method should have at least one argument `self` of type `(borrow $T)`', at, name);
    }
  }

  // -------------------------------------------------------------- imports and exports

  private import(s: Scope, name: string, ext: AExtern, at: number, mode: ImportMode): void {
    this.checkName(name, s.importNames, at, 'import');
    if (mode.k === 'args') {
      // Instantiated: the argument is the import (already matched against the import's type).
      const t = this.externDecl(s, ext, at, [], () => this.newResource({ k: 'abstract' }));
      const a = mode.args.get(name);
      let v: Value;
      if (a) v = a;
      else if (t.k === 'instance' || t.k === 'type') v = this.symbolic(t, [name], { k: 'abstract' });
      else return this.fail('missing component instantiation argument', at, JSON.stringify(name));
      for (const r of externResources(this.typeOf(v))) s.named.add(r);
      this.push(s, v);
      return;
    }
    if (mode.k === 'root' && ext.k === 'component') this.unsupported('root-level component imports are not supported', at);
    const resource = mode.k === 'root' ? (path: string[] = []) => this.newResource({ k: 'imported', path: [name, ...path] }) : () => this.newResource({ k: 'abstract' });
    const t = this.externDecl(s, ext, at, s.abstractImported, resource);
    this.checkAnnotatedName(s, name, t, at, s.imports);
    s.imports.set(name, t);
    for (const r of externResources(t)) s.named.add(r);
    if (mode.k === 'root') this.flat.imports.push({ name, t });
    this.push(s, this.symbolic(t, [name], mode.k === 'root' ? mode : { k: 'abstract' }));
  }

  private export(s: Scope, d: Extract<ADef, { k: 'export' }>, mode: ImportMode, exports: Map<string, Value>): void {
    this.checkName(d.name, s.exportNames, d.at, 'export');
    const v = this.sortValue(s, d.sort, d.idx, d.at);
    let t = this.typeOf(v);
    if (d.ext) {
      const declared = this.externDecl(s, d.ext, d.at, []);
      const b = newBindings();
      for (const r of externResources(declared)) b.bindable.add(r);
      const why = matchExtern(t, declared, b, `export ${JSON.stringify(d.name)}`);
      if (why !== undefined) this.fail('type mismatch in export', d.at, why);
      t = substExtern(declared, b.bound);
    }
    this.checkAnnotatedName(s, d.name, t, d.at, s.exports);
    // Resources the export exports itself (as a type, or as a type export of an exported instance) are named by it.
    exportedResources(t, s.named);
    for (const r of freeResources(t)) {
      if (!s.named.has(r)) this.fail(`export ${JSON.stringify(d.name)} refers to a resource that is neither imported nor exported before it`, d.at);
    }
    s.exports.set(d.name, t);
    exports.set(d.name, v);
    this.push(s, v);
    if (mode.k === 'root') this.flat.exports.push({ name: d.name, item: this.rootItem(v, d.name, d.at) });
  }

  /** A root export as the flat component records it (Wasmtime's restrictions on root exports apply). */
  private rootItem(v: Value, name: string, at: number): FlatItem {
    switch (v.sort) {
      case 'func':
        if (v.v.k === 'import') this.unsupported(`component export \`${name}\` is a reexport of an imported function which is not implemented`, at);
        return { k: 'func', f: v.v };
      case 'type':
        return { k: 'type', t: v.v };
      case 'core module':
        return { k: 'module', m: this.moduleRef(v.v), t: v.v.t };
      case 'component':
        return this.unsupported('exporting a component from the root component is not supported', at);
      case 'instance':
        return { k: 'instance', exports: [...v.v.exports].map(([n, x]) => ({ name: n, item: this.rootItem(x, name, at) })) };
    }
  }

  // -------------------------------------------------------------- canonical definitions

  private coreFunc(s: Scope, idx: number, at: number, what: string): CoreV {
    const f = this.index(s.coreFuncs, idx, 'core func', at);
    if (f.t.k !== 'func') this.fail(`${what} is not a function`, at);
    return f;
  }

  private opts(s: Scope, o: ACanonOpts, at: number): FlatOpts {
    const out: FlatOpts = { encoding: o.encoding ?? 'utf8' };
    if (o.memory !== undefined) {
      const m = this.index(s.coreMemories, o.memory, 'memory', at);
      out.memory = m.item;
    }
    if (o.realloc !== undefined) {
      const f = this.coreFunc(s, o.realloc, at, 'realloc');
      const t = (f.t as { t: FuncType }).t;
      if (t.params.length !== 4 || t.params.some((p) => p !== I32) || t.results.length !== 1 || t.results[0] !== I32) {
        this.fail('canonical option `realloc` uses a core function with an incorrect signature', at, 'expected (func (param i32 i32 i32 i32) (result i32))');
      }
      out.realloc = f.item;
    }
    if (o.postReturn !== undefined) out.postReturn = this.coreFunc(s, o.postReturn, at, 'post-return').item;
    return out;
  }

  private canon(s: Scope, c: ACanon, at: number): void {
    if (s.kind !== 'component') this.fail('canonical definitions are only allowed in components', at);
    switch (c.k) {
      case 'lift': {
        const core = this.coreFunc(s, c.coreFunc, at, 'the lifted function');
        const d = this.index(s.types, c.typeIdx, 'type', at);
        if (d.k !== 'func') this.fail('type index is not a function type', at, `type ${c.typeIdx}`);
        const ft = d.t;
        const opts = this.opts(s, c.opts, at);
        const flat = flattenFunc(ft, 'lift');
        const actual = (core.t as { t: FuncType }).t;
        if (!sameCore(actual, flat)) this.fail('type mismatch in lifted function', at, `the core function is ${coreFuncText(actual)}, lifting needs ${coreFuncText(flat)}`);
        this.checkOpts(ft, opts, c.opts, 'lift', at);
        if (c.opts.postReturn !== undefined) {
          const pr = (this.coreFunc(s, c.opts.postReturn, at, 'post-return').t as { t: FuncType }).t;
          if (!sameCore(pr, { params: flat.results, results: [] })) this.fail('canonical option `post-return` uses a core function with an incorrect signature', at, `expected ${coreFuncText({ params: flat.results, results: [] })}`);
        }
        s.funcs.push({ k: 'lift', core: core.item, opts, component: s.component, t: ft });
        return;
      }
      case 'lower': {
        const f = this.index(s.funcs, c.func, 'func', at);
        if (c.opts.postReturn !== undefined) this.fail('canonical option `post-return` cannot be specified for lowerings', at);
        const opts = this.opts(s, c.opts, at);
        this.checkOpts(f.t, opts, c.opts, 'lower', at);
        const t = flattenFunc(f.t, 'lower');
        const index = this.flat.coreFuncs.length;
        this.flat.coreFuncs.push({ k: 'lower', func: f, opts, component: s.component, t: f.t });
        const ct: CoreExternT = { k: 'func', t };
        s.coreFuncs.push({ item: { k: 'func', index, t: ct }, t: ct });
        return;
      }
      default: {
        const r = this.resourceAt(s, c.typeIdx, at);
        if (c.k !== 'resource.drop' && !s.defined.has(r)) this.fail(`\`${c.k}\` requires a resource defined by this component`, at);
        const t: FuncType = c.k === 'resource.drop' ? { params: [I32], results: [] } : { params: [I32], results: [I32] };
        const index = this.flat.coreFuncs.length;
        this.flat.coreFuncs.push({ k: c.k, r, component: s.component });
        const ct: CoreExternT = { k: 'func', t };
        s.coreFuncs.push({ item: { k: 'func', index, t: ct }, t: ct });
      }
    }
  }

  /** Which options a function type requires: `memory` when values travel in memory, `realloc` when the other side allocates. */
  private checkOpts(ft: FuncT, opts: FlatOpts, raw: ACanonOpts, context: 'lift' | 'lower', at: number): void {
    const params = ft.params.map((p) => p.t);
    const results = ft.result ? [ft.result] : [];
    const spillParams = params.flatMap((t) => flatten(t)).length > MAX_FLAT_PARAMS;
    const spillResults = results.flatMap((t) => flatten(t)).length > MAX_FLAT_RESULTS;
    const memParams = params.some(needsMemory);
    const memResults = results.some(needsMemory);
    const needMemory = memParams || memResults || spillParams || spillResults;
    // Lifting allocates the parameters in the callee's memory; lowering allocates the results in the caller's.
    const needRealloc = context === 'lift' ? memParams || spillParams : memResults;
    if (needMemory && !opts.memory) this.fail('canonical option `memory` is required', at);
    if (needRealloc && !opts.realloc) this.fail('canonical option `realloc` is required', at);
    void raw;
  }
}

/** Resources an extern type exports as types: itself a resource, or those of its instance's type exports. */
function exportedResources(t: ExternT, out: Set<number>): void {
  if (t.k === 'type' && t.t.k === 'resource') out.add(t.t.r);
  else if (t.k === 'instance') for (const e of t.t.exports.values()) exportedResources(e, out);
}

function depthOf(t: ValT): number {
  switch (t.k) {
    case 'list':
    case 'option':
      return 1 + depthOf(t.t);
    case 'record':
      return 1 + Math.max(0, ...t.fields.map((f) => depthOf(f.t)));
    case 'tuple':
      return 1 + Math.max(0, ...t.ts.map(depthOf));
    case 'variant':
      return 1 + Math.max(0, ...t.cases.map((c) => (c.t ? depthOf(c.t) : 0)));
    case 'result':
      return 1 + Math.max(t.ok ? depthOf(t.ok) : 0, t.err ? depthOf(t.err) : 0);
    default:
      return 1;
  }
}

function sameCore(a: FuncType, b: { params: readonly ValType[]; results: readonly ValType[] }): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length && a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

function coreFuncText(t: { params: readonly ValType[]; results: readonly ValType[] }): string {
  return `(func (param ${t.params.map(valTypeName).join(' ')}) (result ${t.results.map(valTypeName).join(' ')}))`;
}

/** A core module's type: its imports and exports. */
export function moduleTypeOf(m: Module): ModuleT {
  const imports: ModuleT['imports'] = m.imports.map((imp) => {
    const d = imp.desc;
    const t: CoreExternT =
      d.kind === ExternKind.Func ? { k: 'func', t: m.types[d.typeIndex] } : d.kind === ExternKind.Table ? { k: 'table', t: d.table } : d.kind === ExternKind.Memory ? { k: 'memory', t: d.memory } : { k: 'global', t: d.global };
    return { module: imp.module, name: imp.name, t };
  });
  const exports = new Map<string, CoreExternT>();
  for (const e of m.exports) {
    const t: CoreExternT =
      e.kind === ExternKind.Func ? { k: 'func', t: m.types[m.funcTypes[e.index]] } : e.kind === ExternKind.Table ? { k: 'table', t: m.tables[e.index] } : e.kind === ExternKind.Memory ? { k: 'memory', t: m.memories[e.index] } : { k: 'global', t: m.globals[e.index] };
    exports.set(e.name, t);
  }
  return { imports, exports };
}

/**
 * Validates a decoded component and flattens its instantiation. Throws `WasmError`: `invalid`
 * for a rule broken, `unsupported` for what Windlass (like Wasmtime) does not run: component
 * imports and exports at the root, root exports of imported functions.
 */
export function validateComponent(ast: AComponent): ValidatedComponent {
  const flat = emptyFlat();
  const ev = new Evaluator(flat);
  const { scope, exports } = ev.evaluate(ast, { k: 'root' }, undefined, 0);
  void exports;
  const type: ComponentT = { imports: scope.imports, exports: scope.exports, imported: scope.abstractImported, exported: [] };
  return { ast, flat, type };
}

