/**
 * `compileModule`: a wasm module in, an `Artifact` out. The frontend translates every function
 * through the `StandardEnvironment`, the target's backend compiles it, trampolines are added (one
 * entry trampoline per signature the module's functions have, one exit trampoline per signature
 * of an imported function), and `linkText` lays out the single `.text`.
 */
import { buildIsa, settingsBuilder, type CompiledCode, type Flags, type TargetIsa } from '@windlass/codegen';
import type { Function as IrFunction } from '@windlass/ir';
import { parseModule, translateFunction, WasmError, type Module, type WasmFeatures } from '@windlass/wasm-frontend';
import { CodeKind, type Artifact, type ArtifactData, type ArtifactSignature, type ModuleInfo } from './artifact';
import { DEFAULT_BOUNDS_CHECKS, StandardEnvironment, type BoundsChecks } from './environ/environment';
import { VmctxLayout } from './environ/layout';
import { ArtifactBuildError } from './errors';
import { compatRecord } from './format/compat';
import { linkText, type LinkUnit } from './link';
import { entryTrampoline, entryTrampolineName, exitTrampoline, exitTrampolineName } from './trampolines';

export interface CompileOptions {
  /** A target line: `x86_64`, `x86_64 has_avx2`, `aarch64` (default `x86_64`). Its backend must be registered. */
  target?: string;
  /**
   * Shared settings as `name=value` items (`opt_level=speed`), applied over the defaults; the
   * IR verifier is off unless they turn it on (`enable_verifier=true`).
   */
  settings?: string[];
  /** Shared flags, instead of `settings`. */
  flags?: Flags;
  /** Bounds checks of heap accesses (default `guard`, `DEFAULT_BOUNDS_CHECKS`): `guard` needs a runtime that reserves 4 GiB + guard per memory, as `@windlass/runtime` does. */
  boundsChecks?: BoundsChecks;
  /** Recorded in the compatibility record. */
  producer?: string;
  /** WebAssembly features beyond 2.0 to accept (`multiMemory`), for module bytes. */
  features?: WasmFeatures;
  /** Called after each function compiles (progress of long compiles). */
  onFunction?: (defined: number, total: number) => void;
}

/** The symbol that relocations use for function `index` of module `module`. */
export function functionSymbol(module: number, index: number): string {
  return `wl_m${module}_f${index}`;
}

/**
 * The shared flags of a compile: `opts.flags`, or the defaults with the IR verifier off (a
 * module's IR comes from the frontend, as in wasmtime, which does not verify it either) and
 * then `opts.settings` (`enable_verifier=true` turns it back on).
 */
export function flagsOf(opts: CompileOptions): Flags {
  if (opts.flags) return opts.flags;
  const b = settingsBuilder();
  b.apply('enable_verifier=false');
  for (const s of opts.settings ?? []) b.apply(s);
  return b.finish();
}

function sigKey(t: { params: readonly number[]; results: readonly number[] }): string {
  return `${t.params.join(',')}>${t.results.join(',')}`;
}

function compileOne(isa: TargetIsa, f: IrFunction, what: string, func?: number): CompiledCode {
  try {
    return isa.compileFunction(f);
  } catch (e) {
    throw new ArtifactBuildError(`${what} does not compile for ${isa.name}: ${e instanceof Error ? e.message : String(e)}`, func, e);
  }
}

/** What compiling the functions of one module needs; made once per module (and per worker). */
export interface ModuleCompile {
  readonly module: Module;
  /** The module's index in the artifact (its functions are `functionSymbol(index, f)`). */
  readonly index: number;
  readonly isa: TargetIsa;
  readonly boundsChecks: BoundsChecks;
  readonly env: StandardEnvironment;
  /** How errors name the module's functions: `''`, or `module k ` in a several-module artifact. */
  readonly label: string;
}

/**
 * Prepares the compile of module `m`, module `index` of its artifact (0 unless the artifact
 * holds several, as a component's does); `isa` shares one backend between a compile's modules.
 */
