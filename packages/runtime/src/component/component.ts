/**
 * Component artifacts in the runtime: `ComponentModule` (a loaded component artifact), and
 * `ComponentInstance` (its plan executed by the loader). Instantiation links the component's
 * imports to items of other component instances, checking their types the way the component
 * model says (resources by identity: an import's abstract resources are bound to the provided
 * ones); the loader then runs the plan. Exported functions are called with component values,
 * through their export adapters and the host's form (`abi.ts`).
 *
 * ```
 *  runtime.loadComponent(bytes) ──deserialize (kind component)──LOAD──> ComponentModule
 *  runtime.instantiateComponent(m, { imports }) ──matchExtern per import──INSTANTIATE_COMPONENT──> ComponentInstance
 *  instance.invoke('f', [values]) ──lowerArgs──INVOKE_COMPONENT──liftResults──> value
 * ```
 */
import {
  isEmptyInstance,
  matchExtern,
  newBindings,
  substFunc,
  substTypeDef,
  type ExternT,
  type FuncT,
  type ModuleT,
  type TypeDef,
} from '@windlass/wasm-frontend';
import type { Artifact, ComponentPlan, PlanExport, PlanItem } from '@windlass/linker';
import { LinkError } from '../errors';
import { Request, Writer } from '../protocol';
import type { CallOptions, Runtime } from '../runtime';
import { decodeValue, encodeValue, type WasmValue } from '../values';
import { liftResults, lowerArgs } from './abi';
import type { ComponentValue } from './values';

/** Something a component instance provides: what another component's import may be given. */
export type ComponentItem =
  | { k: 'func'; owner: ComponentInstance; index: number; t: FuncT }
  | { k: 'instance'; exports: Map<string, ComponentItem> }
  | { k: 'module'; artifact: number; module: number; t: ModuleT }
  | { k: 'type'; t: TypeDef };

const RUNTIME_FUNCTION_INDEX = new Map<string, number>();

export class ComponentModule {
  constructor(
    readonly runtime: Runtime,
    readonly artifact: Artifact,
    /** The loader's id of the artifact. */
    readonly id: number,
  ) {}

  get plan(): ComponentPlan {
    return this.artifact.component!;
  }

  /** The component's imports, with their types. */
  get imports(): { name: string; t: ExternT }[] {
    return this.plan.imports.root;
  }
}

export interface ComponentInstantiateOptions {
  /** What satisfies each import, by name. Imports of empty instances (and type equalities) may be left out. */
  imports?: Record<string, ComponentItem>;
  /** Time limit of the instantiation (start functions), in milliseconds (0: none). */
  timeoutMs?: number;
}

export class ComponentInstance {
  /** The root's exports, as items other components may import. */
  readonly exports: Map<string, ComponentItem>;

  constructor(
    readonly module: ComponentModule,
    /** The loader's id of the component instance. */
    readonly id: number,
    /** Runtime resource type of each of the plan's resources (0: unused). */
    readonly resources: number[],
    /** Imported modules: (artifact, module) per slot. */
    private readonly importedModules: [number, number][],
  ) {
    this.exports = new Map(module.plan.exports.map((e) => [e.name, this.item(e.item)]));
  }

  private readonly rename = (): Map<number, number> => new Map(this.resources.map((r, i) => [i, r]));

  private item(e: PlanExport): ComponentItem {
    const s = this.rename();
    switch (e.k) {
      case 'func':
        return { k: 'func', owner: this, index: e.index, t: substFunc(e.t, s) };
      case 'instance':
        return { k: 'instance', exports: new Map(e.exports.map((x) => [x.name, this.item(x.item)])) };
      case 'module':
        if (e.module.k === 'static') return { k: 'module', artifact: this.module.id, module: e.module.index, t: e.t };
        return { k: 'module', artifact: this.importedModules[e.module.slot][0], module: this.importedModules[e.module.slot][1], t: e.t };
      case 'type':
        return { k: 'type', t: substTypeDef(e.t, s) };
    }
  }

  /** The instance itself as an item (to satisfy an instance import of another component). */
  asItem(): ComponentItem {
    return { k: 'instance', exports: this.exports };
  }

