import { describe, it, expect } from 'vitest';
import { parseClif, parseFunction, I8, I32, TRAP_INT_DIVZ, TRAP_HEAP_OOB, type Function } from '@windlass/ir';
import { interpret, functionName, unsupportedOpcodes, type InterpretResult } from './interpreter';
import { parseValue } from './literal';

function file(text: string): Map<string, Function> {
  return new Map(parseClif(text).functions.map((f) => [functionName(f.func), f.func]));
}

function returned(r: InterpretResult): unknown[] {
  if (r.kind !== 'return') throw new Error(`expected a return, got ${JSON.stringify(r)}`);
  return r.values;
}

describe('interpret', () => {
  it('implements every opcode of the instruction set but two', () => {
    expect(unsupportedOpcodes().sort()).toEqual(['get_exception_handler_address', 'stack_switch']);
  });

  it('runs a function on concrete values', () => {
    const f = parseFunction(`
function %add(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    return v2
}`);
    expect(returned(interpret(f, [0xffffffff, 2]))).toEqual([1]);
  });

  it('reports traps as results, never as exceptions', () => {
    const f = parseFunction(`
function %div(i64, i64) -> i64 {
block0(v0: i64, v1: i64):
    v2 = udiv v0, v1
    return v2
}`);
    expect(interpret(f, [1n, 0n])).toMatchObject({ kind: 'trap', trap: TRAP_INT_DIVZ, trapName: 'int_divz' });
  });

  it('follows branches and block parameters, and stops on the fuel limit', () => {
    const text = `
function %count(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 0
    jump block1(v1)
block1(v2: i32):
    v3 = iadd_imm v2, 1
    v4 = icmp ult v3, v0
    brif v4, block1(v3), block2
block2:
    return v3
}`;
    const f = parseFunction(text);
    expect(returned(interpret(f, [1000]))).toEqual([1000]);
    expect(interpret(f, [100000000], { fuel: 1000 }).kind).toBe('out-of-fuel');
  });

  it('rejects a limit that would be no limit (NaN, infinite, negative, fractional) with a RangeError', () => {
    const f = parseFunction('function %f() {\nblock0:\n    return\n}');
    for (const fuel of [NaN, Infinity, -5, 1.5]) expect(() => interpret(f, [], { fuel })).toThrow(/^interpret: fuel must be a whole number >= 0/);
    for (const maxDepth of [NaN, 0, Infinity]) expect(() => interpret(f, [], { maxDepth })).toThrow(RangeError);
    expect(interpret(f, [], { fuel: 0 }).kind).toBe('out-of-fuel');
  });

  it('calls functions of the same file, directly, indirectly and as tail calls', () => {
    const fns = file(`
function %inc(i64) -> i64 tail {
block0(v0: i64):
    v1 = iadd_imm v0, 1
    return v1
}
function %loop(i64, i64) -> i64 tail {
    fn0 = %loop(i64, i64) -> i64 tail
block0(v0: i64, v1: i64):
    brif v0, block1, block2
block1:
    v2 = iadd_imm v0, -1
    v3 = iadd_imm v1, 2
    return_call fn0(v2, v3)
block2:
    return v1
}
function %main(i64) -> i64 {
    sig0 = (i64) -> i64 tail
    fn0 = %inc(i64) -> i64 tail
    fn1 = %loop(i64, i64) -> i64 tail
block0(v0: i64):
    v1 = call fn0(v0)
    v2 = func_addr.i64 fn0
    v3 = call_indirect sig0, v2(v1)
    v4 = call fn1(v3, v3)
    return v4
}`);
    // Deep tail recursion runs in constant JS stack.
    expect(returned(interpret(fns.get('loop')!, [100000n, 0n], { functions: fns }))).toEqual([200000n]);
    expect(returned(interpret(fns.get('main')!, [1n], { functions: fns }))).toEqual([9n]);
  });

  it('recurses on an explicit frame stack: deep recursion returns, and maxDepth bounds it with stk_ovf', () => {
    const fns = file(`
function %sum(i64) -> i64 {
    fn0 = %sum(i64) -> i64
block0(v0: i64):
    brif v0, block1, block2
block1:
    v1 = iadd_imm v0, -1
    v2 = call fn0(v1)
    v3 = iadd v2, v0
    return v3
block2:
    return v0
}`);
    const sum = fns.get('sum')!;
    // Far deeper than the host's JS stack allows for recursion in JS (about 10000 frames).
    expect(returned(interpret(sum, [200_000n], { functions: fns, maxDepth: 1_000_000 }))).toEqual([20000100000n]);
    expect(returned(interpret(sum, [99_999n], { functions: fns }))).toEqual([4999950000n]);
    expect(interpret(sum, [100_000n], { functions: fns })).toMatchObject({ kind: 'trap', trapName: 'stk_ovf' });
    expect(returned(interpret(sum, [9n], { functions: fns, maxDepth: 10 }))).toEqual([45n]);
    expect(interpret(sum, [10n], { functions: fns, maxDepth: 10 })).toMatchObject({ kind: 'trap', trapName: 'stk_ovf' });
  });

  it('unwinds a throw through frames without a handler, releasing their stack slots', () => {
    const fns = file(`
function %thrower(i32, i64) tail {
    sig0 = (i64, i64, i64, i32, i64, i64)
    fn0 = %__cranelift_throw(i64, i64, i64, i32, i64, i64)
block0(v0: i32, v1: i64):
    v2 = iconst.i64 0
    call fn0(v2, v2, v2, v0, v1, v1)
    return
}
function %middle(i32) -> i64 tail {
    ss0 = explicit_slot 64
    fn0 = %thrower(i32, i64) tail
block0(v0: i32):
    v1 = iconst.i64 5
    call fn0(v0, v1)
    return v1
}
function %catcher(i32) -> i64, i64 {
    ss0 = explicit_slot 8
    sig0 = (i32) -> i64 tail
    fn0 = %middle(i32) -> i64 tail
block0(v0: i32):
    v9 = iconst.i64 99
    stack_store v9, ss0
    try_call fn0(v0), sig0, block1(ret0), [ tag3: block2(exn0) ]
block1(v1: i64):
    v2 = stack_load.i64 ss0
    return v1, v2
block2(v3: i64):
    v4 = stack_load.i64 ss0
    v5 = iadd_imm v3, 100
    return v5, v4
}`);
    expect(returned(interpret(fns.get('catcher')!, [3], { functions: fns }))).toEqual([105n, 99n]);
    expect(interpret(fns.get('catcher')!, [4], { functions: fns })).toMatchObject({ kind: 'error', message: 'uncaught exception with tag 4' });
  });

  it('unwinds a throw to the try_call handler of its tag', () => {
    const fns = file(`
function %thrower(i32, i64) tail {
    sig0 = (i64, i64, i64, i32, i64, i64)
    fn0 = %__cranelift_throw(i64, i64, i64, i32, i64, i64)
block0(v0: i32, v1: i64):
    v2 = iconst.i64 0
    call fn0(v2, v2, v2, v0, v1, v1)
    return
}
function %catcher(i32) -> i64 {
    sig0 = (i32, i64) tail
    fn0 = %thrower(i32, i64) tail
block0(v0: i32):
    v1 = iconst.i64 21
    try_call fn0(v0, v1), sig0, block1(), [ tag7: block2(exn0, exn1) ]
block1:
    v2 = iconst.i64 0
    return v2
block2(v3: i64, v4: i64):
    v5 = iadd v3, v4
    return v5
}`);
    expect(returned(interpret(fns.get('catcher')!, [7], { functions: fns }))).toEqual([42n]);
    expect(interpret(fns.get('catcher')!, [8], { functions: fns })).toMatchObject({ kind: 'error', message: 'uncaught exception with tag 8' });
  });

  it('loads and stores through stack slots with explicit endianness', () => {
    const f = parseFunction(`
function %endian(i32) -> i8, i8 {
    ss0 = explicit_slot 4
block0(v0: i32):
    v1 = stack_addr.i64 ss0
    store big v0, v1
    v2 = load.i8 v1
    store little v0, v1
    v3 = load.i8 v1
    return v2, v3
}`);
    expect(returned(interpret(f, [0x11223344]))).toEqual([0x11, 0x44]);
  });

  it('stores and reloads dynamic vectors through dynamic stack slots', () => {
    const f = parseFunction(`
function %dyn(i32) -> i32x4 {
    gv0 = dyn_scale_target_const.i32x4
    dt0 = i32x4*gv0
    dss0 = explicit_dynamic_slot dt0
block0(v0: i32):
    v1 = splat.dt0 v0
    dynamic_stack_store v1, dss0
    v2 = dynamic_stack_load.dt0 dss0
    v3 = extract_vector v2, 0
    return v3
}`);
    const [v] = returned(interpret(f, [7]));
    expect(Array.from(v as Uint8Array)).toEqual([7, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0]);
  });

  it('traps on out-of-bounds memory accesses', () => {
    const f = parseFunction(`
function %oob(i64) -> i32 {
block0(v0: i64):
    v1 = load.i32 v0
    return v1
}`);
    const r = interpret(f, [8n]);
    expect(r.kind === 'trap' && r.trap).toBe(TRAP_HEAP_OOB);
  });

  it('computes lane-wise vector operations', () => {
    const f = parseFunction(`
function %v(i32x4, i32x4) -> i32x4, i8 {
block0(v0: i32x4, v1: i32x4):
    v2 = iadd v0, v1
    v3 = icmp eq v2, v1
    v4 = vall_true v3
    return v2, v4
}`);
    const t = f.signature.params[0].type;
    const [sum, all] = returned(interpret(f, [parseValue('[1 2 3 -1]', t), parseValue('[1 1 1 1]', t)]));
    expect(Array.from(sum as Uint8Array)).toEqual(Array.from(parseValue('[2 3 4 0]', t) as Uint8Array));
    expect(all).toBe(0);
  });

  it('calls libcalls by name and applies fmin/fmax NaN rules', () => {
    const f = parseFunction(`
function %f(f32, f32) -> f32, f32 {
    fn0 = %CeilF32(f32) -> f32
block0(v0: f32, v1: f32):
    v2 = call fn0(v0)
    v3 = fmin v0, v1
    return v2, v3
}`);
    const [ceil, min] = returned(interpret(f, [parseValue('0x1.8p0', f.signature.params[0].type), parseValue('-NaN:0x5', f.signature.params[0].type)]));
    expect(ceil).toBe(0x40000000);
    expect(min).toBe(0x7fc00000);
  });

  it('computes f128 arithmetic exactly', () => {
    const f = parseFunction(`
function %q(f128, f128) -> f128, i8 {
block0(v0: f128, v1: f128):
    v2 = fdiv v0, v1
    v3 = fmul v2, v1
    v4 = fcmp eq v3, v0
    return v2, v4
}`);
    const t = f.signature.params[0].type;
    const [q, eq] = returned(interpret(f, [parseValue('0x1.0', t), parseValue('0x3.0', t)]));
    expect(q).toBe(0x3ffd5555555555555555555555555555n);
    expect(eq).toBe(1);
  });

  it('rejects wrong argument counts with an error result', () => {
    const f = parseFunction(`
function %one(i8) -> i8 {
block0(v0: i8):
    return v0
}`);
    expect(interpret(f, []).kind).toBe('error');
    expect(returned(interpret(f, [parseValue('-1', I8)]))).toEqual([255]);
    expect(I32).toBe(I32);
  });
});
