import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { StandardEnvironment } from '@windlass/linker';
import { parseModule, translateFunction } from '@windlass/wasm-frontend';
import { buildObject, fnSymbolName, testSymbol } from '../native/x64';
import { corpus, haveWabt, script as writeScript } from './test-support';
import { NativeEngine, nativeHostProblem } from './native-engine';
import { analyzeModule } from './purity';
import { decodeResults, driverSource } from './driver';
import { WastExhaustion, WastLinkError, WastTrap } from './engine';
import { nativeTargetProblem, runWastFiles } from './index';
import type { WastValue } from './values';

const hostProblem = nativeHostProblem();
const canRun = hostProblem === null;
const why = hostProblem ?? '';

/** Binary module of a text one (wabt's wat2wasm). */
function wasm(text: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-native-'));
  try {
    writeFileSync(join(dir, 'm.wat'), text);
    execFileSync('wat2wasm', ['--enable-all', join(dir, 'm.wat'), '-o', join(dir, 'm.wasm')]);
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const i32 = (n: number): WastValue => ({ type: 'i32', bytes: new Uint8Array(new Uint32Array([n >>> 0]).buffer) });
const asI32 = (v: WastValue): number => new DataView((v as { bytes: Uint8Array }).bytes.buffer).getInt32(0, true);

describe.runIf(haveWabt)('purity: which functions need no wasm runtime', () => {
  it('accepts direct calls passing the vmctx on and rejects memory, globals and indirect calls', () => {
    const m = parseModule(wasm(`(module (memory 1) (global $g i32 (i32.const 1)) (table 1 funcref)
      (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
      (func $caller (param i32) (result i32) (call $leaf (local.get 0)))
      (func $load (result i32) (i32.load (i32.const 0)))
      (func $global (result i32) (global.get $g))
      (func $indirect (result i32) (call_indirect (result i32) (i32.const 0)))
      (func $via (result i32) (call $load)))`));
    const env = new StandardEnvironment(m, { namespace: 0 });
    const fns = m.bodies.map((_, i) => translateFunction(m, i, env));
    const p = analyzeModule(m, fns, 0);
    expect(p.map((x) => x.pure)).toEqual([true, true, false, false, false, false]);
    expect([...p[1].reaches].sort()).toEqual([0, 1]);
    expect(p[2].reason).toBe('memory');
    expect(p[3].reason).toBe('globals');
    expect(p[4].reason).toBe('table'); // read from the vmctx before the call_indirect
    expect(p[5].reason).toBe('memory in a callee');
  });
});

describe.runIf(haveWabt && canRun)(`NativeEngine (x86-64 code run natively)${canRun ? '' : `: skipped, ${why}`}`, () => {
  it('returns results, names traps from the trap sites and detects stack exhaustion', () => {
    const e = new NativeEngine();
    const bytes = wasm(`(module
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "unreachable") unreachable)
      (func $r (export "runaway") (call $r))
      (func (export "swap") (param i32 f64) (result f64 i32 f64 i32) (local.get 1) (local.get 0) (local.get 1) (local.get 0)))`);
    const inst = e.instantiate(bytes, parseModule(bytes));
    e.prepare(inst, [{ field: 'div', args: [i32(7), i32(2)] }, { field: 'div', args: [i32(1), i32(0)] }]);
    expect(e.invoke(inst, 'div', [i32(7), i32(2)]).map(asI32)).toEqual([3]);
    expect(e.invoke(inst, 'div', [i32(-9), i32(2)]).map(asI32)).toEqual([-4]); // not prepared: its own run
    expect(() => e.invoke(inst, 'div', [i32(1), i32(0)])).toThrow(new WastTrap('integer divide by zero'));
    expect(() => e.invoke(inst, 'div', [i32(-0x80000000), i32(-1)])).toThrow(new WastTrap('integer overflow'));
    expect(() => e.invoke(inst, 'unreachable', [])).toThrow(new WastTrap('unreachable'));
    expect(() => e.invoke(inst, 'runaway', [])).toThrow(WastExhaustion);
    // Four results: two in rax/rdx, two in xmm0/xmm1 (no return area).
    const f64 = (x: number): WastValue => ({ type: 'f64', bytes: new Uint8Array(new Float64Array([x]).buffer) });
    const out = e.invoke(inst, 'swap', [i32(5), f64(2.5)]);
    expect(out.map((v) => v.type)).toEqual(['f64', 'i32', 'f64', 'i32']);
    expect(new Float64Array((out[2] as { bytes: Uint8Array }).bytes.slice().buffer)[0]).toBe(2.5);
    expect(asI32(out[3])).toBe(5);
  });

  it('runs stateful modules in script order: memory, globals, tables, segments, libcalls', () => {
    const e = new NativeEngine();
    const bytes = wasm(`(module (memory 1 2) (data (i32.const 8) "\\01\\02\\03\\04")
      (global $g (export "g") (mut i32) (i32.const 5))
      (table 3 funcref) (elem (i32.const 1) $seven) (type $r (func (result i32)))
      (func $seven (result i32) (i32.const 7))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "inc") (global.set $g (i32.add (global.get $g) (i32.const 1))))
      (func (export "ci") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
      (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))`);
    const inst = e.instantiate(bytes, parseModule(bytes));
    const script: [string, WastValue[]][] = [['store', [i32(0), i32(42)]], ['load', [i32(0)]], ['inc', []]];
    e.prepare(inst, script.map(([field, args]) => ({ field, args })));
    expect(e.invoke(inst, 'store', [i32(0), i32(42)])).toEqual([]);
    expect(e.invoke(inst, 'load', [i32(0)]).map(asI32)).toEqual([42]); // the store's effect
    expect(e.invoke(inst, 'inc', [])).toEqual([]);
    // Not prepared: the driver replays the history (store, inc), then runs the command.
    expect(asI32(e.get(inst, 'g'))).toBe(6);
    expect(e.invoke(inst, 'load', [i32(8)]).map(asI32)).toEqual([0x04030201]); // the data segment
    expect(() => e.invoke(inst, 'load', [i32(65533)])).toThrow(new WastTrap('out of bounds memory access'));
    expect(e.invoke(inst, 'grow', [i32(1)]).map(asI32)).toEqual([1]);
    expect(e.invoke(inst, 'load', [i32(65533)]).map(asI32)).toEqual([0]); // grown
    expect(e.invoke(inst, 'grow', [i32(1)]).map(asI32)).toEqual([-1]); // past the maximum
    expect(e.invoke(inst, 'ci', [i32(1)]).map(asI32)).toEqual([7]);
    expect(() => e.invoke(inst, 'ci', [i32(0)])).toThrow(new WastTrap('uninitialized element'));
    expect(() => e.invoke(inst, 'ci', [i32(3)])).toThrow(new WastTrap('undefined element'));
    // A trap raised by a libcall (C code) rather than at a trap site.
    expect(() => e.invoke(inst, 'copy', [i32(131000), i32(0), i32(1000)])).toThrow(new WastTrap('out of bounds memory access'));
  });

  it('runs code translated for guard-page bounds checks on an 8 GiB reservation', () => {
    const e = new NativeEngine({ boundsChecks: 'guard' });
    const bytes = wasm(`(module (memory 1 3)
      (func (export "load") (param i32) (result i32) (i32.load offset=16 (local.get 0)))
      (func (export "far") (param i32) (result i32) (i32.load offset=0xfffffff0 (local.get 0)))
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))`);
    const inst = e.instantiate(bytes, parseModule(bytes));
    expect(e.invoke(inst, 'load', [i32(65516)]).map(asI32)).toEqual([0]);
    expect(() => e.invoke(inst, 'load', [i32(65517)])).toThrow(new WastTrap('out of bounds memory access'));
    expect(() => e.invoke(inst, 'load', [i32(-1)])).toThrow(new WastTrap('out of bounds memory access')); // 4 GiB past the base
    expect(() => e.invoke(inst, 'far', [i32(-1)])).toThrow(new WastTrap('out of bounds memory access')); // 8 GiB past the base
    expect(e.invoke(inst, 'grow', []).map(asI32)).toEqual([1]);
    expect(e.invoke(inst, 'load', [i32(65517)]).map(asI32)).toEqual([0]);
  });

  it('instantiates natively: spectest imports, start functions and failing segments', () => {
    const e = new NativeEngine();
    const imp = wasm(`(module (import "spectest" "print_i32" (func $p (param i32)))
      (import "spectest" "global_i32" (global $gi i32)) (global $s (mut i32) (i32.const 0))
      (func $start (call $p (i32.const 1)) (global.set $s (i32.const 9)))
      (func (export "get") (result i32) (i32.add (global.get $gi) (global.get $s))) (start $start))`);
    const withImport = parseModule(imp);
    expect(e.instantiationUnsupported(withImport)).toBeUndefined();
    expect(e.invoke(e.instantiate(imp, withImport), 'get', []).map(asI32)).toEqual([675]);
    const trapping = wasm('(module (func $u unreachable) (start $u))');
    expect(() => e.instantiate(trapping, parseModule(trapping))).toThrow(new WastTrap('unreachable'));
    const oob = wasm('(module (memory 1) (data (i32.const 65535) "ab"))');
    expect(() => e.instantiate(oob, parseModule(oob))).toThrow(new WastTrap('out of bounds memory access'));
    const unknown = wasm('(module (import "spectest" "nope" (func)))');
    expect(() => e.instantiate(unknown, parseModule(unknown))).toThrow(WastLinkError);
  });

  it('runs instances that share state in one driver, in script order', () => {
    const e = new NativeEngine();
    const a = wasm(`(module (memory (export "mem") 1) (global (export "g") (mut i32) (i32.const 1))
      (func (export "pure") (result i32) (i32.const 3))
      (func (export "load") (result i32) (i32.load8_u (i32.const 0)))
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))`);
    const ia = e.instantiate(a, parseModule(a));
    e.register('A', ia);
    expect(e.invoke(ia, 'load', []).map(asI32)).toEqual([0]);
    // Importing a pure function links its code into the importer's object.
    const b = wasm(`(module (import "A" "pure" (func $p (result i32))) (func (export "twice") (result i32) (i32.add (call $p) (call $p))))`);
    expect(e.invoke(e.instantiate(b, parseModule(b)), 'twice', []).map(asI32)).toEqual([6]);
    // Importing the memory and a mutable global: A and C run in one driver, C's effects show in A.
    const c = wasm(`(module (import "A" "mem" (memory 1)) (import "A" "g" (global $g (mut i32))) (data (i32.const 0) "x")
      (func (export "set") (global.set $g (i32.const 9))))`);
    const ic = e.instantiate(c, parseModule(c));
    expect(e.invoke(ia, 'load', []).map(asI32)).toEqual([0x78]);
    expect(e.invoke(ic, 'set', [])).toEqual([]);
    expect(asI32(e.get(ia, 'g'))).toBe(9);
    // A failing instantiation keeps the effects of the segments before the failing one.
    const d = wasm(`(module (import "A" "mem" (memory 1)) (data (i32.const 0) "y") (data (i32.const 65536) "z"))`);
    expect(() => e.instantiate(d, parseModule(d))).toThrow(new WastTrap('out of bounds memory access'));
    expect(e.invoke(ia, 'load', []).map(asI32)).toEqual([0x79]);
    // Whether a larger minimum links depends on how much A's memory grew: the driver tells.
    const big = wasm('(module (import "A" "mem" (memory 2)) (func (export "size") (result i32) (memory.size)))');
    expect(e.instantiationUnsupported(parseModule(big))).toBeUndefined();
    expect(() => e.instantiate(big, parseModule(big))).toThrow(WastLinkError);
    expect(e.invoke(ia, 'grow', []).map(asI32)).toEqual([1]);
    expect(e.invoke(e.instantiate(big, parseModule(big)), 'size', []).map(asI32)).toEqual([2]);
    expect(e.invoke(ia, 'load', []).map(asI32)).toEqual([0x79]);
  });

  it('runs a script: wrong expectations fail; memories shared through spectest and registered modules', async () => {
    const path = writeScript(`
      (module
        (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
        (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
        (func (export "nan") (result f64) (f64.div (f64.const 0) (f64.const 0)))
        (func (export "v") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
        (func (export "id") (param externref) (result externref) (local.get 0)))
      (assert_return (invoke "add" (i64.const 1) (i64.const -3)) (i64.const -2))
      (assert_return (invoke "add" (i64.const 1) (i64.const 2)) (i64.const 4))
      (assert_trap (invoke "trunc" (f32.const nan)) "invalid conversion to integer")
      (assert_return (invoke "nan") (f64.const nan:canonical))
      (assert_return (invoke "v" (v128.const i32x4 1 2 3 4) (v128.const i32x4 10 20 30 -1)) (v128.const i32x4 11 22 33 3))
      (assert_return (invoke "id" (ref.extern 7)) (ref.extern 7))
      (module $m (memory 1) (func (export "load") (result i32) (i32.load (i32.const 0)))
        (func (export "store") (param i32) (i32.store (i32.const 0) (local.get 0))))
      (assert_return (invoke $m "load") (i32.const 0))
      (invoke $m "store" (i32.const 5))
      (assert_return (invoke $m "load") (i32.const 5))
      (assert_trap (module (func $u unreachable) (start $u)) "unreachable")
      (module $a (import "spectest" "memory" (memory 1)) (data (i32.const 0) "\\2a"))
      (module $b (import "spectest" "memory" (memory 1)) (func (export "f") (result i32) (i32.load8_u (i32.const 0))))
      (assert_return (invoke $b "f") (i32.const 42))
      (register "b" $b)
      (assert_unlinkable (module (import "b" "f" (func (result i64)))) "incompatible import type")
      (module $m1 (memory (export "m") 1))
      (register "m1" $m1)
      (assert_unlinkable (module (import "m1" "m" (memory 3))) "incompatible import type")`);
    try {
      const s = await runWastFiles([path], { target: 'x86_64', jobs: 1 });
      expect(s.perScript[0].failures.map((f) => f.line)).toEqual([9]);
      expect([s.passed, s.failed, s.skipped]).toEqual([11, 1, 0]);
    } finally {
      rmSync(resolve(path, '..'), { recursive: true, force: true });
    }
  });

  const scripts = ['i32', 'f32_bitwise', 'simd_i16x8_arith'].map((n) => join(corpus, `${n}.wast`));
  it.runIf(existsSync(corpus))('runs spec scripts natively without a failure', async () => {
    const s = await runWastFiles(scripts, { target: 'x86_64', jobs: 1 });
    for (const r of s.perScript) expect(r.failures, r.path).toEqual([]);
    expect(s.passed).toBeGreaterThan(500);
  });
});

describe('native targets', () => {
  it('accepts x86_64 target lines and names what is wrong with others', () => {
    expect(nativeTargetProblem('x86_64')).toBeUndefined();
    expect(nativeTargetProblem('x86_64 haswell', ['opt_level=speed'])).toBeUndefined();
    expect(nativeTargetProblem('aarch64')).toMatch(/x86_64 only/);
    expect(nativeTargetProblem('x86_64 has_nothing')).toMatch(/has_nothing/);
    expect(nativeTargetProblem('x86_64', ['no_such_setting=1'])).toMatch(/no_such_setting/);
  });
});

describe.runIf(canRun)(`the native wasm driver${canRun ? '' : `: skipped, ${why}`}`, () => {
  it('reports a fault outside any trap site as a crash, not a trap', () => {
    // A load through a null pointer: SIGSEGV at a low address, shallow in the stack.
    const clif = parseClif(`function u0:0(i64 vmctx, i64) -> i32 fast {
block0(v0: i64, v1: i64):
    v2 = load.i32 v1
    return v2
}`);
    const f = clif.functions[0].func;
    const built = buildObject([f], 'x86_64');
    const sym = fnSymbolName(f);
    const functions = [{ symbol: testSymbol(sym), signature: f.signature, size: built.codes.get(sym)!.bytes.length }];
    const calls = [{ fn: 0, args: [0n] }];
    const dir = mkdtempSync(join(tmpdir(), 'wasm-driver-'));
    try {
      writeFileSync(join(dir, 'code.o'), built.object);
      writeFileSync(join(dir, 'driver.c'), driverSource(functions, calls));
      execFileSync('cc', ['-O0', '-w', '-no-pie', '-o', join(dir, 'd'), join(dir, 'driver.c'), join(dir, 'code.o')]);
      const [r] = decodeResults(execFileSync(join(dir, 'd'), { encoding: 'utf8' }), functions, calls);
      expect(r).toMatchObject({ kind: 'signal', signal: 11, addr: 0n, where: { fn: 0 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
