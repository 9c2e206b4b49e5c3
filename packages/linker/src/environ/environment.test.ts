// The standard environment's choices, as the translated IR shows them: the vmctx layout, explicit
// or guard-page bounds checks, function names, libcalls in the C convention.
import { printFunction, verifyFunction } from '@windlass/ir';
import { parseModule, translateFunction } from '@windlass/wasm-frontend';
import { describe, expect, it } from 'vitest';
import { StandardEnvironment, VmctxLayout } from '../index';

/** (module (memory 1) (func (param i32) (result i32) (i32.load offset=4 (local.get 0)))) */
const LOAD_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00,
  0x28, 0x02, 0x04, 0x0b,
]);

describe('StandardEnvironment', () => {
  it('bounds-checks memory accesses explicitly, in the Spectre-safe form', () => {
    const m = parseModule(LOAD_MODULE);
    const f = translateFunction(m, 0, new StandardEnvironment(m));
    expect(printFunction(f)).toContain('select_spectre_guard');
    expect(printFunction(f)).toMatch(/= load\.i32 little heap v\d+/);
    expect(verifyFunction(f).map((e) => e.message)).toEqual([]);
  });

  it('relies on guard pages when asked, with no compare', () => {
    const m = parseModule(LOAD_MODULE);
    const text = printFunction(translateFunction(m, 0, new StandardEnvironment(m, { boundsChecks: 'guard' })));
    expect(text).not.toContain('select_spectre_guard');
    expect(text).not.toContain('icmp');
  });

  it('passes vmctx first and names functions u<namespace>:<index>, or as asked', () => {
    const m = parseModule(LOAD_MODULE);
    expect(printFunction(translateFunction(m, 0, new StandardEnvironment(m, { namespace: 7 })))).toMatch(/^function u7:0\(i64 vmctx, i32\) -> i32 fast/);
    const named = new StandardEnvironment(m, { functionName: (i) => ({ kind: 'testcase', name: `f${i}` }) });
    expect(printFunction(translateFunction(m, 0, named))).toMatch(/^function %f0\(/);
  });

  it('lays out vmctx as documented', () => {
    const L = new VmctxLayout({ memories: [], tables: [0, 0], globals: [0, 0, 0], types: [0, 0, 0], funcTypes: [0, 0] });
    expect([L.memory, L.table(1), L.global(0), L.sigId(2), L.funcRef(1), L.size]).toEqual([0, 16, 24, 56, 88, 112]);
    // Multi-memory: one record pointer per memory before the tables.
    const M = new VmctxLayout({ memories: [0, 0, 0], tables: [0], globals: [], types: [], funcTypes: [] });
    expect([M.memoryAt(2), M.table(0), M.size]).toEqual([16, 24, 32]);
  });

  it('translates the README example as printed', () => {
    const module = parseModule(LOAD_MODULE);
    const text = printFunction(translateFunction(module, 0, new StandardEnvironment(module, { boundsChecks: 'explicit' })));
    expect(text).toBe(README_IR);
  });
});

const README_IR = `function u0:0(i64 vmctx, i32) -> i32 fast {
                                block0(v0: i64, v1: i32):
                                    v2 = load.i64 notrap aligned readonly can_move vmctx v0
                                    v3 = iconst.i64 0
@0020                               v5 = load.i64 notrap aligned readonly can_move vmctx v2
@0020                               v6 = uextend.i64 v1
@0020                               v7 = iadd v5, v6
@0020                               v8 = iadd_imm v7, 4
@0020                               v9 = load.i64 notrap aligned vmctx v2+8
@0020                               v10 = iadd_imm v6, 8
@0020                               v11 = icmp ugt v10, v9
@0020                               v12 = select_spectre_guard v11, v3, v8  ; v3 = 0
@0020                               v13 = load.i32 little heap v12
@0023                               jump block1(v13)

                                block1(v4: i32):
@0023                               return v4
}
`;
