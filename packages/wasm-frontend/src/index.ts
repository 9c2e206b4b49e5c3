/**
 * @windlass/wasm-frontend: WebAssembly 2.0 modules (binary, or text through the text reader)
 * in, validated and translated into Windlass IR.
 *
 * ```
 *  .wat / .wast text ──parseWat / parseWast──> bytes (binary encoding; scripts: commands)
 *                                                 │
 *  bytes ──decodeModule──> Module (sections decoded; bodies = byte ranges)
 *                             │
 *                  validateFunction (per body, streaming OperatorReader)
 *                             │
 *                       parseModule = both; every rejection is a WasmError
 * ```
 */
export * from './errors';
export * from './types';
export { decodeModule, decodeNameSection, type DecodeResult } from './decode';
export { OperatorReader, OP_FC, OP_FD, SIG_IN, SIG_OUT, NATURAL_ALIGN, LANES } from './operators';
export { ByteReader } from './reader';
export { translateFunction, FunctionTranslator } from './translate/translate';
export { LIBCALLS, HEAP_FLAGS, VM_FLAGS, VM_READONLY_FLAGS, I8X16, irType, type FuncEnvironment, type Libcall } from './translate/environ';
export { SsaBuilder, type Variable } from './translate/ssa';
export * from './translate/trapcodes';
export { validateFunction, scanFunction, blockSignature, LocalTypes, type ValidationContext } from './validate';
export { parseModule, checkModule } from './parse';
export * from './text/index';
export * from './component/index';
export { ModuleBuilder, Code, type BlockType } from './builder';
