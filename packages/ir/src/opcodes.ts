// The instruction set, defined once as data. The reader, writer, builder,
// verifier and interpreter all consult `OPCODES` (by `Opcode` number) instead
// of keeping their own per-opcode switches.
//
// Each entry says:
//  - `format`: the operand layout (which value operands, immediates, block
//    calls); one reader/writer routine per format.
//  - `ctrl`: how the controlling type variable is found: `none` (not
//    polymorphic), `operand` (from value operand `ctrlOperand`, may also be
//    given as a `.type` suffix), `explicit` (must be given as a suffix).
//  - `results` / `operands`: type descriptors relative to the controlling
//    type (see TypeDesc). `results: 'sig'` means the call signature decides.
//  - `ctrlTypes`: the allowed controlling types (for the verifier).
//  - flags and a one-line doc.

/** Operand layouts. The names follow Cranelift's instruction formats. */
export enum Format {
  NullAry, Unary, UnaryImm, UnaryIeee16, UnaryIeee32, UnaryIeee64, UnaryConst, UnaryGlobalValue,
  Binary, BinaryImm8, BinaryImm64, Ternary, TernaryImm8, MultiAry, Shuffle,
  IntCompare, IntCompareImm, FloatCompare, IntAddTrap,
  Jump, Brif, BranchTable, Trap, CondTrap,
  Call, CallIndirect, FuncAddr, TryCall, TryCallIndirect, ExceptionHandlerAddress,
  Load, LoadNoOffset, Store, StoreNoOffset, AtomicRmw, AtomicCas,
  StackLoad, StackStore, DynamicStackLoad, DynamicStackStore,
}

/** Number of fixed value operands of each format (-1: variable, i.e. call args / return values). */
export const FORMAT_FIXED_ARGS: readonly number[] = (() => {
  const a: number[] = [];
  const set = (f: Format, n: number) => { a[f] = n; };
  set(Format.NullAry, 0); set(Format.Unary, 1); set(Format.UnaryImm, 0); set(Format.UnaryIeee16, 0);
  set(Format.UnaryIeee32, 0); set(Format.UnaryIeee64, 0); set(Format.UnaryConst, 0); set(Format.UnaryGlobalValue, 0);
  set(Format.Binary, 2); set(Format.BinaryImm8, 1); set(Format.BinaryImm64, 1); set(Format.Ternary, 3);
  set(Format.TernaryImm8, 2); set(Format.MultiAry, -1); set(Format.Shuffle, 2);
  set(Format.IntCompare, 2); set(Format.IntCompareImm, 1); set(Format.FloatCompare, 2); set(Format.IntAddTrap, 2);
  set(Format.Jump, 0); set(Format.Brif, 1); set(Format.BranchTable, 1); set(Format.Trap, 0); set(Format.CondTrap, 1);
  set(Format.Call, -1); set(Format.CallIndirect, -1); set(Format.FuncAddr, 0); set(Format.TryCall, -1);
  set(Format.TryCallIndirect, -1); set(Format.ExceptionHandlerAddress, 0);
  set(Format.Load, 1); set(Format.LoadNoOffset, 1); set(Format.Store, 2); set(Format.StoreNoOffset, 2);
  set(Format.AtomicRmw, 2); set(Format.AtomicCas, 3);
  set(Format.StackLoad, 0); set(Format.StackStore, 1); set(Format.DynamicStackLoad, 0); set(Format.DynamicStackStore, 1);
  return a;
})();

/**
 * Type descriptors, relative to the controlling type T:
 *  `T` T itself; `b` comparison result (i8 for scalars, T as integers for vectors);
 *  `L` the lane type of T; `H`/`D` half/double lane width; `S`/`M` split/merge lanes
 *  (twice the lanes of half width / half the lanes of double width); `B` the fixed
 *  vector a dynamic T scales; `A` an address (i32 or i64); `I` any integer scalar;
 *  `*` anything (checked per opcode by the verifier); or a fixed type name
 *  (`i8`, `i32`, `i64`, `i8x16`, `i16x8`, `i32x4`, `f16`, `f32`, `f64`, `f128`).
 */
export type TypeDesc = string;

/** Sets of allowed controlling types, for the verifier. */
export type TypeSet =
  | 'any' | 'int' | 'float' | 'intOrVec' | 'floatOrVec' | 'intVec' | 'floatVec' | 'vec' | 'scalarInt' | 'scalarFloat'
  | 'addr' | 'mem' | 'narrowInt' | 'narrowVec' | 'wideVec' | 'none';

