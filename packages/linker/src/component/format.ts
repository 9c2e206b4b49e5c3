/**
 * The instantiation plan's section (`.windlass.component`), little-endian like every `.windlass.*`
 * section:
 *
 * ```
 *  u32 n, n x (u8 role, str description)          per artifact module
 *  u32 n, n x u32 parent                          component instances (0xffffffff: the root's)
 *  u32 n, n x resource                            u8 0 unused | 1 defined, u32 component | 2 imported, u32 slot
 *  u32 n, n x step                                u8 0 instantiate: u8 0 static u32 module | 1 imported u32 slot,
 *                                                   u32 component, u32 n, n x item, [imported: n x (str, str)
 *                                                   the import each item is for]
 *                                                 u8 1 resource: u32 r, u8 has dtor, [item]
 *  imports: u32 n, n x (str name, extern);  3 x (u32 n, n x path)   functions, modules, resources
 *  exports: u32 n, n x (str name, export);  u32 exported functions
 *  item:    u8 0 export u32 step str name | 1 runtime u8 fn u32 n n x u32 | 2 host memory
 *           | 3 flags u32 component | 4 import u32 slot | 5 dtor u32 resource
 *  export:  u8 0 func u32 step str name functype u32 index | 1 instance u32 n n x (str, export)
 *           | 2 module (u8 0 static u32 | 1 imported u32) moduletype | 3 type typedef
 *  path:    u32 n, n x str
 * ```
 *
 * Types (value, function, module, instance, component types) are written as tagged trees;
 * resources are indexes into the plan's resources. `decodePlan` checks every count, index and
 * tag, so the loader can trust what it is given.
 */
import { isValType, type CoreExternT, type ExternT, type FuncT, type InstanceT, type ComponentT, type ModuleT, type PrimName, type TypeDef, type ValT, type ValType } from '@windlass/wasm-frontend';
import { LeReader, LeWriter } from '../format/bytes';
import { HOST_COMPONENT, RUNTIME_FUNCTIONS, type ComponentPlan, type PlanExport, type PlanItem, type PlanResource, type PlanStep } from './plan';

const NONE = 0xffffffff;
const PRIMS: PrimName[] = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string'];
const MAX_DEPTH = 200;

// ------------------------------------------------------------------ writing

function valT(w: LeWriter, t: ValT): void {
  const p = PRIMS.indexOf(t.k as PrimName);
  if (p >= 0) {
    w.u8(p);
    return;
  }
  switch (t.k) {
    case 'list':
      w.u8(20);
      valT(w, t.t);
      return;
    case 'record':
      w.u8(21).u32(t.fields.length);
      for (const f of t.fields) {
        w.str(f.name);
        valT(w, f.t);
      }
      return;
    case 'tuple':
      w.u8(22).u32(t.ts.length);
      for (const x of t.ts) valT(w, x);
      return;
    case 'variant':
      w.u8(23).u32(t.cases.length);
      for (const c of t.cases) {
        w.str(c.name).u8(c.t ? 1 : 0);
        if (c.t) valT(w, c.t);
      }
      return;
    case 'enum':
    case 'flags':
      w.u8(t.k === 'enum' ? 24 : 25).u32(t.names.length);
      for (const n of t.names) w.str(n);
      return;
    case 'option':
      w.u8(26);
      valT(w, t.t);
      return;
    case 'result':
      w.u8(27).u8((t.ok ? 1 : 0) | (t.err ? 2 : 0));
      if (t.ok) valT(w, t.ok);
      if (t.err) valT(w, t.err);
      return;
    case 'own':
    case 'borrow':
      w.u8(t.k === 'own' ? 28 : 29).u32(t.r);
      return;
  }
}

function funcT(w: LeWriter, f: FuncT): void {
  w.u32(f.params.length);
  for (const p of f.params) {
    w.str(p.name);
    valT(w, p.t);
  }
  w.u8(f.result ? 1 : 0);
  if (f.result) valT(w, f.result);
}

function limits(w: LeWriter, l: { min: number; max?: number }): void {
  w.u8(l.max === undefined ? 0 : 1).u32(l.min).u32(l.max ?? 0);
}

