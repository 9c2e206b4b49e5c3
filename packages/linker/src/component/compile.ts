/**
 * `compileComponent`: a component binary in, ONE artifact out. The frontend validates the
 * component and flattens its instantiation; this file turns that into an instantiation plan,
 * writing an adapter module for every `canon lower` (fused with the `canon lift` it lowers, or
 * to the host's form for an imported function), one per exported function (from the host's
 * form), and a shim per `resource.drop`; then every core module, the component's and the
 * generated ones, is compiled into the one `.text` by `compileModules`.
 *
 * ```
 *  bytes ──parseComponent──> FlatComponent ──PlanBuilder──> ComponentPlan + generated modules
 *        ──compileModules(component modules ++ adapters ++ shims)──> Artifact { kind: 'component' }
 * ```
 */
import {
  ExternKind,
  I32,
  I64,
  Code,
  ModuleBuilder,
  ancestors,
  parseComponent,
  parseModule,
  valTName,
  type CoreItem,
  type FlatComponent,
  type FlatCoreFunc,
  type FlatFunc,
  type FlatItem,
  type FlatOpts,
  type FuncT,
  type Module,
  type ValidatedComponent,
  type WasmFeatures,
} from '@windlass/wasm-frontend';
import type { Artifact } from '../artifact';
import { compileModules, type CompileOptions } from '../compile';
import { ADAPTER_EXPORT, generateAdapter, type AdapterImport, type AdapterSide, type AdapterSpec } from './adapter';
import { HOST_COMPONENT, ModuleRole, type ComponentPlan, type PlanExport, type PlanItem, type PlanResource, type PlanStep } from './plan';
import { RUNTIME_IMPORT_MODULE } from './runtime-abi';

const FEATURES: WasmFeatures = { multiMemory: true };

/** The export of every drop shim. */
export const DROP_EXPORT = 'drop';

function funcText(t: FuncT): string {
  return `func(${t.params.map((p) => `${p.name}: ${valTName(p.t)}`).join(', ')})${t.result ? ` -> ${valTName(t.result)}` : ''}`;
}

/** The drop shim: `resource.drop` of the runtime, then the destructor when it returns a representation. */
function dropShim(): Uint8Array {
  const m = new ModuleBuilder();
  const rdrop = m.importFunc(RUNTIME_IMPORT_MODULE, 'resource.drop', { params: [I32], results: [I64] });
  const dtor = m.importFunc('shim', 'dtor', { params: [I32], results: [] });
  const c = new Code(1);
  const rep = c.local(I64);
  c.get(0).call(rdrop).tee(rep).i64(-1n).op(0x52); // i64.ne
  c.if().get(rep).op(0xa7).call(dtor).end(); // i32.wrap_i64
  m.export(DROP_EXPORT, ExternKind.Func, m.func({ params: [I32], results: [] }, c));
  return m.finish();
}

const HOST_SIDE: AdapterSide = { encoding: 'utf8', memory: true, realloc: true };

class PlanBuilder {
  readonly steps: PlanStep[] = [];
  readonly generated: { bytes: Uint8Array; role: ModuleRole; description: string }[] = [];
  readonly roles: { role: ModuleRole; description: string }[] = [];
  private readonly genIndex = new Map<string, number>();
  private readonly stepOf: number[] = [];
  private readonly funcItems = new Map<number, PlanItem>();
  private readonly dropShims = new Map<string, number>();
  private readonly resourceStep = new Set<number>();
  private readonly slots = { funcs: new Map<string, number>(), modules: new Map<string, number>(), resources: new Map<string, number>() };
  private readonly imports = { funcs: [] as string[][], modules: [] as string[][], resources: [] as string[][] };
  private exportFuncs = 0;

  constructor(readonly flat: FlatComponent) {
    for (const m of flat.modules) this.roles.push({ role: ModuleRole.Core, description: m.names?.module ?? '' });
  }

  private slot(kind: 'funcs' | 'modules' | 'resources', path: string[]): number {
    const key = JSON.stringify(path);
    let s = this.slots[kind].get(key);
    if (s === undefined) {
      s = this.imports[kind].length;
      this.imports[kind].push(path);
      this.slots[kind].set(key, s);
    }
    return s;
  }