export function moduleCompile(m: Module, opts: CompileOptions, index = 0, isa: TargetIsa = buildIsa(opts.target ?? 'x86_64', flagsOf(opts)), several = index > 0): ModuleCompile {
  const boundsChecks = opts.boundsChecks ?? DEFAULT_BOUNDS_CHECKS;
  const env = new StandardEnvironment(m, { boundsChecks, functionName: (i) => ({ kind: 'testcase', name: functionSymbol(index, i) }) });
  return { module: m, index, isa, boundsChecks, env, label: several ? `module ${index} ` : '' };
}

/**
 * Translates and compiles defined function `d` (an index into the code section). Its IR is
 * garbage once this returns: a module's peak memory follows its largest function.
 */
export function compileDefinedFunction(c: ModuleCompile, d: number): CompiledCode {
  const m = c.module;
  const index = m.numImportedFuncs + d;
  let ir: IrFunction;
  try {
    ir = translateFunction(m, d, c.env);
  } catch (e) {
    if (e instanceof WasmError) throw e;
    throw new ArtifactBuildError(`translation failed: ${String(e)}`, index, e);
  }
  const name = m.names?.functions.get(index);
  return compileOne(c.isa, ir, `${c.label}function ${index}${name === undefined ? '' : ` (${name})`}`, index);
}

/**
 * Compiles a wasm module (bytes, or a module `parseModule` returned) into an artifact. Throws the
 * frontend's `WasmError` for malformed, invalid or unsupported wasm, `ArtifactBuildError` when a
 * function does not compile or link, and the codegen's errors for a bad target or setting.
 * (`compileModuleParallel` does the same on several workers.)
 */
export function compileModule(input: Uint8Array | Module, opts: CompileOptions = {}): Artifact {
  const m = input instanceof Uint8Array ? parseModule(input, opts.features) : input;
  return { kind: 'module', ...compileModules([m], opts) };
}

/**
 * The shared part of every artifact: several modules compiled into one `.text` (module k's
 * functions named `functionSymbol(k, index)`), one function at a time, then assembled.
 */
export function compileModules(ms: readonly Module[], opts: CompileOptions = {}): Omit<Artifact, 'kind'> {
  const isa = buildIsa(opts.target ?? 'x86_64', flagsOf(opts));
  const total = ms.reduce((n, m) => n + m.bodies.length, 0);
  let done = 0;
  const parts = ms.map((m, mi) => {
    const c = moduleCompile(m, opts, mi, isa, ms.length > 1);
    const codes: CompiledCode[] = [];
    for (let d = 0; d < m.bodies.length; d++) {
      codes.push(compileDefinedFunction(c, d));
      opts.onFunction?.(++done, total);
    }
    return { compile: c, codes };
  });
  return assembleModules(parts, opts);
}

/**
 * The module artifact of module compile `c` from the code of its defined functions (in
 * code-section order).
 */
export function assembleArtifact(c: ModuleCompile, codes: readonly CompiledCode[], opts: CompileOptions): Artifact {
  return { kind: 'module', ...assembleModules([{ compile: c, codes }], opts) };
}

/** One module's part of an artifact: its compile and the code of its defined functions. */
export interface CompiledModule {
  readonly compile: ModuleCompile;
  readonly codes: readonly CompiledCode[];
}

/**
 * Signatures (shared by every module of the artifact), trampolines (one entry trampoline per
 * signature a function has, one exit trampoline per signature of an imported function), the
 * linked `.text` and the metadata of compiled modules, module k being `parts[k]`.
 */