function coreExtern(w: LeWriter, t: CoreExternT): void {
  switch (t.k) {
    case 'func':
      w.u8(0).u32(t.t.params.length);
      for (const p of t.t.params) w.u8(p);
      w.u32(t.t.results.length);
      for (const r of t.t.results) w.u8(r);
      return;
    case 'table':
      w.u8(1).u8(t.t.elem);
      limits(w, t.t.limits);
      return;
    case 'memory':
      w.u8(2);
      limits(w, t.t.limits);
      return;
    case 'global':
      w.u8(3).u8(t.t.type).u8(t.t.mutable ? 1 : 0);
  }
}

function moduleT(w: LeWriter, t: ModuleT): void {
  w.u32(t.imports.length);
  for (const i of t.imports) {
    w.str(i.module).str(i.name);
    coreExtern(w, i.t);
  }
  w.u32(t.exports.size);
  for (const [n, e] of t.exports) {
    w.str(n);
    coreExtern(w, e);
  }
}

function namedMap(w: LeWriter, m: Map<string, ExternT>): void {
  w.u32(m.size);
  for (const [n, e] of m) {
    w.str(n);
    externT(w, e);
  }
}

function ids(w: LeWriter, xs: number[]): void {
  w.u32(xs.length);
  for (const x of xs) w.u32(x);
}

function typeDef(w: LeWriter, d: TypeDef): void {
  switch (d.k) {
    case 'val':
      w.u8(0);
      valT(w, d.t);
      return;
    case 'func':
      w.u8(1);
      funcT(w, d.t);
      return;
    case 'resource':
      w.u8(2).u32(d.r);
      return;
    case 'instance':
      w.u8(3);
      namedMap(w, d.t.exports);
      ids(w, d.t.abstract);
      return;
    case 'component':
      w.u8(4);
      namedMap(w, d.t.imports);
      namedMap(w, d.t.exports);
      ids(w, d.t.imported);
      ids(w, d.t.exported);
  }
}

function externT(w: LeWriter, e: ExternT): void {
  switch (e.k) {
    case 'module':
      w.u8(0);
      moduleT(w, e.t);
      return;
    case 'func':
      w.u8(1);
      funcT(w, e.t);
      return;
    case 'type':
      w.u8(2);
      typeDef(w, e.t);
      return;
    case 'instance':
      w.u8(3);
      typeDef(w, { k: 'instance', t: e.t });
      return;
    case 'component':
      w.u8(4);
      typeDef(w, { k: 'component', t: e.t });
  }
}

function item(w: LeWriter, it: PlanItem): void {
  switch (it.k) {
    case 'export':
      w.u8(0).u32(it.step).str(it.name);
      return;
    case 'runtime':
      w.u8(1).u8(RUNTIME_FUNCTIONS.indexOf(it.fn));
      ids(w, it.args);
      return;
    case 'host-memory':
      w.u8(2);
      return;
    case 'flags':
      w.u8(3).u32(it.component);
      return;
    case 'import':
      w.u8(4).u32(it.slot);
      return;
    case 'dtor':
      w.u8(5).u32(it.r);
  }
}

function moduleRef(w: LeWriter, m: { k: 'static'; index: number } | { k: 'import'; slot: number }): void {
  if (m.k === 'static') w.u8(0).u32(m.index);
  else w.u8(1).u32(m.slot);
}

function planExport(w: LeWriter, e: PlanExport): void {
  switch (e.k) {
    case 'func':
      w.u8(0).u32(e.step).str(e.name);
      funcT(w, e.t);
      w.u32(e.index);
      return;
    case 'instance':
      w.u8(1).u32(e.exports.length);
      for (const x of e.exports) {
        w.str(x.name);
        planExport(w, x.item);
      }
      return;
    case 'module':
      w.u8(2);
      moduleRef(w, e.module);
      moduleT(w, e.t);
      return;
    case 'type':
      w.u8(3);
      typeDef(w, e.t);
  }
}

function paths(w: LeWriter, ps: string[][]): void {
  w.u32(ps.length);
  for (const p of ps) {
    w.u32(p.length);
    for (const s of p) w.str(s);
  }
}