  /** A generated module's artifact index (equal bytes: one module). */
  private module(bytes: Uint8Array, role: ModuleRole, description: string): number {
    let key = '';
    for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]);
    let i = this.genIndex.get(key);
    if (i === undefined) {
      i = this.flat.modules.length + this.generated.length;
      this.generated.push({ bytes, role, description });
      this.roles.push({ role, description });
      this.genIndex.set(key, i);
    }
    return i;
  }

  private instantiate(module: number, component: number, args: PlanItem[]): number {
    this.steps.push({ k: 'instantiate', module: { k: 'static', index: module }, component, args });
    return this.steps.length - 1;
  }

  build(): ComponentPlan {
    const flat = this.flat;
    flat.instances.forEach((inst, i) => {
      const args = inst.args.map((a) => this.item(a));
      if (inst.module.k === 'static') this.steps.push({ k: 'instantiate', module: inst.module, component: inst.component, args });
      else this.steps.push({ k: 'instantiate', module: { k: 'import', slot: this.slot('modules', inst.module.path) }, component: inst.component, args, names: inst.argNames ?? [] });
      this.stepOf[i] = this.steps.length - 1;
    });
    const exports = flat.exports.map((e) => ({ name: e.name, item: this.exportItem(e.item, [e.name]) }));
    // Every defined resource gets its destructor once everything it may name exists.
    flat.resources.forEach((r, i) => {
      if (r?.k === 'defined') this.defineResource(i);
    });
    const resources: PlanResource[] = flat.resources.map((r) => {
      if (r?.k === 'defined') return { k: 'defined', component: r.component };
      if (r?.k === 'imported') return { k: 'imported', slot: this.slot('resources', r.path) };
      return { k: 'unused' };
    });
    return {
      modules: this.roles,
      components: flat.components.map((c) => ({ parent: c.parent })),
      resources,
      steps: this.steps,
      imports: { root: flat.imports, funcs: this.imports.funcs, modules: this.imports.modules, resources: this.imports.resources },
      exports,
      exportFuncs: this.exportFuncs,
    };
  }

  private defineResource(r: number): void {
    if (this.resourceStep.has(r)) return;
    this.resourceStep.add(r);
    const def = this.flat.resources[r];
    if (def.k !== 'defined') return;
    this.steps.push(def.dtor ? { k: 'resource', r, dtor: this.item(def.dtor) } : { k: 'resource', r });
  }

  private item(ci: CoreItem): PlanItem {
    if (ci.k === 'export') return { k: 'export', step: this.stepOf[ci.instance], name: ci.name };
    let it = this.funcItems.get(ci.index);
    if (!it) {
      it = this.coreFunc(this.flat.coreFuncs[ci.index]);
      this.funcItems.set(ci.index, it);
    }
    return it;
  }

  private coreFunc(f: FlatCoreFunc): PlanItem {
    switch (f.k) {
      case 'resource.new':
      case 'resource.rep':
        return { k: 'runtime', fn: f.k, args: [f.component, f.r] };
      case 'resource.drop': {
        const key = `${f.component}:${f.r}`;
        let step = this.dropShims.get(key);
        if (step === undefined) {
          if (this.flat.resources[f.r]?.k === 'defined') this.defineResource(f.r);
          const m = this.module(dropShim(), ModuleRole.DropShim, 'resource.drop: the runtime drop, then the destructor');
          step = this.instantiate(m, f.component, [{ k: 'runtime', fn: 'resource.drop', args: [f.component, f.r] }, { k: 'dtor', r: f.r }]);
          this.dropShims.set(key, step);
        }
        return { k: 'export', step, name: DROP_EXPORT };
      }
      case 'lower':
        return this.lowering(f);
    }
  }

  private side(o: FlatOpts, postReturn = false): AdapterSide {
    const s: AdapterSide = { encoding: o.encoding, memory: o.memory !== undefined, realloc: o.realloc !== undefined };
    if (postReturn && o.postReturn) s.postReturn = true;
    return s;
  }

  /** The core function of a `canon lower`: an adapter, fused with the lifted callee or to the host's form. */
  private lowering(f: Extract<FlatCoreFunc, { k: 'lower' }>): PlanItem {
    const g = f.func;
    if (g.k === 'lift') {
      const a = ancestors(this.flat, f.component);
      const b = ancestors(this.flat, g.component);
      const reenters = a.includes(g.component) || b.includes(f.component);
      const spec: AdapterSpec = reenters
        ? { t: f.t, lower: this.side(f.opts), lift: this.side(g.opts, true), trap: 'cannot-enter' }
        : { t: f.t, lower: this.side(f.opts), lift: this.side(g.opts, true) };
      const what = `adapter: component instance ${f.component} calls component instance ${g.component}${reenters ? ' (re-entry: traps)' : ''}: ${funcText(f.t)}`;
      return this.adapter(spec, ModuleRole.Adapter, what, { component: f.component, opts: f.opts }, { component: g.component, opts: g.opts, callee: this.item(g.core) });
    }
    const slot = this.slot('funcs', g.path);
    const spec: AdapterSpec = { t: f.t, lower: this.side(f.opts), lift: { ...HOST_SIDE, host: true } };
    return this.adapter(spec, ModuleRole.ImportAdapter, `import adapter: component instance ${f.component} calls import ${g.path.map((p) => JSON.stringify(p)).join('.')}: ${funcText(f.t)}`, { component: f.component, opts: f.opts }, { component: HOST_COMPONENT, host: true, callee: { k: 'import', slot } });
  }

  /** Instantiates the adapter of `spec`, binding each of its imports; returns its export. */
  private adapter(
    spec: AdapterSpec,
    role: ModuleRole,
    description: string,
    lower: { component: number; opts?: FlatOpts; host?: boolean },
    lift: { component: number; opts?: FlatOpts; host?: boolean; callee: PlanItem },
  ): PlanItem {
    const a = generateAdapter(spec);
    const sides = { lower, lift };
    const bind = (imp: AdapterImport): PlanItem => {
      switch (imp.k) {
        case 'callee':
          return lift.callee;
        case 'memory': {
          const s = sides[imp.side];
          return s.host ? { k: 'host-memory' } : this.item(s.opts!.memory!);
        }
        case 'realloc': {
          const s = sides[imp.side];
          return s.host ? { k: 'runtime', fn: 'host.realloc', args: [] } : this.item(s.opts!.realloc!);
        }
        case 'post-return':
          return this.item(lift.opts!.postReturn!);
        case 'flags':
          return { k: 'flags', component: sides[imp.side].component };
        case 'runtime':
          return { k: 'runtime', fn: imp.fn, args: [] };
        case 'resource':
          return { k: 'runtime', fn: imp.fn, args: [sides[imp.side].component, imp.r] };
      }
    };
    const args = a.imports.map(bind);
    const m = this.module(a.bytes, role, description);
    const step = this.instantiate(m, lower.host ? lift.component : lower.component, args);
    return { k: 'export', step, name: ADAPTER_EXPORT };
  }

  private exportFunc(g: FlatFunc, path: string[]): PlanExport {
    if (g.k !== 'lift') throw new Error('a root export of an imported function reached the linker');
    const spec: AdapterSpec = { t: g.t, lower: { ...HOST_SIDE, host: true }, lift: this.side(g.opts, true) };
    const item = this.adapter(spec, ModuleRole.ExportAdapter, `export adapter: ${path.map((p) => JSON.stringify(p)).join('.')} of component instance ${g.component}: ${funcText(g.t)}`, { component: HOST_COMPONENT, host: true }, { component: g.component, opts: g.opts, callee: this.item(g.core) });
    if (item.k !== 'export') throw new Error('unreachable');
    return { k: 'func', step: item.step, name: item.name, t: g.t, index: this.exportFuncs++ };
  }

  private exportItem(it: FlatItem, path: string[]): PlanExport {
    switch (it.k) {
      case 'func':
        return this.exportFunc(it.f, path);
      case 'instance':
        return { k: 'instance', exports: it.exports.map((e) => ({ name: e.name, item: this.exportItem(e.item, [...path, e.name]) })) };
      case 'module':
        return { k: 'module', module: it.m.k === 'static' ? it.m : { k: 'import', slot: this.slot('modules', it.m.path) }, t: it.t };
      case 'type':
        return { k: 'type', t: it.t };
      case 'component':
        throw new Error('a root export of a component reached the linker');
    }
  }
}

/** Options of `compileComponent`: those of `compileModule` (target, settings, bounds checks). */
export type ComponentCompileOptions = CompileOptions;

/**
 * Compiles a component (bytes, or what `parseComponent` returned) into one artifact. Throws the
 * frontend's `WasmError` for malformed, invalid or unsupported components, `ArtifactBuildError`
 * when a function does not compile, and the codegen's errors for a bad target or setting.
 */
export function compileComponent(input: Uint8Array | ValidatedComponent, opts: ComponentCompileOptions = {}): Artifact {
  const v = input instanceof Uint8Array ? parseComponent(input) : input;
  const b = new PlanBuilder(v.flat);
  const plan = b.build();
  const generated: Module[] = b.generated.map((g) => parseModule(g.bytes, FEATURES));
  const core = compileModules([...v.flat.modules, ...generated], opts);
  return { kind: 'component', ...core, component: plan };
}