export interface OpcodeInfo {
  readonly name: string;
  readonly format: Format;
  readonly ctrl: 'none' | 'operand' | 'explicit';
  /** Index of the value operand that carries the controlling type (ctrl === 'operand'). */
  readonly ctrlOperand: number;
  readonly ctrlTypes: TypeSet;
  /** Result types; 'sig' = from the call's signature. */
  readonly results: readonly TypeDesc[] | 'sig';
  /** Types of the fixed value operands (variable operands come from signatures). */
  readonly operands: readonly TypeDesc[];
  readonly isTerminator: boolean;
  readonly isBranch: boolean;
  readonly isCall: boolean;
  readonly isReturn: boolean;
  readonly canTrap: boolean;
  readonly canLoad: boolean;
  readonly canStore: boolean;
  readonly otherSideEffects: boolean;
  readonly doc: string;
}

export type Opcode = number & { readonly __brand: 'Opcode' };

type Flag = 'term' | 'branch' | 'call' | 'ret' | 'trap' | 'load' | 'store' | 'effects';

interface Spec {
  ctrl?: 'none' | 'operand' | 'explicit';
  at?: number;
  types?: TypeSet;
  res?: readonly TypeDesc[] | 'sig';
  ops?: readonly TypeDesc[];
  flags?: readonly Flag[];
}

const table: OpcodeInfo[] = [];
const byName = new Map<string, Opcode>();

function def(name: string, format: Format, doc: string, spec: Spec = {}): Opcode {
  const flags = new Set(spec.flags ?? []);
  const info: OpcodeInfo = {
    name,
    format,
    ctrl: spec.ctrl ?? 'none',
    ctrlOperand: spec.at ?? 0,
    ctrlTypes: spec.types ?? 'none',
    results: spec.res ?? [],
    operands: spec.ops ?? [],
    isTerminator: flags.has('term'),
    isBranch: flags.has('branch'),
    isCall: flags.has('call'),
    isReturn: flags.has('ret'),
    canTrap: flags.has('trap'),
    canLoad: flags.has('load'),
    canStore: flags.has('store'),
    otherSideEffects: flags.has('effects'),
    doc,
  };
  const op = table.length as Opcode;
  table.push(info);
  byName.set(name, op);
  return op;
}

// Shorthands for the common shapes.
const unaryOp = (types: TypeSet): Spec => ({ ctrl: 'operand', types, res: ['T'], ops: ['T'] });
const binaryOp = (types: TypeSet): Spec => ({ ctrl: 'operand', types, res: ['T'], ops: ['T', 'T'] });
const binaryImmOp = (types: TypeSet): Spec => ({ ctrl: 'operand', types, res: ['T'], ops: ['T'] });
const shiftOp: Spec = { ctrl: 'operand', types: 'intOrVec', res: ['T'], ops: ['T', 'I'] };
const convert = (types: TypeSet, from: TypeDesc = '*', flags: Flag[] = []): Spec => ({ ctrl: 'explicit', types, res: ['T'], ops: [from], flags });
const loadOp = (types: TypeSet): Spec => ({ ctrl: 'explicit', types, res: ['T'], ops: ['A'], flags: ['load', 'trap'] });
const fixedLoad = (res: TypeDesc): Spec => ({ res: [res], ops: ['A'], flags: ['load', 'trap'] });
const storeOp = (types: TypeSet): Spec => ({ ctrl: 'operand', types, ops: ['T', 'A'], flags: ['store', 'trap'] });
const overflowOp: Spec = { ctrl: 'operand', types: 'scalarInt', res: ['T', 'i8'], ops: ['T', 'T'] };
const carryOp: Spec = { ctrl: 'operand', types: 'scalarInt', res: ['T', 'i8'], ops: ['T', 'T', 'i8'] };
const cmp: Spec = { ctrl: 'operand', types: 'any', res: ['b'], ops: ['T', 'T'] };
const addrOf: Spec = { ctrl: 'explicit', types: 'addr', res: ['T'] };