export function encodePlan(p: ComponentPlan): Uint8Array {
  const w = new LeWriter();
  w.u32(p.modules.length);
  for (const m of p.modules) w.u8(m.role).str(m.description);
  w.u32(p.components.length);
  for (const c of p.components) w.u32(c.parent < 0 ? NONE : c.parent);
  w.u32(p.resources.length);
  for (const r of p.resources) {
    if (r.k === 'unused') w.u8(0);
    else if (r.k === 'defined') w.u8(1).u32(r.component);
    else w.u8(2).u32(r.slot);
  }
  w.u32(p.steps.length);
  for (const s of p.steps) {
    if (s.k === 'instantiate') {
      w.u8(0);
      moduleRef(w, s.module);
      w.u32(s.component).u32(s.args.length);
      for (const a of s.args) item(w, a);
      if (s.module.k === 'import') for (const [m, n] of s.names ?? []) w.str(m).str(n);
    } else {
      w.u8(1).u32(s.r).u8(s.dtor ? 1 : 0);
      if (s.dtor) item(w, s.dtor);
    }
  }
  w.u32(p.imports.root.length);
  for (const i of p.imports.root) {
    w.str(i.name);
    externT(w, i.t);
  }
  paths(w, p.imports.funcs);
  paths(w, p.imports.modules);
  paths(w, p.imports.resources);
  w.u32(p.exports.length);
  for (const e of p.exports) {
    w.str(e.name);
    planExport(w, e.item);
  }
  w.u32(p.exportFuncs);
  return w.finish();
}

// ------------------------------------------------------------------ reading, with every check

/** What the plan's indexes are checked against. */
export interface PlanBounds {
  /** Artifact modules, with their import counts. */
  moduleImports: number[];
}

class PlanReader {
  private depth = 0;
  resources = 0;

  constructor(readonly r: LeReader) {}

  private deeper(): void {
    if (++this.depth > MAX_DEPTH) this.r.fail(`types nested more than ${MAX_DEPTH} deep`);
  }

  resource(what: string): number {
    return this.r.index(what, this.resources);
  }

  valT(): ValT {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8('value type');
    if (tag < PRIMS.length) return { k: PRIMS[tag] } as ValT;
    this.deeper();
    let t: ValT;
    switch (tag) {
      case 20:
        t = { k: 'list', t: this.valT() };
        break;
      case 21: {
        const n = r.count('record fields', 5);
        if (n === 0) r.fail('a record without fields', at);
        const fields: { name: string; t: ValT }[] = [];
        for (let i = 0; i < n; i++) fields.push({ name: r.str('field name'), t: this.valT() });
        t = { k: 'record', fields };
        break;
      }
      case 22: {
        const n = r.count('tuple types', 1);
        if (n === 0) r.fail('a tuple without types', at);
        const ts: ValT[] = [];
        for (let i = 0; i < n; i++) ts.push(this.valT());
        t = { k: 'tuple', ts };
        break;
      }
      case 23: {
        const n = r.count('variant cases', 5);
        if (n === 0) r.fail('a variant without cases', at);
        const cases: { name: string; t?: ValT }[] = [];
        for (let i = 0; i < n; i++) {
          const name = r.str('case name');
          const has = r.u8('case payload flag');
          if (has > 1) r.fail(`case payload flag ${has}`);
          cases.push(has ? { name, t: this.valT() } : { name });
        }
        t = { k: 'variant', cases };
        break;
      }
      case 24:
      case 25: {
        const n = r.count('names', 4);
        if (n === 0 || (tag === 25 && n > 32)) r.fail(`${n} ${tag === 24 ? 'enum cases' : 'flags'}`, at);
        const names: string[] = [];
        for (let i = 0; i < n; i++) names.push(r.str('name'));
        t = { k: tag === 24 ? 'enum' : 'flags', names };
        break;
      }
      case 26:
        t = { k: 'option', t: this.valT() };
        break;
      case 27: {
        const f = r.u8('result flags');
        if (f > 3) r.fail(`result flags ${f}`, at);
        const res: ValT = { k: 'result' };
        if (f & 1) res.ok = this.valT();
        if (f & 2) res.err = this.valT();
        t = res;
        break;
      }
      case 28:
      case 29:
        t = { k: tag === 28 ? 'own' : 'borrow', r: this.resource('handle resource') };
        break;
      default:
        return r.fail(`value type tag ${tag}`, at);
    }
    this.depth--;
    return t;
  }

  funcT(): FuncT {
    const r = this.r;
    const n = r.count('parameters', 5);
    const params: { name: string; t: ValT }[] = [];
    for (let i = 0; i < n; i++) params.push({ name: r.str('parameter name'), t: this.valT() });
    const at = r.pos;
    const has = r.u8('result flag');
    if (has > 1) r.fail(`result flag ${has}`, at);
    return has ? { params, result: this.valT() } : { params };
  }

