/**
 * A component's instantiation, flattened: what instantiating the root component does, with every
 * nested component instantiation inlined (their core modules, core instances and canonical
 * definitions listed in the order they happen). Root imports stay symbolic (paths), to be
 * provided when the compiled component is instantiated. This is what `@windlass/linker`
 * compiles, and what its artifacts record as the instantiation plan.
 *
 * ```
 *  components   component instances: 0 the root, each with its parent (resource tables, flags)
 *  resources    resource types: defined by a component instance (rep, destructor), or imported
 *  instances    core instantiations: a module (static, or imported), each import given a CoreItem
 *  coreFuncs    core functions of canonical definitions: lowerings (adapters) and resource built-ins
 *  imports      the root's imports (name, type); exports the root's exports (name, item)
 * ```
 */
import type { Module, ValType } from '../types';
import type { StringEncoding } from './ast';
import type { CoreExternT, ExternT, FuncT, ModuleT, TypeDef } from './types';

/** A core function, table, memory or global. */
export type CoreItem =
  /** Export `name` of core instance `instance` (an index into `FlatComponent.instances`). */
  | { k: 'export'; instance: number; name: string; t: CoreExternT }
  /** Core function `index` of `FlatComponent.coreFuncs`. */
  | { k: 'func'; index: number; t: CoreExternT };

export type ModuleRef = { k: 'static'; index: number } | { k: 'import'; path: string[] };

export interface FlatInstance {
  module: ModuleRef;
  /** The component instance it belongs to. */
  component: number;
  /** What each import of the module is given, in the module's import order. */
  args: CoreItem[];
  /**
   * An imported module: the (module, name) of each argument. Its type may list its imports in
   * another order than the module provided at instantiation, which is matched by name.
   */
  argNames?: [string, string][];
}

/** Canonical options of a lift or lower, resolved. */
export interface FlatOpts {
  encoding: StringEncoding;
  memory?: CoreItem;
  realloc?: CoreItem;
  postReturn?: CoreItem;
}

/** A component-level function. */
export type FlatFunc =
  | { k: 'lift'; core: CoreItem; opts: FlatOpts; component: number; t: FuncT }
  | { k: 'import'; path: string[]; t: FuncT };

export type FlatCoreFunc =
  /** `canon lower` of `func` by component instance `component`: an adapter. */
  | { k: 'lower'; func: FlatFunc; opts: FlatOpts; component: number; t: FuncT }
  /** `canon resource.new / rep / drop` of resource `r` in component instance `component`. */
  | { k: 'resource.new' | 'resource.rep' | 'resource.drop'; r: number; component: number };

export type FlatResource =
  | { k: 'defined'; component: number; rep: ValType; dtor?: CoreItem }
  | { k: 'imported'; path: string[] }
  /** A resource of an import of a definition that was only validated, never instantiated. */
  | { k: 'abstract' };

export type FlatItem =
  | { k: 'func'; f: FlatFunc }
  | { k: 'instance'; exports: { name: string; item: FlatItem }[] }
  | { k: 'module'; m: ModuleRef; t: ModuleT }
  | { k: 'type'; t: TypeDef }
  | { k: 'component' };

export interface FlatComponent {
  modules: Module[];
  components: { parent: number }[];
  resources: FlatResource[];
  instances: FlatInstance[];
  coreFuncs: FlatCoreFunc[];
  imports: { name: string; t: ExternT }[];
  exports: { name: string; item: FlatItem }[];
}

export function emptyFlat(): FlatComponent {
  return { modules: [], components: [{ parent: -1 }], resources: [], instances: [], coreFuncs: [], imports: [], exports: [] };
}

/** The chain of component instances from `c` up to the root (c first). */
export function ancestors(flat: Pick<FlatComponent, 'components'>, c: number): number[] {
  const out: number[] = [];
  for (let x = c; x >= 0; x = flat.components[x].parent) out.push(x);
  return out;
}