// Control flow.
export const JUMP = def('jump', Format.Jump, 'Jump to a block, passing arguments.', { flags: ['term', 'branch'] });
export const BRIF = def('brif', Format.Brif, 'Branch to the first block if c is non-zero, else to the second.', { ctrl: 'operand', types: 'scalarInt', ops: ['T'], flags: ['term', 'branch'] });
export const BR_TABLE = def('br_table', Format.BranchTable, 'Indirect branch through a jump table, with a default block.', { ops: ['i32'], flags: ['term', 'branch'] });
export const DEBUGTRAP = def('debugtrap', Format.NullAry, 'Encodes an assembly debug trap.', { flags: ['effects', 'load', 'store'] });
export const TRAP = def('trap', Format.Trap, 'Terminate execution unconditionally.', { flags: ['term', 'trap'] });
export const TRAPZ = def('trapz', Format.CondTrap, 'Trap when zero.', { ctrl: 'operand', types: 'scalarInt', ops: ['T'], flags: ['trap'] });
export const TRAPNZ = def('trapnz', Format.CondTrap, 'Trap when non-zero.', { ctrl: 'operand', types: 'scalarInt', ops: ['T'], flags: ['trap'] });
export const RETURN = def('return', Format.MultiAry, 'Return from the function.', { flags: ['term', 'ret'] });
export const CALL = def('call', Format.Call, 'Direct function call.', { res: 'sig', flags: ['call'] });
export const CALL_INDIRECT = def('call_indirect', Format.CallIndirect, 'Indirect function call through a function pointer.', { ctrl: 'operand', types: 'addr', res: 'sig', ops: ['T'], flags: ['call'] });
export const RETURN_CALL = def('return_call', Format.Call, 'Direct tail call.', { res: [], flags: ['term', 'call', 'ret'] });
export const RETURN_CALL_INDIRECT = def('return_call_indirect', Format.CallIndirect, 'Indirect tail call.', { ctrl: 'operand', types: 'addr', res: [], ops: ['T'], flags: ['term', 'call', 'ret'] });
export const FUNC_ADDR = def('func_addr', Format.FuncAddr, 'Get the address of a function.', addrOf);
export const TRY_CALL = def('try_call', Format.TryCall, 'Call that may unwind; branches to the normal or a handler block.', { res: [], flags: ['term', 'branch', 'call'] });
export const TRY_CALL_INDIRECT = def('try_call_indirect', Format.TryCallIndirect, 'Indirect call that may unwind; branches to the normal or a handler block.', { ctrl: 'operand', types: 'addr', res: [], ops: ['T'], flags: ['term', 'branch', 'call'] });
export const GET_EXCEPTION_HANDLER_ADDRESS = def('get_exception_handler_address', Format.ExceptionHandlerAddress, "Address of a try_call's exception handler landing pad.", addrOf);
export const STACK_SWITCH = def('stack_switch', Format.Ternary, 'Suspend the current stack and resume another, passing a payload.', { res: ['i64'], ops: ['A', 'A', 'i64'], flags: ['call', 'effects', 'load', 'store'] });
export const SEQUENCE_POINT = def('sequence_point', Format.NullAry, 'A point where debug tags are attached; emits no code.', { flags: ['effects'] });

// SIMD lanes.
export const SPLAT = def('splat', Format.Unary, 'Vector with all lanes set to x.', { ctrl: 'explicit', types: 'vec', res: ['T'], ops: ['L'] });
export const SWIZZLE = def('swizzle', Format.Binary, 'Vector byte shuffle with indices from a vector (out-of-range lanes are 0).', { res: ['i8x16'], ops: ['i8x16', 'i8x16'] });
export const X86_PSHUFB = def('x86_pshufb', Format.Binary, 'x86 PSHUFB byte shuffle.', { res: ['i8x16'], ops: ['i8x16', 'i8x16'] });
export const INSERTLANE = def('insertlane', Format.TernaryImm8, 'Replace one lane of x with y.', { ctrl: 'operand', types: 'vec', res: ['T'], ops: ['T', 'L'] });
export const EXTRACTLANE = def('extractlane', Format.BinaryImm8, 'Extract one lane of x.', { ctrl: 'operand', types: 'vec', res: ['L'], ops: ['T'] });
export const SMIN = def('smin', Format.Binary, 'Signed minimum.', binaryOp('intOrVec'));
export const UMIN = def('umin', Format.Binary, 'Unsigned minimum.', binaryOp('intOrVec'));
export const SMAX = def('smax', Format.Binary, 'Signed maximum.', binaryOp('intOrVec'));
export const UMAX = def('umax', Format.Binary, 'Unsigned maximum.', binaryOp('intOrVec'));
export const AVG_ROUND = def('avg_round', Format.Binary, 'Unsigned average with rounding, lane-wise.', binaryOp('intVec'));
export const UADD_SAT = def('uadd_sat', Format.Binary, 'Unsigned saturating add.', binaryOp('intVec'));
export const SADD_SAT = def('sadd_sat', Format.Binary, 'Signed saturating add.', binaryOp('intVec'));
export const USUB_SAT = def('usub_sat', Format.Binary, 'Unsigned saturating subtract.', binaryOp('intVec'));
export const SSUB_SAT = def('ssub_sat', Format.Binary, 'Signed saturating subtract.', binaryOp('intVec'));