export function assembleModules(parts: readonly CompiledModule[], opts: CompileOptions): Omit<Artifact, 'kind'> {
  const isa = parts.length > 0 ? parts[0].compile.isa : buildIsa(opts.target ?? 'x86_64', flagsOf(opts));
  const boundsChecks = opts.boundsChecks ?? DEFAULT_BOUNDS_CHECKS;
  const ms = parts.map((p) => p.compile.module);
  const signatures: ArtifactSignature[] = [];
  const sigIds = new Map<string, number>();
  const typesOf = ms.map((m) =>
    m.types.map((t) => {
      const key = sigKey(t);
      let id = sigIds.get(key);
      if (id === undefined) {
        sigIds.set(key, (id = signatures.length));
        signatures.push({ params: [...t.params], results: [...t.results], entry: -1, exit: -1 });
      }
      return id;
    }),
  );

  const units: LinkUnit[] = [];
  const entryNeeded = new Set<number>();
  const exitNeeded = new Set<number>();
  parts.forEach(({ compile: { module: m }, codes }, mi) => {
    const types = typesOf[mi];
    codes.forEach((code, d) => {
      const index = m.numImportedFuncs + d;
      units.push({ symbol: functionSymbol(mi, index), code, range: { kind: CodeKind.Function, module: mi, index }, func: index });
    });
    for (const t of m.funcTypes) entryNeeded.add(types[t]);
    for (const imp of m.imports) if (imp.desc.kind === 0) exitNeeded.add(types[imp.desc.typeIndex]);
  });
  for (const id of [...entryNeeded].sort((a, b) => a - b)) {
    const code = compileOne(isa, entryTrampoline(signatures[id], id), `the entry trampoline of signature ${id}`);
    units.push({ symbol: entryTrampolineName(id), code, range: { kind: CodeKind.Entry, module: 0, index: id } });
  }
  for (const id of [...exitNeeded].sort((a, b) => a - b)) {
    const code = compileOne(isa, exitTrampoline(signatures[id], id), `the exit trampoline of signature ${id}`);
    units.push({ symbol: exitTrampolineName(id), code, range: { kind: CodeKind.Exit, module: 0, index: id } });
  }
  const linked = linkText(isa.name, units);
  linked.code.forEach((c, i) => {
    if (c.kind === CodeKind.Entry) signatures[c.index].entry = i;
    else if (c.kind === CodeKind.Exit) signatures[c.index].exit = i;
  });

  // Data segment payloads go to .rodata, in module and segment order.
  const chunks: Uint8Array[] = [];
  let rodataSize = 0;
  const infos: ModuleInfo[] = ms.map((m, mi) => {
    const data: ArtifactData[] = m.data.map((seg) => {
      const bytes = m.bytes.subarray(seg.start, seg.end);
      const start = rodataSize;
      chunks.push(bytes);
      rodataSize += bytes.length;
      const d: ArtifactData = { mode: seg.mode, memory: seg.memory, start, end: rodataSize };
      if (seg.offset) d.offset = seg.offset;
      return d;
    });
    const layout = new VmctxLayout(m);
    return {
      name: m.names?.module ?? '',
      types: typesOf[mi],
      imports: m.imports,
      funcTypes: m.funcTypes,
      numImportedFuncs: m.numImportedFuncs,
      tables: m.tables,
      numImportedTables: m.numImportedTables,
      memories: m.memories,
      numImportedMemories: m.numImportedMemories,
      globals: m.globals,
      numImportedGlobals: m.numImportedGlobals,
      globalInits: m.globalInits,
      exports: m.exports,
      start: m.start,
      elements: m.elements.map((e) => (e.offset ? { mode: e.mode, table: e.table, offset: e.offset, type: e.type, items: e.items } : { mode: e.mode, table: e.table, type: e.type, items: e.items })),
      data,
      functions: linked.code.flatMap((c, i) => (c.kind === CodeKind.Function && c.module === mi ? [i] : [])),
      layout: { size: layout.size, memory: layout.memory, tables: layout.tables, globals: layout.globals, sigIds: layout.sigIds, funcRefs: layout.funcRefs },
    };
  });
  const rodata = new Uint8Array(rodataSize);
  let at = 0;
  for (const c of chunks) {
    rodata.set(c, at);
    at += c.length;
  }
  const names = ms.flatMap((m, mi) =>
    [...(m.names?.functions ?? new Map<number, string>())].filter(([i]) => i < m.funcTypes.length).sort((a, b) => a[0] - b[0]).map(([func, name]) => ({ module: mi, func, name })),
  );
  return {
    compat: compatRecord(isa, { boundsChecks }, opts.producer ?? 'windlass'),
    signatures,
    code: linked.code,
    text: linked.text,
    relocations: linked.relocations,
    rodata,
    modules: infos,
    traps: linked.traps,
    addressMap: linked.addressMap,
    names,
  };
}