  private valType(): ValType {
    const at = this.r.pos;
    const t = this.r.u8('core value type');
    if (!isValType(t)) this.r.fail(`0x${t.toString(16)} is not a core value type`, at);
    return t as ValType;
  }

  private limits(): { min: number; max?: number } {
    const r = this.r;
    const at = r.pos;
    const has = r.u8('limits flag');
    const min = r.u32('minimum');
    const max = r.u32('maximum');
    if (has > 1 || (has && max < min)) r.fail('bad limits', at);
    return has ? { min, max } : { min };
  }

  coreExtern(): CoreExternT {
    const r = this.r;
    const at = r.pos;
    const k = r.u8('core extern kind');
    switch (k) {
      case 0: {
        const np = r.count('parameters', 1);
        const params: ValType[] = [];
        for (let i = 0; i < np; i++) params.push(this.valType());
        const nr = r.count('results', 1);
        const results: ValType[] = [];
        for (let i = 0; i < nr; i++) results.push(this.valType());
        return { k: 'func', t: { params, results } };
      }
      case 1: {
        const eAt = r.pos;
        const elem = r.u8('table element type');
        if (elem !== 0x70 && elem !== 0x6f) r.fail(`table element type 0x${elem.toString(16)}`, eAt);
        return { k: 'table', t: { elem: elem as ValType, limits: this.limits() } };
      }
      case 2:
        return { k: 'memory', t: { limits: this.limits() } };
      case 3: {
        const type = this.valType();
        const m = r.u8('mutability');
        if (m > 1) r.fail(`mutability ${m}`);
        return { k: 'global', t: { type, mutable: m === 1 } };
      }
    }
    return r.fail(`core extern kind ${k}`, at);
  }

  moduleT(): ModuleT {
    const r = this.r;
    const ni = r.count('module type imports', 9);
    const imports: ModuleT['imports'] = [];
    for (let i = 0; i < ni; i++) imports.push({ module: r.str('import module'), name: r.str('import name'), t: this.coreExtern() });
    const ne = r.count('module type exports', 5);
    const exports = new Map<string, CoreExternT>();
    for (let i = 0; i < ne; i++) {
      const at = r.pos;
      const n = r.str('export name');
      if (exports.has(n)) r.fail(`export ${JSON.stringify(n)} twice`, at);
      exports.set(n, this.coreExtern());
    }
    return { imports, exports };
  }

  private namedMap(): Map<string, ExternT> {
    const r = this.r;
    const n = r.count('names', 5);
    const m = new Map<string, ExternT>();
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const name = r.str('name');
      if (m.has(name)) r.fail(`${JSON.stringify(name)} twice`, at);
      m.set(name, this.externT());
    }
    return m;
  }

  private ids(): number[] {
    const n = this.r.count('resources', 4);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.resource('quantified resource'));
    return out;
  }

  typeDef(): TypeDef {
    const r = this.r;
    const at = r.pos;
    const k = r.u8('type definition kind');
    this.deeper();
    let d: TypeDef;
    switch (k) {
      case 0:
        d = { k: 'val', t: this.valT() };
        break;
      case 1:
        d = { k: 'func', t: this.funcT() };
        break;
      case 2:
        d = { k: 'resource', r: this.resource('resource type') };
        break;
      case 3: {
        const exports = this.namedMap();
        const t: InstanceT = { exports, abstract: this.ids() };
        d = { k: 'instance', t };
        break;
      }
      case 4: {
        const imports = this.namedMap();
        const exports = this.namedMap();
        const t: ComponentT = { imports, exports, imported: this.ids(), exported: this.ids() };
        d = { k: 'component', t };
        break;
      }
      default:
        return r.fail(`type definition kind ${k}`, at);
    }
    this.depth--;
    return d;
  }

  externT(): ExternT {
    const r = this.r;
    const at = r.pos;
    const k = r.u8('extern kind');
    switch (k) {
      case 0:
        return { k: 'module', t: this.moduleT() };
      case 1:
        return { k: 'func', t: this.funcT() };
      case 2:
        return { k: 'type', t: this.typeDef() };
      case 3:
      case 4: {
        const d = this.typeDef();
        if (k === 3 && d.k === 'instance') return { k: 'instance', t: d.t };
        if (k === 4 && d.k === 'component') return { k: 'component', t: d.t };
        return r.fail(`extern kind ${k} with a ${d.k} type`, at);
      }
    }
    return r.fail(`extern kind ${k}`, at);
  }

  path(): string[] {
    const n = this.r.count('path', 4);
    if (n === 0) this.r.fail('an empty import path');
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.r.str('path name'));
    return out;
  }
}