  /** The exported function at `path` (an export name, or names into exported instances). */
  func(path: string | string[]): Extract<ComponentItem, { k: 'func' }> {
    const names = typeof path === 'string' ? [path] : path;
    let it: ComponentItem | undefined = { k: 'instance', exports: this.exports };
    for (const n of names) it = it?.k === 'instance' ? it.exports.get(n) : undefined;
    if (!it) throw new LinkError(`no export named ${JSON.stringify(names.join('.'))}`);
    if (it.k !== 'func') throw new LinkError(`export ${JSON.stringify(names.join('.'))} is a ${it.k === 'type' ? (it.t.k === 'resource' ? 'resource' : 'type') : it.k}, not a function`);
    return it;
  }

  /**
   * Calls exported function `path` with component values; returns its result (undefined
   * without one). Throws `Trap`, `TimeoutError`, `ComponentValueError` for arguments that do not
   * have the parameters' types.
   */
  invoke(path: string | string[], args: readonly ComponentValue[] = [], opts: CallOptions = {}): ComponentValue | undefined {
    const f = this.func(path);
    if (f.owner !== this) return f.owner.invoke(path, args, opts);
    const { core, blob } = lowerArgs(f.t, args);
    const sig = flatSig(this.module.artifact, f.index, this.module.plan);
    const w = new Writer().u8(Request.InvokeComponent).u32(this.id).u32(f.index).sized(blob).u32(core.length);
    core.forEach((v, k) => w.bytes(encodeValue(v, sig[k], `argument ${k}`)));
    w.u32(opts.timeoutMs ?? 0);
    const r = this.module.runtime.call(w.finish(), opts.timeoutMs ?? 0);
    const n = r.u32();
    const results: WasmValue[] = [];
    for (let k = 0; k < n; k++) {
      const t = r.u8();
      results.push(decodeValue(t, r.bytes(16)));
    }
    const host = Uint8Array.from(r.bytes(r.u32()));
    return liftResults(f.t, results, host, (x) => x);
  }
}

/** The core parameter types of exported function `index` (its export adapter's signature). */
function flatSig(a: Artifact, index: number, plan: ComponentPlan): number[] {
  const find = (e: PlanExport): PlanExport | undefined => (e.k === 'func' && e.index === index ? e : e.k === 'instance' ? e.exports.map((x) => find(x.item)).find((x) => x) : undefined);
  const e = plan.exports.map((x) => find(x.item)).find((x) => x) as Extract<PlanExport, { k: 'func' }>;
  const step = plan.steps[e.step] as Extract<ComponentPlan['steps'][number], { k: 'instantiate' }>;
  const m = a.modules[(step.module as { index: number }).index];
  const ex = m.exports.find((x) => x.name === e.name)!;
  return a.signatures[m.types[m.funcTypes[ex.index]]].params;
}

/** The type of a provided item, in runtime resource types. */
function typeOfItem(it: ComponentItem): ExternT {
  switch (it.k) {
    case 'func':
      return { k: 'func', t: it.t };
    case 'module':
      return { k: 'module', t: it.t };
    case 'type':
      return { k: 'type', t: it.t };
    case 'instance':
      return { k: 'instance', t: { exports: new Map([...it.exports].map(([n, x]) => [n, typeOfItem(x)])), abstract: [] } };
  }
}

function at(items: Record<string, ComponentItem>, path: string[]): ComponentItem | undefined {
  let it: ComponentItem | undefined = items[path[0]];
  for (const n of path.slice(1)) it = it?.k === 'instance' ? it.exports.get(n) : undefined;
  return it;
}

