import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClif } from '@windlass/ir';
import { StandardEnvironment, parseModule, translateFunction } from '@windlass/wasm-frontend';
import { buildObject, fnSymbolName, testSymbol } from '../native/x64';
import { corpus, haveWabt, script as writeScript } from './test-support';
import { NativeEngine, WastUnsupported, nativeHostProblem } from './native-engine';
import { analyzeModule } from './purity';
import { decodeResults, driverSource } from './driver';
import { WastExhaustion, WastTrap } from './engine';
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

  it('refuses what needs the runtime: calls to imports, memory and globals, deciding instantiation', () => {
    const e = new NativeEngine();
    const imp = wasm(`(module (import "spectest" "print_i32" (func $p (param i32)))
      (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
      (func (export "print") (call $p (i32.const 1))))`);
    const withImport = parseModule(imp);
    expect(e.instantiationUnsupported(withImport)).toMatch(/instantiation: imports/);
    const linked = e.instantiate(imp, withImport); // not linked: nothing pure can see it
    expect(e.invoke(linked, 'sq', [i32(9)]).map(asI32)).toEqual([81]);
    expect(() => e.invoke(linked, 'print', [])).toThrow(WastUnsupported);
    const bytes = wasm(`(module (memory 1) (global $g (export "g") i32 (i32.const 1))
      (func (export "pure") (result i32) (i32.const 42))
      (func (export "load") (result i32) (i32.load (i32.const 0))))`);
    const inst = e.instantiate(bytes, parseModule(bytes));
    expect(e.instantiationUnsupported(inst.module)).toBeUndefined();
    expect(e.invoke(inst, 'pure', []).map(asI32)).toEqual([42]); // reads the memory record, dead
    expect(() => e.invoke(inst, 'load', [])).toThrow(/needs the wasm runtime: .*\(memory\)/);
    expect(() => e.get(inst, 'g')).toThrow(WastUnsupported);
  });

  it('runs a script: wrong expectations fail, runtime cases are skipped with the reason', async () => {
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
      (module $m (memory 1) (func (export "load") (result i32) (i32.load (i32.const 0))))
      (assert_return (invoke $m "load") (i32.const 0))
      (assert_trap (module (func $u unreachable) (start $u)) "unreachable")`);
    try {
      const s = await runWastFiles([path], { target: 'x86_64', jobs: 1 });
      expect(s.perScript[0].failures.map((f) => f.line)).toEqual([9]);
      expect([s.passed, s.failed, s.skipped]).toEqual([5, 1, 2]);
      expect(Object.keys(s.perScript[0].skipReasons)).toEqual([
        'needs the wasm runtime: memory/table/globals/imports (memory)',
        'needs the wasm runtime: memory/table/globals/imports (instantiation: start function)',
      ]);
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
