/**
 * @windlass/runtime: loads artifacts written by `@windlass/linker` and runs them, in a loader
 * process (C, shipped as source and built for the host) that this package starts and talks to
 * over two pipes. The one core-level package that uses Node built-ins.
 *
 * ```
 *  Runtime ──spawn──> windlass-loader (native, or qemu-<isa> for other ISAs)
 *    load(bytes | path) ── deserialize (checks) ──LOAD──> map .text r-x, relocate, .rodata r--
 *    instantiate(module, { imports, wasi }) ──INSTANTIATE──> memories, tables, globals, segments, start
 *    instance.invoke(name, values) ──INVOKE──> entry trampoline ──> results | Trap | WasiExit
 * ```
 */
export { Runtime, Module, Instance, type RuntimeOptions, type LoadOptions, type InstantiateOptions, type WasiOptions, type CallOptions, type FunctionType, type ModuleExport } from './runtime';
export { Trap, WasiExit, LinkError, TimeoutError, RuntimeCrash, LoaderError, type WasmFrame } from './errors';
export { i32, i64, f32, f32Bits, f64, f64Bits, v128, funcref, externref, encodeValue, decodeValue, valueTypeOf, type WasmValue, type ValueType } from './values';
export { hostIsa, loaderCommand, QEMU_CPU, buildLoader, loaderSourceDir, loaderSourceHash, compilerFor, LOADER_CFLAGS, type LoaderIsa } from './loader-binary';
export { PROTOCOL_VERSION } from './protocol';
export { ComponentModule, ComponentInstance, type ComponentItem, type ComponentInstantiateOptions } from './component/component';
export { ResourceHandle, ComponentValueError, type ComponentValue, type TaggedValue } from './component/values';
export { lowerArgs, liftResults, HOST_BASE } from './component/abi';
export { parseWave, formatWave, waveTypeName, WaveError } from './component/wave';