export function decodePlan(r: LeReader, b: PlanBounds): ComponentPlan {
  const p = new PlanReader(r);
  const nModules = r.count('plan modules', 5);
  if (nModules !== b.moduleImports.length) r.fail(`${nModules} module roles for ${b.moduleImports.length} modules`);
  const modules: ComponentPlan['modules'] = [];
  for (let i = 0; i < nModules; i++) {
    const at = r.pos;
    const role = r.u8('module role');
    if (role > 4) r.fail(`module role ${role}`, at);
    modules.push({ role, description: r.str('module description') });
  }
  const nComponents = r.count('component instances', 4);
  if (nComponents === 0) r.fail('no root component instance');
  const components: { parent: number }[] = [];
  for (let i = 0; i < nComponents; i++) {
    const at = r.pos;
    const parent = r.u32('component parent');
    if (i === 0 ? parent !== NONE : parent >= i) r.fail(`component instance ${i} has parent ${parent}`, at);
    components.push({ parent: i === 0 ? -1 : parent });
  }
  const nResources = r.count('resources', 1);
  p.resources = nResources;
  // Slots are checked once the import paths are read.
  const resources: PlanResource[] = [];
  for (let i = 0; i < nResources; i++) {
    const at = r.pos;
    const k = r.u8('resource kind');
    if (k === 0) resources.push({ k: 'unused' });
    else if (k === 1) resources.push({ k: 'defined', component: r.index('resource component', nComponents) });
    else if (k === 2) resources.push({ k: 'imported', slot: r.u32('resource slot') });
    else r.fail(`resource kind ${k}`, at);
  }
  const component = (what: string): number => {
    const at = r.pos;
    const c = r.u32(what);
    if (c !== HOST_COMPONENT && c >= nComponents) r.fail(`${what} ${c} out of range (${nComponents} component instances)`, at);
    return c;
  };
  const nSteps = r.count('steps', 6);
  const steps: PlanStep[] = [];
  const pending: { at: number; slot: number; kind: 'funcs' | 'modules' }[] = [];
  const readItem = (stepIndex: number): PlanItem => {
    const at = r.pos;
    const k = r.u8('item kind');
    switch (k) {
      case 0: {
        const step = r.u32('item step');
        if (step >= stepIndex || steps[step].k !== 'instantiate') r.fail(`item names step ${step}, which is not an earlier instantiation`, at);
        return { k: 'export', step, name: r.str('item export name') };
      }
      case 1: {
        const fAt = r.pos;
        const f = r.u8('runtime function');
        const fn = RUNTIME_FUNCTIONS[f];
        if (fn === undefined) r.fail(`runtime function ${f}`, fAt);
        const n = r.count('runtime function arguments', 4);
        const needs = fn.startsWith('resource.') || fn.startsWith('own.') || fn.startsWith('borrow.') ? 2 : 0;
        if (n !== needs) r.fail(`runtime function ${fn} given ${n} arguments, it takes ${needs}`, fAt);
        const args: number[] = [];
        if (needs) {
          args.push(component('runtime function component'));
          args.push(p.resource('runtime function resource'));
        }
        return { k: 'runtime', fn, args };
      }
      case 2:
        return { k: 'host-memory' };
      case 3:
        return { k: 'flags', component: component('flags component') };
      case 4: {
        const slot = r.u32('import slot');
        pending.push({ at, slot, kind: 'funcs' });
        return { k: 'import', slot };
      }
      case 5:
        return { k: 'dtor', r: p.resource('destructor resource') };
    }
    return r.fail(`item kind ${k}`, at);
  };
  for (let i = 0; i < nSteps; i++) {
    const at = r.pos;
    const k = r.u8('step kind');
    if (k === 0) {
      const mAt = r.pos;
      const mk = r.u8('step module kind');
      let module: { k: 'static'; index: number } | { k: 'import'; slot: number };
      if (mk === 0) module = { k: 'static', index: r.index('step module', nModules) };
      else if (mk === 1) {
        const slot = r.u32('step module slot');
        pending.push({ at: mAt, slot, kind: 'modules' });
        module = { k: 'import', slot };
      } else return r.fail(`step module kind ${mk}`, mAt);
      const comp = r.index('step component', nComponents);
      const nArgs = r.count('step arguments', 1);
      if (module.k === 'static' && nArgs !== b.moduleImports[module.index]) r.fail(`step ${i} gives module ${module.index} ${nArgs} imports, it has ${b.moduleImports[module.index]}`, at);
      const args: PlanItem[] = [];
      const step: PlanStep = { k: 'instantiate', module, component: comp, args };
      steps.push(step);
      for (let j = 0; j < nArgs; j++) args.push(readItem(i));
      if (module.k === 'import') {
        const names: [string, string][] = [];
        for (let j = 0; j < nArgs; j++) names.push([r.str('argument import module'), r.str('argument import name')]);
        step.names = names;
      }
    } else if (k === 1) {
      const res = p.resource('step resource');
      if (resources[res].k !== 'defined') r.fail(`step ${i} defines resource ${res}, which is not one the component defines`, at);
      const has = r.u8('destructor flag');
      if (has > 1) r.fail(`destructor flag ${has}`);
      steps.push({ k: 'resource', r: res });
      if (has) (steps[i] as { dtor?: PlanItem }).dtor = readItem(i);
    } else r.fail(`step kind ${k}`, at);
  }
  const nRoot = r.count('root imports', 5);
  const root: { name: string; t: ExternT }[] = [];
  for (let i = 0; i < nRoot; i++) root.push({ name: r.str('import name'), t: p.externT() });
  const readPaths = (what: string): string[][] => {
    const n = r.count(what, 8);
    const out: string[][] = [];
    for (let i = 0; i < n; i++) out.push(p.path());
    return out;
  };
  const imports = { root, funcs: readPaths('imported functions'), modules: readPaths('imported modules'), resources: readPaths('imported resources') };
  for (const x of pending) if (x.slot >= imports[x.kind].length) r.fail(`import slot ${x.slot} out of range (${imports[x.kind].length})`, x.at);
  resources.forEach((res, i) => {
    if (res.k === 'imported' && res.slot >= imports.resources.length) r.fail(`resource ${i}: import slot ${res.slot} out of range`);
  });
  const funcIndexes = new Set<number>();
  const readExport = (): PlanExport => {
    const at = r.pos;
    const k = r.u8('export kind');
    switch (k) {
      case 0: {
        const step = r.index('export step', nSteps);
        if (steps[step].k !== 'instantiate') r.fail(`export names step ${step}, which is not an instantiation`, at);
        const name = r.str('export name');
        const t = p.funcT();
        const iAt = r.pos;
        const index = r.u32('export function index');
        if (funcIndexes.has(index)) r.fail(`export function index ${index} twice`, iAt);
        funcIndexes.add(index);
        return { k: 'func', step, name, t, index };
      }
      case 1: {
        const n = r.count('instance exports', 5);
        const exports: { name: string; item: PlanExport }[] = [];
        for (let i = 0; i < n; i++) exports.push({ name: r.str('export name'), item: readExport() });
        return { k: 'instance', exports };
      }
      case 2: {
        const mAt = r.pos;
        const mk = r.u8('module kind');
        let module: { k: 'static'; index: number } | { k: 'import'; slot: number };
        if (mk === 0) module = { k: 'static', index: r.index('exported module', nModules) };
        else if (mk === 1) module = { k: 'import', slot: r.index('exported module slot', imports.modules.length) };
        else return r.fail(`module kind ${mk}`, mAt);
        return { k: 'module', module, t: p.moduleT() };
      }
      case 3:
        return { k: 'type', t: p.typeDef() };
    }
    return r.fail(`export kind ${k}`, at);
  };
  const nExports = r.count('exports', 6);
  const exports: { name: string; item: PlanExport }[] = [];
  for (let i = 0; i < nExports; i++) exports.push({ name: r.str('export name'), item: readExport() });
  const at = r.pos;
  const exportFuncs = r.u32('exported function count');
  if (exportFuncs !== funcIndexes.size || [...funcIndexes].some((x) => x >= exportFuncs)) r.fail(`${exportFuncs} exported functions, numbered ${[...funcIndexes].join(', ')}`, at);
  r.end();
  return { modules, components, resources, steps, imports, exports, exportFuncs };
}
