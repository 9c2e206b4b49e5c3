/**
 * Components (the WebAssembly component model): binary decoding, validation, and the flattened
 * instantiation that `@windlass/linker` compiles.
 *
 * ```
 *  bytes ──decodeComponent──> AComponent (definitions in section order; core modules validated)
 *          ──validateComponent──> FlatComponent (what instantiating the root does, nested
 *                                  instantiations inlined) + ComponentT (the root's type)
 *  parseComponent = both; every rejection is a WasmError with a byte offset
 * ```
 */
export * from './ast';
export * from './types';
export * from './flat';
export * from './abi';
export { decodeComponent, isComponentBinary, MAX_COMPONENT_NESTING } from './decode';
export { validateComponent, moduleTypeOf, MAX_TYPE_DEPTH, MAX_FLAT_INSTANCES, type ValidatedComponent } from './validate';
export { parseExternName, canonicalName, isLabel, type ParsedName } from './names';
export { parseComponent } from './parse';
export { encodeComponent, ComponentBuilder, type EDef } from './encode';
