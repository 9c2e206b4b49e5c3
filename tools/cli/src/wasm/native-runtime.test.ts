import { describe, expect, it } from 'vitest';
import { I32, abiParam } from '@windlass/ir';
import { VmctxLayout } from '@windlass/linker';
import type { Module } from '@windlass/wasm-frontend';
import { decodeRuntimeOutput, runtimeDriverSource, type RuntimeEvent, type RuntimePlan } from './native-runtime';

/** A module with one memory, one mutable i32 global and `f: (i32) -> i32`, built by hand. */
function plan(): RuntimePlan {
  const m = {
    bytes: new Uint8Array([0x61, 0x62]),
    types: [{ params: [0x7f], results: [0x7f] }],
    imports: [],
    funcTypes: [0],
    numImportedFuncs: 0,
    tables: [],
    numImportedTables: 0,
    memories: [{ limits: { min: 1, max: 2 } }],
    numImportedMemories: 0,
    globals: [{ type: 0x7f, mutable: true }],
    numImportedGlobals: 0,
    globalInits: [{ op: 'i32.const', value: 5 }],
    exports: [],
    elements: [],
    data: [{ mode: 'active', memory: 0, offset: { op: 'i32.const', value: 8 }, start: 0, end: 2 }],
    bodies: [],
  } as unknown as Module;
  const signature = { params: [abiParam(I32, 'none', 'vmctx'), abiParam(I32)], returns: [abiParam(I32)], callConv: 'fast' as const };
  return {
    instances: new Map([[7, { id: 7, module: m, layout: new VmctxLayout(m), imports: [], defined: ['wl_u7_0'], sigIds: [1], signatures: [signature] }]]),
    symbols: [{ symbol: 'wl_u7_0', size: 32 }],
  };
}

const events: RuntimeEvent[] = [
  { kind: 'instantiate', inst: 7 },
  { kind: 'invoke', inst: 7, func: 0, args: [3n] },
  { kind: 'get', inst: 7, global: 0 },
  { kind: 'invoke', inst: 7, func: 0, args: [4n] },
  { kind: 'invoke', inst: 7, func: 0, args: [5n] },
  { kind: 'instantiate', inst: 7 },
];

describe('the native runtime driver', () => {
  it('generates the instance, its segments and one case per event', () => {
    const c = runtimeDriverSource(plan(), events);
    expect(c).toContain('static void wl_instantiate_7(void)');
    expect(c).toContain('wasm_memory_init((uint64_t)(uintptr_t)wl_vm_7, 0, 0, (uint32_t)8u, 0, 2);'); // the data segment
    expect(c).toContain('wl_mem_new(&wl_mem_7, 1, 2);');
    expect(c).toContain('(*wl_gp_7[0])[0] = (uint32_t)5u;'); // the global's initializer
    expect(c).toContain('case 1: wl_call_7_0(args + 0); break;');
    expect(c).toContain('case 3: wl_call_7_0(args + 1); break;');
    expect(c).toContain('static const char wl_dbytes_7_0[] = "ab";');
  });

  it('decodes results, global values, runtime traps, signals and failed instantiations', () => {
    const out = [
      'S 7fff0000',
      'A 0 401000',
      'I 0 ok',
      'R 1 a5a5a5a500000009 0 0 0 0 0',
      'G 2 6 0',
      'H 3 254',
      'T 4 11 401010 0 7ffe0000',
      'I H 5 2',
    ].join('\n');
    const { results } = decodeRuntimeOutput(out, plan(), events);
    expect(results[0]).toEqual({ kind: 'instantiated' });
    expect(results[1]).toEqual({ kind: 'returned', values: [[0xa5a5a5a500000009n]] });
    expect(results[2]).toEqual({ kind: 'global', words: [6n, 0n] });
    expect(results[3]).toEqual({ kind: 'hosttrap', code: 254 });
    expect(results[4]).toMatchObject({ kind: 'signal', signal: 11, addr: 0n, where: { fn: 0, offset: 0x10 } });
    expect(results[5]).toEqual({ kind: 'hosttrap', code: 2 });
    // A driver that died prints nothing more: those events have no result.
    expect(decodeRuntimeOutput('I 0 ok\n', plan(), events).results.slice(1)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