// Memory.
export const LOAD = def('load', Format.Load, 'Load from memory at p + offset.', loadOp('mem'));
export const STORE = def('store', Format.Store, 'Store x to memory at p + offset.', storeOp('mem'));
export const ULOAD8 = def('uload8', Format.Load, 'Load 8 bits and zero-extend.', loadOp('int'));
export const SLOAD8 = def('sload8', Format.Load, 'Load 8 bits and sign-extend.', loadOp('int'));
export const ISTORE8 = def('istore8', Format.Store, 'Store the low 8 bits of x.', storeOp('int'));
export const ULOAD16 = def('uload16', Format.Load, 'Load 16 bits and zero-extend.', loadOp('int'));
export const SLOAD16 = def('sload16', Format.Load, 'Load 16 bits and sign-extend.', loadOp('int'));
export const ISTORE16 = def('istore16', Format.Store, 'Store the low 16 bits of x.', storeOp('int'));
export const ULOAD32 = def('uload32', Format.Load, 'Load 32 bits and zero-extend to i64.', loadOp('int'));
export const SLOAD32 = def('sload32', Format.Load, 'Load 32 bits and sign-extend to i64.', loadOp('int'));
export const ISTORE32 = def('istore32', Format.Store, 'Store the low 32 bits of x.', storeOp('int'));
export const ULOAD8X8 = def('uload8x8', Format.Load, 'Load 8 bytes, zero-extend each to 16 bits.', fixedLoad('i16x8'));
export const SLOAD8X8 = def('sload8x8', Format.Load, 'Load 8 bytes, sign-extend each to 16 bits.', fixedLoad('i16x8'));
export const ULOAD16X4 = def('uload16x4', Format.Load, 'Load 4 x 16 bits, zero-extend each to 32 bits.', fixedLoad('i32x4'));
export const SLOAD16X4 = def('sload16x4', Format.Load, 'Load 4 x 16 bits, sign-extend each to 32 bits.', fixedLoad('i32x4'));
export const ULOAD32X2 = def('uload32x2', Format.Load, 'Load 2 x 32 bits, zero-extend each to 64 bits.', fixedLoad('i64x2'));
export const SLOAD32X2 = def('sload32x2', Format.Load, 'Load 2 x 32 bits, sign-extend each to 64 bits.', fixedLoad('i64x2'));
export const STACK_LOAD = def('stack_load', Format.StackLoad, 'Load from a stack slot.', { ctrl: 'explicit', types: 'mem', res: ['T'], flags: ['load'] });
export const STACK_STORE = def('stack_store', Format.StackStore, 'Store to a stack slot.', { ctrl: 'operand', types: 'mem', ops: ['T'], flags: ['store'] });
export const STACK_ADDR = def('stack_addr', Format.StackLoad, 'Address of a stack slot.', addrOf);
export const DYNAMIC_STACK_LOAD = def('dynamic_stack_load', Format.DynamicStackLoad, 'Load from a dynamic stack slot.', { ctrl: 'explicit', types: 'vec', res: ['T'], flags: ['load'] });
export const DYNAMIC_STACK_STORE = def('dynamic_stack_store', Format.DynamicStackStore, 'Store to a dynamic stack slot.', { ctrl: 'operand', types: 'vec', ops: ['T'], flags: ['store'] });
export const DYNAMIC_STACK_ADDR = def('dynamic_stack_addr', Format.DynamicStackLoad, 'Address of a dynamic stack slot.', addrOf);
export const GLOBAL_VALUE = def('global_value', Format.UnaryGlobalValue, 'Compute the value of a global value.', { ctrl: 'explicit', types: 'mem', res: ['T'] });
export const SYMBOL_VALUE = def('symbol_value', Format.UnaryGlobalValue, 'Address of a symbol global value.', addrOf);
export const TLS_VALUE = def('tls_value', Format.UnaryGlobalValue, 'Address of a thread-local symbol.', addrOf);
export const GET_PINNED_REG = def('get_pinned_reg', Format.NullAry, 'Read the pinned register.', { ctrl: 'explicit', types: 'addr', res: ['T'] });
export const SET_PINNED_REG = def('set_pinned_reg', Format.Unary, 'Write the pinned register.', { ctrl: 'operand', types: 'addr', ops: ['T'], flags: ['effects'] });
export const GET_FRAME_POINTER = def('get_frame_pointer', Format.NullAry, 'The frame pointer of this function.', addrOf);
export const GET_STACK_POINTER = def('get_stack_pointer', Format.NullAry, 'The stack pointer.', addrOf);
export const GET_RETURN_ADDRESS = def('get_return_address', Format.NullAry, 'The return address of this function.', addrOf);

// Constants.
export const ICONST = def('iconst', Format.UnaryImm, 'Integer constant.', { ctrl: 'explicit', types: 'scalarInt', res: ['T'] });
export const F16CONST = def('f16const', Format.UnaryIeee16, 'f16 constant.', { res: ['f16'] });
export const F32CONST = def('f32const', Format.UnaryIeee32, 'f32 constant.', { res: ['f32'] });
export const F64CONST = def('f64const', Format.UnaryIeee64, 'f64 constant.', { res: ['f64'] });
export const F128CONST = def('f128const', Format.UnaryConst, 'f128 constant (from the constant pool).', { res: ['f128'] });
export const VCONST = def('vconst', Format.UnaryConst, 'Vector constant (from the constant pool).', { ctrl: 'explicit', types: 'vec', res: ['T'] });
export const SHUFFLE = def('shuffle', Format.Shuffle, 'Byte shuffle of two vectors by an immediate mask.', { res: ['i8x16'], ops: ['i8x16', 'i8x16'] });
export const NOP = def('nop', Format.NullAry, 'No operation.');