function writeItem(w: Writer, it: PlanItem): void {
  switch (it.k) {
    case 'export':
      w.u8(0).u32(it.step).str(it.name);
      return;
    case 'runtime':
      w.u8(1).u8(RUNTIME_FUNCTION_INDEX.get(it.fn)!).u32(it.args.length);
      for (const a of it.args) w.u32(a);
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

/** Instantiates a loaded component (see `Runtime.instantiateComponent`). */
export function instantiateComponent(runtime: Runtime, module: ComponentModule, opts: ComponentInstantiateOptions, functionIndex: readonly string[]): ComponentInstance {
  if (RUNTIME_FUNCTION_INDEX.size === 0) functionIndex.forEach((f, i) => RUNTIME_FUNCTION_INDEX.set(f, i));
  if (module.runtime !== runtime) throw new LinkError('the component was loaded by another runtime');
  const plan = module.plan;
  const provided = opts.imports ?? {};
  // Each import's abstract resources bind to the provided ones.
  const b = newBindings();
  b.ignoreNames = true;
  plan.resources.forEach((r, i) => {
    if (r.k === 'imported') b.bindable.add(i);
  });
  for (const imp of plan.imports.root) {
    const it = provided[imp.name];
    if (!it) {
      // Empty instances (transitively) and type equalities need not be provided.
      if ((imp.t.k === 'instance' && isEmptyInstance(imp.t.t)) || (imp.t.k === 'type' && imp.t.t.k !== 'resource')) continue;
      throw new LinkError(`import ${JSON.stringify(imp.name)} was not found`);
    }
    const why = matchExtern(typeOfItem(it), imp.t, b, `import ${JSON.stringify(imp.name)}`);
    if (why !== undefined) throw new LinkError(why);
  }
  const resolve = (kind: string, path: string[]): ComponentItem => {
    const it = at(provided, path);
    if (!it) throw new LinkError(`imported ${kind} ${JSON.stringify(path.join('.'))} was not provided`);
    return it;
  };
  const w = new Writer().u8(Request.InstantiateComponent).u32(module.id);
  w.u32(plan.components.length);
  w.u32(plan.resources.length);
  for (const [i, r] of plan.resources.entries()) {
    if (r.k === 'defined') w.u8(1).u32(r.component);
    else if (r.k === 'imported') {
      const id = b.bound.get(i);
      if (id === undefined) {
        const it = resolve('resource', plan.imports.resources[r.slot]);
        if (it.k !== 'type' || it.t.k !== 'resource') throw new LinkError(`imported resource ${JSON.stringify(plan.imports.resources[r.slot].join('.'))} is not a resource`);
        w.u8(2).u32(it.t.r);
      } else w.u8(2).u32(id);
    } else w.u8(0).u32(0);
  }
  w.u32(plan.imports.funcs.length);
  for (const path of plan.imports.funcs) {
    const it = resolve('function', path);
    if (it.k !== 'func') throw new LinkError(`imported function ${JSON.stringify(path.join('.'))} is not a function`);
    if (it.owner.module.runtime !== runtime) throw new LinkError(`imported function ${JSON.stringify(path.join('.'))} belongs to another runtime`);
    w.u32(it.owner.id).u32(it.index);
  }
  const modules: [number, number][] = [];
  w.u32(plan.imports.modules.length);
  for (const path of plan.imports.modules) {
    const it = resolve('module', path);
    if (it.k !== 'module') throw new LinkError(`imported module ${JSON.stringify(path.join('.'))} is not a module`);
    w.u32(it.artifact).u32(it.module);
    modules.push([it.artifact, it.module]);
  }
  w.u32(opts.timeoutMs ?? 0);
  w.u32(plan.steps.length);
  for (const s of plan.steps) {
    if (s.k === 'resource') {
      w.u8(1).u32(s.r).u8(s.dtor ? 1 : 0);
      if (s.dtor) writeItem(w, s.dtor);
      continue;
    }
    w.u8(0);
    if (s.module.k === 'static') w.u8(0).u32(s.module.index);
    else w.u8(1).u32(s.module.slot);
    w.u32(s.component).u32(s.args.length);
    for (const a of s.args) writeItem(w, a);
    if (s.module.k === 'import') for (const [mn, n] of s.names ?? []) w.str(mn).str(n);
  }
  const funcs: { step: number; name: string }[] = new Array(plan.exportFuncs);
  const collect = (e: PlanExport): void => {
    if (e.k === 'func') funcs[e.index] = { step: e.step, name: e.name };
    else if (e.k === 'instance') e.exports.forEach((x) => collect(x.item));
  };
  plan.exports.forEach((e) => collect(e.item));
  w.u32(funcs.length);
  for (const f of funcs) w.u32(f.step).str(f.name);
  const r = runtime.call(w.finish(), opts.timeoutMs ?? 0);
  const id = r.u32();
  const n = r.u32();
  const resources: number[] = [];
  for (let i = 0; i < n; i++) resources.push(r.u32());
  return new ComponentInstance(module, id, resources, modules);
}
