/**
 * @windlass/linker: ahead-of-time artifacts. A wasm module is translated (`@windlass/wasm-frontend`
 * through this package's `StandardEnvironment`), compiled by the target's backend, given its
 * trampolines and linked into one `.text`; the artifact is one ELF64 relocatable object for the
 * target with the metadata a loader needs, sealed with an integrity hash.
 *
 * ```
 *  wasm bytes ──parseModule──> Module ──translateFunction (StandardEnvironment, VmctxLayout)──> ir.Function
 *     ──isa.compileFunction──> CompiledCode ─┐
 *  entry / exit trampolines (IR) ──compile──┴─ linkText ──> Artifact ──serialize──> ELF bytes
 *                                                               ^                        │
 *                                          deserialize (every check, typed ArtifactError) ┘
 * ```
 *
 * environ/   the translation environment and the vmctx layout the loader shares
 * format/    the bytes of the artifact's own sections, the ELF reader, the integrity hash
 */
export * from './artifact';
export * from './errors';
export { StandardEnvironment, wasmSignature, DEFAULT_BOUNDS_CHECKS, type BoundsChecks, type StandardEnvironmentOptions } from './environ/environment';
export { VmctxLayout, FUNC_REF_SIZE } from './environ/layout';
export { compileModule, compileModules, assembleModules, functionSymbol, type CompileOptions, type CompiledModule } from './compile';
export { compileModuleParallel, serveCompileRequests, type CompilePort, type CompileWorker } from './parallel';
export { compileComponent, DROP_EXPORT, type ComponentCompileOptions } from './component/compile';
export { generateAdapter, ADAPTER_EXPORT, type Adapter, type AdapterSpec, type AdapterSide, type AdapterImport } from './component/adapter';
export { encodePlan, decodePlan } from './component/format';
export * from './component/plan';
export * from './component/runtime-abi';
export { linkText, type LinkUnit, type LinkedText } from './link';
export { patchPcRel } from './relocate';
export { entryTrampoline, exitTrampoline, entryTrampolineName, exitTrampolineName } from './trampolines';
export { serialize, seal, codeSymbol, hashFieldOffset, HASH_SECTION, HASH_ALGORITHM_XXH32, COMPONENT_SECTION, type SerializeOptions } from './serialize';
export { deserialize, artifactSections } from './deserialize';
export { checkCompat, compatValue, type ArtifactExpectation, type WasmSettings } from './format/compat';
export { xxh32 } from './format/hash';
export { RUNTIME_SYMBOLS, C_LIBRARY_SYMBOLS, VALUE_SLOT_BYTES } from './runtime-abi';