// Selection.
export const SELECT = def('select', Format.Ternary, 'x if c is non-zero, else y.', { ctrl: 'operand', at: 1, types: 'any', res: ['T'], ops: ['I', 'T', 'T'] });
export const SELECT_SPECTRE_GUARD = def('select_spectre_guard', Format.Ternary, 'select that is guaranteed not to be speculated around.', { ctrl: 'operand', at: 1, types: 'any', res: ['T'], ops: ['I', 'T', 'T'] });
export const BITSELECT = def('bitselect', Format.Ternary, 'Bitwise select: bits of x where c is 1, else of y.', { ctrl: 'operand', at: 1, types: 'any', res: ['T'], ops: ['T', 'T', 'T'] });
export const BLENDV = def('blendv', Format.Ternary, 'Lane select by the top bit of each lane of c.', { ctrl: 'operand', at: 1, types: 'vec', res: ['T'], ops: ['T', 'T', 'T'] });
export const X86_BLENDV = def('x86_blendv', Format.Ternary, 'x86 BLENDV lane select.', { ctrl: 'operand', at: 1, types: 'vec', res: ['T'], ops: ['T', 'T', 'T'] });
export const VANY_TRUE = def('vany_true', Format.Unary, '1 if any lane is non-zero.', { ctrl: 'operand', types: 'vec', res: ['i8'], ops: ['T'] });
export const VALL_TRUE = def('vall_true', Format.Unary, '1 if all lanes are non-zero.', { ctrl: 'operand', types: 'vec', res: ['i8'], ops: ['T'] });
export const VHIGH_BITS = def('vhigh_bits', Format.Unary, 'Gather the top bit of each lane into a scalar.', { ctrl: 'explicit', types: 'scalarInt', res: ['T'], ops: ['*'] });

// Comparisons and integer arithmetic.
export const ICMP = def('icmp', Format.IntCompare, 'Integer comparison.', { ...cmp, types: 'intOrVec' });
export const ICMP_IMM = def('icmp_imm', Format.IntCompareImm, 'Integer comparison with an immediate.', { ctrl: 'operand', types: 'scalarInt', res: ['b'], ops: ['T'] });
export const IADD = def('iadd', Format.Binary, 'Wrapping integer addition.', binaryOp('intOrVec'));
export const ISUB = def('isub', Format.Binary, 'Wrapping integer subtraction.', binaryOp('intOrVec'));
export const INEG = def('ineg', Format.Unary, 'Wrapping integer negation.', unaryOp('intOrVec'));
export const IABS = def('iabs', Format.Unary, 'Integer absolute value (wrapping).', unaryOp('intOrVec'));
export const IMUL = def('imul', Format.Binary, 'Wrapping integer multiplication.', binaryOp('intOrVec'));
export const UMULHI = def('umulhi', Format.Binary, 'High half of the unsigned product.', binaryOp('intOrVec'));
export const SMULHI = def('smulhi', Format.Binary, 'High half of the signed product.', binaryOp('intOrVec'));
export const SQMUL_ROUND_SAT = def('sqmul_round_sat', Format.Binary, 'Fixed-point Q15/Q31 multiply, rounding and saturating.', binaryOp('intVec'));
export const X86_PMULHRSW = def('x86_pmulhrsw', Format.Binary, 'x86 PMULHRSW.', binaryOp('intVec'));
export const UDIV = def('udiv', Format.Binary, 'Unsigned division; traps on zero.', { ...binaryOp('int'), flags: ['trap'] });
export const SDIV = def('sdiv', Format.Binary, 'Signed division; traps on zero and overflow.', { ...binaryOp('int'), flags: ['trap'] });
export const UREM = def('urem', Format.Binary, 'Unsigned remainder; traps on zero.', { ...binaryOp('int'), flags: ['trap'] });
export const SREM = def('srem', Format.Binary, 'Signed remainder; traps on zero.', { ...binaryOp('int'), flags: ['trap'] });
export const IADD_IMM = def('iadd_imm', Format.BinaryImm64, 'Add an immediate.', binaryImmOp('scalarInt'));
export const IMUL_IMM = def('imul_imm', Format.BinaryImm64, 'Multiply by an immediate.', binaryImmOp('scalarInt'));
export const UDIV_IMM = def('udiv_imm', Format.BinaryImm64, 'Unsigned division by a non-zero immediate.', binaryImmOp('scalarInt'));
export const SDIV_IMM = def('sdiv_imm', Format.BinaryImm64, 'Signed division by an immediate.', binaryImmOp('scalarInt'));
export const UREM_IMM = def('urem_imm', Format.BinaryImm64, 'Unsigned remainder by an immediate.', binaryImmOp('scalarInt'));
export const SREM_IMM = def('srem_imm', Format.BinaryImm64, 'Signed remainder by an immediate.', binaryImmOp('scalarInt'));
export const IRSUB_IMM = def('irsub_imm', Format.BinaryImm64, 'Immediate minus x.', binaryImmOp('scalarInt'));
export const SADD_OVERFLOW_CIN = def('sadd_overflow_cin', Format.Ternary, 'Signed add with carry in; returns sum and overflow flag.', carryOp);
export const UADD_OVERFLOW_CIN = def('uadd_overflow_cin', Format.Ternary, 'Unsigned add with carry in; returns sum and carry out.', carryOp);
export const UADD_OVERFLOW = def('uadd_overflow', Format.Binary, 'Unsigned add; returns sum and overflow flag.', overflowOp);
export const SADD_OVERFLOW = def('sadd_overflow', Format.Binary, 'Signed add; returns sum and overflow flag.', overflowOp);
export const USUB_OVERFLOW = def('usub_overflow', Format.Binary, 'Unsigned subtract; returns difference and borrow flag.', overflowOp);
export const SSUB_OVERFLOW = def('ssub_overflow', Format.Binary, 'Signed subtract; returns difference and overflow flag.', overflowOp);
export const UMUL_OVERFLOW = def('umul_overflow', Format.Binary, 'Unsigned multiply; returns product and overflow flag.', overflowOp);
export const SMUL_OVERFLOW = def('smul_overflow', Format.Binary, 'Signed multiply; returns product and overflow flag.', overflowOp);
export const UADD_OVERFLOW_TRAP = def('uadd_overflow_trap', Format.IntAddTrap, 'Unsigned add that traps on overflow.', { ctrl: 'operand', types: 'scalarInt', res: ['T'], ops: ['T', 'T'], flags: ['trap'] });
export const SSUB_OVERFLOW_BIN = def('ssub_overflow_bin', Format.Ternary, 'Signed subtract with borrow in; returns difference and overflow flag.', carryOp);
export const USUB_OVERFLOW_BIN = def('usub_overflow_bin', Format.Ternary, 'Unsigned subtract with borrow in; returns difference and borrow out.', carryOp);

