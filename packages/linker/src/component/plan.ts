/**
 * The instantiation plan of a component artifact: what the loader does, step by step, to
 * instantiate the component whose core modules (its own, and the adapters compiled for it) are in
 * the artifact's `.text`. It is the flattened instantiation of `@windlass/wasm-frontend` with
 * every core function bound to something the loader can find: an export of an earlier step, a
 * runtime function, the host memory, a flags global, an imported function or a resource's
 * destructor.
 *
 * ```
 *  modules      per artifact module: what it is (the component's own, an adapter, a drop shim)
 *  components   component instances (0 the root) and their parents
 *  resources    resource types: defined by a component instance (at a `resource` step), or imported
 *  steps        in order: instantiate module (artifact module or imported module) with items, or
 *               define resource r (its destructor an item)
 *  imports      the root's imports with their types; the imported functions, modules and
 *               resources the steps use, by path
 *  exports      the root's exports: functions (an export adapter each), instances, modules, types
 * ```
 */
import type { ExternT, FuncT, ModuleT, TypeDef } from '@windlass/wasm-frontend';

/** Runtime functions a step may bind an import to (the loader's `component.c`). */
export const RUNTIME_FUNCTIONS = [
  'trap',
  'transcode',
  'call.begin',
  'call.end',
  'host.mark',
  'host.release',
  'host.realloc',
  'resource.new',
  'resource.rep',
  'resource.drop',
  'own.lift',
  'own.lower',
  'borrow.lift',
  'borrow.lower',
] as const;
export type RuntimeFunction = (typeof RUNTIME_FUNCTIONS)[number];

/** The component instance standing for the host (the runtime's own resource table and flags). */
export const HOST_COMPONENT = 0xffffffff;

/** What one import of an instantiated module is given. */
export type PlanItem =
  /** Export `name` of the instance made by step `step`. */
  | { k: 'export'; step: number; name: string }
  /** A runtime function, told `args` (component instance, resource) when it is bound. */
  | { k: 'runtime'; fn: RuntimeFunction; args: number[] }
  /** The host memory (shared by every component instance of the runtime). */
  | { k: 'host-memory' }
  /** The flags global (may_leave) of component instance `component` (or `HOST_COMPONENT`). */
  | { k: 'flags'; component: number }
  /** Imported function `slot` of `PlanImports.funcs`: an export of another component instance, in the host's form. */
  | { k: 'import'; slot: number }
  /** The destructor of resource `r` (a runtime no-op when it has none). */
  | { k: 'dtor'; r: number };

export type PlanStep =
  | {
      k: 'instantiate';
      module: { k: 'static'; index: number } | { k: 'import'; slot: number };
      component: number;
      args: PlanItem[];
      /** An imported module: the (module, name) import each argument is for (matched by name). */
      names?: [string, string][];
    }
  | { k: 'resource'; r: number; dtor?: PlanItem };

export type PlanResource = { k: 'defined'; component: number } | { k: 'imported'; slot: number } | { k: 'unused' };

export type PlanExport =
  | { k: 'func'; step: number; name: string; t: FuncT; index: number }
  | { k: 'instance'; exports: { name: string; item: PlanExport }[] }
  | { k: 'module'; module: { k: 'static'; index: number } | { k: 'import'; slot: number }; t: ModuleT }
  | { k: 'type'; t: TypeDef };

export const enum ModuleRole {
  /** A core module of the component. */
  Core = 0,
  /** A fused adapter between two component instances. */
  Adapter = 1,
  /** An adapter from the host's form into an export of the component. */
  ExportAdapter = 2,
  /** An adapter from the component to an imported function, in the host's form. */
  ImportAdapter = 3,
  /** The shim of a `resource.drop` that calls the destructor. */
  DropShim = 4,
}

export interface ComponentPlan {
  /** Per artifact module: its role and a description (`inspect` lists them). */
  modules: { role: ModuleRole; description: string }[];
  components: { parent: number }[];
  resources: PlanResource[];
  steps: PlanStep[];
  imports: {
    /** The root's imports, in order, with their types (resources numbered as `resources`). */
    root: { name: string; t: ExternT }[];
    funcs: string[][];
    modules: string[][];
    resources: string[][];
  };
  exports: { name: string; item: PlanExport }[];
  /** How many exported functions (`PlanExport.index` numbers them). */
  exportFuncs: number;
}
