/**
 * Reference interpreter for Windlass IR (CLIF): exact semantics of every opcode.
 *
 * ```
 *  Function + argument values ──interpret──> { kind: 'return', values }
 *                                            { kind: 'trap', trap, trapName }
 *                                            { kind: 'out-of-fuel' | 'error', message }
 * ```
 *
 * Values are compact: integers up to 32 bits are numbers, i64/i128 bigints, floats their bit
 * patterns (so NaN payloads are exact), vectors byte arrays. `parseValue` / `formatValue`
 * convert to and from the text form of `; run:` directives.
 */
export { interpret, functionName, unsupportedOpcodes, type InterpreterEnv, type InterpretResult } from './interpreter';
export { type Value, type Scalar, valuesEqual, TrapSignal, UnsupportedError, toBytes, fromBytes, lanesOf, vectorFrom } from './value';
export { parseValue, parseScalar, formatValue, ValueSyntaxError, type FormatOptions } from './literal';
export { type Libcall, Exec, ThrowSignal } from './exec';
export { DEFAULT_LIBCALLS } from './libcalls';
export { LinearMemory, MEMORY_BASE, FUNC_BASE, SYMBOL_BASE } from './memory';
export * as floatBits from './float';