// Bitwise.
export const BAND = def('band', Format.Binary, 'Bitwise and.', binaryOp('any'));
export const BOR = def('bor', Format.Binary, 'Bitwise or.', binaryOp('any'));
export const BXOR = def('bxor', Format.Binary, 'Bitwise xor.', binaryOp('any'));
export const BNOT = def('bnot', Format.Unary, 'Bitwise not.', unaryOp('any'));
export const BAND_NOT = def('band_not', Format.Binary, 'x & ~y.', binaryOp('any'));
export const BOR_NOT = def('bor_not', Format.Binary, 'x | ~y.', binaryOp('any'));
export const BXOR_NOT = def('bxor_not', Format.Binary, 'x ^ ~y.', binaryOp('any'));
export const BAND_IMM = def('band_imm', Format.BinaryImm64, 'Bitwise and with an immediate.', binaryImmOp('scalarInt'));
export const BOR_IMM = def('bor_imm', Format.BinaryImm64, 'Bitwise or with an immediate.', binaryImmOp('scalarInt'));
export const BXOR_IMM = def('bxor_imm', Format.BinaryImm64, 'Bitwise xor with an immediate.', binaryImmOp('scalarInt'));
export const ROTL = def('rotl', Format.Binary, 'Rotate left.', shiftOp);
export const ROTR = def('rotr', Format.Binary, 'Rotate right.', shiftOp);
export const ROTL_IMM = def('rotl_imm', Format.BinaryImm64, 'Rotate left by an immediate.', binaryImmOp('intOrVec'));
export const ROTR_IMM = def('rotr_imm', Format.BinaryImm64, 'Rotate right by an immediate.', binaryImmOp('intOrVec'));
export const ISHL = def('ishl', Format.Binary, 'Shift left (amount modulo the lane width).', shiftOp);
export const USHR = def('ushr', Format.Binary, 'Logical shift right.', shiftOp);
export const SSHR = def('sshr', Format.Binary, 'Arithmetic shift right.', shiftOp);
export const ISHL_IMM = def('ishl_imm', Format.BinaryImm64, 'Shift left by an immediate.', binaryImmOp('intOrVec'));
export const USHR_IMM = def('ushr_imm', Format.BinaryImm64, 'Logical shift right by an immediate.', binaryImmOp('intOrVec'));
export const SSHR_IMM = def('sshr_imm', Format.BinaryImm64, 'Arithmetic shift right by an immediate.', binaryImmOp('intOrVec'));
export const BITREV = def('bitrev', Format.Unary, 'Reverse the bits.', unaryOp('scalarInt'));
export const CLZ = def('clz', Format.Unary, 'Count leading zero bits.', unaryOp('scalarInt'));
export const CLS = def('cls', Format.Unary, 'Count leading sign bits (excluding the sign bit).', unaryOp('scalarInt'));
export const CTZ = def('ctz', Format.Unary, 'Count trailing zero bits.', unaryOp('scalarInt'));
export const BSWAP = def('bswap', Format.Unary, 'Reverse the bytes.', unaryOp('scalarInt'));
export const POPCNT = def('popcnt', Format.Unary, 'Count set bits (per lane).', unaryOp('intOrVec'));

// Floating point.
export const FCMP = def('fcmp', Format.FloatCompare, 'Floating point comparison.', { ...cmp, types: 'floatOrVec' });
export const FADD = def('fadd', Format.Binary, 'Floating point addition.', binaryOp('floatOrVec'));
export const FSUB = def('fsub', Format.Binary, 'Floating point subtraction.', binaryOp('floatOrVec'));
export const FMUL = def('fmul', Format.Binary, 'Floating point multiplication.', binaryOp('floatOrVec'));
export const FDIV = def('fdiv', Format.Binary, 'Floating point division.', binaryOp('floatOrVec'));
export const SQRT = def('sqrt', Format.Unary, 'Floating point square root.', unaryOp('floatOrVec'));
export const FMA = def('fma', Format.Ternary, 'Fused multiply-add x * y + z, rounded once.', { ctrl: 'operand', types: 'floatOrVec', res: ['T'], ops: ['T', 'T', 'T'] });
export const FNEG = def('fneg', Format.Unary, 'Flip the sign bit.', unaryOp('floatOrVec'));
export const FABS = def('fabs', Format.Unary, 'Clear the sign bit.', unaryOp('floatOrVec'));
export const FCOPYSIGN = def('fcopysign', Format.Binary, 'x with the sign bit of y.', binaryOp('floatOrVec'));
export const FMIN = def('fmin', Format.Binary, 'Minimum, NaN-propagating, -0 < +0.', binaryOp('floatOrVec'));
export const FMAX = def('fmax', Format.Binary, 'Maximum, NaN-propagating, -0 < +0.', binaryOp('floatOrVec'));
export const CEIL = def('ceil', Format.Unary, 'Round towards +infinity.', unaryOp('floatOrVec'));
export const FLOOR = def('floor', Format.Unary, 'Round towards -infinity.', unaryOp('floatOrVec'));
export const TRUNC = def('trunc', Format.Unary, 'Round towards zero.', unaryOp('floatOrVec'));
export const NEAREST = def('nearest', Format.Unary, 'Round to nearest, ties to even.', unaryOp('floatOrVec'));

// Conversions.
export const BITCAST = def('bitcast', Format.LoadNoOffset, 'Reinterpret the bits of x as another type of the same width (flags give the lane order).', convert('any'));
export const SCALAR_TO_VECTOR = def('scalar_to_vector', Format.Unary, 'Vector with lane 0 set to s and other lanes zero.', { ctrl: 'explicit', types: 'vec', res: ['T'], ops: ['L'] });
export const BMASK = def('bmask', Format.Unary, 'All ones if x is non-zero, else zero.', convert('int'));
export const IREDUCE = def('ireduce', Format.Unary, 'Truncate an integer to a narrower type.', convert('scalarInt', 'I'));
export const SNARROW = def('snarrow', Format.Binary, 'Narrow the lanes of x and y with signed saturation.', { ctrl: 'operand', types: 'intVec', res: ['S'], ops: ['T', 'T'] });
export const UNARROW = def('unarrow', Format.Binary, 'Narrow signed lanes of x and y with unsigned saturation.', { ctrl: 'operand', types: 'intVec', res: ['S'], ops: ['T', 'T'] });
export const UUNARROW = def('uunarrow', Format.Binary, 'Narrow unsigned lanes of x and y with unsigned saturation.', { ctrl: 'operand', types: 'intVec', res: ['S'], ops: ['T', 'T'] });
export const SWIDEN_LOW = def('swiden_low', Format.Unary, 'Sign-extend the low half of the lanes.', { ctrl: 'operand', types: 'intVec', res: ['M'], ops: ['T'] });
export const SWIDEN_HIGH = def('swiden_high', Format.Unary, 'Sign-extend the high half of the lanes.', { ctrl: 'operand', types: 'intVec', res: ['M'], ops: ['T'] });
export const UWIDEN_LOW = def('uwiden_low', Format.Unary, 'Zero-extend the low half of the lanes.', { ctrl: 'operand', types: 'intVec', res: ['M'], ops: ['T'] });
export const UWIDEN_HIGH = def('uwiden_high', Format.Unary, 'Zero-extend the high half of the lanes.', { ctrl: 'operand', types: 'intVec', res: ['M'], ops: ['T'] });
export const IADD_PAIRWISE = def('iadd_pairwise', Format.Binary, 'Add adjacent lane pairs of x then of y.', binaryOp('intVec'));
export const X86_PMADDUBSW = def('x86_pmaddubsw', Format.Binary, 'x86 PMADDUBSW.', { res: ['i16x8'], ops: ['i8x16', 'i8x16'] });
export const UEXTEND = def('uextend', Format.Unary, 'Zero-extend to a wider integer.', convert('scalarInt', 'I'));
export const SEXTEND = def('sextend', Format.Unary, 'Sign-extend to a wider integer.', convert('scalarInt', 'I'));
export const FPROMOTE = def('fpromote', Format.Unary, 'Convert to a wider float type.', convert('scalarFloat'));
export const FDEMOTE = def('fdemote', Format.Unary, 'Convert to a narrower float type.', convert('scalarFloat'));
export const FVDEMOTE = def('fvdemote', Format.Unary, 'Demote f64x2 to the low lanes of an f32x4, high lanes zero.', { res: ['f32x4'], ops: ['f64x2'] });
export const FVPROMOTE_LOW = def('fvpromote_low', Format.Unary, 'Promote the low two lanes of an f32x4 to f64x2.', { res: ['f64x2'], ops: ['f32x4'] });
export const FCVT_TO_UINT = def('fcvt_to_uint', Format.Unary, 'Float to unsigned integer; traps when out of range or NaN.', convert('scalarInt', '*', ['trap']));
export const FCVT_TO_SINT = def('fcvt_to_sint', Format.Unary, 'Float to signed integer; traps when out of range or NaN.', convert('scalarInt', '*', ['trap']));
export const FCVT_TO_UINT_SAT = def('fcvt_to_uint_sat', Format.Unary, 'Float to unsigned integer, saturating (NaN is 0).', convert('intOrVec'));
export const FCVT_TO_SINT_SAT = def('fcvt_to_sint_sat', Format.Unary, 'Float to signed integer, saturating (NaN is 0).', convert('intOrVec'));
export const X86_CVTT2DQ = def('x86_cvtt2dq', Format.Unary, 'x86 CVTTPS2DQ.', convert('intVec'));
export const FCVT_FROM_UINT = def('fcvt_from_uint', Format.Unary, 'Unsigned integer to float.', convert('floatOrVec'));
export const FCVT_FROM_SINT = def('fcvt_from_sint', Format.Unary, 'Signed integer to float.', convert('floatOrVec'));
export const ISPLIT = def('isplit', Format.Unary, 'Split an integer into its low and high halves.', { ctrl: 'operand', types: 'int', res: ['H', 'H'], ops: ['T'] });
export const ICONCAT = def('iconcat', Format.Binary, 'Concatenate low and high halves into a double-width integer.', { ctrl: 'operand', types: 'int', res: ['D'], ops: ['T', 'T'] });

// Atomics.
export const ATOMIC_RMW = def('atomic_rmw', Format.AtomicRmw, 'Atomic read-modify-write; returns the old value.', { ctrl: 'explicit', types: 'scalarInt', res: ['T'], ops: ['A', 'T'], flags: ['load', 'store', 'trap'] });
export const ATOMIC_CAS = def('atomic_cas', Format.AtomicCas, 'Atomic compare-and-swap; returns the old value.', { ctrl: 'operand', at: 1, types: 'scalarInt', res: ['T'], ops: ['A', 'T', 'T'], flags: ['load', 'store', 'trap'] });
export const ATOMIC_LOAD = def('atomic_load', Format.LoadNoOffset, 'Atomic load.', { ctrl: 'explicit', types: 'scalarInt', res: ['T'], ops: ['A'], flags: ['load', 'trap'] });
export const ATOMIC_STORE = def('atomic_store', Format.StoreNoOffset, 'Atomic store.', { ctrl: 'operand', types: 'scalarInt', ops: ['T', 'A'], flags: ['store', 'trap'] });
export const FENCE = def('fence', Format.NullAry, 'Memory fence.', { flags: ['effects', 'load', 'store'] });
export const EXTRACT_VECTOR = def('extract_vector', Format.BinaryImm8, 'Extract a fixed vector from a dynamic vector.', { ctrl: 'operand', types: 'vec', res: ['B'], ops: ['T'] });

/** All opcodes, indexed by `Opcode`. */
export const OPCODES: readonly OpcodeInfo[] = table;
export const OPCODE_COUNT = table.length;

/** The opcode called `name`, or -1. */
export function opcodeByName(name: string): Opcode | -1 {
  return byName.get(name) ?? -1;
}

export function opcodeName(op: Opcode): string {
  return table[op].name;
}

export function opcodeInfo(op: Opcode): OpcodeInfo {
  return table[op];
}

/** Whether the instruction has a side effect that keeps it alive even when its results are unused. */
export function hasSideEffects(op: Opcode): boolean {
  const i = table[op];
  return i.isTerminator || i.isCall || i.canStore || i.canTrap || i.otherSideEffects;
}
